"""The simulated marketplace looks like the business the products describe."""

from __future__ import annotations

import dataclasses

import pandas as pd

from ouchhungry_dp.simulation import CATALOGUE, simulate_transactions
from ouchhungry_dp_tests.simulation.conftest import CLEAN, DAY


def test_catalogue_segments_have_competition_and_partner_brands() -> None:
    brands = CATALOGUE.groupby("segment")["brand"].nunique()
    makers = CATALOGUE.groupby("segment")["manufacturer"].nunique()
    assert set(brands.index) == {"refrigerantes", "salgados", "cervejas", "sucos", "chocolates"}
    assert (brands >= 4).all() and (makers >= 4).all()
    owner = CATALOGUE.drop_duplicates("brand").set_index("brand")
    assert owner.loc["Hungry", ["manufacturer", "segment"]].tolist() == [
        "OuchHungry",
        "refrigerantes",
    ]
    assert owner.loc["Ouch", ["manufacturer", "segment"]].tolist() == ["OuchHungry", "salgados"]
    assert owner.loc["Crocante", ["manufacturer", "segment"]].tolist() == [
        "Crocante Alimentos",
        "salgados",
    ]
    assert CATALOGUE["product_code"].str.match(r"^[A-Z]{3}-[A-Z]{3}-\d{4}$").all()
    assert CATALOGUE["product_code"].is_unique and CATALOGUE["ean"].is_unique


def test_sales_shares_orders_and_reach(clean_transactions) -> None:
    frame = clean_transactions.frame.merge(CATALOGUE, on="product_code")
    assert len(frame) == len(clean_transactions.frame)
    revenue = frame["unit_price"].astype(float) * frame["quantity"].astype(int)
    by_brand = revenue.groupby([frame["segment"], frame["brand"]]).sum()
    soda = by_brand["refrigerantes"] / by_brand["refrigerantes"].sum()
    assert 0.15 < soda["Hungry"] < 0.40
    assert (frame.groupby("segment")["brand"].nunique() >= 4).all()

    items = frame.groupby("order_id").size()
    assert items.between(1, 4).all() and items.mean() < 2.5
    quantity = frame["quantity"].astype(int)
    assert quantity.between(1, 6).all() and quantity.isin([1, 2]).mean() > 0.7

    hours = pd.to_datetime(frame["ordered_at"].str.slice(0, 19)).dt.hour
    assert hours.between(11, 13).mean() > hours.between(3, 5).mean() * 5
    same_order = frame.groupby("order_id")[["customer_id", "delivery_cep", "ordered_at"]].nunique()
    assert (same_order == 1).all().all()


def test_cities_big_and_small() -> None:
    config = dataclasses.replace(CLEAN, rows_per_day=20_000, n_customers=20_000)
    frame = simulate_transactions(DAY, config).frame
    customers_per_city = frame.groupby(["delivery_state", "delivery_city"])["customer_id"].nunique()
    assert customers_per_city.idxmax() == ("SP", "São Paulo")
    assert (customers_per_city >= 50).sum() >= 10  # big cities
    assert (customers_per_city < 10).sum() >= 200  # a long tail of small ones
    assert frame["delivery_state"].nunique() == 27
