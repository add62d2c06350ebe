"""The e-mail sent-log: a Message-ID is claimed in the database BEFORE it is sent.

``claim`` inserts ``(message_id, 'sending')``; the primary key lets exactly one
process win. The winner sends and marks the row ``sent`` (or deletes it when the
relay did not take the message, so a retry may claim it again). A loser waits
while the winner's claim is fresh and then reports a duplicate once the row says
``sent``. A claim older than ``lease_seconds`` belongs to a process that died
mid-send and may be taken over (one conditional UPDATE decides who).

The loser's wait goes through an injectable ``sleep`` (like ``SmtpEmailClient``'s) and
is counted in the polls it slept, so a test passes a recorder and sleeps not at all.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from ouchhungry_dp.errors import ConnectivityError
from ouchhungry_dp.state.db import (
    SENDING,
    SENT,
    engine_for,
    insert_ignoring_duplicates,
    resolve_location,
    sent_emails,
)


class SentLog:
    """Message-IDs already accepted by the relay, shared by every process of the deployment.

    ``location``: a database URL, a SQLite file path (``*.sqlite``), a folder, or None
    for ``OUCHHUNGRY_STATE_DB_URL`` / the local default. Entries older than
    ``retention_days`` are pruned on write. ``sleep`` waits between polls of a claim
    held by another process (tests pass a recorder).
    """

    def __init__(
        self,
        location: str | Path | None = None,
        retention_days: int = 45,
        lease_seconds: float = 900.0,
        poll_seconds: float = 0.2,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        text = str(location) if location is not None else None
        if text is not None and "://" not in text and text.endswith((".sqlite", ".db")):
            url = f"sqlite:///{Path(text).resolve()}"
        else:
            url = resolve_location(location, "sent_log.sqlite")
        self.engine = engine_for(url)
        self.retention_seconds = retention_days * 86400
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self._sleep = sleep

    def _state(self, message_id: str) -> tuple[str, float] | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(sent_emails.c.state, sent_emails.c.claimed_at)
                .where(sent_emails.c.message_id == message_id)
            ).first()
        return (row.state, row.claimed_at) if row else None

    def contains(self, message_id: str) -> bool:
        state = self._state(message_id)
        return state is not None and state[0] == SENT

    def claim(self, message_id: str, wait_seconds: float | None = None) -> bool:
        """True: this process now owns sending it. False: it was sent (here or elsewhere).

        Raises a transient ``ConnectivityError`` when another process still holds a
        fresh claim after ``wait_seconds`` (its send is slow; retry later).
        """
        budget = self.lease_seconds if wait_seconds is None else wait_seconds
        waited = 0.0
        while True:
            now = time.time()
            with self.engine.begin() as conn:
                inserted = conn.execute(
                    insert_ignoring_duplicates(self.engine, sent_emails).values(
                        message_id=message_id, state=SENDING, claimed_at=now)
                ).rowcount
                if inserted == 1:
                    return True
                taken_over = conn.execute(
                    sa.update(sent_emails)
                    .where(sent_emails.c.message_id == message_id,
                           sent_emails.c.state == SENDING,
                           sent_emails.c.claimed_at < now - self.lease_seconds)
                    .values(claimed_at=now)
                ).rowcount
                if taken_over == 1:
                    return True
            state = self._state(message_id)
            if state is not None and state[0] == SENT:
                return False
            if state is not None and waited >= budget:
                raise ConnectivityError(
                    "e-mail is being sent by another process",
                    detail=f"claimed {int(now - state[1])} s ago",
                    hint="Retry later; the sent-log lets only one process send it.",
                    transient=True,
                )
            self._sleep(self.poll_seconds)  # the other sender settles (sent, or released)
            waited += self.poll_seconds

    def release(self, message_id: str) -> None:
        """The relay did not take it: let a later attempt claim it again."""
        with self.engine.begin() as conn:
            conn.execute(sa.delete(sent_emails).where(sent_emails.c.message_id == message_id,
                                                      sent_emails.c.state == SENDING))

    def record(self, message_id: str) -> None:
        """Mark it sent (claimed or not) and prune old entries."""
        now = time.time()
        with self.engine.begin() as conn:
            conn.execute(insert_ignoring_duplicates(self.engine, sent_emails).values(
                message_id=message_id, state=SENT, claimed_at=now, sent_at=now))
            conn.execute(sa.update(sent_emails).where(sent_emails.c.message_id == message_id)
                         .values(state=SENT, sent_at=now))
            conn.execute(sa.delete(sent_emails).where(
                sent_emails.c.state == SENT, sent_emails.c.sent_at < now - self.retention_seconds))
