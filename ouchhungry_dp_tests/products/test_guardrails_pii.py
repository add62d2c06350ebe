from __future__ import annotations

import json

import pandas as pd
import pytest

from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.cells import empty_decision
from ouchhungry_dp.products.daily import build_daily_product
from ouchhungry_dp.products.guardrails import pseudonym_properties, scan_pii
from ouchhungry_dp.products.selection import partner_items

from .conftest import KEY, customers_buying, rows_frame

CLEAN = pd.DataFrame(
    {
        "sale_date": ["2026-11-25", "2026-11-25"],
        "customer_id": ["0123456789012345", "9f86d081884c7d65"],  # all-digit pseudonym is fine
        "city": ["SAO PAULO", "*"],
        "product_code": ["REF-HNG-0350", "SAL-OCH-0100"],
        "product_name": ["Hungry Cola Lata 350ml", "Ouch Batata 100g"],
        "unit_price": [5.5, 12345678.9],
        "quantity": [2, 1],
    }
)


def test_clean_file_passes() -> None:
    outcome = scan_pii(CLEAN)
    assert outcome.passed, outcome.metadata
    assert outcome.metadata["rows_scanned"] == 2


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("joao.silva@example.com", "email"),
        ("contato: maria@gmail.com", "email"),
        ("joao@", "email"),
        ("123.456.789-09", "cpf"),
        ("12345678909", "cpf"),
        ("11.222.333/0001-81", "cnpj"),
        ("12ABC34501DE35", "cnpj"),
        ("+55 11 91234-5678", "phone"),
        ("(11) 91234-5678", "phone"),
        ("11 98765-4321", "phone"),  # the formats a review found passing
        ("98765-4321", "phone"),
        ("3232-4321", "phone"),
        ("123456789-09", "cpf"),
        ("11912345678", "cpf"),  # a bare 11-digit run is caught (as a CPF-shaped number)
        ("01310-100", "cep"),
        ("01310100", "cep"),
        ("CLI-0001234", "raw_id"),
        ("PED-20261125-000123", "raw_id"),
    ],
)
def test_each_pattern_is_caught_and_not_echoed(value: str, kind: str) -> None:
    leaked = CLEAN.assign(product_name=["Hungry Cola", value])
    outcome = scan_pii(leaked)
    assert not outcome.passed
    assert kind in outcome.metadata["hits_by_kind"]
    assert outcome.metadata["first_hit_rows"] == [2]
    assert value not in json.dumps(outcome.metadata) + outcome.description


def test_known_names_forbidden_columns_and_numbers_as_ids() -> None:
    with_name = CLEAN.assign(city=["Joana D'Arc Souza", "*"])
    assert not scan_pii(with_name, known_identifiers=["joana d'arc souza"]).passed
    assert scan_pii(with_name).passed  # a name is only recognised when known
    forbidden = scan_pii(CLEAN.assign(cpf=""))
    assert forbidden.metadata["forbidden_columns"] == ["cpf"]
    assert not forbidden.passed
    cpf_as_number = CLEAN.assign(quantity=[2, 12345678909])
    assert scan_pii(cpf_as_number).metadata["hits_by_kind"] == {"id_like_number": 1}


def test_a_customer_named_like_a_town_does_not_block_the_towns_city_cells() -> None:
    # "Bento Fernandes" is a municipality of RN and, in the simulator, a customer's name.
    name = "Bento Fernandes"
    in_city = CLEAN.assign(city=[name, "*"])
    assert scan_pii(in_city, known_identifiers=[name]).passed
    # Only the official spelling of the place is exempt, and only in the city column.
    typed = CLEAN.assign(city=[f"{name} rua 2", "*"])
    assert not scan_pii(typed, known_identifiers=[name]).passed
    assert not scan_pii(CLEAN.assign(city=["BENTO FERNANDES", "*"]),
                        known_identifiers=[name]).passed
    elsewhere = CLEAN.assign(product_name=[f"Hungry Cola {name}", "Ouch Batata 100g"])
    assert not scan_pii(elsewhere, known_identifiers=[name]).passed


def test_scans_csv_text_as_sent() -> None:
    text = "sale_date,city\n2026-11-25,SAO PAULO\n2026-11-25,fone 11 3456-7890 ou 1134567890\n"
    outcome = scan_pii(text)
    assert not outcome.passed
    assert outcome.metadata["columns_with_hits"] == {"city": ["phone"]}


def test_pseudonym_properties_pass_and_fail(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    rows = rows_frame(customers_buying("2026-11-05", "SP", "SAO PAULO", "REF-HNG-0350", 30))
    daily = build_daily_product(rows, products, empty_decision(), contract, key=KEY)
    raw = partner_items(rows, products, contract)
    salt = contract.privacy.pseudonymization_salt

    def check(file: pd.DataFrame, source: pd.DataFrame = raw, **kwargs: object) -> dict:
        outcome = pseudonym_properties(file, source, key=KEY, salt=salt, **kwargs)
        return {k: v for k, v in outcome.metadata.items() if isinstance(v, int) and v
                and k not in ("rows_checked", "other_partners")}

    assert check(daily, other_salts=["crocante"]) == {}
    assert check(daily, other_salts=[salt]) == {"linkable_across_partners": 60}  # both columns
    # The same ids a month later must get new pseudonyms (rotation).
    next_month = raw.assign(sale_date=pd.Timestamp("2026-12-05"))
    assert check(daily, next_month) == {"order_id_not_rotated": 30, "customer_id_not_rotated": 30}
    collided = daily.assign(customer_id=daily["customer_id"].iloc[0])
    assert check(collided) == {"customer_id_collisions": 29}
    leaked = daily.assign(customer_id=raw["customer_id"].sort_values().to_numpy())
    found = check(leaked)
    assert found["customer_id_equals_raw"] == 30 and found["customer_id_bad_format"] == 30
