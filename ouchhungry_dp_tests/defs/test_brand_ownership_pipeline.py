"""The daily job with a typo in a partner product's manufacturer: 0 partner rows lost.

Attack round 2 of issue 11: ``OuchHungry.`` on one Hungry product once dropped 29 % of
the day's partner rows while every check passed. The real job, sandbox and delivery.
"""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pandas as pd

from ouchhungry_dp.lib.resources.source_systems import SimulatedSourceSystem, SourceTable
from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.products.selection import partner_items
from ouchhungry_dp.quality.cleaning import clean_products, clean_transactions
from ouchhungry_dp.sandbox.stack import SandboxStack
from ouchhungry_dp_tests.defs.gate_support import failed_checks, run_job

CONTRACT = get_contract("ouchhungry")


class MakerTypo(SimulatedSourceSystem):
    """The first Hungry product's manufacturer typed with a trailing dot."""

    def extract(self, table: SourceTable, day: dt.date) -> pd.DataFrame:
        frame = super().extract(table, day)
        if table == "products":
            frame = frame.copy()
            code = frame.loc[frame["brand"] == "Hungry", "product_code"].iloc[0]
            frame.loc[frame["product_code"] == code, "manufacturer"] = "OuchHungry."
        return frame


def _partner_rows_of_clean_source(day: dt.date) -> int:
    # Oracle: the untouched source through the cleaning library and the selection.
    source = SimulatedSourceSystem(rows_per_day=300)
    raw_products = source.extract("products", day)
    products = clean_products(raw_products, snapshot_date=day).cleaned
    tx = clean_transactions(source.extract("transactions", day), partition_date=day,
                            known_customer_ids=source.extract("customers", day)["customer_id"],
                            known_product_codes=raw_products["product_code"],
                            usable_product_codes=products["product_code"]).cleaned
    return len(partner_items(tx, products, CONTRACT))


def test_manufacturer_typo_loses_no_partner_row(
        sandbox: SandboxStack, instance: dg.DagsterInstance) -> None:
    day = "2026-11-14"
    result = run_job(instance, MakerTypo(rows_per_day=300), CONTRACT.daily_job, day)
    assert result.success, failed_checks(result)
    sent = sandbox.sftp_files / "daily" / f"ouchhungry_sales_daily_{day}.csv"
    delivered = pd.read_csv(sent, dtype=str)
    expected = _partner_rows_of_clean_source(dt.date.fromisoformat(day))
    assert expected > 0
    assert len(delivered) == expected
