"""Reusable UI pieces; they call services, never the database."""
