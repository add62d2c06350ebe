"""Competitors are counted by company (manufacturer), not by brand, in every share.

Under the default (2, 85) dominance rule fewer than three competing companies always
fail dominance (the two largest hold everything), so the company count would be
shadowed by it. A contract may set ``dominance_n = 1``; then only the count stops a
segment whose three competing brands belong to two companies, and a count by brand
would publish a share from which the partner derives those two companies' sales.
"""

from __future__ import annotations

import pandas as pd
import pytest

from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.cells import decide_locations
from ouchhungry_dp.products.insights_metrics import compute_metrics
from ouchhungry_dp.products.monthly import build_monthly_product

from .conftest import customers_buying, rows_frame

MONTH = "2026-12"
# A second brand of the company that makes Fizz (REF-FZZ-2000, "Fizz Co").
FIZZ_UVA = {"product_code": "REF-FZU-0350", "product_name": "Fizz Uva Lata 350ml",
            "brand": "Fizz Uva", "manufacturer": "Fizz Co", "segment": "refrigerantes"}
TWO_COMPANIES = ("REF-FZZ-2000", "REF-FZU-0350", "REF-GSU-0350")  # 3 brands, 2 companies
THREE_COMPANIES = ("REF-FZZ-2000", "REF-TNO-0350", "REF-GSU-0350")  # 3 brands, 3 companies


@pytest.fixture(scope="module")
def one_dominant(contract: PartnerContract) -> PartnerContract:
    """The contract with (1, 85): two equal companies pass dominance (50 % each)."""
    privacy = contract.privacy.model_copy(update={"dominance_n": 1})
    return contract.model_copy(update={"privacy": privacy})


@pytest.fixture(scope="module")
def catalogue(products: pd.DataFrame) -> pd.DataFrame:
    extra = pd.DataFrame([{**products.iloc[0].to_dict(), **FIZZ_UVA}])
    return pd.concat([products, extra.astype(products.dtypes.to_dict())], ignore_index=True)


def _month(competitors: tuple[str, ...]) -> pd.DataFrame:
    rows = customers_buying("2026-12-02", "SP", "SAO PAULO", "REF-HNG-0350", 20)
    for code in competitors:  # equal sales per brand: dominance alone would let all pass
        rows += customers_buying("2026-12-02", "SP", "SAO PAULO", code, 6, prefix=code)
    return rows_frame(rows)


def _monthly(month: pd.DataFrame, catalogue: pd.DataFrame,
             contract: PartnerContract) -> pd.DataFrame:
    no_history = decide_locations(month.iloc[0:0], catalogue, contract)  # one country row
    return build_monthly_product(month, catalogue, no_history, contract, month=MONTH)


def test_the_monthly_share_needs_three_competing_companies_not_three_brands(
        one_dominant: PartnerContract, catalogue: pd.DataFrame) -> None:
    def levels(competitors: tuple[str, ...]) -> list[str]:
        monthly = _monthly(_month(competitors), catalogue, one_dominant)
        hungry = monthly.loc[monthly["brand"] == "Hungry"]
        assert len(hungry) == 1  # one country row, so the share's level is the whole story
        return hungry["segment_share_level"].tolist()

    assert levels(THREE_COMPANIES) == ["cell"]  # the row is the country: its own geography
    assert levels(TWO_COMPANIES) == ["suppressed"]


def test_the_insights_national_share_needs_three_competing_companies_not_three_brands(
        one_dominant: PartnerContract, catalogue: pd.DataFrame) -> None:
    def share(competitors: tuple[str, ...]) -> object:
        month = _month(competitors)
        metrics = compute_metrics(one_dominant, month=MONTH, transactions=month,
                                  products=catalogue,
                                  monthly_products=_monthly(month, catalogue, one_dominant))
        return metrics["brands"]["Hungry"]["segment_share"]

    # Hungry: 20 x R$ 10 of the segment's 20 + 18 customers' R$ 380.
    assert share(THREE_COMPANIES) == pytest.approx(200 / 380, abs=1e-4)
    assert share(TWO_COMPANIES) is None
