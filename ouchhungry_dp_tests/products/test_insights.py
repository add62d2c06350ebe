from __future__ import annotations

import base64
import re

import pandas as pd
import pytest

from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.cells import decide_locations
from ouchhungry_dp.products.guardrails import scan_pii
from ouchhungry_dp.products.insights import InsightsReport, brl, build_insights_report
from ouchhungry_dp.products.insights_metrics import compute_metrics
from ouchhungry_dp.products.monthly import build_monthly_product

from .conftest import HISTORY_MONTH, SIMULATED_MONTH, customers_buying, rows_frame

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def report_inputs(simulated: dict, contract: PartnerContract) -> dict:
    products, history = simulated["products"], simulated["history"]
    december = pd.concat(simulated["days"], ignore_index=True)
    # November's own decision stands in for October's (not simulated here).
    november_monthly = build_monthly_product(
        history, products, decide_locations(history, products, contract), contract,
        month=HISTORY_MONTH,
    )  # fmt: skip
    december_monthly = build_monthly_product(
        december, products, decide_locations(history, products, contract), contract,
        month=SIMULATED_MONTH,
    )  # fmt: skip
    return {
        "products": products,
        "transactions": pd.concat([history, december], ignore_index=True),
        "monthly": pd.concat([november_monthly, december_monthly], ignore_index=True),
        "december_monthly": december_monthly,
    }


@pytest.fixture(scope="module")
def report(report_inputs: dict, contract: PartnerContract) -> InsightsReport:
    return build_insights_report(
        contract,
        month=SIMULATED_MONTH,
        transactions=report_inputs["transactions"],
        products=report_inputs["products"],
        monthly_products=report_inputs["monthly"],
    )


def test_html_is_self_contained_and_shows_every_chart(report: InsightsReport) -> None:
    assert set(report.charts) >= {
        "receita_por_mes",
        "participacao_no_segmento",
        "principais_cidades",
    }
    sources = re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,([^"]+)"', report.html)
    assert {name for name, _ in sources} == set(report.charts)
    for name, encoded in sources:
        assert base64.b64decode(encoded) == report.charts[name]
        assert report.charts[name].startswith(PNG_MAGIC)
    assert not re.search(r'(src|href)="(https?:)?//', report.html)  # nothing fetched from outside
    assert report.html.startswith("<!DOCTYPE html>") and 'lang="pt-BR"' in report.html


def test_figures_agree_with_the_monthly_file(
    report: InsightsReport, report_inputs: dict, contract: PartnerContract
) -> None:
    monthly = report_inputs["december_monthly"]
    for brand, figures in report.metrics["brands"].items():
        published = monthly.loc[monthly["brand"] == brand]
        assert figures["revenue"] == pytest.approx(float(published["revenue"].sum()), abs=0.005)
        assert figures["units"] == int(published["units_sold"].sum())
        trend = report.metrics["revenue_trend"][brand]
        growth = report.metrics["growth_vs_previous_month"][brand]["revenue"]
        assert growth == pytest.approx(trend[SIMULATED_MONTH] / trend[HISTORY_MONTH] - 1, abs=1e-4)
        assert brl(figures["revenue"]) in report.narrative


def test_city_figures_come_only_from_published_city_cells(
    report: InsightsReport, report_inputs: dict, contract: PartnerContract
) -> None:
    monthly = report_inputs["december_monthly"]
    published = set(
        monthly.loc[monthly["location_level"] == "city", ["state", "city", "brand"]].itertuples(
            index=False, name=None
        )
    )
    top = report.metrics["top_cities"]
    assert top
    assert {(c["state"], c["city"], c["brand"]) for c in top} <= published
    assert all(c["customers_reached"] >= contract.privacy.min_customers_per_cell for c in top)
    # Printed, or withheld ("n/d") where its denominator's competitors fail the rules
    # (test_insights_penetration.py).
    assert all(c["penetration"] is None or 0 < c["penetration"] <= 1 for c in top)
    assert [c["revenue"] for c in top] == sorted((c["revenue"] for c in top), reverse=True)


def test_narrative_is_portuguese_and_free_of_personal_data(report: InsightsReport) -> None:
    assert report.narrative.startswith(f"Resumo de {SIMULATED_MONTH} para OuchHungry.")
    assert "R$" in report.narrative and "LGPD" in report.narrative
    assert scan_pii(pd.DataFrame({"narrative": [report.narrative]})).passed
    pairs = report.metrics["top_product_pairs"]
    assert all(p["orders"] > 0 and p["products"][0] < p["products"][1] for p in pairs)


def test_insights_select_the_partner_by_company_not_by_brand_name(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    """Another company selling under the name "Ouch": its buyers (all repeat buyers here)
    must not enter the partner's repeat-purchase figure."""
    impostor = pd.DataFrame([{**products.iloc[0].to_dict(), "product_code": "SAL-IMP-0100",
                              "product_name": "Ouch Impostor", "brand": "Ouch",
                              "manufacturer": "Outra Empresa", "segment": "salgados"}])
    catalogue = pd.concat([products, impostor.astype(products.dtypes.to_dict())],
                          ignore_index=True)
    own = customers_buying("2026-12-02", "SP", "SAO PAULO", "SAL-OCH-0100", 12)
    repeat = [(f"2026-12-{d:02d}", f"PED-IMP-{d}-{i}", f"CLI-IMP-{i}", "SP", "SAO PAULO",
               "SAL-IMP-0100", 1, 9.0) for i in range(12) for d in (3, 4)]
    month = rows_frame(own + repeat)
    monthly = build_monthly_product(month, catalogue, decide_locations(month.iloc[0:0], catalogue,
                                    contract), contract, month="2026-12")
    metrics = compute_metrics(contract, month="2026-12", transactions=month,
                              products=catalogue, monthly_products=monthly)
    assert metrics["repeat_purchase_rate"]["Ouch"] == 0.0  # the partner's 12 bought once
    assert metrics["brands"]["Ouch"]["customers"] == 12


def test_national_share_withheld_when_it_minus_the_cells_isolates_one_company(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    """Hungry sells only in SAO PAULO (three rival companies there: a cell share is
    published); in RJ one other company sells alone. The national share minus the
    SAO PAULO share would give that company's RJ sales: the national share is withheld."""
    history = rows_frame(
        customers_buying("2026-11-03", "SP", "SAO PAULO", "REF-HNG-0350", 12)
        + customers_buying("2026-11-03", "SP", "SANTOS", "REF-HNG-0350", 10)
        + customers_buying("2026-11-03", "AC", "RIO BRANCO", "REF-HNG-0350", 10))
    sao_paulo = (customers_buying("2026-12-02", "SP", "SAO PAULO", "REF-HNG-0350", 20)
                 + customers_buying("2026-12-02", "SP", "SAO PAULO", "REF-CLB-0350", 5)
                 + customers_buying("2026-12-02", "SP", "SAO PAULO", "REF-GSU-0350", 5)
                 + customers_buying("2026-12-02", "SP", "SAO PAULO", "REF-TNO-0350", 5))

    def national_share(extra: list) -> object:
        month = rows_frame(sao_paulo + extra)
        monthly = build_monthly_product(month, products, decide_locations(
            history, products, contract), contract, month="2026-12")
        assert monthly.loc[monthly["city"] == "SAO PAULO", "segment_share_level"].tolist() == [
            "cell"]
        metrics = compute_metrics(contract, month="2026-12", transactions=month,
                                  products=products, monthly_products=monthly)
        return metrics["brands"]["Hungry"]["segment_share"]

    alone_in_rj = customers_buying("2026-12-02", "RJ", "NITEROI", "REF-FZZ-2000", 3)
    assert national_share(alone_in_rj) is None
    shared_rj = alone_in_rj + customers_buying("2026-12-02", "RJ", "NITEROI", "REF-CLB-0350", 3) \
        + customers_buying("2026-12-02", "RJ", "NITEROI", "REF-GSU-0350", 3)
    assert national_share(shared_rj) is not None
