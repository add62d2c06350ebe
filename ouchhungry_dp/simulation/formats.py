"""How the messy source writes values: the clean export format and its defect variants.

Each function takes clean values (numbers, digit matrices, timestamps) for the
rows to spoil and returns their text; variants are drawn per row with numpy.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ouchhungry_dp.simulation import text

ISO_LOCAL = "%Y-%m-%dT%H:%M:%S-03:00"  # Brazil has had no daylight saving time since 2019
UTC_SHIFT = 3 * 3600


def iso_local(local_seconds: np.ndarray) -> pa.Array:
    return text.iso_timestamp(local_seconds, "-03:00")


def mixed_timestamp(rng: np.random.Generator, local_seconds: np.ndarray) -> pa.Array:
    """Same instant, other spellings: Brazilian day-first, ISO without offset, ISO in UTC."""
    utc = local_seconds + UTC_SHIFT
    options = [
        text.strftime(local_seconds, "%d/%m/%Y %H:%M"),
        text.strftime(local_seconds, "%d/%m/%Y %H:%M:%S"),
        text.strftime(local_seconds, "%Y-%m-%d %H:%M:%S"),
        text.strftime(local_seconds, "%d-%m-%Y"),
        text.strftime(utc, "%Y-%m-%dT%H:%M:%SZ"),
        text.strftime(utc, "%Y-%m-%dT%H:%M:%S+00:00"),
    ]
    return text.choose(options, rng.integers(0, len(options), local_seconds.size))


def impossible_timestamp(rng: np.random.Generator, local_seconds: np.ndarray) -> pa.Array:
    """Dates that do not exist in any calendar (31 February, month 13, day 0)."""
    options = [
        text.strftime(local_seconds, "31/02/%Y %H:%M"),
        text.strftime(local_seconds, "30/02/%Y %H:%M:%S"),
        text.strftime(local_seconds, "31/04/%Y %H:%M"),
        text.strftime(local_seconds, "%d/13/%Y %H:%M"),
        text.strftime(local_seconds, "00/%m/%Y %H:%M"),
        text.strftime(local_seconds, "%Y-02-30T%H:%M:%S-03:00"),
    ]
    return text.choose(options, rng.integers(0, len(options), local_seconds.size))


def mixed_date(rng: np.random.Generator, days: np.ndarray) -> pa.Array:
    """A date (days since epoch) as dd/mm/yyyy or dd-mm-yyyy instead of ISO."""
    seconds = days * 86_400
    options = [text.strftime(seconds, "%d/%m/%Y"), text.strftime(seconds, "%d-%m-%Y")]
    return text.choose(options, rng.integers(0, len(options), days.size))


def money(cents: np.ndarray) -> pa.Array:
    return text.plain_money(cents)


def brl_money(rng: np.random.Generator, cents: np.ndarray) -> pa.Array:
    return text.brl_money(cents, rng.random(cents.size) < 0.7)


UNPARSEABLE_MONEY = ("abc", "R$ --", "sem preço", "#VALOR!", "R$ xx,yy", "N/D")


def unparseable_money(rng: np.random.Generator, n: int) -> pa.Array:
    return text.take(UNPARSEABLE_MONEY, rng.integers(0, len(UNPARSEABLE_MONEY), n))


def stray_quantity(rng: np.random.Generator, quantity: np.ndarray) -> pa.Array:
    number = pa.array(quantity).cast(pa.string())
    options = [
        text.join(number, "un"),
        text.join(" ", number, " "),
        text.join(number, " un"),
        text.join(number, "x"),
        text.join(number, " unid."),
    ]
    return text.choose(options, rng.integers(0, len(options), quantity.size))


def non_positive_quantity(rng: np.random.Generator, n: int) -> pa.Array:
    return text.take(["0", "-1", "-2"], rng.choice(3, n, p=[0.6, 0.3, 0.1]))


def missing(rng: np.random.Generator, n: int) -> pa.Array:
    """Null or empty text: sources export a missing value either way."""
    return pc.if_else(pa.array(rng.random(n) < 0.7), pa.scalar(None, pa.string()), "")


def cep(numbers: np.ndarray) -> pa.Array:
    d = text.zero_padded(numbers, 8)
    return text.chars([d[:, :5], "-", d[:, 5:]], numbers.size)


def other_cep_format(rng: np.random.Generator, numbers: np.ndarray) -> pa.Array:
    """Bare '01310100' or the old dotted '01.310-100'."""
    d = text.zero_padded(numbers, 8)
    n = numbers.size
    options = [text.chars([d], n), text.chars([d[:, :2], ".", d[:, 2:5], "-", d[:, 5:]], n)]
    return text.choose(options, rng.integers(0, 2, n))


def invalid_cep(rng: np.random.Generator, numbers: np.ndarray) -> pa.Array:
    """Seven digits, letters in the prefix, or nine digits."""
    d = text.zero_padded(numbers, 8)
    n = numbers.size
    letters = rng.integers(65, 91, (n, 5)).astype(np.uint8)
    options = [
        text.chars([d[:, :4], "-", d[:, 5:]], n),
        text.chars([letters, "-", d[:, 5:]], n),
        text.chars([d[:, :5], "-", d[:, 5:], d[:, 7:]], n),
    ]
    return text.choose(options, rng.integers(0, len(options), n))


def city_variant(rng: np.random.Generator, names: pa.Array) -> pa.Array:
    """Same city, as sloppy forms write it; every variant differs from the official name."""
    upper = pc.utf8_upper(names)
    spaced = pc.replace_substring(pc.utf8_lower(names), " ", "  ")
    options = [
        text.strip_accents(upper),
        upper,
        text.join(" ", spaced, " "),
        text.join(text.strip_accents(names), " "),
    ]
    return text.choose(options, rng.integers(0, len(options), len(names)))
