from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.simulation import (
    CATALOGUE,
    DEFECT_KINDS,
    SimulationConfig,
    simulate_customers,
    simulate_products,
    simulate_transactions,
)
from ouchhungry_dp.tables import RAW_CUSTOMERS, RAW_PRODUCTS, RAW_TRANSACTIONS
from ouchhungry_dp_tests.simulation.conftest import CLEAN, DAY, DIRTY

SMALL = dataclasses.replace(DIRTY, rows_per_day=800)


@pytest.mark.parametrize(
    ("simulate", "layout"),
    [
        (simulate_transactions, RAW_TRANSACTIONS),
        (simulate_customers, RAW_CUSTOMERS),
        (simulate_products, RAW_PRODUCTS),
    ],
)
def test_layout_is_the_raw_table_layout_all_text(simulate, layout) -> None:
    table = simulate(DAY, SMALL)
    assert tuple(table.frame.columns) == layout
    assert all(dtype == pd.StringDtype("pyarrow") for dtype in table.frame.dtypes)
    assert list(table.defects.columns) == ["row", "column", "kind", "outcome", "reason"]
    assert table.defects["row"].between(0, len(table.frame) - 1).all()
    assert set(table.defects["column"]) <= set(layout)
    assert set(table.defects["kind"]) <= set(DEFECT_KINDS)


@pytest.mark.parametrize("simulate", [simulate_transactions, simulate_customers, simulate_products])
def test_same_day_and_config_give_identical_tables(simulate) -> None:
    first, second = simulate(DAY, SMALL), simulate(DAY, SMALL)
    pd.testing.assert_frame_equal(first.frame, second.frame)
    pd.testing.assert_frame_equal(first.defects, second.defects)


def test_other_day_or_seed_gives_other_transactions() -> None:
    base = simulate_transactions(DAY, SMALL).frame
    next_day = simulate_transactions(DAY + dt.timedelta(days=1), SMALL).frame
    other_seed = simulate_transactions(DAY, dataclasses.replace(SMALL, seed=8)).frame
    assert not base["customer_id"].equals(next_day["customer_id"])
    assert not base["customer_id"].equals(other_seed["customer_id"])


def test_customers_are_the_same_people_across_days() -> None:
    monday = simulate_customers(DAY, CLEAN).frame.set_index("customer_id")
    later = simulate_customers(DAY + dt.timedelta(days=40), CLEAN).frame.set_index("customer_id")
    common = monday.index.intersection(later.index)
    assert len(common) == len(monday)  # nobody disappears
    assert len(later) > len(monday)  # new sign-ups
    for column in ("full_name", "cpf", "birth_date", "city", "created_at"):
        assert (monday.loc[common, column] == later.loc[common, column]).all(), column
    changed = monday.loc[common, "updated_at"] != later.loc[common, "updated_at"]
    assert 0 < changed.sum() < 0.2 * len(common)  # a few customers updated in 40 days
    moved = (
        monday.loc[common[changed.to_numpy()], "phone"]
        != later.loc[common[changed.to_numpy()], "phone"]
    )
    assert moved.all()  # an update is a real change of contact data


def test_zero_defect_rate_gives_no_labels(clean_transactions, clean_customers) -> None:
    assert clean_transactions.defects.empty
    assert clean_customers.defects.empty
    assert simulate_products(DAY, CLEAN).defects.empty
    assert len(clean_transactions.frame) == CLEAN.rows_per_day
    assert not clean_transactions.frame["transaction_id"].duplicated().any()


def test_realised_defect_rate_is_close_to_the_configured_one() -> None:
    config = dataclasses.replace(DIRTY, defect_rate=0.05, rows_per_day=20_000)
    table = simulate_transactions(DAY, config)
    share = table.defects["row"].nunique() / len(table.frame)
    assert 0.035 < share < 0.065


def test_weights_select_kinds() -> None:
    config = dataclasses.replace(SMALL, defect_weights={"invalid_cep": 1.0})
    table = simulate_transactions(DAY, config)
    assert set(table.defects["kind"]) == {"invalid_cep"}


@pytest.mark.parametrize(
    "changes",
    [{"defect_rate": 1.5}, {"rows_per_day": 0}, {"defect_weights": {"made_up": 1.0}},
     {"defect_weights": {"invalid_cep": -1.0}}],
)  # fmt: skip
def test_bad_config_is_a_configuration_error(changes) -> None:
    with pytest.raises(ConfigurationError):
        SimulationConfig(**changes)


def test_defect_kind_registry_is_complete() -> None:
    for kind, spec in DEFECT_KINDS.items():
        assert spec.outcome in ("repair", "accept", "quarantine"), kind
        assert (spec.reason is None) == (spec.outcome != "quarantine"), kind
    assert DEFECT_KINDS["null_required"].reason_for("quantity") == "missing_quantity"
    assert DEFECT_KINDS["duplicate_stale_version"].reason == "superseded_version"
    assert DEFECT_KINDS["impossible_date"].reason == "unparseable_date"
    assert list(CATALOGUE.columns) == [
        "product_code", "ean", "product_name", "brand", "manufacturer", "segment", "list_price",
    ]  # fmt: skip


def test_two_hundred_thousand_rows_run() -> None:
    config = dataclasses.replace(DIRTY, rows_per_day=200_000, n_customers=20_000, defect_rate=0.05)
    table = simulate_transactions(DAY, config)
    assert len(table.frame) >= 200_000
    assert table.frame["transaction_id"].nunique() == 200_000


def test_days_before_alphanumeric_cnpjs_and_launches_have_none() -> None:
    january = dt.date(2026, 1, 20)
    table = simulate_transactions(january, dataclasses.replace(SMALL, rows_per_day=3000))
    assert not table.frame["merchant_cnpj"].str.contains(r"[A-Z]", regex=True).any()
    assert "alphanumeric_cnpj" not in set(table.defects["kind"])
    launched_later = {"REF-HNG-0351", "SAL-OUC-0046", "CHO-TRF-0026"}
    assert not set(table.frame["product_code"]) & launched_later
    assert not set(simulate_products(january, CLEAN).frame["product_code"]) & launched_later
    assert launched_later <= set(simulate_products(DAY, CLEAN).frame["product_code"])


def test_a_day_before_any_customer_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="no simulated customer"):
        simulate_transactions(dt.date(2018, 6, 1), SMALL)
    assert simulate_customers(dt.date(2018, 6, 1), SMALL).frame.empty
