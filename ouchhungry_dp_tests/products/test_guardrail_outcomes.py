"""What the product-name allowlist and the pseudonym check report, exactly: the check's
result and metadata become the asset check the data team reads (row numbers, never
the text), so every field is pinned on small hand-written frames."""

from __future__ import annotations

import pandas as pd

from ouchhungry_dp.privacy.pseudonymize import pseudonymize
from ouchhungry_dp.products.guardrails import product_names_from_catalogue, pseudonym_properties

CATALOGUE = pd.DataFrame({
    "product_code": ["P1", "P2", "P3"],
    "product_name": ["Hungry Cola 350ml", "Ouch Batata 100g", "Ouch Chips 50g"],
    "brand": ["Hungry", "Ouch", "Ouch"],
    "manufacturer": ["OuchHungry"] * 3,
    "segment": ["drinks", "snacks", "snacks"],
})
KEY = b"guardrail-outcomes-key-0123456789"
SALT = "ouchhungry"


def test_a_file_without_names_or_rows_passes_with_nothing_checked() -> None:
    no_column = pd.DataFrame({"product_code": ["P1", "XX"], "quantity": [1, 2]})
    empty = pd.DataFrame({"product_code": pd.Series(dtype="string"),
                          "product_name": pd.Series(dtype="string")})
    for file in (no_column, empty):
        outcome = product_names_from_catalogue(file, CATALOGUE)
        assert outcome.passed is True
        assert outcome.description == "No product names in the file."
        assert outcome.metadata == {"rows_checked": len(file), "rows_not_allowed": 0,
                                    "first_rows_not_allowed": []}


def test_catalogue_names_pass_with_every_row_counted() -> None:
    file = CATALOGUE.loc[[0, 1, 1, 2], ["product_code", "product_name"]]
    outcome = product_names_from_catalogue(file, CATALOGUE)
    assert outcome.passed is True
    assert outcome.description == "Every product name is a cleaned catalogue name."
    assert outcome.metadata == {"rows_checked": 4, "rows_not_allowed": 0,
                                "first_rows_not_allowed": []}


def test_names_of_another_code_or_typed_text_fail_and_report_at_most_20_rows() -> None:
    bad = [("P1", "Ouch Batata 100g")] + [("P2", f"Ouch Batata ligue {i}") for i in range(22)]
    file = pd.DataFrame([("P3", "Ouch Chips 50g"), *bad],
                        columns=["product_code", "product_name"])
    outcome = product_names_from_catalogue(file, CATALOGUE)
    assert outcome.passed is False
    assert outcome.description == (
        "23 rows carry a product name that is not the cleaned catalogue's.")
    assert outcome.metadata == {"rows_checked": 24, "rows_not_allowed": 23,
                                "first_rows_not_allowed": list(range(2, 22))}
    assert "ligue" not in repr(outcome.metadata)


def test_a_missing_pseudonym_in_the_file_is_a_bad_format() -> None:
    raw = pd.DataFrame({"order_id": ["PED-1", "PED-2"], "customer_id": ["CLI-1", "CLI-2"],
                        "sale_date": ["2026-11-05", "2026-11-05"]})
    daily = pd.DataFrame({
        "order_id": pseudonymize(raw["order_id"], key=KEY, salt=SALT, scope="2026-11"),
        "customer_id": pseudonymize(raw["customer_id"], key=KEY, salt=SALT, scope="2026-11"),
    })
    assert pseudonym_properties(daily, raw, key=KEY, salt=SALT).passed
    daily.loc[1, "customer_id"] = None
    outcome = pseudonym_properties(daily, raw, key=KEY, salt=SALT)
    assert not outcome.passed
    assert outcome.metadata["customer_id_bad_format"] == 1
    assert outcome.metadata["order_id_bad_format"] == 0
