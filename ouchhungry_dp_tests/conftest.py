"""Fixtures shared by the whole suite: the partner sandbox on loopback and a platform env.

Every server is real (asyncssh SFTP, aiohttp partner API, aiosmtpd sink) and
binds an ephemeral port on 127.0.0.1; each test that runs Dagster gets its own
DAGSTER_HOME and warehouse in a temporary folder.

``make test`` runs the suite on two pytest-xdist workers, each taking whole modules
(``--dist loadfile``). Each worker starts its own sandbox (ephemeral ports, its own
folders), shared by the modules it runs as in a one-process run.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from ouchhungry_dp.sandbox.stack import SandboxStack

# The slowest modules first, longest first (measured with --durations; mostly waiting on
# Dagster subprocesses): on two workers one of them starts the launch-every-job module at
# once while the other works through the rest, instead of a long module starting last and
# running alone. Without xdist only the order changes; the tests do not depend on it.
SLOW_MODULES_FIRST = (
    "e2e/test_launch_every_job.py",
    "e2e/test_cli_delivery.py",
    "mutation/test_known_mutants.py",
    "privacy/test_audit.py",
)


def _slow_rank(item: pytest.Item) -> int:
    module = item.nodeid.split("::", 1)[0]
    ranks = [i for i, slow in enumerate(SLOW_MODULES_FIRST) if module.endswith(slow)]
    return ranks[0] if ranks else len(SLOW_MODULES_FIRST)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_slow_rank)  # stable: the collection order within each rank is kept


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
