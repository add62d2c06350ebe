"""The (n, k) dominance rule at its boundary, and where it applies."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.products.segment_share import (
    add_segment_shares,
    dominance_allows,
    share_publishable,
)

CONTRACT = get_contract("ouchhungry")


@settings(max_examples=200, deadline=None)
@given(rest=st.integers(1, 10_000), n=st.integers(1, 3), k=st.integers(50, 95))
def test_exactly_k_percent_passes_one_cent_more_fails(rest: int, n: int, k: int) -> None:
    """Top n companies at exactly k % of the competitors' total pass; a cent more fails.
    The top n hold ``top`` cents, spread evenly; the others hold ``rest``, each smaller."""
    total = 100 * rest * (n + 1)  # k % of it is an integer number of cents
    top = total * k // 100
    others = total - top
    # Enough small companies that none of them exceeds a top company.
    smalls = [others // (n * 10)] * (n * 10)
    smalls[-1] += others - sum(smalls)
    per_top = [top // n] * n
    per_top[-1] += top - sum(per_top)
    if min(per_top) < max(smalls):
        return  # the n largest would not be the "top" ones: not this boundary
    at_k = pd.Series(per_top + smalls, dtype="int64")
    assert dominance_allows(at_k, n, k)
    above = at_k.copy()
    above.iloc[0] += 1
    above.iloc[-1] -= 1
    assert not dominance_allows(above, n, k)


def test_default_rule_is_two_companies_at_85_percent() -> None:
    assert (CONTRACT.privacy.dominance_n, CONTRACT.privacy.dominance_k_percent) == (2, 85.0)
    assert dominance_allows(pd.Series([50, 35, 15]), 2, 85)
    assert not dominance_allows(pd.Series([50, 36, 14]), 2, 85)
    assert dominance_allows(pd.Series([0, 0]), 2, 85)  # nothing sold: nothing to protect


def _rows(revenue_by_company: dict[str, int]) -> pd.DataFrame:
    rows = [("Hungry", "OuchHungry", 1000)] + [
        (f"B-{company}", company, cents) for company, cents in revenue_by_company.items()]
    return pd.DataFrame(rows, columns=["brand", "manufacturer", "amount_cents"]).assign(
        quantity=1)


def test_share_needs_enough_companies_and_no_dominant_one() -> None:
    partner = {"Hungry", "Ouch"}
    assert share_publishable(_rows({"A": 40, "B": 35, "C": 25}), partner, CONTRACT.privacy)
    assert not share_publishable(_rows({"A": 92, "B": 4, "C": 4}), partner, CONTRACT.privacy)
    assert not share_publishable(_rows({"A": 50, "B": 50}), partner, CONTRACT.privacy)


def test_segment_shares_need_only_the_cells_and_the_market_sums() -> None:
    """``add_segment_shares(cells, market)``: the market as rows or summed per segment,
    location, manufacturer and brand gives the same shares (what the engine passes)."""
    contract = get_contract("ouchhungry")
    partner = sorted(contract.partner.brand_names)[0]
    sellers = [(partner, contract.partner.manufacturer), ("B", "Co B"), ("C", "Co C"),
               ("D", "Co D"), ("E", "Co E")]
    rows = pd.DataFrame(
        [{"segment": "snacks", "state": "SP", "city": "SANTOS", "brand": b,
          "manufacturer": m, "amount_cents": 1000 + 7 * i + j, "quantity": 1 + j}
         for i, (b, m) in enumerate(sellers) for j in range(3)])
    summed = rows.groupby(["segment", "state", "city", "manufacturer", "brand"],
                          as_index=False)[["amount_cents", "quantity"]].sum()
    cells = pd.DataFrame({"pub_state": ["SP"], "pub_city": ["SANTOS"],
                          "location_level": ["city"], "brand": [partner],
                          "segment": ["snacks"]})
    shares = [add_segment_shares(cells, market, partner_brands={partner},
                                 privacy=contract.privacy) for market in (rows, summed)]
    pd.testing.assert_frame_equal(shares[0], shares[1])
    assert shares[0]["segment_share_level"].tolist() == ["cell"]
    assert shares[0]["segment_share"].iloc[0] == round(
        rows.loc[rows["brand"] == partner, "amount_cents"].sum() / rows["amount_cents"].sum(), 4)
