"""The two cost slides, from a real run of the cost assets: KPIs of the day and the top
savings. Every figure's footer names that run (id, partition, time)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pptx.presentation import Presentation as PresentationType

from ouchhungry_dp.deck.charts import cost_trend_chart
from ouchhungry_dp.deck.cost_run import CostRun
from ouchhungry_dp.deck.slide_layout import add_slide, bullets, footer, picture, table
from ouchhungry_dp.deck.texts import Texts

TOP = 5


def headline(kpis: pd.DataFrame, kpi: str) -> float:
    found = kpis.loc[(kpis["kpi"] == kpi) & (kpis["dimension"] == "all"), "value"]
    return float(found.iloc[0]) if len(found) else float("nan")


def top_by(kpis: pd.DataFrame, kpi: str, name: str, t: Texts, n: int = 4) -> pd.DataFrame:
    rows = kpis[kpis["kpi"] == kpi].sort_values("value", ascending=False).head(n)
    # Metabase cards are known by their query hash; say what they are.
    names = rows["dimension"].astype(str).str.replace(r"^card:(\w{8})\w*$", r"Metabase \1",
                                                      regex=True)
    return pd.DataFrame({name: names, "US$": [t.number(v) for v in rows["value"]]})


def top_savings(recommendations: pd.DataFrame, n: int = TOP) -> pd.DataFrame:
    return (recommendations.sort_values("monthly_saving_usd", ascending=False).head(n)
            .loc[:, ["kind", "target", "monthly_saving_usd", "action"]])


def add_cost_slides(deck: PresentationType, run: CostRun, t: Texts, images: Path) -> None:
    kpis, run_label = run.kpis, run.label(t.lang)
    slide = add_slide(deck, t("cost_kpi_title", day=run.partition))
    chart = cost_trend_chart(run.billing_trend, run.partition, t, images / "cost_trend.png")
    picture(slide, chart, 0.3, 1.2, 6.9, 3.8)
    a = run.anomaly
    anomaly = t("anomaly_passed" if a["passed"] else "anomaly_failed",
                day_cost=a["day_cost_usd"], threshold=a["threshold_usd"], sigma=a["sigma"],
                excess=a["excess_usd"])
    bullets(slide, [
        t("kpi_net", value=headline(kpis, "net_cost")),
        t("kpi_tib", value=headline(kpis, "cost_per_tib_scanned")),
        t("kpi_cache", value=headline(kpis, "cache_hit_rate"),
          scan=headline(kpis, "unfiltered_scan_share")),
        t("kpi_coverage", value=headline(kpis, "allocation_coverage")),
        anomaly,
    ], 0.4, 5.0, 6.8, 2.0, size=12)
    table(slide, top_by(kpis, "cost_per_asset_run", t("per_asset"), t), 7.4, 1.3, 5.5,
          size=11, widths=[4.1, 1.4])
    table(slide, top_by(kpis, "cost_per_dashboard", t("per_dashboard"), t), 7.4, 3.3, 5.5,
          size=11, widths=[4.1, 1.4])
    footer(slide, f"{t('figures')}: {run_label}")

    recs = run.recommendations
    total = float(recs["monthly_saving_usd"].sum())
    slide = add_slide(deck, t("savings_title", total=total))
    top = top_savings(recs)
    said = [t.recommendation(k, a) for k, a in zip(top["kind"], top["action"], strict=True)]
    view = pd.DataFrame({"kind": [k for k, _ in said], "target": top["target"].astype(str),
                         "saving": [t.number(v) for v in top["monthly_saving_usd"]],
                         "action": [a for _, a in said]})
    view.columns = t("savings_cols").split("|")
    table(slide, view, 0.4, 1.3, 12.5, size=11, widths=[2.2, 2.6, 1.6, 6.1])
    footer(slide, f"{t('figures')}: {run_label}")
