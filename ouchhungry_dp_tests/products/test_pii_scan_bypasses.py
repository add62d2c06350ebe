"""scan_pii against the bypasses of the session-6 partner-side attack (``/tmp/attack6``).

Each value was typed into a partner product's name in the raw catalogue and left in a
daily file that passed every blocking check. Each class now blocks the file; the
simulator's catalogue and ordinary product text still pass, against every customer of
the simulated population as known identifiers.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest

from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.products.guardrails import scan_pii
from ouchhungry_dp.products.pii_text import KnownIdentifiers, normalise
from ouchhungry_dp.release.report_text import report_lines
from ouchhungry_dp.simulation import SimulationConfig
from ouchhungry_dp.simulation.catalogue import CATALOGUE
from ouchhungry_dp.simulation.customers import simulate_customers

NAME, EMAIL = "Maria Laura Albuquerque", "marialaura_albuquerque@hotmail.com"


def _kinds(text: str) -> set[str]:
    outcome = scan_pii(pd.DataFrame({"product_name": [f"Hungry {text}"], "quantity": ["1"]}),
                       known_identifiers=[NAME, EMAIL])
    return set(outcome.metadata["hits_by_kind"])


@pytest.mark.parametrize(("text", "kind"), [
    # F1: any run of 1-3 characters that are not letters, digits, "," or "%" between
    # digits joins them (the comma and "%": see the report-line test below).
    ("ligar (11) 98765–4321", "phone|cpf"),    # en dash; 11 digits: a CPF too
    ("ligar 11 98765\u20114321", "phone|cpf"),  # non-breaking hyphen
    ("ligar (11) 3456–7890", "phone"),         # landline, en dash
    ("ligar 98765\u22124321", "phone"),        # minus sign
    ("doc 529–982–247–25", "cpf"),
    ("doc 529·982·247·25", "cpf"),
    ("doc 529•982•247•25", "cpf"),
    ("doc 529_982_247_25", "cpf"),
    ("doc 529:982:247:25", "cpf"),
    ("doc 529'982'247'25", "cpf"),
    ("doc 529;982;247;25", "cpf"),
    ("doc 529|982|247|25", "cpf"),
    ("doc 529*982*247*25", "cpf"),
    ("doc 529\u2044982\u2044247\u204425", "cpf"),  # fraction slash
    ("doc 529\u3001982\u3001247\u300125", "cpf"),  # ideographic comma
    ("entrega 01310–100", "cep"),
    # F1: e-mails with spaces around "@", a fullwidth or small "@"; provider spelt loosely.
    ("contato joao.silva @ empresa.com.br", "email"),
    ("contato joao.silva＠empresa.com.br", "email"),
    ("contato joao.silva﹫empresa.com.br", "email"),
    ("contato joao gmail,com", "email"),
    ("contato joao hotmail com", "email"),
    # F1: the alphanumeric CNPJ in lower case; address abbreviations.
    ("doc 12.abc.345/01de-35", "cnpj"),
    ("entregar R. Augusta 1500", "address"),
    ("entregar ap 12 bl 3", "address"),
    # F3: digits outside category Nd, keycaps, digit-comma.
    ("doc ❺❷❾.❾❽❷.❷❹❼-❷❺", "cpf"),
    ("doc ➄➁➈.➈➇➁.➁➃➆-➁➄", "cpf"),
    ("doc ⓹⓶⓽.⓽⓼⓶.⓶⓸⓻-⓶⓹", "cpf"),
    ("doc ፭፪፱፱፰፪፪፬፯፪፭", "cpf"),
    ("doc " + "".join(c + "\ufe0f\u20e3" for c in "52998224725"), "cpf"),
    ("doc 🄆🄃🄊🄊🄉🄃🄃🄅🄈🄃🄆", "cpf"),
    ("doc 🄋1222333000181", "cnpj"),
    # F4: a date-shaped CNPJ is no date; blank-looking separators.
    ("doc 1122-23-33 00:01:81", "cnpj"),
    ("doc 529\u2800982\u2800247\u280025", "cpf"),
    ("doc 529\u3164982\u3164247\u316425", "cpf"),
    ("doc 529\u1680982\u1680247\u168025", "cpf"),
    ("doc 529\u2028982\u2028247\u202825", "cpf"),
    # F2: the known customer's name written otherwise.
    ("entregar p/ Albuquerque, Maria Laura", "known_identifier"),
    ("entregar p/ Maria.Laura.Albuquerque", "known_identifier"),
    ("entregar p/ Maria-Laura-Albuquerque", "known_identifier"),
    ("entregar p/ Maria_Laura_Albuquerque", "known_identifier"),
    ("entregar p/ Maria Laura Albuquerque2", "known_identifier"),
    ("entregar p/ 2Maria Laura Albuquerque", "known_identifier"),
    ("entregar p/ Maria\u2800Laura\u2800Albuquerque", "known_identifier"),
    ("entregar p/ Maria\u3164Laura\u3164Albuquerque", "known_identifier"),
    ("contato marialaura.albuquerque@hotmail.com", "known_identifier"),
])
def test_each_session_6_bypass_is_flagged(text: str, kind: str) -> None:
    assert _kinds(text) & set(kind.split("|"))


def test_only_real_dates_are_blanked() -> None:
    values = pa.array(["2026-11-25 10:30:00", "2026-11-25T23:59:59-03:00", "1999-12-31",
                       "1122-23-33 00:01:81", "2026-13-01", "2026-11-32", "2026-11-25 24:00"])
    assert [v.strip() for v in normalise(values).to_pylist()] == [
        "", "", "", "11222333000181", "20261301", "20261132", "2400"]


def test_a_surname_first_name_needs_every_word_of_it() -> None:
    known = KnownIdentifiers([NAME, "Joana", "CLI-0001234"])
    values = pa.array(["Albuquerque, Maria", "Albuquerque Maria Laurinha", "Laura Maria",
                       "Albuquerque Maria Laura", "Joana 2L", "Cola 0001234"])
    assert known.hits(values).tolist() == [False, False, False, True, False, False]


# Ordinary product text: sizes glued to numbers, packs, prices, several numbers, dates.
ORDINARY = ["Ouch Bacon 100g", "Hungry Zero 2L", "Pack 6x350ml", "Hungry Guaraná 2 x 2L",
            "Combo 2 + 1", "Lata 350ml - 12 unidades", "R$ 4,99", "De 5,99 por 4,99",
            "Validade 2026-12-31", "Kit 3 un. 1,5L", "Aveia 200g", "Ouch Picante 45g (novo)",
            "Bombom Bom Wafer 25g", "Caju Bom 1,5L", "Ap\u00e9ritif 350ml"]


@pytest.fixture(scope="module")
def population() -> KnownIdentifiers:
    base = simulate_customers(dt.date(2026, 9, 15), SimulationConfig(seed=42)).frame
    return [*base["full_name"].dropna(), *base["email"].dropna()]


def test_catalogue_and_ordinary_names_pass_against_every_simulated_customer(
        population: list[str]) -> None:
    names = [*CATALOGUE["product_name"], *ORDINARY]
    frame = pd.DataFrame({"product_code": [f"P{i:04d}" for i in range(len(names))],
                          "product_name": names, "brand": "Hungry", "sale_date": "2026-11-12"})
    outcome = scan_pii(frame, known_identifiers=population, max_rows_reported=len(names))
    assert outcome.passed, [names[r - 1] for r in outcome.metadata["first_hit_rows"]]
    # The customers' own names are still found (the identifiers did load).
    assert not scan_pii(pd.DataFrame({"product_name": [f"p/ {population[0]}"]}),
                        known_identifiers=population).passed


def test_the_figures_of_a_report_line_are_not_joined_into_an_identifier() -> None:
    # An insights table row at production volume, as the line scan reads it (tags as
    # blanks, the report's own money and counts dropped by ``report_lines``): shares,
    # an index and a repeat rate. Joined across "%" and the decimal comma they read as
    # the CEP 12398456, and a month at 1M items a day failed its insights scan.
    html = ("<tr><td>Hungry</td><td>4.512.345</td><td>R$ 36.123.456,78</td>"
            "<td>1.234.567</td><td>12,3%</td><td>98</td><td>45,6%</td></tr>\n"
            "<p>Hungry vendeu 4.512.345 unidades (+12,3% de receita), 45,6% dos clientes "
            "compraram a marca mais de uma vez no mês.</p>")
    assert scan_pii(report_lines(html), contract=get_contract("ouchhungry")).passed
    # The same line with a phone in it is still found.
    assert not scan_pii(report_lines(html.replace("Hungry</td>", "Hungry 11 98765-4321</td>")),
                        contract=get_contract("ouchhungry")).passed
