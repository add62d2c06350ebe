"""Assemble the PPTX (python-pptx): diagrams from docs/architecture.md, tables and charts
from the latest figures. Every slide has a title and real content; the footer of each
slide names where its figures came from."""

from __future__ import annotations

import math
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from pptx import Presentation
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from ouchhungry_dp.deck.charts import refresh_health_chart, slot_chart
from ouchhungry_dp.deck.diagrams import render_flowchart
from ouchhungry_dp.deck.figures import DeckFigures
from ouchhungry_dp.deck.mermaid import markdown_table, mermaid_blocks, parse_flowchart
from ouchhungry_dp.monitoring.powerbi.classification import PERMANENT_CAUSES, TRANSIENT_CAUSES

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
TITLE_ONLY = 5
SCENARIOS_HEADING = "Orchestration and alerting per failure scenario"


def _slide(deck: PresentationType, title: str) -> Slide:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    heading = slide.shapes.title
    # The default layouts are drawn for 4:3; place the title for the 16:9 slide.
    heading.left, heading.top = Inches(0.4), Inches(0.25)
    heading.width, heading.height = Inches(12.5), Inches(0.9)
    heading.text = title
    heading.text_frame.paragraphs[0].font.size = Pt(28)
    return slide


def _bullets(
    slide: Slide,
    lines: list[str],
    left: float,
    top: float,
    width: float,
    height: float,
    size: int = 14,
) -> None:
    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = f"• {line}"
        paragraph.font.size = Pt(size)
        paragraph.space_after = Pt(4)


def _footer(slide: Slide, text: str) -> None:
    box = slide.shapes.add_textbox(Inches(0.5), Inches(7.0), Inches(12.3), Inches(0.4))
    box.text_frame.word_wrap = True
    box.text_frame.text = text
    box.text_frame.paragraphs[0].font.size = Pt(9)
    box.text_frame.paragraphs[0].font.italic = True


def _table(
    slide: Slide, frame: pd.DataFrame, left: float, top: float, width: float, size: int = 11
) -> None:
    rows, cols = frame.shape[0] + 1, frame.shape[1]
    shape = slide.shapes.add_table(
        rows, cols, Inches(left), Inches(top), Inches(width), Inches(0.3 * rows)
    )
    table = shape.table
    for c, name in enumerate(frame.columns):
        table.cell(0, c).text = str(name)
    for r, row in enumerate(frame.itertuples(index=False), start=1):
        for c, value in enumerate(row):
            table.cell(r, c).text = _fmt(value)
    for r in range(rows):
        for c in range(cols):
            for paragraph in table.cell(r, c).text_frame.paragraphs:
                paragraph.font.size = Pt(size)


def _fmt(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if value is pd.NA or value is pd.NaT:
        return "-"
    return str(value)


def _picture(
    slide: Slide, image: Path, left: float, top: float, max_w: float, max_h: float
) -> None:
    picture = slide.shapes.add_picture(str(image), Inches(left), Inches(top))
    scale = min(Inches(max_w) / picture.width, Inches(max_h) / picture.height)
    picture.width, picture.height = (
        Emu(int(picture.width * scale)),
        Emu(int(picture.height * scale)),
    )
    picture.left = Emu(int(Inches(left) + (Inches(max_w) - picture.width) / 2))


def build_deck(figures: DeckFigures, docs: Path, out: Path) -> Path:
    markdown = docs.read_text(encoding="utf-8")
    flowcharts = [parse_flowchart(b) for b in mermaid_blocks(markdown) if "flowchart" in b[:20]]
    scenarios = pd.DataFrame(markdown_table(markdown, SCENARIOS_HEADING))
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    source_line = "; ".join(f"{k}: {v}" for k, v in figures.sources.items())
    health = figures.health
    reservation, queue, auto = figures.reservation, figures.concurrency, figures.auto_refresh
    with tempfile.TemporaryDirectory() as tmp:
        images = Path(tmp)
        arch = render_flowchart(flowcharts[0], images / "architecture.png")
        monitoring = render_flowchart(flowcharts[1], images / "monitoring.png")
        health_png = refresh_health_chart(health, images / "health.png")
        slots_png = slot_chart(figures.slot_profile, reservation, images / "slots.png")

        title = deck.slides.add_slide(deck.slide_layouts[0])
        title.shapes.title.text = "ouchhungry_dp: data products and platform monitoring"
        for shape, top, height in (
            (title.shapes.title, 2.0, 1.6),
            (title.placeholders[1], 3.8, 1.6),
        ):
            shape.left, shape.top = Inches(1.0), Inches(top)
            shape.width, shape.height = Inches(11.3), Inches(height)
        title.placeholders[1].text = (
            "Stage 1 deliverable: monitoring solution, cost-optimisation plan, orchestration "
            f"and alerting. Built {datetime.now(UTC):%Y-%m-%d %H:%M} UTC from "
            "docs/architecture.md and the platform's figures."
        )

        slide = _slide(deck, "Architecture: source to partner, with alerts")
        _picture(slide, arch, 0.4, 1.3, 12.5, 4.1)
        _bullets(
            slide,
            [
                "Daily partitions run at 06:00 America/Sao_Paulo for the previous day; monthly "
                "products on day 1; a partner is a contract file, not code.",
                "LGPD: keyed pseudonyms per partner, small cities folded; checks block bad data "
                "before it reaches a partner.",
                "Power BI datasets refresh when the products they read land; every failure "
                "reaches the data team once per incident.",
            ],
            0.6,
            5.4,
            12.0,
            1.5,
            size=14,
        )
        _footer(slide, "Diagram drawn from the Mermaid source in docs/architecture.md.")

        slide = _slide(deck, "Stage 1: the monitoring pipeline")
        _picture(slide, monitoring, 0.4, 1.3, 12.5, 5.6)
        _footer(slide, "Diagram drawn from the Mermaid source in docs/architecture.md.")

        slide = _slide(deck, "Monitoring solution")
        stale = int(health["stale"].sum())
        _bullets(
            slide,
            [
                f"Power BI: {len(health)} datasets watched hourly; success rate "
                f"{health['success_rate'].mean():.0%} on average; MTTR "
                f"{health['mttr_minutes'].mean():.0f} min; {stale} stale now.",
                f"Auto-refresh on new warehouse data: {auto.triggered} refreshes started in the "
                f"simulated morning, {auto.retried} transient failure(s) retried, "
                f"{len(auto.alerts)} alert(s).",
                f"BigQuery: reservation sized from hourly slot demand; proposal saves "
                f"US$ {reservation.monthly_saving_usd:,.0f}/month against all-autoscale.",
                f"Dagster: run queue replayed to size max_concurrent_runs = "
                f"{queue.max_concurrent_runs} (p95 wait {queue.p95_wait_minutes} min).",
                "Data products: pandera and guardrail checks, delivery receipts, SLA; every "
                "failure e-mails the data team once, grouped per incident.",
            ],
            0.6,
            1.4,
            12.0,
            5.2,
            size=18,
        )
        _footer(slide, "Figures: " + source_line)

        slide = _slide(deck, "Power BI refresh health")
        view = health[
            [
                "dataset",
                "capacity",
                "last_status",
                "success_rate",
                "mttr_minutes",
                "transient_failures",
                "permanent_failures",
                "staleness_hours",
            ]
        ]
        _table(slide, view, 0.5, 1.3, 12.3, size=11)
        _picture(slide, health_png, 1.5, 3.1, 10.0, 3.8)
        _footer(slide, f"Power BI health: {figures.sources['Power BI health']}")

        slide = _slide(deck, "Auto-refresh: event-driven, budgeted, classified")
        _bullets(
            slide,
            [
                "Trigger: a new materialization of an asset the dataset reads (datasets.yaml); "
                "several landing between ticks give one refresh.",
                "Our refresh is followed by its request id: a concurrent scheduled refresh is "
                "never taken for ours; while any refresh runs, we wait.",
                "Budget: refreshes started in the trailing 24 h stay below 8 (shared) / 48 "
                "(premium), so no calendar day can exceed it. Simulated peak use: "
                + ", ".join(f"{k} {v}" for k, v in auto.budget_used.items())
                + ".",
                "Transient (" + ", ".join(c for c, _p, _h in TRANSIENT_CAUSES) + "): retried "
                "with exponential backoff, 3 attempts.",
                "Permanent (" + ", ".join(c for c, _p, _h in PERMANENT_CAUSES) + ", unknown): "
                "one failing powerbi_refresh_alert run, e-mailed once with the error and a hint.",
            ],
            0.6,
            1.4,
            12.0,
            5.3,
            size=17,
        )
        _footer(slide, f"Auto-refresh morning: {figures.sources['Auto-refresh morning']}")

        slide = _slide(deck, "Cost-optimisation plan")
        lines = [
            f"BigQuery reservation: baseline {reservation.baseline_slots} slots + autoscale "
            f"up to {reservation.autoscale_max_slots} (p50 {reservation.p50_slots:.0f}, "
            f"p99 {reservation.p99_slots:.0f} slots).",
            f"Expected US$ {reservation.expected_monthly_cost_usd:,.0f}/month vs US$ "
            f"{reservation.all_autoscale_monthly_cost_usd:,.0f} all-autoscale "
            f"(saves US$ {reservation.monthly_saving_usd:,.0f}).",
            "Refresh Power BI on new data instead of blind schedules: no wasted refreshes, "
            "no capacity spent on unchanged data.",
        ]
        if figures.cost_kpis is not None:
            for row in figures.cost_kpis.head(4).itertuples(index=False):
                lines.append(f"KPI {row.kpi}: {_fmt(row.value)} {getattr(row, 'unit', '')}")
        _bullets(slide, lines, 0.5, 1.4, 5.6, 5.4, size=14)
        _picture(slide, slots_png, 6.2, 1.5, 6.8, 4.8)
        _footer(
            slide,
            f"Slot demand: {figures.sources['Slot demand']}; cost KPIs: "
            f"{figures.sources['Cost KPIs']}",
        )

        slide = _slide(deck, "Demand-driven scaling of Dagster run workers")
        _bullets(
            slide,
            [
                f"Run queue replay over {queue.runs_observed} runs: max_concurrent_runs "
                f"{queue.max_concurrent_runs}, p95 queue wait {queue.p95_wait_minutes} min, "
                f"{queue.peak_nodes} worker node(s) at peak.",
                f"Worker cost ≈ US$ {queue.expected_monthly_worker_cost_usd:,.2f}/month for "
                f"{queue.run_hours_per_month:,.0f} run-hours.",
                "Kubernetes: K8sRunLauncher (one pod per run) + QueuedRunCoordinator limit; "
                "GKE node-pool autoscaling on pending pods, min 0 outside the 06:00 burst.",
                "Cloud Run: webserver and daemon as services (min 1 instance), runs as Cloud "
                "Run jobs scaling to zero.",
                "Weekly dry-run proposal + a sensor that re-proposes when > 5 runs are queued; "
                "applying is a reviewed Helm / bq change.",
            ],
            0.6,
            1.4,
            12.0,
            5.3,
            size=17,
        )
        _footer(slide, f"Run queue: {figures.sources['Run queue']}")

        slide = _slide(deck, "Orchestration and alerting per failure scenario")
        _table(slide, scenarios, 0.3, 1.2, 12.7, size=9)
        _footer(slide, "Table from docs/architecture.md.")
    out.parent.mkdir(parents=True, exist_ok=True)
    deck.save(str(out))
    return out
