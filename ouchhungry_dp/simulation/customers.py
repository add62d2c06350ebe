"""The customer table as of a day: one row per customer signed up by then.

Clean export formats: CPF ``123.456.789-09``, phone ``(11) 91234-5678`` with the
DDD of the customer's city, CEP ``01310-100``, ISO dates. A customer who
changed e-mail/phone/CEP shows the current version; a stale duplicate is the
previous version (older ``updated_at``) lingering in the extract.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ouchhungry_dp.simulation import formats, text
from ouchhungry_dp.simulation.documents import bare as bare_text
from ouchhungry_dp.simulation.documents import (
    format_cpf,
    repeated_digits,
    spoil_last_digit,
)
from ouchhungry_dp.simulation.geography import INVALID_DDDS
from ouchhungry_dp.simulation.injection import KindTarget, RawTable, plan_defects
from ouchhungry_dp.simulation.population import EMAIL_DOMAINS, customer_base, snapshot
from ouchhungry_dp.simulation.simulation_config import (
    CUSTOMERS,
    DEFAULT_CONFIG,
    SimulatedTable,
    SimulationConfig,
    day_seed,
)
from ouchhungry_dp.tables import RAW_CUSTOMERS


def _phone(ddd: np.ndarray, number: np.ndarray) -> pa.Array:
    d, s = text.zero_padded(ddd, 2), text.zero_padded(number, 9)
    return text.chars(["(", d, ") ", s[:, :5], "-", s[:, 5:]], ddd.size)


def _phone_other_format(rng: np.random.Generator, ddd: np.ndarray, number: np.ndarray) -> pa.Array:
    n = ddd.size
    d, s = text.zero_padded(ddd, 2), text.zero_padded(number, 9)
    options = [
        text.chars([d, s], n),
        text.chars(["+55", d, s], n),
        text.chars(["+55 (", d, ") ", s[:, :5], "-", s[:, 5:]], n),
        text.chars([d, " ", s[:, :5], "-", s[:, 5:]], n),
    ]
    return text.choose(options, rng.integers(0, len(options), n))


def _invalid_phone(rng: np.random.Generator, ddd: np.ndarray, number: np.ndarray) -> pa.Array:
    """A DDD no Brazilian phone has, or seven subscriber digits."""
    n = ddd.size
    wrong_ddd = INVALID_DDDS[rng.integers(0, INVALID_DDDS.size, n)]
    short = text.zero_padded(number // 100, 7)
    options = [
        _phone(wrong_ddd, number),
        text.chars(["(", text.zero_padded(ddd, 2), ") ", short[:, :3], "-", short[:, 3:]], n),
    ]
    return text.choose(options, rng.integers(0, 2, n))


def _email(users: pa.Array, domains: np.ndarray) -> pa.Array:
    return text.join(users, "@", text.take(EMAIL_DOMAINS, domains))


def _invalid_email(rng: np.random.Generator, users: pa.Array, domains: np.ndarray) -> pa.Array:
    domain = text.take(EMAIL_DOMAINS, domains)
    options = [
        text.join(users, "@"),
        text.join(users, ".", domain),
        text.join(users, "@@", domain),
        text.join("@", domain),
    ]
    return text.choose(options, rng.integers(0, len(options), len(users)))


def simulate_customers(day: dt.date, config: SimulationConfig = DEFAULT_CONFIG) -> SimulatedTable:
    """Full snapshot of the customer table at the end of ``day``, with labelled defects."""
    rng = np.random.default_rng(day_seed(config, day, CUSTOMERS))
    people = customer_base(config.seed, config.n_customers)
    geography = people.geography
    current = snapshot(people, day)
    who, version = current.rows, current.version
    n = who.size
    city = people.city[who]
    ddd = geography.ddd[city]
    cpf = people.cpf[who]
    phone = people.phone_versions[who, version]
    cep = people.cep_versions[who, version]
    users = people.email_user.take(pa.array(who))
    domain = people.domain_versions[who, version]
    columns = {
        "customer_id": text.chars(["CLI-", text.zero_padded(who + 1, 7)], n),
        "full_name": people.full_name.take(pa.array(who)),
        "cpf": format_cpf(cpf),
        "email": _email(users, domain),
        "phone": _phone(ddd, phone),
        "cep": formats.cep(cep),
        "city": text.take(geography.name, city),
        "state": text.take(pa.array(geography.state, pa.string()), city),
        "birth_date": text.strftime(people.birth_days[who] * 86_400, "%Y-%m-%d"),
        "created_at": formats.iso_local(people.created_at[who]),
        "updated_at": formats.iso_local(current.updated_at),
    }
    table = RawTable(columns=columns, sort_key=np.arange(n, dtype=np.int64))
    targets = [
        KindTarget("invalid_cpf", ("cpf",)),
        KindTarget("invalid_email", ("email",)),
        KindTarget("invalid_phone", ("phone",)),
        KindTarget("invalid_cep", ("cep",)),
        KindTarget("null_required", ("customer_id", "cpf")),
        KindTarget("formatted_or_bare_id", ("cpf", "phone", "cep")),
        KindTarget("city_accent_case", ("city",)),
        KindTarget("mixed_date_format", ("birth_date",)),
        KindTarget("duplicate_stale_version", ("customer_id",), version > 0, copies_row=True),
    ]
    plan = plan_defects(rng, n, config.defect_rate, config.weights_for(CUSTOMERS), targets)
    stale: np.ndarray | None = None
    for kind, column, rows in plan:
        k = rows.size
        if kind == "duplicate_stale_version":
            stale = rows
            continue
        if kind == "invalid_cpf":
            bad = np.where(
                (rng.random(k) < 0.75)[:, None],
                spoil_last_digit(rng, cpf[rows]),
                repeated_digits(rng, k, 11),
            )
            values = format_cpf(bad)
        elif kind == "invalid_email":
            values = _invalid_email(rng, users.take(pa.array(rows)), domain[rows])
        elif kind == "invalid_phone":
            values = _invalid_phone(rng, ddd[rows], phone[rows])
        elif kind == "invalid_cep":
            values = formats.invalid_cep(rng, cep[rows])
        elif kind == "null_required":
            values = formats.missing(rng, k)
        elif kind == "formatted_or_bare_id" and column == "cpf":
            values = bare_text(text.ascii_digits(cpf[rows]))
        elif kind == "formatted_or_bare_id" and column == "phone":
            values = _phone_other_format(rng, ddd[rows], phone[rows])
        elif kind == "formatted_or_bare_id":
            values = formats.other_cep_format(rng, cep[rows])
        elif kind == "city_accent_case":
            values = formats.city_variant(rng, text.take(geography.name, city[rows]))
            lower_state = rows[rng.random(k) < 0.3]
            states = text.take(pa.array(geography.state, pa.string()), city[lower_state])
            table.patch(kind, "state", lower_state, pc.utf8_lower(states))
        elif kind == "mixed_date_format":
            values = formats.mixed_date(rng, people.birth_days[who[rows]])
        else:  # pragma: no cover - a kind added to the targets without a writer
            raise AssertionError(f"no writer for {kind}")
        table.patch(kind, column, rows, values)

    table.apply_patches()
    if stale is not None and stale.size:
        # The previous version: other e-mail domain, phone and CEP, older updated_at.
        person, previous = who[stale], version[stale] - 1
        before = np.where(
            previous > 0,
            people.update_at[person, np.maximum(previous - 1, 0)],
            people.created_at[person],
        )
        overrides = {
            "email": _email(users.take(pa.array(stale)), people.domain_versions[person, previous]),
            "phone": _phone(ddd[stale], people.phone_versions[person, previous]),
            "cep": formats.cep(people.cep_versions[person, previous]),
            "updated_at": formats.iso_local(before),
        }
        table.append_copies("duplicate_stale_version", "customer_id", stale, overrides)
    return table.finish(rng, RAW_CUSTOMERS)
