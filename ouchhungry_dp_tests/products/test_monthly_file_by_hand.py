"""The monthly file of a small month, every figure worked out by hand: one row per
(location at its decided level, brand, segment), units and cents summed, distinct
customers and orders, the average price rounded to the cent, in the file's order."""

from __future__ import annotations

import pandas as pd
import pytest

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.cells import decide_locations
from ouchhungry_dp.products.csv_files import to_csv_bytes
from ouchhungry_dp.products.monthly import build_monthly_product

from .conftest import customers_buying, rows_frame, with_extra_column

HNG, HNG_600, OCH = "REF-HNG-0350", "REF-HNG-0600", "SAL-OCH-0100"
# SAO PAULO named (15), SANTOS the SP residual (10), AC too small: the country (5 + 5).
HISTORY = rows_frame(
    customers_buying("2026-10-03", "SP", "SAO PAULO", HNG, 15)
    + customers_buying("2026-10-03", "SP", "SANTOS", HNG, 10)
    + customers_buying("2026-10-03", "AC", "RIO BRANCO", HNG, 5)
    + customers_buying("2026-10-03", "AP", "MACAPA", HNG, 5)
)
MONTH = rows_frame([
    # Hungry in SAO PAULO: C1 twice in one order (two products), C2 once; and C1 again
    # on another day: 2 customers, 3 orders, 3+1+1+1 = 6 units, 15.75+8.10+5.51+5.50.
    ("2026-11-02", "P1", "C1", "SP", "SAO PAULO", HNG, 3, 5.25),
    ("2026-11-02", "P1", "C1", "SP", "SAO PAULO", HNG_600, 1, 8.10),
    ("2026-11-03", "P2", "C2", "SP", "SAO PAULO", HNG, 1, 5.51),
    ("2026-11-09", "P6", "C1", "SP", "SAO PAULO", HNG, 1, 5.50),
    ("2026-11-03", "P3", "C3", "SP", "SANTOS", HNG, 2, 5.49),  # SP residual
    ("2026-11-04", "P4", "C4", "AC", "RIO BRANCO", OCH, 1, 7.49),  # country
    ("2026-11-04", "P5", "C5", "SP", "SAO PAULO", OCH, 3, 7.33),
    ("2026-11-04", "P7", "C6", "SP", "SAO PAULO", "REF-CLB-0350", 4, 5.00),  # a rival
])


def test_the_monthly_file_of_a_small_month(contract: PartnerContract,
                                            products: pd.DataFrame) -> None:
    decision = decide_locations(HISTORY, products, contract)
    monthly = build_monthly_product(MONTH, products, decision, contract, month="2026-11")
    header = ",".join(contract.products.monthly.column_names)
    # revenue / units: 34.86 / 6 = 5.81; 10.98 / 2; 21.99 / 3 = 7.33; 7.49 / 1.
    assert to_csv_bytes(monthly).decode() == header + "\n" + "".join(
        f"2026-11,{row},,,suppressed\n" for row in (
            "SP,SAO PAULO,city,Hungry,refrigerantes,6,34.86,5.81,2,3",
            "SP,*,state,Hungry,refrigerantes,2,10.98,5.49,1,1",
            "SP,SAO PAULO,city,Ouch,salgados,3,21.99,7.33,1,1",
            "*,*,country,Ouch,salgados,1,7.49,7.49,1,1",
        ))
    assert monthly["units_sold"].tolist() == [6, 2, 3, 1]


def test_the_average_price_is_rounded_to_the_cent(contract: PartnerContract,
                                                  products: pd.DataFrame) -> None:
    decision = decide_locations(HISTORY, products, contract)
    three = rows_frame([("2026-11-02", f"P{i}", f"C{i}", "SP", "SAO PAULO", HNG, 1, price)
                        for i, price in enumerate((1.00, 1.00, 1.01))])
    monthly = build_monthly_product(three, products, decision, contract, month="2026-11")
    assert monthly["avg_unit_price"].tolist() == [1.0]  # 3.01 / 3 = 1.00333...
    assert monthly["revenue"].tolist() == [3.01]


def test_a_contract_column_the_builder_cannot_produce_is_refused_by_name(
        contract: PartnerContract, products: pd.DataFrame) -> None:
    wrong = with_extra_column(contract, "monthly", "top_customer")
    decision = decide_locations(HISTORY, products, contract)
    with pytest.raises(ConfigurationError, match="top_customer") as refused:
        build_monthly_product(MONTH, products, decision, wrong, month="2026-11")
    assert (refused.value.partner, refused.value.partition) == (contract.id, "2026-11")
