"""Two released months of a small simulated marketplace, built in seconds.

``test_rerelease.py`` runs the re-release scenarios on two whole simulated months
(a minute of fixture), too slow to rebuild for every mutant of a mutation pass.
The scenario functions need only what a month release is made of: a decision
basis, a few days, the files built from them and the reports chained through
``published``. So each month here keeps its last four days (the late day lands on
the last one) and the marketplace is small; the releases are built by the same
``audit_release`` functions ``simulate_releases`` chains, in the same order.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ouchhungry_dp_tests.privacy.cached_build import cached

if TYPE_CHECKING:
    import pandas as pd

    from ouchhungry_dp.privacy.audit_release import MonthRelease

SmallMonths = tuple[list["MonthRelease"], "pd.DataFrame"]
DAYS_PER_MONTH = 4
# What ``_build`` imports: the cache key covers their code and all they import (not
# ``audit.py``, which imports the re-release scenarios the tests run: the key is passed in).
BUILD_MODULES = ["ouchhungry_dp.partners.contract", "ouchhungry_dp.privacy.audit_release",
                 "ouchhungry_dp.privacy.decision_record", "ouchhungry_dp.simulation"]


def small_months(first_month: str = "2026-09", released: int = 3,
                 key: bytes | None = None) -> SmallMonths:
    """``released`` months after one month of history, ``DAYS_PER_MONTH`` days each,
    pseudonymized with ``key`` (the audit's key by default). Built once per code of the
    builder (``cached_build``): a mutation pass forks a process per mutant, and each
    would build them again (~10 CPU-s, more than the tests that use them)."""
    if key is None:
        from ouchhungry_dp.privacy.audit import AUDIT_KEY

        key = AUDIT_KEY
    return cached("small-months", BUILD_MODULES, (first_month, released, key),
                  lambda: _build(first_month, released, key), Path(__file__))


def _build(first_month: str, released: int, key: bytes) -> SmallMonths:
    # Imported here: the privacy tests that do not use these months (the mutation guard
    # replays some) start without the simulator and the product builders.
    import pandas as pd

    from ouchhungry_dp.partners.contract import get_contract
    from ouchhungry_dp.privacy import audit_release
    from ouchhungry_dp.privacy.decision_record import MemoryStore
    from ouchhungry_dp.simulation import SimulationConfig

    # Enough rows that both partner brands reach k customers in the first released month,
    # so the second month's report prints figures about the first (the differencing).
    config = SimulationConfig(seed=7, rows_per_day=60, n_customers=300, n_merchants=20)
    contract = get_contract("ouchhungry")
    start = pd.Period(first_month, "M")
    raw_products = audit_release.raw_catalogue(start.start_time.date(), config)
    products, quarantined = audit_release.clean_catalogue(raw_products, start.start_time.date())
    products = audit_release.with_dominant_competitor(products, contract)
    periods = [start + i for i in range(released + 1)]
    cleaned = {p: audit_release.simulate_cleaned(
        p.end_time.date() - dt.timedelta(days=DAYS_PER_MONTH - 1), p.end_time.date(), config,
        raw_products) for p in periods}
    releases: list[Any] = []
    store, published = MemoryStore(), {}
    for previous, period in itertools.pairwise(periods):
        history = pd.concat(cleaned[previous], ignore_index=True)
        before = releases[-1].monthly if releases else None
        release = audit_release.build_month(str(period), history, cleaned[period], products,
                                            contract, key, before, quarantined,
                                            store=store, published=published)
        published = {**published, release.month: release.insights["brands"]}
        releases.append(release)
    return releases, products


@pytest.fixture(scope="session")
def small() -> SmallMonths:
    return small_months()
