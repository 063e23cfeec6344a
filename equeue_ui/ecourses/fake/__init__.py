"""A fake eCourses (Moodle) server for tests and demos: ``python -m equeue_ui.ecourses.fake``.

It speaks the Moodle web-service protocol eQueue uses (see ``app.py``) over demo data
(``data.py``) and can misbehave on demand (``faults.py``).
"""
