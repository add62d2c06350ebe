"""Production's re-release safeguards switched off, for the tests that show each audit row
bites without them (``test_rerelease.py`` on whole months, ``test_rerelease_scenarios.py``
on small ones)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.privacy import decision_record, rerelease
from ouchhungry_dp.products.csv_files import to_csv_bytes
from ouchhungry_dp.products.selection import partner_items


def replaceable_materialize(store: decision_record.MemoryStore, partner: str, month: str,
                            decision: pd.DataFrame) -> str:
    """The lazy in-memory decision: recomputed on every run, a released one replaced."""
    data = to_csv_bytes(decision)
    store.put(decision_record.record_path(partner, month), data)
    store.put(decision_record.released_path(partner, month), decision_record.marker(data))
    return "created"


def recomputing_report(products: pd.DataFrame,
                       contract: PartnerContract) -> Callable[..., dict]:
    """F5 as it was: the report recomputes each past month's revenue from the warehouse
    (which may hold a late day) instead of printing what was published."""
    original = rerelease.month_insights

    def recomputing(month: str, warehouse: pd.DataFrame, *args: object) -> dict:
        metrics = original(month, warehouse, *args)  # type: ignore[arg-type]
        items = partner_items(warehouse, products, contract)
        key = pd.to_datetime(items["sale_date"]).dt.strftime("%Y-%m")
        for brand, months in metrics["revenue_trend"].items():
            for past in [m for m in months if m < month]:
                own = items.loc[(items["brand"] == brand).to_numpy() & (key == past).to_numpy()]
                months[past] = round(float(own["amount_cents"].sum()) / 100, 2)
        return metrics

    return recomputing
