"""Every job of the code location, launched the way people and schedules launch it.

`dagster dev` (webserver + daemon + code server) runs on a temporary instance with
the repository's local ``dagster.yaml`` (queued runs, pools, run monitoring), against
the loopback sandbox (SFTP, partner API, SMTP, Power BI emulator). Each job is
launched through the GraphQL mutation behind the UI's Launch button, one after
another, with a valid partition chosen from its own partitions definition; the
daemon dequeues it and a run worker executes it with the job's own executor.

The job list comes from the definitions, so a new job is launched here without
anyone remembering to add it. Jobs whose purpose is to fail are listed in
``MEANT_TO_FAIL`` with the failure they exist for.

Against an instance that is already up (``make run``)::

    OUCHHUNGRY_LAUNCH_UI_URL=http://127.0.0.1:3000 \
        pytest ouchhungry_dp_tests/e2e/test_launch_every_job.py
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from ouchhungry_dp.defs.platform.powerbi import ALERT_JOB_NAME
from ouchhungry_dp.lib.execution.partitions import BACKFILL_DAYS_ENV, daily_partitions
from ouchhungry_dp.monitoring.powerbi.powerbi_settings import load_monitored_datasets
from ouchhungry_dp.sandbox.company_cloud.powerbi_server import PowerBIEmulator
from ouchhungry_dp.sandbox.stack import SandboxStack
from ouchhungry_dp_tests.conftest import platform_env
from ouchhungry_dp_tests.e2e.dagster_ui import DagsterDev, DagsterUi

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(3600)]
EXTERNAL_UI = os.environ.get("OUCHHUNGRY_LAUNCH_UI_URL")
ROWS_PER_DAY = 100  # small simulated volume: this test is about wiring, not scale
# The month's backfill in two chunk runs instead of the default five (7 days a run): still
# a multi-run backfill queued behind the warehouse pool, but each run costs ~40 s here (a
# process per step, each importing the code location), and wiring, not chunk size, is
# under test (chunk boundaries: products/test_daily_asset_run.py, test_decision_asset.py).
BACKFILL_DAYS_PER_RUN = 16

ALERT_DATASET = "partner_sales"
ALERT_HINT = "Re-enter the data source credentials of the dataset in Power BI."
# The alert job's run config, as the Power BI sensor builds it for a revoked credential.
ALERT_CONFIG = {"ops": {"powerbi_refresh_alert_op": {"config": {
    "dataset": ALERT_DATASET, "kind": "permanent_failure", "cause": "credentials",
    "error_code": "DMTS_OAuthTokenRefreshFailedError", "hint": ALERT_HINT,
    "request_id": "launch-test", "detail": "emulated by the launch test",
    "key": "launch-test:partner_sales",
}}}}


@dataclass(frozen=True)
class Launch:
    job: str
    partition: str | None
    run_config: dict[str, Any]


@dataclass(frozen=True)
class MeantToFail:
    run_config: dict[str, Any]
    failure_says: tuple[str, ...]  # every one of these is in the run's failure messages


MEANT_TO_FAIL = {
    # One run per Power BI refresh problem: its failure, carrying the classified error,
    # is the alert the run-failure sensor e-mails.
    ALERT_JOB_NAME: MeantToFail(ALERT_CONFIG, (f"Power BI dataset '{ALERT_DATASET}'",
                                               "DMTS_OAuthTokenRefreshFailedError",
                                               ALERT_HINT)),
}


def _load_jobs() -> dict[str, dg.JobDefinition]:
    from ouchhungry_dp.definitions import defs

    repo = defs.get_repository_def()
    return {job.name: job for job in repo.get_all_jobs() if not job.name.startswith("__")}


def _last_day(now: dt.datetime) -> dt.date:
    # The newest daily partition: yesterday in the partitions' timezone, as the schedule.
    return dt.date.fromisoformat(daily_partitions.get_partition_keys(current_time=now)[-1])


def partition_for(job: dg.JobDefinition, day: dt.date) -> str | None:
    """A valid partition, as the job's automation picks it: the newest complete window at
    the end of ``day`` (the day itself for a daily job, the last complete month for a
    monthly one; a month to date may be too thin to publish any cell)."""
    partitions = job.partitions_def
    if partitions is None:
        return None
    assert isinstance(partitions, dg.TimeWindowPartitionsDefinition), (
        f"{job.name}: no rule for {partitions}; add one to partition_for")
    end_of_day = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0),
                                     ZoneInfo(partitions.timezone))
    complete = [key for key in partitions.get_partition_keys(current_time=end_of_day)
                if partitions.time_window_for_partition_key(key).end <= end_of_day]
    assert complete, f"{job.name}: no complete partition at {day}"
    return complete[-1]


def window_days(job: dg.JobDefinition, key: str) -> list[str]:
    """The days of a partition of a longer cadence (e.g. every day of a month)."""
    window = job.partitions_def.time_window_for_partition_key(key)  # type: ignore[union-attr]
    first, end = window.start.date(), window.end.date()
    return [(first + dt.timedelta(days=i)).isoformat() for i in range((end - first).days)]


def plan(jobs: dict[str, dg.JobDefinition], day: dt.date) -> list[Launch]:
    """Daily before monthly (the month is built from the delivered day), the rest after."""
    order = sorted(jobs.values(), key=lambda j: (
        j.name in MEANT_TO_FAIL, j.partitions_def is None,
        getattr(j.partitions_def, "cron_schedule", ""), j.name))
    launches = []
    for job in order:
        meant = MEANT_TO_FAIL.get(job.name)
        launches.append(Launch(job.name, partition_for(job, day),
                               meant.run_config if meant else {}))
    return launches


@dataclass
class Session:
    ui: DagsterUi
    sandbox: SandboxStack | None


def _powerbi_emulator() -> PowerBIEmulator:
    emulator = PowerBIEmulator(port=0)
    for dataset in load_monitored_datasets().datasets:
        emulator.add_dataset(dataset.workspace_id, dataset.dataset_id,
                             capacity=dataset.capacity, duration_s=1)
    return emulator


@pytest.fixture(scope="module")
def session(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    if EXTERNAL_UI:  # `make run`'s own instance, sandbox and settings
        yield Session(DagsterUi(EXTERNAL_UI), None)
        return
    sandbox: SandboxStack = request.getfixturevalue("sandbox")
    workdir = tmp_path_factory.mktemp("launch_every_job")
    with _powerbi_emulator() as powerbi:
        env = {**platform_env(sandbox, workdir, rows_per_day=ROWS_PER_DAY), **powerbi.env(),
               BACKFILL_DAYS_ENV: str(BACKFILL_DAYS_PER_RUN)}
        dev = DagsterDev(env, workdir)
        with dev as ui:
            yield Session(ui, sandbox)
        print(dev.log_tail(2000))


@pytest.fixture(scope="module")
def jobs() -> dict[str, dg.JobDefinition]:
    return _load_jobs()


def test_the_ui_lists_every_job_of_the_definitions(session: Session, jobs) -> None:
    assert session.ui.jobs() == set(jobs)
    assert set(MEANT_TO_FAIL) <= set(jobs), "a job meant to fail no longer exists"


def daily_history(job: dg.JobDefinition) -> list[str]:
    """Daily assets a job of a longer cadence reads (whole multi-asset nodes)."""
    from ouchhungry_dp.definitions import defs

    repo = defs.get_repository_def()
    own = job.asset_layer.selected_asset_keys
    upstream = dg.AssetSelection.assets(*own).upstream().resolve(repo.asset_graph)
    daily = {key for key in upstream - own
             if repo.asset_graph.get(key).partitions_def == daily_partitions}
    nodes = {k for key in daily for k in repo.assets_defs_by_key[key].keys}
    return sorted(k.to_user_string() for k in nodes)


@pytest.fixture(scope="module")
def outcomes(session: Session, jobs) -> dict[str, tuple[Launch, str, str, list[str]]]:
    """Every job launched through GraphQL, one after another: (launch, run id, status, errors)."""
    day = _last_day(dt.datetime.now(dt.UTC))
    results = {}
    for launch in plan(jobs, day):
        history = daily_history(jobs[launch.job]) if launch.partition else []
        if history and jobs[launch.job].partitions_def != daily_partitions:
            # As an operator (or `make demo`) would: the month is backfilled from the UI
            # first, in one run, so the monthly file describes every day of it.
            backfill = session.ui.backfill(history, window_days(jobs[launch.job],
                                                                launch.partition))
            status = session.ui.wait_backfill(backfill)
            assert status in ("COMPLETED", "COMPLETED_SUCCESS"), (launch.job, backfill, status)
        run_id = session.ui.launch(launch.job, launch.partition, launch.run_config)
        status = session.ui.wait(run_id)
        failures = session.ui.failures(run_id) if status != "SUCCESS" else []
        results[launch.job] = (launch, run_id, status, failures)
    return results


def test_every_job_succeeds_when_launched_from_the_ui(outcomes) -> None:
    wrong = [f"{job} [{launch.partition}] run {run_id}: {status}\n" + "\n".join(failures)
             for job, (launch, run_id, status, failures) in outcomes.items()
             if job not in MEANT_TO_FAIL and status != "SUCCESS"]
    assert not wrong, "\n\n".join(wrong)
    partitioned = [launch for launch, *_ in outcomes.values() if launch.partition]
    assert partitioned, "at least the delivery and cost jobs run for a partition"


def test_jobs_meant_to_fail_fail_for_their_reason(outcomes) -> None:
    for job, meant in MEANT_TO_FAIL.items():
        _launch, run_id, status, failures = outcomes[job]
        assert status == "FAILURE", (job, run_id, status)
        text = "\n".join(failures)
        for part in meant.failure_says:
            assert part in text, (job, part, text[:2000])


def test_the_daily_run_delivered_its_partition(session: Session, outcomes) -> None:
    if session.sandbox is None:
        pytest.skip("an external instance delivers to its own sandbox")
    daily = next(launch for launch, *_ in outcomes.values()
                 if launch.job.endswith("_daily_delivery"))
    sftp_file = (session.sandbox.sftp_files / "daily"
                 / f"ouchhungry_sales_daily_{daily.partition}.csv")
    assert sftp_file.is_file() and Path(f"{sftp_file}.manifest.json").is_file()


def test_the_alert_run_reaches_the_data_team(session: Session, outcomes) -> None:
    """What the alert job exists for: the daemon's run-failure sensor e-mails its error."""
    if session.sandbox is None:
        pytest.skip("an external instance e-mails its own sandbox")
    _launch, run_id, _status, _failures = outcomes[ALERT_JOB_NAME]
    deadline = time.monotonic() + 300  # the sensor ticks every 30 s on a busy machine
    while time.monotonic() < deadline:
        mails = [m for m in session.sandbox.smtp.messages() if run_id in m.body()]
        if mails:
            break
        time.sleep(3)
    assert mails, f"no alert e-mail names run {run_id}"
    assert ALERT_HINT in mails[0].body()
