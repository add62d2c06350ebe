"""Assemble the PPTX (python-pptx): diagrams from docs/architecture.md, tables and charts
from the platform's figures, the cost slides from a real run of the cost assets. Every
slide has a title and real content; its footer names where its figures came from.
Brazilian Portuguese by default (the team it is for), English on request.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from pptx import Presentation
from pptx.util import Inches

from ouchhungry_dp.deck.charts import refresh_health_chart, slot_chart
from ouchhungry_dp.deck.cost_run import CostRun
from ouchhungry_dp.deck.cost_slides import add_cost_slides, top_savings
from ouchhungry_dp.deck.diagrams import render_flowchart
from ouchhungry_dp.deck.figures import DeckFigures
from ouchhungry_dp.deck.mermaid import markdown_table, mermaid_blocks, parse_flowchart
from ouchhungry_dp.deck.slide_layout import (
    HEIGHT,
    WIDTH,
    add_slide,
    bullets,
    footer,
    picture,
    table,
)
from ouchhungry_dp.deck.texts import Texts
from ouchhungry_dp.monitoring.powerbi.classification import PERMANENT_CAUSES, TRANSIENT_CAUSES
from ouchhungry_dp.partners.contract import load_contracts

SCENARIOS_HEADING = "Orchestration and alerting per failure scenario"
HEALTH_COLUMNS = ["dataset", "capacity", "last_status", "success_rate", "mttr_minutes",
                  "transient_failures", "permanent_failures", "staleness_hours"]


def _cron_time(cron: str) -> str:
    """'0 6 * * *' -> '06:00' for the audience; any other cron is shown as written."""
    minute, hour, *rest = cron.split()
    if minute.isdigit() and hour.isdigit() and rest == ["*", "*", "*"]:
        return f"{int(hour):02d}:{int(minute):02d}"
    return f"'{cron}'"


def _cell(t: Texts, value: object, decimals: int, percent: bool = False) -> str:
    if value is None or pd.isna(value):
        return "-"
    return t.number(float(value) * 100, decimals) + "%" if percent else t.number(
        float(value), decimals)


def build_deck(figures: DeckFigures, cost_run: CostRun, docs: Path, out: Path,
               lang: str = "pt") -> Path:
    t = Texts(lang)
    sla = load_contracts()[0].sla
    markdown = docs.read_text(encoding="utf-8")
    flowcharts = [parse_flowchart(b) for b in mermaid_blocks(markdown) if "flowchart" in b[:20]]
    scenarios = pd.DataFrame(markdown_table(markdown, SCENARIOS_HEADING))
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    source_line = "; ".join(f"{t('label_' + k)}: {v}" for k, v in figures.sources.items())
    recs = top_savings(cost_run.recommendations, n=1)
    health = figures.health
    reservation, queue, auto = figures.reservation, figures.concurrency, figures.auto_refresh
    with tempfile.TemporaryDirectory() as tmp:
        images = Path(tmp)
        arch = render_flowchart(flowcharts[0], images / "architecture.png")
        monitoring = render_flowchart(flowcharts[1], images / "monitoring.png")
        health_png = refresh_health_chart(health, t, images / "health.png")
        slots_png = slot_chart(figures.slot_profile, reservation, t, images / "slots.png")

        title = deck.slides.add_slide(deck.slide_layouts[0])
        title.shapes.title.text = t("title")
        for shape, top, height in (
            (title.shapes.title, 2.0, 1.6),
            (title.placeholders[1], 3.8, 1.6),
        ):
            shape.left, shape.top = Inches(1.0), Inches(top)
            shape.width, shape.height = Inches(11.3), Inches(height)
        title.placeholders[1].text = t("subtitle", built=f"{datetime.now(UTC):%Y-%m-%d %H:%M}")

        slide = add_slide(deck, t("arch_title"))
        picture(slide, arch, 0.4, 1.3, 12.5, 4.1)
        bullets(
            slide,
            [t("arch_1", daily_at=_cron_time(sla.daily_cron), timezone=sla.timezone),
             t("arch_2"),
             t("arch_3")],
            0.6,
            5.4,
            12.0,
            1.5,
            size=14,
        )
        footer(slide, t("diagram_footer"))

        slide = add_slide(deck, t("pipeline_title"))
        picture(slide, monitoring, 0.4, 1.3, 12.5, 5.6)
        footer(slide, t("diagram_footer"))

        slide = add_slide(deck, t("monitoring_title"))
        bullets(
            slide,
            [
                t("mon_powerbi", n=len(health), success=health["success_rate"].mean(),
                  mttr=health["mttr_minutes"].mean(), stale=int(health["stale"].sum())),
                t("mon_auto", triggered=auto.triggered, retried=auto.retried,
                  alerts=len(auto.alerts)),
                t("mon_bq", saving=reservation.monthly_saving_usd),
                t("mon_dagster", runs=queue.max_concurrent_runs, wait=queue.p95_wait_minutes),
                t("mon_products"),
            ],
            0.6,
            1.4,
            12.0,
            5.2,
            size=18,
        )
        footer(slide, f"{t('figures')}: {source_line}")

        slide = add_slide(deck, t("health_title"))
        view = health[HEALTH_COLUMNS].copy()
        view["success_rate"] = [_cell(t, v, 0, percent=True) for v in view["success_rate"]]
        for column in ("mttr_minutes", "staleness_hours"):
            view[column] = [_cell(t, v, 1) for v in view[column]]
        view.columns = t("health_cols").split("|")
        table(slide, view, 0.5, 1.3, 12.3, size=11)
        picture(slide, health_png, 1.5, 3.1, 10.0, 3.8)
        footer(slide, f"{t('figures')}: {figures.sources['health']}")

        slide = add_slide(deck, t("auto_title"))
        bullets(
            slide,
            [
                t("auto_1"), t("auto_2"),
                t("auto_3", peaks=", ".join(f"{k} {v}" for k, v in auto.budget_used.items())),
                t("auto_4", causes=", ".join(c for c, _p, _h in TRANSIENT_CAUSES)),
                t("auto_5", causes=", ".join(c for c, _p, _h in PERMANENT_CAUSES)),
            ],
            0.6,
            1.4,
            12.0,
            5.3,
            size=17,
        )
        footer(slide, f"{t('figures')}: {figures.sources['morning']}")

        add_cost_slides(deck, cost_run, t, images)

        slide = add_slide(deck, t("cost_plan_title"))
        lines = [
            t("plan_res", baseline=reservation.baseline_slots,
              autoscale=reservation.autoscale_max_slots, p50=reservation.p50_slots,
              p99=reservation.p99_slots),
            t("plan_cost", expected=reservation.expected_monthly_cost_usd,
              alt=reservation.all_autoscale_monthly_cost_usd,
              saving=reservation.monthly_saving_usd),
            t("plan_refresh"),
        ]
        if len(recs):
            lines.append(t("plan_savings",
                           total=float(cost_run.recommendations["monthly_saving_usd"].sum()),
                           kind=recs["kind"].iloc[0],
                           top=float(recs["monthly_saving_usd"].iloc[0])))
        bullets(slide, lines, 0.5, 1.4, 5.6, 5.4, size=14)
        picture(slide, slots_png, 6.2, 1.5, 6.8, 4.8)
        footer(slide, f"{t('slot_source')}: {figures.sources['slots']}; "
               f"{cost_run.label(t.lang)}")

        slide = add_slide(deck, t("scaling_title"))
        bullets(
            slide,
            [
                t("scale_1", runs=queue.runs_observed, limit=queue.max_concurrent_runs,
                  wait=queue.p95_wait_minutes, nodes=queue.peak_nodes),
                t("scale_2", cost=queue.expected_monthly_worker_cost_usd,
                  hours=queue.run_hours_per_month),
                t("scale_3"), t("scale_4"), t("scale_5"),
            ],
            0.6,
            1.4,
            12.0,
            5.3,
            size=17,
        )
        footer(slide, f"{t('run_queue')}: {figures.sources['queue']}")

        slide = add_slide(deck, t("scenarios_title"))
        table(slide, scenarios, 0.3, 1.2, 12.7, size=9)
        footer(slide, t("scenarios_footer"))
    out.parent.mkdir(parents=True, exist_ok=True)
    deck.save(str(out))
    return out
