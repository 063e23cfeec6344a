"""Database layer: SQLAlchemy models, engine and sessions. No business rules here."""
