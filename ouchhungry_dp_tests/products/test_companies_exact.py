"""``company_key`` word by word: every legal form, the "S.A." pair, what is never merged.

The expected keys are written by hand from the module's rule (lower case, accents
and punctuation dropped, trailing Brazilian legal forms removed, never an empty key).
"""

from __future__ import annotations

import pandas as pd
import pytest

from ouchhungry_dp.products.companies import company_key, company_keys, same_company


@pytest.mark.parametrize(("name", "key"), [
    ("Acme Ltda", "acme"),
    ("Acme ME", "acme"),
    ("Acme EPP", "acme"),
    ("Acme Eireli", "acme"),
    ("Acme SA", "acme"),
    ("Acme Cia", "acme"),
    ("Acme Cia. Ltda.", "acme"),  # several trailing forms
    ("Acme S.A.", "acme"),  # the pair "s", "a" after one word
    ("Norte Sul S/A", "nortesul"),
    ("Ltda Acme", "ltdaacme"),  # only trailing words are forms
    ("S.A.", "sa"),  # only the pair: kept, not an empty key
    ("ME", "me"),
    ("São Paulo Águas", "saopauloaguas"),
    ("Ａｃｍｅ", "acme"),  # full-width letters fold to ASCII
])
def test_company_key(name: str, key: str) -> None:
    assert company_key(name) == key


def test_same_company_is_false_for_missing_and_other_names() -> None:
    makers = pd.Series(["OuchHungry", None, "Ouch Hungry S/A", "Ouch Foods"], dtype="string")
    same = same_company(makers, "OUCHHUNGRY LTDA.")
    assert same.tolist() == [True, False, True, False]
    assert same.dtype == bool


def test_company_keys_per_value_keep_the_index_and_missing_values() -> None:
    makers = pd.Series(["Co B", None, "CO B LTDA.", "Co C"], index=[7, 3, 5, 1], dtype=object)
    keys = company_keys(makers)
    assert str(keys.dtype) == "string"
    assert keys.index.tolist() == [7, 3, 5, 1]
    assert keys.tolist() == ["cob", pd.NA, "cob", "coc"]
