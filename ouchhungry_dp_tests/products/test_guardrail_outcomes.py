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
KEY = b"guardrail-outcomes-key-0123456789"  # pragma: allowlist secret (a test key)
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


RAW = pd.DataFrame({"order_id": ["PED-1", "PED-2", "PED-3", "PED-4"],
                    "customer_id": ["CLI-1", "CLI-2", "CLI-3", "CLI-4"],
                    "sale_date": ["2026-11-05", "2026-11-05", "2026-12-02", "2026-12-02"]})


def file_of(raw: pd.DataFrame, *, salt: str = SALT, shift: int = 0) -> pd.DataFrame:
    """The file's pseudonyms as a builder would write them (``shift=-1``: the previous
    month's scope, i.e. not rotated)."""
    months = pd.to_datetime(raw["sale_date"]).dt.to_period("M")
    out = {}
    for column in ("order_id", "customer_id"):
        parts = [pseudonymize(raw.loc[months == m, column], key=KEY, salt=salt,
                              scope=str(m + shift)) for m in sorted(months.unique())]
        out[column] = pd.concat(parts).sort_index()
    return pd.DataFrame(out)


def test_the_pseudonym_outcome_names_every_problem() -> None:
    good = pseudonym_properties(file_of(RAW), RAW, key=KEY, salt=SALT)
    assert good.passed is True
    assert good.description == (
        "Pseudonyms are well formed, collision-free, rotated monthly, per partner.")
    stale = pseudonym_properties(file_of(RAW, shift=-1), RAW, key=KEY, salt=SALT)
    assert stale.passed is False
    # Counted over both months of the file, not only the last.
    assert stale.metadata["customer_id_not_rotated"] == 4
    assert stale.metadata["order_id_not_rotated"] == 4
    assert stale.description == (
        "Pseudonym problems: customer_id_not_rotated, order_id_not_rotated")


def test_a_file_built_with_another_partners_salt_is_linkable_in_its_month() -> None:
    outcome = pseudonym_properties(file_of(RAW, salt="crocante"), RAW, key=KEY, salt=SALT,
                                   other_salts=["crocante"])
    assert outcome.metadata["linkable_across_partners"] == 8  # 4 rows x 2 columns
    assert not outcome.passed


def test_another_partner_configured_with_our_salt_is_linkable_whatever_the_file_holds() -> None:
    garbage = pd.DataFrame({"order_id": ["zz"] * 4, "customer_id": ["zz"] * 4})
    outcome = pseudonym_properties(garbage, RAW, key=KEY, salt=SALT, other_salts=[SALT])
    assert outcome.metadata["linkable_across_partners"] == 8


def _transactions(*codes: str) -> pd.DataFrame:
    n = len(codes)
    return pd.DataFrame({
        "order_id": [f"PED-{i}" for i in range(n)], "customer_id": [f"CLI-{i}" for i in range(n)],
        "product_code": list(codes), "quantity": [1] * n, "total_amount": [5.0] * n,
        "unit_price": [5.0] * n, "sale_date": ["2026-11-05"] * n, "city": ["SAO PAULO"] * n,
        "state": ["SP"] * n,
    })


def test_a_quarantined_product_names_the_partner_by_brand_or_by_manufacturer() -> None:
    """A typo in either field of the quarantined raw row still names the partner, so its
    sale (gone from the catalogue join) is a lost partner row."""
    from ouchhungry_dp.partners.contract import get_contract
    from ouchhungry_dp.products.guardrails import partner_rows_conserved

    contract = get_contract("ouchhungry")
    quarantined = pd.DataFrame({
        "product_code": ["Q-BRAND", "Q-MAKER", "Q-OTHER"],
        "brand": ["Hungry", "Hungri", "Crocante"],
        "manufacturer": ["Ouch Hungri Ltda", "OuchHungry", "Crocante SA"],
    })
    daily = pd.DataFrame({"order_id": ["x"]})  # the one catalogue partner row (P1)
    for code, lost in (("Q-BRAND", 1), ("Q-MAKER", 1), ("Q-OTHER", 0)):
        outcome = partner_rows_conserved(daily, _transactions("P1", code), CATALOGUE,
                                         contract, quarantined)
        assert outcome.metadata["partner_rows_lost"] == lost, code
        assert outcome.passed is (lost == 0)


def test_partner_rows_conserved_reports_its_counts_without_a_quarantine_given() -> None:
    from ouchhungry_dp.partners.contract import get_contract
    from ouchhungry_dp.products.guardrails import partner_rows_conserved

    contract = get_contract("ouchhungry")
    tx = _transactions("P1", "P2", "P3")
    whole = pd.DataFrame({"order_id": ["a", "b", "c"]})
    outcome = partner_rows_conserved(whole, tx, CATALOGUE, contract)
    assert outcome.passed is True
    assert outcome.description == "Every partner row of the cleaned transactions is in the file."
    assert outcome.metadata == {"partner_rows_cleaned": 3, "partner_rows_in_file": 3,
                                "rows_without_catalogue_row": 0, "partner_rows_lost": 0}
    # A product in neither table cannot be told apart from a partner's: lost.
    outcome = partner_rows_conserved(whole.head(2), _transactions("P1", "P2", "P3", "NOWHERE"),
                                     CATALOGUE, contract)
    assert outcome.passed is False
    assert outcome.metadata == {"partner_rows_cleaned": 3, "partner_rows_in_file": 2,
                                "rows_without_catalogue_row": 1, "partner_rows_lost": 1}
    assert outcome.description.startswith("1 partner (or unidentifiable) rows")
