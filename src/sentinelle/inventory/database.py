"""Where the inventory lives and how it is opened: URL, engine, schema migrations.

``--db`` accepts a SQLAlchemy URL (``sqlite:///path``, ``postgresql://user@host/db``; the
``postgresql://`` and ``postgres://`` forms use the psycopg 3 driver) or a plain file path
(an SQLite file). Without it the inventory is an SQLite file in the user's data directory:
``$XDG_DATA_HOME/sentinelle/inventory.sqlite``, by default
``~/.local/share/sentinelle/inventory.sqlite`` (XDG Base Directory specification), created
with owner-only permissions: it holds where patient data lies, which is sensitive itself.

Migrations (Alembic) ship inside the package (``sentinelle/inventory/migrations``) and run
programmatically to ``head`` each time an inventory is opened.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from sentinelle.errors import ConfigError, InventoryError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
LOCK_KEY = 0x53454E54  # "SENT": PostgreSQL advisory lock held while migrating


def default_path(env: dict[str, str] | None = None) -> Path:
    """The per-user SQLite file (XDG data directory)."""
    env = dict(os.environ) if env is None else env
    base = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME") or Path.home()) / ".local/share")
    return Path(base) / "sentinelle" / "inventory.sqlite"


def resolve_url(url: str | os.PathLike[str] | None) -> str:
    """A SQLAlchemy URL for ``url`` (None: the default file; a path: an SQLite file)."""
    if url is None:
        path = default_path()
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        return f"sqlite:///{path}"
    text = os.fspath(url)
    if "://" not in text:
        path = Path(text).expanduser().resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    scheme, rest = text.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    return text


def display_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid database URL>"


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def create_engine(url: str) -> Engine:
    """An engine for a resolved URL; SQLite gets WAL, foreign keys and a busy timeout."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"invalid database URL {display_url(url)!r}") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ConfigError(f"unsupported database {backend!r} in {display_url(url)} "
                          "(use sqlite:///PATH or postgresql://...)")
    try:
        if backend == "sqlite":
            engine = sa.create_engine(url, connect_args={"check_same_thread": False,
                                                         "timeout": 30})
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    except (ArgumentError, ModuleNotFoundError) as exc:
        raise ConfigError(f"cannot use database {display_url(url)}: {exc}") from None
    return engine


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (Alembic ``upgrade``), inside one transaction."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # watch and serve starting together
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    except SQLAlchemyError as exc:
        raise InventoryError(f"{display_url(str(engine.url))}: cannot migrate the schema "
                             f"({type(exc.orig or exc).__name__})") from None


def current_revision(engine: Engine) -> str | None:
    """The schema revision recorded in the database (None when empty)."""
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


__all__ = ["create_engine", "current_revision", "default_path", "display_url", "migrate",
           "resolve_url"]
