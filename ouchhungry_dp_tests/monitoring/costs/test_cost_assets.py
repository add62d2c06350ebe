"""Materialize the cost assets for the planted spike day in a real temporary instance."""


from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_duckdb_pandas import DuckDBPandasIOManager

from ouchhungry_dp.defs.platform import costs
from ouchhungry_dp.lib.resources.cost_monitoring import (
    CostMonitoringResource,
)
from ouchhungry_dp.lib.resources.outbound_store import LocalFileStore
from ouchhungry_dp.lib.resources.simulated_cost_source import SimulatedCostSourceResource
from ouchhungry_dp.sandbox.company_cloud import gcp_catalog as catalog

SPIKE = catalog.SPIKE_DAY.isoformat()


@pytest.fixture(scope="module")
def spike_run(account_path: Path, tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("dagster")
    resources = {
        "io_manager": DuckDBPandasIOManager(database=str(tmp / "warehouse.duckdb"),
                                            schema="platform"),
        "gcp_cost_source": SimulatedCostSourceResource(simulated_path=str(account_path)),
        "cost_monitoring": CostMonitoringResource(monthly_budget_usd=1_000_000.0),
        "outbound_files": LocalFileStore(root=str(tmp / "outbound")),
    }
    assets = costs.cost_assets  # dagster_run_metrics: no runs on that day, an empty table
    # The outbound store must be the folder the environment names (pinned at setup).
    with pytest.MonkeyPatch.context() as patch, dg.instance_for_test(temp_dir=str(tmp)) as instance:
        patch.setenv("OUCHHUNGRY_DATA_DIR", str(tmp))
        result = dg.materialize(
            assets, partition_key=SPIKE, instance=instance, resources=resources
        )
        yield result, instance, tmp


def _check(result: dg.ExecuteInProcessResult, name: str) -> dg.AssetCheckEvaluation:
    found = [e for e in result.get_asset_check_evaluations() if e.check_name == name]
    assert len(found) == 1
    return found[0]


def test_spike_fails_the_anomaly_check_with_severity_error(spike_run):
    result, _, _ = spike_run
    assert result.success
    anomaly = _check(result, costs.CHECK_ANOMALY)
    assert not anomaly.passed
    assert anomaly.severity == dg.AssetCheckSeverity.ERROR
    meta = {k: v.value for k, v in anomaly.metadata.items()}
    assert meta["day"] == SPIKE
    assert meta["excess_usd"] > 0 and meta["day_cost_usd"] > meta["threshold_usd"]
    assert "hint" in meta
    assert _check(result, costs.CHECK_BUDGET).passed  # generous budget in this test
    assert _check(result, costs.CHECK_ATTRIBUTION).passed


def test_tables_land_in_the_warehouse_with_date_partition_columns(spike_run):
    _, _, tmp = spike_run
    with duckdb.connect(str(tmp / "warehouse.duckdb"), read_only=True) as con:
        for table, column in [
            ("bigquery_job_costs", "usage_date"), ("cloud_billing_daily", "usage_date"),
            ("platform_cost_kpis", "kpi_date"), ("cost_recommendations", "recommendation_date"),
            ("bigquery_storage_costs", "snapshot_date"), ("gcs_storage", "snapshot_date"),
        ]:
            kind = con.execute(
                "SELECT data_type FROM information_schema.columns "
                "WHERE table_schema = 'platform' AND table_name = ? AND column_name = ?",
                [table, column],
            ).fetchone()
            assert kind is not None and kind[0].startswith(("DATE", "TIMESTAMP")), table
            rows = con.execute(
                f"SELECT COUNT(*) FROM platform.{table} WHERE CAST({column} AS DATE) = ?", [SPIKE]
            ).fetchone()[0]
            assert rows > 0, table


def test_report_file_has_charts(spike_run):
    result, _, tmp = spike_run
    # Through the outbound store (GCS in prod), never a folder of the run's own disk.
    report = tmp / "outbound" / costs.report_object(catalog.SPIKE_DAY)
    html = report.read_text()
    assert html.count("data:image/png;base64,") == 2
    assert "maximum_bytes_billed_guardrail" in html
    mats = result.asset_materializations_for_node("platform_cost_report")
    assert mats and mats[0].metadata["report_location"].value == str(report)


def test_spike_alert_reaches_the_data_team_by_email(spike_run, tmp_path, monkeypatch):
    # Imported, not importorskip'ed: a broken import of our own module must fail the test.
    from ouchhungry_dp.defs.alerts import sensors as alerts
    from ouchhungry_dp.lib.resources.email import AlertSettingsResource, EmailResource
    from ouchhungry_dp.sandbox.partner_systems.smtp_sink import SmtpSink

    _, instance, _ = spike_run
    monkeypatch.delenv("DATA_TEAM_ALERT_EMAILS", raising=False)
    with SmtpSink(tmp_path / "mail") as sink:
        email = EmailResource(
            host="127.0.0.1", port=sink.port, security="none",
            email_from="alerts@ouchhungry.test", attempts=2, backoff_seconds=0.01,
            timeout_seconds=5, sent_log_path=str(tmp_path / "sent.sqlite"),
        )
        settings = AlertSettingsResource(outbox_dir=str(tmp_path / "outbox"),
                                         warn_digest_interval_seconds=3600)
        context = dg.build_sensor_context(
            instance=instance, resources={"alert_email": email, "alert_settings": settings}
        )
        alerts.data_team_asset_check_alerts(context)
        mails = [m for m in sink.messages() if costs.CHECK_ANOMALY in m.subject]
    assert len(mails) == 1
    assert "ERROR" in mails[0].subject
    assert SPIKE in mails[0].body()
