"""The audit's months rebuilt through the engine SQL, as production builds them.

The attacks run on files the pandas references build (``audit_release``): they
keep the source truth beside each row, which scores the attacks. Production
builds the month decision, the monthly file and the insights figures from
warehouse aggregates instead (``products/engine``). So that the audit attacks
what is delivered, each audited month is loaded into an in-memory DuckDB
warehouse (the tables and partition columns the statements read) and rebuilt
through the same statements and Python rules the assets call; every difference
from what the attacks used is counted as recovered. (The daily files are built
by ``build_daily_product`` in both places.)
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pandas as pd

from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.privacy.audit_release import MonthRelease
from ouchhungry_dp.products.csv_files import to_csv_bytes
from ouchhungry_dp.products.engine.insights import insights_metrics_in_engine
from ouchhungry_dp.products.engine.monthly import build_monthly_in_engine, decide_in_engine
from ouchhungry_dp.products.engine.query import EngineQuery
from ouchhungry_dp.products.selection import latest_catalogue

Result = tuple[int, int, str]
SCHEMA = "marts"


def _warehouse(release: MonthRelease, products: pd.DataFrame,
               ) -> tuple[duckdb.DuckDBPyConnection, Callable[[EngineQuery], pd.DataFrame]]:
    """The previous month and the month as cleaned tables, with the catalogue as one
    snapshot on the first day of each (the statements read the range's snapshots)."""
    conn = duckdb.connect()
    conn.execute(f"CREATE SCHEMA {SCHEMA}")
    months = [pd.Period(release.month, "M") - 1, pd.Period(release.month, "M")]
    catalogue = pd.concat([products.assign(snapshot_date=m.start_time) for m in months],
                          ignore_index=True)
    rows = pd.concat([release.history, release.transactions], ignore_index=True)
    for table, frame in (("cleaned_transactions", rows), ("cleaned_products", catalogue)):
        conn.register("frame", frame)
        conn.execute(f"CREATE TABLE {SCHEMA}.{table} AS SELECT * FROM frame")
        conn.unregister("frame")

    def run(query: EngineQuery) -> pd.DataFrame:
        return conn.execute(query.for_duckdb(SCHEMA), query.duckdb_params()).df()

    return conn, run


def _month_files(release: MonthRelease, products: pd.DataFrame,
                 contract: PartnerContract) -> dict[str, object]:
    month = pd.Period(release.month, "M")
    first, last = month.start_time.date(), month.end_time.date()
    previous = month - 1
    conn, run = _warehouse(release, products)
    with conn:
        decision = decide_in_engine(run, contract, previous.start_time.date(),
                                    previous.end_time.date())
        monthly = build_monthly_in_engine(run, release.decision, contract, first=first,
                                          last=last, month=release.month)
        to_date = build_monthly_in_engine(run, release.decision, contract, first=first,
                                          last=first.replace(day=15), month=release.month)
        files = [f for f in (release.previous_monthly, release.monthly)
                 if f is not None and len(f)]
        insights = insights_metrics_in_engine(
            run, contract, month=release.month, first=first, last=last,
            products=latest_catalogue(products),
            monthly_products=pd.concat(files, ignore_index=True),
            published=release.published_before)
    return {"decision": to_csv_bytes(decision), "monthly": to_csv_bytes(monthly),
            "month-to-date monthly": to_csv_bytes(to_date), "insights figures": insights}


def engine_matches(releases: list[MonthRelease], products: pd.DataFrame,
                   contract: PartnerContract) -> Result:
    """Per month: the stored decision record, the monthly file, the month-to-date file and
    every insights figure, as the engine builds them, equal what the attacks used."""
    checked, differ = 0, []
    for release in releases:
        used = {"decision": release.files["decision"], "monthly": release.files["monthly"],
                "month-to-date monthly": to_csv_bytes(release.month_to_date),
                "insights figures": release.insights}
        built = _month_files(release, products, contract)
        checked += len(used)
        differ += [f"{release.month} {name}" for name in used if used[name] != built[name]]
    detail = (f"{len(releases)} months: decision, monthly, month-to-date and insights "
              "figures equal" if not differ else "differ: " + ", ".join(differ[:5]))
    return checked, len(differ), detail
