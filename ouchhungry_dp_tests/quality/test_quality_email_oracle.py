"""E-mail syntax against an independent oracle, at the edges of every part of the grammar.

The cleaning and the cleaned-customers schema both judge e-mails with
``validators.is_valid_email`` (one RE2 pattern), so a wrong pattern would pass both.
The oracle below is written from the grammar in words (WHATWG "valid e-mail address"
plus a letters-only top-level domain), by splitting and counting, with no regular
expression, and the strategies aim at the places a pattern goes wrong: dots at the ends
of the local part, empty labels, hyphens at label edges, label and TLD lengths 1/2/63/64.
"""

from __future__ import annotations

import string

import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ouchhungry_dp.quality import validators

ATOM = frozenset(string.ascii_lowercase + string.digits + "!#$%&'*+/=?^_`{|}~-")
LABEL = frozenset(string.ascii_lowercase + string.digits + "-")


def email_ok(value: str) -> bool:
    text = value.strip(" \t").lower()
    local, at, domain = text.partition("@")
    if not at or "@" in domain:
        return False
    if not local or any(not part or not set(part) <= ATOM for part in local.split(".")):
        return False
    *labels, tld = domain.split(".")
    if not labels or not 2 <= len(tld) <= 63 or not set(tld) <= set(string.ascii_lowercase):
        return False
    return all(
        1 <= len(label) <= 63 and set(label) <= LABEL and label[0] != "-" and label[-1] != "-"
        for label in labels
    )


# Each part is mostly well formed and sometimes carries one defect, so that about half
# the addresses are valid and most invalid ones are wrong in exactly one place.
def _mostly(good: st.SearchStrategy[str], bad: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(good, good, good, bad)


ATOMS = _mostly(st.sampled_from(["joao", "a", "x+y", "o'neil", "A_B", "~", "9"]),
                st.sampled_from(["", "é", "a b", "a@b", "(a)"]))
LOCALS = st.lists(ATOMS, min_size=1, max_size=3).map(".".join)
LABELS = _mostly(st.one_of(st.sampled_from(["ex", "a", "a-b", "9", "A1", "a--b"]),
                           st.integers(60, 63).map(lambda n: "a" * n)),
                 st.one_of(st.sampled_from(["", "-a", "a-", "é", "a_b"]),
                           st.integers(64, 65).map(lambda n: "a" * n)))
TLDS = _mostly(st.one_of(st.sampled_from(["br", "com", "COM", "ab"]),
                         st.integers(62, 63).map(lambda n: "z" * n)),
               st.one_of(st.sampled_from(["c", "c0", "", "b-r", "é"]), st.just("z" * 64)))
DOMAINS = st.tuples(st.lists(LABELS, min_size=1, max_size=3), TLDS).map(
    lambda parts: ".".join([*parts[0], parts[1]]))
SHAPED = st.tuples(LOCALS, _mostly(st.just("@"), st.sampled_from(["@@", "", "@a@"])), DOMAINS,
                   st.sampled_from(["", " ", "\t"])).map(
    lambda p: f"{p[3]}{p[0]}{p[1]}{p[2]}{p[3]}")
# Free-form strings of the grammar's characters, for what the shapes above miss.
PIECES = st.lists(st.sampled_from([*"aZ9._-+@!'~", "é", " ", "ab", ".br"]), max_size=10).map(
    "".join)


@settings(max_examples=600, deadline=None)
@given(st.one_of(SHAPED, SHAPED, SHAPED, PIECES))
@example("a@" + "b" * 63 + ".br")  # a label of 63 characters: the longest allowed
@example("a@" + "b" * 64 + ".br")
@example("a@b." + "c" * 63)
@example("a@b." + "c" * 64)
@example("a@b.c")
def test_email_validator_agrees_with_an_oracle_written_without_a_pattern(value: str) -> None:
    got = validators.is_valid_email(pd.Series([value], dtype="string[pyarrow]"))
    assert bool(got.iloc[0]) is email_ok(value), value


def test_the_oracle_itself_tells_good_from_bad() -> None:
    # The oracle is only worth something if it can say both (each line a grammar rule).
    assert email_ok("Joao.Silva+promo@Example.com.br")
    assert not email_ok("joao.@example.com")
    assert not email_ok("joao@-example.com")
    assert not email_ok("joao@example.c")
    assert not email_ok("joao@example.c0m")
    assert not email_ok("joao@" + "b" * 64 + ".br")
