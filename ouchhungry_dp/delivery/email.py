"""SMTP client for partner e-mails and data-team alerts (no Dagster import).

Built on the standard library's ``smtplib`` (it already speaks implicit TLS,
STARTTLS and AUTH) with ``tenacity`` for the retry loop, so the only code here is
policy: which faults are transient, how TLS is verified, and the sent-log that
makes a deterministic ``Message-ID`` idempotent (a retried run, a re-evaluated
sensor or a second pod does not send the same e-mail twice): the Message-ID is
claimed in the shared state database before the message goes to the relay.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid
from typing import Literal, cast

from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from ouchhungry_dp.delivery.channel_settings import is_loopback_host
from ouchhungry_dp.errors import ConfigurationError, ConnectivityError, DeliveryError
from ouchhungry_dp.state.db import EMAIL_STATE_DIR_ENV, default_email_state_dir
from ouchhungry_dp.state.sent_log import SentLog

# Re-exported: callers import them from here.
__all__ = ["EMAIL_STATE_DIR_ENV", "SentLog", "SmtpConfig", "SmtpEmailClient", "build_message",
           "default_email_state_dir"]

log = logging.getLogger(__name__)

SmtpSecurity = Literal["ssl", "starttls", "none"]
_SECURITIES: tuple[str, ...] = ("ssl", "starttls", "none")
_DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to send mail. ``password`` is excluded from ``repr``."""

    host: str
    port: int
    security: SmtpSecurity
    email_from: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout_seconds: float = 30.0
    # Extra trust anchor (a private CA); verification itself is never switched off.
    ca_file: str | None = None

    def __post_init__(self) -> None:
        if self.security not in _SECURITIES:
            raise ConfigurationError(
                f"SMTP_SECURITY={self.security!r} is not supported",
                hint="Use 'starttls' (port 587), 'ssl' (port 465) or 'none' (loopback only).",
            )
        if not self.host:
            raise ConfigurationError("SMTP_HOST is empty", hint="Set SMTP_HOST.")
        if self.security == "none" and not is_loopback_host(self.host):
            raise ConfigurationError(
                f"SMTP_SECURITY=none refused for non-loopback host {self.host!r}",
                hint="Plain-text SMTP is only for the local sandbox; use starttls or ssl.",
            )
        if not 0 < self.port < 65536:
            raise ConfigurationError(f"SMTP_PORT={self.port} is out of range", hint="Use 1-65535.")
        if "@" not in self.email_from:
            raise ConfigurationError(
                "EMAIL_FROM is not an e-mail address", hint="Set EMAIL_FROM=name@domain."
            )
        if bool(self.username) != bool(self.password):
            raise ConfigurationError(
                "SMTP_USERNAME and SMTP_PASSWORD must be set together",
                hint="Set both (authenticated relay) or neither (sandbox).",
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SmtpConfig:
        env = os.environ if environ is None else environ
        security = (env.get("SMTP_SECURITY") or "starttls").strip().lower()
        host = (env.get("SMTP_HOST") or "").strip()
        if not host:
            raise ConfigurationError(
                "SMTP_HOST is not set", hint="Set SMTP_HOST (see .env.example)."
            )
        port_text = (env.get("SMTP_PORT") or "").strip()
        try:
            port = int(port_text) if port_text else _DEFAULT_PORTS.get(security, 587)
            timeout = float(env.get("SMTP_TIMEOUT_SECONDS") or 30)
        except ValueError as exc:
            raise ConfigurationError(
                "SMTP_PORT or SMTP_TIMEOUT_SECONDS is not a number", hint="Fix the value."
            ) from exc
        return cls(
            host=host,
            port=port,
            security=cast(SmtpSecurity, security),
            email_from=(env.get("EMAIL_FROM") or "").strip(),
            username=env.get("SMTP_USERNAME") or None,
            password=env.get("SMTP_PASSWORD") or None,
            timeout_seconds=timeout,
            ca_file=env.get("SMTP_CA_FILE") or None,
        )

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)


@dataclass(frozen=True)
class SendResult:
    message_id: str
    status: Literal["sent", "duplicate"]
    recipients: int
    attempts: int
    refused: tuple[str, ...] = ()


class _TransientSmtpError(Exception):
    """Internal marker: a fault a later attempt may cure."""


def build_message(
    *,
    subject: str,
    text: str,
    html: str | None,
    sender: str,
    recipients: Sequence[str],
    message_id: str | None = None,
) -> EmailMessage:
    """Multipart (text + HTML) message; ``message_id`` makes re-sends idempotent."""
    msg = EmailMessage()
    # Header injection guard: a subject never spans lines.
    msg["Subject"] = " ".join(subject.split())
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = message_id or make_msgid(domain=sender.rpartition("@")[2] or None)
    msg.set_content(text)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return msg


def _recipients_of(message: EmailMessage) -> list[str]:
    fields = [str(v) for key in ("To", "Cc", "Bcc") for v in message.get_all(key, [])]
    return [addr for _, addr in getaddresses(fields) if addr]


class SmtpEmailClient:
    """Sends one message per call, retrying transient faults with exponential backoff.

    ``send`` raises ``ConnectivityError`` (``transient=True`` when the relay is
    unreachable or answered 4xx after every attempt; ``False`` for auth/TLS
    faults) or ``DeliveryError`` when the relay permanently rejects the message.
    """

    def __init__(
        self,
        config: SmtpConfig,
        *,
        attempts: int = 3,
        backoff_seconds: float = 1.0,
        max_backoff_seconds: float = 30.0,
        sent_log: SentLog | None = None,
        dedupe: bool = True,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if attempts < 1:
            raise ConfigurationError("SMTP attempts must be >= 1", hint="Pass attempts=1 or more.")
        self.config = config
        self.attempts = attempts
        self.backoff_seconds = backoff_seconds
        self.max_backoff_seconds = max_backoff_seconds
        # Tests pass a recorder to check the waits without sleeping; the default sent-log
        # waits for a claim held elsewhere with the same sleep.
        self._sleep = sleep
        if dedupe and sent_log is None:
            # OUCHHUNGRY_STATE_DB_URL, else SQLite under DAGSTER_HOME (local only)
            sent_log = SentLog(sleep=sleep)
        self.sent_log = sent_log if dedupe else None

    def __repr__(self) -> str:
        return f"SmtpEmailClient({self.config!r}, attempts={self.attempts})"

    def send(self, message: EmailMessage) -> SendResult:
        if not message["From"]:
            message["From"] = self.config.email_from
        if not message["Message-ID"]:
            message["Message-ID"] = make_msgid(domain=self.config.email_from.rpartition("@")[2])
        message_id = str(message["Message-ID"]).strip()
        recipients = _recipients_of(message)
        if not recipients:
            raise ConfigurationError(
                "e-mail has no recipients",
                hint="Check DATA_TEAM_ALERT_EMAILS / OUCHHUNGRY_NOTIFY_EMAILS.",
            )
        # Claimed before sending: of two processes racing for one Message-ID, one sends.
        wait = self.attempts * (self.config.timeout_seconds + self.max_backoff_seconds)
        if self.sent_log is not None and not self.sent_log.claim(message_id, wait):
            log.info("e-mail %s already sent; not sending again", message_id)
            return SendResult(message_id, "duplicate", len(recipients), attempts=0)
        try:
            refused, attempt_no = self._send_with_retries(message, recipients)
        except BaseException:
            if self.sent_log is not None:
                self.sent_log.release(message_id)
            raise
        if self.sent_log is not None:
            self.sent_log.record(message_id)
        return SendResult(message_id, "sent", len(recipients), attempt_no, tuple(sorted(refused)))

    def _send_with_retries(
        self, message: EmailMessage, recipients: list[str]
    ) -> tuple[dict[str, object], int]:
        retrying = Retrying(
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(
                multiplier=self.backoff_seconds,
                min=self.backoff_seconds,
                max=self.max_backoff_seconds,
            ),
            retry=retry_if_exception(lambda exc: isinstance(exc, _TransientSmtpError)),
            sleep=self._sleep,
            reraise=True,
            before_sleep=lambda state: log.warning(
                "SMTP attempt %s/%s to %s failed: %s; retrying",
                state.attempt_number,
                self.attempts,
                self.config.host,
                state.outcome.exception() if state.outcome else "",
            ),
        )
        attempt_no = 0
        try:
            for attempt in retrying:
                with attempt:
                    attempt_no = attempt.retry_state.attempt_number
                    refused = self._deliver_once(message, recipients)
        except _TransientSmtpError as exc:
            raise ConnectivityError(
                f"SMTP relay {self.config.host}:{self.config.port} unavailable",
                detail=f"{exc} (after {attempt_no} attempt(s))",
                hint="Check that the relay is up and reachable; the message will be retried.",
                transient=True,
            ) from exc
        return refused, attempt_no

    def _open(self) -> smtplib.SMTP:
        cfg = self.config
        if cfg.security == "ssl":
            return smtplib.SMTP_SSL(
                cfg.host, cfg.port, timeout=cfg.timeout_seconds, context=cfg.ssl_context()
            )
        smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout_seconds)
        if cfg.security == "starttls":
            smtp.ehlo()
            smtp.starttls(context=cfg.ssl_context())
            smtp.ehlo()
        return smtp

    def _deliver_once(self, message: EmailMessage, recipients: list[str]) -> dict[str, object]:
        cfg = self.config
        try:
            with self._open() as smtp:
                if cfg.username and cfg.password:
                    smtp.login(cfg.username, cfg.password)
                return dict(smtp.send_message(message, to_addrs=recipients))
        except smtplib.SMTPAuthenticationError as exc:
            raise ConnectivityError(
                f"SMTP relay {cfg.host} refused the login",
                detail=f"code {exc.smtp_code}",
                hint="Check SMTP_USERNAME / SMTP_PASSWORD (rotate per docs/operations.md).",
            ) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise ConnectivityError(
                f"SMTP relay {cfg.host} does not offer what SMTP_SECURITY={cfg.security} needs",
                detail=str(exc),
                hint="Use SMTP_SECURITY=ssl on port 465 or a relay that supports STARTTLS.",
            ) from exc
        except ssl.SSLError as exc:  # before OSError: a certificate problem is not transient
            raise ConnectivityError(
                f"TLS with SMTP relay {cfg.host} failed",
                detail=type(exc).__name__ + ": " + str(exc.reason or exc),
                hint="The relay's certificate is not trusted for this host name; fix the "
                "certificate or set SMTP_CA_FILE to the private CA.",
            ) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if codes and all(400 <= c < 500 for c in codes):
                raise _TransientSmtpError(
                    f"recipients deferred with codes {sorted(set(codes))}"
                ) from exc
            raise DeliveryError(
                "SMTP relay refused every recipient",
                detail=f"codes {sorted(set(codes))} for {len(codes)} recipient(s)",
                hint="Check the recipient addresses configured for this e-mail.",
            ) from exc
        except smtplib.SMTPResponseException as exc:
            if 400 <= exc.smtp_code < 500:
                raise _TransientSmtpError(f"relay answered {exc.smtp_code}") from exc
            raise DeliveryError(
                f"SMTP relay {cfg.host} rejected the message",
                detail=f"code {exc.smtp_code}: {exc.smtp_error[:200]!r}",
                hint="Read the relay's answer above (size limit, sender not allowed, policy).",
            ) from exc
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError) as exc:
            raise _TransientSmtpError(f"{type(exc).__name__}: {exc}") from exc
        except (TimeoutError, OSError) as exc:
            raise _TransientSmtpError(f"{type(exc).__name__}: {exc}") from exc
