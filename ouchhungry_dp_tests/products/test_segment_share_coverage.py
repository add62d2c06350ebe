"""``uncovered_rows``: what a national share beside a monthly file would reveal.

A national segment share minus the shares the file already published gives the segment
total of the geographies no share covered; those rows must pass the competitor rule
before a national figure is printed (insights). The oracle is the rule written out per
row: a city share covers its city, a state-row share at cell level its state's residual
(the whole state here), a state-level share its state, a country share everything.
"""

from __future__ import annotations

import pandas as pd

from ouchhungry_dp.products.segment_share import uncovered_rows

SEGMENT_ROWS = pd.DataFrame({
    "state": ["SP", "SP", "RJ", "RJ", "MG", "BA", "BA"],
    "city": ["SAO PAULO", "CAMPINAS", "NITEROI", "RIO", "BH", "SALVADOR", "ILHEUS"],
    "amount_cents": [100, 200, 300, 400, 500, 600, 700],
})


def cells(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["state", "city", "location_level", "segment_share_level"])


def uncovered(brand_cells: pd.DataFrame) -> list[tuple[str, str]]:
    rows = uncovered_rows(SEGMENT_ROWS, brand_cells)
    return list(zip(rows["state"], rows["city"], strict=True))


def test_each_published_share_covers_its_own_geography_only() -> None:
    brand_cells = cells(
        ("SP", "SAO PAULO", "city", "cell"),   # the city only: CAMPINAS stays uncovered
        ("RJ", "*", "state", "cell"),          # the RJ residual's own share
        ("MG", "BH", "city", "state"),         # generalised to the whole of MG
        ("BA", "SALVADOR", "city", "suppressed"),  # no share: BA stays uncovered
    )
    assert uncovered(brand_cells) == [("SP", "CAMPINAS"), ("BA", "SALVADOR"), ("BA", "ILHEUS")]


def test_a_city_share_covers_the_city_not_another_city_of_the_same_name_elsewhere() -> None:
    rows = pd.DataFrame({"state": ["SP", "RJ"], "city": ["BOM JESUS", "BOM JESUS"]})
    left = uncovered_rows(rows, cells(("SP", "BOM JESUS", "city", "cell")))
    assert left[["state", "city"]].values.tolist() == [["RJ", "BOM JESUS"]]


def test_a_suppressed_or_state_level_state_row_covers_nothing_more_than_its_level() -> None:
    assert uncovered(cells(("RJ", "*", "state", "suppressed"))) == list(
        zip(SEGMENT_ROWS["state"], SEGMENT_ROWS["city"], strict=True))
    assert ("RJ", "RIO") not in uncovered(cells(("RJ", "*", "state", "state")))


def test_a_country_share_or_a_cell_share_of_the_country_row_covers_everything() -> None:
    assert uncovered(cells(("SP", "SAO PAULO", "city", "country"))) == []
    assert uncovered(cells(("*", "*", "country", "cell"))) == []
    # A country row whose share was suppressed covers nothing.
    assert len(uncovered(cells(("*", "*", "country", "suppressed")))) == len(SEGMENT_ROWS)
