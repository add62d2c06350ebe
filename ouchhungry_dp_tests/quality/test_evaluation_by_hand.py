"""The recall / false-positive report on ten hand-labelled rows, every figure counted by
hand (docs/data-quality.md's tables come from this function; docs/testing.md, "quality")."""

from __future__ import annotations

import pandas as pd

from ouchhungry_dp.quality.engine import CleaningResult
from ouchhungry_dp.quality.evaluation import REPORT_COLUMNS, detection_report

N_ROWS = 10
# Rows 0-9. Labelled: 1, 2, 4 (CPF typo), 3 (city typo), 7, 8 (duplicates), 2, 6 and 9 (an
# e-mail in capitals, to be repaired). Quarantined: 1, 2 (also for its e-mail, wrongly),
# 3, 5 (no label: a clean row rejected), 7, 8. Row 4's typo was missed.
DEFECTS = pd.DataFrame(
    [(1, "cpf_typo", "quarantine", "invalid_cpf"), (2, "cpf_typo", "quarantine", "invalid_cpf"),
     (4, "cpf_typo", "quarantine", "invalid_cpf"), (3, "city_typo", "quarantine", "unknown_city"),
     (7, "dup", "quarantine", "duplicate_exact"), (8, "dup", "quarantine", "superseded_version"),
     (2, "email_caps", "repair", None), (6, "email_caps", "repair", None),
     (9, "email_caps", "repair", None)],
    columns=["row", "kind", "outcome", "reason"],
)  # fmt: skip
QUARANTINE = pd.DataFrame({
    "source_row": pd.array([1, 2, 3, 5, 7, 8], dtype="Int64"),
    "reasons": pd.array(["invalid_cpf", "invalid_cpf|bad_email", "unknown_city", "invalid_cpf",
                         "duplicate_exact", "superseded_version"], dtype="string"),
})  # fmt: skip


def test_every_figure_of_the_report() -> None:
    result = CleaningResult(pd.DataFrame(), QUARANTINE, {}, {})
    report = detection_report(DEFECTS, result, N_ROWS)
    assert list(report.per_kind.columns) == list(REPORT_COLUMNS)
    assert report.per_kind.to_dict("records") == [
        {"kind": "city_typo", "outcome": "quarantine", "reason": "unknown_city",
         "injected_rows": 1, "caught_rows": 1, "recall": 1.0, "negative_rows": 9,
         "false_positive_rows": 0, "false_positive_rate": 0.0},
        {"kind": "cpf_typo", "outcome": "quarantine", "reason": "invalid_cpf",
         "injected_rows": 3, "caught_rows": 2, "recall": 2 / 3, "negative_rows": 7,
         "false_positive_rows": 1, "false_positive_rate": 1 / 7},
        {"kind": "dup", "outcome": "quarantine", "reason": "duplicate_exact|superseded_version",
         "injected_rows": 2, "caught_rows": 2, "recall": 1.0, "negative_rows": 8,
         "false_positive_rows": 0, "false_positive_rate": 0.0},
        {"kind": "email_caps", "outcome": "repair", "reason": "", "injected_rows": 3,
         "caught_rows": 2, "recall": 2 / 3, "negative_rows": 3, "false_positive_rows": 1,
         "false_positive_rate": 1 / 3},
    ]  # fmt: skip
    assert (report.clean_rows, report.clean_rows_rejected) == (2, 1)  # rows 0 and 5; row 5
    assert report.unexplained.to_dict("records") == [
        {"row": 2, "reason": "bad_email"}, {"row": 5, "reason": "invalid_cpf"}]
    assert report.unexplained.index.tolist() == [0, 1]
    assert report.unexplained["row"].dtype == "int64"  # row numbers, not floats


def test_a_caught_row_needs_the_labelled_reason_not_any_reason() -> None:
    """Row 1 quarantined, but for another reason than its label's: not caught, and the
    reason it got is unexplained."""
    quarantine = QUARANTINE.assign(reasons=pd.array(
        ["bad_email", "invalid_cpf", "unknown_city", "invalid_cpf", "duplicate_exact",
         "superseded_version"], dtype="string"))
    report = detection_report(DEFECTS, CleaningResult(pd.DataFrame(), quarantine, {}, {}),
                              N_ROWS)
    cpf = report.per_kind.set_index("kind").loc["cpf_typo"]
    assert (cpf["caught_rows"], cpf["false_positive_rows"]) == (1, 1)
    assert report.unexplained.to_dict("records") == [
        {"row": 1, "reason": "bad_email"}, {"row": 5, "reason": "invalid_cpf"}]


def test_no_quarantine_and_no_labels() -> None:
    empty_quarantine = QUARANTINE.iloc[0:0]
    report = detection_report(DEFECTS.iloc[0:0], CleaningResult(pd.DataFrame(), empty_quarantine,
                                                                {}, {}), 4)
    assert report.per_kind.empty and list(report.per_kind.columns) == list(REPORT_COLUMNS)
    assert (report.clean_rows, report.clean_rows_rejected) == (4, 0)
    assert report.unexplained.empty


def test_the_simulated_tables_are_the_ones_of_the_given_configuration() -> None:
    """Each table scored is the one the configuration simulates (its quarantined rows are
    that table's rows, as received), not one of the default configuration."""
    import datetime as dt

    from ouchhungry_dp.quality.evaluation import simulated_detection
    from ouchhungry_dp.simulation import (
        SimulationConfig,
        simulate_customers,
        simulate_products,
        simulate_transactions,
    )

    day = dt.date(2026, 11, 25)
    config = SimulationConfig(seed=3, rows_per_day=100, n_customers=40, defect_rate=0.3)
    scored = simulated_detection(day, config)
    for name, simulate in (("transactions", simulate_transactions),
                           ("customers", simulate_customers), ("products", simulate_products)):
        frame = simulate(day, config).frame
        _, result, n_rows = scored[name]
        assert n_rows == len(frame) == len(result.cleaned) + len(result.quarantine)
        quarantine = result.quarantine
        assert len(quarantine) > 0, name
        rows = quarantine["source_row"].astype("int64").to_numpy()
        got = quarantine[list(frame.columns)].astype(object).where(quarantine.notna(), None)
        expected = frame.iloc[rows].reset_index(drop=True).astype(object)
        assert got.to_dict("records") == expected.where(expected.notna(), None).to_dict(
            "records"), name


def test_a_defect_on_every_row_leaves_no_negatives() -> None:
    defects = pd.DataFrame([(0, "x", "quarantine", "r"), (1, "x", "quarantine", "r")],
                           columns=["row", "kind", "outcome", "reason"])
    quarantine = pd.DataFrame({"source_row": pd.array([0, 1], dtype="Int64"),
                               "reasons": pd.array(["r", "r"], dtype="string")})
    report = detection_report(defects, CleaningResult(pd.DataFrame(), quarantine, {}, {}), 2)
    figures = report.per_kind.iloc[0]
    assert (figures["negative_rows"], figures["false_positive_rate"]) == (0, 0.0)
    assert (figures["caught_rows"], figures["recall"]) == (2, 1.0)
