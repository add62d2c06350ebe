"""Order items of one day, as the source system exports them.

Orders have 1-4 items (mostly 1-2), quantities 1-6 (mostly 1-2), a lunch and a
dinner peak, Pix/cards/cash/meal-voucher payments, and are delivered to the
customer's CEP (sometimes another CEP in the same city, e.g. work). Brands
sell differently by state (a stable per-state affinity), so a partner's share
of its segment varies across the country. Merchants are picked in the
customer's state. A few merchants have the alphanumeric CNPJ issued since July 2026;
they sell only in rows labelled ``alphanumeric_cnpj`` and never before that month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.simulation import formats, text
from ouchhungry_dp.simulation.catalogue import catalogue_as_of
from ouchhungry_dp.simulation.documents import bare as bare_text
from ouchhungry_dp.simulation.documents import format_cnpj, repeated_digits, spoil_last_digit
from ouchhungry_dp.simulation.geography import Geography, sample_cep_numbers
from ouchhungry_dp.simulation.injection import KindTarget, RawTable, plan_defects
from ouchhungry_dp.simulation.population import (
    FIRST_SIGNUP,
    CustomerBase,
    Merchants,
    customer_base,
    local_seconds,
    merchants,
    snapshot,
)
from ouchhungry_dp.simulation.simulation_config import (
    DEFAULT_CONFIG,
    TRANSACTIONS,
    SimulatedTable,
    SimulationConfig,
    day_seed,
)
from ouchhungry_dp.tables import RAW_TRANSACTIONS

ITEMS_PER_ORDER = (np.array([1, 2, 3, 4]), np.array([0.46, 0.30, 0.15, 0.09]))
QUANTITY = (np.arange(1, 7), np.array([0.55, 0.25, 0.08, 0.05, 0.03, 0.04]))
PAYMENT_METHODS = ("pix", "credit_card", "debit_card", "cash", "voucher")
PAYMENT_WEIGHTS = np.array([0.42, 0.33, 0.10, 0.08, 0.07])
SAME_CEP_SHARE = 0.92
ALPHANUMERIC_CNPJ_SINCE = dt.date(2026, 7, 1)  # the rest goes to another CEP of the customer's city

_TARGETS = (
    ("money_brl_format", ("unit_price",)),
    ("stray_characters_quantity", ("quantity",)),
    ("mixed_date_format", ("ordered_at",)),
    ("city_accent_case", ("delivery_city",)),
    ("formatted_or_bare_id", ("merchant_cnpj", "delivery_cep")),
    ("alphanumeric_cnpj", ("merchant_cnpj",)),
    ("null_required", ("customer_id", "product_code", "quantity", "unit_price")),
    ("impossible_date", ("ordered_at",)),
    ("out_of_partition", ("ordered_at",)),
    ("invalid_cnpj", ("merchant_cnpj",)),
    ("invalid_product_code", ("product_code",)),
    ("unknown_product", ("product_code",)),
    ("unknown_customer", ("customer_id",)),
    ("non_positive_quantity", ("quantity",)),
    ("unparseable_money", ("unit_price",)),
    ("invalid_cep", ("delivery_cep",)),
)


def _seconds_of_day(rng: np.random.Generator, n: int) -> np.ndarray:
    """Lunch and dinner peaks over a thin all-day and late-night background."""
    component = rng.choice(4, n, p=[0.38, 0.42, 0.15, 0.05])
    hours = np.select(
        [component == 0, component == 1, component == 2],
        [rng.normal(12.25, 0.9, n), rng.normal(19.75, 1.4, n), rng.uniform(6, 24, n)],
        rng.uniform(0, 6, n),
    )
    return (hours * 3600).astype(np.int64) % 86_400


def _pick_by_weight(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    cumulative = np.cumsum(weights)
    picks = np.searchsorted(cumulative, rng.random(n) * cumulative[-1], side="right")
    return np.minimum(picks, weights.size - 1)


def _products_by_state(
    rng: np.random.Generator, weights: np.ndarray, affinity: np.ndarray, states: np.ndarray
) -> np.ndarray:
    """Product per row drawn from its state's distribution (one searchsorted for all states)."""
    n_states, n_products = affinity.shape
    probability = weights[None, :] * affinity
    cdf = np.cumsum(probability / probability.sum(axis=1, keepdims=True), axis=1)
    cdf[:, -1] = 1.0
    flat = (cdf + np.arange(n_states)[:, None]).ravel()
    found = np.searchsorted(flat, states + rng.random(states.size), side="right")
    return np.minimum(found - states * n_products, n_products - 1)


def _merchant_in_state(
    rng: np.random.Generator, shops: Merchants, states: np.ndarray, n_states: int
) -> np.ndarray:
    numeric = np.flatnonzero(~shops.alphanumeric)
    by_state = numeric[np.argsort(shops.state_index[numeric], kind="stable")]
    counts = np.bincount(shops.state_index[numeric], minlength=n_states)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    u = rng.random(states.size)
    local = by_state[
        np.minimum(starts[states] + (u * counts[states]).astype(np.int64), numeric.size - 1)
    ]
    anywhere = numeric[(u * numeric.size).astype(np.int64)]
    return np.where(counts[states] > 0, local, anywhere)


@dataclass(frozen=True)
class _World:
    """What stays the same across days for a config: people, shops, catalogue codes."""

    config: SimulationConfig
    people: CustomerBase
    shops: Merchants
    codes: pa.Array  # product codes of the day's catalogue

    @property
    def geography(self) -> Geography:
        return self.people.geography


@dataclass(frozen=True)
class _Items:
    """Clean facts of the day's order items (one entry per item, numbers not text)."""

    order: np.ndarray
    customer: np.ndarray  # index into CustomerBase
    shop: np.ndarray
    city: np.ndarray
    cep: np.ndarray  # 8-digit number
    product: np.ndarray  # index into the day's catalogue
    quantity: np.ndarray
    price_cents: np.ndarray
    ordered_at: np.ndarray  # local seconds
    updated_at: np.ndarray
    payment: np.ndarray


def _simulate_items(rng: np.random.Generator, day: dt.date, world: _World) -> _Items:
    people, geography, shops = world.people, world.geography, world.shops
    current = snapshot(people, day)
    if current.rows.size == 0:
        raise ConfigurationError(
            "Simulated transactions",
            partition=day.isoformat(),
            detail="no simulated customer has signed up by this day",
            hint=f"Simulate days after {FIRST_SIGNUP.isoformat()}.",
        )
    n = world.config.rows_per_day
    sizes = ITEMS_PER_ORDER[0][rng.choice(4, int(n / 1.8) + 16, p=ITEMS_PER_ORDER[1])]
    while sizes.sum() < n:  # rare: draw more orders
        sizes = np.concatenate([sizes, rng.choice(ITEMS_PER_ORDER[0], n, p=ITEMS_PER_ORDER[1])])
    n_orders = int(np.searchsorted(np.cumsum(sizes), n) + 1)
    order = np.repeat(np.arange(n_orders), sizes[:n_orders])[:n]

    # Per order: who, where, which shop, when, how paid.
    who = current.rows[_pick_by_weight(rng, people.activity[current.rows], n_orders)]
    version = np.zeros(people.n, dtype=np.int64)
    version[current.rows] = current.version
    city = people.city[who]
    state_index = geography.state_index[city]
    cep = np.where(
        rng.random(n_orders) < SAME_CEP_SHARE,
        people.cep_versions[who, version[who]],
        sample_cep_numbers(rng, geography, city),
    )
    shop = _merchant_in_state(rng, shops, state_index, len(geography.states))
    ordered_at = local_seconds(day) + _seconds_of_day(rng, n_orders)
    payment = rng.choice(len(PAYMENT_METHODS), n_orders, p=PAYMENT_WEIGHTS)

    # Per item: what, how many, at which price.
    catalogue = catalogue_as_of(day)
    affinity = np.random.default_rng([world.config.seed, 3003]).lognormal(
        0.0, 0.35, (len(geography.states), len(catalogue))
    )
    product = _products_by_state(
        rng, catalogue["sales_weight"].to_numpy(), affinity, state_index[order]
    )
    quantity = QUANTITY[0][rng.choice(QUANTITY[0].size, n, p=QUANTITY[1])]
    list_cents = np.round(catalogue["list_price"].to_numpy()[product] * 100)
    price_cents = np.maximum(  # merchant markup, rounded to a price ending in 9
        np.round(list_cents * shops.markup[shop[order]] / 10) * 10 - 1, 99
    ).astype(np.int64)
    item_time = ordered_at[order]
    return _Items(
        order=order,
        customer=who[order],
        shop=shop[order],
        city=city[order],
        cep=cep[order],
        product=product,
        quantity=quantity,
        price_cents=price_cents,
        ordered_at=item_time,
        updated_at=item_time + rng.integers(15 * 60, 120 * 60, n),  # status until delivered
        payment=payment[order],
    )


def _clean_columns(day: dt.date, items: _Items, world: _World) -> dict[str, pa.Array]:
    n = items.order.size
    stamp = day.strftime("%Y%m%d")
    geography = world.geography
    return {
        "transaction_id": text.chars([f"IT{stamp}", text.zero_padded(np.arange(1, n + 1), 7)], n),
        "order_id": text.chars([f"PED-{stamp}-", text.zero_padded(items.order + 1, 6)], n),
        "customer_id": text.chars(["CLI-", text.zero_padded(items.customer + 1, 7)], n),
        "merchant_id": text.chars(["LOJ-", text.zero_padded(items.shop + 1, 5)], n),
        "merchant_cnpj": format_cnpj(world.shops.cnpj[items.shop]),
        "product_code": text.take(world.codes, items.product),
        "quantity": pa.array(items.quantity).cast(pa.string()),
        "unit_price": formats.money(items.price_cents),
        "ordered_at": formats.iso_local(items.ordered_at),
        "delivery_city": text.take(geography.name, items.city),
        "delivery_state": text.take(pa.array(geography.state, pa.string()), items.city),
        "delivery_cep": formats.cep(items.cep),
        "payment_method": text.take(PAYMENT_METHODS, items.payment),
        "updated_at": formats.iso_local(items.updated_at),
    }


def _defect_values(
    rng: np.random.Generator,
    kind: str,
    column: str,
    rows: np.ndarray,
    items: _Items,
    world: _World,
    table: RawTable,
) -> pa.Array:
    """Text of ``column`` at ``rows`` carrying ``kind`` (may also change a companion column)."""
    k = rows.size
    shops, geography = world.shops, world.geography
    if kind == "money_brl_format":
        return formats.brl_money(rng, items.price_cents[rows])
    if kind == "stray_characters_quantity":
        return formats.stray_quantity(rng, items.quantity[rows])
    if kind == "mixed_date_format":
        return formats.mixed_timestamp(rng, items.ordered_at[rows])
    if kind == "city_accent_case":
        lower = rows[rng.random(k) < 0.3]
        states = text.take(pa.array(geography.state, pa.string()), items.city[lower])
        table.patch(kind, "delivery_state", lower, pc.utf8_lower(states))
        return formats.city_variant(rng, text.take(geography.name, items.city[rows]))
    if kind == "formatted_or_bare_id" and column == "merchant_cnpj":
        return bare_text(shops.cnpj[items.shop[rows]])
    if kind == "formatted_or_bare_id":
        return formats.other_cep_format(rng, items.cep[rows])
    if kind == "alphanumeric_cnpj":
        new_shop = rng.choice(np.flatnonzero(shops.alphanumeric), k)
        new_id = text.chars(["LOJ-", text.zero_padded(new_shop + 1, 5)], k)
        table.replace("merchant_id", rows, new_id)
        return format_cnpj(shops.cnpj[new_shop])
    if kind == "null_required":
        return formats.missing(rng, k)
    if kind == "impossible_date":
        return formats.impossible_timestamp(rng, items.ordered_at[rows])
    if kind == "out_of_partition":  # mostly late arrivals from the previous days
        shift = rng.choice([-3, -2, -1, 1, 2], k, p=[0.1, 0.2, 0.5, 0.15, 0.05]) * 86_400
        return formats.iso_local(items.ordered_at[rows] + shift)
    if kind == "invalid_cnpj":
        digits = shops.cnpj[items.shop[rows]].astype(np.int64) - 48
        spoiled = np.where(
            (rng.random(k) < 0.8)[:, None],
            spoil_last_digit(rng, digits),
            repeated_digits(rng, k, 14),
        )
        return format_cnpj(text.ascii_digits(spoiled))
    if kind == "invalid_product_code":
        code = text.take(world.codes, items.product[rows])
        underscored = pc.replace_substring_regex(  # REF-HNG-0350 -> REF_HNG_350
            pc.replace_substring(code, "-", "_"), pattern=r"_0+(\d)", replacement=r"_\1"
        )
        options = [underscored, pc.utf8_slice_codeunits(code, 0, 10), text.take(["xx"], rows * 0)]
        return text.choose(options, rng.choice(3, k, p=[0.5, 0.3, 0.2]))
    if kind == "unknown_product":  # a real brand prefix, a number no product has
        prefix = pc.utf8_slice_codeunits(text.take(world.codes, items.product[rows]), 0, 8)
        return text.join(prefix, text.chars([text.zero_padded(rng.integers(9000, 10000, k), 4)], k))
    if kind == "unknown_customer":  # ids above n_customers never exist
        n_customers = world.config.n_customers
        ghost = n_customers + 1 + rng.integers(0, min(10 * n_customers, 9_999_999 - n_customers), k)
        return text.chars(["CLI-", text.zero_padded(ghost, 7)], k)
    if kind == "non_positive_quantity":
        return formats.non_positive_quantity(rng, k)
    if kind == "unparseable_money":
        return formats.unparseable_money(rng, k)
    if kind == "invalid_cep":
        return formats.invalid_cep(rng, items.cep[rows])
    raise AssertionError(f"no writer for {kind}")  # a kind added to _TARGETS without one


def simulate_transactions(
    day: dt.date, config: SimulationConfig = DEFAULT_CONFIG
) -> SimulatedTable:
    """The order items ordered on ``day`` (America/Sao_Paulo), raw text with labelled defects."""
    rng = np.random.default_rng(day_seed(config, day, TRANSACTIONS))
    catalogue = catalogue_as_of(day)
    world = _World(
        config=config,
        people=customer_base(config.seed, config.n_customers),
        shops=merchants(config.seed, config.n_merchants),
        codes=pa.array(catalogue["product_code"].to_numpy(dtype=object), type=pa.string()),
    )
    items = _simulate_items(rng, day, world)
    n = items.order.size
    table = RawTable(columns=_clean_columns(day, items, world), sort_key=np.arange(n))

    targets = [KindTarget(kind, columns) for kind, columns in _TARGETS]
    targets += [
        KindTarget("duplicate_exact", ("transaction_id",), copies_row=True),
        KindTarget("duplicate_stale_version", ("transaction_id",), copies_row=True),
    ]
    weights = config.weights_for(TRANSACTIONS)
    if day < ALPHANUMERIC_CNPJ_SINCE:  # no such CNPJ existed yet
        weights["alphanumeric_cnpj"] = 0.0
    plan = plan_defects(rng, n, config.defect_rate, weights, targets)
    copies = [(kind, rows) for kind, _, rows in plan if kind.startswith("duplicate_")]
    for kind, column, rows in plan:
        if not kind.startswith("duplicate_"):
            values = _defect_values(rng, kind, column, rows, items, world, table)
            table.patch(kind, column, rows, values)

    table.apply_patches()
    for kind, rows in copies:
        overrides = None
        if kind == "duplicate_stale_version":  # the same item as exported a little earlier
            older = items.updated_at[rows] - rng.integers(5 * 60, 60 * 60, rows.size)
            overrides = {"updated_at": formats.iso_local(older)}
        exact = kind == "duplicate_exact"
        table.append_copies(kind, "transaction_id", rows, overrides, after_source=exact)
    return table.finish(rng, RAW_TRANSACTIONS)
