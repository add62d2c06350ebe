"""``scan_pii`` on the bytes as sent: empty cells and text spelt like a missing value are
scanned as text, the contract's number columns are held to numbers, and at most
``max_rows_reported`` row numbers are reported."""

from __future__ import annotations

import pandas as pd

from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.products.guardrails import scan_pii

CONTRACT = get_contract("ouchhungry")


def test_empty_cells_and_na_spellings_are_read_as_text_not_dropped() -> None:
    csv = ("product_name,quantity,note\n"
           "Hungry Cola,2,\n"
           "NA,1,joao@exemplo.com.br\n"
           ",3,null\n")
    for sent in (csv, csv.encode("utf-8")):
        outcome = scan_pii(sent)
        assert outcome.passed is False
        assert outcome.metadata["rows_scanned"] == 3
        assert outcome.metadata["hits_by_kind"] == {"email": 1}
        assert outcome.metadata["columns_with_hits"] == {"note": ["email"]}
        assert outcome.metadata["first_hit_rows"] == [2]


def test_a_contract_number_column_holding_text_is_flagged_and_text_columns_are_not() -> None:
    clean = pd.DataFrame({"product_name": ["Hungry Cola 350ml"], "quantity": ["2"],
                          "unit_price": ["5.50"]})
    assert scan_pii(clean, contract=CONTRACT).passed
    typed = clean.assign(quantity=["dois"])
    outcome = scan_pii(typed, contract=CONTRACT)
    assert outcome.metadata["hits_by_kind"] == {"not_a_number": 1}
    assert outcome.metadata["columns_with_hits"] == {"quantity": ["not_a_number"]}
    # Without the contract a text column is just text.
    assert scan_pii(typed).passed


def test_at_most_twenty_hit_rows_are_reported_by_default() -> None:
    frame = pd.DataFrame({"note": [f"cliente{i}@exemplo.com" for i in range(25)]})
    outcome = scan_pii(frame)
    assert outcome.metadata["hits_by_kind"] == {"email": 25}
    assert outcome.metadata["first_hit_rows"] == list(range(1, 21))
