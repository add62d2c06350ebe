"""Fixtures of the alerting tests: a real SMTP sink on loopback, a real Dagster instance
in a temporary DAGSTER_HOME, and tiny failing jobs/assets/checks run for real once."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from ouchhungry_dp.errors import ConnectivityError, DeliveryError
from ouchhungry_dp.lib.resources.email import AlertSettingsResource, EmailResource
from ouchhungry_dp.sandbox.partner_systems.smtp_sink import SmtpSink
from ouchhungry_dp_tests.postgres import PostgresServer, postgres_server, postgres_url  # noqa: F401

UI = "http://ui.test:3000"
BACKFILL_ID = "bf-alerts-test"
BACKFILL_PARTITIONS = ["2026-11-01", "2026-11-02", "2026-11-03"]


@dg.op
def upload_daily_file(context: dg.OpExecutionContext) -> None:
    raise ConnectivityError(
        "SFTP upload failed",
        partner="ouchhungry",
        partition=context.run.tags.get("dagster/partition"),
        detail="connection refused by 127.0.0.1:2222",
        hint="Check that the partner's SFTP server is up, then re-deliver the partition.",
        transient=True,
    )


@dg.job
def alerts_test_daily_delivery() -> None:
    upload_daily_file()


@dg.op
def put_to_partner_api(context: dg.OpExecutionContext) -> None:
    partition = context.run.tags["dagster/partition"]
    raise DeliveryError(
        f"partner API rejected the file of {partition}",
        partner="ouchhungry",
        partition=partition,
        detail="HTTP 422 schema mismatch",
        hint="Compare the file's columns with the contract.",
    )


@dg.job
def alerts_test_api_delivery() -> None:
    put_to_partner_api()


@dg.asset
def alerts_test_sales() -> int:
    return 1


@dg.asset_check(asset=alerts_test_sales, description="volume against recent partitions")
def volume_anomaly() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=False, severity=dg.AssetCheckSeverity.ERROR, description="row count fell 80%"
    )


@dg.asset_check(asset=alerts_test_sales)
def late_rows_share() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=False, severity=dg.AssetCheckSeverity.WARN, description="3% late rows"
    )


@dg.asset
def alerts_test_guarded() -> int:
    return 1


@dg.asset_check(asset=alerts_test_guarded, blocking=True)
def conservation() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False, description="raw 10 != cleaned 8 + quarantined 1")


@dataclass(frozen=True)
class Runs:
    instance: dg.DagsterInstance
    sftp_run_id: str
    backfill_run_ids: list[str]
    checks_run_id: str
    blocking_run_id: str


def instance_overrides(kind: str, request: pytest.FixtureRequest) -> dict | None:
    """SQLite (local) or the production storage: dagster-postgres on a real server."""
    if kind == "sqlite":
        return None
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create_database(f"alerts_{request.module.__name__.rpartition('.')[2]}")
    return {"storage": {"postgres": {"postgres_url": url}}}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def runs(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Runs]:
    """Six real runs on a persistent instance (SQLite in a temp dir, or Postgres), shared by
    the module: every sensor test runs against both storages."""
    home = tmp_path_factory.mktemp("dagster_home")
    overrides = instance_overrides(request.param, request)
    with dg.instance_for_test(temp_dir=str(home), overrides=overrides) as instance:
        storage = type(instance.run_storage).__name__
        assert storage == ("SqliteRunStorage" if overrides is None else "PostgresRunStorage")
        sftp = alerts_test_daily_delivery.execute_in_process(
            instance=instance, raise_on_error=False, tags={"dagster/partition": "2026-11-25"}
        )
        backfill = [
            alerts_test_api_delivery.execute_in_process(
                instance=instance,
                raise_on_error=False,
                tags={"dagster/partition": p, "dagster/backfill": BACKFILL_ID},
            )
            for p in BACKFILL_PARTITIONS
        ]
        checks = dg.materialize(
            [alerts_test_sales, volume_anomaly, late_rows_share], instance=instance
        )
        blocking = dg.materialize(
            [alerts_test_guarded, conservation], instance=instance, raise_on_error=False
        )
        assert not sftp.success and checks.success and not blocking.success
        yield Runs(
            instance,
            sftp.run_id,
            [r.run_id for r in backfill],
            checks.run_id,
            blocking.run_id,
        )


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[SmtpSink]:
    with SmtpSink(tmp_path / "mail") as running:
        yield running


@pytest.fixture
def settings_resource(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AlertSettingsResource:
    monkeypatch.delenv("DATA_TEAM_ALERT_EMAILS", raising=False)  # the default three addresses
    return alert_settings(tmp_path)


def alert_settings(tmp_path: Path, warn_digest_seconds: float = 0) -> AlertSettingsResource:
    return AlertSettingsResource(
        ui_base_url=UI,
        outbox_dir=str(tmp_path / "outbox"),
        warn_digest_interval_seconds=warn_digest_seconds,
    )


def email_resource(port: int, tmp_path: Path) -> EmailResource:
    return EmailResource(
        host="127.0.0.1",
        port=port,
        security="none",
        email_from="alerts@ouchhungry.test",
        attempts=2,
        backoff_seconds=0.01,
        timeout_seconds=5,
        sent_log_path=str(tmp_path / "sent_log.sqlite"),
    )
