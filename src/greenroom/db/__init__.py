"""Storage: one SQLAlchemy schema that runs on SQLite and PostgreSQL."""
