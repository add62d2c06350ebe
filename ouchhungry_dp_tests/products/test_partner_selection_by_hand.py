"""What "a sale of the partner" is, on catalogues and transactions written by hand:
the newest catalogue snapshot decides a product's attributes, a sale is the partner's
only for its brands *and* its manufacturer, and the text and money the files sum are
normalised the same way for every row."""

from __future__ import annotations

import pandas as pd
import pytest

from ouchhungry_dp.errors import DataQualityError
from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.selection import (
    CATALOGUE_ATTRIBUTES,
    is_partner,
    latest_catalogue,
    market_items,
    partner_brand_names,
    partner_items,
)

from .conftest import products_frame, rows_frame


def _snapshot(day: str, updated: str, **changes: str) -> pd.DataFrame:
    frame = products_frame()
    first = frame["product_code"] == "REF-HNG-0350"
    for column, value in changes.items():
        frame.loc[first, column] = value
    return frame.assign(snapshot_date=pd.Timestamp(day), updated_at=pd.Timestamp(updated))


def test_the_newest_snapshot_then_the_newest_update_decides_a_product() -> None:
    older = _snapshot("2026-11-01", "2026-11-01", brand="Old Hungry")
    newest = _snapshot("2026-11-02", "2026-11-01", brand="Hungry")
    # Stored out of order, as a warehouse may return them.
    catalogue = latest_catalogue(pd.concat([newest, older], ignore_index=True))
    assert list(catalogue.columns) == list(CATALOGUE_ATTRIBUTES)
    assert catalogue["product_code"].is_unique
    assert len(catalogue) == len(products_frame())
    assert list(catalogue.index) == list(range(len(catalogue)))
    row = catalogue.loc[catalogue["product_code"] == "REF-HNG-0350"].iloc[0]
    assert row["brand"] == "Hungry"
    # Same snapshot day: the later update wins.
    later = _snapshot("2026-11-02", "2026-11-02 10:00", segment="salgados")
    same_day = latest_catalogue(pd.concat([later, newest], ignore_index=True))
    assert same_day.set_index("product_code").loc["REF-HNG-0350", "segment"] == "salgados"


def test_a_catalogue_without_dates_keeps_its_last_row_per_product() -> None:
    plain = pd.concat([_snapshot("2026-11-01", "2026-11-01", brand="Old"),
                       _snapshot("2026-11-01", "2026-11-01")], ignore_index=True)
    catalogue = latest_catalogue(plain.drop(columns=["snapshot_date", "updated_at"]))
    assert catalogue.set_index("product_code").loc["REF-HNG-0350", "brand"] == "Hungry"


def test_with_only_a_snapshot_date_the_last_stored_row_of_that_day_wins() -> None:
    """Many rows of one product on one snapshot day (a re-load): the order they were
    stored in decides, as with the update time, whatever the number of rows."""
    rows = pd.concat([_snapshot("2026-11-02", "2026-11-02", product_name=f"v{i}")
                      for i in range(40)], ignore_index=True)
    catalogue = latest_catalogue(rows.drop(columns=["updated_at"]))
    assert catalogue.set_index("product_code").loc["REF-HNG-0350", "product_name"] == "v39"


def test_a_table_missing_a_column_is_refused_naming_it() -> None:
    with pytest.raises(DataQualityError, match=r"products table lacks columns \['segment'\]"):
        latest_catalogue(products_frame().drop(columns=["segment"]))
    day = rows_frame([("2026-11-05", "PED-1", "CLI-1", "SP", "SAO PAULO", "REF-HNG-0350",
                       1, 5.5)])
    with pytest.raises(DataQualityError,
                       match=r"transactions table lacks columns \['unit_price'\]"):
        market_items(day.drop(columns=["unit_price"]), products_frame())


def test_market_items_normalise_text_and_count_money_in_cents() -> None:
    day = rows_frame([
        ("2026-11-05", "PED-1", "CLI-1", " sp ", "  Sao Paulo ", "REF-HNG-0350", 3, 5.126),
        ("2026-11-05", "PED-2", "CLI-2", "rj", "NITEROI", "REF-CLB-0350", 1, 0.29),
        ("2026-11-05", "PED-3", "CLI-3", "SP", "SANTOS", "NOT-IN-CATALOGUE", 1, 1.0),
    ])
    items = market_items(day, products_frame())
    assert items["order_id"].tolist() == ["PED-1", "PED-2"]  # unknown product dropped
    assert items["state"].tolist() == ["SP", "RJ"]
    assert items["city"].tolist() == ["Sao Paulo", "NITEROI"]  # stripped, case kept
    assert items["brand"].tolist() == ["Hungry", "Cola Brasil"]
    assert items["manufacturer"].tolist() == ["OuchHungry", "Bebidas Brasil"]
    assert items["segment"].tolist() == ["refrigerantes", "refrigerantes"]
    assert items["product_name"].tolist() == ["Hungry Cola Lata 350ml", "Cola Brasil Lata 350ml"]
    assert items["unit_price"].tolist() == [5.13, 0.29]
    assert items["quantity"].tolist() == [3, 1]
    # 3 x 5.126 = 15.378 -> 15.38 in the cleaned table; 0.29 * 100 is 28.999... in floats.
    assert items["amount_cents"].tolist() == [1538, 29]
    assert str(items["amount_cents"].dtype) == "Int64"
    assert str(items["quantity"].dtype) == "Int64"


def test_a_sale_is_the_partners_for_its_brand_and_its_manufacturer_only(
        contract: PartnerContract) -> None:
    catalogue = products_frame()
    reused = catalogue["product_code"] == "REF-CLB-0350"
    catalogue.loc[reused, "brand"] = "Hungry"  # a rival selling under the partner's brand
    unknown_maker = catalogue["product_code"] == "SAL-OCH-0200"
    catalogue.loc[unknown_maker, "manufacturer"] = pd.NA
    day = rows_frame([
        ("2026-11-05", f"PED-{code}", "CLI-1", "SP", "SAO PAULO", code, 1, 5.0)
        for code in ("REF-HNG-0350", "REF-CLB-0350", "SAL-OCH-0100", "SAL-OCH-0200",
                     "REF-GSU-0350")])
    items = market_items(day, catalogue)
    assert is_partner(items, contract).tolist() == [True, False, True, False, False]
    assert partner_items(day, catalogue, contract)["product_code"].tolist() == [
        "REF-HNG-0350", "SAL-OCH-0100"]
    own = partner_items(day, catalogue, contract)
    assert list(own.index) == [0, 1]
    assert list(own.columns) == list(items.columns)


def test_every_brand_of_the_partners_company_under_any_spelling_is_its_own(
        contract: PartnerContract) -> None:
    catalogue = products_frame()
    other = catalogue["product_code"] == "CER-LGR-0350"
    catalogue.loc[other, "manufacturer"] = "OUCHHUNGRY Ltda."
    unnamed = catalogue["product_code"] == "SAL-MLB-0100"
    catalogue.loc[unnamed, "brand"] = pd.NA
    catalogue.loc[unnamed, "manufacturer"] = "OuchHungry"
    assert partner_brand_names(catalogue, contract) == {"Hungry", "Ouch", "Lager Gelada"}
    # The contract's brands count even before the catalogue lists them.
    assert partner_brand_names(catalogue.iloc[0:0], contract) == {"Hungry", "Ouch"}
