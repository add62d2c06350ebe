"""What a partner receives over simulated months, built with the products' own functions.

Used by the privacy audit (``audit.py``). Every file is built exactly as the
Dagster assets build it: cleaning library -> month decision from the previous
month, stored as production stores it and read back (``decision_record``) ->
daily files, monthly file, insights figures (past months printed from what the
earlier reports published), and the same
blocking checks decide whether a file would leave. The daily frames keep the
source truth (``true_state``/``true_city``) beside the published columns so the
attacks can be scored; those two columns are never part of a file.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

import pandas as pd

from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.privacy import decision_record
from ouchhungry_dp.privacy.decision_record import MemoryStore
from ouchhungry_dp.products import guardrails
from ouchhungry_dp.products.cells import decide_locations
from ouchhungry_dp.products.csv_files import to_csv_bytes
from ouchhungry_dp.products.daily import build_daily_product
from ouchhungry_dp.products.insights_metrics import compute_metrics
from ouchhungry_dp.products.insights_published import figures_bytes
from ouchhungry_dp.products.monthly import build_monthly_product
from ouchhungry_dp.products.pii_text import KnownIdentifiers
from ouchhungry_dp.products.selection import is_partner, latest_catalogue, market_items
from ouchhungry_dp.quality.cleaning import clean_products, clean_transactions
from ouchhungry_dp.simulation import SimulationConfig
from ouchhungry_dp.simulation.products import simulate_products
from ouchhungry_dp.simulation.transactions import simulate_transactions

TRUTH = ["true_state", "true_city"]
DOMINANT = "Dominante SA"


@dataclass
class MonthRelease:
    month: str
    history: pd.DataFrame  # cleaned transactions of the previous month (decision basis)
    decision: pd.DataFrame  # read back from the stored record
    transactions: pd.DataFrame  # cleaned transactions of the month
    dailies: list[pd.DataFrame]  # with TRUTH columns
    monthly: pd.DataFrame
    month_to_date: pd.DataFrame  # days 1-15 (built, never sent: see docs)
    insights: dict[str, object]
    blocked_days: list[str] = field(default_factory=list)
    # name -> bytes of every file of the month (decision record, daily files, monthly
    # file, the insights' published figures): what a re-run must reproduce exactly.
    files: dict[str, bytes] = field(default_factory=dict)
    # What the month was built from besides its days: for re-runs.
    previous_monthly: pd.DataFrame | None = None
    published_before: dict[str, dict] = field(default_factory=dict)
    quarantined_products: pd.DataFrame | None = None


def raw_catalogue(first_day: dt.date, config: SimulationConfig) -> pd.DataFrame:
    return simulate_products(first_day, config).frame


def clean_catalogue(raw: pd.DataFrame, day: dt.date,
                    known: KnownIdentifiers | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(cleaned catalogue, quarantined catalogue rows). ``known``: the customers' names
    and e-mails the catalogue cleaning checks against (the warehouse's, in production)."""
    result = clean_products(raw, snapshot_date=day, known_identifiers=known)
    return result.cleaned, result.quarantine


def with_dominant_competitor(products: pd.DataFrame, contract: PartnerContract) -> pd.DataFrame:
    """Finding 5: one company takes over all but the two smallest competitor brands of the
    first partner segment, so it holds ~90 % of the rest while 3 companies still sell."""
    segment = contract.partner.brands[0].segment
    out = products.copy()
    rivals = out["manufacturer"] != contract.partner.manufacturer
    in_segment = (out["segment"] == segment) & rivals
    brands = sorted(out.loc[in_segment, "brand"].dropna().unique())
    keep = set(brands[-2:])
    takeover = in_segment & ~out["brand"].isin(keep)
    out.loc[takeover, "manufacturer"] = DOMINANT
    return out


def clean_day(raw: pd.DataFrame, day: dt.date, raw_products: pd.DataFrame) -> pd.DataFrame:
    # As the cleaning asset: transactions are checked against the RAW catalogue's codes.
    return clean_transactions(raw, partition_date=day, known_customer_ids=None,
                              known_product_codes=raw_products["product_code"]).cleaned


def simulate_cleaned(first: dt.date, last: dt.date, config: SimulationConfig,
                     raw_products: pd.DataFrame) -> list[pd.DataFrame]:
    days = pd.date_range(first, last, freq="D")
    return [clean_day(simulate_transactions(d.date(), config).frame, d.date(), raw_products)
            for d in days]


def daily_passes(daily: pd.DataFrame, day_tx: pd.DataFrame, products: pd.DataFrame,
                 decision: pd.DataFrame, contract: PartnerContract, key: bytes,
                 quarantined_products: pd.DataFrame | None = None,
                 customer_names: tuple[str, ...] = ()) -> bool:
    """The daily asset's blocking checks on one file (PII, decision, basis, conservation).
    ``customer_names``: the customers' names, known identifiers as in the daily job."""
    published = daily.drop(columns=TRUTH, errors="ignore")
    raw_ids = pd.concat([day_tx["order_id"], day_tx["customer_id"]]).dropna().astype(str)
    known = [*raw_ids.unique(), *customer_names]
    outcomes = [
        guardrails.scan_pii(published, contract=contract, known_identifiers=known),
        guardrails.product_names_from_catalogue(published, products),
        guardrails.daily_follows_decision(published, decision),
        guardrails.cells_under_minimum(published, decision, contract),
        guardrails.partner_rows_conserved(published, day_tx, products, contract,
                                          quarantined_products),
    ]
    return all(o.passed for o in outcomes)


def build_month(month: str, history: pd.DataFrame, days: list[pd.DataFrame],
                products: pd.DataFrame, contract: PartnerContract, key: bytes,
                previous_monthly: pd.DataFrame | None,
                quarantined_products: pd.DataFrame | None = None, *,
                store: MemoryStore | None = None,
                published: dict[str, dict] | None = None,
                released_days: set[str] | None = None) -> MonthRelease:
    """One month as production releases it: the decision made from ``history`` and
    stored (``decision_record``; a released record is never replaced), every file
    built from the record read back, the insights printing past months from
    ``published`` (what earlier reports printed). ``released_days``: a re-run of a
    month whose days' checks were already judged: those days are kept without
    running the checks again (the comparison is on bytes)."""
    store = store if store is not None else MemoryStore()
    published = dict(published or {})
    decision_record.materialize(store, contract.id, month,
                                decide_locations(history, products, contract))
    decision = decision_record.read_released(store, contract.id, month)
    files = {"decision": store.read(decision_record.record_path(contract.id, month)) or b""}
    dailies, blocked = [], []
    for day_tx in days:
        daily = build_daily_product(day_tx, products, decision, contract, key=key,
                                    with_truth=True)
        day = str(pd.Timestamp(day_tx["sale_date"].iloc[0]).date()) if len(day_tx) else "?"
        if (day in released_days if released_days is not None else daily_passes(
                daily, day_tx, products, decision, contract, key, quarantined_products)):
            dailies.append(daily)
            files[f"daily {day}"] = to_csv_bytes(daily.drop(columns=TRUTH))
        else:
            blocked.append(day)
    transactions = pd.concat(days, ignore_index=True)
    monthly = build_monthly_product(transactions, products, decision, contract, month=month)
    files["monthly"] = to_csv_bytes(monthly)
    half = transactions.loc[pd.to_datetime(transactions["sale_date"]).dt.day <= 15]
    month_to_date = build_monthly_product(half, products, decision, contract, month=month)
    insights = month_insights(month, transactions, products, contract, monthly,
                              previous_monthly, published)
    files["insights figures"] = figures_bytes(contract.id, month, insights["brands"])
    return MonthRelease(month, history, decision, transactions, dailies, monthly, month_to_date,
                        insights, blocked, files, previous_monthly, published,
                        quarantined_products)


def month_insights(month: str, warehouse: pd.DataFrame, products: pd.DataFrame,
                   contract: PartnerContract, monthly: pd.DataFrame,
                   previous_monthly: pd.DataFrame | None,
                   published: dict[str, dict]) -> dict[str, object]:
    """The insights figures as the asset computes them: ``warehouse`` is whatever the
    warehouse holds (the month's own rows are used), past months come from
    ``published`` and the released monthly files."""
    files = [f for f in (previous_monthly, monthly) if f is not None and len(f)]
    return compute_metrics(contract, month=month, transactions=warehouse, products=products,
                           monthly_products=pd.concat(files, ignore_index=True),
                           published=published)


def simulate_releases(contract: PartnerContract, *, months: int, rows_per_day: int,
                      key: bytes, seed: int = 42, first_month: str = "2026-09",
                      dominant: bool = True) -> tuple[list[MonthRelease], pd.DataFrame]:
    """``months`` published months after one month of history; returns releases + catalogue."""
    config = SimulationConfig(seed=seed, rows_per_day=rows_per_day)
    start = pd.Period(first_month, "M")
    raw_products = raw_catalogue(start.start_time.date(), config)
    products, quarantined = clean_catalogue(raw_products, start.start_time.date())
    if dominant:
        products = with_dominant_competitor(products, contract)
    periods = [start + i for i in range(months + 1)]
    cleaned = {p: simulate_cleaned(p.start_time.date(), p.end_time.date(), config, raw_products)
               for p in periods}
    releases: list[MonthRelease] = []
    store, published = MemoryStore(), {}
    for previous, period in itertools.pairwise(periods):
        history = pd.concat(cleaned[previous], ignore_index=True)
        before = releases[-1].monthly if releases else None
        release = build_month(str(period), history, cleaned[period], products, contract,
                              key, before, quarantined, store=store, published=published)
        published = {**published, release.month: release.insights["brands"]}
        releases.append(release)
    return releases, products


def partner_truth_rows(transactions: pd.DataFrame, products: pd.DataFrame,
                       contract: PartnerContract) -> int:
    items = market_items(transactions, products)
    return int(is_partner(items, contract).sum())


def catalogue_codes(products: pd.DataFrame) -> set[str]:
    return set(latest_catalogue(products)["product_code"].dropna())
