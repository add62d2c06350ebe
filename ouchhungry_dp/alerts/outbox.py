"""Durable outbox: alert e-mails that could not be sent wait here as ``.eml`` files.

A plain directory is enough: one file per message (named after its Message-ID,
so queuing the same alert twice keeps one copy), written to a temporary name and
renamed (a crash never leaves half a message), flushed oldest first under an
exclusive ``flock`` (two sensors ticking at once do not both send it). A message
the relay rejects for good moves to ``dead/`` instead of being dropped.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from ouchhungry_dp.delivery.email import SmtpEmailClient
from ouchhungry_dp.errors import ConnectivityError, DeliveryError, OuchHungryError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FlushResult:
    sent: int
    pending: int
    dead: int
    smtp_down: bool
    error: str = ""


class Outbox:
    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.pending_dir = self.directory / "pending"
        self.dead_dir = self.directory / "dead"
        for folder in (self.pending_dir, self.dead_dir):
            folder.mkdir(parents=True, exist_ok=True)

    def _name(self, message_id: str) -> str:
        return hashlib.sha256(message_id.encode()).hexdigest()[:32] + ".eml"

    def put(self, message: EmailMessage) -> Path:
        target = self.pending_dir / self._name(str(message["Message-ID"]))
        fd, tmp = tempfile.mkstemp(dir=self.pending_dir, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(message.as_bytes(policy=policy.SMTP))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        return target

    def pending(self) -> list[Path]:
        return sorted(self.pending_dir.glob("*.eml"), key=lambda p: (p.stat().st_mtime, p.name))

    def dead(self) -> list[Path]:
        return sorted(self.dead_dir.glob("*.eml"))

    def oldest_pending_age(self, now: float | None = None) -> float | None:
        files = self.pending()
        if not files:
            return None
        return (now or time.time()) - files[0].stat().st_mtime

    @contextlib.contextmanager
    def _lock(self) -> Iterator[bool]:
        with open(self.directory / ".lock", "a+") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def flush(self, client: SmtpEmailClient) -> FlushResult:
        """Send what waits, oldest first; stop at the first sign the relay is still down."""
        sent = 0
        with self._lock() as acquired:
            if not acquired:
                return FlushResult(0, len(self.pending()), len(self.dead()), smtp_down=False)
            for path in self.pending():
                message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
                assert isinstance(message, EmailMessage)
                try:
                    client.send(message)
                except DeliveryError as exc:
                    log.error("relay rejected queued alert %s for good: %s", path.name, exc)
                    os.replace(path, self.dead_dir / path.name)
                    continue
                except (ConnectivityError, OuchHungryError) as exc:
                    log.warning("outbox flush stopped, SMTP still unavailable: %s", exc)
                    return FlushResult(
                        sent, len(self.pending()), len(self.dead()), smtp_down=True, error=str(exc)
                    )
                path.unlink(missing_ok=True)
                sent += 1
        return FlushResult(sent, len(self.pending()), len(self.dead()), smtp_down=False)
