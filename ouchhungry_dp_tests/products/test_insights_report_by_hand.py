"""The insights report's text, charts and HTML from a hand-written figures dict.

Every expected string below is written by hand from the report's rules (Brazilian
number formats, which sentence appears when, what each chart shows); no matplotlib
PNG is compared: the charts are read back from the figure the report drew, before
it is encoded (``_png`` is replaced by a recorder, except in the one test of
``_png`` itself).
"""

from __future__ import annotations

import base64
import struct
from typing import Any

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.products import insights
from ouchhungry_dp.products.insights import (
    brl,
    build_charts,
    build_insights_report,
    build_narrative,
    integer,
    pct,
    report_from_metrics,
)

CONTRACT = get_contract("ouchhungry")


def _metrics(**changes: Any) -> dict[str, Any]:
    metrics: dict[str, Any] = {
        "partner": "OuchHungry",
        "month": "2026-11",
        "previous_month": "2026-10",
        "brands": {
            "Hungry": {"units": 1234, "revenue": 5678.9, "customers": 1500,
                       "segment": "refrigerantes", "segment_share": 0.1234, "price_index": 97.4},
            "Ouch": {"units": 12, "revenue": 100.0, "customers": 10, "segment": "salgados",
                     "segment_share": 0.5, "price_index": None},
            "Zero": {"units": 3, "revenue": 30.0, "customers": 10, "segment": "x",
                     "segment_share": None, "price_index": None},
        },
        "growth_vs_previous_month": {"Hungry": {"revenue": 0.05, "units": 0.1},
                                     "Ouch": {"revenue": None, "units": 0.2}},
        "repeat_purchase_rate": {"Hungry": 0.25, "Ouch": None},
        "top_cities": [
            {"state": "SP", "city": "SAO PAULO", "brand": "Hungry", "revenue": 2000.0,
             "units_sold": 300, "customers_reached": 120, "penetration": 0.1234},
            {"state": "RJ", "city": "NITEROI", "brand": "Ouch", "revenue": 50.5,
             "units_sold": 5, "customers_reached": 11, "penetration": None},
        ],
        "rising_cities": [
            {"state": "RJ", "city": "NITEROI", "brand": "Ouch", "revenue": 50.5, "growth": 0.5},
            {"state": "SP", "city": "SAO PAULO", "brand": "Hungry", "revenue": 2000.0,
             "growth": 0.1},
        ],
        "top_product_pairs": [{"products": ["Cola A", "Cola B"], "orders": 12},
                              {"products": ["Cola A", "Cola C"], "orders": 11}],
        "segment_share_trend": {"Hungry": {"2026-10": 0.11, "2026-11": 0.1234},
                                "Ouch": {"2026-11": 0.5}},
        "revenue_trend": {"Hungry": {"2026-10": 5000.0, "2026-11": 5678.9},
                          "Ouch": {"2026-11": 100.0}},
    }
    return {**metrics, **changes}


HUNGRY = ("Hungry vendeu 1.234 unidades, com receita de R$ 5.678,90 e 1.500 clientes "
          "alcançados (+5,0% de receita sobre o mês anterior). A marca teve 12,3% da receita "
          "do segmento refrigerantes, com preço médio no índice 97 (média do segmento = 100). "
          "25,0% dos clientes compraram a marca mais de uma vez no mês.")
OUCH = ("Ouch vendeu 12 unidades, com receita de R$ 100,00 e 10 clientes alcançados. "
        "A marca teve 50,0% da receita do segmento salgados.")
ZERO = "Zero vendeu 3 unidades, com receita de R$ 30,00 e 10 clientes alcançados."
LGPD = ("Cidades com poucos clientes aparecem agrupadas por estado, para proteger a "
        "privacidade dos consumidores (LGPD).")


@pytest.mark.parametrize(("value", "text"), [
    (1234.5, "R$ 1.234,50"), (0.5, "R$ 0,50"), (1234567.891, "R$ 1.234.567,89"), (7, "R$ 7,00"),
])
def test_brl(value: float, text: str) -> None:
    assert brl(value) == text


@pytest.mark.parametrize(("value", "text"), [(7204, "7.204"), (1234567, "1.234.567"), (12, "12")])
def test_integer(value: int, text: str) -> None:
    assert integer(value) == text


@pytest.mark.parametrize(("value", "signed", "text"), [
    (None, False, "n/d"), (None, True, "n/d"), (0.1234, False, "12,3%"), (0.05, False, "5,0%"),
    (0.1234, True, "+12,3%"), (-0.05, True, "-5,0%"), (0.0, True, "+0,0%"),
])
def test_pct(value: float | None, signed: bool, text: str) -> None:
    assert pct(value, signed=signed) == text
    if not signed:
        assert pct(value) == text


def test_the_narrative_sentence_by_sentence() -> None:
    assert build_narrative(_metrics()) == " ".join([
        "Resumo de 2026-11 para OuchHungry.", HUNGRY, OUCH, ZERO,
        "A cidade de maior receita foi SAO PAULO/SP (Hungry, R$ 2.000,00).",
        "O maior crescimento foi em NITEROI/RJ (Ouch, +50,0%).",
        "A combinação mais frequente no mesmo pedido foi Cola A + Cola B (12 pedidos).",
        LGPD,
    ])


def test_the_narrative_without_cities_or_pairs_keeps_only_the_brands() -> None:
    metrics = _metrics(top_cities=[], rising_cities=[], top_product_pairs=[])
    assert build_narrative(metrics) == " ".join(
        ["Resumo de 2026-11 para OuchHungry.", HUNGRY, OUCH, ZERO, LGPD])


def test_a_growth_of_zero_is_printed_and_a_missing_one_is_not() -> None:
    metrics = _metrics(growth_vs_previous_month={"Zero": {"revenue": 0.0, "units": None}},
                       top_cities=[], rising_cities=[], top_product_pairs=[])
    narrative = build_narrative(metrics)
    assert ("Zero vendeu 3 unidades, com receita de R$ 30,00 e 10 clientes alcançados "
            "(+0,0% de receita sobre o mês anterior).") in narrative
    assert narrative.count("sobre o mês anterior") == 1


class _Recorder:
    """Stands in for ``insights._png``: keeps each drawn figure, returns a tag for it."""

    def __init__(self) -> None:
        self.figures: dict[bytes, Figure] = {}

    def __call__(self, figure: Figure) -> bytes:
        tag = f"png-{len(self.figures)}".encode()
        self.figures[tag] = figure
        return tag


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> _Recorder:
    recorder = _Recorder()
    monkeypatch.setattr(insights, "_png", recorder)
    return recorder


def _lines(figure: Figure) -> dict[str, tuple[list[str], list[float]]]:
    (axis,) = figure.axes
    return {line.get_label(): (list(line.get_xdata()),
                               [float(v) for v in np.asarray(line.get_ydata(), dtype=float)])
            for line in axis.get_lines()}


def _grid_alpha(axis: Any, which: str) -> float | None:
    lines = (axis.xaxis if which == "x" else axis.yaxis).get_gridlines()
    return lines[0].get_alpha() if lines and lines[0].get_visible() else None


def test_the_line_charts_show_each_brands_months(drawn: _Recorder) -> None:
    with matplotlib.rc_context({"figure.figsize": (3.0, 9.0)}):
        charts = build_charts(_metrics(top_cities=[], brands={}))
    assert list(charts) == ["receita_por_mes", "participacao_no_segmento"]
    revenue = drawn.figures[charts["receita_por_mes"]]
    share = drawn.figures[charts["participacao_no_segmento"]]
    assert _lines(revenue) == {"Hungry": (["2026-10", "2026-11"], [5000.0, 5678.9]),
                               "Ouch": (["2026-11"], [100.0])}
    # Drawn at the text's precision: 12,3% (a share of 0.1234), never 12.34.
    assert _lines(share) == {"Hungry": (["2026-10", "2026-11"], [11.0, 12.3]),
                             "Ouch": (["2026-11"], [50.0])}
    for figure, title, ylabel in ((revenue, "Receita por mês", "R$"),
                                  (share, "Participação no segmento (receita)", "%")):
        (axis,) = figure.axes
        assert tuple(figure.get_size_inches()) == (6.4, 3.2)
        assert (axis.get_title(), axis.get_ylabel()) == (title, ylabel)
        assert {line.get_marker() for line in axis.get_lines()} == {"o"}
        assert [t.get_text() for t in axis.get_legend().get_texts()] == ["Hungry", "Ouch"]
        assert (_grid_alpha(axis, "x"), _grid_alpha(axis, "y")) == (0.3, 0.3)


def test_a_month_without_a_figure_is_a_gap_in_the_line(drawn: _Recorder) -> None:
    charts = build_charts(_metrics(top_cities=[], brands={}, segment_share_trend={
        "Hungry": {"2026-09": 0.2, "2026-10": None, "2026-11": 0.1}}))
    (_, values), = _lines(drawn.figures[charts["participacao_no_segmento"]]).values()
    assert values[0] == 20.0 and np.isnan(values[1]) and values[2] == 10.0


def test_the_cities_chart_lists_the_top_cities_top_down(drawn: _Recorder) -> None:
    # Sizes are the report's own, not the machine's default figure size.
    with matplotlib.rc_context({"figure.figsize": (3.0, 9.0)}):
        charts = build_charts(_metrics(brands={}))
    assert list(charts) == ["receita_por_mes", "participacao_no_segmento", "principais_cidades"]
    figure = drawn.figures[charts["principais_cidades"]]
    (axis,) = figure.axes
    # barh draws from the bottom up: the first city is the top bar, the last label drawn.
    assert [t.get_text() for t in axis.get_yticklabels()] == ["NITEROI/RJ (Ouch)",
                                                              "SAO PAULO/SP (Hungry)"]
    assert [float(bar.get_width()) for bar in axis.patches] == [50.5, 2000.0]
    assert {bar.get_facecolor() for bar in axis.patches} == {(192 / 255, 57 / 255, 43 / 255, 1.0)}
    assert (axis.get_title(), axis.get_xlabel()) == ("Principais cidades (receita)", "R$")
    assert axis.get_lines() == []  # no reference line
    assert (_grid_alpha(axis, "x"), _grid_alpha(axis, "y")) == (0.3, None)
    # Height: 0.35 in per bar plus 1 in, at least 2.4 in.
    assert tuple(figure.get_size_inches()) == (6.4, 2.4)


def test_the_price_index_chart_shows_the_priced_brands_against_100(drawn: _Recorder) -> None:
    brands = {name: {"price_index": index} for name, index in
              (("A", 97.4), ("B", None), ("C", 120.0), ("D", 0), ("E", 80.0), ("F", 101.0),
               ("G", 99.0))}
    charts = build_charts(_metrics(top_cities=[], brands=brands))
    assert list(charts) == ["receita_por_mes", "participacao_no_segmento", "indice_de_preco"]
    figure = drawn.figures[charts["indice_de_preco"]]
    (axis,) = figure.axes
    assert [t.get_text() for t in axis.get_yticklabels()] == ["G", "F", "E", "C", "A"]
    # Drawn at the text's precision: the index is printed whole ("índice 97").
    assert [float(bar.get_width()) for bar in axis.patches] == [99.0, 101.0, 80.0, 120.0, 97.0]
    (reference,) = axis.get_lines()
    assert list(reference.get_xdata()) == [100, 100]
    assert (reference.get_color(), reference.get_linestyle(), reference.get_linewidth()) == (
        "black", "--", 1.0)
    assert (axis.get_title(), axis.get_xlabel()) == ("Índice de preço vs. média do segmento",
                                                     "índice (segmento = 100)")
    assert tuple(figure.get_size_inches()) == (6.4, pytest.approx(0.35 * 5 + 1))


@pytest.mark.parametrize(("same", "other", "alike"), [
    # (share, price index, city revenue)
    ((0.293604, 97.4, 2000.004), (0.29364, 96.6, 1999.996), True),  # 29,4% 97 R$ 2.000,00
    ((0.29349, 97.49, 50.5), (0.29351, 97.5, 50.5), False),  # 29,3% 97 / 29,4% 98
], ids=["printed-alike", "printed-apart"])
def test_two_months_the_text_prints_alike_draw_the_same_charts(
        same: tuple[float, float, float], other: tuple[float, float, float],
        alike: bool) -> None:
    """A chart carries no more than the text: a share, an index or a revenue read back
    from a marker or a bar is the printed one (the partner-side attack of session 7
    read the national share to four decimals off the chart). Real PNG bytes."""
    def charts(share: float, index: float, revenue: float) -> dict[str, bytes]:
        city = {"state": "SP", "city": "SAO PAULO", "brand": "Hungry", "revenue": revenue}
        return build_charts(_metrics(
            brands={"Hungry": {"price_index": index}}, top_cities=[city],
            segment_share_trend={"Hungry": {"2026-10": 0.11, "2026-11": share}},
            revenue_trend={"Hungry": {"2026-10": 5000.0, "2026-11": revenue}}))

    printed = [(pct(a), f"{b:.0f}", brl(c)) for a, b, c in (same, other)]
    assert (printed[0] == printed[1]) is alike
    # Apart: the charts differ too (the comparison can tell two charts apart).
    assert (charts(*same) == charts(*other)) is alike


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def test_a_chart_is_a_png_of_100_dpi_without_the_software_stamp() -> None:
    figure = insights._new_figure(6.4, 3.2)
    axis = figure.subplots()
    axis.set_title("x")
    before = axis.get_position().bounds
    png = insights._png(figure)
    assert _png_size(png) == (640, 320)
    assert b"Software" not in png and b"atplotlib" not in png
    assert axis.get_position().bounds != before  # laid out tight before saving
    assert insights._png(figure) == png


def test_the_png_settings_do_not_depend_on_the_machines_matplotlib_settings() -> None:
    # A matplotlibrc (or another library) may change the defaults; the report's PNG does
    # not follow them.
    with matplotlib.rc_context({"savefig.dpi": 50, "savefig.format": "svg",
                                "figure.dpi": 72}):
        figure = insights._new_figure(6.4, 3.2)
        figure.subplots().plot([1, 2], [3, 4])
        assert _png_size(insights._png(figure)) == (640, 320)


def test_the_html_report_prints_every_figure(drawn: _Recorder) -> None:
    metrics = _metrics()
    report = report_from_metrics(CONTRACT, "2026-11", metrics)
    assert report.metrics is metrics
    assert report.narrative == build_narrative(metrics)
    assert list(report.charts) == ["receita_por_mes", "participacao_no_segmento",
                                   "principais_cidades", "indice_de_preco"]
    uris = {name: "data:image/png;base64," + base64.b64encode(png).decode("ascii")
            for name, png in report.charts.items()}
    html = report.html
    assert "<title>Insights OuchHungry — 2026-11</title>" in html
    assert f"<p>{report.narrative}</p>" in html
    assert ("<tr><td>Hungry</td><td>1.234</td>\n<td>R$ 5.678,90</td><td>1.500</td>"
            "<td>12,3%</td>\n<td>97.4</td>\n<td>25,0%</td></tr>") in html
    assert ("<tr><td>Ouch</td><td>12</td>\n<td>R$ 100,00</td><td>10</td><td>50,0%</td>\n"
            "<td>n/d</td>\n<td>n/d</td></tr>") in html
    assert ("<tr><td>Zero</td><td>3</td>\n<td>R$ 30,00</td><td>10</td><td>n/d</td>\n"
            "<td>n/d</td>\n<td>n/d</td></tr>") in html
    for name, title in (("receita_por_mes", "Receita por mês"),
                        ("participacao_no_segmento", "Participação no segmento"),
                        ("principais_cidades", "Principais cidades"),
                        ("indice_de_preco", "Índice de preço")):
        assert f'<h2>{title}</h2>\n<img alt="{name}" src="{uris[name]}">' in html
    assert ("<tr><td>SAO PAULO/SP</td><td>Hungry</td>\n<td>R$ 2.000,00</td><td>120</td>\n"
            "<td>12,3%</td></tr>") in html
    assert ("<tr><td>NITEROI/RJ</td><td>Ouch</td>\n<td>R$ 50,50</td><td>11</td>\n"
            "<td>n/d</td></tr>") in html
    assert "Penetração: clientes da marca na cidade" in html
    assert "Nenhuma cidade com" not in html
    assert "células com menos de 10 clientes são" in html
    assert report.markdown == "\n\n".join([
        "**Insights OuchHungry — 2026-11**", report.narrative,
        f"![receita_por_mes]({uris['receita_por_mes']})",
        f"![participacao_no_segmento]({uris['participacao_no_segmento']})",
        f"![principais_cidades]({uris['principais_cidades']})",
        f"![indice_de_preco]({uris['indice_de_preco']})",
    ])


def test_without_published_cities_the_html_says_so_and_drops_the_note(drawn: _Recorder) -> None:
    html = report_from_metrics(CONTRACT, "2026-11", _metrics(top_cities=[])).html
    assert "Nenhuma cidade com\nclientes suficientes para publicação neste mês" in html
    assert "Penetração: clientes da marca" not in html


def test_the_minimum_printed_is_the_contracts(drawn: _Recorder) -> None:
    privacy = CONTRACT.privacy.model_copy(update={"min_customers_per_cell": 25})
    contract = CONTRACT.model_copy(update={"privacy": privacy})
    assert "células com menos de 25 clientes são" in report_from_metrics(
        contract, "2026-11", _metrics()).html


def test_text_from_the_data_is_escaped_in_the_html(drawn: _Recorder) -> None:
    brands = {"<b>X&Y</b>": {"units": 1, "revenue": 1.0, "customers": 10, "segment": "s",
                             "segment_share": None, "price_index": None}}
    report = report_from_metrics(CONTRACT, "2026-11", _metrics(partner="A&B", brands=brands))
    assert "<b>X&Y</b>" not in report.html and "&lt;b&gt;X&amp;Y&lt;/b&gt;" in report.html
    assert "<title>Insights A&amp;B — 2026-11</title>" in report.html
    assert report.markdown.startswith("**Insights A&B — 2026-11**\n\n")


def test_the_report_is_built_from_the_metrics_of_exactly_its_inputs(
        monkeypatch: pytest.MonkeyPatch, drawn: _Recorder) -> None:
    inputs = {name: object() for name in ("transactions", "products", "monthly_products",
                                          "published", "known_identifiers")}
    seen: dict[str, Any] = {}

    def fake_metrics(contract: Any, **kwargs: Any) -> dict[str, Any]:
        seen.update(contract=contract, **kwargs)
        return _metrics()

    monkeypatch.setattr(insights, "compute_metrics", fake_metrics)
    report = build_insights_report(CONTRACT, month="2026-11", **inputs)  # type: ignore[arg-type]
    assert seen == {"contract": CONTRACT, "month": "2026-11", **inputs}
    assert report.narrative == build_narrative(_metrics())
    assert "<title>Insights OuchHungry — 2026-11</title>" in report.html
    assert report.markdown.startswith("**Insights OuchHungry — 2026-11**\n\n")


def test_a_report_of_production_size_figures_passes_the_line_scan(drawn: _Recorder) -> None:
    # A month at ~1M items a day and beyond: counts of 6-8 digits beside shares, revenue
    # past R$ 10 million. Printed raw, "123456" beside "12,3%" read as the CEP 12345612
    # (session 6 review); the report's own figures must never read as an identifier.
    from ouchhungry_dp.products.guardrails import scan_pii
    from ouchhungry_dp.release.report_text import report_lines

    big = {"units": 12_345_678, "revenue": 36_123_456.78, "customers": 123_456,
           "segment": "refrigerantes", "segment_share": 0.123, "price_index": 98.0}
    metrics = _metrics(brands={"Hungry": big, "Ouch": {**big, "segment": "salgados"}},
                       repeat_purchase_rate={"Hungry": 0.456, "Ouch": 0.5})
    metrics["top_cities"][0]["customers_reached"] = 1_234_567
    html = report_from_metrics(CONTRACT, "2026-11", metrics).html
    assert "<td>12.345.678</td>" in html and "<td>123.456</td>" in html
    assert scan_pii(report_lines(html), contract=CONTRACT).passed
    # ... while a phone in a product name of the same report is still found.
    pairs = [{"products": ["Cola ligar 11 98765-4321", "Cola B"], "orders": 12}]
    html = report_from_metrics(CONTRACT, "2026-11", {**metrics, "top_product_pairs": pairs}).html
    assert not scan_pii(report_lines(html), contract=CONTRACT).passed
