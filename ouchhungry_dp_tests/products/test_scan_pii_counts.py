"""``scan_pii``'s whole outcome on small hand-made files (session 6 mutation pass): what
is counted per kind, column and row, blanks in number columns, forbidden column names
however they are written, and the row numbers reported.

Counting rule (from the code's docstring and ``record``): a kind's count is the number
of rows flagged, added up over the columns and over the two passes (the patterns on
the text as it is, and those on the normalised text), so one value can count twice.
"""

from __future__ import annotations

import pandas as pd

from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.products.guardrails import scan_pii

from .conftest import products_frame

CONTRACT = get_contract("ouchhungry")  # quantity: integer, unit_price: decimal


def test_a_kind_found_in_two_columns_is_counted_in_both() -> None:
    # "a@b.io": an e-mail for the plain pattern, not for the spelt-out ones (no word
    # cue, no mail provider's name), so one hit per cell.
    frame = pd.DataFrame({"note": ["a@b.io", "Cola"], "obs": ["Cola", "c@d.io"],
                          "extra": ["e@f.io", "g@h.io"]})
    outcome = scan_pii(frame)
    assert outcome.metadata["hits_by_kind"] == {"email": 4}
    assert outcome.metadata["columns_with_hits"] == {"note": ["email"], "obs": ["email"],
                                                     "extra": ["email"]}
    assert outcome.metadata["first_hit_rows"] == [1, 2]
    assert outcome.description == ("Personal data patterns found (email); delivery "
                                   "blocked.")


def test_forbidden_columns_are_counted_and_listed_however_written() -> None:
    frame = pd.DataFrame({" CPF ": ["x"], "Email": ["y"], "product_name": ["Cola"]})
    outcome = scan_pii(frame)
    assert outcome.passed is False
    assert outcome.metadata["hits_by_kind"] == {"forbidden_column": 2}
    assert outcome.metadata["forbidden_columns"] == [" CPF ", "Email"]
    assert outcome.metadata["columns_with_hits"] == {}
    assert outcome.metadata["first_hit_rows"] == []
    assert outcome.metadata["columns_scanned"] == 3
    assert outcome.description == ("Personal data patterns found (forbidden_column); "
                                   "delivery blocked.")


def test_blank_cells_of_a_number_column_are_neither_text_nor_numbers() -> None:
    # A blank quantity is no "not_a_number"; the column stays a number column, so an
    # 8-digit integer in it is an id stored as a number (and not a "cep" of text).
    blanks = pd.DataFrame({"product_name": ["Cola", "Cola", "Cola"],
                           "quantity": ["2", " ", "12345678"]})
    outcome = scan_pii(blanks, contract=CONTRACT)
    assert outcome.metadata["hits_by_kind"] == {"id_like_number": 1}
    assert outcome.metadata["columns_with_hits"] == {"quantity": ["id_like_number"]}
    assert outcome.metadata["first_hit_rows"] == [3]
    assert scan_pii(blanks.iloc[:2], contract=CONTRACT).passed
    # Only blanks: nothing to call a number, nothing flagged.
    assert scan_pii(pd.DataFrame({"quantity": ["", " "]}), contract=CONTRACT).passed


def test_a_text_cell_in_a_number_column_is_flagged_once_blanks_are_not() -> None:
    frame = pd.DataFrame({"quantity": ["2", "", "tres", "4"], "unit_price": ["1.5"] * 4})
    outcome = scan_pii(frame, contract=CONTRACT)
    assert outcome.metadata["hits_by_kind"] == {"not_a_number": 1}
    assert outcome.metadata["first_hit_rows"] == [3]


def test_kinds_of_a_column_are_listed_once_in_the_order_found() -> None:
    # Row 1: an e-mail (plain pattern) that names a provider (spelt-out pattern too);
    # row 2: a CPF (both passes); row 3: a raw customer id (plain pattern only).
    frame = pd.DataFrame({"note": ["joao@gmail.com", "529.982.247-25", "CLI-0001"]})
    outcome = scan_pii(frame)
    assert outcome.metadata["hits_by_kind"] == {"email": 2, "cpf": 2, "raw_id": 1}
    assert outcome.metadata["columns_with_hits"] == {"note": ["email", "cpf", "raw_id"]}
    assert outcome.metadata["first_hit_rows"] == [1, 2, 3]
    assert outcome.description == ("Personal data patterns found (cpf, email, raw_id); "
                                   "delivery blocked.")


def test_the_reported_rows_are_the_first_ones_over_every_column() -> None:
    # Hits in rows 5-6 of one column and 2-3 of another; two reported: the first two
    # rows of the file, not the first column's.
    frame = pd.DataFrame({"a": ["x", "x", "x", "x", "a@b.io", "a@b.io"],
                          "b": ["x", "c@d.io", "c@d.io", "x", "x", "x"]})
    outcome = scan_pii(frame, max_rows_reported=2)
    assert outcome.metadata["first_hit_rows"] == [2, 3]
    assert outcome.metadata["hits_by_kind"] == {"email": 4}
    assert outcome.metadata["rows_scanned"] == 6


def test_known_identifiers_and_catalogue_names_are_counted_where_found() -> None:
    # Row 2: a known customer's name inside the product name and as the whole city
    # (not an official municipality's spelling); rows 2 and 3: a (code, name) pair the
    # cleaned catalogue does not hold.
    frame = pd.DataFrame({
        "product_code": ["REF-HNG-0350", "REF-HNG-0600", "REF-XXX-0001"],
        "product_name": ["Hungry Cola Lata 350ml", "Hungry Cola 600ml p/ Maria Souza",
                         "Hungry Cola 600ml"],
        "city": ["SAO PAULO", "Maria Souza", "SAO PAULO"],
    })
    outcome = scan_pii(frame, known_identifiers=["Maria Souza"], catalogue=products_frame())
    assert outcome.metadata["hits_by_kind"] == {"known_identifier": 2,
                                                "name_not_in_catalogue": 2}
    assert outcome.metadata["columns_with_hits"] == {
        "product_name": ["known_identifier", "name_not_in_catalogue"],
        "city": ["known_identifier"]}
    assert outcome.metadata["first_hit_rows"] == [2, 3]


def test_a_clean_file_passes_with_empty_findings() -> None:
    frame = pd.DataFrame({"product_name": ["Hungry Cola Lata 350ml"], "quantity": ["2"]})
    outcome = scan_pii(frame, contract=CONTRACT)
    assert outcome.passed is True
    assert outcome.description == "No personal data pattern in the outbound file."
    assert outcome.metadata == {"rows_scanned": 1, "columns_scanned": 2, "hits_by_kind": {},
                                "columns_with_hits": {}, "forbidden_columns": [],
                                "first_hit_rows": []}
