"""``city`` as a real field: official IBGE name and code inside the row's state, or a reason."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from ouchhungry_dp.quality import checks, cities, schemas
from ouchhungry_dp.quality.cities import resolve_cities
from ouchhungry_dp.quality.cleaning import clean_customers
from ouchhungry_dp.quality.reference import official_cities
from ouchhungry_dp.tables import RAW_CUSTOMERS
from ouchhungry_dp_tests.quality.test_quality_cleaning import DAY, GOOD_CUSTOMER, clean, tx


def resolve(pairs: list[tuple[str | None, str]]) -> pd.DataFrame:
    city = pd.Series([c for c, _ in pairs], dtype="string[pyarrow]")
    state = pd.Series([s for _, s in pairs], dtype="string[pyarrow]")
    out = resolve_cities(city, state, np.ones(len(pairs), dtype=bool))
    reason = [None] * len(pairs)
    for name, mask in out.reasons.items():
        for row in np.flatnonzero(mask):
            reason[row] = name
    return pd.DataFrame({"name": out.name, "code": out.ibge_code, "reason": reason})


@pytest.mark.parametrize("raw", [
    "São Paulo", "SAO PAULO", " sao  paulo ", "São Paulo/SP", "Sao Paulo / sp", "Sao Paulo - SP",
    "Sao Paulo, SP", "Sao Paulo (SP)", "Sao Paolo", "Sao Pualo", "SÃO PAULO-SP",
])  # fmt: skip
def test_written_forms_of_one_city_give_the_official_name_and_code(raw: str) -> None:
    row = resolve([(raw, "SP")]).iloc[0]
    assert (row["name"], row["code"], row["reason"]) == ("São Paulo", "3550308", None)


def test_misspellings_are_matched_inside_the_state_only() -> None:
    out = resolve([("Riberão Preto", "SP"), ("Santa Barbara DOeste", "SP"), ("Embu Guacu", "SP"),
                   ("Riberão Preto", "MG")])  # fmt: skip
    assert out["name"].tolist()[:3] == ["Ribeirão Preto", "Santa Bárbara d'Oeste", "Embu-Guaçu"]
    assert out["reason"].tolist() == [None, None, None, "unknown_city"]


def test_never_picks_between_two_equally_close_names() -> None:
    # Alpinópolis and Alvinópolis (MG) are one letter apart: "ALXINOPOLIS" is as close to both.
    out = resolve([("Alxinopolis", "MG"), ("Alpinopolis", "MG"), ("Alvinopolis", "MG")])
    assert out["reason"].tolist() == ["unknown_city", None, None]
    assert out["name"].tolist()[1:] == ["Alpinópolis", "Alvinópolis"]


def test_short_names_need_an_exact_match() -> None:
    # One edit from Itu (SP), but a 3-letter name one edit away is another word altogether.
    assert resolve([("Itz", "SP")])["reason"].tolist() == ["unknown_city"]


def test_unknown_mismatched_and_personal_values_get_their_reason() -> None:
    out = resolve([("Xyzzy", "SP"), ("São Paulo/RJ", "SP"), ("ana@example.com", "SP"),
                   ("11 98765-4321", "SP"), ("01310-100", "SP"), ("Rua Augusta 1500", "SP")])
    assert out["reason"].tolist() == [
        "unknown_city", "city_state_mismatch", "personal_data_in_city",
        "personal_data_in_city", "personal_data_in_city", "personal_data_in_city",
    ]  # fmt: skip
    assert out["name"].isna().all() and out["code"].isna().all()


def test_no_official_name_looks_like_personal_data_or_is_a_fuzzy_tie_with_itself() -> None:
    names = official_cities()["name"].astype(str)
    assert not names.str.contains(cities._PERSONAL_DATA, regex=True).any()
    out = resolve(list(zip(names, official_cities()["uf"].astype(str), strict=True)))
    assert set(out["reason"]) == {None} and (out["name"] == names).all()


def test_matching_runs_once_per_distinct_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    queries: list[int] = []
    real_cdist = cities.process.cdist

    def counting(q: list[str], *args: object, **kwargs: object) -> object:
        queries.append(len(q))
        return real_cdist(q, *args, **kwargs)

    monkeypatch.setattr(cities.process, "cdist", counting)
    out = resolve([("Sao Paolo", "SP")] * 5000 + [("Riberão Preto", "SP")] * 5000)
    assert out["name"].nunique() == 2 and set(out["reason"]) == {None}
    assert queries == [2]  # one call for SP with the two distinct misspellings


def test_an_unknown_city_quarantines_its_row_not_the_day() -> None:
    result = clean([tx(), tx(delivery_city="Cidade Inventada"), tx(delivery_city="Sao Paulo/SP")])
    assert len(result.cleaned) == 2
    assert result.quarantine["reasons"].tolist() == ["unknown_city"]
    assert result.cleaned["city"].tolist() == ["São Paulo", "São Paulo"]
    assert result.cleaned["city_ibge_code"].tolist() == ["3550308", "3550308"]
    assert result.repairs["city_uf_suffix"] == 1
    assert checks.validate_with_schema(schemas.CleanedTransactionsSchema, result.cleaned).passed


def test_an_email_typed_into_city_is_quarantined_and_never_shown() -> None:
    email = "fulano.silva@example.com"
    result = clean([tx(), tx(delivery_city=email)])
    assert result.quarantine["reasons"].tolist() == ["personal_data_in_city"]
    assert email not in result.cleaned["city"].tolist()
    # Even if a bug let it through, the schema check's metadata shows it masked.
    broken = result.cleaned.copy()
    broken.loc[0, "city"] = email
    outcome = checks.validate_with_schema(schemas.CleanedTransactionsSchema, broken)
    assert not outcome.passed
    assert "city_is_an_ibge_municipality_of_its_state" in str(outcome.metadata)
    assert email not in str(outcome.metadata) and "example.com" not in str(outcome.metadata)


def test_schema_refuses_a_city_of_another_state_or_a_wrong_code() -> None:
    good = clean([tx(), tx()]).cleaned
    other_state = good.assign(state=["SP", "RJ"])
    wrong_code = good.assign(city_ibge_code=["3550308", "3304557"])
    for frame in (other_state, wrong_code):
        outcome = checks.validate_with_schema(schemas.CleanedTransactionsSchema, frame)
        assert not outcome.passed
        assert any("city_is_an_ibge" in k for k in outcome.metadata["failures_by_check"])
    # An official name is shown as is: it identifies nobody.
    assert "São Paulo" in str(
        checks.validate_with_schema(schemas.CleanedTransactionsSchema, other_state).metadata
    )


def test_a_customer_city_without_state_cannot_be_verified() -> None:
    rows = [{**GOOD_CUSTOMER, "city": "Campinas", "state": None},
            {**GOOD_CUSTOMER, "customer_id": "CLI-0000009", "city": "campinas"}]
    raw = pd.DataFrame(rows, columns=list(RAW_CUSTOMERS)).astype("string[pyarrow]")
    result = clean_customers(raw, snapshot_date=DAY)
    assert result.quarantine["reasons"].tolist() == ["unknown_city"]
    assert result.cleaned["city"].tolist() == ["Campinas"]
    assert re.fullmatch(r"\d{7}", result.cleaned["city_ibge_code"].iloc[0])


def test_the_fuzzy_threshold_at_its_edge() -> None:
    # One edit: 6/7 = 0.857 >= 0.85 for a 7-letter name, 5/6 = 0.833 for a 6-letter one.
    out = resolve([("Barueru", "SP"), ("Amparu", "SP"), ("Aguods", "SP")])
    assert out["name"].tolist()[0] == "Barueri"
    assert out["reason"].tolist() == [None, "unknown_city", "unknown_city"]
