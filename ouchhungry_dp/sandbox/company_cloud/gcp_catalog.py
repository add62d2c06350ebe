"""What lives in the simulated account: tables, buckets, and the workloads that query them.

Each planted waste pattern is named here, so tests and docs can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

PROJECT = "ouchhungry-data"
PROJECT_NUMBER = 412233445566
START = date(2026, 1, 1)
DAYS = 100  # covers a 90-day "unread" window with history to spare
SPIKE_DAY = date(2026, 3, 18)  # planted cost spike: a runaway backfill of cleaned_transactions
SEED = 20260101

METABASE_SA = "metabase@ouchhungry-data.iam.gserviceaccount.com"
POWERBI_SA = "powerbi-gateway@ouchhungry-data.iam.gserviceaccount.com"
AIRBYTE_SA = "airbyte@ouchhungry-data.iam.gserviceaccount.com"
DAGSTER_SA = "dagster@ouchhungry-data.iam.gserviceaccount.com"
ANALYST_WASTEFUL = "analyst.events@ouchhungry.example"  # the unpartitioned-scan user
ANALYSTS = ("analyst.one@ouchhungry.example", "analyst.two@ouchhungry.example")

LOW_CACHE_CARD = "orders_live_panel"  # planted: a Metabase card that never hits the cache


@dataclass(frozen=True)
class Table:
    schema: str
    name: str
    logical_gib: float
    columns: int
    partitioned: bool
    long_term_share: float  # share of bytes not modified for 90 days
    clustered: bool = False


TABLES = (
    Table("sales", "raw_transactions", 2560, 14, True, 0.7),
    Table("sales", "cleaned_transactions", 1800, 14, True, 0.6, clustered=True),
    Table("products", "ouchhungry_sales_daily", 50, 10, True, 0.5),
    Table("analytics", "orders_daily", 900, 20, True, 0.5, clustered=True),
    # planted: wide, unpartitioned table that Power BI refreshes with SELECT *
    Table("analytics", "orders_wide", 200, 80, False, 0.0),
    # planted: large unpartitioned event table an analyst scans in full every day
    Table("raw", "app_events", 2048, 12, False, 0.2),
    # planted: cold table nobody reads (kept active by a forgotten copy job)
    Table("archive", "orders_snapshot_2024", 600, 30, False, 0.0),
    Table("platform", "bigquery_job_costs", 2, 30, True, 0.0),
)


@dataclass(frozen=True)
class Workload:
    """A population of similar query jobs: who runs them, how often, how big."""

    name: str
    user_email: str
    per_day: float  # mean jobs per weekday (Poisson); weekends get weekend_factor of it
    gib: tuple[float, float]  # uniform range of bytes processed per job, GiB
    tables: tuple[str, ...]  # "schema.table" read by the job
    sql: str  # query text; {card} and {user} are filled for Metabase
    cache_hit_rate: float = 0.0
    slot_s_per_gib: float = 40.0
    weekend_factor: float = 0.4
    labels: dict[str, str] = field(default_factory=dict)
    metabase_cards: tuple[str, ...] = ()
    statement_type: str = "SELECT"


WORKLOADS = (
    Workload(
        "dagster_cleaned_transactions", DAGSTER_SA, 3, (15, 25), ("sales.raw_transactions",),
        "SELECT transaction_id, order_id, quantity, unit_price FROM "
        "`ouchhungry-data.sales.raw_transactions` WHERE DATE(ordered_at) = @partition",
        slot_s_per_gib=120, weekend_factor=1.0,
        labels={"dagster_asset": "cleaned_transactions"},
    ),
    Workload(
        "dagster_ouchhungry_sales_daily", DAGSTER_SA, 2, (3, 6),
        ("sales.cleaned_transactions",),
        "SELECT sale_date, brand, product_code, quantity FROM "
        "`ouchhungry-data.sales.cleaned_transactions` WHERE sale_date = @partition",
        slot_s_per_gib=120, weekend_factor=1.0,
        labels={"dagster_asset": "ouchhungry_sales_daily", "dagster_partner": "ouchhungry"},
    ),
    Workload(
        "metabase_cards", METABASE_SA, 90, (0.5, 4), ("analytics.orders_daily",),
        "-- Metabase:: userID: {user} queryType: MBQL queryHash: {card}\n"
        "SELECT city, SUM(total) FROM `ouchhungry-data.analytics.orders_daily` "
        "WHERE order_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY) GROUP BY city",
        cache_hit_rate=0.6,
        metabase_cards=("sales_by_city", "top_products", "weekly_orders", "courier_sla"),
    ),
    Workload(
        "metabase_low_cache", METABASE_SA, 40, (25, 35), ("analytics.orders_daily",),
        # CURRENT_TIMESTAMP() makes the query non-deterministic: BigQuery never caches it.
        "-- Metabase:: userID: {user} queryType: NATIVE queryHash: {card}\n"
        "SELECT COUNT(*), CURRENT_TIMESTAMP() FROM `ouchhungry-data.analytics.orders_daily` "
        "WHERE order_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 90 DAY)",
        cache_hit_rate=0.0, weekend_factor=1.0, metabase_cards=(LOW_CACHE_CARD,),
    ),
    Workload(
        "powerbi_refresh", POWERBI_SA, 8, (199, 200), ("analytics.orders_wide",),
        "SELECT * FROM `ouchhungry-data.analytics.orders_wide`",
        weekend_factor=1.0, slot_s_per_gib=20,
    ),
    Workload(
        "analyst_unpartitioned_scan", ANALYST_WASTEFUL, 4, (2040, 2048), ("raw.app_events",),
        "SELECT user_id, event_name FROM `ouchhungry-data.raw.app_events` "
        "WHERE DATE(event_ts) = CURRENT_DATE() - 1",
        slot_s_per_gib=15, weekend_factor=0.25,
    ),
    Workload(
        "analysts_ad_hoc", ANALYSTS[0], 12, (1, 40), ("analytics.orders_daily",),
        "SELECT order_date, COUNT(*) FROM `ouchhungry-data.analytics.orders_daily` "
        "WHERE order_date BETWEEN '2026-01-01' AND '2026-01-31' GROUP BY 1",
        cache_hit_rate=0.2,
    ),
    Workload(
        "analysts_ad_hoc_2", ANALYSTS[1], 8, (1, 30), ("sales.cleaned_transactions",),
        "SELECT brand, SUM(quantity) FROM `ouchhungry-data.sales.cleaned_transactions` "
        "WHERE sale_date >= '2026-02-01' GROUP BY brand",
        cache_hit_rate=0.2,
    ),
    Workload(
        "airbyte_merge", AIRBYTE_SA, 6, (5, 10), ("sales.raw_transactions",),
        "MERGE `ouchhungry-data.sales.raw_transactions` T USING staging S ON T.id = S.id "
        "WHEN NOT MATCHED THEN INSERT ROW",
        weekend_factor=1.0, statement_type="MERGE",
    ),
)

# The runaway backfill of the spike day: the platform's own asset scanning the whole
# partitioned table with no partition filter, many times.
SPIKE_WORKLOAD = Workload(
    "dagster_runaway_backfill", DAGSTER_SA, 30, (2555, 2560), ("sales.raw_transactions",),
    "SELECT * FROM `ouchhungry-data.sales.raw_transactions`",
    slot_s_per_gib=20, labels={"dagster_asset": "cleaned_transactions"},
)


@dataclass(frozen=True)
class Bucket:
    name: str
    storage_class: str
    tib: float
    objects: int
    cold_share: float  # share of objects last updated more than 90 days before the end


BUCKETS = (
    # planted: a landing bucket with no lifecycle rule, mostly untouched STANDARD objects
    Bucket("ouchhungry-raw-landing", "STANDARD", 12.0, 1500, 0.8),
    Bucket("ouchhungry-dagster-io", "STANDARD", 0.5, 400, 0.0),
    Bucket("ouchhungry-backups", "NEARLINE", 5.0, 300, 0.5),
)

# Other services on the invoice: (service, sku, usd per day, credit per day, credit type)
OTHER_DAILY_COSTS = (
    ("Kubernetes Engine", "Autopilot Pod mCPU Requests", 38.0, -6.0, "COMMITTED_USAGE_DISCOUNT"),
    ("Cloud SQL", "DB custom CORE running in Americas", 5.0, 0.0, ""),
    ("Networking", "Network Internet Egress from Americas to Americas", 2.0, 0.0, ""),
)
