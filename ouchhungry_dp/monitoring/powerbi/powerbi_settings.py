"""Monitored Power BI datasets (YAML) and the Power BI connection settings (environment)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from ouchhungry_dp.errors import ConfigurationError

DATASETS_YAML = Path(__file__).with_name("datasets.yaml")
# Power BI documents 8 refreshes/day on shared capacity (scheduled ones included);
# Premium is limited only by capacity resources, 48/day is the platform's own cap.
DEFAULT_DAILY_BUDGET = {"shared": 8, "premium": 48}
POWERBI_SCOPE = "https://analysis.windows.net/powerbi/api/.default"

Capacity = Literal["shared", "premium"]


@dataclass(frozen=True)
class MonitoredDataset:
    name: str
    workspace_id: str
    dataset_id: str
    capacity: Capacity
    reads: tuple[str, ...]
    daily_refresh_budget: int
    max_staleness_hours: float = 26.0


@dataclass(frozen=True)
class MonitoredDatasets:
    timezone: str
    datasets: tuple[MonitoredDataset, ...]

    def by_name(self, name: str) -> MonitoredDataset:
        for dataset in self.datasets:
            if dataset.name == name:
                return dataset
        raise ConfigurationError(
            f"Power BI dataset '{name}' is not monitored",
            hint=f"Add it to {DATASETS_YAML.name} or fix the name.",
        )


def load_monitored_datasets(path: Path | str = DATASETS_YAML) -> MonitoredDatasets:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    entries = raw.get("datasets") or []
    datasets: list[MonitoredDataset] = []
    for entry in entries:
        missing = {"name", "workspace_id", "dataset_id", "capacity", "reads"} - set(entry)
        if missing:
            raise ConfigurationError(
                f"Power BI dataset entry in {path} is incomplete",
                detail=f"missing {sorted(missing)} in {entry.get('name', entry)}",
                hint="Every dataset needs name, workspace_id, dataset_id, capacity and reads.",
            )
        capacity = str(entry["capacity"]).lower()
        if capacity not in DEFAULT_DAILY_BUDGET:
            raise ConfigurationError(
                f"Power BI dataset '{entry['name']}' has unknown capacity '{capacity}'",
                hint="Use 'shared' or 'premium'.",
            )
        budget = int(entry.get("daily_refresh_budget", DEFAULT_DAILY_BUDGET[capacity]))
        if budget < 1:
            raise ConfigurationError(
                f"Power BI dataset '{entry['name']}' has a refresh budget below 1",
                hint="daily_refresh_budget must be a positive integer.",
            )
        datasets.append(
            MonitoredDataset(
                name=str(entry["name"]),
                workspace_id=str(entry["workspace_id"]),
                dataset_id=str(entry["dataset_id"]),
                capacity=capacity,  # type: ignore[arg-type]
                reads=tuple(str(key) for key in entry["reads"]),
                daily_refresh_budget=budget,
                max_staleness_hours=float(entry.get("max_staleness_hours", 26)),
            )
        )
    names = [d.name for d in datasets]
    if len(set(names)) != len(names):
        raise ConfigurationError(f"Duplicate Power BI dataset names in {path}", detail=str(names))
    return MonitoredDatasets(
        timezone=str(raw.get("timezone", "America/Sao_Paulo")), datasets=tuple(datasets)
    )


@dataclass(frozen=True)
class PowerBISettings:
    """Service-principal connection settings; base URLs are configurable for the emulator."""

    tenant_id: str
    client_id: str
    client_secret: str = field(repr=False)
    api_base_url: str = "https://api.powerbi.com/v1.0/myorg"
    authority_url: str = "https://login.microsoftonline.com"
    timeout_s: float = 30.0
    max_attempts: int = 5
    backoff_base_s: float = 1.0
    max_retry_wait_s: float = 120.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> PowerBISettings:
        source = os.environ if env is None else env
        missing = [
            name
            for name in ("POWERBI_TENANT_ID", "POWERBI_CLIENT_ID", "POWERBI_CLIENT_SECRET")
            if not source.get(name)
        ]
        if missing:
            raise ConfigurationError(
                "Power BI service principal is not configured",
                detail=f"missing environment variables: {', '.join(missing)}",
                hint="Set them (see .env.example); locally `python -m "
                "ouchhungry_dp.sandbox.company_cloud.powerbi_server` prints values for the "
                "emulator.",
            )
        return cls(
            tenant_id=source["POWERBI_TENANT_ID"],
            client_id=source["POWERBI_CLIENT_ID"],
            client_secret=source["POWERBI_CLIENT_SECRET"],
            api_base_url=source.get("POWERBI_API_BASE_URL") or cls.api_base_url,
            authority_url=source.get("POWERBI_AUTHORITY_URL") or cls.authority_url,
        )
