"""The insights' penetration is printed only behind enough, undominated competitors (F4).

Penetration = customers reached / every platform customer of the city. The partner
knows its own customers in the city, so a printed penetration gives it the city's
customers who bought only from other companies: one competitor's customer count
where one company sells there.
"""

from __future__ import annotations

import pandas as pd
import pytest

from ouchhungry_dp.partners.contract import PartnerContract, get_contract
from ouchhungry_dp.products.cells import decide_locations
from ouchhungry_dp.products.insights import report_from_metrics
from ouchhungry_dp.products.insights_metrics import compute_metrics
from ouchhungry_dp.products.monthly import build_monthly_product
from ouchhungry_dp.products.penetration import city_customers, penetration_allowed
from ouchhungry_dp.products.selection import market_items

from .conftest import customers_buying, products_frame, rows_frame

CONTRACT = get_contract("ouchhungry")
HNG, CLB, GSU, TNO = "REF-HNG-0350", "REF-CLB-0350", "REF-GSU-0350", "REF-TNO-0350"
DAY = "2026-11-02"
# (state, city): what the month's competitors look like there, and whether the city's
# penetration may be printed.
ONE_COMPETITOR = ("SP", "SAO PAULO")  # 15 outside customers, all of one company
THREE_EVEN = ("RJ", "RIO DE JANEIRO")  # 3 companies x 5 distinct customers
THREE_SAME_PEOPLE = ("MG", "BELO HORIZONTE")  # 3 companies, the same 15 customers


def penetration_month() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(history, month): three cities published at city level, 20 partner customers each
    in the month, and the competitors above."""
    # Each state keeps a residual of k customers outside the city, and the country one
    # outside the three states, so the decision names the three cities.
    history = customers_buying("2026-10-03", "AC", "RIO BRANCO", HNG, 10)
    month = []
    for (state, city), other in zip((ONE_COMPETITOR, THREE_EVEN, THREE_SAME_PEOPLE),
                                    ("CAMPINAS", "NITEROI", "CONTAGEM"), strict=True):
        history += customers_buying("2026-10-03", state, city, HNG, 30)
        history += customers_buying("2026-10-03", state, other, HNG, 10)
        month += customers_buying(DAY, state, city, HNG, 20, prefix="P")
    month += customers_buying(DAY, *ONE_COMPETITOR, CLB, 15, prefix="X")
    for product, prefix in ((CLB, "A"), (GSU, "B"), (TNO, "C")):
        month += customers_buying(DAY, *THREE_EVEN, product, 5, prefix=prefix)
        month += customers_buying(DAY, *THREE_SAME_PEOPLE, product, 15, prefix="D")
    return rows_frame(history), rows_frame(month)


def _metrics(contract: PartnerContract) -> dict:
    history, month = penetration_month()
    products = products_frame()
    decision = decide_locations(history, products, contract)
    monthly = build_monthly_product(month, products, decision, contract, month="2026-11")
    return compute_metrics(contract, month="2026-11", transactions=month, products=products,
                           monthly_products=monthly)


def test_penetration_is_printed_only_behind_enough_undominated_competitors() -> None:
    metrics = _metrics(CONTRACT)
    shown = {(c["state"], c["city"]): c["penetration"] for c in metrics["top_cities"]}
    assert set(shown) == {ONE_COMPETITOR, THREE_EVEN, THREE_SAME_PEOPLE}
    assert shown[THREE_EVEN] == round(20 / 35, 4)
    # One company: the city total minus the partner's 20 would be its 15 customers.
    assert shown[ONE_COMPETITOR] is None
    # Three companies, but the two largest reach the same 15 people: 30 > 85 % of 15.
    assert shown[THREE_SAME_PEOPLE] is None
    html = report_from_metrics(CONTRACT, "2026-11", metrics).html
    assert "<td>SAO PAULO/SP</td><td>Hungry</td>" in html
    row = html.split("<td>SAO PAULO/SP</td>")[1].split("</tr>")[0]
    assert row.endswith("<td>n/d</td>") and "35" not in row
    assert "57,1%" in html.split("<td>RIO DE JANEIRO/RJ</td>")[1].split("</tr>")[0]


def test_without_the_rule_the_printed_penetration_gives_the_competitors_customers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The attack the rule stops: customers reached / printed penetration - own customers."""
    from ouchhungry_dp.products import insights_metrics

    monkeypatch.setattr(insights_metrics, "penetration_allowed",
                        lambda cities, privacy: pd.Series(True, index=cities.index))
    row = next(c for c in _metrics(CONTRACT)["top_cities"]
               if (c["state"], c["city"]) == ONE_COMPETITOR)
    printed = round(row["penetration"] * 100, 1) / 100
    assert round(row["customers_reached"] / printed) - 20 == 15  # the competitor's customers


def test_city_customers_count_what_the_rule_needs() -> None:
    _, month = penetration_month()
    frame = city_customers(market_items(month, products_frame()), CONTRACT)
    assert frame.loc[ONE_COMPETITOR].to_dict() == {
        "active_customers": 35, "outside_customers": 15, "competitors": 1, "top_outside": 15}
    assert frame.loc[THREE_EVEN].to_dict() == {
        "active_customers": 35, "outside_customers": 15, "competitors": 3, "top_outside": 10}
    assert frame.loc[THREE_SAME_PEOPLE].to_dict() == {
        "active_customers": 35, "outside_customers": 15, "competitors": 3, "top_outside": 30}


def test_a_partner_customer_who_also_buys_a_competitor_is_not_outside() -> None:
    rows = customers_buying(DAY, "SP", "SAO PAULO", HNG, 4, prefix="P") + customers_buying(
        DAY, "SP", "SAO PAULO", CLB, 4, prefix="P")
    frame = city_customers(market_items(rows_frame(rows), products_frame()), CONTRACT)
    assert frame.loc[("SP", "SAO PAULO")].to_dict() == {
        "active_customers": 4, "outside_customers": 0, "competitors": 0, "top_outside": 0}


@pytest.mark.parametrize(("competitors", "top", "outside", "allowed"), [
    (3, 17, 20, True),  # exactly 85 %: passes, as the share rule
    (3, 18, 20, False),  # 90 %
    (2, 10, 20, False),  # too few companies
    (3, 0, 0, False),  # nobody outside the partner's customers
    (3, 1, 20, True),
    # Fewer outside customers than the contract's k (10): three companies, one customer
    # each, would be exact.
    (3, 1, 3, False),
    (3, 3, 9, False),
    (3, 3, 10, True),
])
def test_the_denominator_rule_at_its_boundaries(competitors: int, top: int, outside: int,
                                                allowed: bool) -> None:
    cities = pd.DataFrame({"active_customers": [outside + 5], "outside_customers": [outside],
                           "competitors": [competitors], "top_outside": [top]})
    assert penetration_allowed(cities, CONTRACT.privacy).tolist() == [allowed]


def with_an_off_contract_brand() -> pd.DataFrame:
    """The catalogue plus a brand the partner's manufacturer sells outside the contract."""
    products = products_frame()
    extra = products.iloc[[0]].copy()
    extra[["product_code", "product_name", "brand", "ean"]] = [
        OFF_CONTRACT, "Hungry Zero Lata 350ml", "Hungry Zero", "7890000009999"]
    return pd.concat([products, extra], ignore_index=True)


OFF_CONTRACT = "REF-HZR-0350"


def test_the_partners_other_brands_are_not_a_competitor() -> None:
    """Two real competitors and the partner's own off-contract brand: two companies,
    not three, so the penetration stays hidden; the off-contract brand's customers are
    not "outside" (they bought from the partner's company)."""
    assert OFF_CONTRACT not in CONTRACT.partner.brand_names
    rows = (customers_buying(DAY, "SP", "SAO PAULO", HNG, 20, prefix="P")
            + customers_buying(DAY, "SP", "SAO PAULO", CLB, 8, prefix="A")
            + customers_buying(DAY, "SP", "SAO PAULO", GSU, 7, prefix="B")
            + customers_buying(DAY, "SP", "SAO PAULO", OFF_CONTRACT, 5, prefix="Z"))
    frame = city_customers(market_items(rows_frame(rows), with_an_off_contract_brand()),
                           CONTRACT)
    assert frame.loc[("SP", "SAO PAULO")].to_dict() == {
        "active_customers": 40, "outside_customers": 15, "competitors": 2, "top_outside": 15}
    assert penetration_allowed(frame, CONTRACT.privacy).tolist() == [False]
