"""One company typed several ways is one competitor, in every rule (partner attack A3/A2,
2026-11-29).

A competitor group whose catalogue rows spell its manufacturer "Sul Bebidas",
"SUL BEBIDAS S.A." and "sul bebidas ltda." was three companies to the rules: with
equal sales the two largest held 67 % (<= 85 %), so the share was published and the
partner derived the group's revenue from it. Counted by ``company_key``, it is one
company holding 100 %: suppressed. Three genuinely different companies still pass.
"""

from __future__ import annotations

import pandas as pd
import pytest

from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.cells import decide_locations
from ouchhungry_dp.products.companies import company_key, company_keys
from ouchhungry_dp.products.insights_metrics import compute_metrics
from ouchhungry_dp.products.monthly import build_monthly_product
from ouchhungry_dp.products.penetration import city_customers, penetration_allowed
from ouchhungry_dp.products.selection import market_items, partner_brand_names

from .conftest import customers_buying, rows_frame

MONTH = "2026-12"
DAY = "2026-12-02"
# Two more brands of the company behind Guarana Sul ("Sul Bebidas"), spelt differently.
SPELLINGS = [
    {"product_code": "REF-SBZ-0350", "product_name": "Guarana Sul Zero Lata 350ml",
     "brand": "Guarana Sul Zero", "manufacturer": "SUL BEBIDAS S.A.", "segment": "refrigerantes"},
    {"product_code": "REF-SBC-0350", "product_name": "Sul Cola Lata 350ml",
     "brand": "Sul Cola", "manufacturer": "sul bebidas ltda.", "segment": "refrigerantes"},
]
ONE_GROUP = ("REF-GSU-0350", "REF-SBZ-0350", "REF-SBC-0350")  # 3 spellings, 1 company
THREE_COMPANIES = ("REF-FZZ-2000", "REF-TNO-0350", "REF-GSU-0350")


@pytest.mark.parametrize(("name", "key"), [
    ("Sul Bebidas", "sulbebidas"),
    ("SUL BEBIDAS S.A.", "sulbebidas"),
    ("sul bebidas ltda.", "sulbebidas"),
    ("Sul Bebidas S/A", "sulbebidas"),
    ("Súl Bebidas - EIRELI", "sulbebidas"),
    ("Bebidas do Sul", "bebidasdosul"),  # another name: another company
    ("Norte SA", "norte"),
    ("SA", "sa"),  # only a legal form: kept, never an empty key
    ("...", "..."),
])
def test_company_key(name: str, key: str) -> None:
    assert company_key(name) == key


def test_company_keys_keep_missing_values_missing() -> None:
    keys = company_keys(pd.Series(["Fizz Co", None, "FIZZ CO."], dtype="string"))
    assert keys.tolist()[0] == keys.tolist()[2] == "fizzco"
    assert keys.isna().tolist() == [False, True, False]


@pytest.fixture(scope="module")
def catalogue(products: pd.DataFrame) -> pd.DataFrame:
    extra = pd.DataFrame([{**products.iloc[0].to_dict(), **row} for row in SPELLINGS])
    return pd.concat([products, extra.astype(products.dtypes.to_dict())], ignore_index=True)


def _month(competitors: tuple[str, ...]) -> pd.DataFrame:
    rows = customers_buying(DAY, "SP", "SAO PAULO", "REF-HNG-0350", 20)
    for code in competitors:  # equal sales: three spellings pass (2, 85) if counted apart
        rows += customers_buying(DAY, "SP", "SAO PAULO", code, 6, prefix=code)
    return rows_frame(rows)


def _monthly(month: pd.DataFrame, catalogue: pd.DataFrame,
             contract: PartnerContract) -> pd.DataFrame:
    no_history = decide_locations(month.iloc[0:0], catalogue, contract)  # one country row
    return build_monthly_product(month, catalogue, no_history, contract, month=MONTH)


def test_the_monthly_share_counts_spellings_of_one_company_once(
        contract: PartnerContract, catalogue: pd.DataFrame) -> None:
    def level(competitors: tuple[str, ...]) -> list[str]:
        monthly = _monthly(_month(competitors), catalogue, contract)
        return monthly.loc[monthly["brand"] == "Hungry", "segment_share_level"].tolist()

    assert level(THREE_COMPANIES) == ["cell"]
    assert level(ONE_GROUP) == ["suppressed"]


def test_the_insights_share_counts_spellings_of_one_company_once(
        contract: PartnerContract, catalogue: pd.DataFrame) -> None:
    def share(competitors: tuple[str, ...]) -> object:
        month = _month(competitors)
        metrics = compute_metrics(contract, month=MONTH, transactions=month,
                                  products=catalogue,
                                  monthly_products=_monthly(month, catalogue, contract))
        return metrics["brands"]["Hungry"]["segment_share"]

    assert share(THREE_COMPANIES) == pytest.approx(200 / 380, abs=1e-4)
    assert share(ONE_GROUP) is None


def test_the_penetration_counts_spellings_of_one_company_once(
        contract: PartnerContract, catalogue: pd.DataFrame) -> None:
    def figures(competitors: tuple[str, ...]) -> tuple[dict, bool]:
        frame = city_customers(market_items(_month(competitors), catalogue), contract)
        return (frame.loc[("SP", "SAO PAULO")].to_dict(),
                bool(penetration_allowed(frame, contract.privacy).iloc[0]))

    three, allowed = figures(THREE_COMPANIES)
    assert (three["competitors"], three["top_outside"], allowed) == (3, 12, True)
    group, allowed = figures(ONE_GROUP)
    # One company reached all 18 outside customers: the partner would get its count.
    assert (group["outside_customers"], group["competitors"], group["top_outside"]) == (18, 1, 18)
    assert not allowed


# The partner's own other brand, its company spelt with a legal form.
OWN_SUFFIX = {"product_code": "REF-HZL-0350", "product_name": "Hungry Zero Lata 350ml",
              "brand": "Hungry Zero", "manufacturer": "OuchHungry Ltda.",
              "segment": "refrigerantes"}


def with_own_suffix(products: pd.DataFrame) -> pd.DataFrame:
    extra = pd.DataFrame([{**products.iloc[0].to_dict(), **OWN_SUFFIX}])
    extra["ean"] = "7890000009993"
    return pd.concat([products, extra.astype(products.dtypes.to_dict())], ignore_index=True)


def test_the_partners_company_under_another_spelling_is_never_a_competitor(
        contract: PartnerContract, products: pd.DataFrame) -> None:
    """Two real competitors and the partner's own brand under "OuchHungry Ltda.": two
    companies, not three (else the partner, knowing its own brand's sales, could take
    them out of what the figures give and leave the two rivals')."""
    catalogue = with_own_suffix(products)
    assert "Hungry Zero" in partner_brand_names(catalogue, contract)
    rows = rows_frame(customers_buying(DAY, "SP", "SAO PAULO", "REF-HNG-0350", 20)
                      + customers_buying(DAY, "SP", "SAO PAULO", "REF-FZZ-2000", 6, prefix="F")
                      + customers_buying(DAY, "SP", "SAO PAULO", "REF-TNO-0350", 6, prefix="T")
                      + customers_buying(DAY, "SP", "SAO PAULO", "REF-HZL-0350", 6, prefix="Z"))
    frame = city_customers(market_items(rows, catalogue), contract)
    assert frame.loc[("SP", "SAO PAULO")].to_dict() == {
        "active_customers": 38, "outside_customers": 12, "competitors": 2, "top_outside": 12}
    monthly = _monthly(rows, catalogue, contract)
    assert set(monthly.loc[monthly["brand"] == "Hungry", "segment_share_level"]) == {
        "suppressed"}
