"""A CPF, phone or id typed in the decimal digits of another script (session 6).

RE2's ``\\d`` is ASCII only, and NFKD maps fullwidth digits to ASCII but leaves
Arabic-Indic, Devanagari, Bengali... alone: a CPF written ``٥٢٩٩٨٢٢٤٧٢٥`` passed every
pattern of the outbound scan. Each script's digits are taken from Python's Unicode
tables (category Nd), not from the code under test.
"""

from __future__ import annotations

import sys
import unicodedata

import pandas as pd
import pyarrow as pa
import pytest

from ouchhungry_dp.products.guardrails import scan_pii
from ouchhungry_dp.products.pii_text import KnownIdentifiers, fold, normalise, pattern_hits

# The zero of every script with decimal digits other than ASCII (its nine successors
# are its 1-9: Unicode encodes each script's decimal digits contiguously).
ZEROS = [code for code in range(0x80, sys.maxunicode + 1)
         if unicodedata.category(chr(code)) == "Nd" and unicodedata.decimal(chr(code)) == 0]


def _in_script(text: str, zero: int) -> str:
    return "".join(chr(zero + int(c)) if c.isascii() and c.isdigit() else c for c in text)


def test_every_script_has_ten_contiguous_digits() -> None:
    # The premise of ``_in_script``, and more than a handful of scripts to check.
    assert len(ZEROS) > 40
    for zero in ZEROS:
        assert [unicodedata.decimal(chr(zero + i)) for i in range(10)] == list(range(10))


@pytest.mark.parametrize(("typed", "kind"), [
    ("52998224725", "cpf"), ("529.982.247-25", "cpf"), ("98765-4321", "phone"),
    ("+55 11 98765-4321", "phone"),
    ("01310-100", "cep"), ("11.222.333/0001-81", "cnpj"),
])
def test_an_identifier_in_the_digits_of_any_script_is_flagged(typed: str, kind: str) -> None:
    values = pa.array([f"Cola {_in_script(typed, zero)} lata" for zero in ZEROS])
    assert pattern_hits(values)[kind].tolist() == [True] * len(ZEROS)
    assert set(normalise(values).to_pylist()) == set(normalise(pa.array([f"Cola {typed} lata"]))
                                                     .to_pylist())


def test_the_scan_blocks_a_cpf_in_arabic_indic_digits() -> None:
    arabic = _in_script("529.982.247-25", 0x660)
    frame = pd.DataFrame({"product_name": ["Cola 350ml", f"Cola {arabic}"],
                          "units_sold": ["1", "2"]})
    outcome = scan_pii(frame)
    assert not outcome.passed
    assert outcome.metadata["hits_by_kind"]["cpf"] == 1
    assert outcome.metadata["first_hit_rows"] == [2]


def test_a_known_id_typed_in_other_digits_is_the_same_id() -> None:
    known = KnownIdentifiers(["CLI-0042917"])
    values = pa.array([f"entregar {_in_script('CLI-0042917', 0x966)}",
                       _in_script("cli-0042917", 0xFF10), "CLI-0042918", None])
    assert known.hits(values).tolist() == [True, True, False, False]


def test_digits_are_mapped_only_where_a_non_ascii_one_is() -> None:
    # ASCII values stay as they were; an accented value without other digits only folds;
    # other characters around the digits are kept (Arabic letters are not digits).
    values = pa.array(["Sabor 2x", "São Paulo ١٢", "شاي ٣", "١٫٥ لتر", None])
    assert fold(values).to_pylist() == ["sabor 2x", "sao paulo 12", "شاي 3", "1٫5 لتر", None]


def test_other_digits_in_a_large_string_column_are_folded() -> None:
    # DuckDB hands text over as large_string: the mapped values must take the column's
    # type (Arrow has no kernel that puts string values into a large_string column).
    values = pa.array(["Maria Souza ١٢", "doc ٥٢٩٫٩٨٢٫٢٤٧-٢٥ não", "x"], type=pa.large_string())
    assert fold(values).to_pylist() == ["maria souza 12", "doc 529٫982٫247-25 nao", "x"]
    assert pattern_hits(values)["cpf"].tolist() == [False, True, False]
    known = KnownIdentifiers(["CLI-12"])
    assert known.hits(pa.array(["pedido CLI-١٢", "CLI-13"], type=pa.large_string())
                      ).tolist() == [True, False]
