"""Local SMTP sink: accepts every message and stores it as an ``.eml`` file.

Built on ``aiosmtpd`` (the maintained asyncio SMTP server). Binds 127.0.0.1 on an
ephemeral port by default (read it back from ``.port``). Two ways to run it:

* ``with SmtpSink(maildir) as sink:`` — a background thread with its own loop
  (tests, scripts);
* ``await sink.start()`` / ``await sink.stop()`` — inside the caller's loop
  (the sandbox CLI).

Each message is saved as ``<maildir>/<UTC timestamp>-<n>.eml`` (written to a
temporary name, then renamed, so a reader never sees half a file) with the SMTP
envelope prepended as ``Return-Path`` / ``X-Original-To`` headers, as an MTA's
local delivery does. Options simulate a TLS relay (STARTTLS or implicit TLS), an
authenticated relay, and a relay answering with a temporary failure.

``sink.faults`` (``SmtpFaults``, thread-safe, changeable while the sink runs)
makes the relay refuse on purpose: a fixed reply per recipient address (e.g.
``550 5.1.1`` for one, ``450 4.2.1`` for another) and scripted replies per
command (``MAIL``, ``RCPT``, ``DATA``), each used once, in order.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import os
import ssl
import tempfile
import threading
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


@dataclass(frozen=True)
class ReceivedMessage:
    path: Path
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"] or "")

    def body(self, subtype: str = "plain") -> str:
        part = self.message.get_body(preferencelist=(subtype,))
        return part.get_content() if part is not None else ""


@dataclass
class SmtpFaults:
    """Refusal switches. Replies are full SMTP lines such as ``"550 5.1.1 no such user"``."""

    # Address (case-insensitive) -> the reply to every RCPT TO for it.
    recipients: dict[str, str] = field(default_factory=dict)
    # Command -> replies used once each, oldest first, before the command behaves again.
    scripted: dict[str, collections.deque[str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def refuse_recipient(self, address: str, reply: str) -> None:
        with self._lock:
            self.recipients[address.lower()] = reply

    def script(self, command: str, *replies: str) -> None:
        with self._lock:
            self.scripted.setdefault(command.upper(), collections.deque()).extend(replies)

    def reply_for(self, command: str, address: str | None = None) -> str | None:
        with self._lock:
            queue = self.scripted.get(command)
            if queue:
                return queue.popleft()
            if address is not None:
                return self.recipients.get(address.lower())
        return None


class _SavingHandler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        refusal = self.sink.faults.reply_for("MAIL")
        if refusal is not None:
            return refusal
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        refusal = self.sink.faults.reply_for("RCPT", address)
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        refusal = self.sink.faults.reply_for("DATA")
        if refusal is not None:
            return refusal
        if self.sink.reject_with is not None:
            code, text = self.sink.reject_with
            return f"{code} {text}"
        self.sink._save(envelope)
        return "250 Message accepted for delivery"


class SmtpSink:
    def __init__(
        self,
        maildir: str | Path | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        starttls_context: ssl.SSLContext | None = None,
        implicit_tls_context: ssl.SSLContext | None = None,
        credentials: tuple[str, str] | None = None,
    ) -> None:
        self.maildir = Path(maildir) if maildir else Path(tempfile.mkdtemp(prefix="smtp-sink-"))
        self.maildir.mkdir(parents=True, exist_ok=True)
        self.host = host
        self._requested_port = port
        self._starttls_context = starttls_context
        self._implicit_tls_context = implicit_tls_context
        self._credentials = credentials
        # Set to e.g. (421, "Service not available") to make the relay defer every message.
        self.reject_with: tuple[int, str] | None = None
        self.faults = SmtpFaults()
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.port: int = port

    # -- async API -------------------------------------------------------------------------
    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        handler = _SavingHandler(self)

        def factory() -> SMTP:
            # aiosmtpd warns about AUTH without TLS; the sink is loopback-only by design.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                return self._make_server(handler, loop)

        self._server = await loop.create_server(
            factory, host=self.host, port=self._requested_port, ssl=self._implicit_tls_context
        )
        self.port = self._server.sockets[0].getsockname()[1]

    def _make_server(self, handler: _SavingHandler, loop: asyncio.AbstractEventLoop) -> SMTP:
        return SMTP(
            handler,
            hostname="ouchhungry-smtp-sink",
            enable_SMTPUTF8=True,
            tls_context=self._starttls_context,
            authenticator=self._authenticate if self._credentials else None,
            auth_required=self._credentials is not None,
            # Loopback only; lets the plain-text sandbox exercise AUTH too.
            auth_require_tls=False,
            loop=loop,
        )

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), timeout=2)
            self._server = None

    # -- thread API ------------------------------------------------------------------------
    def __enter__(self) -> SmtpSink:
        ready = threading.Event()
        failure: list[BaseException] = []
        loop = asyncio.new_event_loop()

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:  # surfaced to the caller below
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="smtp-sink", daemon=True)
        self._thread.start()
        ready.wait(timeout=10)
        if failure:
            raise failure[0]
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._loop is None or self._thread is None:
            return
        asyncio.run_coroutine_threadsafe(self.stop(), self._loop).result(timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop = self._thread = None

    # -- storage ---------------------------------------------------------------------------
    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and self._credentials is not None
            and (auth_data.login.decode(), auth_data.password.decode()) == self._credentials
        )
        # handled=False: aiosmtpd itself answers 235 or 535.
        return AuthResult(success=ok, handled=False)

    def _save(self, envelope: Envelope) -> Path:
        content = envelope.original_content or b""
        header = (
            f"Return-Path: <{envelope.mail_from or ''}>\r\n"
            f"X-Original-To: {', '.join(envelope.rcpt_tos)}\r\n"
        ).encode()
        with self._lock:
            n = next(self._counter)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        final = self.maildir / f"{stamp}-{n:06d}.eml"
        fd, tmp = tempfile.mkstemp(dir=self.maildir, prefix=".incoming-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(header + content)
        os.replace(tmp, final)
        return final

    def messages(self) -> list[ReceivedMessage]:
        """Every message received so far, oldest first."""
        received = []
        for path in sorted(self.maildir.glob("*.eml")):
            msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            assert isinstance(msg, EmailMessage)
            rcpts = tuple(
                r.strip() for r in str(msg["X-Original-To"] or "").split(",") if r.strip()
            )
            mail_from = str(msg["Return-Path"] or "").strip("<> ")
            received.append(ReceivedMessage(path, mail_from, rcpts, msg))
        return received
