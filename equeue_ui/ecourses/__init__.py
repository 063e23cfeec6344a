"""eCourses (the university's Moodle): web-service client, token encryption, a fake server."""
