"""The run-failure sensor's two "not yet" rules, on real runs of a real instance.

* A run Dagster will retry (``dagster/will_retry=true``, set by the instance itself
  when run retries are enabled) is not e-mailed: its retry will be if it fails too.
* Failures of a backfill that is still running are held until it ends (or the
  settle time passes), then sent as one e-mail. The backfill is a real backfill
  record of the instance (``PartitionBackfill`` over a partitioned asset), its runs
  carry its id as the backfill daemon tags them.
"""

import time
from pathlib import Path

import dagster as dg
from dagster._core.execution.backfill import BulkActionStatus, PartitionBackfill
from dagster._core.storage.tags import (
    BACKFILL_ID_TAG,
    PARENT_RUN_ID_TAG,
    ROOT_RUN_ID_TAG,
    WILL_RETRY_TAG,
)
from dagster._core.utils import make_new_backfill_id

from ouchhungry_dp.defs.alerts.sensors import data_team_run_failure_alerts
from ouchhungry_dp.errors import DeliveryError
from ouchhungry_dp.lib.resources.email import AlertSettingsResource
from ouchhungry_dp_tests.alerts.conftest import UI, alerts_test_daily_delivery, email_resource

IN_PROCESS = {"execution": {"config": {"in_process": {}}}}
DAYS = dg.DailyPartitionsDefinition(start_date="2026-11-01", end_date="2026-11-04")


@dg.asset(partitions_def=DAYS)
def alerts_test_partitioned_delivery(context: dg.AssetExecutionContext) -> None:
    raise DeliveryError(
        f"partner API rejected the file of {context.partition_key}",
        partner="ouchhungry",
        partition=context.partition_key,
        detail="HTTP 422 schema mismatch",
    )


def tick(instance, port: int, tmp_path: Path, settings: AlertSettingsResource, cursor):
    context = dg.build_sensor_context(
        instance=instance,
        cursor=cursor,
        resources={"alert_email": email_resource(port, tmp_path), "alert_settings": settings},
    )
    result = data_team_run_failure_alerts(context)
    return context.cursor, result.skip_message or ""


def test_a_run_dagster_will_retry_is_not_alerted_its_failed_retry_is(sink, tmp_path):
    settings = AlertSettingsResource(ui_base_url=UI, outbox_dir=str(tmp_path / "outbox"))
    retries = {"run_retries": {"enabled": True, "max_retries": 1}}
    with dg.instance_for_test(temp_dir=str(tmp_path), overrides=retries) as instance:
        first = alerts_test_daily_delivery.execute_in_process(
            instance=instance, raise_on_error=False, tags={"dagster/partition": "2026-11-25"}
        )
        assert instance.get_run_by_id(first.run_id).tags[WILL_RETRY_TAG] == "true"

        cursor, message = tick(instance, sink.port, tmp_path, settings, None)
        assert sink.messages() == [], message

        # The retry, tagged as Dagster's re-execution tags it, fails too: the group is used up.
        retry = dg.execute_job(
            dg.reconstructable(alerts_test_daily_delivery),
            instance=instance,
            reexecution_options=dg.ReexecutionOptions.from_failure(first.run_id, instance),
            tags={
                "dagster/partition": "2026-11-25",
                PARENT_RUN_ID_TAG: first.run_id,
                ROOT_RUN_ID_TAG: first.run_id,
            },
            run_config=IN_PROCESS,
            raise_on_error=False,
        )
        assert instance.get_run_by_id(retry.run_id).tags[WILL_RETRY_TAG] == "false"

        tick(instance, sink.port, tmp_path, settings, cursor)
    [mail] = sink.messages()
    assert "SFTP upload failed" in mail.subject
    assert f"{UI}/runs/{retry.run_id}" in mail.body()
    assert f"{UI}/runs/{first.run_id}" not in mail.body()


def test_a_running_backfill_is_held_then_sent_as_one_email_when_it_ends(sink, tmp_path):
    settings = AlertSettingsResource(ui_base_url=UI, outbox_dir=str(tmp_path / "outbox"))
    partitions = ["2026-11-01", "2026-11-02", "2026-11-03"]
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        graph = dg.Definitions(assets=[alerts_test_partitioned_delivery]).resolve_asset_graph()
        backfill = PartitionBackfill.from_asset_partitions(
            backfill_id=make_new_backfill_id(),
            asset_graph=graph,
            partition_names=partitions,
            asset_selection=[alerts_test_partitioned_delivery.key],
            backfill_timestamp=time.time(),
            tags={},
            dynamic_partitions_store=instance,
            all_partitions=False,
            title=None,
            description=None,
            run_config=None,
        )
        instance.add_backfill(backfill)
        assert instance.get_backfill(backfill.backfill_id).status == BulkActionStatus.REQUESTED
        for partition in partitions:
            dg.materialize(
                [alerts_test_partitioned_delivery],
                instance=instance,
                partition_key=partition,
                tags={BACKFILL_ID_TAG: backfill.backfill_id},
                raise_on_error=False,
            )

        cursor, message = tick(instance, sink.port, tmp_path, settings, None)
        assert sink.messages() == []
        assert "3 held" in message
        cursor, message = tick(instance, sink.port, tmp_path, settings, cursor)
        assert sink.messages() == [] and "3 held" in message  # held across ticks, not lost

        instance.update_backfill(backfill.with_status(BulkActionStatus.COMPLETED_FAILED))
        _, message = tick(instance, sink.port, tmp_path, settings, cursor)
    [mail] = sink.messages()
    assert "0 held" in message
    assert "2026-11-01..2026-11-03 (3 partitions)" in mail.subject
    assert backfill.backfill_id in mail.body()


def test_a_backfill_running_past_the_settle_time_is_not_held_any_longer(sink, tmp_path):
    settings = AlertSettingsResource(
        ui_base_url=UI, outbox_dir=str(tmp_path / "outbox"), backfill_settle_seconds=0
    )
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        graph = dg.Definitions(assets=[alerts_test_partitioned_delivery]).resolve_asset_graph()
        backfill = PartitionBackfill.from_asset_partitions(
            backfill_id=make_new_backfill_id(), asset_graph=graph,
            partition_names=["2026-11-01"], asset_selection=[alerts_test_partitioned_delivery.key],
            backfill_timestamp=time.time(), tags={}, dynamic_partitions_store=instance,
            all_partitions=False, title=None, description=None, run_config=None,
        )
        instance.add_backfill(backfill)
        dg.materialize(
            [alerts_test_partitioned_delivery], instance=instance, partition_key="2026-11-01",
            tags={BACKFILL_ID_TAG: backfill.backfill_id}, raise_on_error=False,
        )
        _, message = tick(instance, sink.port, tmp_path, settings, None)
        assert instance.get_backfill(backfill.backfill_id).status == BulkActionStatus.REQUESTED
    assert "0 held" in message
    assert len(sink.messages()) == 1
