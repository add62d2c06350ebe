"""The warehouse path (SQL in DuckDB) gives the pandas builders' frames, to the byte.

Each case stores the frames the pandas reference is given in a real DuckDB file,
as the platform's IO manager does (cleaned transactions, catalogue snapshots, the
daily product table), then compares: the month's decision (``decide_locations``
vs signature counts), the monthly file (``build_monthly_product`` vs SQL cells +
market sums) frame-equal and byte-equal as CSV, and the reconciliation outcome.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ouchhungry_dp.errors import DataQualityError
from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.cells import decide_locations
from ouchhungry_dp.products.csv_files import to_csv_bytes
from ouchhungry_dp.products.daily import build_daily_product
from ouchhungry_dp.products.engine import statements
from ouchhungry_dp.products.engine.basis import basis_from_rows
from ouchhungry_dp.products.engine.monthly import (
    build_monthly_in_engine,
    decide_in_engine,
    reconcile_in_engine,
)
from ouchhungry_dp.products.monthly import build_monthly_product
from ouchhungry_dp.products.reconcile import reconcile_monthly_with_daily

from ..conftest import KEY, customers_buying, month_frames, products_frame, rows_frame
from .conftest import Warehouse

OCT, NOV = (dt.date(2026, 10, 1), dt.date(2026, 10, 31)), (dt.date(2026, 11, 1),
                                                            dt.date(2026, 11, 30))
HNG, CLB, GSU, TNO, FZZ = ("REF-HNG-0350", "REF-CLB-0350", "REF-GSU-0350", "REF-TNO-0350",
                           "REF-FZZ-2000")


def snapshot(products: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    stamp = pd.Timestamp(day)
    return products.assign(snapshot_date=stamp, updated_at=stamp)


def text_in_one_storage(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as python-backed strings: the reference keeps its input's storage
    (pyarrow after the cleaning library), the warehouse path returns python strings;
    values, missing values and every other dtype are compared as they are."""
    text = [c for c in frame.columns if isinstance(frame[c].dtype, pd.StringDtype)]
    return frame.astype(dict.fromkeys(text, "string[python]"))


def compare_month(warehouse: Warehouse, contract: PartnerContract, history: pd.DataFrame,
                  month: pd.DataFrame, products: pd.DataFrame | None = None,
                  months: tuple[tuple[dt.date, dt.date], ...] = (OCT, NOV)) -> pd.DataFrame:
    """Stores the history month and the month, asserts both paths agree; the monthly file."""
    products = products_frame() if products is None else products
    (before, before_last), (first, last) = months
    label = first.strftime("%Y-%m")
    basis_products, month_products = snapshot(products, before), snapshot(products, first)
    warehouse.put("cleaned_transactions", pd.concat([history, month], ignore_index=True))
    warehouse.put("cleaned_products", pd.concat([basis_products, month_products],
                                                ignore_index=True))

    decision = decide_locations(history, basis_products, contract)
    pd.testing.assert_frame_equal(
        decide_in_engine(warehouse.run, contract, before, before_last),
        text_in_one_storage(decision))

    expected = build_monthly_product(month, month_products, decision, contract, month=label)
    actual = build_monthly_in_engine(warehouse.run, decision, contract, first=first,
                                     last=last, month=label)
    pd.testing.assert_frame_equal(actual, text_in_one_storage(expected))
    assert to_csv_bytes(actual) == to_csv_bytes(expected)

    dailies = [build_daily_product(day, month_products, decision, contract, key=KEY)
               for _, day in month.groupby("sale_date")]
    daily = pd.concat(dailies, ignore_index=True) if dailies else pd.DataFrame()
    if len(daily):
        # As the daily asset stores its frame.
        warehouse.put(contract.daily_asset, daily.assign(sale_date=pd.to_datetime(
            daily["sale_date"])))
    for monthly in (expected, expected.assign(units_sold=expected["units_sold"] + 1),
                    expected.iloc[1:]):
        reference = reconcile_monthly_with_daily(monthly, dailies, min_customers=contract)
        sql = reconcile_in_engine(warehouse.run, monthly, contract.daily_asset,
                                  first=first, last=last, min_customers=contract)
        assert (sql.passed, sql.description, sql.metadata) == (
            reference.passed, reference.description, reference.metadata)
    return expected


def test_a_simulated_and_cleaned_month_agrees(warehouse: Warehouse, contract: PartnerContract,
                                             simulated: dict) -> None:
    """31 days of the simulator through the cleaning library (accents, repaired rows)."""
    months = ((dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
              (dt.date(2026, 12, 1), dt.date(2026, 12, 31)))
    monthly = compare_month(warehouse, contract, simulated["history"],
                            pd.concat(simulated["days"], ignore_index=True),
                            simulated["products"], months)
    assert set(monthly["location_level"]) == {"city", "state", "country"}


def test_a_city_name_holding_the_separator_is_refused() -> None:
    rows = pd.DataFrame({"scope": ["state"], "state": ["SP"], "members": ["A||B"],
                         "customers": [3]})
    with pytest.raises(DataQualityError, match="signature separator"):
        basis_from_rows(rows)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("rows_per_day", [12, 60])
def test_simulated_months_agree(warehouse: Warehouse, contract: PartnerContract, seed: int,
                                rows_per_day: int) -> None:
    history = pd.concat(month_frames("2026-10", rows_per_day, seed=seed), ignore_index=True)
    month = pd.concat(month_frames("2026-11", rows_per_day, seed=seed + 50), ignore_index=True)
    monthly = compare_month(warehouse, contract, history, month)
    assert {"city", "state"} <= set(monthly["location_level"])  # not all generalised


def test_second_partner_agrees(warehouse: Warehouse, crocante: PartnerContract) -> None:
    history = pd.concat(month_frames("2026-10", 40, seed=8), ignore_index=True)
    month = pd.concat(month_frames("2026-11", 40, seed=9), ignore_index=True)
    assert len(compare_month(warehouse, crocante, history, month))


def test_an_empty_day_and_an_empty_history(warehouse: Warehouse,
                                           contract: PartnerContract) -> None:
    days = month_frames("2026-11", 30, seed=4)
    month = pd.concat([d for i, d in enumerate(days) if i != 6], ignore_index=True)
    monthly = compare_month(warehouse, contract, month.iloc[0:0], month)
    assert set(monthly["location_level"]) == {"country"}  # no history: most general level


def test_no_sales_at_all(warehouse: Warehouse, contract: PartnerContract) -> None:
    empty = rows_frame([])
    assert compare_month(warehouse, contract, empty, empty).empty


def test_half_cent_amounts_round_as_pandas_rounds(warehouse: Warehouse,
                                                 contract: PartnerContract) -> None:
    history = pd.concat(month_frames("2026-10", 20, seed=12), ignore_index=True)
    month = pd.concat(month_frames("2026-11", 20, seed=13), ignore_index=True)
    # Exact in binary, so x * 100 is exactly half a cent: half to even, as pandas does.
    halves = pd.array([0.125, 10.375, 3.625, 7.875] * (len(month) // 4 + 1), dtype="Float64")
    month["total_amount"] = halves[:len(month)]
    monthly = compare_month(warehouse, contract, history, month)
    assert monthly["revenue"].sum() > 0


def test_a_city_with_exactly_k_customers(warehouse: Warehouse,
                                         contract: PartnerContract) -> None:
    k = contract.privacy.min_customers_per_cell
    history = rows_frame(
        customers_buying("2026-10-03", "SP", "SAO PAULO", HNG, 3 * k)
        + customers_buying("2026-10-03", "SP", "CAMPINAS", HNG, k)  # exactly k: a city
        + customers_buying("2026-10-03", "SP", "SANTOS", HNG, k - 1)  # one short
        + customers_buying("2026-10-04", "SP", "GUARUJA", HNG, 1)  # residual = k
        + customers_buying("2026-10-03", "RJ", "NITEROI", HNG, k - 1)  # state under k
        + customers_buying("2026-10-03", "MG", "BELO HORIZONTE", HNG, k))
    month = rows_frame(
        customers_buying("2026-11-02", "SP", "CAMPINAS", HNG, 4)
        + customers_buying("2026-11-02", "SP", "SANTOS", HNG, 3)
        + customers_buying("2026-11-05", "RJ", "NITEROI", CLB, 6)
        + customers_buying("2026-11-06", "AC", "RIO BRANCO", HNG, 2))  # not in the basis
    compare_month(warehouse, contract, history, month)
    decision = decide_in_engine(warehouse.run, contract, *OCT).set_index("city")
    assert decision.loc["CAMPINAS", "level"] == "city"
    assert decision.loc["SANTOS", "level"] == "state"
    assert decision.loc["SANTOS", "cell_customers"] == k  # SANTOS + GUARUJA


def test_customers_in_two_cities_and_two_states(warehouse: Warehouse,
                                                contract: PartnerContract) -> None:
    k = contract.privacy.min_customers_per_cell
    movers = [("2026-10-09", f"PED-M-{c}-{i}", f"CLI-MOVER{i}", s, c, HNG, 1, 10.0)
              for i in range(k) for s, c in (("SP", "SANTOS"), ("SP", "CAMPINAS"),
                                             ("RJ", "NITEROI"))]
    history = rows_frame(movers + customers_buying("2026-10-03", "SP", "SAO PAULO", HNG, k)
                         + customers_buying("2026-10-03", "AP", "MACAPA", HNG, 2))
    month = rows_frame(customers_buying("2026-11-02", "SP", "SANTOS", HNG, 5)
                       + customers_buying("2026-11-02", "RJ", "NITEROI", HNG, 5))
    compare_month(warehouse, contract, history, month)


def test_a_dominant_competitor(warehouse: Warehouse, contract: PartnerContract) -> None:
    k = contract.privacy.min_customers_per_cell
    history = rows_frame(customers_buying("2026-10-03", "SP", "SAO PAULO", HNG, 2 * k)
                         + customers_buying("2026-10-03", "SP", "CAMPINAS", HNG, k)
                         + customers_buying("2026-10-03", "RJ", "RIO DE JANEIRO", HNG, 2 * k)
                         + customers_buying("2026-10-03", "RJ", "NITEROI", HNG, k)
                         + customers_buying("2026-10-03", "MG", "BELO HORIZONTE", HNG, k))
    month_rows = (customers_buying("2026-11-02", "SP", "SAO PAULO", HNG, k)
                  + customers_buying("2026-11-02", "RJ", "RIO DE JANEIRO", HNG, k))
    for product in (CLB, GSU, TNO):
        month_rows += customers_buying("2026-11-03", "RJ", "RIO DE JANEIRO", product, 5)
        month_rows += customers_buying("2026-11-03", "SP", "SAO PAULO", product, 5)
    fair = compare_month(warehouse, contract, history, rows_frame(month_rows))
    assert fair.set_index("city").loc["SAO PAULO", "segment_share_level"] == "cell"
    # One company then holds nearly all of Sao Paulo's competing sales.
    month_rows += customers_buying("2026-11-04", "SP", "SAO PAULO", FZZ, 200, prefix="D")
    dominated = compare_month(warehouse, contract, history, rows_frame(month_rows))
    assert dominated.set_index("city").loc["SAO PAULO", "segment_share_level"] != "cell"


def test_a_brand_sold_in_two_segments(warehouse: Warehouse, contract: PartnerContract) -> None:
    products = pd.concat([products_frame(), products_frame().iloc[[0]].assign(
        product_code="SAL-HNG-0100", product_name="Hungry Chips 100g", segment="salgados")],
        ignore_index=True).astype({"product_code": "string", "product_name": "string",
                                   "segment": "string"})
    history = pd.concat(month_frames("2026-10", 40, seed=5), ignore_index=True)
    month = pd.concat(month_frames("2026-11", 40, seed=6), ignore_index=True)
    extra = rows_frame(customers_buying("2026-11-07", "SP", "SAO PAULO", "SAL-HNG-0100", 30))
    monthly = compare_month(warehouse, contract, history,
                            pd.concat([month, extra], ignore_index=True), products)
    hungry = monthly.loc[monthly["brand"] == "Hungry"]
    assert hungry.duplicated(["state", "city"]).any()  # one row per segment


def test_the_month_customers_come_back_once_each(warehouse: Warehouse) -> None:
    snapshots = [pd.DataFrame({
        "customer_id": pd.array(["CLI-1", "CLI-2"], dtype="string"),
        "full_name": pd.array(["Maria Souza", "João Lima"], dtype="string"),
        "email": pd.array(["maria@example.com", None], dtype="string"),
        "snapshot_date": pd.Timestamp(day)}) for day in ("2026-10-31", "2026-11-01",
                                                          "2026-11-02", "2026-12-01")]
    warehouse.put("cleaned_customers", pd.concat(snapshots, ignore_index=True))
    rows = warehouse.run(statements.month_customer_identifiers(*NOV))
    expected = snapshots[1].drop(columns="snapshot_date")
    pd.testing.assert_frame_equal(
        rows.sort_values("customer_id").reset_index(drop=True).astype("string"), expected)
