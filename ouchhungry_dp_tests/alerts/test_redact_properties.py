"""Property tests of the alert redactor: personal data and secrets never survive, in any
surrounding text; ordinary operational text (dates, amounts, partitions, files) is kept."""

from __future__ import annotations

import re

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ouchhungry_dp.alerts.redact import redact
from ouchhungry_dp_tests.quality import oracles

DIGITS = "0123456789"
ALNUM = DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def digits(n: int) -> st.SearchStrategy[str]:
    return st.text(DIGITS, min_size=n, max_size=n)


ddd = st.integers(11, 99).map(str)
mobile = digits(8).map(lambda d: "9" + d)
landline = st.tuples(st.sampled_from("2345"), digits(7)).map("".join)
YEAR_SPAN = re.compile(r"(?:19|20)\d\d-(?:19|20)\d\d")


@st.composite
def phones(draw: st.DrawFn) -> str:
    area, number = draw(ddd), draw(st.one_of(mobile, landline))
    head, tail = number[:-4], number[-4:]
    forms = [
        f"({area}) {head}-{tail}", f"({area}){head}{tail}", f"{area}{number}",
        f"{area} {head}-{tail}", f"{area} {head} {tail}", f"+55 {area} {head}-{tail}",
        f"+55 ({area}) {head}-{tail}", f"+55{area}{number}", f"55{area}{number}",
        f"55 {area} {head}-{tail}",
    ]  # fmt: skip
    local = f"{head}-{tail}"
    if not YEAR_SPAN.fullmatch(local):  # "2025-2026" is read as a span of years, by design
        forms.append(local)
    return draw(st.sampled_from(forms))


ceps = st.one_of(
    st.tuples(digits(5), digits(3)).map(lambda p: f"{p[0]}-{p[1]}"),
    digits(8),
    st.tuples(digits(2), digits(3), digits(3)).map(lambda p: f"{p[0]}.{p[1]}-{p[2]}"),
)


@st.composite
def cnpjs(draw: st.DrawFn) -> str:
    body = draw(st.text(ALNUM if draw(st.booleans()) else DIGITS, min_size=12, max_size=12))
    cnpj = body + oracles.cnpj_check_digits(body)
    formatted = oracles.format_cnpj(cnpj)
    forms = [formatted, formatted.lower()] + ([cnpj] if cnpj.isdigit() else [])
    return draw(st.sampled_from(forms))


cpfs = digits(9).map(lambda b: b + oracles.cpf_check_digits(b)).flatmap(
    lambda c: st.sampled_from([c, oracles.format_cpf(c)])
)
emails = st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,12}@[a-z0-9]{1,10}(\.[a-z]{2,4}){1,2}",
                       fullmatch=True)
secret_values = st.text(
    st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="*\"'"),
    min_size=8, max_size=30,
)


@st.composite
def assignments(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.from_regex(r"[A-Z][A-Z0-9]{0,7}(_[A-Z0-9]{1,8}){0,2}", fullmatch=True))
    suffix = draw(st.sampled_from(["PASSWORD", "KEY", "SECRET", "TOKEN"]))
    value = draw(secret_values)
    operator = draw(st.sampled_from(["=", ": ", " = "]))
    return f"{name}_{suffix}{operator}{value}", value


# Arbitrary text around the value, kept apart from it by a blank or punctuation and a blank
# (glued to other digits a value is another number: "501310-100" is no CEP).
context = st.text(max_size=40)
before = st.sampled_from([" ", "\n", ": ", "; ", " (", "\t", " '"])
after = st.sampled_from([" ", "\n", ". ", ", ", ") ", "; ", "' "])


def _assert_gone(value: str, prefix: str, left: str, right: str, suffix: str) -> None:
    text = prefix + left + value + right + suffix
    out = redact(text, limit=10_000)
    # The value may occur in the random context by chance; it never survives where it was put.
    assert out.count(value) <= (prefix + suffix).count(value), (text, out)


@settings(max_examples=400, deadline=None)
@given(st.one_of(phones(), ceps, cnpjs(), cpfs, emails), context, before, after, context)
def test_personal_data_never_survives(value: str, prefix: str, left: str, right: str,
                                      suffix: str) -> None:
    _assert_gone(value, prefix, left, right, suffix)


# Written apart from redact.py's patterns: a name ending in a secret word, then "=" or ":".
ASSIGNED_BEFORE = re.compile(
    r"(?i)(password|passwd|pwd|secret|token|passphrase|api[_-]?key|access[_-]?key|_key)"
    r"[\"']?\s*[=:]\s*$")


@settings(max_examples=300, deadline=None)
@given(assignments(), context, before, after, context)
@example(("A_PASSWORD=00000000", "00000000"), "0_KEY", ": ", " ", "")  # found by Hypothesis
def test_secret_assignments_never_survive(assignment: tuple[str, str], prefix: str, left: str,
                                          right: str, suffix: str) -> None:
    text, value = assignment
    out = redact(prefix + left + text + right + suffix, limit=10_000)
    assert out.count(value) <= (prefix + suffix).count(value)
    name = text.split("=")[0].split(":")[0].strip()
    # The variable's name stays (it tells the reader what was hidden), unless the text
    # before it assigns it to another secret-looking name ("0_KEY: A_PASSWORD=..."):
    # then the whole assignment is that name's value and is hidden with it.
    if not ASSIGNED_BEFORE.search(prefix + left):
        assert name in out, (prefix + left + text, out)


days = st.dates().filter(lambda d: 1900 <= d.year <= 2199)
ordinary_pieces = st.one_of(
    days.map(lambda d: d.isoformat()),  # partition keys, ISO dates
    days.map(lambda d: d.strftime("%d/%m/%Y")),
    days.map(lambda d: d.strftime("%Y-%m")),
    days.map(lambda d: f"ouchhungry_sales_daily_{d.isoformat()}.csv"),
    days.map(lambda d: f"ouchhungry_sales_monthly_by_city_{d:%Y-%m}.csv.manifest.json"),
    days.map(lambda d: f"{d.isoformat()}T13:45:00-03:00"),
    st.integers(0, 10**11).map(oracles.format_brl),  # R$ 1.234,56
    st.integers(0, 10**9).map(lambda c: f"{c // 100}.{c % 100:02d}"),  # 1234.56
    # Counts as alerts write them, with their unit (8 bare digits would read as a CEP).
    st.tuples(st.integers(0, 9_999_999), st.sampled_from(["rows", "linhas", "items"])).map(
        lambda c: f"{c[0]} {c[1]}"),
    st.integers(0, 9_999_999).map(lambda n: f"{n:,}"),  # 1,234,567
    st.integers(0, 10_000).map(lambda p: f"{p / 100:.2f}%"),
    st.times().map(lambda t: t.strftime("%H:%M:%S")),
    st.uuids().map(str),  # run ids
    st.sampled_from(["rows", "partition", "delivered", "failed", "quarantine_rate",
                     "REF-HNG-0350", "cleaned_transactions:volume", "SP", "São Paulo", "→"]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(ordinary_pieces, min_size=1, max_size=12),
       st.sampled_from([" ", ", ", "; ", " | ", "\n"]))
def test_ordinary_text_is_left_alone(pieces: list[str], separator: str) -> None:
    text = separator.join(pieces)
    assert redact(text, limit=10_000) == text


def test_named_examples() -> None:
    text = redact(
        "fone (11) 98765-4321, cel 11987654321, local 98765-4321, cep 01310-100 / 01310100, "
        "loja 12.ABC.345/01DE-35, SMTP_PASSWORD=hunter2x OUCHHUNGRY_API_PASSWORD: pw-123 "
        "PSEUDONYMIZATION_KEY=k3y on 2026-11-25 for R$ 1.234,56"
    )
    for secret in ("98765-4321", "11987654321", "01310-100", "01310100", "12.ABC.345/01DE-35",
                   "hunter2x", "pw-123", "k3y"):
        assert secret not in text
    assert "SMTP_PASSWORD=***" in text and "2026-11-25" in text and "R$ 1.234,56" in text
    # Found by the property test: two counts side by side are not a DDD and a number.
    assert redact("100000 1000") == "100000 1000"


@pytest.mark.parametrize("key_format", ["openssh", "pkcs8", "traditional"])
def test_a_private_key_in_a_message_is_hidden_whole(key_format: str) -> None:
    """A key file's text pasted into an error (a failed key load quoting it): no line of the
    key's body survives, whatever the PEM flavour."""
    key = ed25519.Ed25519PrivateKey.generate() if key_format != "traditional" else \
        ec.generate_private_key(ec.SECP256R1())
    formats = {"openssh": serialization.PrivateFormat.OpenSSH,
               "pkcs8": serialization.PrivateFormat.PKCS8,
               "traditional": serialization.PrivateFormat.TraditionalOpenSSL}
    pem = key.private_bytes(serialization.Encoding.PEM, formats[key_format],
                            serialization.NoEncryption()).decode()
    out = redact(f"could not load key from OUCHHUNGRY_SFTP_PRIVATE_KEY_PATH:\n{pem}\nretrying",
                 limit=10_000)
    body = [line for line in pem.splitlines() if line and not line.startswith("-----")]
    assert body and not [line for line in body if line in out]
    assert "[private key]" in out and out.endswith("retrying")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=3, max_size=8),
                min_size=2, max_size=4), st.sampled_from(['"', "'"]),
       st.sampled_from(["SMTP_PASSWORD=", "api_key: ", '"token": ']))
def test_a_quoted_secret_with_blanks_is_hidden_whole(words: list[str], quote: str,
                                                     assigned: str) -> None:
    value = " ".join(words)
    out = redact(f"config {assigned}{quote}{value}{quote} rejected", limit=10_000)
    # The whole quoted value goes, quotes included, not only its first word.
    assert out == f"config {assigned}*** rejected"


def test_a_message_of_exactly_the_limit_is_kept_whole_one_more_is_cut() -> None:
    assert redact("a" * 10, limit=10) == "a" * 10
    assert redact("a" * 11, limit=10) == "a" * 9 + "…"
