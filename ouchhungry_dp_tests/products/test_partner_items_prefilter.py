"""``partner_items`` joins only the rows whose product code the catalogue gives to the
partner (issue 12: a day's million items went through the join and conversions twice per
daily file). It must return exactly what it returned before: ``market_items`` of every
row, then the partner's rows (the oracle below), whatever the catalogue says about a
product's brand and manufacturer, with missing and unknown codes."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ouchhungry_dp.partners.contract import load_contracts
from ouchhungry_dp.products.selection import is_partner, market_items, partner_items

from .conftest import products_frame, rows_frame

CONTRACT = next(c for c in load_contracts() if c.id == "ouchhungry")
_CODES = list(products_frame()["product_code"])
# A partner brand sold by another manufacturer and a rival brand of the partner's
# manufacturer: neither is the partner's (brand *and* manufacturer).
_BRANDS = [*CONTRACT.partner.brand_names, "Rival", None]
_MAKERS = [CONTRACT.partner.manufacturer, "Outra Empresa", None]


def _oracle(transactions: pd.DataFrame, products: pd.DataFrame) -> pd.DataFrame:
    items = market_items(transactions, products)
    return items.loc[is_partner(items, CONTRACT)].reset_index(drop=True)


@settings(max_examples=80, deadline=None)
@given(
    changes=st.lists(st.tuples(st.sampled_from(_CODES), st.sampled_from(_BRANDS),
                               st.sampled_from(_MAKERS)), max_size=8),
    missing_code=st.one_of(st.none(), st.tuples(st.sampled_from(_BRANDS),
                                                st.sampled_from(_MAKERS))),
    sold=st.lists(st.one_of(st.sampled_from(_CODES), st.just("XXX-NAO-0000"), st.none()),
                  max_size=40),
)
def test_partner_items_are_the_market_items_of_the_partner(
        changes: list[tuple[str, str | None, str | None]],
        missing_code: tuple[str | None, str | None] | None,
        sold: list[str | None]) -> None:
    products = products_frame()
    for code, brand, maker in changes:
        row = products["product_code"] == code
        products.loc[row, "brand"], products.loc[row, "manufacturer"] = brand, maker
    if missing_code is not None:  # a catalogue row without a code: the join pairs it
        extra = products.iloc[:1].copy()
        extra.loc[:, ["product_code", "brand", "manufacturer"]] = [pd.NA, *missing_code]
        products = pd.concat([products, extra], ignore_index=True)
    records = [("2026-11-03", f"PED-{i}", f"CLI-{i % 7}", "SP", "São Paulo", code or "", 1 + i % 3,
                9.99) for i, code in enumerate(sold)]
    transactions = rows_frame(records)
    transactions.loc[[c is None for c in sold], "product_code"] = pd.NA
    pd.testing.assert_frame_equal(partner_items(transactions, products, CONTRACT),
                                  _oracle(transactions, products))


def test_the_oracle_sees_partner_and_other_rows() -> None:
    # The property above compares non-trivial frames: the fixture sells both.
    records = [("2026-11-03", f"PED-{i}", "CLI-1", "SP", "São Paulo", code, 1, 9.99)
               for i, code in enumerate(_CODES)]
    expected = _oracle(rows_frame(records), products_frame())
    assert 0 < len(expected) < len(_CODES)
    pd.testing.assert_frame_equal(
        partner_items(rows_frame(records), products_frame(), CONTRACT), expected)
