"""The insights report's PII scan reads the report's text without its own figures."""

from __future__ import annotations

import pandas as pd
import pytest

from ouchhungry_dp.products.guardrails import scan_pii
from ouchhungry_dp.products.insights import brl, integer
from ouchhungry_dp.release.report_text import report_lines, report_text_nodes


@pytest.mark.parametrize("figure", [brl(12_345_678.9), brl(987_654_321.0), integer(12_345_678),
                                    integer(1_234_567_890)])
def test_a_large_figure_written_by_the_report_is_not_personal_data(figure: str) -> None:
    # At production volume a brand's month passes R$ 10 million: joined across the dots
    # its digits read as a CEP or a phone, and every report was held.
    html = f"<p>Hungry vendeu {figure} no mês.</p>\n<td>{figure}</td>"
    assert scan_pii(report_lines(html)).passed
    assert scan_pii(report_text_nodes(html)).passed


@pytest.mark.parametrize("value", ["CEP 12.345-678", "CPF 123.456.789-09",
                                   "CNPJ 12.345.678/0001-90", "fone 11.3456.7890",
                                   "cep 01310100", "ligue (11) 93456-7890"])
def test_personal_data_next_to_figures_is_still_found(value: str) -> None:
    html = f"<p>Receita {brl(12_345_678.9)}; {value}; {integer(1_234_567)} unidades</p>"
    assert not scan_pii(report_lines(html)).passed
    assert not scan_pii(report_text_nodes(html)).passed


# A report by hand: a paragraph with an entity, an empty line, an inlined chart, a table
# cell of figures, and a data URI outside any tag (e.g. in a stylesheet's text).
REPORT = ('<p>Ana &amp; Co</p>\n\n<img src="data:image/png;base64,iVBOR+w/9=">\n'
          "<td>R$ 12.345.678,90 de 1.234</td>\n<style>data:image/svg+xml;base64,PHN2Zz4=</style>")


def test_report_lines_by_hand() -> None:
    # Tags become blanks, entities are read, the chart's bytes and the report's own
    # figures are dropped (each a blank), empty lines are skipped; markup keeps the tags.
    expected = pd.DataFrame({
        "shown_text": ["Ana & Co", "", "de", ""],
        "markup": ["<p>Ana &amp; Co</p>", '<img src="">', "<td>  de  </td>",
                   "<style></style>"],
    }, dtype="string")
    pd.testing.assert_frame_equal(report_lines(REPORT), expected)


def test_report_text_nodes_by_hand() -> None:
    expected = pd.DataFrame({"text_node": ["Ana & Co", "de"]}, dtype="string")
    pd.testing.assert_frame_equal(report_text_nodes(REPORT), expected)


def test_an_empty_report_still_has_the_scanned_columns() -> None:
    pd.testing.assert_frame_equal(
        report_lines(""), pd.DataFrame(columns=["shown_text", "markup"], dtype="string"))
    pd.testing.assert_frame_equal(
        report_text_nodes(""), pd.DataFrame({"text_node": []}, dtype="string"))
