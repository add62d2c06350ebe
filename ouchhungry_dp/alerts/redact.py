"""Scrub secrets and personal data from free text before it leaves in an alert.

Platform errors are written not to carry secrets, but an unexpected exception's
message can hold anything (a DSN with a password, a row value), so every message
that goes into an e-mail passes through here.

Rules run in order, secrets first (a password may look like anything), then the
identifiers from the most specific shape to the least (a CNPJ holds a CPF-long run
of digits; a phone with its DDD holds a bare local number). Identifier patterns are
anchored so they never match inside a longer number, a word or a hyphenated key:
``2026-11-25``, ``R$ 1.234,56``, ``ouchhungry_sales_daily_2026-11-25.csv`` and run
ids stay readable. Property tests (``ouchhungry_dp_tests/alerts/test_redact_properties.py``)
generate each shape inside arbitrary text.
"""

from __future__ import annotations

import re

# Not part of a longer number, word, decimal or hyphenated token on either side.
_START = r"(?<![\w.,/-])"
_END = r"(?![\w/-]|[.,]\d)"
_SECRET_WORD = r"password|passwd|pwd|secret|token|passphrase|api[_-]?key|access[_-]?key"
_ASSIGNED = r"([\"']?\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|\S+)"

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # scheme://user:password@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s:@]+:[^/\s@]+@"), r"\1***:***@"),
    (re.compile(r"(?i)\b(bearer|basic)\s+[a-z0-9._~+/=-]{8,}"), r"\1 ***"),
    # NAME=value, NAME: value, "name": "value": any *_PASSWORD, *_SECRET, *_TOKEN (any case)
    # and any upper-case *_KEY (environment variables: PSEUDONYMIZATION_KEY); a lower-case
    # partition_key or asset_key is Dagster talking, not a secret.
    (re.compile(rf"(?i)(?<![a-z0-9])((?:[a-z0-9]+_)*(?:{_SECRET_WORD})){_ASSIGNED}"), r"\1\2***"),
    (re.compile(rf"(?<![A-Za-z0-9])((?:[A-Z0-9]+_)+KEY){_ASSIGNED}"), r"\1\2***"),
    (
        re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S),
        "[private key]",
    ),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[e-mail]"),
    # CNPJ: numeric or alphanumeric (since July 2026), formatted, or 14 bare digits
    (
        re.compile(
            rf"(?i){_START}(?:[0-9a-z]{{2}}\.[0-9a-z]{{3}}\.[0-9a-z]{{3}}/[0-9a-z]{{4}}-\d{{2}}"
            rf"|\d{{2}}\.?\d{{3}}\.?\d{{3}}/?\d{{4}}-?\d{{2}}){_END}"
        ),
        "[cnpj]",
    ),
    (re.compile(rf"{_START}\d{{3}}\.?\d{{3}}\.?\d{{3}}-?\d{{2}}{_END}"), "[cpf]"),
    # Phones: +55 and/or a DDD, mobile 9 + 8 digits or landline 8 digits. A DDD in
    # parentheses or set apart allows any separator in the number; a DDD glued to the
    # number only a hyphen or none ("100000 1000" is two counts, not a phone).
    (
        re.compile(
            rf"(?:\+\s?55[\s-]?|{_START}55[\s-]?|{_START})"
            rf"(?:(?:\(\d{{2}}\)\s?|\d{{2}}[\s-])9?\d{{4}}[\s-]?|\d{{2}}9?\d{{4}}-?)\d{{4}}{_END}"
        ),
        "[phone]",
    ),
    # A local number alone needs its hyphen (a bare 8-digit run is taken for a CEP
    # below); "2025-2026" is a span of years, not a number.
    (re.compile(rf"{_START}(?!(?:19|20)\d\d-(?:19|20)\d\d\b)9?\d{{4}}-\d{{4}}{_END}"), "[phone]"),
    (re.compile(rf"{_START}(?:\d{{5}}-\d{{3}}|\d{{2}}\.\d{{3}}-\d{{3}}|\d{{8}}){_END}"), "[cep]"),
)

MAX_MESSAGE_CHARS = 1500


def redact(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
