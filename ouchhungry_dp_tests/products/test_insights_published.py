"""Insights print past months from what was published, and names from an allowlist."""

from __future__ import annotations

import pandas as pd
import pytest

from ouchhungry_dp.errors import DataQualityError
from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.cells import decide_locations
from ouchhungry_dp.products.insights import build_insights_report
from ouchhungry_dp.products.insights_metrics import compute_metrics
from ouchhungry_dp.products.insights_published import figures_bytes, parse_figures
from ouchhungry_dp.products.monthly import build_monthly_product

from .conftest import customers_buying, rows_frame

BRANDS_AND_RIVALS = ("REF-HNG-0350", "REF-CLB-0350", "REF-GSU-0350", "REF-TNO-0350")


def _month(day: str, n: int, prefix: str) -> list:
    return [row for code in BRANDS_AND_RIVALS
            for row in customers_buying(day, "SP", "SAO PAULO", code, n, prefix=prefix)]


def _metrics(contract: PartnerContract, products: pd.DataFrame, month: str,
             transactions: pd.DataFrame, monthlies: list[pd.DataFrame],
             published: dict | None = None) -> dict:
    return compute_metrics(contract, month=month, transactions=transactions, products=products,
                           monthly_products=pd.concat(monthlies, ignore_index=True),
                           published=published)


def test_a_late_day_in_a_past_month_changes_nothing_printed_about_that_month(
        contract: PartnerContract, products: pd.DataFrame) -> None:
    """F5: November's report printed R$ X; a day of November arrives late (one rival's
    sales); December's report must still print November as published, or the difference
    between the two reports is that rival's late sales."""
    history = rows_frame(_month("2026-10-10", 12, "O"))
    decision = decide_locations(history, products, contract)
    november = rows_frame(_month("2026-11-10", 12, "N"))
    nov_file = build_monthly_product(november, products, decision, contract, month="2026-11")
    printed = _metrics(contract, products, "2026-11", november, [nov_file])
    published = {"2026-11": parse_figures(
        figures_bytes(contract.id, "2026-11", printed["brands"]), contract.id, "2026-11")}

    late = rows_frame(customers_buying("2026-11-28", "SP", "SAO PAULO", "REF-CLB-0350", 9,
                                       prefix="L")
                      + customers_buying("2026-11-28", "SP", "SAO PAULO", "REF-HNG-0350", 3,
                                         prefix="L"))
    december = rows_frame(_month("2026-12-10", 14, "D"))
    dec_file = build_monthly_product(december, products, decision, contract, month="2026-12")
    warehouse = pd.concat([november, late, december], ignore_index=True)
    after = _metrics(contract, products, "2026-12", warehouse, [nov_file, dec_file], published)

    before = printed["brands"]["Hungry"]
    assert before["segment_share"] is not None  # a share was published for November
    assert after["revenue_trend"]["Hungry"]["2026-11"] == before["revenue"]
    assert after["segment_share_trend"]["Hungry"]["2026-11"] == before["segment_share"]
    growth = after["growth_vs_previous_month"]["Hungry"]["revenue"]
    assert growth == pytest.approx(14 / 12 - 1, abs=1e-4)  # against the printed November
    # December's own figures are the released December file's totals.
    assert after["brands"]["Hungry"]["revenue"] == pytest.approx(
        float(dec_file.loc[dec_file["brand"] == "Hungry", "revenue"].sum()))


def test_a_past_month_without_a_released_report_shows_its_monthly_file_totals_only(
        contract: PartnerContract, products: pd.DataFrame) -> None:
    history = rows_frame(_month("2026-10-10", 12, "O"))
    decision = decide_locations(history, products, contract)
    november = rows_frame(_month("2026-11-10", 12, "N"))
    nov_file = build_monthly_product(november, products, decision, contract, month="2026-11")
    december = rows_frame(_month("2026-12-10", 14, "D"))
    dec_file = build_monthly_product(december, products, decision, contract, month="2026-12")
    late = rows_frame(customers_buying("2026-11-28", "SP", "SAO PAULO", "REF-HNG-0350", 30,
                                       prefix="L"))
    after = _metrics(contract, products, "2026-12",
                     pd.concat([november, late, december], ignore_index=True),
                     [nov_file, dec_file])
    assert after["revenue_trend"]["Hungry"]["2026-11"] == pytest.approx(
        float(nov_file.loc[nov_file["brand"] == "Hungry", "revenue"].sum()))  # not + late
    assert after["segment_share_trend"]["Hungry"]["2026-11"] is None  # never published
    assert "2026-10" not in after["revenue_trend"]["Hungry"]  # nothing released for October


def test_published_figures_of_another_month_are_refused(contract: PartnerContract) -> None:
    data = figures_bytes(contract.id, "2026-11", {"Hungry": {"revenue": 1.0}})
    assert figures_bytes(contract.id, "2026-11", {"Hungry": {"revenue": 1.0}}) == data
    with pytest.raises(DataQualityError, match="2026-10"):
        parse_figures(data, contract.id, "2026-10")


def test_a_product_name_with_personal_data_never_appears_in_the_cross_sell(
        contract: PartnerContract, products: pd.DataFrame) -> None:
    """A partner product's catalogue name typed with an e-mail and a phone, or with a
    customer's name: the pair is still counted, printed with the product's code."""
    rows = []
    for i in range(12):  # 12 customers buy both Hungry products in one order
        rows += [("2026-12-03", f"PED-X-{i}", f"CLI-X{i}", "SP", "SAO PAULO", code, 1, 9.0)
                 for code in ("REF-HNG-0350", "REF-HNG-0600")]
    month = rows_frame(rows)
    decision = decide_locations(month.iloc[0:0], products, contract)
    for typed, known in (("Hungry ligar joao.silva@example.com 11 98765 4321", ()),
                         ("Hungry entregar p/ Maria Aparecida Souza", ("Maria Aparecida Souza",))):
        catalogue = products.copy()
        catalogue.loc[catalogue["product_code"] == "REF-HNG-0600", "product_name"] = typed
        monthly = build_monthly_product(month, catalogue, decision, contract, month="2026-12")
        report = build_insights_report(contract, month="2026-12", transactions=month,
                                       products=catalogue, monthly_products=monthly,
                                       known_identifiers=known)
        (pair,) = report.metrics["top_product_pairs"]
        assert pair == {"products": ["Hungry Cola Lata 350ml", "REF-HNG-0600"], "orders": 12}
        assert typed not in report.html and typed not in report.narrative
        assert "Souza" not in report.html and "joao" not in report.html
