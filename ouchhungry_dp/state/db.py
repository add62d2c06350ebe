"""Where the shared state lives, and its tables.

``OUCHHUNGRY_STATE_DB_URL`` names the database (production: the Postgres that
holds Dagster's own storage, a ``postgresql+psycopg2://`` URL built from the secret);
unset, a SQLite file under ``$DAGSTER_HOME/ouchhungry_email`` is used. A plain
path (tests, a developer's override) also means a SQLite file there.

SQLite is for local runs only: with ``OUCHHUNGRY_ENV=prod`` every engine refuses a
SQLite database (the variable unset, a ``sqlite://`` URL or a folder), because a file
on one pod's disk is invisible to the others and exactly-once would silently hold
per pod only.

Exactly-once is carried by the tables' keys, not by file locks: a Message-ID is
the primary key of both tables, rows are claimed by inserting or by a conditional
UPDATE whose row count says who won, so two processes (two pods) racing for the
same e-mail cannot both send it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.pool import NullPool

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.settings import ENV_VAR, current_env

STATE_DB_URL_ENV = "OUCHHUNGRY_STATE_DB_URL"
EMAIL_STATE_DIR_ENV = "OUCHHUNGRY_EMAIL_STATE_DIR"
SENDING, SENT, PENDING, DEAD = "sending", "sent", "pending", "dead"

metadata = sa.MetaData()

# One row per e-mail accepted (or being handed) to the relay.
sent_emails = sa.Table(
    "ouchhungry_email_sent_log", metadata,
    sa.Column("message_id", sa.String(998), primary_key=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("claimed_at", sa.Float, nullable=False),
    sa.Column("sent_at", sa.Float),
    sa.CheckConstraint(f"state IN ('{SENDING}', '{SENT}')", name="email_sent_log_state"),
)

# Alert e-mails that could not be sent yet; kept (not deleted) once sent, for the record.
alert_outbox = sa.Table(
    "ouchhungry_alert_outbox", metadata,
    sa.Column("message_id", sa.String(998), primary_key=True),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("raw", sa.LargeBinary, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("queued_at", sa.Float, nullable=False),
    sa.Column("claimed_at", sa.Float),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text),
    sa.CheckConstraint(f"state IN ('{PENDING}', '{SENDING}', '{SENT}', '{DEAD}')",
                       name="alert_outbox_state"),
    sa.Index("ix_alert_outbox_state_queued", "state", "queued_at"),
)


def default_email_state_dir(environ: Mapping[str, str] | None = None) -> Path:
    """$OUCHHUNGRY_EMAIL_STATE_DIR, else $DAGSTER_HOME/ouchhungry_email, else ./.dagster_home/…"""
    env = os.environ if environ is None else environ
    if env.get(EMAIL_STATE_DIR_ENV):
        return Path(env[EMAIL_STATE_DIR_ENV])
    home = env.get("DAGSTER_HOME") or ".dagster_home"
    return Path(home) / "ouchhungry_email"


def state_db_url(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    url = (env.get(STATE_DB_URL_ENV) or "").strip()
    if url:
        return url
    return sqlite_url(default_email_state_dir(env) / "state.sqlite")


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def resolve_location(location: str | Path | None, file_name: str) -> str:
    """A URL as is; a folder means a SQLite file ``file_name`` in it; None the configured one."""
    if location is None:
        return state_db_url()
    text = str(location)
    if "://" in text:
        return text
    return sqlite_url(Path(text) / file_name)


_ENGINES: dict[str, sa.Engine] = {}
_LOCK = threading.Lock()


def require_shared_state(url: str, environ: Mapping[str, str] | None = None) -> None:
    """Production state must live in the shared database, never in a pod-local SQLite file."""
    env = os.environ if environ is None else environ
    if current_env(env) != "prod" or not _is_sqlite(url):
        return
    configured = (env.get(STATE_DB_URL_ENV) or "").strip()
    if not configured:
        problem = f"{STATE_DB_URL_ENV} is not set"
    elif _is_sqlite(configured):
        problem = f"{STATE_DB_URL_ENV} names a SQLite database"
    else:  # a resource was given a folder or file of its own
        problem = f"the state database is a SQLite file instead of {STATE_DB_URL_ENV}"
    raise ConfigurationError(
        f"{problem} while {ENV_VAR}=prod",
        hint=f"Set {STATE_DB_URL_ENV} to the shared postgresql+psycopg2:// URL (see "
        "docs/deployment.md): a SQLite file on one pod's disk loses the alert outbox and "
        "lets two pods e-mail the partner twice.",
    )


def _is_sqlite(url: str) -> bool:
    try:
        return sa.make_url(url).get_backend_name() == "sqlite"
    except sa.exc.ArgumentError:
        return False  # not a URL at all: _create says so


def engine_for(url: str) -> sa.Engine:
    """One engine per URL and process, tables created on first use (SQLite refused in prod)."""
    require_shared_state(url)
    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = _create(url)
            _ENGINES[url] = engine
    return engine


def _create(url: str) -> sa.Engine:
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise ConfigurationError(
            f"{STATE_DB_URL_ENV} is not a database URL",
            hint="Use a postgresql+psycopg2:// URL (user, password, host, port, database) "
            "or sqlite:///PATH.",
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # No pool: connections are short and the file may be shared with other processes.
        engine = sa.create_engine(url, poolclass=NullPool,
                                  connect_args={"timeout": 30, "isolation_level": None})

        # Take the write lock when a transaction begins: a read-then-write transaction
        # (claiming an outbox row) would otherwise fail at once with "database is
        # locked" when another process upgrades first, instead of waiting its turn.
        @sa.event.listens_for(engine, "begin")
        def _begin_immediate(conn: sa.Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif parsed.get_backend_name() == "postgresql":
        if parsed.get_driver_name() != "psycopg2":
            # Same deliberate driver as dagster-postgres (see docs/deployment.md).
            raise ConfigurationError(
                f"{STATE_DB_URL_ENV} must name the psycopg2 driver",
                detail=f"driver {parsed.get_driver_name()!r}",
                hint="Write the URL as postgresql+psycopg2://…",
            )
        # Pods fork run workers; a pool must not cross a fork, and traffic is a few rows.
        engine = sa.create_engine(url, poolclass=NullPool, pool_pre_ping=True)
    else:
        raise ConfigurationError(
            f"{STATE_DB_URL_ENV} names an unsupported database",
            detail=f"backend {parsed.get_backend_name()!r}",
            hint="Use PostgreSQL (production) or SQLite (local).",
        )
    _create_tables(engine)
    return engine


def _create_tables(engine: sa.Engine) -> None:
    try:
        metadata.create_all(engine, checkfirst=True)
    except sa.exc.DBAPIError:
        # Two processes starting at once both saw no table; the loser finds it now.
        metadata.create_all(engine, checkfirst=True)


def insert_ignoring_duplicates(engine: sa.Engine, table: sa.Table) -> sa.Insert:
    """INSERT … ON CONFLICT DO NOTHING in the engine's dialect (row count 0 = already there)."""
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()
