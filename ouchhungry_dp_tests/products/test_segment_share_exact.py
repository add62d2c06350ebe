"""Segment shares and their levels, pinned on a hand-summed market (contract (3; 2, 85)).

Every expected share is written as the fraction of the cents (or units) placed in
the market below, every level from the rules in ``products.segment_share``'s
docstring: >= 3 competing companies and the 2 largest holding <= 85 % of their
revenue and units at the row's own geography, else the state (all cells of the
state together), else the country (every cell together), else suppressed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.products.segment_share import (
    add_segment_shares,
    dominance_allows,
    share_publishable,
)

PRIVACY = get_contract("ouchhungry").privacy  # 3 companies, (2, 85)
PARTNER = {"Hungry", "Ouch"}
SEG = "refrigerantes"


def sale(state: str, city: str, brand: str, maker: str, cents: int, units: int,
         segment: str | None = SEG) -> dict:
    return {"segment": segment, "state": state, "city": city, "manufacturer": maker,
            "brand": brand, "amount_cents": cents, "quantity": units}


def market(*rows: dict) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows))
    return frame.astype({"segment": "string", "state": "string", "city": "string",
                         "manufacturer": "string", "brand": "string",
                         "amount_cents": "int64", "quantity": "int64"})


def cells(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["pub_state", "pub_city", "location_level", "brand"])
    return frame.assign(segment=SEG).astype("string")


HUNGRY_CELLS = cells(("SP", "SAO PAULO", "city", "Hungry"), ("SP", "*", "state", "Hungry"),
                     ("RJ", "RIO DE JANEIRO", "city", "Hungry"), ("RJ", "*", "state", "Hungry"),
                     ("*", "*", "country", "Hungry"))

# SP SAO PAULO: Hungry 1234 c / 7 u; A, B, C: 3 companies, top 2 = 1900 / 2700 c and
#   9 / 12 u: allowed. Ouch (the partner's, not a competitor) 66 c / 1 u in the segment.
# SP residual (CAMPINAS): Hungry 300 / 3; A, D, E: top 2 = 400 / 500 (80 %): allowed.
# RJ RIO DE JANEIRO: Hungry 500 / 5; A, B, C 100 / 1 each: allowed.
# RJ residual (NITEROI): Hungry 100 / 1; A 300 / 3: one company, not allowed, so both RJ
#   cells take the RJ share: Hungry 600 / 6; A 400 / 4, B, C 100 / 1: top 2 = 500 / 600
#   (83.3 %): allowed.
# Country cell (ES): Hungry 250 / 2; B, C, D 250 / 2 each: allowed.
# Noise that must not count: another segment in SAO PAULO, a row without segment.
BASE = market(
    sale("SP", "SAO PAULO", "Hungry", "OuchHungry", 1234, 7),
    sale("SP", "SAO PAULO", "Ouch", "OuchHungry", 66, 1),
    sale("SP", "SAO PAULO", "Cola A", "Co A", 1000, 5),
    sale("SP", "SAO PAULO", "Cola B", "Co B", 900, 4),
    sale("SP", "SAO PAULO", "Cola C", "Co C", 800, 3),
    sale("SP", "CAMPINAS", "Hungry", "OuchHungry", 300, 3),
    sale("SP", "CAMPINAS", "Cola A", "Co A", 200, 2),
    sale("SP", "CAMPINAS", "Cola D", "Co D", 200, 2),
    sale("SP", "CAMPINAS", "Cola E", "Co E", 100, 1),
    sale("RJ", "RIO DE JANEIRO", "Hungry", "OuchHungry", 500, 5),
    sale("RJ", "RIO DE JANEIRO", "Cola A", "Co A", 100, 1),
    sale("RJ", "RIO DE JANEIRO", "Cola B", "Co B", 100, 1),
    sale("RJ", "RIO DE JANEIRO", "Cola C", "Co C", 100, 1),
    sale("RJ", "NITEROI", "Hungry", "OuchHungry", 100, 1),
    sale("RJ", "NITEROI", "Cola A", "Co A", 300, 3),
    sale("ES", "VITORIA", "Hungry", "OuchHungry", 250, 2),
    sale("ES", "VITORIA", "Cola B", "Co B", 250, 2),
    sale("ES", "VITORIA", "Cola C", "Co C", 250, 2),
    sale("ES", "VITORIA", "Cola D", "Co D", 250, 2),
    sale("SP", "SAO PAULO", "Chips", "Chips Co", 99_000, 90, segment="salgados"),
    sale("SP", "SAO PAULO", "Cola Z", "Co Z", 50_000, 50, segment=None),
)


def shares_of(frame: pd.DataFrame) -> list[tuple[float, float, str]]:
    return [(None if pd.isna(r) else round(float(r), 4), None if pd.isna(u) else
             round(float(u), 4), str(level)) for r, u, level in
            frame[["segment_share", "segment_units_share", "segment_share_level"]].itertuples(
                index=False)]


def first_cell_shares(rows: pd.DataFrame) -> list[tuple[float, float, str]]:
    """Hungry's SAO PAULO cell alone over ``rows``."""
    return shares_of(add_segment_shares(HUNGRY_CELLS.iloc[:1], rows, partner_brands=PARTNER,
                                        privacy=PRIVACY))


def test_cell_and_state_shares_of_a_hand_summed_market() -> None:
    out = add_segment_shares(HUNGRY_CELLS, BASE, partner_brands=PARTNER, privacy=PRIVACY)
    assert shares_of(out) == [
        (round(1234 / (1234 + 66 + 1000 + 900 + 800), 4), round(7 / (7 + 1 + 5 + 4 + 3), 4),
         "cell"),
        (round(300 / 800, 4), round(3 / 8, 4), "cell"),
        (round(600 / 1200, 4), round(6 / 12, 4), "state"),
        (round(600 / 1200, 4), round(6 / 12, 4), "state"),
        (0.25, 0.25, "cell"),
    ]
    assert out[["segment_share", "segment_units_share"]].dtypes.astype(str).tolist() == [
        "Float64", "Float64"]
    assert str(out["segment_share_level"].dtype) == "string"
    pd.testing.assert_frame_equal(out[list(HUNGRY_CELLS.columns)], HUNGRY_CELLS)


def test_shares_are_rounded_to_four_decimals() -> None:
    out = add_segment_shares(HUNGRY_CELLS.iloc[:1], BASE, partner_brands=PARTNER,
                             privacy=PRIVACY)
    # 1234 / 4000 = 0.3085 exactly; 7 / 20 = 0.35.
    assert out["segment_share"].tolist() == [0.3085]
    assert out["segment_units_share"].tolist() == [0.35]


def test_a_state_that_fails_at_its_own_level_sends_every_cell_to_the_country() -> None:
    # MG: Hungry and one competitor only, in the city and in the whole state: the state
    # fails, so every cell of the brand takes the national share.
    extra = market(sale("MG", "BELO HORIZONTE", "Hungry", "OuchHungry", 400, 4),
                   sale("MG", "BELO HORIZONTE", "Cola A", "Co A", 400, 4))
    both = pd.concat([BASE, extra], ignore_index=True)
    mg = cells(("MG", "BELO HORIZONTE", "city", "Hungry"))
    out = add_segment_shares(pd.concat([HUNGRY_CELLS, mg], ignore_index=True), both,
                             partner_brands=PARTNER, privacy=PRIVACY)
    segment = both.loc[both["segment"] == SEG]
    revenue = 1234 + 300 + 500 + 100 + 250 + 400
    units = 7 + 3 + 5 + 1 + 2 + 4
    national = (round(revenue / int(segment["amount_cents"].sum()), 4),
                round(units / int(segment["quantity"].sum()), 4), "country")
    assert shares_of(out) == [national] * 6


def test_a_country_that_fails_suppresses_every_share() -> None:
    lone = market(sale("SP", "SAO PAULO", "Hungry", "OuchHungry", 500, 5),
                  sale("SP", "SAO PAULO", "Cola A", "Co A", 100, 1),
                  sale("SP", "SAO PAULO", "Cola B", "Co B", 100, 1))
    out = add_segment_shares(HUNGRY_CELLS.iloc[:2], lone, partner_brands=PARTNER,
                             privacy=PRIVACY)
    assert shares_of(out) == [(None, None, "suppressed")] * 2
    assert out["segment_share"].isna().all()


def test_a_dominant_company_in_units_alone_withholds_the_cell_share() -> None:
    # Revenue is spread (top 2 = 2/3), but Co A sold 90 of the 100 competitor units:
    # the cell fails on units, the state (same rows) too, the country as well.
    rows = market(sale("SP", "SAO PAULO", "Hungry", "OuchHungry", 300, 3),
                  sale("SP", "SAO PAULO", "Cola A", "Co A", 100, 90),
                  sale("SP", "SAO PAULO", "Cola B", "Co B", 100, 5),
                  sale("SP", "SAO PAULO", "Cola C", "Co C", 100, 5))
    assert first_cell_shares(rows) == [(None, None, "suppressed")]
    spread = rows.assign(quantity=[3, 30, 30, 40])
    assert first_cell_shares(spread) == [(0.5, round(3 / 103, 4), "cell")]


def test_the_partners_other_brand_is_never_a_competitor() -> None:
    # Two competing companies and Ouch: with Ouch counted, 3 "companies" would pass.
    rows = market(sale("SP", "SAO PAULO", "Hungry", "OuchHungry", 300, 3),
                  sale("SP", "SAO PAULO", "Ouch", "Ouch Foods", 100, 1),
                  sale("SP", "SAO PAULO", "Cola A", "Co A", 100, 1),
                  sale("SP", "SAO PAULO", "Cola B", "Co B", 100, 1))
    assert first_cell_shares(rows) == [(None, None, "suppressed")]
    assert not share_publishable(rows, PARTNER, PRIVACY)
    assert share_publishable(rows, {"Hungry"}, PRIVACY)  # Ouch as a third company


def test_share_publishable_at_the_count_and_dominance_edges() -> None:
    three = market(sale("SP", "X", "Hungry", "OuchHungry", 1, 1),
                   sale("SP", "X", "A", "Co A", 40, 4), sale("SP", "X", "B", "Co B", 45, 4),
                   sale("SP", "X", "C", "Co C", 15, 2))
    assert share_publishable(three, PARTNER, PRIVACY)  # top 2 = exactly 85 % of cents, 80 % u
    assert not share_publishable(three.assign(quantity=[1, 5, 4, 1]), PARTNER, PRIVACY)
    assert not share_publishable(three.iloc[:3], PARTNER, PRIVACY)  # two companies
    assert not share_publishable(three.iloc[:1], PARTNER, PRIVACY)  # no competitor
    # Two spellings of Co A are one company: two companies left.
    spelt = three.assign(manufacturer=["OuchHungry", "Co A", "CO A LTDA.", "Co C"])
    assert not share_publishable(spelt, PARTNER, PRIVACY)


def test_two_partner_brands_of_a_segment_take_the_coarser_level_together() -> None:
    # Ouch sells only in NITEROI, published as a city beside one competitor: alone it is
    # at the RJ state level (RJ passes). Hungry alone is at cell level. Together both use
    # the state level: Hungry's SP cells fall back to SP's whole-state share.
    ouch = market(sale("RJ", "NITEROI", "Ouch", "OuchHungry", 50, 1))
    both = pd.concat([BASE, ouch], ignore_index=True)
    two = pd.concat([HUNGRY_CELLS.iloc[:2], cells(("RJ", "NITEROI", "city", "Ouch"))],
                    ignore_index=True)
    out = add_segment_shares(two, both, partner_brands=PARTNER, privacy=PRIVACY)
    sp_total = 1234 + 66 + 1000 + 900 + 800 + 300 + 200 + 200 + 100
    sp_units = 7 + 1 + 5 + 4 + 3 + 3 + 2 + 2 + 1
    rj_total, rj_units = 1200 + 50, 12 + 1
    assert shares_of(out) == [
        (round(1534 / sp_total, 4), round(10 / sp_units, 4), "state"),
        (round(1534 / sp_total, 4), round(10 / sp_units, 4), "state"),
        (round(50 / rj_total, 4), round(1 / rj_units, 4), "state"),
    ]


def test_no_cells_give_the_typed_empty_columns() -> None:
    out = add_segment_shares(HUNGRY_CELLS.iloc[0:0], BASE, partner_brands=PARTNER,
                             privacy=PRIVACY)
    assert out.empty
    assert [str(out[c].dtype) for c in ("segment_share", "segment_units_share",
                                        "segment_share_level")] == [
        "Float64", "Float64", "string"]


@pytest.mark.parametrize("zero", ["amount_cents", "quantity"])
def test_a_segment_without_revenue_or_units_has_no_share_of_it(zero: str) -> None:
    rows = BASE.loc[BASE["city"] == "SAO PAULO"].assign(**{zero: 0})
    out = add_segment_shares(HUNGRY_CELLS.iloc[:1], rows, partner_brands=PARTNER,
                             privacy=PRIVACY)
    share = out["segment_share" if zero == "amount_cents" else "segment_units_share"]
    assert share.isna().all()
    assert np.isfinite(out["segment_units_share" if zero == "amount_cents"
                           else "segment_share"].astype(float)).all()


def test_a_cell_without_revenue_after_one_with_revenue_has_no_revenue_share() -> None:
    # RIO DE JANEIRO sold 1 unit of Hungry and nothing else for money (samples): 3
    # companies, nothing to dominate. Its revenue share is empty (0 / 0), never borrowed
    # from the cell before it; its units share is 1 / 1.
    rio = market(sale("RJ", "RIO DE JANEIRO", "Hungry", "OuchHungry", 0, 1),
                 *[sale("RJ", "RIO DE JANEIRO", f"Cola {c}", f"Co {c}", 0, 0) for c in "ABC"])
    rows = pd.concat([BASE.loc[BASE["city"] == "SAO PAULO"], rio], ignore_index=True)
    out = add_segment_shares(HUNGRY_CELLS.iloc[[0, 2]], rows, partner_brands=PARTNER,
                             privacy=PRIVACY)
    assert shares_of(out) == [
        (round(1234 / 4000, 4), round(7 / 20, 4), "cell"), (None, 1.0, "cell")]


def test_one_company_holds_everything_however_little_it_sold() -> None:
    # One unit (or one cent) by one company is 100 % of the competitors: never "nothing
    # to protect". Missing totals weigh nothing: they do not dilute the one that sold.
    assert not dominance_allows(pd.Series([1]), 2, 85)
    assert not dominance_allows(pd.Series([1, 0, 0]), 1, 50)
    assert not dominance_allows(pd.Series([None, None, 1.0]), 1, 50)
    assert dominance_allows(pd.Series([None, None]), 1, 50)  # nothing sold at all


def test_a_segment_of_one_cent_or_no_units_is_its_own_total() -> None:
    # RIO DE JANEIRO: money but no units (a price adjustment); VITORIA: one cent in the
    # whole segment, all Hungry's. Each share is its own cell's fraction: no units share
    # where no unit sold (never the previous cell's total), and 1 / 1 for the one cent.
    rio = market(sale("RJ", "RIO DE JANEIRO", "Hungry", "OuchHungry", 100, 0),
                 *[sale("RJ", "RIO DE JANEIRO", f"Cola {c}", f"Co {c}", 100, 0) for c in "ABC"])
    vitoria = market(sale("ES", "VITORIA", "Hungry", "OuchHungry", 1, 1),
                     *[sale("ES", "VITORIA", f"Cola {c}", f"Co {c}", 0, 1) for c in "ABC"])
    rows = pd.concat([BASE.loc[BASE["city"] == "SAO PAULO"], rio, vitoria], ignore_index=True)
    three = pd.concat([HUNGRY_CELLS.iloc[[0, 2]], cells(("ES", "VITORIA", "city", "Hungry"))],
                      ignore_index=True)
    out = add_segment_shares(three, rows, partner_brands=PARTNER, privacy=PRIVACY)
    assert shares_of(out) == [(round(1234 / 4000, 4), round(7 / 20, 4), "cell"),
                              (round(100 / 400, 4), None, "cell"), (1.0, 0.25, "cell")]
