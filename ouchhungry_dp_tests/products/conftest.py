"""Hand-built typed cleaned tables (CLEANED_TRANSACTIONS / CLEANED_PRODUCTS layout).

Small and seeded: a mini catalogue with the partner's brands and at least four
competitors per segment, customers living in cities of very different sizes (so
some cells are small), orders of one or two items.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ouchhungry_dp.partners.contract import PartnerContract, get_contract, load_contracts

FIXTURES = Path(__file__).parent.parent / "partners" / "fixtures"
KEY = b"test-pseudonymization-key-0123456789"

CATALOGUE = [
    # product_code, product_name, brand, manufacturer, segment, list_price
    ("REF-HNG-0350", "Hungry Cola Lata 350ml", "Hungry", "OuchHungry", "refrigerantes", 5.5),
    ("REF-HNG-0600", "Hungry Cola 600ml", "Hungry", "OuchHungry", "refrigerantes", 8.0),
    (
        "REF-CLB-0350",
        "Cola Brasil Lata 350ml",
        "Cola Brasil",
        "Bebidas Brasil",
        "refrigerantes",
        5.0,
    ),
    ("REF-GSU-0350", "Guarana Sul Lata 350ml", "Guarana Sul", "Sul Bebidas", "refrigerantes", 4.5),
    ("REF-TNO-0350", "Tonica Norte 350ml", "Tonica Norte", "Norte SA", "refrigerantes", 6.0),
    ("REF-FZZ-2000", "Fizz Laranja 2L", "Fizz", "Fizz Co", "refrigerantes", 9.9),
    ("SAL-OCH-0100", "Ouch Batata 100g", "Ouch", "OuchHungry", "salgados", 7.5),
    ("SAL-OCH-0200", "Ouch Batata 200g", "Ouch", "OuchHungry", "salgados", 12.0),
    ("SAL-CRC-0100", "Crocante Milho 100g", "Crocante", "Crocante Alimentos", "salgados", 6.5),
    ("SAL-BTR-0100", "Batata Real 100g", "Batata Real", "Real Snacks", "salgados", 7.0),
    ("SAL-MLB-0100", "Milho Bom 90g", "Milho Bom", "Bom Alimentos", "salgados", 5.0),
    ("SAL-CHP-0150", "Chips Co 150g", "Chips Co", "Chips Company", "salgados", 9.0),
    ("CER-LGR-0350", "Lager Gelada 350ml", "Lager Gelada", "Cervejaria X", "cervejas", 4.0),
]
# (state, city, city weight): big cities, medium ones and tiny ones (small cells).
CITIES = [
    ("SP", "SAO PAULO", 40),
    ("SP", "CAMPINAS", 15),
    ("SP", "SANTOS", 6),
    ("RJ", "RIO DE JANEIRO", 25),
    ("RJ", "NITEROI", 1),
    ("MG", "BELO HORIZONTE", 10),
    ("AC", "RIO BRANCO", 0.3),
]


def products_frame() -> pd.DataFrame:
    frame = pd.DataFrame(
        CATALOGUE,
        columns=["product_code", "product_name", "brand", "manufacturer", "segment", "list_price"],
    )
    frame["ean"] = [f"789{i:010d}" for i in range(len(frame))]
    frame = frame.astype({c: "string" for c in frame.columns if c != "list_price"})
    frame["list_price"] = frame["list_price"].astype("Float64")
    frame["updated_at"] = pd.Timestamp("2026-01-01")
    frame["snapshot_date"] = pd.Timestamp("2026-01-01")
    return frame


def customer_cities(n_customers: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    weights = np.array([w for _, _, w in CITIES], dtype=float)
    picks = rng.choice(len(CITIES), size=n_customers, p=weights / weights.sum())
    return pd.DataFrame(
        {
            "customer_id": [f"CLI-{i:07d}" for i in range(n_customers)],
            "state": [CITIES[p][0] for p in picks],
            "city": [CITIES[p][1] for p in picks],
        }
    )


def transactions_frame(
    day: str, rows: int, *, seed: int, n_customers: int = 400, customers_seed: int = 7
) -> pd.DataFrame:
    """Cleaned transactions of one day: ``rows`` order items, orders of 1-2 items."""
    rng = np.random.default_rng(seed)
    customers = customer_cities(n_customers, customers_seed)
    catalogue = products_frame()
    orders = (rows + 1) // 2
    order_customer = rng.integers(0, n_customers, size=orders)
    item_order = np.sort(rng.integers(0, orders, size=rows))
    customer_index = order_customer[item_order]
    product_index = rng.integers(0, len(catalogue), size=rows)
    quantity = rng.integers(1, 5, size=rows)
    base = catalogue["list_price"].to_numpy(dtype=float)[product_index]
    unit_price = np.round(base * rng.uniform(0.9, 1.1, size=rows), 2)
    stamp = pd.Timestamp(day)
    compact = stamp.strftime("%Y%m%d")
    frame = pd.DataFrame(
        {
            "transaction_id": [f"IT{compact}{i:07d}" for i in range(rows)],
            "order_id": [f"PED-{compact}-{o:06d}" for o in item_order],
            "customer_id": customers["customer_id"].to_numpy()[customer_index],
            "merchant_id": "LOJ-00042",
            "merchant_cnpj": "11222333000181",
            "product_code": catalogue["product_code"].to_numpy()[product_index],
            "quantity": pd.array(quantity, dtype="Int64"),
            "unit_price": pd.array(unit_price, dtype="Float64"),
            "total_amount": pd.array(np.round(unit_price * quantity, 2), dtype="Float64"),
            "ordered_at": stamp + pd.to_timedelta(rng.integers(0, 86_400, size=rows), unit="s"),
            "sale_date": stamp,
            "city": customers["city"].to_numpy()[customer_index],
            "state": customers["state"].to_numpy()[customer_index],
            "city_ibge_code": "3550308",
            "cep": "01310-100",
            "payment_method": "pix",
            "updated_at": stamp,
        }
    )
    text = [c for c in frame.columns if frame[c].dtype == object]
    return frame.astype({c: "string" for c in text})


def month_frames(month: str, rows_per_day: int, *, seed: int, **kwargs: int) -> list[pd.DataFrame]:
    days = pd.period_range(
        pd.Period(month, "M").start_time, pd.Period(month, "M").end_time, freq="D"
    )
    return [
        transactions_frame(str(d), rows_per_day, seed=seed * 1000 + i, **kwargs)
        for i, d in enumerate(days)
    ]


@pytest.fixture(scope="session")
def contract() -> PartnerContract:
    return get_contract("ouchhungry")


@pytest.fixture(scope="session")
def crocante() -> PartnerContract:
    (contract,) = load_contracts(FIXTURES)
    return contract


@pytest.fixture(scope="session")
def products() -> pd.DataFrame:
    return products_frame()


@pytest.fixture(scope="session")
def make_month() -> Callable[..., list[pd.DataFrame]]:
    return month_frames


def rows_frame(records: list[tuple[str, str, str, str, str, str, int, float]]) -> pd.DataFrame:
    """Cleaned transactions from (day, order, customer, state, city, product, qty, price)."""
    frame = pd.DataFrame(
        records,
        columns=["day", "order_id", "customer_id", "state", "city", "product_code", "q", "p"],
    )
    frame = frame.astype({"q": "int64", "p": "float64"})  # an empty list has no dtypes
    sale = pd.to_datetime(frame["day"])
    out = pd.DataFrame(
        {
            "transaction_id": [f"IT{i:012d}" for i in range(len(frame))],
            "order_id": frame["order_id"],
            "customer_id": frame["customer_id"],
            "merchant_id": "LOJ-00001",
            "merchant_cnpj": "11222333000181",
            "product_code": frame["product_code"],
            "quantity": pd.array(frame["q"], dtype="Int64"),
            "unit_price": pd.array(frame["p"], dtype="Float64"),
            "total_amount": pd.array((frame["q"] * frame["p"]).round(2), dtype="Float64"),
            "ordered_at": sale + pd.Timedelta(hours=13, minutes=45),
            "sale_date": sale,
            "city": frame["city"],
            "state": frame["state"],
            "city_ibge_code": "3550308",
            "cep": "01310-100",
            "payment_method": "pix",
            "updated_at": sale,
        }
    )
    text = [c for c in out.columns if out[c].dtype == object]
    return out.astype({c: "string" for c in text})


def customers_buying(
    day: str, state: str, city: str, product: str, n: int, *, prefix: str = "C"
) -> list[tuple[str, str, str, str, str, str, int, float]]:
    """``n`` distinct customers each buying one unit of ``product`` in one order."""
    tag = f"{prefix}-{state}-{city}-{product}-{day}".replace(" ", "_")
    return [(day, f"PED-{tag}-{i}", f"CLI-{prefix}{state}{city}{i}", state, city, product, 1, 10.0)
            for i in range(n)]  # fmt: skip


SIMULATED_MONTH = "2026-12"  # 31 days
HISTORY_MONTH = "2026-11"
SIMULATION_ROWS_PER_DAY = 1500


def _clean_days(first: str, last: str, products: pd.DataFrame, seed: int) -> list[pd.DataFrame]:
    import datetime as dt

    from ouchhungry_dp.quality.cleaning import clean_transactions
    from ouchhungry_dp.simulation import SimulationConfig
    from ouchhungry_dp.simulation.transactions import simulate_transactions

    config = SimulationConfig(
        seed=seed, rows_per_day=SIMULATION_ROWS_PER_DAY, n_customers=3000, defect_rate=0.05
    )
    days = pd.date_range(first, last, freq="D")
    cleaned = []
    for day in (d.date() for d in days):
        raw = simulate_transactions(day, config).frame
        result = clean_transactions(
            raw,
            partition_date=dt.date(day.year, day.month, day.day),
            known_customer_ids=None,
            known_product_codes=products["product_code"],
        )
        cleaned.append(result.cleaned)
    return cleaned


@pytest.fixture(scope="session")
def simulated() -> dict[str, object]:
    """November (history) and December 2026 through the simulator and the cleaning library.

    30 + 31 days x 1,500 order items, 5% defective rows (quarantined or repaired by
    the cleaner, as in production); shared by the 31-day, second-partner and
    insights tests so it is built once.
    """
    import datetime as dt

    from ouchhungry_dp.quality.cleaning import clean_products
    from ouchhungry_dp.simulation import SimulationConfig
    from ouchhungry_dp.simulation.products import simulate_products

    first_day = dt.date(2026, 11, 1)
    config = SimulationConfig(seed=11, defect_rate=0.0)
    catalogue = clean_products(
        simulate_products(first_day, config).frame, snapshot_date=first_day
    ).cleaned
    history = pd.concat(_clean_days("2026-11-01", "2026-11-30", catalogue, 11), ignore_index=True)
    days = _clean_days("2026-12-01", "2026-12-31", catalogue, 11)
    return {"products": catalogue, "history": history, "days": days}


def with_extra_column(contract: PartnerContract, product: str, name: str) -> PartnerContract:
    """``contract`` whose ``product`` ("daily" or "monthly") also lists column ``name``."""
    spec = getattr(contract.products, product)
    extra = spec.columns[0].model_copy(update={"name": name})
    return contract.model_copy(update={"products": contract.products.model_copy(update={
        product: spec.model_copy(update={"columns": [*spec.columns, extra]})})})
