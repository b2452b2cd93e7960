"""Alembic environment for the inventory: run programmatically by ``Inventory``.

The caller passes an open connection in ``config.attributes["connection"]``; there is no
alembic.ini and no logging configuration (the CLI stays quiet).
"""

from __future__ import annotations

from alembic import context

from sentinelle.inventory.schema import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when a developer runs `alembic` by hand
    import sqlalchemy as sa

    connection = sa.create_engine(config.get_main_option("sqlalchemy.url")).connect()

context.configure(connection=connection, target_metadata=metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
