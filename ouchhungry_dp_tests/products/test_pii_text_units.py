"""``pii_text`` building blocks pinned on small inputs (session 6 mutation pass): the
exact normalised text, and the guards that refuse a newline (the separator of the
one-pass search) if ``fold`` ever stopped removing it."""

from __future__ import annotations

import pyarrow as pa
import pytest

from ouchhungry_dp.products import pii_text
from ouchhungry_dp.products.pii_text import KnownIdentifiers, normalise


def test_dates_are_blanked_and_digit_groups_joined() -> None:
    values = pa.array(["Venda 2026-11-25 10:00:00 ok", "Venda 2026-11-25, 12", "lote 2026-11 x",
                       "529 982 247-25", "Sao  Paulo", None])
    # A date (with its time) becomes one space, beside the spaces around it, so it never
    # joins the digits next to it; a year-month is no date; separators between digits go.
    assert normalise(values).to_pylist() == ["venda   ok", "venda  , 12", "lote 202611 x",
                                             "52998224725", "sao paulo", None]


def test_a_value_holding_a_newline_is_refused_by_the_search() -> None:
    known = KnownIdentifiers(["Maria Souza", "CLI-1"])
    with pytest.raises(ValueError, match=r"^a folded value holds a newline; fold\(\) changed$"):
        known._embedded_hits(pa.array(["maria\nsouza"]))


def test_an_identifier_holding_a_newline_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # ``fold`` and ``words`` turn a newline into a space; were they to stop, the index
    # must refuse to build rather than let a match span two values. (``words`` is
    # ``_words_of_folded`` after ``fold``; the index calls the latter on folded text.)
    monkeypatch.setattr(pii_text, "fold", lambda values: values)
    monkeypatch.setattr(pii_text, "_words_of_folded", lambda values: values)
    message = "^a folded known identifier holds a newline; fold\\(\\) changed$"
    with pytest.raises(ValueError, match=message):
        KnownIdentifiers(["Maria Souza\nCosta"])


def test_an_identifier_folded_to_nothing_is_dropped() -> None:
    # An invisible character alone is not blank for ``str.strip`` but folds to "":
    # kept, it would flag every empty cell of a file as a known identifier.
    known = KnownIdentifiers(["\u200b", "\u00ad\u200d", "Maria Souza"])
    assert known.whole.to_pylist() == ["maria souza"]
    assert known.hits(pa.array(["", "Cola", "maria souza"])).tolist() == [False, False, True]
