"""The deck's monitoring figures: from the warehouse when it has them, else computed by
running the platform's own code on simulated data (the Power BI emulator, simulated slot
and run demand). ``DeckFigures.sources`` says which, per figure, and the deck prints it.
The cost figures come from a real run of the cost assets (``cost_run``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from ouchhungry_dp.deck.texts import Texts
from ouchhungry_dp.monitoring.powerbi.auto_refresh import AutoRefresher, RefreshRetryPolicy
from ouchhungry_dp.monitoring.powerbi.client import PowerBIClient
from ouchhungry_dp.monitoring.powerbi.powerbi_settings import (
    PowerBISettings,
    load_monitored_datasets,
)
from ouchhungry_dp.monitoring.powerbi.refresh_health import refresh_health
from ouchhungry_dp.monitoring.scaling.concurrency import (
    ConcurrencyProposal,
    recommend_run_concurrency,
    simulate_runs,
)
from ouchhungry_dp.monitoring.scaling.slots import (
    ReservationProposal,
    hourly_profile,
    recommend_reservation,
    simulate_slot_usage,
)
from ouchhungry_dp.sandbox.company_cloud.powerbi_server import PowerBIEmulator

WAREHOUSE_SCHEMA = "marts"  # where the local IO manager writes the tables
SIMULATED_NOW = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)  # 08:00 in Sao Paulo


@dataclass
class AutoRefreshRun:
    triggered: int
    retried: int
    alerts: list[str]
    budget_used: dict[str, int]


@dataclass
class DeckFigures:
    health: pd.DataFrame
    auto_refresh: AutoRefreshRun
    reservation: ReservationProposal
    slot_profile: pd.DataFrame
    concurrency: ConcurrencyProposal
    sources: dict[str, str] = field(default_factory=dict)


class _Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def ts(self) -> float:
        return self.now.timestamp()


def simulate_powerbi(seed: int = 5) -> tuple[pd.DataFrame, AutoRefreshRun]:
    """Three days of refresh history, then one morning of the auto-refresh sensor, on the
    emulator; health computed by the same code as the ``powerbi_refresh_health`` asset."""
    rng = random.Random(seed)
    monitored = load_monitored_datasets()
    clock = _Clock(SIMULATED_NOW - timedelta(hours=3))
    emulator = PowerBIEmulator(clock=clock.ts)
    for ds in monitored.datasets:
        transient = ["ModelRefresh_ShortMessage_TimeoutError"] if ds.capacity == "shared" else []
        emulator.add_dataset(
            ds.workspace_id,
            ds.dataset_id,
            capacity=ds.capacity,
            duration_s=240,
            transient_failures=transient,
        )
        for day in range(3, 0, -1):
            for hour in (7, 12, 18):
                start = clock.now - timedelta(days=day) + timedelta(hours=hour - 8)
                roll = rng.random()
                code = None
                if ds.capacity == "premium" and (day, hour) == (2, 12):
                    code = "DMTS_OAuthTokenRefreshFailedError"  # credentials expired once
                elif roll < 0.12:
                    code = "TooManyRequests"
                elif roll < 0.17:
                    code = "DM_GWPipeline_Client_GatewayUnreachable"
                emulator.add_history(
                    ds.dataset_id, "Scheduled", start.timestamp(), rng.uniform(180, 420), code
                )
    upstream = {key: 1 for ds in monitored.datasets for key in ds.reads}
    landed: dict[str, datetime] = {}
    triggered = retried = 0
    alerts: list[str] = []
    budget: dict[str, int] = {}
    with emulator:
        settings = PowerBISettings.from_env(emulator.env())
        with PowerBIClient(settings) as client:
            refresher = AutoRefresher(
                client, RefreshRetryPolicy(max_attempts=3, backoff_base_s=600), monitored.timezone
            )
            states: dict = {}
            for ds in monitored.datasets:
                states[ds.name], _ = refresher.tick(ds, None, upstream, clock.now)
            for minute in range(0, 180, 2):  # 05:00-08:00 in Sao Paulo, a tick every 2 min
                clock.now = SIMULATED_NOW - timedelta(hours=3) + timedelta(minutes=minute)
                if minute == 90:  # 06:30: daily products land
                    for key in ("ouchhungry_sales_daily", "platform_cost_kpis"):
                        upstream[key] = upstream.get(key, 1) + 1
                        landed[key] = clock.now
                for ds in monitored.datasets:
                    marks = {k: upstream.get(k, 1) for k in ds.reads}
                    state, report = refresher.tick(ds, states[ds.name], marks, clock.now)
                    states[ds.name] = state
                    triggered += len(report.triggered)
                    retried += sum("failed transiently" in note for note in report.notes)
                    alerts += [f"{a.dataset}: {a.kind} ({a.cause})" for a in report.alerts]
                    budget[ds.name] = max(budget.get(ds.name, 0), report.budget_used)
            clock.now = SIMULATED_NOW
            history = {
                ds.name: client.refresh_history(ds.workspace_id, ds.dataset_id, 60)
                for ds in monitored.datasets
            }
    upstream_latest = {
        ds.name: max((landed[k] for k in ds.reads if k in landed), default=None)
        for ds in monitored.datasets
    }
    health = refresh_health(list(monitored.datasets), history, upstream_latest, SIMULATED_NOW)
    return health, AutoRefreshRun(triggered, retried, alerts, budget)


def _read_table(conn: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame | None:
    exists = conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [WAREHOUSE_SCHEMA, table],
    ).fetchone()
    if not exists or not exists[0]:
        return None
    # Fully qualified: the local file is warehouse.duckdb, so its catalog is also called
    # "warehouse" and a bare warehouse.<table> would be ambiguous.
    row = conn.execute("SELECT current_database()").fetchone()
    catalog = row[0] if row else WAREHOUSE_SCHEMA
    return conn.execute(f'SELECT * FROM "{catalog}"."{WAREHOUSE_SCHEMA}"."{table}"').df()


def read_warehouse(path: Path | None) -> dict[str, pd.DataFrame]:
    """Tables the deck can use, from the local DuckDB warehouse (read-only; {} if absent)."""
    if path is None or not path.exists():
        return {}
    try:
        conn = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return {}  # locked by a running writer: fall back to simulation, and say so
    try:
        tables = {
            name: frame
            for name in ("powerbi_refresh_health",)
            if (frame := _read_table(conn, name)) is not None and not frame.empty
        }
    finally:
        conn.close()
    return tables


def collect_figures(warehouse: Path | None, t: Texts) -> DeckFigures:
    tables = read_warehouse(warehouse)
    simulated_health, auto_run = simulate_powerbi()
    health = tables.get("powerbi_refresh_health")
    sources = {
        "health": (t("source_warehouse", path=Path(warehouse).name) if health is not None
                   else t("source_emulator")),
        "morning": t("source_morning"),
        "slots": t("source_slots"),
        "queue": t("source_queue"),
    }
    usage = simulate_slot_usage()
    return DeckFigures(
        health=health if health is not None else simulated_health,
        auto_refresh=auto_run,
        reservation=recommend_reservation(usage),
        slot_profile=hourly_profile(usage),
        concurrency=recommend_run_concurrency(simulate_runs()),
        sources=sources,
    )
