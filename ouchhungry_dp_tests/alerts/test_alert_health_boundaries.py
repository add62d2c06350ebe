"""Alerting-health thresholds at their edges (Hypothesis) and the delivery summary line.

A sensor is "not ticking" once its last tick is more than max(15 min, 5 intervals)
old; the outbox is "stuck" once its oldest e-mail waits more than 30 min. Each is
checked one second under, at and over the limit, for any interval.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ouchhungry_dp.alerts.alerting_health import OutboxStatus, SensorStatus, assess
from ouchhungry_dp.alerts.notifier import DeliveryReport
from ouchhungry_dp.alerts.outbox import FlushResult

NOW = 1_000_000.0
HEALTHY_OUTBOX = OutboxStatus(0, None, 0)


@settings(max_examples=300, deadline=None)
@given(interval=st.integers(1, 3600), delta=st.sampled_from([-1, 0, 1]))
def test_a_sensor_is_stale_only_past_five_intervals_or_fifteen_minutes(interval, delta):
    limit = max(900, 5 * interval)
    sensor = SensorStatus("s", True, interval, last_tick_at=NOW - (limit + delta))
    problems = assess([sensor], HEALTHY_OUTBOX, NOW)
    assert bool(problems) is (delta > 0), (interval, delta, problems)
    if problems:
        assert problems == [
            f"sensor s is not ticking (last tick {limit + delta} s ago): is dagster-daemon up?"
        ]


@settings(max_examples=50, deadline=None)
@given(delta=st.sampled_from([-1, 0, 1]), pending=st.integers(0, 3))
def test_the_outbox_is_stuck_only_past_thirty_minutes_with_something_waiting(delta, pending):
    problems = assess([], OutboxStatus(pending, 1800.0 + delta, 0), NOW)
    assert bool(problems) is (delta > 0 and pending > 0)


def test_a_stopped_sensor_does_not_hide_the_next_ones():
    sensors = [
        SensorStatus("stopped", False, 30),
        SensorStatus("erroring", True, 30, last_tick_at=NOW, last_tick_failed=True,
                     last_error="x" * 400),
    ]
    problems = assess(sensors, HEALTHY_OUTBOX, NOW)
    assert problems[0].startswith("sensor stopped is stopped")
    assert problems[1] == f"sensor erroring errors on its last tick: {'x' * 300}"
    assert len(problems) == 2


def test_the_delivery_summary_counts_each_outcome_and_the_outbox():
    report = DeliveryReport(
        outcomes=[("a", "sent"), ("b", "queued"), ("c", "sent"), ("d", "duplicate")],
        flush=FlushResult(sent=2, pending=0, dead=0, smtp_down=False),
    )
    assert report.summary() == "1 duplicate, 1 queued, 2 sent, outbox: 2 re-sent, 0 waiting"
    quiet = DeliveryReport(flush=FlushResult(0, 0, 0, smtp_down=False))
    assert quiet.summary() == "nothing to send"
    waiting = DeliveryReport(flush=FlushResult(0, 3, 0, smtp_down=True))
    assert waiting.summary() == "outbox: 0 re-sent, 3 waiting"
    assert DeliveryReport().summary() == "nothing to send"
