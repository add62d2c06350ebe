"""Segment shares (session 6 mutation pass): the level choice of ``_brand_shares``, the
two-brand rule of ``add_segment_shares`` and ``dominance_allows`` on bad input, each on a
market summed by hand (helpers and the contract (3; 2, 85) of
``test_segment_share_exact.py``)."""

from __future__ import annotations

import pandas as pd
import pytest

from ouchhungry_dp.products.segment_share import add_segment_shares, dominance_allows

from .test_segment_share_exact import (
    BASE,
    HUNGRY_CELLS,
    PARTNER,
    PRIVACY,
    SEG,
    cells,
    market,
    sale,
    shares_of,
)


def test_a_company_total_that_is_not_a_number_is_refused_not_read_as_zero() -> None:
    # Read as 0, "many" would hide the largest company: [0, 10, 10] fails the rule for
    # another reason, [0, 1, 1, 1] (top 2 = 67 %) would pass.
    with pytest.raises(ValueError):
        dominance_allows(pd.Series(["many", "1", "1", "1"], dtype=object), 2, 85)
    # Numbers written as text are numbers.
    assert dominance_allows(pd.Series(["1", "1", "1"], dtype=object), 2, 60) is False
    assert dominance_allows(pd.Series(["10", "10", "10", "10"], dtype=object), 2, 50) is True


def _national(rows: pd.DataFrame, brand: str) -> tuple[float, float, str]:
    segment = rows.loc[rows["segment"] == SEG]
    own = segment.loc[segment["brand"] == brand]
    return (round(int(own["amount_cents"].sum()) / int(segment["amount_cents"].sum()), 4),
            round(int(own["quantity"].sum()) / int(segment["quantity"].sum()), 4), "country")


# MG: Hungry beside one competitor only: MG fails, so Hungry's cells take the country.
MG = market(sale("MG", "BELO HORIZONTE", "Hungry", "OuchHungry", 400, 4),
            sale("MG", "BELO HORIZONTE", "Cola A", "Co A", 400, 4))
HUNGRY_WITH_MG = pd.concat([HUNGRY_CELLS, cells(("MG", "BELO HORIZONTE", "city", "Hungry"))],
                           ignore_index=True)
# Ouch's one cell, SAO PAULO: A, B, C (1000, 900, 800 c; 5, 4, 3 u): a cell share alone.
OUCH_CELL = cells(("SP", "SAO PAULO", "city", "Ouch"))


def test_a_partner_brand_at_country_level_takes_the_other_brand_there_too() -> None:
    rows = pd.concat([BASE, MG], ignore_index=True)
    alone = add_segment_shares(OUCH_CELL, rows, partner_brands=PARTNER, privacy=PRIVACY)
    # SAO PAULO's segment: 1234 + 66 + 1000 + 900 + 800 = 4000 c, 7 + 1 + 5 + 4 + 3 = 20 u.
    assert shares_of(alone) == [(round(66 / 4000, 4), round(1 / 20, 4), "cell")]
    both = pd.concat([HUNGRY_WITH_MG, OUCH_CELL], ignore_index=True)
    out = add_segment_shares(both, rows, partner_brands=PARTNER, privacy=PRIVACY)
    assert shares_of(out) == [_national(rows, "Hungry")] * 6 + [_national(rows, "Ouch")]


def test_a_suppressed_partner_brand_suppresses_the_other_brand_too() -> None:
    # Co A's huge sales in BA make the country fail the dominance rule (top 2 companies
    # far above 85 %); SP and RJ still pass at their own levels, MG does not, so Hungry
    # is suppressed, and Ouch, alone at cell level in SAO PAULO, with it.
    huge = market(sale("BA", "SALVADOR", "Cola A", "Co A", 1_000_000, 10_000))
    rows = pd.concat([BASE, MG, huge], ignore_index=True)
    alone = add_segment_shares(OUCH_CELL, rows, partner_brands=PARTNER, privacy=PRIVACY)
    assert shares_of(alone) == [(round(66 / 4000, 4), round(1 / 20, 4), "cell")]
    both = pd.concat([HUNGRY_WITH_MG, OUCH_CELL], ignore_index=True)
    out = add_segment_shares(both, rows, partner_brands=PARTNER, privacy=PRIVACY)
    assert shares_of(out) == [(None, None, "suppressed")] * 7


def test_a_state_without_a_residual_cell_counts_in_the_country_cell() -> None:
    # SP has a city cell but no residual cell: CAMPINAS belongs to the country residual
    # beside VITORIA. RJ has only its residual cell: RIO and NITEROI are in it.
    decision = cells(("SP", "SAO PAULO", "city", "Hungry"), ("RJ", "*", "state", "Hungry"),
                     ("*", "*", "country", "Hungry"))
    out = add_segment_shares(decision, BASE, partner_brands=PARTNER, privacy=PRIVACY)
    # RJ: Hungry 600 / 6 of 1200 / 12 (A 400, B 100, C 100: top 2 = 83.3 %).
    # Country residual: CAMPINAS + VITORIA = Hungry 550 / 5 of 1800 / 16 (companies A, B,
    # C, D, E: top 2 = D 450 + B 250 = 56 % of 1250 c, D 4 + A 2 = 6 of 11 u).
    assert shares_of(out) == [(round(1234 / 4000, 4), round(7 / 20, 4), "cell"),
                              (0.5, 0.5, "cell"),
                              (round(550 / 1800, 4), round(5 / 16, 4), "cell")]


def test_country_is_coarser_than_state_for_two_partner_brands() -> None:
    # Ouch alone: NITEROI beside one competitor, so the RJ share (state). Hungry: the
    # country (MG fails). The coarser of the two is the country ("state" sorts after
    # "country" by name, not by level).
    ouch = market(sale("RJ", "NITEROI", "Ouch", "OuchHungry", 50, 1))
    rows = pd.concat([BASE, MG, ouch], ignore_index=True)
    niteroi = cells(("RJ", "NITEROI", "city", "Ouch"))
    alone = add_segment_shares(niteroi, rows, partner_brands=PARTNER, privacy=PRIVACY)
    assert [level for *_, level in shares_of(alone)] == ["state"]
    both = pd.concat([HUNGRY_WITH_MG, niteroi], ignore_index=True)
    out = add_segment_shares(both, rows, partner_brands=PARTNER, privacy=PRIVACY)
    assert shares_of(out) == [_national(rows, "Hungry")] * 6 + [_national(rows, "Ouch")]
