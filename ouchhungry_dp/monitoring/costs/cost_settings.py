"""Prices and monitoring settings, loaded from YAML and validated with pydantic."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from ouchhungry_dp.errors import ConfigurationError

_HERE = Path(__file__).parent
DEFAULT_PRICES_PATH = _HERE / "prices.yaml"
DEFAULT_SETTINGS_PATH = _HERE / "settings.yaml"


class _Sourced(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str
    as_of: str


class OnDemandPrices(_Sourced):
    by_location: dict[str, float]


class EditionPrices(_Sourced):
    by_edition: dict[str, float]


class BigQueryStoragePrices(_Sourced):
    active_logical: float
    long_term_logical: float
    active_physical: float
    long_term_physical: float


class GcsStoragePrices(_Sourced):
    by_class: dict[str, float]


class BigQueryPrices(BaseModel):
    on_demand_per_tib: OnDemandPrices
    editions_per_slot_hour: EditionPrices
    storage_per_gib_month: BigQueryStoragePrices


class GcsPrices(BaseModel):
    storage_per_gib_month: GcsStoragePrices


class Prices(BaseModel):
    currency: str
    bigquery: BigQueryPrices
    gcs: GcsPrices


class ServiceAccount(BaseModel):
    type: str
    consumer: str


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    location: str
    edition: str
    editions_autoscale_overhead: float
    reservation_baseline_slots: int
    storage_billing_model: Literal["LOGICAL", "PHYSICAL"]
    monthly_budget_usd: float
    budget_burn_tolerance: float
    anomaly_sigma: float
    anomaly_window_days: int
    anomaly_min_excess_usd: float
    history_days: int
    cold_after_days: int
    full_scan_ratio: float
    large_table_gib: float
    wide_table_columns: int
    assumed_filtered_scan_fraction: float
    assumed_selected_columns_fraction: float
    low_cache_hit_rate: float
    min_monthly_saving_usd: float
    guardrail_multiplier: float
    service_accounts: dict[str, ServiceAccount]


class CostConfig(BaseModel):
    prices: Prices
    settings: Settings

    @property
    def on_demand_per_tib(self) -> float:
        return _pick(self.prices.bigquery.on_demand_per_tib.by_location, self.settings.location)

    @property
    def slot_hour_price(self) -> float:
        return _pick(self.prices.bigquery.editions_per_slot_hour.by_edition, self.settings.edition)


def _pick(table: dict[str, float], key: str) -> float:
    if key not in table:
        raise ConfigurationError(
            "cost monitoring price lookup",
            detail=f"no price for {key!r}; known: {sorted(table)}",
            hint="add the price (with its source URL and date) to prices.yaml",
        )
    return table[key]


def _read_yaml(path: Path) -> dict:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigurationError(
            f"reading cost monitoring file {path.name}",
            detail=str(exc),
            hint="check the path and the YAML syntax",
        ) from exc


def load_cost_config(
    prices_path: str | Path | None = None,
    settings_path: str | Path | None = None,
    **overrides: object,
) -> CostConfig:
    """Load prices and settings; ``overrides`` replace individual settings (tests, resources)."""
    prices_raw = _read_yaml(Path(prices_path or DEFAULT_PRICES_PATH))
    settings_raw = _read_yaml(Path(settings_path or DEFAULT_SETTINGS_PATH)) | dict(overrides)
    try:
        config = CostConfig(prices=Prices(**prices_raw), settings=Settings(**settings_raw))
    except ValidationError as exc:
        raise ConfigurationError(
            "validating cost monitoring configuration",
            detail=str(exc).splitlines()[0],
            hint="compare prices.yaml / settings.yaml with monitoring/costs/cost_settings.py",
        ) from exc
    # Fail at load time, not in the middle of a run.
    _ = config.on_demand_per_tib, config.slot_hour_price
    return config
