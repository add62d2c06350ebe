from __future__ import annotations

import pytest

from ouchhungry_dp.deck.mermaid import markdown_table, mermaid_blocks, parse_flowchart
from ouchhungry_dp.settings import REPO_ROOT

SAMPLE = """flowchart LR
    subgraph a [First]
        x[(Store)] --> y[Step one] -->|label| z{{Check}}
    end
    z -.-> x
"""


def test_parses_nodes_shapes_groups_and_chained_edges() -> None:
    chart = parse_flowchart(SAMPLE)
    assert chart.groups == {"a": "First"}
    assert {n.id: n.shape for n in chart.nodes.values()} == {
        "x": "database",
        "y": "box",
        "z": "hexagon",
    }
    assert chart.nodes["y"].label == "Step one" and chart.nodes["y"].group == "a"
    assert chart.edges == [("x", "y"), ("y", "z"), ("z", "x")]


def test_unsupported_syntax_raises() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        parse_flowchart("flowchart LR\n    a[ok] --> b<weird>\n")


def test_architecture_doc_parses_and_names_the_platform_assets() -> None:
    markdown = (REPO_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    charts = [parse_flowchart(b) for b in mermaid_blocks(markdown) if b.startswith("flowchart")]
    assert len(charts) == 2
    labels = {n.label for chart in charts for n in chart.nodes.values()}
    assert {"ouchhungry_sales_daily", "powerbi_refresh_health"} <= labels
    rows = markdown_table(markdown, "Orchestration and alerting per failure scenario")
    assert len(rows) >= 8 and all(row["Who is told, how"] for row in rows)
