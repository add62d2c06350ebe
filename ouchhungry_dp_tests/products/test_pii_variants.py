"""scan_pii against personal data written the ways people type it (issue 11, attack round 2).

Each variant the attack sent through the daily job, inside random surrounding text,
must be flagged; ordinary product text (names, sizes, prices, dates, EANs as codes,
partition keys, pseudonyms) must not be.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ouchhungry_dp.products.guardrails import scan_pii
from ouchhungry_dp.simulation import SimulationConfig
from ouchhungry_dp.simulation.products import simulate_products

NAME = "Maria Souza"
VARIANTS = [
    "(11) 98765 4321",
    "11 98765 4321",
    "11.98765.4321",
    "+55 11 98765-4321",
    "98765 4321",
    "cpf 123.456.789.09",
    "cpf 123 456 789 09",
    "123 456 789 09",
    "12.345.678/0001-95",
    "12 345 678 0001 95",
    "cep 01310 100 Rua Augusta 1500 apto 12",
    "01310 100",
    "Rua Augusta 1500",
    "Av. Paulista, 1000",
    "apto 12",
    "bloco 3",
    "joao(at)gmail.com",
    "joao [at] gmail [dot] com",
    "joao arroba gmail ponto com",
    "joao at gmail dot com",
    "joao.silva@example.com",
    f"entregar p/ {NAME}",
    "entregar p/ MARIA SÓUZA",
]
# Words around the variant: letters only, never digits (a digit touching the variant
# would make a different, longer number; that is still flagged but not by this test's
# design). A separator keeps the variant a token of its own.
WORDS = st.lists(
    st.sampled_from(["Hungry", "Ouch", "ligar", "para", "entregar", "Guaraná", "Lata",
                     "até", "obs:", "—", "favor", "zap", "pedido", "Picante", "x"]),
    max_size=6,
).map(" ".join)


def _flagged(text: str) -> bool:
    frame = pd.DataFrame({"product_name": [text], "sale_date": ["2026-11-12"]})
    return not scan_pii(frame, known_identifiers=[NAME, "Maria"]).passed


@settings(max_examples=120, deadline=None)
@given(variant=st.sampled_from(VARIANTS), before=WORDS, after=WORDS)
def test_every_typed_variant_is_flagged_inside_random_text(
    variant: str, before: str, after: str
) -> None:
    assert _flagged(f"{before} {variant} {after}".strip())


def test_flagged_values_are_not_echoed_in_metadata() -> None:
    outcome = scan_pii(pd.DataFrame({"product_name": [f"Hungry {v}" for v in VARIANTS]}),
                       known_identifiers=[NAME], max_rows_reported=100)
    assert not outcome.passed
    assert outcome.metadata["first_hit_rows"] == list(range(1, len(VARIANTS) + 1))
    dumped = repr(outcome.metadata) + outcome.description
    assert not any(v in dumped for v in VARIANTS)


CATALOGUE = simulate_products(dt.date(2026, 9, 1), SimulationConfig(seed=42)).frame


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(CATALOGUE["product_name"].dropna().tolist()),
    code=st.sampled_from(CATALOGUE["product_code"].dropna().tolist()),
    day=st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
    price=st.decimals(min_value=0, max_value=99999, places=2),
    quantity=st.integers(1, 500),
    # A lone all-digit pseudonym makes its one-row column numeric, where a 16-digit
    # value is rightly an id-like number; real files have many rows of hex.
    pseudonym=st.from_regex(r"[0-9a-f]{15}[a-f]", fullmatch=True),
)
def test_ordinary_product_rows_are_not_flagged(
    name: str, code: str, day: dt.date, price: object, quantity: int, pseudonym: str
) -> None:
    frame = pd.DataFrame({
        "sale_date": [day.isoformat()], "month": [day.strftime("%Y-%m")],
        "order_id": [pseudonym], "customer_id": [pseudonym[::-1]],
        "city": ["SAO PAULO"], "state": ["SP"], "brand": ["Hungry"],
        "product_code": [code], "product_name": [name],
        "unit_price": [str(price)], "quantity": [quantity],
        "total_amount": [str(price)],
    })
    outcome = scan_pii(frame, known_identifiers=[NAME, "Maria", "CLI-000123"])
    assert outcome.passed, (name, code, day, outcome.metadata)


def test_single_word_names_match_whole_fields_only() -> None:
    # "Maria" alone is a common word in product names ("Maria-mole"); only the whole
    # field equal to it, or a multi-word name inside text, is a hit.
    assert _flagged("maria")
    assert not _flagged("Doce Maria Mole 50g")
    assert _flagged("Doce p/ maria souza")


def test_product_names_must_be_cleaned_catalogue_names() -> None:
    from ouchhungry_dp.products.guardrails import product_names_from_catalogue

    catalogue = CATALOGUE.head(3).assign(snapshot_date="2026-09-01")
    names = catalogue["product_name"].tolist()
    file = pd.DataFrame({"product_code": catalogue["product_code"], "product_name": names})
    assert product_names_from_catalogue(file, catalogue).passed
    file.loc[file.index[1], "product_name"] = names[1] + " ligar p/ fulano"
    outcome = product_names_from_catalogue(file, catalogue)
    assert not outcome.passed
    assert outcome.metadata["first_rows_not_allowed"] == [2]
    assert "fulano" not in repr(outcome.metadata) + outcome.description


def test_scan_pii_holds_product_names_to_the_catalogue_when_given_it() -> None:
    catalogue = CATALOGUE.head(3)
    file = pd.DataFrame({"product_code": catalogue["product_code"],
                         "product_name": catalogue["product_name"]})
    assert scan_pii(file, catalogue=catalogue).passed
    file.loc[file.index[0], "product_name"] = "Hungry sabor novo"  # no pattern, not allowed
    assert scan_pii(file).passed
    outcome = scan_pii(file, catalogue=catalogue)
    assert outcome.metadata["hits_by_kind"] == {"name_not_in_catalogue": 1}
