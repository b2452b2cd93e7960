"""File-list indexes: risk filter x every sort key, and a substring index on paths.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

- ``ix_files_risk_<key>`` on ``(gone, risk_rank, <key>, id)``: a list filtered on one risk
  level and sorted on ``path``, ``size``, ``mtime`` or ``last_seen`` walks an index range and
  stops after the page (``ix_files_risk`` already serves risk x ``score``/``risk``).
- A substring index on ``files.path`` for the ``q`` search (``lower(path) LIKE '%x%'``), which
  otherwise reads every row. It is backend-specific and so not in ``schema.metadata``:

  - SQLite >= 3.34: an FTS5 table ``files_path_fts`` (``tokenize='trigram'``) with external
    content ``files``, kept in step by three triggers;
  - PostgreSQL: a GIN ``gin_trgm_ops`` index on ``lower(path)`` when the ``pg_trgm``
    extension exists or can be created (it needs the right privileges: without them the
    migration goes on without the index, and searches scan, as before).

  ``sentinelle.inventory.queries.Features`` finds out at open time which one is there.
"""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

SORT_KEYS = ("path", "size", "mtime", "last_seen")
FTS = "files_path_fts"
TRIGGERS = {
    "files_path_fts_ai": f"AFTER INSERT ON files BEGIN INSERT INTO {FTS}(rowid, path) "
                         "VALUES (new.id, new.path); END",
    "files_path_fts_ad": f"AFTER DELETE ON files BEGIN INSERT INTO {FTS}({FTS}, rowid, path) "
                         "VALUES ('delete', old.id, old.path); END",
    "files_path_fts_au": f"AFTER UPDATE OF path ON files BEGIN "
                         f"INSERT INTO {FTS}({FTS}, rowid, path) VALUES ('delete', old.id, old.path); "
                         f"INSERT INTO {FTS}(rowid, path) VALUES (new.id, new.path); END",
}


def sqlite_has_trigram() -> bool:
    return sqlite3.sqlite_version_info >= (3, 34, 0)


def upgrade() -> None:
    with op.batch_alter_table('files', schema=None) as batch_op:
        for key in SORT_KEYS:
            batch_op.create_index(f'ix_files_risk_{key}', ['gone', 'risk_rank', key, 'id'],
                                  unique=False)
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and sqlite_has_trigram():
        op.execute(f"CREATE VIRTUAL TABLE {FTS} USING fts5(path, content='files', "
                   "content_rowid='id', tokenize='trigram')")
        op.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
        for name, body in TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    elif bind.dialect.name == "postgresql":
        savepoint = bind.begin_nested()
        try:
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            bind.execute(sa.text("CREATE INDEX ix_files_path_trgm ON files "
                                 "USING gin (lower(path) gin_trgm_ops)"))
        except sa.exc.DBAPIError:  # no privilege to create the extension, or not installed
            savepoint.rollback()
        else:
            savepoint.commit()


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_files_path_trgm")
    with op.batch_alter_table('files', schema=None) as batch_op:
        for key in reversed(SORT_KEYS):
            batch_op.drop_index(f'ix_files_risk_{key}')
