"""Read the deck's sources out of docs/architecture.md: Mermaid flowcharts and Markdown tables.

Only the flowchart subset the doc uses is parsed (nodes with [], [()], ([]), {{}}, ()
shapes, subgraphs, chained --> / -.-> / ==> edges with optional |labels|). A line the
parser does not understand raises, so the doc and the deck cannot drift silently.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

FENCE = re.compile(r"```mermaid\n(.*?)```", re.DOTALL)
ARROW = re.compile(r"\s*(?:-->|-\.->|==>)(?:\|[^|]*\|)?\s*")
NODE = re.compile(
    r"^(?P<id>[A-Za-z_][\w]*)\s*(?P<shape>\[\(.*\)\]|\(\[.*\]\)|\{\{.*\}\}|\[.*\]|\(.*\))?$"
)
SUBGRAPH = re.compile(r"^subgraph\s+(?P<id>\w+)(?:\s*\[(?P<title>[^\]]*)\])?$")
SHAPES = {"[(": "database", "([": "stadium", "{{": "hexagon", "[": "box", "(": "round"}


@dataclass
class Node:
    id: str
    label: str
    shape: str = "box"
    group: str | None = None


@dataclass
class Flowchart:
    direction: str = "LR"
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[tuple[str, str]] = field(default_factory=list)
    groups: dict[str, str] = field(default_factory=dict)  # id -> title


def mermaid_blocks(markdown: str) -> list[str]:
    return FENCE.findall(markdown)


def _node(token: str, group: str | None, chart: Flowchart) -> str:
    match = NODE.match(token.strip())
    if not match:
        raise ValueError(f"unsupported Mermaid node syntax: {token!r}")
    node_id, shape = match["id"], match["shape"]
    node = chart.nodes.get(node_id)
    if node is None:
        node = chart.nodes[node_id] = Node(node_id, node_id, group=group)
    if shape:
        opener = shape[:2] if shape[:2] in SHAPES else shape[:1]
        node.shape = SHAPES[opener]
        node.label = shape.strip("[](){}").strip()
        node.group = node.group or group
    return node_id


def parse_flowchart(block: str) -> Flowchart:
    lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
    header = lines[0].split()
    if header[0] not in ("flowchart", "graph"):
        raise ValueError(f"not a flowchart: {lines[0]!r}")
    chart = Flowchart(direction=header[1] if len(header) > 1 else "LR")
    stack: list[str] = []
    for line in lines[1:]:
        if line.startswith("%%"):
            continue
        if match := SUBGRAPH.match(line):
            stack.append(match["id"])
            chart.groups[match["id"]] = match["title"] or match["id"]
            continue
        if line == "end":
            stack.pop()
            continue
        group = stack[-1] if stack else None
        ids = [_node(token, group, chart) for token in ARROW.split(line)]
        chart.edges += list(itertools.pairwise(ids))
    return chart


def markdown_table(markdown: str, heading: str) -> list[dict[str, str]]:
    """Rows of the first table under ``## heading`` (cells stripped of backticks)."""
    section = markdown.split(f"## {heading}", 1)
    if len(section) < 2:
        raise ValueError(f"heading not found: {heading!r}")
    rows = [line for line in section[1].splitlines() if line.startswith("|")]
    if len(rows) < 3:
        raise ValueError(f"no table under {heading!r}")

    def cells(line: str) -> list[str]:
        return [cell.strip().replace("`", "") for cell in line.strip().strip("|").split("|")]

    header = cells(rows[0])
    body: list[dict[str, str]] = []
    for line in rows[2:]:
        body.append(dict(zip(header, cells(line), strict=False)))
    return body
