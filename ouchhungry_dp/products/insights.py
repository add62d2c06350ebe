"""The partner's monthly insights report: figures, charts (PNG), narrative (pt-BR), HTML.

The HTML is self-contained (charts as base64 data URIs): it opens from a file,
travels as an e-mail attachment and renders in Dagster's metadata. Charts use
matplotlib's Agg renderer. The narrative is for
the partner, so it is written in Brazilian Portuguese with Brazilian number
formats; every figure in it comes from ``metrics``. Charts are drawn with
``matplotlib.figure.Figure`` (Agg canvas, no pyplot global state), so two runs in
threads of one process cannot draw on each other's figure and no display is needed.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import jinja2
import pandas as pd

from ouchhungry_dp.products.insights_metrics import compute_metrics

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ouchhungry_dp.partners.contract import PartnerContract
    from ouchhungry_dp.products.insights_published import BrandFigures


@dataclass(frozen=True)
class InsightsReport:
    html: str
    charts: dict[str, bytes]
    metrics: dict[str, Any]
    narrative: str
    markdown: str = field(default="")


def brl(value: float) -> str:
    """``1234.5`` -> ``R$ 1.234,50``."""
    text = f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"R$ {text}"


def integer(value: int) -> str:
    """``7204`` -> ``7.204``."""
    return f"{value:,}".replace(",", ".")


def pct(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "n/d"
    text = f"{value * 100:+.1f}" if signed else f"{value * 100:.1f}"
    return text.replace(".", ",") + "%"


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    # Fixed metadata so that the same figures give the same bytes.
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return buffer.getvalue()


def _new_figure(width: float, height: float) -> Figure:
    # matplotlib costs ~0.7 s to import; imported here, not at module level, so every
    # step process and CLI call that loads the code location does not pay it.
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


# A chart shows each figure at the precision the text prints it (``pct``: one decimal
# of a percent; ``brl``: cents; the price index: a whole number). Drawn unrounded, a
# share read back from the marker's position against the gridlines gave four decimals
# where the text gives one (the partner-side attack of session 7).
PERCENT_DECIMALS, MONEY_DECIMALS, INDEX_DECIMALS = 1, 2, 0


def _line_chart(
    series: dict[str, dict[str, float | None]], title: str, ylabel: str, percent: bool = False
) -> bytes:
    figure = _new_figure(6.4, 3.2)
    axis = figure.subplots()
    for brand, points in series.items():
        months = list(points)
        values = [None if v is None else
                  (round(v * 100, PERCENT_DECIMALS) if percent else round(v, MONEY_DECIMALS))
                  for v in points.values()]
        axis.plot(months, values, marker="o", label=brand)
    axis.set_title(title)
    axis.set_ylabel(ylabel)
    axis.grid(alpha=0.3)
    axis.legend()
    return _png(figure)


def _bar_chart(
    labels: list[str], values: list[float], title: str, xlabel: str, reference: float | None = None
) -> bytes:
    figure = _new_figure(6.4, max(2.4, 0.35 * len(labels) + 1))
    axis = figure.subplots()
    axis.barh(labels[::-1], values[::-1], color="#c0392b")
    if reference is not None:
        axis.axvline(reference, color="black", linestyle="--", linewidth=1)
    axis.set_title(title)
    axis.set_xlabel(xlabel)
    axis.grid(axis="x", alpha=0.3)
    return _png(figure)


CHART_TITLES = {
    "receita_por_mes": "Receita por mês",
    "participacao_no_segmento": "Participação no segmento",
    "principais_cidades": "Principais cidades",
    "indice_de_preco": "Índice de preço",
}


def build_charts(metrics: dict[str, Any]) -> dict[str, bytes]:
    charts = {
        "receita_por_mes": _line_chart(metrics["revenue_trend"], "Receita por mês", "R$"),
        "participacao_no_segmento": _line_chart(
            metrics["segment_share_trend"], "Participação no segmento (receita)", "%", True
        ),
    }
    top = metrics["top_cities"]
    if top:
        charts["principais_cidades"] = _bar_chart(
            [f"{c['city']}/{c['state']} ({c['brand']})" for c in top],
            [round(c["revenue"], MONEY_DECIMALS) for c in top],
            "Principais cidades (receita)",
            "R$",
        )
    priced = {b: v["price_index"] for b, v in metrics["brands"].items() if v["price_index"]}
    if priced:
        charts["indice_de_preco"] = _bar_chart(
            list(priced),
            [round(value, INDEX_DECIMALS) for value in priced.values()],
            "Índice de preço vs. média do segmento",
            "índice (segmento = 100)",
            reference=100,
        )
    return charts


def build_narrative(metrics: dict[str, Any]) -> str:
    parts = [f"Resumo de {metrics['month']} para {metrics['partner']}."]
    for brand, figures in metrics["brands"].items():
        sentence = (
            f"{brand} vendeu {integer(figures['units'])} unidades, com receita de "
            f"{brl(figures['revenue'])} e {integer(figures['customers'])} clientes alcançados"
        )
        growth = metrics["growth_vs_previous_month"].get(brand)
        if growth and growth["revenue"] is not None:
            sentence += f" ({pct(growth['revenue'], signed=True)} de receita sobre o mês anterior)"
        sentence += "."
        if figures["segment_share"] is not None:
            sentence += (
                f" A marca teve {pct(figures['segment_share'])} da receita do segmento "
                f"{figures['segment']}"
            )
            if figures["price_index"] is not None:
                sentence += (
                    f", com preço médio no índice {figures['price_index']:.0f} "
                    "(média do segmento = 100)"
                )
            sentence += "."
        repeat = metrics["repeat_purchase_rate"].get(brand)
        if repeat is not None:
            sentence += f" {pct(repeat)} dos clientes compraram a marca mais de uma vez no mês."
        parts.append(sentence)
    if metrics["top_cities"]:
        best = metrics["top_cities"][0]
        parts.append(
            f"A cidade de maior receita foi {best['city']}/{best['state']} "
            f"({best['brand']}, {brl(best['revenue'])})."
        )
    if metrics["rising_cities"]:
        rising = metrics["rising_cities"][0]
        parts.append(
            f"O maior crescimento foi em {rising['city']}/{rising['state']} "
            f"({rising['brand']}, {pct(rising['growth'], signed=True)})."
        )
    if metrics["top_product_pairs"]:
        pair = metrics["top_product_pairs"][0]
        parts.append(
            f"A combinação mais frequente no mesmo pedido foi {pair['products'][0]} "
            f"+ {pair['products'][1]} ({pair['orders']} pedidos)."
        )
    parts.append(
        "Cidades com poucos clientes aparecem agrupadas por estado, para proteger a "
        "privacidade dos consumidores (LGPD)."
    )
    return " ".join(parts)


_TEMPLATE = jinja2.Environment(autoescape=True).from_string("""<!DOCTYPE html>
<html lang="pt-BR"><head><meta charset="utf-8">
<title>Insights {{ m.partner }} — {{ m.month }}</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}
th:first-child,td:first-child{text-align:left}img{max-width:100%}</style></head>
<body><h1>Insights {{ m.partner }} — {{ m.month }}</h1>
<p>{{ narrative }}</p>
<h2>Marcas</h2><table><tr><th>Marca</th><th>Unidades</th><th>Receita</th><th>Clientes</th>
<th>Participação no segmento</th><th>Índice de preço</th><th>Recompra</th></tr>
{% for brand, b in m.brands.items() %}<tr><td>{{ brand }}</td><td>{{ integer(b.units) }}</td>
<td>{{ brl(b.revenue) }}</td><td>{{ integer(b.customers) }}</td><td>{{ pct(b.segment_share) }}</td>
<td>{{ b.price_index if b.price_index is not none else "n/d" }}</td>
<td>{{ pct(m.repeat_purchase_rate.get(brand)) }}</td></tr>{% endfor %}</table>
{% for name, uri in charts.items() %}<h2>{{ titles.get(name, name) }}</h2>
<img alt="{{ name }}" src="{{ uri }}">{% endfor %}
<h2>Cidades em detalhe</h2><table><tr><th>Cidade</th><th>Marca</th><th>Receita</th>
<th>Clientes</th><th>Penetração</th></tr>
{% for c in m.top_cities %}<tr><td>{{ c.city }}/{{ c.state }}</td><td>{{ c.brand }}</td>
<td>{{ brl(c.revenue) }}</td><td>{{ integer(c.customers_reached) }}</td>
<td>{{ pct(c.penetration) }}</td></tr>{% else %}<tr><td colspan="5">Nenhuma cidade com
clientes suficientes para publicação neste mês: as vendas aparecem agrupadas por estado.
</td></tr>{% endfor %}</table>
{% if m.top_cities %}<p><small>Penetração: clientes da marca na cidade sobre todos os clientes
do marketplace na cidade. "n/d": na cidade compram poucas empresas concorrentes, ou poucas
delas concentram os clientes; o total da cidade não é publicado, para proteger os dados
das empresas concorrentes.</small></p>{% endif %}
<p><small>Dados agregados e pseudonimizados; células com menos de {{ minimum }} clientes são
agrupadas. Gerado pela plataforma de dados do marketplace.</small></p></body></html>
""")


def build_insights_report(
    contract: PartnerContract,
    *,
    month: str,
    transactions: pd.DataFrame,
    products: pd.DataFrame,
    monthly_products: pd.DataFrame,
    published: Mapping[str, BrandFigures] | None = None,
    known_identifiers: Iterable[str] = (),
) -> InsightsReport:
    """The ``<partner>_insights_monthly`` report for ``month`` (``'YYYY-MM'``).

    ``transactions``: cleaned transactions (all brands) of ``month`` (other months
    are ignored). ``monthly_products``: the released monthly files of ``month`` and
    of the past months to chart (concatenated; ``month`` column), the only source
    of city figures and of the month's brand totals, so a city the files do not
    publish never shows up here. ``published``: what the released reports of past
    months printed about their month (``insights_published``): past months are
    printed from it, never recomputed. ``products``: cleaned products.
    ``known_identifiers``: the month's customer names, e-mails and ids.
    """
    metrics = compute_metrics(
        contract,
        month=month,
        transactions=transactions,
        products=products,
        monthly_products=monthly_products,
        published=published,
        known_identifiers=known_identifiers,
    )
    return report_from_metrics(contract, month, metrics)


def report_from_metrics(contract: PartnerContract, month: str,
                        metrics: dict[str, Any]) -> InsightsReport:
    """The report (HTML, charts, narrative) of figures already computed, from the rows
    (``compute_metrics``) or from warehouse sums (``engine.insights``)."""
    charts = build_charts(metrics)
    narrative = build_narrative(metrics)
    uris = {
        name: "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        for name, png in charts.items()
    }
    html = _TEMPLATE.render(
        m=metrics,
        charts=uris,
        titles=CHART_TITLES,
        narrative=narrative,
        brl=brl,
        pct=pct,
        # Counts as the narrative writes them (1.234.567): the report's line scan drops
        # figures of that shape only (release/report_text.py), a raw 123456 beside a
        # share read as a CEP at production volume.
        integer=integer,
        minimum=contract.privacy.min_customers_per_cell,
    )
    markdown = "\n\n".join(
        [
            f"**Insights {metrics['partner']} — {month}**",
            narrative,
            *(f"![{name}]({uri})" for name, uri in uris.items()),
        ]
    )
    return InsightsReport(
        html=html, charts=charts, metrics=metrics, narrative=narrative, markdown=markdown
    )
