"""Prod-mode fixtures: the BigQuery and GCS emulators, and a platform env pointed at them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ouchhungry_dp.lib.warehouse.bigquery_clients import BigQueryClients
from ouchhungry_dp.sandbox.stack import SandboxStack
from ouchhungry_dp_tests.conftest import platform_env
from ouchhungry_dp_tests.postgres import postgres_server  # noqa: F401
from ouchhungry_dp_tests.prod.emulators import Emulators, running_emulators

SOURCE_DATASET = "marketplace"


@pytest.fixture(scope="session")
def emulators(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulators]:
    with running_emulators(tmp_path_factory.mktemp("gcp")) as running:
        yield running


@pytest.fixture
def clients(emulators: Emulators) -> BigQueryClients:
    return BigQueryClients(project=emulators.project, location="southamerica-east1",
                           timeout_s=120, api_endpoint=emulators.bigquery_rest,
                           storage_read_endpoint=emulators.bigquery_grpc)


@pytest.fixture
def dataset() -> str:
    """A fresh dataset per test: tests never see each other's tables."""
    return f"marts_{uuid.uuid4().hex[:8]}"


def prod_env(sandbox: SandboxStack, emulators: Emulators, home: Path, dataset: str,
             bucket: str, state_db_url: str) -> dict[str, str]:
    """A prod deployment (BigQuery + GCS) whose endpoints are the emulators; its sent-log
    and alert outbox in Postgres (prod refuses SQLite state)."""
    return {
        **platform_env(sandbox, home),
        **emulators.env(),
        "OUCHHUNGRY_ENV": "prod",
        # a rehearsal: prod otherwise refuses the loopback sandbox as a partner
        "OUCHHUNGRY_ALLOW_LOOPBACK_IN_PROD": "1",
        "GCP_PROJECT": emulators.project,
        "BIGQUERY_DATASET": dataset,
        "BIGQUERY_LOCATION": "southamerica-east1",
        "BIGQUERY_SOURCE_DATASET": SOURCE_DATASET,
        "GCS_OUTBOUND_BUCKET": bucket,
        "OUCHHUNGRY_STATE_DB_URL": state_db_url,
    }


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test here needs the emulators: `make test-prod`, not `make test`.
    for item in items:
        if "ouchhungry_dp_tests/prod/" in str(item.path):
            item.add_marker(pytest.mark.prod)
