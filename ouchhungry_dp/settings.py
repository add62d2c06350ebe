"""Where the platform runs and where its local files live (no Dagster import)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from ouchhungry_dp.errors import ConfigurationError

Environment = Literal["local", "prod"]
REPO_ROOT = Path(__file__).resolve().parent.parent


def current_env() -> Environment:
    value = os.environ.get("OUCHHUNGRY_ENV", "local").strip().lower() or "local"
    if value not in ("local", "prod"):
        raise ConfigurationError(
            f"OUCHHUNGRY_ENV={value!r} is not an environment",
            hint="Set OUCHHUNGRY_ENV to 'local' (DuckDB + sandbox) or 'prod' (BigQuery + GCS).",
        )
    return value  # type: ignore[return-value]


def data_dir() -> Path:
    """Local state: warehouse file, outbound files, alert outbox (never committed)."""
    return Path(os.environ.get("OUCHHUNGRY_DATA_DIR") or REPO_ROOT / ".local").resolve()


def warehouse_path() -> Path:
    return data_dir() / "warehouse.duckdb"


def outbound_dir() -> Path:
    return data_dir() / "outbound"
