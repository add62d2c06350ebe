"""Re-releases: what a re-run, a late day or a re-delivery gives the partner to compare.

The partner keeps every file it received. Each scenario here rebuilds what
production would send again and compares it with what was sent, byte for byte
and figure by figure (scored as ``attacks`` are: ``(checked, recovered, detail)``):

* **re-run**: every day of every month re-run on the same source: the stored
  decision and every file (daily, monthly, insights figures) must be identical;
* **late day**: rows of a past month arrive after that month was released (one
  competitor's sales and some of the partner's, on the month's last day). The
  next month's decision is re-materialized (production refuses a change once a
  file was built with it), then the next month's files and insights re-run on a
  warehouse holding the late rows: no file may change, and no report may print
  a figure about a month that differs from what was printed before;
* **re-delivery**: a re-delivery sends the released bytes again (the gate reads
  and verifies them, ``release/gate.py``); a rebuilt file that differs would be a
  second release, so it is counted with the re-runs above.

Differencing between releases: every figure two reports print about the same
(month, brand) must be equal, or the difference isolates the late sales.
"""

from __future__ import annotations

import itertools

import pandas as pd

from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.privacy import decision_record
from ouchhungry_dp.privacy.audit_release import (
    DOMINANT,
    MonthRelease,
    build_month,
    month_insights,
)
from ouchhungry_dp.privacy.decision_record import MemoryStore
from ouchhungry_dp.products.cells import decide_locations
from ouchhungry_dp.products.selection import latest_catalogue

Result = tuple[int, int, str]
FIGURES = ("units", "revenue", "customers", "segment_share", "price_index")


def _differing(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    return sorted(name for name in before.keys() | after.keys()
                  if before.get(name) != after.get(name))


def _store_of(releases: list[MonthRelease], contract: PartnerContract) -> MemoryStore:
    """The outbound store after the releases: every decision record stored and released."""
    store = MemoryStore()
    for release in releases:
        data = release.files["decision"]
        store.put(decision_record.record_path(contract.id, release.month), data)
        store.put(decision_record.released_path(contract.id, release.month),
                  decision_record.marker(data))
    return store


def _days(release: MonthRelease) -> list[pd.DataFrame]:
    return [day for _, day in release.transactions.groupby("sale_date", sort=True)]


def _released_days(release: MonthRelease) -> set[str]:
    return {name.removeprefix("daily ") for name in release.files if name.startswith("daily ")}


def rerun(releases: list[MonthRelease], contract: PartnerContract, products: pd.DataFrame,
          key: bytes) -> Result:
    """Every month re-run on the same source: decision and files byte-identical."""
    store = _store_of(releases, contract)
    checked, changed = 0, []
    for release in releases:
        again = build_month(release.month, release.history, _days(release), products, contract,
                            key, release.previous_monthly, release.quarantined_products,
                            store=store, published=release.published_before,
                            released_days=_released_days(release))
        checked += len(release.files)
        changed += [f"{release.month} {name}" for name in
                    _differing(release.files, again.files)]
    detail = (f"{checked} files (decision records, daily, monthly, insights figures) "
              "byte-identical") if not changed else "changed: " + ", ".join(changed[:5])
    return checked, len(changed), detail


def late_rows(release: MonthRelease, products: pd.DataFrame,
              contract: PartnerContract) -> pd.DataFrame:
    """Rows that arrive late for the month's last day: the dominant competitor's sales
    and the partner's of that day again, by new customers (new order, item and customer
    ids), so the previous month's decision basis grows."""
    last = release.transactions["sale_date"].max()
    day = release.transactions.loc[release.transactions["sale_date"] == last]
    makers = latest_catalogue(products).set_index("product_code")["manufacturer"]
    maker = day["product_code"].map(makers)
    rows = day.loc[maker.isin([DOMINANT, contract.partner.manufacturer]).to_numpy()].copy()
    for column in ("order_id", "transaction_id", "customer_id"):
        if column in rows.columns:
            rows[column] = rows[column].astype("string") + "-LATE"
    return rows


def late_day(releases: list[MonthRelease], contract: PartnerContract,
             products: pd.DataFrame, key: bytes) -> tuple[Result, Result]:
    """(files re-run after a late day of the previous month, differencing between the
    reports printed before and after it)."""
    store = _store_of(releases, contract)
    files_checked, changed, refused = 0, [], 0
    figures_checked, differences = 0, []
    for past, current in itertools.pairwise(releases):
        late = late_rows(past, products, contract)
        history = pd.concat([past.transactions, late], ignore_index=True)
        # The decision asset re-materialized on the changed history.
        outcome = decision_record.materialize(
            store, contract.id, current.month, decide_locations(history, products, contract))
        refused += outcome == "refused"
        # The month's steps re-run on the warehouse as it is now (late rows included):
        # they read the stored record, never a decision recomputed from it.
        again = build_month(current.month, history, _days(current), products, contract,
                            key, current.previous_monthly, current.quarantined_products,
                            store=store, published=current.published_before,
                            released_days=_released_days(current))
        # The insights asset reads the warehouse, which now holds the late rows.
        warehouse = pd.concat([history, current.transactions], ignore_index=True)
        again.insights = month_insights(current.month, warehouse, products, contract,
                                        again.monthly, current.previous_monthly,
                                        current.published_before)
        files_checked += len(current.files)
        changed += [f"{current.month} {n}" for n in _differing(current.files, again.files)]
        checked, differ = _printed_differences(releases, again)
        figures_checked += checked
        differences += differ
    files = (files_checked, len(changed),
             f"{len(releases) - 1} late days; next month's decision change refused "
             f"{refused}x; " + ("files byte-identical" if not changed
                                else "changed: " + ", ".join(changed[:5])))
    printed = (figures_checked, len(differences),
               "every figure two reports print about one (month, brand) is equal"
               if not differences else "differ: " + ", ".join(differences[:5]))
    return files, printed


def _printed_differences(releases: list[MonthRelease],
                         rerun_release: MonthRelease) -> tuple[int, list[str]]:
    """Figures the re-run report prints about earlier months vs what those months'
    own reports printed (the partner holds both)."""
    printed = {r.month: r.insights["brands"] for r in releases}
    checked, differ = 0, []
    trends = {"revenue": rerun_release.insights["revenue_trend"],
              "segment_share": rerun_release.insights["segment_share_trend"]}
    for figure, trend in trends.items():
        for brand, months in trend.items():  # type: ignore[union-attr]
            for month, value in months.items():
                before = printed.get(month, {}).get(brand)  # type: ignore[union-attr]
                if month >= rerun_release.month or not before:
                    continue
                checked += 1
                if before.get(figure) != value:
                    differ.append(f"{brand} {month} {figure}: {before.get(figure)} -> {value}")
    return checked, differ


def between_releases(releases: list[MonthRelease]) -> Result:
    """Every report of the chain vs the reports before it: what each prints about an
    earlier month equals what that month's own report printed."""
    checked, differ = 0, []
    for release in releases:
        n, found = _printed_differences(releases, release)
        checked += n
        differ += found
    return checked, len(differ), (f"{len(releases)} reports" if not differ
                                  else "differ: " + ", ".join(differ[:5]))
