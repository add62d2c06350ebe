"""A real PostgreSQL server for the tests, started from Debian's ``postgresql`` package.

``initdb`` + ``pg_ctl`` in a temporary folder, listening on a free port of 127.0.0.1
only, password authentication (scram) with a password made up per session. initdb
refuses to run as root, so as root the server runs as ``nobody`` (``runuser``).
``.ci/run`` installs the package when it is missing; without it the Postgres tests
fail loudly rather than skip (a skipped Postgres suite would hide a broken prod path).
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

PG_USER = "ouchhungry"


def postgres_bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: "
            "run `apt-get install -y postgresql` (.ci/run does it on CI)"
        )
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    password: str = ""

    def url(self, database: str = "postgres") -> str:
        # The driver is named on purpose: SQLAlchemy 2.1's default postgresql driver is
        # psycopg 3, which dagster-postgres' queries do not work with.
        return (f"postgresql+psycopg2://{self.user}:{self.password}"
                f"@{self.host}:{self.port}/{database}")

    def create_database(self, name: str) -> str:
        engine = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return self.url(name)

    def env(self, database: str) -> dict[str, str]:
        """The variables deploy/dagster.yaml reads, pointing at one database."""
        return {"DAGSTER_PG_HOST": self.host, "DAGSTER_PG_PORT": str(self.port),
                "DAGSTER_PG_USERNAME": self.user, "DAGSTER_PG_PASSWORD": self.password,
                "DAGSTER_PG_DB": database}


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "nobody", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bindir = postgres_bin_dir()
    root = Path(tempfile.mkdtemp(prefix="ouchhungry-pg-"))
    password = secrets.token_urlsafe(18)
    data, pwfile, logfile = root / "data", root / "pwfile", root / "server.log"
    pwfile.write_text(password + "\n")
    if os.geteuid() == 0:
        shutil.chown(root, "nobody")
        shutil.chown(pwfile, "nobody")
    port = _free_port()
    subprocess.run(_as_server_user([
        str(bindir / "initdb"), "-D", str(data), "-U", PG_USER, "--auth=scram-sha-256",
        f"--pwfile={pwfile}", "--encoding=UTF8", "--locale=C.UTF-8"]),
        check=True, capture_output=True, text=True)
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off"
    subprocess.run(_as_server_user([
        str(bindir / "pg_ctl"), "-D", str(data), "-l", str(logfile), "-o", options,
        "-w", "-t", "60", "start"]), check=True, capture_output=True, text=True)
    try:
        yield PostgresServer("127.0.0.1", port, PG_USER, password)
    finally:
        subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast",
                                        "-w", "stop"]), capture_output=True, text=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer, request: pytest.FixtureRequest) -> str:
    """A fresh, empty database for one test."""
    name = "t_" + secrets.token_hex(6)
    return postgres_server.create_database(name)
