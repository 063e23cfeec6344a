"""Alembic migrations; the application's schema comes only from here (see equeue_ui.migrate)."""
