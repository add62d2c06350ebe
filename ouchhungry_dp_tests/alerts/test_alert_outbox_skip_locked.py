"""The outbox's claim on Postgres skips a row another pod holds (``FOR UPDATE SKIP
LOCKED`` in ``Outbox._claim_oldest``): two pods flushing at once send different alerts
instead of queueing behind one lock."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ouchhungry_dp.alerts.outbox import Outbox
from ouchhungry_dp.delivery.email import build_message
from ouchhungry_dp.state.db import alert_outbox

SENDER = "alerts@ouchhungry.test"


def _alert(n: int):
    return build_message(subject=f"alert {n}", text=f"body {n}", html=None, sender=SENDER,
                         recipients=["team@ouchhungry.test"],
                         message_id=f"<alert-{n}@ouchhungry.test>")


def _bounded_lock_wait(dbapi_connection: Any, _record: Any) -> None:
    # A claim that waits for the lock fails after 10 s instead of hanging the suite.
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '10s'")


def test_a_second_pod_claims_the_next_alert_while_the_first_holds_the_oldest(postgres_url):
    first_pod = Outbox(postgres_url)
    for n, queued_at in ((1, 100.0), (2, 200.0), (3, 300.0)):
        first_pod.put(_alert(n), queued_at=queued_at)
    second_pod = Outbox(postgres_url)
    sa.event.listen(second_pod.engine, "connect", _bounded_lock_wait)
    oldest = alert_outbox.c.message_id == "<alert-1@ouchhungry.test>"
    with first_pod.engine.connect() as holder, holder.begin():
        # The first pod is in the middle of its claim of the oldest alert.
        holder.execute(sa.select(alert_outbox.c.message_id).where(oldest).with_for_update())
        claimed = second_pod._claim_oldest()
    assert claimed is not None and claimed[0] == "<alert-2@ouchhungry.test>"
    # The skipped alert is still there for the next claim.
    assert first_pod._claim_oldest()[0] == "<alert-1@ouchhungry.test>"  # type: ignore[index]
