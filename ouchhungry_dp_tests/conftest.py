"""Fixtures shared by the whole suite: the partner sandbox on loopback and a platform env.

Every server is real (asyncssh SFTP, aiohttp partner API, aiosmtpd sink) and
binds an ephemeral port on 127.0.0.1; each test that runs Dagster gets its own
DAGSTER_HOME and warehouse in a temporary folder.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from ouchhungry_dp.sandbox.stack import SandboxStack


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxStack]:
    with SandboxStack(tmp_path_factory.mktemp("sandbox")) as stack:
        yield stack


def platform_env(sandbox: SandboxStack, home: Path, rows_per_day: int = 300) -> dict[str, str]:
    """Environment of a local deployment pointed at the sandbox (no .env file involved)."""
    (home / "dagster_home").mkdir(parents=True, exist_ok=True)
    return {
        **sandbox.env(),
        "OUCHHUNGRY_ENV": "local",
        "PSEUDONYMIZATION_KEY": secrets.token_hex(32),
        "OUCHHUNGRY_DATA_DIR": str(home / "data"),
        "DAGSTER_HOME": str(home / "dagster_home"),
        "EMAIL_FROM": "dados@marketplace.example",
        "DATA_TEAM_ALERT_EMAILS": "correa.igor@aiqfome.com,diego.pastrello@aiqfome.com,"
        "leonardo.artur@aiqfome.com",
        "OUCHHUNGRY_NOTIFY_EMAILS": "dados@ouchhungry.example",
        "OUCHHUNGRY_RETRY_INITIAL_DELAY_S": "0.01",
        "OUCHHUNGRY_SIM_ROWS_PER_DAY": str(rows_per_day),
    }
