"""The insights report's text as a frame the product PII scan can read (no Dagster).

The scan (``products.guardrails.scan_pii``) reads tabular text. The report is
HTML with charts inlined as base64 data URIs: those are image bytes, not text a
reader sees, and their digit runs would be false hits, so they are dropped;
every other line (tags included, so an attribute cannot hide a value) is one
row of a one-column frame, and a hit names the line number.
"""

from __future__ import annotations

import html
import re

import pandas as pd

_DATA_URI = re.compile(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+")
_TAG = re.compile(r"<[^>]*>")


def report_lines(report_html: str) -> pd.DataFrame:
    """One row per non-empty line: the text shown to a reader and the raw line."""
    rows = []
    for line in _DATA_URI.sub("", report_html).splitlines():
        shown = html.unescape(_TAG.sub(" ", line)).strip()
        if line.strip():
            rows.append({"shown_text": shown, "markup": line.strip()})
    return pd.DataFrame(rows, columns=["shown_text", "markup"], dtype="string")


def report_text_nodes(report_html: str) -> pd.DataFrame:
    """One row per text node (the text between two tags): a value a reader sees in a
    paragraph or a table cell is then a whole field, so the scan's known identifiers
    (exact field match) catch a customer's name wherever the report shows it."""
    text = _DATA_URI.sub("", report_html)
    nodes = (html.unescape(part).strip() for part in _TAG.split(text))
    return pd.DataFrame({"text_node": [n for n in nodes if n]}, dtype="string")
