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
# Figures exactly as the report's own formatters write them (``insights.brl``:
# ``R$ 12.345.678,90``; ``insights.integer``: ``12.345.678``): at production volume a
# brand's month passes R$ 10 million and its digits, joined across the dots, read as a
# CEP or a phone. Only that exact shape is dropped: groups of three digits after the
# first, nothing glued to it that a CEP (``12.345-678``), CPF (``123.456.789-09``),
# CNPJ (``12.345.678/0001-90``) or phone (``11.3456.7890``) would have.
# Shares as ``insights.pct`` writes them (``12,3%``, ``+4,5%``) too: beside a count they
# joined into a CEP once digits were joined across blanks.
_FIGURE = re.compile(
    r"(?<![\w.,/-])(?:R\$ -?\d{1,3}(?:\.\d{3})*,\d{2}|\d{1,3}(?:\.\d{3})+|[+-]?\d+,\d%)"
    r"(?![\w.,/-])")


def _without_figures(text: str) -> str:
    return _FIGURE.sub(" ", text)


def report_lines(report_html: str) -> pd.DataFrame:
    """One row per non-empty line: the text shown to a reader and the raw line."""
    rows = []
    for line in _without_figures(_DATA_URI.sub("", report_html)).splitlines():
        shown = html.unescape(_TAG.sub(" ", line)).strip()
        if line.strip():
            rows.append({"shown_text": shown, "markup": line.strip()})
    return pd.DataFrame(rows, columns=["shown_text", "markup"], dtype="string")


def report_text_nodes(report_html: str) -> pd.DataFrame:
    """One row per text node (the text between two tags): a value a reader sees in a
    paragraph or a table cell is then a whole field, so the scan's known identifiers
    (exact field match) catch a customer's name wherever the report shows it."""
    text = _without_figures(_DATA_URI.sub("", report_html))
    nodes = (html.unescape(part).strip() for part in _TAG.split(text))
    return pd.DataFrame({"text_node": [n for n in nodes if n]}, dtype="string")
