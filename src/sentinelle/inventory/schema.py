"""The inventory tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

What is stored: scans, the sources a scan walked (a file on disk or a remote file: path, size,
mtime, SHA-256 of the content), the files found in them (a source, or an archive member or
sheet named ``outer!inner``) with their risk, entity and health counts, the columns holding
an entity with their *masked* preview, read errors, and a change log. Never a raw value: the
scan runs without ``--show-values`` and only counts, masked shapes and paths are written.

The Alembic migrations in ``sentinelle/inventory/migrations`` create these tables; keep both in
step (a new column or index is a new migration). Not declared here because they depend on
the backend (migration 0002): the substring index on ``files.path`` for the path search, an
FTS5 trigram table ``files_path_fts`` with its triggers on SQLite, a ``pg_trgm`` GIN index on
``lower(path)`` on PostgreSQL when the extension is available.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

#: Risk levels in order; ``risk_rank`` columns store the index (sorting and ``min_risk``).
RISKS = ("none", "low", "medium", "high", "critical")

UTC_DT = sa.DateTime(timezone=True)

scans = sa.Table(
    "scans", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("started_at", UTC_DT, nullable=False),
    sa.Column("finished_at", UTC_DT),
    sa.Column("roots", sa.JSON, nullable=False),
    sa.Column("files", sa.Integer, nullable=False, default=0),
    sa.Column("files_read", sa.Integer, nullable=False, default=0),
    sa.Column("files_hashed", sa.Integer, nullable=False, default=0),
    sa.Column("incomplete", sa.Integer, nullable=False, default=0),
    sa.Column("by_risk", sa.JSON, nullable=False),
    sa.Index("ix_scans_started", "started_at"),
)

sources = sa.Table(
    "sources", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("root", sa.Text, nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("size", sa.BigInteger),
    sa.Column("mtime_ns", sa.BigInteger),
    sa.Column("content_hash", sa.String(64)),
    sa.Column("errors", sa.Integer, nullable=False, default=0),
    sa.Column("first_seen", UTC_DT, nullable=False),
    sa.Column("last_seen", UTC_DT, nullable=False),
    sa.Column("last_scan_id", sa.Integer, sa.ForeignKey("scans.id"), nullable=False),
    sa.Column("gone", sa.Boolean, nullable=False, default=False),
    sa.UniqueConstraint("path", name="uq_sources_path"),
    sa.Index("ix_sources_root", "root"),
)

files = sa.Table(
    "files", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("format", sa.String(64), nullable=False, default=""),
    sa.Column("encoding", sa.String(64)),
    sa.Column("size", sa.BigInteger, nullable=False, default=0),
    sa.Column("mtime", UTC_DT),
    sa.Column("records", sa.BigInteger, nullable=False, default=0),
    sa.Column("risk", sa.String(16), nullable=False),
    sa.Column("risk_rank", sa.SmallInteger, nullable=False),
    sa.Column("score", sa.Float, nullable=False, default=0.0),
    sa.Column("entities", sa.JSON, nullable=False),  # entity id -> count (display)
    sa.Column("health", sa.JSON, nullable=False),  # category -> count (display)
    sa.Column("errors", sa.JSON, nullable=False),  # list of reasons (no content quoted)
    sa.Column("first_seen", UTC_DT, nullable=False),
    sa.Column("last_seen", UTC_DT, nullable=False),
    sa.Column("last_scan_id", sa.Integer, sa.ForeignKey("scans.id"), nullable=False),
    sa.Column("gone", sa.Boolean, nullable=False, default=False),
    sa.Column("too_old_flagged", sa.Boolean, nullable=False, default=False),
    sa.UniqueConstraint("path", name="uq_files_path"),
    sa.Index("ix_files_source", "source_id"),
    sa.Index("ix_files_risk", "gone", "risk_rank", "score", "id"),
    sa.Index("ix_files_score", "gone", "score", "id"),
    sa.Index("ix_files_size", "gone", "size", "id"),
    sa.Index("ix_files_mtime", "gone", "mtime", "id"),
    sa.Index("ix_files_last_seen", "gone", "last_seen", "id"),
    sa.Index("ix_files_path", "gone", "path"),
    # one risk level x each other sort key (migration 0002)
    sa.Index("ix_files_risk_path", "gone", "risk_rank", "path", "id"),
    sa.Index("ix_files_risk_size", "gone", "risk_rank", "size", "id"),
    sa.Index("ix_files_risk_mtime", "gone", "risk_rank", "mtime", "id"),
    sa.Index("ix_files_risk_last_seen", "gone", "risk_rank", "last_seen", "id"),
)

file_entities = sa.Table(
    "file_entities", metadata,
    sa.Column("file_id", sa.Integer, sa.ForeignKey("files.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("entity", sa.String(32), primary_key=True),
    sa.Column("count", sa.BigInteger, nullable=False),
    sa.Column("distinct_count", sa.BigInteger, nullable=False, default=0),
    sa.Column("invalid_count", sa.BigInteger, nullable=False, default=0),
    sa.Index("ix_file_entities_entity", "entity", "file_id"),
)

file_health = sa.Table(
    "file_health", metadata,
    sa.Column("file_id", sa.Integer, sa.ForeignKey("files.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("category", sa.String(32), primary_key=True),
    sa.Column("count", sa.BigInteger, nullable=False),
    sa.Index("ix_file_health_category", "category", "file_id"),
)

file_columns = sa.Table(
    "file_columns", metadata,
    sa.Column("file_id", sa.Integer, sa.ForeignKey("files.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("idx", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text),
    sa.Column("entity", sa.String(32), nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("valid_ratio", sa.Float, nullable=False),
    sa.Column("preview", sa.Text, nullable=False),  # masked shape, never a value
)

events = sa.Table(
    "events", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", UTC_DT, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("file_id", sa.Integer, sa.ForeignKey("files.id", ondelete="SET NULL")),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("risk", sa.String(16)),
    sa.Column("previous_risk", sa.String(16)),
    sa.Column("scan_id", sa.Integer, sa.ForeignKey("scans.id"), nullable=False),
    sa.Index("ix_events_at", "at", "id"),
    sa.Index("ix_events_kind", "kind", "at"),
    sa.Index("ix_events_file", "file_id"),
    sa.Index("ix_events_scan", "scan_id"),
)

assessments = sa.Table(
    "assessments", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("created", UTC_DT, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("directory", sa.Text, nullable=False),
    sa.Column("persons", sa.BigInteger, nullable=False),
    sa.Column("severity", sa.String(32), nullable=False),
)

__all__ = ["RISKS", "assessments", "events", "file_columns", "file_entities", "file_health",
           "files", "metadata", "scans", "sources"]
