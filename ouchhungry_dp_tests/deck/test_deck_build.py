"""The deck opens with python-pptx and every slide carries a title and real content."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from ouchhungry_dp.deck.build import build_deck
from ouchhungry_dp.deck.figures import DeckFigures, collect_figures, simulate_powerbi
from ouchhungry_dp.settings import REPO_ROOT

DOCS = REPO_ROOT / "docs" / "architecture.md"
PLACEHOLDER_WORDS = ("click to add", "lorem", "todo", "placeholder", "tbd")


@pytest.fixture(scope="module")
def figures() -> DeckFigures:
    return collect_figures(None)


@pytest.fixture(scope="module")
def deck_path(figures: DeckFigures, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_deck(figures, DOCS, tmp_path_factory.mktemp("deck") / "deck.pptx")


def _texts(slide) -> list[str]:
    texts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            texts.append(shape.text_frame.text)
        if shape.has_table:
            texts += [cell.text for row in shape.table.rows for cell in row.cells]
    return texts


def test_every_slide_has_title_and_real_content(deck_path: Path) -> None:
    deck = Presentation(str(deck_path))
    assert len(deck.slides) >= 8
    for number, slide in enumerate(deck.slides, start=1):
        title = slide.shapes.title
        assert title is not None and title.text_frame.text.strip(), f"slide {number}: no title"
        body = [s for s in slide.shapes if s.shape_id != title.shape_id]
        has_picture = any(s.shape_type == MSO_SHAPE_TYPE.PICTURE for s in body)
        has_table = any(s.has_table for s in body)
        words = sum(len(s.text_frame.text.split()) for s in body if s.has_text_frame)
        assert has_picture or has_table or words >= 15, f"slide {number} is empty"
        for shape in slide.placeholders:
            assert shape.text_frame.text.strip(), f"slide {number}: empty placeholder"
        lowered = " ".join(_texts(slide)).lower()
        assert not any(word in lowered for word in PLACEHOLDER_WORDS), f"slide {number}"


def test_slides_carry_the_computed_figures(deck_path: Path, figures: DeckFigures) -> None:
    text = " ".join(" ".join(_texts(s)) for s in Presentation(str(deck_path)).slides)
    reservation = figures.reservation
    assert f"baseline {reservation.baseline_slots} slots" in text
    assert f"max_concurrent_runs {figures.concurrency.max_concurrent_runs}" in text
    for dataset in figures.health["dataset"]:
        assert str(dataset) in text
    assert "simulated (Power BI emulator)" in text  # says where the figures came from
    assert "Power BI refresh fails permanently" in text  # scenario table from the doc


def test_diagram_slides_hold_pictures(deck_path: Path) -> None:
    deck = Presentation(str(deck_path))
    titled = {s.shapes.title.text_frame.text: s for s in deck.slides}
    for title in ("Stage 1: the monitoring pipeline",):
        shapes = titled[title].shapes
        assert any(s.shape_type == MSO_SHAPE_TYPE.PICTURE for s in shapes)


def test_simulated_morning_refreshes_each_dataset_on_new_data() -> None:
    health, run = simulate_powerbi()
    assert run.triggered >= len(health)  # every dataset got its event-driven refresh
    assert all(used <= 8 for used in run.budget_used.values())
    assert set(health["dataset"]) == set(run.budget_used)


def test_reads_latest_kpis_from_the_warehouse(tmp_path: Path) -> None:
    health, _ = simulate_powerbi()
    stored = health.assign(dataset=health["dataset"].astype(str) + "_from_warehouse")
    kpis = pd.DataFrame(
        {
            "kpi_date": ["2026-11-21", "2026-11-22"],
            "kpi": ["cost_per_query_usd", "cost_per_query_usd"],
            "dimension": ["all", "all"],
            "value": [0.5, 0.42],
            "unit": ["USD", "USD"],
        }
    )
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE SCHEMA warehouse")
        conn.register("health_df", stored.astype({"last_start": "object"}))
        conn.execute(
            "CREATE TABLE warehouse.warehouse.powerbi_refresh_health AS SELECT * FROM health_df"
        )
        conn.register("kpis_df", kpis)
        conn.execute("CREATE TABLE warehouse.warehouse.platform_cost_kpis AS SELECT * FROM kpis_df")
    figures = collect_figures(path)
    assert figures.sources["Power BI health"].startswith("warehouse")
    assert figures.health["dataset"].str.endswith("_from_warehouse").all()
    assert figures.cost_kpis is not None and figures.cost_kpis["value"].tolist() == [0.42]
    out = build_deck(figures, DOCS, tmp_path / "deck.pptx")
    text = " ".join(" ".join(_texts(s)) for s in Presentation(str(out)).slides)
    assert "KPI cost_per_query_usd: 0.42" in text
