"""Draw a parsed Mermaid flowchart as a PNG with matplotlib (layered, left to right)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch, Patch

from ouchhungry_dp.deck.mermaid import Flowchart

PALETTE = ["#dbeafe", "#dcfce7", "#fef9c3", "#fde2e4", "#ede9fe", "#e0f2f1", "#fff1e6"]
EDGE_COLOURS = ["#1d4ed8", "#15803d", "#a16207", "#be123c", "#6d28d9", "#0f766e", "#c2410c"]
BOX_W, BOX_H, GAP_X, GAP_Y = 1.9, 0.8, 0.5, 0.3


def _wrap(label: str, width: int = 17) -> str:
    """Wrap at spaces and after underscores (asset names are long snake_case words)."""
    lines = textwrap.wrap(label.replace("_", "_ "), width)
    return "\n".join(line.replace("_ ", "_") for line in lines)


def _ranks(chart: Flowchart) -> dict[str, int]:
    """Longest-path layering; edges that close a cycle are ignored for ranking."""
    # Subgraphs are declared in reading order: an edge into an earlier subgraph is a
    # feedback loop (e.g. the sensor calling the Power BI API) and must not pull its
    # target to the right.
    order = {g: i for i, g in enumerate(chart.groups)}
    children: dict[str, list[str]] = {n: [] for n in chart.nodes}
    for a, b in chart.edges:
        if order.get(chart.nodes[b].group or "", 0) >= order.get(chart.nodes[a].group or "", 0):
            children[a].append(b)
    state: dict[str, int] = {}
    forward: list[tuple[str, str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        for child in children[node]:
            if state.get(child) == 1:
                continue  # back edge
            forward.append((node, child))
            if child not in state:
                visit(child)
        state[node] = 2

    for node in chart.nodes:
        if node not in state:
            visit(node)
    rank = dict.fromkeys(chart.nodes, 0)
    for _ in range(len(chart.nodes)):
        changed = False
        for a, b in forward:
            if rank[b] < rank[a] + 1:
                rank[b] = rank[a] + 1
                changed = True
        if not changed:
            break
    return rank


def render_flowchart(chart: Flowchart, out: Path, title: str = "") -> Path:
    rank = _ranks(chart)
    group_order = list(chart.groups)
    columns: dict[int, list[str]] = {}
    for node_id in chart.nodes:
        columns.setdefault(rank[node_id], []).append(node_id)
    position: dict[str, tuple[float, float]] = {}
    tallest = max(len(ids) for ids in columns.values())
    # Few rows: taller boxes and larger text so a wide chart still reads on a 16:9 slide.
    box_h, gap_y, font = (1.3, 0.7, 12) if tallest <= 3 else (BOX_H, GAP_Y, 9)
    for r, ids in columns.items():
        ids.sort(key=lambda n: group_order.index(chart.nodes[n].group or group_order[0]))
        offset = (tallest - len(ids)) * (box_h + gap_y) / 2
        for i, node_id in enumerate(ids):
            position[node_id] = (r * (BOX_W + GAP_X), -(offset + i * (box_h + gap_y)))
    width = (max(columns) + 1) * (BOX_W + GAP_X)
    height = tallest * (box_h + gap_y) + 1.2
    fig, ax = plt.subplots(figsize=(max(width * 0.8, 8), max(height * 0.8, 3.5)), dpi=160)
    colour_of = {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(group_order)}
    edge_of = {g: EDGE_COLOURS[i % len(EDGE_COLOURS)] for i, g in enumerate(group_order)}
    for a, b in chart.edges:
        (xa, ya), (xb, yb) = position[a], position[b]
        backwards = xb <= xa
        ax.annotate(
            "",
            xy=(xb, yb + box_h / 2),
            xytext=(xa + BOX_W, ya + box_h / 2),
            zorder=1,
            arrowprops={
                "arrowstyle": "-|>",
                "color": edge_of.get(chart.nodes[a].group or "", "#555"),
                "lw": 1.1,
                "linestyle": "--" if backwards else "-",
                "connectionstyle": "arc3,rad=-0.35" if backwards else "arc3,rad=0.0",
                "shrinkA": 2,
                "shrinkB": 2,
            },
        )
    for node_id, node in chart.nodes.items():
        x, y = position[node_id]
        style = {
            "database": "round,pad=0.02,rounding_size=0.3",
            "hexagon": "sawtooth,pad=0.02",
            "stadium": "round,pad=0.02,rounding_size=0.38",
        }.get(node.shape, "round,pad=0.02,rounding_size=0.08")
        ax.add_patch(
            FancyBboxPatch(
                (x, y),
                BOX_W,
                box_h,
                boxstyle=style,
                zorder=3,
                facecolor=colour_of.get(node.group or "", "#f3f4f6"),
                edgecolor="#374151",
                linewidth=0.9,
            )
        )
        ax.text(
            x + BOX_W / 2,
            y + box_h / 2,
            _wrap(node.label, 17 if font < 12 else 14),
            ha="center",
            va="center",
            fontsize=font,
            zorder=4,
        )
    handles = [
        Patch(facecolor=colour_of[g], edgecolor="#374151", label=t) for g, t in chart.groups.items()
    ]
    if handles:
        ax.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.01),
            ncol=len(handles),
            fontsize=font,
            frameon=False,
        )
    if title:
        ax.set_title(title, fontsize=11)
    ax.set_xlim(-0.3, width)
    ax.set_ylim(-(tallest * (box_h + gap_y)), box_h + 0.6)
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(out, bbox_inches="tight")
    plt.close(fig)
    return out
