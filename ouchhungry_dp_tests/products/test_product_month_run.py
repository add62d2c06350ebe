"""A whole month over the simulator and the cleaning library: the acceptance run.

0 PII hits in every outbound file, 0 published cells under the minimum, exact
reconciliation of the monthly file with the daily files, stable pseudonyms.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.cells import decide_locations
from ouchhungry_dp.products.csv_files import write_csv
from ouchhungry_dp.products.daily import build_daily_product
from ouchhungry_dp.products.guardrails import (
    cells_under_minimum,
    daily_follows_decision,
    pseudonym_properties,
    reconcile_monthly_with_daily,
    scan_pii,
)
from ouchhungry_dp.products.monthly import build_monthly_product
from ouchhungry_dp.products.selection import partner_items

from .conftest import KEY, SIMULATED_MONTH


@pytest.fixture(scope="module")
def month_run(simulated: dict, contract: PartnerContract, tmp_path_factory) -> dict:
    products, history, days = simulated["products"], simulated["history"], simulated["days"]
    decision = decide_locations(history, products, contract)
    dailies = [build_daily_product(d, products, decision, contract, key=KEY) for d in days]
    monthly = build_monthly_product(
        pd.concat(days, ignore_index=True), products, decision, contract, month=SIMULATED_MONTH
    )
    folder: Path = tmp_path_factory.mktemp("outbound")
    files = [folder / f"daily_{i:02d}.csv" for i in range(1, len(dailies) + 1)]
    for frame, path in zip(dailies, files, strict=True):
        write_csv(frame, path)
    monthly_path = folder / "monthly.csv"
    write_csv(monthly, monthly_path)
    return {
        "decision": decision,
        "dailies": dailies,
        "monthly": monthly,
        "files": [*files, monthly_path],
        "days": days,
        "products": products,
    }


def test_every_outbound_file_has_zero_pii_hits(month_run: dict, contract: PartnerContract) -> None:
    hits = {}
    for path in month_run["files"]:
        outcome = scan_pii(path.read_bytes(), contract=contract)
        hits[path.name] = outcome.metadata["hits_by_kind"]
    assert all(not h for h in hits.values()), hits
    assert len(month_run["files"]) == 32  # 31 days of December + the monthly file
    # No raw customer or order id as a field anywhere (one scan over every file).
    days = pd.concat(month_run["days"])
    raw_ids = [*days["customer_id"].dropna().unique(), *days["order_id"].dropna().unique()]
    everything = pd.concat([*month_run["dailies"], month_run["monthly"]], ignore_index=True)
    assert scan_pii(everything, known_identifiers=raw_ids).passed


def test_no_cell_under_the_minimum_and_exact_reconciliation(
    month_run: dict, contract: PartnerContract
) -> None:
    monthly = month_run["monthly"]
    assert cells_under_minimum(monthly, month_run["decision"], contract).passed
    for daily in month_run["dailies"]:
        assert cells_under_minimum(daily, month_run["decision"], contract).passed
    outcome = reconcile_monthly_with_daily(monthly, month_run["dailies"], min_customers=contract)
    assert outcome.passed, outcome.metadata
    assert outcome.metadata["units_daily"] == outcome.metadata["units_monthly"] > 0
    assert outcome.metadata["revenue_daily"] == outcome.metadata["revenue_monthly"]
    # The simulated country has thousands of tiny towns: the run must exercise every level.
    assert set(monthly["location_level"]) == {"city", "state", "country"}
    # Every location the daily files published is in the monthly file.
    labels = ["state", "city", "location_level"]
    daily_labels = pd.concat(month_run["dailies"])[labels].drop_duplicates()
    assert set(map(tuple, daily_labels.to_numpy())) == set(map(tuple, monthly[labels].to_numpy()))


def test_every_daily_file_follows_the_month_decision(month_run: dict) -> None:
    for daily in month_run["dailies"]:
        assert daily_follows_decision(daily, month_run["decision"]).passed


def test_pseudonyms_are_stable_within_the_month(
    month_run: dict, contract: PartnerContract, crocante: PartnerContract
) -> None:
    dailies = pd.concat(month_run["dailies"], ignore_index=True)
    days = pd.concat(month_run["days"], ignore_index=True)
    partner = partner_items(days, month_run["products"], contract)
    # A pseudonym that changed from one day to the next would add distinct values.
    assert dailies["customer_id"].nunique() == partner["customer_id"].nunique()
    assert dailies["order_id"].nunique() == partner["order_id"].nunique()
    outcome = pseudonym_properties(
        dailies,
        partner,
        key=KEY,
        salt=contract.privacy.pseudonymization_salt,
        other_salts=[crocante.privacy.pseudonymization_salt],
    )
    assert outcome.passed, outcome.metadata
