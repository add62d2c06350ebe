"""Customers and merchants: stable people and shops behind every simulated day.

Everything here depends on the seed only (never on the day), so CLI-0001234 is
the same person in every extract. Names come from Faker's pt_BR word lists,
read once as pools and sampled with numpy (Faker is never called per row).
A customer changes e-mail, phone and CEP (a move inside the same city) up to
``MAX_UPDATES`` times, at seeded dates: the snapshot of a day shows the version
current on that day, and an older version is what a stale duplicate looks like.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from faker.providers.person.pt_BR import Provider as PersonProvider

from ouchhungry_dp.simulation import text
from ouchhungry_dp.simulation.documents import cnpj_chars, cpf_digits
from ouchhungry_dp.simulation.geography import Geography, load_geography, sample_cep_numbers
from ouchhungry_dp.simulation.geography import sample_cities as sample_city_indices

MAX_UPDATES = 3
UPDATES_PER_YEAR = 0.4
FIRST_SIGNUP = dt.date(2019, 1, 1)
HORIZON_END = dt.date(2028, 1, 1)  # signups and updates are spread until here
SHARE_SIGNED_UP_BEFORE_2026 = 0.7
ALPHANUMERIC_CNPJ_SHARE = 0.06
EMAIL_DOMAINS = ("gmail.com", "hotmail.com", "outlook.com", "yahoo.com.br", "icloud.com",
                 "uol.com.br", "bol.com.br", "terra.com.br")  # fmt: skip
EMAIL_DOMAIN_WEIGHTS = np.array([0.55, 0.17, 0.09, 0.06, 0.05, 0.03, 0.03, 0.02])
_EPOCH = dt.date(1970, 1, 1)


def local_seconds(day: dt.date) -> int:
    """Seconds from the epoch to local midnight of ``day`` (wall clock, America/Sao_Paulo)."""
    return (day - _EPOCH).days * 86_400


def _pool(values: Iterable[str]) -> list[str]:
    """Faker's word lists (tuples or weighted dicts) as a sorted, duplicate-free pool."""
    return sorted(set(values))


@dataclass(frozen=True)
class CustomerBase:
    """Every customer ever, in id order; ``*_versions`` arrays have MAX_UPDATES + 1 columns."""

    n: int
    full_name: pa.Array
    email_user: pa.Array  # accent-free, lower case
    cpf: np.ndarray  # (n, 11) digits
    city: np.ndarray  # index into Geography
    birth_days: np.ndarray  # days since epoch
    created_at: np.ndarray  # local seconds
    update_at: np.ndarray  # (n, MAX_UPDATES) local seconds, sorted, unused = int64 max
    cep_versions: np.ndarray  # 8-digit numbers
    phone_versions: np.ndarray  # 9-digit mobile numbers starting with 9
    domain_versions: np.ndarray  # index into EMAIL_DOMAINS
    activity: np.ndarray  # relative order frequency (heavy users vs rare ones)
    geography: Geography


@cache
def customer_base(seed: int, n: int) -> CustomerBase:
    rng = np.random.default_rng([seed, 1001])
    geography = load_geography(seed)
    female = _pool(PersonProvider.first_names_female)
    male = _pool(PersonProvider.first_names_male)
    surnames = _pool(PersonProvider.last_names)
    firsts = pa.array(female + male, type=pa.string())
    first = np.where(
        rng.random(n) < 0.5,
        rng.integers(0, len(female), n),
        len(female) + rng.integers(0, len(male), n),
    )
    last1 = rng.integers(0, len(surnames), n)
    last2 = rng.integers(0, len(surnames), n)
    first_names = text.take(firsts, first)
    surname_pool = pa.array(surnames, type=pa.string())
    one_surname = pa.array(rng.random(n) < 0.4)
    last_names = pc.if_else(
        one_surname,
        text.take(surname_pool, last2),
        text.join(text.take(surname_pool, last1), " ", text.take(surname_pool, last2)),
    )
    full_name = text.join(first_names, " ", last_names)

    # Compound names ("Ana Júlia", "da Costa") lose their blanks in e-mail user names.
    plain_first = pc.replace_substring(pc.utf8_lower(text.strip_accents(first_names)), " ", "")
    plain_last = pc.utf8_lower(text.strip_accents(text.take(surname_pool, last2)))
    plain_last = pc.replace_substring(plain_last, " ", "")
    number = pa.array(rng.integers(1, 999, n)).cast(pa.string())
    separator = text.take([".", "_", ""], rng.integers(0, 3, n))
    with_number = pa.array(rng.random(n) < 0.5)
    email_user = text.join(plain_first, separator, plain_last, pc.if_else(with_number, number, ""))

    before_2026 = rng.random(n) < SHARE_SIGNED_UP_BEFORE_2026
    start, mid, end = (local_seconds(d) for d in (FIRST_SIGNUP, dt.date(2026, 1, 1), HORIZON_END))
    created = np.where(before_2026, rng.integers(start, mid, n), rng.integers(mid, end - 86_400, n))
    years_left = (end - created) / (365.25 * 86_400)
    n_updates = np.minimum(rng.poisson(UPDATES_PER_YEAR * years_left), MAX_UPDATES)
    update_at = np.sort(
        created[:, None]
        + (rng.random((n, MAX_UPDATES)) * (end - created)[:, None]).astype(np.int64),
        axis=1,
    )
    update_at = np.where(
        np.arange(MAX_UPDATES) < n_updates[:, None], update_at, np.iinfo(np.int64).max
    )
    update_at = np.sort(update_at, axis=1)

    city = sample_city_indices(rng, geography, n)
    versions = MAX_UPDATES + 1
    cep_versions = sample_cep_numbers(rng, geography, np.repeat(city, versions)).reshape(
        n, versions
    )
    age_days = (18 * 365 + rng.gamma(2.2, 9.0, n) * 365).astype(np.int64)
    return CustomerBase(
        n=n,
        full_name=full_name,
        email_user=email_user,
        cpf=cpf_digits(rng, n),
        city=city,
        birth_days=(created // 86_400) - np.minimum(age_days, 90 * 365),
        created_at=created,
        update_at=update_at,
        cep_versions=cep_versions,
        phone_versions=900_000_000 + rng.integers(0, 100_000_000, (n, versions)),
        domain_versions=rng.choice(len(EMAIL_DOMAINS), (n, versions), p=EMAIL_DOMAIN_WEIGHTS),
        activity=rng.lognormal(0.0, 1.0, n),
        geography=geography,
    )


@dataclass(frozen=True)
class CustomerSnapshot:
    """Which customers exist at the end of a day, and their current version."""

    rows: np.ndarray  # indices into CustomerBase of existing customers, id order
    version: np.ndarray  # current version of each (0 = as signed up)
    updated_at: np.ndarray  # local seconds of that version


def snapshot(base: CustomerBase, day: dt.date) -> CustomerSnapshot:
    day_end = local_seconds(day + dt.timedelta(days=1)) - 1
    rows = np.flatnonzero(base.created_at <= day_end)
    updates = base.update_at[rows]
    version = (updates <= day_end).sum(axis=1)
    last_update = np.take_along_axis(updates, np.maximum(version - 1, 0)[:, None], axis=1)[:, 0]
    updated_at = np.where(version > 0, last_update, base.created_at[rows])
    return CustomerSnapshot(rows=rows, version=version, updated_at=updated_at)


@dataclass(frozen=True)
class Merchants:
    n: int
    cnpj: np.ndarray  # (n, 14) ASCII codes
    alphanumeric: np.ndarray  # bool: registered with the new alphanumeric CNPJ
    state_index: np.ndarray
    markup: np.ndarray  # price factor over the list price


@cache
def merchants(seed: int, n: int) -> Merchants:
    rng = np.random.default_rng([seed, 2002])
    geography = load_geography(seed)
    alphanumeric = rng.random(n) < ALPHANUMERIC_CNPJ_SHARE
    alphanumeric[-1] = True  # at least one, so the kind can always be injected
    alphanumeric[0] = False  # and at least one numeric
    cnpj = np.where(
        alphanumeric[:, None],
        cnpj_chars(rng, n, alphanumeric=True),
        cnpj_chars(rng, n, alphanumeric=False),
    )
    cities = sample_city_indices(rng, geography, n)
    return Merchants(
        n=n,
        cnpj=cnpj,
        alphanumeric=alphanumeric,
        state_index=geography.state_index[cities],
        markup=rng.uniform(0.92, 1.25, n),
    )
