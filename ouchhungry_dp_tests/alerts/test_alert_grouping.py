"""Incident grouping as plain functions (no Dagster): what the sensors e-mail, field by field.

The sensor tests prove the wiring on real runs; these pin the grouping rules
themselves (written for the mutmut survivors of alerts/run_incidents.py and checks.py):
which failures share an incident, what the alert says, and that the same incident
always gets the same key (hence the same Message-ID, hence never sent twice).
"""

from __future__ import annotations

from ouchhungry_dp.alerts.check_incidents import CheckFailure, group_error_checks, warn_digest_alert
from ouchhungry_dp.alerts.model import AlertKind
from ouchhungry_dp.alerts.run_incidents import RunFailure, group_run_failures, parse_error

API_ERROR = (
    "ouchhungry_dp.errors.DeliveryError: [delivery] partner API rejected the file of {day} "
    "(partner=ouchhungry, partition={day}): HTTP 422 schema mismatch | hint: compare columns"
)


def run_failure(run: str, day: str, ts: float, **extra) -> RunFailure:
    return RunFailure(
        run_id=run, job_name="ouchhungry_daily_delivery", timestamp=ts,
        error=parse_error("DeliveryError", API_ERROR.format(day=day)),
        step="ouchhungry_daily_api_delivery", partition=day,
        run_url=f"http://ui/runs/{run}", **extra,
    )


def test_a_backfill_failing_the_same_way_on_three_days_is_one_alert_listing_every_run():
    failures = [
        run_failure(f"run-{i}-0000000", f"2026-11-0{i}", 100.0 + i, backfill_id="bf1")
        for i in (3, 1, 2)
    ]
    [alert] = group_run_failures(failures, backfill_url=lambda b: f"http://ui/backfills/{b}")

    assert alert.kind is AlertKind.RUN_FAILURE
    assert (alert.severity, alert.category) == ("ERROR", "delivery")
    assert alert.title == "partner API rejected the file of 2026-11-01"  # oldest first
    assert alert.partitions == ["2026-11-01", "2026-11-02", "2026-11-03"]
    assert [o.run_id for o in alert.occurrences] == [
        "run-1-0000000", "run-2-0000000", "run-3-0000000",
    ]
    assert all(o.job_name == "ouchhungry_daily_delivery" for o in alert.occurrences)
    assert all(o.step == "ouchhungry_daily_api_delivery" for o in alert.occurrences)
    assert alert.occurrences[0].message == "HTTP 422 schema mismatch"
    assert alert.links[0] == ("backfill bf1", "http://ui/backfills/bf1")
    assert alert.links[1] == ("run run-1-00", "http://ui/runs/run-1-0000000")
    assert len(alert.links) == 4
    assert alert.note.startswith("3 run(s) of backfill bf1 failed the same way")
    assert (alert.partner, alert.job_name, alert.step, alert.error_class) == (
        "ouchhungry", "ouchhungry_daily_delivery", "ouchhungry_daily_api_delivery",
        "DeliveryError",
    )
    assert (alert.message, alert.hint) == ("HTTP 422 schema mismatch", "compare columns")
    assert alert.incident_key.startswith("run-failure/backfill:bf1/")


def test_runs_outside_a_backfill_are_separate_incidents_unless_one_retry_chain():
    alone = [run_failure("a" * 8, "2026-11-01", 1.0), run_failure("b" * 8, "2026-11-02", 2.0)]
    assert len(group_run_failures(alone)) == 2
    chain = [
        run_failure("root0000", "2026-11-01", 1.0),
        run_failure("retry000", "2026-11-01", 2.0, root_run_id="root0000"),
    ]
    [alert] = group_run_failures(chain)
    assert alert.incident_key.startswith("run-failure/run:root0000/")
    assert alert.note == ""  # not a backfill
    assert len(alert.links) == 2


def test_the_incident_key_ignores_dates_and_numbers_but_not_the_step_or_error():
    first = run_failure("r1", "2026-11-01", 1.0, backfill_id="bf")
    other_day = run_failure("r2", "2026-11-09", 2.0, backfill_id="bf")
    assert first.incident_key == other_day.incident_key
    other_step = RunFailure(**{**first.__dict__, "step": "ouchhungry_daily_sftp_delivery"})
    assert other_step.incident_key != first.incident_key
    other_class = RunFailure(
        **{**first.__dict__, "error": parse_error("ConnectivityError", "[connectivity] x")}
    )
    assert other_class.incident_key != first.incident_key


def test_an_unexpected_error_is_titled_by_its_job():
    failure = RunFailure(
        run_id="r1", job_name="ouchhungry_daily_delivery", timestamp=1.0,
        error=parse_error("KeyError", "builtins.KeyError: 'city'"),
    )
    [alert] = group_run_failures([failure])
    assert alert.title == "ouchhungry_daily_delivery failed"
    assert alert.category == "unexpected" and alert.links == ()


def check_failure(sid: int, **fields) -> CheckFailure:
    values = {
        "storage_id": sid, "timestamp": float(sid), "asset_key": "ouchhungry_sales_daily",
        "check_name": "no_small_cells", "severity": "ERROR", "blocking": True,
        "description": f"cell {sid} under 10 customers", "partition": f"2026-11-0{sid}",
        "partner": "ouchhungry", "run_id": f"run{sid}-000000", "run_url": f"http://ui/runs/{sid}",
    }
    return CheckFailure(**{**values, **fields})


def test_one_check_failing_on_many_partitions_of_one_backfill_is_one_alert():
    failures = [check_failure(i, backfill_id="bf9") for i in (2, 1, 3)]
    [alert] = group_error_checks(failures)

    assert alert.kind is AlertKind.CHECK_FAILURE
    assert (alert.severity, alert.category, alert.partner) == ("ERROR", "data_quality",
                                                               "ouchhungry")
    assert alert.title == "Asset check ouchhungry_sales_daily:no_small_cells failed (blocking)"
    assert alert.incident_key == "check-failure/ouchhungry_sales_daily:no_small_cells/backfill:bf9"
    assert alert.message == "cell 1 under 10 customers"
    assert "downstream assets were not materialized" in alert.hint
    assert alert.partitions == ["2026-11-01", "2026-11-02", "2026-11-03"]
    first = alert.occurrences[0]
    assert (first.label, first.severity, first.run_id, first.run_url) == (
        "ouchhungry_sales_daily:no_small_cells", "ERROR", "run1-000000", "http://ui/runs/1",
    )
    assert alert.links[0] == ("run run1-000", "http://ui/runs/1")


def test_checks_group_per_run_and_non_blocking_ones_say_downstream_ran():
    runs = [check_failure(1, blocking=False), check_failure(2, blocking=False)]
    alerts = group_error_checks(runs)
    assert [a.incident_key for a in alerts] == [
        "check-failure/ouchhungry_sales_daily:no_small_cells/run:run1-000000",
        "check-failure/ouchhungry_sales_daily:no_small_cells/run:run2-000000",
    ]
    assert all("(non-blocking)" in a.title for a in alerts)
    assert all("downstream assets ran on this data" in a.hint for a in alerts)
    runless = group_error_checks([check_failure(7, run_id=None, run_url=None, description="")])
    assert runless[0].incident_key.endswith("/event:7")
    assert runless[0].message == "(the check gave no description)"


def test_the_warn_digest_names_every_check_and_has_a_stable_key():
    warns = [
        check_failure(2, severity="WARN", check_name="late_rows"),
        check_failure(1, severity="WARN", check_name="volume"),
        check_failure(3, severity="WARN", check_name="late_rows", partner="crocante"),
    ]
    digest = warn_digest_alert(warns)

    assert digest.kind is AlertKind.CHECK_DIGEST and digest.severity == "WARN"
    assert digest.category == "data_quality"
    assert digest.title == "3 asset check warning(s) on 2 check(s)"
    assert digest.message == (
        "Checks with WARN severity failed: ouchhungry_sales_daily:late_rows, "
        "ouchhungry_sales_daily:volume"
    )
    assert digest.partner is None  # two partners
    assert [o.partition for o in digest.occurrences] == ["2026-11-01", "2026-11-02",
                                                        "2026-11-03"]
    assert digest.incident_key == warn_digest_alert(list(reversed(warns))).incident_key
    assert digest.incident_key != warn_digest_alert(warns[:2]).incident_key
    assert warn_digest_alert(warns[:2]).partner == "ouchhungry"
    assert "tune its threshold" in digest.hint


def test_error_parsing_edges_unexpected_text_long_titles_and_scope_values():
    unexpected = parse_error("KeyError", "builtins.KeyError: 'city'\nmore")
    assert (unexpected.error_class, unexpected.category, unexpected.severity) == (
        "KeyError", "unexpected", "ERROR",
    )
    assert (unexpected.what, unexpected.detail) == ("'city'", "'city'\nmore")
    # A platform class whose text does not follow the platform format is not trusted.
    loose = parse_error("DeliveryError", "not platform text")
    assert (loose.category, loose.what) == ("unexpected", "not platform text")
    # Only the leading "module.Class: " of the same class is stripped.
    other = parse_error("DeliveryError", "ValueError: [delivery] x")
    assert other.category == "unexpected" and other.detail == "ValueError: [delivery] x"
    long = parse_error("DeliveryError", f"[delivery] {'w' * 300} (partner=p): d")
    assert long.what == "w" * 199 + "…" and long.severity == "ERROR"
    scoped = parse_error("DeliveryError", "[delivery] up (partner=p=q, partition=2026-11-01): d")
    assert (scoped.partner, scoped.partition, scoped.detail) == ("p=q", "2026-11-01", "d")
    bare = parse_error("ConnectivityError", "[connectivity] relay down")
    assert (bare.what, bare.detail, bare.hint, bare.partner) == ("relay down", "", "", None)
