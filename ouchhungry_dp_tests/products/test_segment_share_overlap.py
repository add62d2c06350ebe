"""Published areas never overlap (session 6 partner-side attack, ``/tmp/attack6/p3``).

SP has a city cell (SAO PAULO) and no residual cell, so CAMPINAS lies in the country
cell. If SAO PAULO fell back to the whole-state share while the country cell kept its
own, both shares would cover CAMPINAS; with the insights' national share the partner
solves CAMPINAS alone (SP total + country-cell total - national total), here the sales
of its one competitor. Contract (3; 2, 85), hand-summed market.
"""

from __future__ import annotations

import pandas as pd

from ouchhungry_dp.products.insights_metrics import _national_share_allowed
from ouchhungry_dp.products.segment_share import add_segment_shares

from .test_segment_share_exact import PARTNER, PRIVACY, cells, market, sale, shares_of

LONE_COMPETITOR = 7_777
# SAO PAULO: Hungry beside 2 companies (fails: < 3). SP as a whole (with CAMPINAS): A, B,
# X: top 2 = 9777 / 11777 c (83.0 %), 97 / 117 u: passes. CAMPINAS: Co X alone.
# Country cell (CAMPINAS + VITORIA): X and C..G, top 2 = 18000 / 52777: passes.
OVERLAP_MARKET = market(
    sale("SP", "SAO PAULO", "Hungry", "OuchHungry", 3000, 30),
    sale("SP", "SAO PAULO", "Cola A", "Co A", 2000, 20),
    sale("SP", "SAO PAULO", "Cola B", "Co B", 2000, 20),
    sale("SP", "CAMPINAS", "Cola X", "Co X", LONE_COMPETITOR, 77),
    sale("ES", "VITORIA", "Hungry", "OuchHungry", 2500, 25),
    *[sale("ES", "VITORIA", f"Cola {c}", f"Co {c}", 9000, 90) for c in "CDEFG"],
)
SP_CITY_AND_COUNTRY = cells(("SP", "SAO PAULO", "city", "Hungry"), ("*", "*", "country", "Hungry"))
OWN_CENTS = {"SAO PAULO": 3000, "*": 2500}


def _recovered_campinas(published: pd.DataFrame) -> float:
    """The partner's differencing: each row's segment total from its own revenue and
    share, minus the national total from the national share."""
    totals = {row.pub_city: OWN_CENTS[row.pub_city] / float(row.segment_share)
              for row in published.itertuples()}
    national = sum(OWN_CENTS.values()) / (5500 / int(OVERLAP_MARKET["amount_cents"].sum()))
    return totals["SAO PAULO"] + totals["*"] - national


def test_a_whole_state_share_overlapping_the_country_cell_sends_every_cell_to_the_country() -> None:
    out = add_segment_shares(SP_CITY_AND_COUNTRY, OVERLAP_MARKET, partner_brands=PARTNER,
                             privacy=PRIVACY)
    # Segment: 3000 + 2000 + 2000 + 7777 + 2500 + 5 * 9000 = 62277 c; 622 u.
    national = (round(5500 / 62277, 4), round(55 / 622, 4), "country")
    assert shares_of(out) == [national, national]
    # The attack now solves nothing: both rows carry the national share, so the
    # difference is no area's total (here ~11 c against CAMPINAS's 7,777).
    assert abs(_recovered_campinas(out) - LONE_COMPETITOR) > 0.5 * LONE_COMPETITOR


def _published(levels: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(levels, columns=["state", "city", "location_level",
                                          "segment_share_level"])
    return frame.assign(month="2026-11", brand="Hungry")


def test_no_national_share_beside_a_file_that_published_overlapping_areas() -> None:
    # A monthly file made before the rule (SAO PAULO on SP's share, the country cell at
    # cell level): the insights publish no national share beside it.
    rows = OVERLAP_MARKET.assign(month="2026-11")
    overlapping = _published([("SP", "SAO PAULO", "city", "state"), ("*", "*", "country", "cell")])
    assert not _national_share_allowed(rows, "2026-11", "Hungry", overlapping, PARTNER, PRIVACY)
    # With SP's residual cell in the file too, SP's share and the country cell are
    # disjoint: the national share is allowed (everything is covered by the file).
    disjoint = _published([("SP", "SAO PAULO", "city", "state"), ("SP", "*", "state", "state"),
                           ("*", "*", "country", "cell")])
    assert _national_share_allowed(rows, "2026-11", "Hungry", disjoint, PARTNER, PRIVACY)
    # And a state share without a country cell in the file overlaps nothing either.
    no_country = _published([("SP", "SAO PAULO", "city", "state")])
    assert _national_share_allowed(rows, "2026-11", "Hungry", no_country, PARTNER, PRIVACY)
