"""Shared resources, chosen per environment from one dict.

``local`` (default): DuckDB warehouse file, simulated source system, outbound
files in a folder, partner channels pointing wherever the environment says (the
sandbox after ``make run``). ``prod``: BigQuery through the dagster-gcp IO
manager, the marketplace's replicated tables as source, GCS for outbound files.
Loading never touches the network: values are ``EnvVar``s resolved at run time.

Fail closed (``ouchhungry_dp/settings.py``): outside a developer checkout
``OUCHHUNGRY_ENV`` must be set; ``prod`` refuses the local-only resources (simulated
source, pod-local DuckDB, outbound folder); partner endpoints that the environment
must not reach are refused when the definitions load (from the variables already
set) and again by each client on the values resolved at run time.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import dagster as dg

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.lib.resources.cost_monitoring import (
    BigQueryCostSourceResource,
    CostMonitoringResource,
)
from ouchhungry_dp.lib.resources.email import AlertSettingsResource, EmailResource
from ouchhungry_dp.lib.resources.outbound_store import GcsFileStore, LocalFileStore
from ouchhungry_dp.lib.resources.partner_channels import channel_resources
from ouchhungry_dp.lib.resources.powerbi import POWERBI_RESOURCE_KEY, powerbi_resource_from_env
from ouchhungry_dp.lib.resources.privacy import privacy_resource
from ouchhungry_dp.lib.resources.source_systems import BigQuerySourceSystem, SimulatedSourceSystem
from ouchhungry_dp.lib.warehouse.bigquery_clients import BigQueryClients
from ouchhungry_dp.lib.warehouse.duckdb_io_manager import ArrowDuckDBPandasIOManager
from ouchhungry_dp.lib.warehouse.readers import BigQueryWarehouseReader, DuckDBWarehouseReader
from ouchhungry_dp.partners.contract import load_contracts
from ouchhungry_dp.settings import (
    ENV_VAR,
    check_endpoint,
    current_env,
    data_dir,
    outbound_dir,
    warehouse_path,
)

WAREHOUSE_SCHEMA = "marts"
# `dataset.table` of the marketplace's operations calendar (docs/data-quality.md, "Volume").
CLOSED_DAYS_TABLE_VAR = "BIGQUERY_CLOSED_DAYS_TABLE"


def _env_number(name: str, default: float, kind: type[int] | type[float]) -> Any:
    raw = os.environ.get(name) or ""
    try:
        return kind(raw) if raw.strip() else kind(default)
    except ValueError as exc:
        raise ConfigurationError(
            f"{name}={raw!r} is not a number",
            hint=f"Set {name} to a {kind.__name__} (default {default}) or leave it unset.",
        ) from exc


def _local() -> dict[str, Any]:
    # Local only, imported here so a prod process never loads the simulated company cloud.
    from ouchhungry_dp.lib.resources.simulated_cost_source import SimulatedCostSourceResource

    data_dir().mkdir(parents=True, exist_ok=True)
    database = str(warehouse_path())
    return {
        "io_manager": ArrowDuckDBPandasIOManager(database=database, schema=WAREHOUSE_SCHEMA),
        "warehouse": DuckDBWarehouseReader(database=database, schema_=WAREHOUSE_SCHEMA),
        # Reviewers can turn the volume and the garbage up without touching code.
        "source": SimulatedSourceSystem(
            rows_per_day=_env_number("OUCHHUNGRY_SIM_ROWS_PER_DAY", 2000, int),
            defect_rate=_env_number("OUCHHUNGRY_SIM_DEFECT_RATE", 0.05, float)),
        "outbound_files": LocalFileStore(root=str(outbound_dir())),
        "gcp_cost_source": SimulatedCostSourceResource(),
    }


def _prod() -> dict[str, Any]:
    # Prod only, imported here so a local process never loads the BigQuery writer.
    from ouchhungry_dp.lib.warehouse.bigquery_io_manager import BigQueryPartitionIOManager

    project, dataset = dg.EnvVar("GCP_PROJECT"), dg.EnvVar("BIGQUERY_DATASET")
    location = dg.EnvVar("BIGQUERY_LOCATION")
    bigquery = BigQueryClients.from_env(project=project, location=location)
    return {
        "io_manager": BigQueryPartitionIOManager(bigquery=bigquery, dataset=dataset),
        "warehouse": BigQueryWarehouseReader(bigquery=bigquery, dataset=dataset),
        # Optional (a plain value, not an EnvVar, which would fail when unset): empty,
        # no day is ever confirmed closed and an empty source day always blocks.
        "source": BigQuerySourceSystem(
            bigquery=bigquery, dataset=dg.EnvVar("BIGQUERY_SOURCE_DATASET"),
            closed_days_table=os.environ.get(CLOSED_DAYS_TABLE_VAR, "").strip()),
        "outbound_files": GcsFileStore(bucket=dg.EnvVar("GCS_OUTBOUND_BUCKET")),
        # The real tables of the company's GCP account, named by the environment.
        "gcp_cost_source": BigQueryCostSourceResource(
            project=project, region=dg.EnvVar("BIGQUERY_JOBS_REGION"),
            billing_table=dg.EnvVar("GCP_BILLING_EXPORT_TABLE"),
            gcs_inventory_table=dg.EnvVar("GCS_INVENTORY_TABLE")),
    }


RESOURCES_BY_ENV: dict[str, Callable[[], dict[str, Any]]] = {"local": _local, "prod": _prod}


LOCAL_ONLY = (SimulatedSourceSystem, ArrowDuckDBPandasIOManager, DuckDBWarehouseReader,
              LocalFileStore)


def refuse_local_only_in_prod(resources: dict[str, Any]) -> None:
    """A prod code location never extracts simulated data nor keeps state on a pod's disk."""
    for key, resource in resources.items():
        if isinstance(resource, LOCAL_ONLY) or getattr(resource, "local_only", False):
            raise ConfigurationError(
                f"resource {key!r} is the local-only {type(resource).__name__} while "
                f"{ENV_VAR}=prod",
                hint="Production reads the replica in BigQuery and writes BigQuery/GCS; "
                "check RESOURCES_BY_ENV['prod'] in ouchhungry_dp/lib/resources/by_environment.py.",
            )


def check_endpoints_set(contracts: list[Any]) -> None:
    """Early refusal at load time of endpoints already in the environment (no network)."""
    names = ["SMTP_HOST"]
    for contract in contracts:
        names += [contract.delivery.sftp.env["host"], contract.delivery.api.env["base_url"]]
    for name in names:
        if os.environ.get(name):
            check_endpoint(name, os.environ[name])


def shared_resources() -> dict[str, Any]:
    env = current_env()
    resources = RESOURCES_BY_ENV[env]()
    if env == "prod":
        refuse_local_only_in_prod(resources)
    contracts = load_contracts()
    check_endpoints_set(contracts)
    resources["privacy"] = privacy_resource()
    resources["email"] = EmailResource.from_env()
    # The data team's alerts: their own key so alert recipients and settings never mix
    # with the partner e-mail's (defs/alerts/ sensors).
    resources["alert_email"] = EmailResource.from_env()
    resources["alert_settings"] = AlertSettingsResource()
    resources["cost_monitoring"] = CostMonitoringResource()
    resources[POWERBI_RESOURCE_KEY] = powerbi_resource_from_env()
    for contract in contracts:
        resources.update(channel_resources(contract))
    return resources
