"""``python -m ouchhungry_dp.quality.evaluation``: the tables of docs/data-quality.md.

The simulated days are replaced by hand-built detection reports (what
``simulated_detection`` returns), so every printed figure is counted by hand: the sums
over days and tables, the recall and false-positive columns, the markdown and the
arguments passed on. ``test_evaluation_by_hand.py`` pins ``detection_report`` itself.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ouchhungry_dp.quality import evaluation
from ouchhungry_dp.quality.evaluation import REPORT_COLUMNS, DetectionReport


def _report(rows: list[tuple], clean: int, rejected: int) -> DetectionReport:
    per_kind = pd.DataFrame(rows, columns=["kind", "outcome", "reason", "injected_rows",
                                           "caught_rows", "negative_rows",
                                           "false_positive_rows"])
    per_kind = per_kind.assign(recall=0.0, false_positive_rate=0.0)[list(REPORT_COLUMNS)]
    return DetectionReport(per_kind, clean, rejected, pd.DataFrame(columns=["row", "reason"]))


# Day 1 and day 2 of each table; the same kind on both days is summed.
DAYS = {
    0: {"transactions": _report([("cpf_typo", "quarantine", "invalid_cpf", 3, 2, 97, 1)], 90, 1),
        "customers": _report([("email_caps", "repair", "", 4, 4, 46, 0)], 40, 0)},
    1: {"transactions": _report([("cpf_typo", "quarantine", "invalid_cpf", 5, 5, 195, 0),
                                 ("dup", "quarantine", "duplicate_exact", 2, 1, 198, 2)], 180, 2),
        "customers": _report([], 50, 0)},
}


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    seen: list[tuple] = []

    def fake(day: dt.date, config: object, customer_ids_from: str) -> dict:
        seen.append((day, config, customer_ids_from))
        offset = (day - dt.date(2026, 11, 1)).days
        return {name: (report, None, 0) for name, report in DAYS[offset].items()}

    monkeypatch.setattr(evaluation, "simulated_detection", fake)
    return seen


def test_the_printed_tables_sum_the_days(calls: list[tuple],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    evaluation.main(["--days", "2", "--rows", "300", "--defect-rate", "0.1", "--seed", "7",
                     "--customer-ids-from", "raw"])
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "days=2 rows/day=300 defect_rate=0.1 seed=7 customer_ids_from=raw"
    assert out[1] == ("| table | kind | outcome | reason | injected_rows | caught_rows | "
                      "recall | false_positives |")
    assert out[2] == "|---|---|---|---|---|---|---|---|"
    # Grouped by table, kind, outcome, reason (sorted): 3 + 5 injected, 2 + 5 caught, 97 + 195
    # negatives with 1 + 0 false positives; the duplicates of day 2; the e-mails of day 1.
    assert out[3:6] == [
        "| customers | email_caps | repair |  | 4 | 4 | 100.00% | 0 / 46 (0.00%) |",
        "| transactions | cpf_typo | quarantine | invalid_cpf | 8 | 7 | 87.50% | 1 / 292 (0.34%) |",
        "| transactions | dup | quarantine | duplicate_exact | 2 | 1 | 50.00% | 2 / 198 (1.01%) |",
    ]
    assert out[6:] == ["", "rows without any defect: 360, of which quarantined: 3"]
    # One call per day from 2026-11-01, with the arguments given.
    assert [c[0] for c in calls] == [dt.date(2026, 11, 1), dt.date(2026, 11, 2)]
    config = calls[0][1]
    assert (config.seed, config.rows_per_day, config.defect_rate) == (7, 300, 0.1)
    assert {c[2] for c in calls} == {"raw"}


def test_the_defaults_are_the_documented_run(calls: list[tuple], monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    # docs/data-quality.md's tables: 7 days x 20,000 rows, 5 % defects, seed 42, customer
    # ids from the cleaned table. Days 3-7 repeat day 2 here.
    monkeypatch.setattr(evaluation, "simulated_detection", _repeating(calls))
    evaluation.main([])
    first = capsys.readouterr().out.splitlines()[0]
    assert first == "days=7 rows/day=20000 defect_rate=0.05 seed=42 customer_ids_from=clean"
    assert len(calls) == 7
    config = calls[0][1]
    assert (config.seed, config.rows_per_day, config.defect_rate) == (42, 20_000, 0.05)
    assert {c[2] for c in calls} == {"clean"}


def test_a_table_without_negatives_divides_by_one(calls: list[tuple],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    DAYS[2] = {"products": _report([("name_blank", "quarantine", "blank_name", 2, 2, 0, 0)],
                                   0, 0)}
    try:
        evaluation.main(["--days", "3"])
    finally:
        del DAYS[2]
    out = capsys.readouterr().out
    assert "| products | name_blank | quarantine | blank_name | 2 | 2 | 100.00% | 0 / 0 (0.00%) |" \
        in out.splitlines()


def _repeating(calls: list[tuple]):
    def fake(day: dt.date, config: object, customer_ids_from: str) -> dict:
        calls.append((day, config, customer_ids_from))
        offset = min((day - dt.date(2026, 11, 1)).days, 1)
        return {name: (report, None, 0) for name, report in DAYS[offset].items()}
    return fake


def test_the_help_and_the_choices_of_the_customer_ids(calls: list[tuple],
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as shown:
        evaluation.main(["--help"])
    assert shown.value.code == 0
    assert "Prints the recall / false-positive tables" in capsys.readouterr().out
    with pytest.raises(SystemExit) as refused:
        evaluation.main(["--customer-ids-from", "other"])
    assert refused.value.code == 2 and calls == []
    evaluation.main(["--days", "1", "--customer-ids-from", "clean"])
    assert [c[2] for c in calls] == ["clean"]
