"""The stored month decision: made once, identical on re-runs, refused once a file used it.

A real Dagster materialization of ``ouchhungry_publishable_cells`` with the real
DuckDB warehouse reader and IO manager and the local file store.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest
from dagster_duckdb_pandas import DuckDBPandasIOManager

from ouchhungry_dp import file_names
from ouchhungry_dp.defs.products import decision as decision_module
from ouchhungry_dp.defs.products.decision import (
    PreviousMonthIncomplete,
    decision_definitions,
    parse_record,
    record_path,
    stored_decision,
)
from ouchhungry_dp.errors import DataQualityError
from ouchhungry_dp.lib.execution.partitions import monthly_partitions
from ouchhungry_dp.lib.resources.outbound_store import LocalFileStore
from ouchhungry_dp.lib.warehouse.readers import DuckDBWarehouseReader
from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.cells import decide_locations
from ouchhungry_dp.products.csv_files import to_csv_bytes
from ouchhungry_dp.products.daily import build_daily_product

from .conftest import KEY, customers_buying, products_frame, rows_frame

MONTH = "2026-11-01"


def _write_history(database: Path, frame: pd.DataFrame) -> None:
    with duckdb.connect(str(database)) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS marts")
        conn.register("tx", frame)
        conn.execute("CREATE OR REPLACE TABLE marts.cleaned_transactions AS SELECT * FROM tx")
        conn.register("pr", products_frame().assign(snapshot_date=pd.Timestamp("2026-10-01")))
        conn.execute("CREATE OR REPLACE TABLE marts.cleaned_products AS SELECT * FROM pr")


def _history(sao_paulo: int) -> pd.DataFrame:
    return rows_frame(
        customers_buying("2026-10-03", "SP", "SAO PAULO", "REF-HNG-0350", sao_paulo)
        + customers_buying("2026-10-03", "SP", "SANTOS", "REF-HNG-0350", 10)
        + customers_buying("2026-10-03", "AC", "RIO BRANCO", "REF-HNG-0350", 10))


@pytest.fixture
def setup(tmp_path: Path, contract: PartnerContract, monkeypatch: pytest.MonkeyPatch) -> dict:
    # The outbound store must be the folder the environment names (pinned at setup).
    monkeypatch.setenv("OUCHHUNGRY_DATA_DIR", str(tmp_path))
    database = tmp_path / "warehouse.duckdb"
    files = LocalFileStore(root=str(tmp_path / "outbound"))
    resources = {
        "warehouse": DuckDBWarehouseReader(database=str(database), schema_="marts"),
        "outbound_files": files,
        "io_manager": DuckDBPandasIOManager(database=str(database), schema="marts"),
    }
    (asset,) = decision_definitions(contract).assets  # type: ignore[misc]
    return {"database": database, "files": files, "resources": resources, "asset": asset}


def _materialize(setup: dict, instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    return dg.materialize([setup["asset"]], partition_key=MONTH, resources=setup["resources"],
                          instance=instance, raise_on_error=False)


def test_decision_is_stored_once_and_refused_once_a_file_used_it(
    setup: dict, contract: PartnerContract
) -> None:
    record = Path(setup["files"].root) / record_path(contract, "2026-11")
    with dg.instance_for_test() as instance:
        _write_history(setup["database"], _history(9))  # SAO PAULO small: not a city
        assert _materialize(setup, instance).success
        first = record.read_bytes()
        assert b"SAO PAULO,state" in first
        assert _materialize(setup, instance).success  # a re-run: byte-identical record
        assert record.read_bytes() == first

        # A late day of October before any file of November was built: still replaceable.
        _write_history(setup["database"], _history(12))
        assert _materialize(setup, instance).success
        second = record.read_bytes()
        assert b"SAO PAULO,city" in second

        # The daily step builds a November file with it: from now on it is immutable.
        used = stored_decision(setup["files"], setup["resources"]["warehouse"], contract,
                               dt.date(2026, 11, 1), instance=instance)
        assert (used["level"] == "city").any()
        _write_history(setup["database"], _history(5))
        refused = _materialize(setup, instance)
        assert not refused.success
        failure = refused.get_step_failure_events()[0].event_specific_data.error
        assert failure.cause.cls_name == "DataQualityError"  # alerted as a data problem
        assert "would change after files of the month were built" in failure.cause.message
        assert record.read_bytes() == second  # the stored decision stays


def test_the_first_daily_run_makes_the_record_when_the_asset_has_not_run(
    setup: dict, contract: PartnerContract
) -> None:
    _write_history(setup["database"], _history(12))
    with dg.instance_for_test() as instance:
        _cleaned(instance, "2026-10-01", "2026-10-31")
        decision = stored_decision(setup["files"], setup["resources"]["warehouse"], contract,
                                   dt.date(2026, 11, 1), instance=instance)
        record = Path(setup["files"].root) / record_path(contract, "2026-11")
        assert record.is_file() and (decision["level"] == "city").any()
        # Later history changes do not move the month's decision for the next daily runs.
        _write_history(setup["database"], _history(3))
        again = stored_decision(setup["files"], setup["resources"]["warehouse"], contract,
                                dt.date(2026, 11, 1), instance=instance)
    pd.testing.assert_frame_equal(again, decision)


def test_a_released_decision_that_is_lost_or_edited_is_refused_not_decided_again(
    setup: dict, contract: PartnerContract
) -> None:
    """Once files of a month left, its decision is pinned by the release marker: a
    deleted record is not recomputed from today's warehouse, an edited one is refused."""
    _write_history(setup["database"], _history(9))  # SAO PAULO small: generalised
    record = Path(setup["files"].root) / record_path(contract, "2026-11")
    warehouse = setup["resources"]["warehouse"]
    with dg.instance_for_test() as instance:
        _cleaned(instance, "2026-10-01", "2026-10-31")
        used = stored_decision(setup["files"], warehouse, contract, dt.date(2026, 11, 1),
                               instance=instance)
        assert not (used["level"] == "city").any()
        original = record.read_bytes()
        _write_history(setup["database"], _history(12))  # SAO PAULO would now be a city

        record.unlink()
        with pytest.raises(DataQualityError, match="missing although files of the month"):
            stored_decision(setup["files"], warehouse, contract, dt.date(2026, 11, 1),
                            instance=instance)
        refused = _materialize(setup, instance)
        assert not refused.success and not record.exists()
        failure = refused.get_step_failure_events()[0].event_specific_data.error
        assert failure.cause.cls_name == "DataQualityError"

        record.write_bytes(original.replace(b"SAO PAULO,state", b"SAO PAULO,city"))
        with pytest.raises(DataQualityError, match="sha256 differs from the release marker"):
            stored_decision(setup["files"], warehouse, contract, dt.date(2026, 11, 1),
                            instance=instance)

        record.write_bytes(original)  # restored from backup: accepted again
        again = stored_decision(setup["files"], warehouse, contract, dt.date(2026, 11, 1),
                                instance=instance)
    pd.testing.assert_frame_equal(again, used)


def _cleaned(instance: dg.DagsterInstance, first: str, last: str) -> None:
    for day in pd.date_range(first, last, freq="D").strftime("%Y-%m-%d"):
        instance.report_runless_asset_event(
            dg.AssetMaterialization("cleaned_transactions", partition=day))


def _waits_for(setup: dict, contract: PartnerContract,
               instance: dg.DagsterInstance) -> PreviousMonthIncomplete:
    with pytest.raises(dg.RetryRequested) as retry:
        stored_decision(setup["files"], setup["resources"]["warehouse"], contract,
                        dt.date(2026, 11, 1), instance=instance)
    cause = retry.value.__cause__
    assert isinstance(cause, PreviousMonthIncomplete) and cause.transient
    return cause


def test_a_month_is_decided_only_on_a_complete_previous_month_or_no_history(
    setup: dict, contract: PartnerContract
) -> None:
    _write_history(setup["database"], _history(12))
    record = Path(setup["files"].root) / record_path(contract, "2026-11")
    with dg.instance_for_test() as instance:
        # A 7-day backfill: October's last chunk has not run when November's first does.
        _cleaned(instance, "2026-10-01", "2026-10-28")
        waiting = _waits_for(setup, contract, instance)
        assert waiting.partition == "2026-11" and waiting.partner == contract.id
        assert "3 day(s)" in waiting.what
        assert waiting.detail == "missing days: 2026-10-29, 2026-10-30, 2026-10-31"
        assert not record.exists() and not record.with_suffix(".released").exists()
        _cleaned(instance, "2026-10-29", "2026-10-31")
        decided = stored_decision(setup["files"], setup["resources"]["warehouse"], contract,
                                  dt.date(2026, 11, 1), instance=instance)
        assert (decided["level"] == "city").any() and record.with_suffix(".released").is_file()
    # A fresh store for the next cases (a lost record with its marker still there is
    # refused: test_a_released_decision_that_is_lost_or_edited_is_refused_not_decided_again).
    record.unlink()
    record.with_suffix(".released").unlink()
    with dg.instance_for_test() as instance:
        # History exists (September) but none of October: incomplete, not "no history".
        _cleaned(instance, "2026-09-01", "2026-09-30")
        assert "31 day(s)" in _waits_for(setup, contract, instance).what
    with dg.instance_for_test() as instance:
        # No day before November ever cleaned: the first month, decided now.
        assert len(stored_decision(setup["files"], setup["resources"]["warehouse"], contract,
                                   dt.date(2026, 11, 1), instance=instance))
        assert record.is_file()


def test_the_decision_asset_retries_while_the_previous_month_is_incomplete(
    setup: dict, contract: PartnerContract, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(decision_module, "HISTORY_RETRY_WAIT_S", 0)
    monkeypatch.setattr(decision_module, "HISTORY_RETRIES", 1)
    _write_history(setup["database"], _history(12))
    with dg.instance_for_test() as instance:
        _cleaned(instance, "2026-10-02", "2026-10-31")
        result = _materialize(setup, instance)
        assert not result.success
        assert [e.event_type_value for e in result.all_events
                if e.event_type_value == "STEP_UP_FOR_RETRY"] == ["STEP_UP_FOR_RETRY"]
        error = result.get_step_failure_events()[0].event_specific_data.error
        assert error.cause.cls_name == "PreviousMonthIncomplete"
        assert "2026-10-01" in error.cause.message
        assert not (Path(setup["files"].root) / record_path(contract, "2026-11")).exists()


def test_a_day_rebuilt_from_the_stored_record_has_the_same_bytes(
    contract: PartnerContract,
) -> None:
    products = products_frame()
    decision = decide_locations(_history(12), products, contract)
    record = to_csv_bytes(decision)
    assert to_csv_bytes(parse_record(record)) == record
    day = rows_frame(customers_buying("2026-11-05", "SP", "SAO PAULO", "REF-HNG-0350", 4)
                     + customers_buying("2026-11-05", "SP", "SANTOS", "SAL-OCH-0100", 3)
                     + customers_buying("2026-11-05", "RR", "BOA VISTA", "SAL-OCH-0100", 2))
    fresh = build_daily_product(day, products, decision, contract, key=KEY)
    rerun = build_daily_product(day, products, parse_record(record), contract, key=KEY)
    assert to_csv_bytes(rerun) == to_csv_bytes(fresh)
    assert set(fresh["location_level"]) == {"city", "state", "country"}


def test_the_sensor_decides_the_month_once_the_previous_month_is_cleaned(
    contract: PartnerContract,
) -> None:
    defs = decision_definitions(contract)
    (sensor,) = defs.sensors  # type: ignore[misc]
    current = monthly_partitions.get_partition_keys()[-1]
    start, end = file_names.previous_month(file_names.month_bounds(current)[0])
    days = pd.date_range(start, end, freq="D").strftime("%Y-%m-%d").tolist()
    with dg.instance_for_test() as instance:
        def evaluate() -> object:
            return sensor(dg.build_sensor_context(instance=instance))

        for day in days[:-1]:
            instance.report_runless_asset_event(
                dg.AssetMaterialization("cleaned_transactions", partition=day))
        assert "1 day(s) of the previous month not cleaned" in evaluate().skip_message
        instance.report_runless_asset_event(
            dg.AssetMaterialization("cleaned_transactions", partition=days[-1]))
        request = evaluate()
        assert request.partition_key == current
        instance.report_runless_asset_event(
            dg.AssetMaterialization(f"{contract.id}_publishable_cells", partition=current))
        assert "already made" in evaluate().skip_message


def test_a_marker_without_sha256_refuses_a_changed_decision(
    setup: dict, contract: PartnerContract
) -> None:
    """A ``.released`` marker written before the pin (no digest) proves nothing about the
    record: the asset refuses to replace it and does not re-pin it."""
    _write_history(setup["database"], _history(9))
    record = Path(setup["files"].root) / record_path(contract, "2026-11")
    with dg.instance_for_test() as instance:
        _cleaned(instance, "2026-10-01", "2026-10-31")
        assert _materialize(setup, instance).success
        original = record.read_bytes()
        record.with_suffix(".released").write_bytes(b"released\n")
        _write_history(setup["database"], _history(12))  # SAO PAULO would now be a city
        refused = _materialize(setup, instance)
        assert not refused.success
        failure = refused.get_step_failure_events()[0].event_specific_data.error
        assert failure.cause.cls_name == "DataQualityError" and "pins no sha256" in (
            failure.cause.message)
    assert record.read_bytes() == original
    assert record.with_suffix(".released").read_bytes() == b"released\n"


def test_the_decision_depends_on_the_previous_month_of_cleaned_days(
    contract: PartnerContract,
) -> None:
    """Lineage in the code location: the month's decision <- every day of the previous
    month of ``cleaned_transactions`` and ``cleaned_products``, and a day's re-cleaning
    marks the next month's decision (not its own month's) as affected."""
    from ouchhungry_dp.definitions import defs  # the whole code location: only this test

    graph = defs.resolve_asset_graph()
    decision = dg.AssetKey(f"{contract.id}_publishable_cells")
    october = [d.strftime("%Y-%m-%d") for d in pd.date_range("2026-10-01", "2026-10-31")]
    for upstream in ("cleaned_transactions", "cleaned_products"):
        key = dg.AssetKey(upstream)
        assert key in graph.get(decision).parent_keys
        mapping = graph.get_partition_mapping(decision, key)
        child_def, parent_def = graph.get(decision).partitions_def, graph.get(key).partitions_def
        parents = mapping.get_upstream_mapped_partitions_result_for_partitions(
            child_def.subset_with_partition_keys([MONTH]), child_def, parent_def)
        assert sorted(parents.partitions_subset.get_partition_keys()) == october, upstream
        children = mapping.get_downstream_partitions_for_partitions(
            parent_def.subset_with_partition_keys(["2026-10-31"]), parent_def, child_def)
        assert list(children.get_partition_keys()) == [MONTH], upstream
