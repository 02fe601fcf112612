"""The patient registry: SQLAlchemy ORM (kept inside this package), Alembic migrations, importers, audit trail, exports."""
