"""The month's location decision, pinned on hand-counted cases (k = 10 and any k).

Every expected level and count below is worked out by hand from the rules in the
module docstring of ``products.cells`` (city >= k; a state residual under k takes
the smallest published city, ties alphabetical; a country residual under k takes
the smallest named state), never by calling the decision code. The figures are
the distinct customers written into each case, so a wrong union, a wrong
tie-break or an off-by-one at k shows as a different frame.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.products.cells import (
    assign_locations,
    cell_customers,
    decide_locations,
    empty_decision,
    named_states,
)

from .conftest import customers_buying, products_frame, rows_frame

CONTRACT = get_contract("ouchhungry")  # k = 10
PRODUCTS = products_frame()
DAY = "2026-10-05"
HUNGRY, OUCH, COMPETITOR = "REF-HNG-0350", "SAL-OCH-0100", "REF-CLB-0350"


def buyers(state: str, city: str, n: int, product: str = HUNGRY, prefix: str = "C") -> list:
    return customers_buying(DAY, state, city, product, n, prefix=prefix)


def one_sale(customer: str | None, state: str | None, city: str | None) -> tuple:
    return (DAY, f"PED-{customer}-{state}-{city}", customer, state, city, HUNGRY, 1, 10.0)


def decision_frame(rows: list[tuple[str, str, str, int, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["state", "city", "level", "history_customers",
                                        "cell_customers"])
    return frame.astype({"state": "string", "city": "string", "level": "string",
                         "history_customers": "int64", "cell_customers": "int64"})


def history() -> pd.DataFrame:
    """k = 10. Per state, the customers of the partner's brands:

    SP: SAO PAULO 12, CAMPINAS 10 (Ouch), SANTOS 3, GUARUJA 4 of whom one also bought in
        SANTOS: the residual SANTOS + GUARUJA is 6 distinct customers < 10, so CAMPINAS
        (smallest published) folds in, residual 16. State total 12 + 10 + 6 = 28.
    RJ: RIO DE JANEIRO 10, NITEROI 10, PETROPOLIS 2: residual 2 < 10, the two cities tie
        at 10 and NITEROI (alphabetically first) folds, residual 12.
    BA: three towns of 5: no city reaches 10, all at the state, residual 15.
    ES: VITORIA 11: published, but the residual is empty (0 < 10), so it folds, 11.
    MG: BELO HORIZONTE 4 (and 20 buyers of a competitor only, not in the basis).
    AC: RIO BRANCO 3 (plus a row without customer and one without city: dropped).
    Named states: SP 28, RJ 22, BA 15, ES 11; the country residual MG + AC = 7 < 10, so
    ES (smallest named) folds into it: 4 + 3 + 11 = 18.
    """
    santos = buyers("SP", "SANTOS", 3)
    shared = santos[0][2]
    records = [
        *buyers("SP", "SAO PAULO", 12),
        *buyers("SP", "CAMPINAS", 10, OUCH),
        *santos,
        *buyers("SP", "GUARUJA", 3),
        one_sale(shared, "SP", "GUARUJA"),
        *buyers("SP", "SAO PAULO", 30, COMPETITOR, prefix="X"),
        *buyers("RJ", "RIO DE JANEIRO", 10),
        *buyers("RJ", "NITEROI", 10),
        *buyers("RJ", "PETROPOLIS", 2),
        *buyers("BA", "SALVADOR", 5),
        *buyers("BA", "ILHEUS", 5),
        *buyers("BA", "FEIRA DE SANTANA", 5),
        *buyers("ES", "VITORIA", 11),
        *buyers("MG", "BELO HORIZONTE", 4),
        *buyers("MG", "BELO HORIZONTE", 20, COMPETITOR, prefix="X"),
        *buyers("AC", "RIO BRANCO", 3),
        one_sale(None, "AC", "RIO BRANCO"),
        one_sale("CLI-NO-CITY", "AC", None),
    ]
    return rows_frame(records)


EXPECTED = decision_frame([
    ("AC", "RIO BRANCO", "country", 3, 18),
    ("BA", "FEIRA DE SANTANA", "state", 5, 15),
    ("BA", "ILHEUS", "state", 5, 15),
    ("BA", "SALVADOR", "state", 5, 15),
    ("ES", "VITORIA", "country", 11, 18),
    ("MG", "BELO HORIZONTE", "country", 4, 18),
    ("RJ", "NITEROI", "state", 10, 12),
    ("RJ", "PETROPOLIS", "state", 2, 12),
    ("RJ", "RIO DE JANEIRO", "city", 10, 10),
    ("SP", "CAMPINAS", "state", 10, 16),
    ("SP", "GUARUJA", "state", 4, 16),
    ("SP", "SANTOS", "state", 3, 16),
    ("SP", "SAO PAULO", "city", 12, 12),
])


def test_the_decision_of_a_hand_counted_month() -> None:
    decision = decide_locations(history(), PRODUCTS, CONTRACT)
    pd.testing.assert_frame_equal(decision, EXPECTED)


def test_the_decision_does_not_depend_on_the_row_order() -> None:
    shuffled = history().sample(frac=1.0, random_state=3).reset_index(drop=True)
    pd.testing.assert_frame_equal(decide_locations(shuffled, PRODUCTS, CONTRACT), EXPECTED)


def test_a_missing_field_outside_place_and_customer_drops_nobody() -> None:
    # A catalogue product without a name or a segment still sells: only a missing
    # state, city or customer takes a row out of the basis.
    hungry = (PRODUCTS["product_code"] == HUNGRY).to_numpy()
    gaps = PRODUCTS.assign(product_name=PRODUCTS["product_name"].mask(hungry),
                           segment=PRODUCTS["segment"].mask(hungry))
    pd.testing.assert_frame_equal(decide_locations(history(), gaps, CONTRACT), EXPECTED)


def test_two_named_states_of_equal_size_fold_alphabetically() -> None:
    # PR and SC both hold 10; the country residual (AC, 3) is under k, so the smaller
    # named state folds: a tie, and PR comes first. 3 + 10 = 13.
    records = [*buyers("SC", "FLORIANOPOLIS", 10), *buyers("PR", "CURITIBA", 10),
               *buyers("AC", "RIO BRANCO", 3)]
    expected = decision_frame([
        ("AC", "RIO BRANCO", "country", 3, 13),
        ("PR", "CURITIBA", "country", 10, 13),
        ("SC", "FLORIANOPOLIS", "state", 10, 10),
    ])
    pd.testing.assert_frame_equal(decide_locations(rows_frame(records), PRODUCTS, CONTRACT),
                                  expected)


def test_when_no_state_is_named_everything_is_the_whole_country() -> None:
    records = [*buyers("AC", "RIO BRANCO", 4), *buyers("AP", "MACAPA", 5)]
    expected = decision_frame([
        ("AC", "RIO BRANCO", "country", 4, 9),
        ("AP", "MACAPA", "country", 5, 9),
    ])
    pd.testing.assert_frame_equal(decide_locations(rows_frame(records), PRODUCTS, CONTRACT),
                                  expected)


@pytest.mark.parametrize("records", [[], buyers("SP", "SAO PAULO", 40, COMPETITOR)],
                         ids=["no history", "no partner sale"])
def test_without_a_basis_the_decision_is_empty_and_typed(records: list) -> None:
    decision = decide_locations(rows_frame(records), PRODUCTS, CONTRACT)
    assert decision.empty
    assert list(decision.columns) == ["state", "city", "level", "history_customers",
                                      "cell_customers"]
    assert [str(t) for t in decision.dtypes] == ["string", "string", "string", "int64", "int64"]
    pd.testing.assert_frame_equal(decision, empty_decision())


@settings(max_examples=30, deadline=None)
@given(k=st.integers(2, 25), a_offset=st.sampled_from([-1, 0, 1]),
       b_offset=st.sampled_from([-1, 0, 1]))
def test_two_cities_of_a_state_at_k_minus_one_k_and_k_plus_one(
        k: int, a_offset: int, b_offset: int) -> None:
    a, b = k + a_offset, k + b_offset
    contract = CONTRACT.model_copy(update={"privacy": CONTRACT.privacy.model_copy(
        update={"min_customers_per_cell": k})})
    # AM (exactly k in one city) is the smallest named state (SP holds a + b >= 2k - 2,
    # and a tie at k = 2 goes to AM alphabetically): it folds so that the country
    # residual reaches k, and SP keeps its own levels.
    records = [*buyers("SP", "ALFA", a), *buyers("SP", "BETA", b), *buyers("AM", "MANAUS", k)]
    if a >= k and b >= k:
        # Both published, the residual empty: the smaller (ALFA on a tie) folds alone.
        folded, kept = ("ALFA", "BETA") if a <= b else ("BETA", "ALFA")
        size = {"ALFA": a, "BETA": b}
        levels = {folded: ("state", size[folded]), kept: ("city", size[kept])}
    else:
        # One or none published: the residual holds k - 1, the published city folds too.
        levels = {"ALFA": ("state", a + b), "BETA": ("state", a + b)}
    expected = decision_frame([
        ("AM", "MANAUS", "country", k, k),
        ("SP", "ALFA", levels["ALFA"][0], a, levels["ALFA"][1]),
        ("SP", "BETA", levels["BETA"][0], b, levels["BETA"][1]),
    ])
    pd.testing.assert_frame_equal(decide_locations(rows_frame(records), PRODUCTS, contract),
                                  expected)


def test_items_take_their_locations_decided_level() -> None:
    items = pd.DataFrame({
        "transaction_id": [f"IT{i}" for i in range(9)],
        "state": ["SP", "SP", "SP", "ES", "ES", "TO", None, "RJ", "RJ"],
        "city": ["SAO PAULO", "CAMPINAS", "SOROCABA", "VITORIA", "SERRA", "PALMAS", "X",
                 None, "RIO DE JANEIRO"],
    }, index=[10, 11, 12, 13, 14, 15, 16, 17, 18]).astype("string")
    before = items.copy()
    out = assign_locations(items, EXPECTED)
    # A decided city; a decided state cell; an unknown city of a named state; a decided
    # country cell; an unknown city of an unnamed state; an unknown state; no state; no
    # city in a named state; a decided city of RJ.
    assert out["location_level"].tolist() == [
        "city", "state", "state", "country", "country", "country", "country", "state", "city"]
    assert out["pub_state"].tolist() == ["SP", "SP", "SP", "*", "*", "*", "*", "RJ", "RJ"]
    assert out["pub_city"].tolist() == [
        "SAO PAULO", "*", "*", "*", "*", "*", "*", "*", "RIO DE JANEIRO"]
    for column in ("location_level", "pub_state", "pub_city"):
        assert str(out[column].dtype) == "string"
    pd.testing.assert_frame_equal(out[list(items.columns)], before)
    pd.testing.assert_frame_equal(items, before)  # the input is not modified


def test_no_items_keep_the_typed_location_columns() -> None:
    empty = pd.DataFrame({"state": [], "city": []}, dtype="string")
    out = assign_locations(empty, EXPECTED)
    assert out.empty
    assert [str(out[c].dtype) for c in ("location_level", "pub_state", "pub_city")] == [
        "string", "string", "string"]


def test_named_states_are_those_above_the_country_level() -> None:
    assert named_states(EXPECTED) == {"BA", "RJ", "SP"}
    assert named_states(empty_decision()) == set()


def test_every_published_cell_with_its_basis_customers() -> None:
    # Any row order in, one row per published cell out, sorted.
    cells = cell_customers(EXPECTED.iloc[::-1].reset_index(drop=True))
    expected = pd.DataFrame({
        "pub_state": ["*", "BA", "RJ", "RJ", "SP", "SP"],
        "pub_city": ["*", "*", "*", "RIO DE JANEIRO", "*", "SAO PAULO"],
        "level": ["country", "state", "state", "city", "state", "city"],
        "cell_customers": [18, 15, 12, 10, 16, 12],
    }).astype({"pub_state": "string", "pub_city": "string", "level": "string"})
    pd.testing.assert_frame_equal(cells, expected)


def test_a_categorical_decision_gives_only_its_published_cells() -> None:
    # A decision typed as categories (e.g. read back by a tool that infers them) must not
    # grow one row per combination of unused categories.
    categorical = EXPECTED.astype({
        "state": pd.CategoricalDtype(["*", "AC", "BA", "ES", "MG", "RJ", "SP", "TO"]),
        "city": pd.CategoricalDtype(["*", *sorted(EXPECTED["city"]), "PALMAS"]),
        "level": "category"})
    cells = cell_customers(categorical)
    assert cells.astype(str).values.tolist() == [
        ["*", "*", "country", "18"], ["BA", "*", "state", "15"], ["RJ", "*", "state", "12"],
        ["RJ", "RIO DE JANEIRO", "city", "10"], ["SP", "*", "state", "16"],
        ["SP", "SAO PAULO", "city", "12"]]
