"""The engine path counts spellings of one company once, as the pandas reference does
(monthly file, insights shares and penetration; partner attack A3/A2)."""

from __future__ import annotations

import pandas as pd

from ouchhungry_dp.partners.contract import PartnerContract

from ..conftest import customers_buying, products_frame, rows_frame
from ..test_company_spellings import SPELLINGS, with_own_suffix
from .conftest import Warehouse
from .test_engine_equals_pandas import HNG, compare_month
from .test_insights_engine_equals_pandas import compare_insights

GROUP = ("REF-GSU-0350", "REF-SBZ-0350", "REF-SBC-0350")  # one company, three spellings


def _catalogue() -> pd.DataFrame:
    products = products_frame()
    extra = pd.DataFrame([{**products.iloc[0].to_dict(), **row} for row in SPELLINGS])
    extra["ean"] = ["7890000009991", "7890000009992"]
    return pd.concat([products, extra.astype(products.dtypes.to_dict())], ignore_index=True)


def _history_and_month(k: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    history = rows_frame(customers_buying("2026-10-03", "SP", "SAO PAULO", HNG, 2 * k)
                         + customers_buying("2026-10-03", "SP", "CAMPINAS", HNG, k)
                         + customers_buying("2026-10-03", "RJ", "RIO DE JANEIRO", HNG, k))
    month = customers_buying("2026-11-02", "SP", "SAO PAULO", HNG, 2 * k)
    for code in GROUP:
        month += customers_buying("2026-11-03", "SP", "SAO PAULO", code, 6, prefix=code)
    return history, rows_frame(month)


def test_the_monthly_file_agrees_and_suppresses_the_group(warehouse: Warehouse,
                                                          contract: PartnerContract) -> None:
    history, month = _history_and_month(contract.privacy.min_customers_per_cell)
    monthly = compare_month(warehouse, contract, history, month, products=_catalogue())
    assert set(monthly["segment_share_level"]) == {"suppressed"}


def test_the_insights_agree_and_hide_the_group(warehouse: Warehouse,
                                               contract: PartnerContract) -> None:
    history, month = _history_and_month(contract.privacy.min_customers_per_cell)
    metrics = compare_insights(warehouse, contract, history, month, products=_catalogue())
    assert metrics["brands"]["Hungry"]["segment_share"] is None
    shown = {(c["state"], c["city"]): c["penetration"] for c in metrics["top_cities"]}
    assert shown[("SP", "SAO PAULO")] is None


def test_the_partners_company_under_another_spelling_is_own_in_both_paths(
        warehouse: Warehouse, contract: PartnerContract) -> None:
    k = contract.privacy.min_customers_per_cell
    history, _ = _history_and_month(k)
    month = customers_buying("2026-11-02", "SP", "SAO PAULO", HNG, 2 * k)
    for code in ("REF-FZZ-2000", "REF-TNO-0350", "REF-HZL-0350"):
        month += customers_buying("2026-11-03", "SP", "SAO PAULO", code, 6, prefix=code)
    metrics = compare_insights(warehouse, contract, history, rows_frame(month),
                               products=with_own_suffix(products_frame()))
    shown = {(c["state"], c["city"]): c["penetration"] for c in metrics["top_cities"]}
    assert shown[("SP", "SAO PAULO")] is None
    assert metrics["brands"]["Hungry"]["segment_share"] is None
