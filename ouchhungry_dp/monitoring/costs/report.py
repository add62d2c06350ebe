"""HTML cost & health report with embedded charts (matplotlib + jinja2)."""

from __future__ import annotations

import base64
import io
from datetime import date

import jinja2
import matplotlib

matplotlib.use("Agg")  # headless: runs in workers with no display
import matplotlib.pyplot as plt
import pandas as pd

_TEMPLATE = jinja2.Template(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Platform cost & health report {{ day }}</title>
<style>body{font-family:sans-serif;max-width:1100px;margin:auto}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
th{background:#eee}td:first-child{text-align:left}</style></head><body>
<h1>Platform cost &amp; health report — {{ day }}</h1>
<p>Net cost of the day: <b>{{ "%.2f"|format(net_cost) }} USD</b>.
Estimated monthly saving of the open recommendations: <b>{{ "%.2f"|format(saving) }} USD</b>.
Prices are list prices from configuration (monitoring/costs/prices.yaml); the invoice is the
billing export.</p>
<h2>KPIs: month to date vs the same days of last month</h2>{{ kpi_table }}
<h2>Net cost per service</h2><img alt="cost per service" src="data:image/png;base64,{{ trend }}">
<h2>Top consumers (last {{ window_days }} days)</h2>
<img alt="top consumers" src="data:image/png;base64,{{ top }}">
<h2>Recommendations</h2>{{ recs_table }}
</body></html>""",
    autoescape=False,  # tables come from DataFrame.to_html, which escapes cell values
)


def _png(fig: plt.Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def trend_chart(billing: pd.DataFrame) -> str:
    pivot = billing.pivot_table(
        index="usage_date", columns="service", values="net_cost", aggfunc="sum", fill_value=0
    )
    fig, ax = plt.subplots(figsize=(10, 4))
    if not pivot.empty:
        pivot.plot.area(ax=ax, linewidth=0)
    ax.set_ylabel("USD / day")
    return _png(fig)


def top_consumers_chart(jobs: pd.DataFrame, n: int = 10) -> str:
    top = (
        jobs.groupby(["attribution_type", "consumer"])["estimated_cost_usd"].sum().nlargest(n)
    )
    fig, ax = plt.subplots(figsize=(10, 4))
    if not top.empty:
        labels = [f"{t}: {c}" for t, c in top.index]
        ax.barh(labels[::-1], top.to_numpy()[::-1])
    ax.set_xlabel("estimated USD")
    return _png(fig)


def kpis_vs_last_month(billing: pd.DataFrame, jobs: pd.DataFrame, day: date) -> pd.DataFrame:
    """Ratios over this month to ``day`` vs the same day-range of the previous month."""
    ts = pd.Timestamp(day)
    this = (ts.replace(day=1), ts)
    prev_start = this[0] - pd.offsets.MonthBegin(1)
    prev = (prev_start, prev_start + (ts - this[0]))

    def window(frame: pd.DataFrame, col: str, bounds: tuple) -> pd.DataFrame:
        return frame[frame[col].between(*bounds)]

    rows = {}
    for name, bounds in (("this month", this), ("last month", prev)):
        b = window(billing, "usage_date", bounds)
        j = window(jobs, "usage_date", bounds)
        tib = j["tib_billed"].sum()
        rows[name] = {
            "net cost USD": b["net_cost"].sum(),
            "BigQuery estimate USD": j["estimated_cost_usd"].sum(),
            "cost per TiB USD": j["estimated_cost_usd"].sum() / tib if tib else float("nan"),
            "cache-hit rate": j["cache_hit"].mean() if len(j) else float("nan"),
            "allocation coverage": (
                j.loc[j["attribution_type"] != "unattributed", "estimated_cost_usd"].sum()
                / j["estimated_cost_usd"].sum()
                if j["estimated_cost_usd"].sum() else float("nan")
            ),
        }
    return pd.DataFrame(rows).round(3)


def render_report(
    day: date,
    billing_window: pd.DataFrame,
    jobs_window: pd.DataFrame,
    recommendations: pd.DataFrame,
    window_days: int,
) -> str:
    today = billing_window[billing_window["usage_date"] == pd.Timestamp(day)]
    recs = recommendations.loc[:, ["kind", "target", "monthly_saving_usd", "action"]]
    return _TEMPLATE.render(
        day=day.isoformat(),
        net_cost=float(today["net_cost"].sum()),
        saving=float(recommendations["monthly_saving_usd"].sum()),
        kpi_table=kpis_vs_last_month(billing_window, jobs_window, day).to_html(),
        trend=trend_chart(billing_window),
        top=top_consumers_chart(jobs_window),
        recs_table=recs.to_html(index=False),
        window_days=window_days,
    )
