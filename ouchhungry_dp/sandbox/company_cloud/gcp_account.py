"""A simulated GCP account in a DuckDB file, for running the cost monitor locally.

BigQuery, GCS and the billing export cannot be reached from a laptop or CI, so this
module writes tables with the documented columns of
``INFORMATION_SCHEMA.JOBS`` / ``TABLE_STORAGE`` / ``COLUMNS``, the standard Cloud
Billing export and a GCS Storage Insights inventory report, generated from the
catalog in :mod:`.gcp.catalog` (deterministic: one seed). Nested columns keep
their BigQuery shape (``labels`` and ``referenced_tables`` are lists of structs,
``service``/``sku``/``project`` structs, ``credits`` a list of structs) so the
monitor's SQL is exercised as it is written for BigQuery.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import pandas as pd
from filelock import FileLock

from . import gcp_catalog as cat

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
GIB = 2**30
TIB = 2**40
ON_DEMAND_PER_TIB = 6.25
STORAGE_PRICES = {"active": 0.02, "long_term": 0.01}
COVERAGE_TABLE = "simulation_coverage"  # not a GCP table: what this file simulates
GCS_PRICES = {"STANDARD": 0.026, "NEARLINE": 0.010, "COLDLINE": 0.007, "ARCHIVE": 0.0012}


def day_start_utc(day: date) -> datetime:
    return datetime.combine(day, time(0), SAO_PAULO).astimezone(UTC)


def default_until() -> date:
    """The last simulated day when no later day is asked for (the catalog's window)."""
    return cat.START + timedelta(days=cat.DAYS - 1)


def simulated_days(until: date | None = None) -> list[date]:
    last = max(until or default_until(), default_until())
    return [cat.START + timedelta(days=i) for i in range((last - cat.START).days + 1)]


def _billed(bytes_processed: np.ndarray) -> np.ndarray:
    # On-demand bills at least 10 MiB per table referenced, rounded up to the MiB.
    mib = 2**20
    return np.maximum(np.ceil(bytes_processed / mib) * mib, 10 * mib).astype("int64")


def _workload_jobs(w: cat.Workload, day: date, rng: np.random.Generator) -> pd.DataFrame:
    weekend = day.weekday() >= 5
    n = int(rng.poisson(w.per_day * (w.weekend_factor if weekend else 1.0)))
    if n == 0:
        return pd.DataFrame()
    start = day_start_utc(day)
    offsets = np.sort(rng.uniform(0, 86_000, n))
    created = pd.to_datetime(start) + pd.to_timedelta(offsets, unit="s")
    processed = (rng.uniform(*w.gib, n) * GIB).astype("int64")
    cache_hit = rng.random(n) < w.cache_hit_rate
    processed = np.where(cache_hit, 0, processed)
    slot_ms = (processed / GIB * w.slot_s_per_gib * 1000).astype("int64")
    duration = pd.to_timedelta(1 + slot_ms / 1000 / 200, unit="s")
    users = rng.integers(1, 16, n)
    cards = (
        np.array([cat_hash(c) for c in w.metabase_cards])[rng.integers(0, len(w.metabase_cards), n)]
        if w.metabase_cards
        else np.full(n, "")
    )
    sql = pd.Series(np.full(n, w.sql))
    if w.metabase_cards:
        sql = pd.Series(
            [w.sql.format(user=u, card=c) for u, c in zip(users, cards, strict=True)]
        )
    frame = pd.DataFrame(
        {
            "creation_time": created,
            "start_time": created + pd.Timedelta(milliseconds=200),
            "end_time": created + pd.Timedelta(milliseconds=200) + duration,
            "user_email": w.user_email,
            "statement_type": w.statement_type,
            "query": sql,
            "total_bytes_processed": processed,
            "total_bytes_billed": np.where(cache_hit, 0, _billed(processed)),
            "total_slot_ms": slot_ms,
            "cache_hit": cache_hit,
            "ref_tables": ";".join(w.tables),
            "workload": w.name,
        }
    )
    # Ids from (workload, day, index): a longer account keeps the ids of the days it shares.
    frame["job_id"] = [f"bquxjob_{cat_hash(f'{w.name}/{day}/{i}')[:16]}" for i in range(n)]
    asset = w.labels.get("dagster_asset")
    if asset:
        partition = (day - timedelta(days=1)).isoformat()
        frame["label_asset"] = asset
        frame["label_partition"] = partition
        frame["label_partner"] = w.labels.get("dagster_partner")
        frame["label_run_id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{asset}/{day}/{w.name}"))
    return frame


def cat_hash(card: str) -> str:
    """Metabase's queryHash is a hex SHA-256 of the query; here one per simulated card."""
    import hashlib

    return hashlib.sha256(card.encode()).hexdigest()


def generate_jobs(seed: int = cat.SEED, until: date | None = None) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    # Days draw from one stream in order and the spike from its own, so a longer account
    # holds exactly the same jobs on the days a shorter one covers.
    frames = [
        _workload_jobs(w, day, rng) for day in simulated_days(until) for w in cat.WORKLOADS
    ]
    spike_rng = np.random.default_rng([seed, cat.SPIKE_DAY.toordinal()])
    frames.append(_workload_jobs(cat.SPIKE_WORKLOAD, cat.SPIKE_DAY, spike_rng))
    jobs = pd.concat([f for f in frames if not f.empty], ignore_index=True)
    for col in ("label_asset", "label_partition", "label_partner", "label_run_id"):
        jobs[col] = jobs.get(col, pd.Series(dtype=object)).astype(object)
    # One scripted Airbyte run per day: a SCRIPT parent restating its children's totals.
    merges = jobs[jobs["statement_type"] == "MERGE"]
    parents = (
        merges.assign(day=merges["creation_time"].dt.date)
        .groupby("day", as_index=False)
        .agg(
            creation_time=("creation_time", "min"),
            start_time=("start_time", "min"),
            end_time=("end_time", "max"),
            total_bytes_processed=("total_bytes_processed", "sum"),
            total_bytes_billed=("total_bytes_billed", "sum"),
            total_slot_ms=("total_slot_ms", "sum"),
        )
        .drop(columns="day")
        .assign(
            user_email=cat.AIRBYTE_SA, statement_type="SCRIPT", query="BEGIN ... END",
            cache_hit=False, ref_tables="sales.raw_transactions", workload="airbyte_script",
        )
    )
    parents["job_id"] = [f"script_job_{t:%Y%m%d}" for t in parents["creation_time"]]
    return pd.concat([jobs, parents], ignore_index=True)


def generate_table_storage(as_of: date) -> pd.DataFrame:
    as_of_ts = day_start_utc(as_of)
    rows = []
    for t in cat.TABLES:
        total = int(t.logical_gib * GIB)
        long_term = int(total * t.long_term_share)
        rows.append(
            {
                "table_schema": t.schema,
                "table_name": t.name,
                "table_type": "BASE TABLE",
                "creation_time": as_of_ts - timedelta(days=400),
                "storage_last_modified_time": as_of_ts - timedelta(days=3),
                "total_rows": total // 200,
                "total_partitions": 365 if t.partitioned else 0,
                "total_logical_bytes": total,
                "active_logical_bytes": total - long_term,
                "long_term_logical_bytes": long_term,
                # Compression roughly 4:1; time travel a few percent of active bytes.
                "total_physical_bytes": total // 4,
                "active_physical_bytes": (total - long_term) // 4,
                "long_term_physical_bytes": long_term // 4,
                "time_travel_physical_bytes": (total - long_term) // 80,
                "fail_safe_physical_bytes": 0,
                "deleted": False,
            }
        )
    return pd.DataFrame(rows)


def generate_columns() -> pd.DataFrame:
    rows = []
    for t in cat.TABLES:
        for i in range(1, t.columns + 1):
            rows.append(
                {
                    "table_schema": t.schema,
                    "table_name": t.name,
                    "column_name": "event_date" if i == 1 else f"col_{i:03d}",
                    "ordinal_position": i,
                    "data_type": "DATE" if i == 1 else "STRING",
                    "is_partitioning_column": "YES" if (i == 1 and t.partitioned) else "NO",
                    "clustering_ordinal_position": 1 if (i == 2 and t.clustered) else None,
                }
            )
    return pd.DataFrame(rows)


def generate_gcs_inventory(as_of: date, seed: int = cat.SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed + 1)
    end = day_start_utc(as_of)
    frames = []
    for b in cat.BUCKETS:
        n = b.objects
        cold = rng.random(n) < b.cold_share
        age_days = np.where(cold, rng.uniform(120, 400, n), rng.uniform(0, 60, n))
        updated = pd.to_datetime(end) - pd.to_timedelta(age_days, unit="D")
        frames.append(
            pd.DataFrame(
                {
                    "project": cat.PROJECT_NUMBER,
                    "bucket": b.name,
                    "name": [f"data/part-{i:06d}.parquet" for i in range(n)],
                    "location": "US",
                    "size": np.full(n, int(b.tib * 2**40 / n), dtype="int64"),
                    "timeCreated": updated,
                    "updated": updated,
                    "timeDeleted": pd.Series(pd.NaT, index=range(n), dtype="datetime64[us, UTC]"),
                    "storageClass": b.storage_class,
                    "contentType": "application/vnd.apache.parquet",
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def generate_billing(jobs: pd.DataFrame, storage: pd.DataFrame, gcs: pd.DataFrame,
                     days: list[date]) -> pd.DataFrame:
    """Invoice lines consistent with the jobs, tables and objects above (USD)."""
    local_day = jobs["creation_time"].dt.tz_convert(SAO_PAULO).dt.date
    billable = jobs["statement_type"] != "SCRIPT"
    tib_by_day = (jobs["total_bytes_billed"].where(billable, 0) / TIB).groupby(local_day).sum()
    active_gib = storage["active_logical_bytes"].sum() / GIB
    long_term_gib = storage["long_term_logical_bytes"].sum() / GIB
    gcs_gib = (gcs["size"] / GIB).groupby(gcs["storageClass"]).sum()
    lines = []
    for day in days:
        month_days = pd.Period(day, "M").days_in_month
        tib = float(tib_by_day.get(day, 0.0))
        lines.append(("BigQuery", "Analysis", tib * ON_DEMAND_PER_TIB, 0.0, "", tib, "tebibyte"))
        for kind, gib in (("active", active_gib), ("long_term", long_term_gib)):
            sku = "Active Logical Storage" if kind == "active" else "Long Term Logical Storage"
            cost = gib * STORAGE_PRICES[kind] / month_days
            lines.append(("BigQuery", sku, cost, 0.0, "", gib / month_days, "gibibyte month"))
        for cls, gib in gcs_gib.items():
            cost = gib * GCS_PRICES[str(cls)] / month_days
            sku = f"{str(cls).title()} Storage US Multi-region"
            lines.append(("Cloud Storage", sku, cost, 0.0, "", gib / month_days, "gibibyte month"))
        for service, sku, usd, credit, credit_type in cat.OTHER_DAILY_COSTS:
            lines.append((service, sku, usd, credit, credit_type, usd, "hour"))
    frame = pd.DataFrame(
        lines, columns=["service", "sku", "cost", "credit", "credit_type", "usage", "unit"]
    )
    per_day = len(frame) // len(days)
    frame["usage_start_time"] = np.repeat(
        [day_start_utc(d) + timedelta(hours=12) for d in days], per_day
    )
    return frame


_JOBS_SQL = """
CREATE TABLE gcp_jobs AS SELECT
  creation_time, '{project}' AS project_id, {number} AS project_number, user_email,
  user_email AS principal_subject, job_id, 'QUERY' AS job_type, statement_type,
  'INTERACTIVE' AS priority, start_time, end_time, query, 'DONE' AS state,
  CAST(NULL AS VARCHAR) AS reservation_id, total_bytes_processed, total_slot_ms,
  CAST(NULL AS STRUCT(reason VARCHAR, location VARCHAR, debug_info VARCHAR, message VARCHAR))
    AS error_result,
  cache_hit,
  {{'project_id': '{project}', 'dataset_id': '_anon', 'table_id': 'anon_' || job_id}}
    AS destination_table,
  list_transform(string_split(ref_tables, ';'), lambda x: {{'project_id': '{project}',
    'dataset_id': split_part(x, '.', 1), 'table_id': split_part(x, '.', 2)}})
    AS referenced_tables,
  list_filter([
    {{'key': 'platform', 'value': CASE WHEN label_asset IS NOT NULL THEN 'ouchhungry_dp' END}},
    {{'key': 'dagster_asset', 'value': label_asset}},
    {{'key': 'dagster_partition', 'value': label_partition}},
    {{'key': 'dagster_partner', 'value': label_partner}},
    {{'key': 'dagster_run_id', 'value': label_run_id}}
  ], lambda l: l.value IS NOT NULL) AS labels,
  total_bytes_billed, CAST(NULL AS VARCHAR) AS transaction_id,
  CAST(NULL AS VARCHAR) AS parent_job_id
FROM jobs_flat
"""

_BILLING_SQL = """
CREATE TABLE gcp_billing_export AS SELECT
  '01A2B3-C4D5E6-F7A8B9' AS billing_account_id,
  {{'id': md5(service), 'description': service}} AS service,
  {{'id': md5(sku), 'description': sku}} AS sku,
  usage_start_time, usage_start_time + INTERVAL 1 HOUR AS usage_end_time,
  {{'id': '{project}', 'number': '{number}', 'name': '{project}'}} AS project,
  [{{'key': 'cost_center', 'value': 'data-platform'}}] AS labels,
  {{'location': 'us', 'country': 'US', 'region': NULL, 'zone': NULL}} AS location,
  usage_start_time + INTERVAL 1 DAY AS export_time,
  cost, 'USD' AS currency, 1.0 AS currency_conversion_rate,
  {{'amount': usage, 'unit': unit, 'amount_in_pricing_units': usage, 'pricing_unit': unit}}
    AS usage,
  CASE WHEN credit != 0 THEN [{{'name': credit_type, 'amount': credit,
    'full_name': credit_type, 'id': md5(credit_type), 'type': credit_type}}]
    ELSE [] END AS credits,
  {{'month': strftime(usage_start_time, '%Y%m')}} AS invoice,
  'regular' AS cost_type
FROM billing_flat
"""


def build_simulated_account(
    path: str | Path, seed: int = cat.SEED, until: date | None = None
) -> Path:
    """Write the simulated account to ``path`` (replaced if present); returns the path.

    It covers ``cat.START`` up to ``until`` (at least the catalog's window). The file is
    written under another name and renamed into place, so a reader never opens a
    half-built account; concurrent builders are serialised by ``ensure_simulated_account``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    days = simulated_days(until)
    jobs = generate_jobs(seed, days[-1])
    as_of = days[-1] + timedelta(days=1)
    storage = generate_table_storage(as_of)
    gcs = generate_gcs_inventory(as_of, seed)
    billing = generate_billing(jobs, storage, gcs, days)
    fmt = {"project": cat.PROJECT, "number": cat.PROJECT_NUMBER}
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
    partial.unlink(missing_ok=True)
    with duckdb.connect(str(partial)) as con:
        con.execute("SET TimeZone = 'UTC'")
        con.register("jobs_flat", jobs)
        con.execute(_JOBS_SQL.format(**fmt))
        con.register("billing_flat", billing)
        con.execute(_BILLING_SQL.format(**fmt))
        storage = storage.assign(project_id=cat.PROJECT, project_number=cat.PROJECT_NUMBER)
        con.register("storage_flat", storage)
        con.execute("CREATE TABLE gcp_table_storage AS SELECT * FROM storage_flat")
        columns = generate_columns().assign(table_catalog=cat.PROJECT)
        con.register("columns_flat", columns)
        con.execute("CREATE TABLE gcp_columns AS SELECT * FROM columns_flat")
        con.register("gcs_flat", gcs)
        con.execute("CREATE TABLE gcs_inventory AS SELECT * FROM gcs_flat")
        con.execute(f"CREATE TABLE {COVERAGE_TABLE} AS SELECT ?::DATE AS first_day, "
                    "?::DATE AS last_day, ?::BIGINT AS seed", [days[0], days[-1], seed])
    partial.replace(path)  # atomic on POSIX: readers see the old file or the new one
    return path


def covered_until(path: str | Path) -> date | None:
    """The last day the account at ``path`` simulates (None: missing or from an old build)."""
    path = Path(path)
    if not path.exists():
        return None
    with duckdb.connect(str(path), read_only=True) as con:
        found = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
            [COVERAGE_TABLE]).fetchone()
        if not found or found[0] == 0:
            return None
        row = con.execute(f"SELECT last_day FROM {COVERAGE_TABLE}").fetchone()
    return row[0] if row else None


def ensure_simulated_account(path: str | Path, until: date | None = None) -> Path:
    """The account at ``path``, (re)built once if it does not cover ``until`` yet.

    Every step of a run (and every run) may ask at the same time: a file lock lets one
    process build while the others wait, then they all read the same finished file.
    """
    path = Path(path)
    wanted = max(until or default_until(), default_until())
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock"):
        last = covered_until(path)
        if last is None or last < wanted:
            build_simulated_account(path, until=wanted)
    return path
