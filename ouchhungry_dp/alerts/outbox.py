"""Durable outbox: alert e-mails that could not be sent wait in a database table.

The table lives in the deployment's shared state database (Postgres in production,
so an alert queued by one pod is sent by any other pod's next tick, and survives
the pod; SQLite locally). One row per Message-ID (queuing the same alert twice
keeps one copy), flushed oldest first. A row is claimed before it is sent — picked
with ``FOR UPDATE SKIP LOCKED`` on Postgres and moved to ``sending`` by a
conditional UPDATE whose row count says who won — so two sensors ticking at once
in two processes never both send it; no transaction is held open while the relay
is talked to. A message the relay rejects for good goes to ``dead`` instead of
being dropped; a transient failure puts it back to ``pending`` and stops the flush.
A claim left by a process that died mid-send is taken back after ``lease_seconds``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import sqlalchemy as sa

from ouchhungry_dp.delivery.email import SmtpEmailClient
from ouchhungry_dp.errors import ConnectivityError, DeliveryError, OuchHungryError
from ouchhungry_dp.state.db import (
    DEAD,
    PENDING,
    SENDING,
    SENT,
    alert_outbox,
    engine_for,
    insert_ignoring_duplicates,
    resolve_location,
)

log = logging.getLogger(__name__)
T = alert_outbox.c


@dataclass(frozen=True)
class FlushResult:
    sent: int
    pending: int
    dead: int
    smtp_down: bool
    error: str = ""


class Outbox:
    """``location``: a database URL, a folder (SQLite file ``outbox.sqlite`` in it), or
    None for ``OUCHHUNGRY_STATE_DB_URL`` / the local default."""

    def __init__(self, location: str | Path | None = None, lease_seconds: float = 900.0) -> None:
        self.engine = engine_for(resolve_location(location, "outbox.sqlite"))
        self.lease_seconds = lease_seconds

    def put(self, message: EmailMessage, queued_at: float | None = None) -> str:
        """Queue a message; returns its Message-ID. Already queued: kept as it was."""
        message_id = str(message["Message-ID"]).strip()
        with self.engine.begin() as conn:
            conn.execute(insert_ignoring_duplicates(self.engine, alert_outbox).values(
                message_id=message_id, subject=str(message["Subject"] or ""),
                raw=message.as_bytes(policy=policy.SMTP), state=PENDING,
                queued_at=time.time() if queued_at is None else queued_at, attempts=0))
        return message_id

    def _ids(self, state: str) -> list[str]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(T.message_id).where(T.state == state)
                                .order_by(T.queued_at, T.message_id))
            return [row.message_id for row in rows]

    def pending(self) -> list[str]:
        """Message-IDs waiting (claimed ones included), oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(T.message_id).where(T.state.in_((PENDING, SENDING)))
                                .order_by(T.queued_at, T.message_id))
            return [row.message_id for row in rows]

    def dead(self) -> list[str]:
        return self._ids(DEAD)

    def oldest_pending_age(self, now: float | None = None) -> float | None:
        with self.engine.connect() as conn:
            oldest = conn.execute(sa.select(sa.func.min(T.queued_at))
                                  .where(T.state.in_((PENDING, SENDING)))).scalar()
        return None if oldest is None else (now or time.time()) - oldest

    def _claim_oldest(self) -> tuple[str, bytes] | None:
        now = time.time()
        claimable = sa.or_(T.state == PENDING,
                           sa.and_(T.state == SENDING, T.claimed_at < now - self.lease_seconds))
        with self.engine.begin() as conn:
            # SKIP LOCKED: a second pod's flush takes the next row instead of waiting
            # (SQLite ignores FOR UPDATE; its single writer and the UPDATE below suffice).
            row = conn.execute(
                sa.select(T.message_id, T.raw).where(claimable)
                .order_by(T.queued_at, T.message_id).limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if row is None:
                return None
            won = conn.execute(
                sa.update(alert_outbox).where(T.message_id == row.message_id, claimable)
                .values(state=SENDING, claimed_at=now, attempts=T.attempts + 1)
            ).rowcount
        return (row.message_id, bytes(row.raw)) if won == 1 else None

    def _settle(self, message_id: str, state: str, error: str | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.update(alert_outbox).where(T.message_id == message_id)
                         .values(state=state, claimed_at=None, last_error=error))

    def _result(self, sent: int, smtp_down: bool, error: str = "") -> FlushResult:
        return FlushResult(sent, len(self.pending()), len(self.dead()), smtp_down, error)

    def flush(self, client: SmtpEmailClient) -> FlushResult:
        """Send what waits, oldest first; stop at the first sign the relay is still down."""
        sent = 0
        while (claimed := self._claim_oldest()) is not None:
            message_id, raw = claimed
            message = BytesParser(policy=policy.default).parsebytes(raw)
            assert isinstance(message, EmailMessage)
            try:
                client.send(message)
            except DeliveryError as exc:
                log.error("relay rejected queued alert %s for good: %s", message_id, exc)
                self._settle(message_id, DEAD, str(exc)[:2000])
                continue
            except (ConnectivityError, OuchHungryError) as exc:
                log.warning("outbox flush stopped, SMTP still unavailable: %s", exc)
                self._settle(message_id, PENDING, str(exc)[:2000])
                return self._result(sent, smtp_down=True, error=str(exc))
            except BaseException:
                self._settle(message_id, PENDING, "flush interrupted")
                raise
            self._settle(message_id, SENT)
            sent += 1
        return self._result(sent, smtp_down=False)
