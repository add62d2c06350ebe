"""Re-release of a past month's files through the publishing gate after a late day.

The attack (issue 11, differencing between releases): a partner keeps every
version of a file it received. If a past month's monthly file (or the day's
daily file, or the insights figures) were rebuilt after a late day of that month
and released again, the difference between the two versions would be the late
day's sales, the competitors' included through ``segment_share``. Production
prevents it in ``release/gate.py`` (released = immutable). This scenario runs
the real gate on an in-memory store: each file of every month is released as
production releases it, late rows land in the month's last day, the files are
rebuilt and handed to the gate again, and what a delivery would read
(``released_bytes``) is compared byte for byte with the first release.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pandas as pd

from ouchhungry_dp.errors import DataQualityError
from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.privacy.audit_release import TRUTH, MonthRelease, month_insights
from ouchhungry_dp.privacy.decision_record import MemoryStore
from ouchhungry_dp.privacy.pseudonymize import PSEUDONYMIZATION_KEY_ENV
from ouchhungry_dp.privacy.rerelease import late_rows
from ouchhungry_dp.products.csv_files import to_csv_bytes
from ouchhungry_dp.products.daily import build_daily_product
from ouchhungry_dp.products.insights_published import figures_bytes
from ouchhungry_dp.products.monthly import build_monthly_product
from ouchhungry_dp.release import gate

Result = tuple[int, int, str]
# The audit's files passed their blocking checks when they were built (audit_release);
# the gate only needs a non-empty verdict to release them.
PASSED = {"audit_blocking_checks": True}


@contextlib.contextmanager
def gate_key_for_audit(key: bytes) -> Iterator[None]:
    """The gate signs with the key of the process environment by design (a run cannot
    bring its own); the audit CLI usually runs without one, so it lends its fixed,
    non-secret audit key for the scenario and restores the environment after."""
    previous = os.environ.get(PSEUDONYMIZATION_KEY_ENV)
    if previous is None:
        os.environ[PSEUDONYMIZATION_KEY_ENV] = key.decode("ascii")
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(PSEUDONYMIZATION_KEY_ENV, None)


def _month_files(release: MonthRelease, transactions: pd.DataFrame, products: pd.DataFrame,
                 contract: PartnerContract, key: bytes) -> dict[str, bytes]:
    """The month's monthly file, its last day's daily file and the insights figures,
    built from ``transactions`` with the month's stored decision."""
    month = release.month
    monthly = build_monthly_product(transactions, products, release.decision, contract,
                                    month=month)
    last = transactions["sale_date"].max()
    day = transactions.loc[transactions["sale_date"] == last]
    daily = build_daily_product(day, products, release.decision, contract, key=key,
                                with_truth=True).drop(columns=TRUTH)
    insights = month_insights(month, transactions, products, contract, monthly,
                              release.previous_monthly, release.published_before)
    return {f"monthly/{month}.csv": to_csv_bytes(monthly),
            f"daily/{pd.Timestamp(last).date()}.csv": to_csv_bytes(daily),
            f"insights/{month}.figures": figures_bytes(contract.id, month, insights["brands"])}


def _delivered(store: MemoryStore, relative: str, month: str, contract: PartnerContract) -> bytes:
    data, _ = gate.released_bytes(store, relative, partner=contract.id, dataset="audit",
                                  partition=month, expected_checks=frozenset(PASSED),
                                  what="audit re-delivery")
    return data


def late_day_rerelease(releases: list[MonthRelease], contract: PartnerContract,
                       products: pd.DataFrame, key: bytes) -> Result:
    """(files checked, files whose partner-visible bytes changed, detail)."""
    checked, changed, rebuilt_differ, refused = 0, [], 0, 0
    with gate_key_for_audit(key):
        store = MemoryStore()
        for release in releases:
            first = _month_files(release, release.transactions, products, contract, key)
            for relative, data in first.items():
                gate.publish(store, dataset="audit", partition=release.month,
                             relative=relative, data=data, checks=PASSED)
            late = late_rows(release, products, contract)
            grown = pd.concat([release.transactions, late], ignore_index=True)
            for relative, data in _month_files(release, grown, products, contract,
                                               key).items():
                rebuilt_differ += data != first[relative]
                try:
                    gate.publish(store, dataset="audit", partition=release.month,
                                 relative=relative, data=data, checks=PASSED)
                except DataQualityError:
                    refused += 1
                checked += 1
                if _delivered(store, relative, release.month, contract) != first[relative]:
                    changed.append(relative)
    detail = (f"{len(releases)} past months re-run after a late day: {rebuilt_differ} of "
              f"{checked} rebuilt files differ, {refused} refused by the gate; "
              + ("partner-visible bytes unchanged" if not changed
                 else "re-released: " + ", ".join(changed[:5])))
    return checked, len(changed), detail
