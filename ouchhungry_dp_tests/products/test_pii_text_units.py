"""``pii_text`` building blocks pinned on small inputs (session 6 mutation pass): the
exact normalised text, and the guards that refuse a newline (the separator of the
one-pass search) if ``fold`` ever stopped removing it."""

from __future__ import annotations

import pyarrow as pa
import pytest

from ouchhungry_dp.products import pii_text
from ouchhungry_dp.products.pii_text import KnownIdentifiers, fold, normalise, words


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


def test_a_chunked_column_folds_and_splits_into_words_like_one_array() -> None:
    chunked = pa.chunked_array([["Maria-Souza", None], ["JOÃO  Lima ١٢"]])
    assert fold(chunked).to_pylist() == ["maria-souza", None, "joao lima 12"]
    assert words(chunked).to_pylist() == ["maria souza", None, "joao lima 12"]


def test_a_letter_kept_by_fold_is_a_letter_in_non_ascii_text() -> None:
    # ß, ø, Greek and CJK survive ``fold``: in a value that is not ASCII they are letters,
    # so they stay inside a word and do not separate digits (the ASCII-only class, which
    # is only for ASCII values, would read them as separators).
    values = pa.array(["Straße 12", "1ø2 e 3ω4", "x-1 2"])
    assert words(values).to_pylist() == ["straße 12", "1ø2 e 3ω4", "x 1 2"]
    assert normalise(values).to_pylist() == ["straße 12", "1ø2 e 3ω4", "x-12"]


def test_only_a_name_is_also_searched_surname_first() -> None:
    # An e-mail and an id are not names: their words are not searched rotated.
    known = KnownIdentifiers(["ana.lima@x.com", "CLI 123", "Maria Souza"])
    values = pa.array(["com ana lima x", "123 cli", "Souza, Maria", "ana.lima@x.com"])
    assert known.hits(values).tolist() == [False, False, True, True]
