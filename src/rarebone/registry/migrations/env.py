"""Alembic environment for the rarebone registry. Run through ``rarebone.registry.db`` (no alembic.ini)."""

from alembic import context

from rarebone.registry.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
