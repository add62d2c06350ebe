"""The deck opens with python-pptx, every slide carries a title and real content, and the
cost slides show the figures of a real run of the cost assets, naming it."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_duckdb_pandas import DuckDBPandasIOManager
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from ouchhungry_dp.deck.build import build_deck
from ouchhungry_dp.deck.cost_run import CostRun
from ouchhungry_dp.deck.figures import DeckFigures, collect_figures, simulate_powerbi
from ouchhungry_dp.deck.texts import Texts
from ouchhungry_dp.defs.platform import costs
from ouchhungry_dp.lib.cost_run_for_deck import run_cost_assets
from ouchhungry_dp.lib.resources.cost_monitoring import (
    CostMonitoringResource,
)
from ouchhungry_dp.lib.resources.outbound_store import LocalFileStore
from ouchhungry_dp.lib.resources.simulated_cost_source import SimulatedCostSourceResource
from ouchhungry_dp.sandbox.company_cloud import gcp_catalog as catalog
from ouchhungry_dp.sandbox.company_cloud.gcp_account import build_simulated_account
from ouchhungry_dp.settings import REPO_ROOT

DOCS = REPO_ROOT / "docs" / "architecture.md"
PLACEHOLDER_WORDS = ("click to add", "lorem", "todo", "placeholder", "tbd")


@pytest.fixture(scope="module")
def cost_run(tmp_path_factory: pytest.TempPathFactory) -> CostRun:
    """One real run of the eight cost assets on the simulated account (spike day)."""
    tmp = tmp_path_factory.mktemp("cost_run")
    account = build_simulated_account(tmp / "account.duckdb")
    resources = {
        "io_manager": DuckDBPandasIOManager(database=str(tmp / "wh.duckdb"), schema="marts"),
        "gcp_cost_source": SimulatedCostSourceResource(simulated_path=str(account)),
        "cost_monitoring": CostMonitoringResource(),
        "outbound_files": LocalFileStore(root=str(tmp / "outbound")),
    }
    # The outbound store must be the folder the environment names (pinned at setup).
    with pytest.MonkeyPatch.context() as patch, dg.instance_for_test(temp_dir=str(tmp)) as instance:
        patch.setenv("OUCHHUNGRY_DATA_DIR", str(tmp))
        defs = dg.Definitions(assets=costs.cost_assets, jobs=[costs.platform_cost_job],
                              resources=resources)
        return run_cost_assets(catalog.SPIKE_DAY, defs, job=costs.platform_cost_job.name,
                               anomaly_check=costs.CHECK_ANOMALY, instance=instance)


@pytest.fixture(scope="module")
def figures() -> DeckFigures:
    return collect_figures(None, Texts("pt"))


@pytest.fixture(scope="module")
def deck_path(figures: DeckFigures, cost_run: CostRun,
              tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_deck(figures, cost_run, DOCS, tmp_path_factory.mktemp("deck") / "deck.pptx")


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
    assert f"base de {reservation.baseline_slots} slots" in text
    assert f"max_concurrent_runs {figures.concurrency.max_concurrent_runs}" in text
    for dataset in figures.health["dataset"]:
        assert str(dataset) in text
    assert "saúde do Power BI: simulado (emulador do Power BI)" in text  # where from
    assert "às 06:00 (America/Sao_Paulo)" in text  # the contract's daily_cron, readable
    assert "Power BI refresh fails permanently" in text  # scenario table from the doc


def test_diagram_slides_hold_pictures(deck_path: Path) -> None:
    deck = Presentation(str(deck_path))
    titled = {s.shapes.title.text_frame.text: s for s in deck.slides}
    for title in ("Estágio 1: o pipeline de monitoramento",):
        shapes = titled[title].shapes
        assert any(s.shape_type == MSO_SHAPE_TYPE.PICTURE for s in shapes)


def test_simulated_morning_refreshes_each_dataset_on_new_data() -> None:
    health, run = simulate_powerbi()
    assert run.triggered >= len(health)  # every dataset got its event-driven refresh
    assert all(used <= 8 for used in run.budget_used.values())
    assert set(health["dataset"]) == set(run.budget_used)


def test_reads_refresh_health_from_the_warehouse(tmp_path: Path, cost_run: CostRun) -> None:
    health, _ = simulate_powerbi()
    stored = health.assign(dataset=health["dataset"].astype(str) + "_from_warehouse")
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE SCHEMA marts")  # where the local IO manager writes
        conn.register("health_df", stored.astype({"last_start": "object"}))
        conn.execute("CREATE TABLE marts.powerbi_refresh_health AS SELECT * FROM health_df")
    figures = collect_figures(path, Texts("en"))
    assert figures.sources["health"].startswith("warehouse")
    assert figures.health["dataset"].str.endswith("_from_warehouse").all()


def _slide_text(path: Path, title_start: str) -> str:
    for slide in Presentation(str(path)).slides:
        if slide.shapes.title.text_frame.text.startswith(title_start):
            return " ".join(_texts(slide))
    raise AssertionError(f"no slide titled {title_start!r}")


def test_cost_kpi_slide_shows_the_runs_figures_and_names_the_run(
    deck_path: Path, cost_run: CostRun
) -> None:
    text = _slide_text(deck_path, f"KPIs de custo de {catalog.SPIKE_DAY}")
    kpis = cost_run.kpis
    net = float(kpis.loc[(kpis["kpi"] == "net_cost") & (kpis["dimension"] == "all"),
                         "value"].iloc[0])
    assert Texts("pt")("kpi_net", value=net) in text
    assert not cost_run.anomaly["passed"]  # the planted spike
    assert "daily_cost_anomaly falhou" in text
    assert f"execução {cost_run.run_id}" in text and f"partição {catalog.SPIKE_DAY}" in text
    top_asset = kpis[kpis["kpi"] == "cost_per_asset_run"].sort_values("value").iloc[-1]
    assert str(top_asset["dimension"]) in text


def test_savings_slide_lists_the_top_recommendations_with_their_value(
    deck_path: Path, cost_run: CostRun
) -> None:
    t = Texts("pt")
    recs = cost_run.recommendations.sort_values("monthly_saving_usd", ascending=False)
    text = _slide_text(deck_path, "Maiores economias")
    assert t("savings_title", total=float(recs["monthly_saving_usd"].sum())) in text
    for saving in recs["monthly_saving_usd"].head(5):
        assert t.number(saving) in text
    assert f"execução {cost_run.run_id}" in text


def test_english_build_on_request(figures: DeckFigures, cost_run: CostRun,
                                  tmp_path: Path) -> None:
    out = build_deck(figures, cost_run, DOCS, tmp_path / "deck_en.pptx", lang="en")
    titles = [s.shapes.title.text_frame.text for s in Presentation(str(out)).slides]
    assert f"Cost KPIs of {catalog.SPIKE_DAY}" in titles
    assert any(title.startswith("Top savings") for title in titles)
    assert f"run {cost_run.run_id}" in _slide_text(out, "Top savings")
