"""The guardrail checks' outcomes, descriptions and metadata on hand-built inputs, each
expectation written out (docs/testing.md, "quality": survivors of the mutation pass)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ouchhungry_dp.quality import checks


def test_mask_value_keeps_a_third_of_the_characters_up_to_four() -> None:
    assert checks.mask_value("abcdefghijklmno") == "***********lmno"  # 15: four, not five
    assert checks.mask_value("123456789012") == "********9012"  # 12: four
    assert checks.mask_value("123.456.789") == "***.***.789"  # 9: three
    assert checks.mask_value("(11) 9") == "(**) 9"  # 3: one; punctuation kept
    assert checks.mask_value("José") == "***é"
    assert checks.mask_value(12345678) == "******78"
    assert checks.mask_value("") == ""


def test_shown_values_by_column_and_check() -> None:
    shown = checks._shown
    assert shown("email", "str_length", None) is None
    assert shown("quantity", "ge", float("nan")) is None
    assert shown("email", "email_syntax", "ana@example.com") == "***@******e.com"
    # A structural check says what the column holds, not whose it is.
    assert shown("email", "dtype('int64')", "object") == "object"
    assert shown(None, "column_in_dataframe", "cpf") == "cpf"
    assert shown("cpf", "column_ordered", "cpf") == "cpf"
    value = shown("quantity", "ge", np.int64(-4))
    assert value == -4 and type(value) is int
    flag = shown("quantity", "ge", np.bool_(True))
    assert flag is True
    price = shown("unit_price", "ge", np.float64(-1.5))
    assert price == -1.5 and type(price) is float
    assert shown("product_code", "matches", 123) == 123
    assert shown("ordered_at", "ge", pd.Timestamp("2026-11-25")) == "2026-11-25 00:00:00"
    # A city is shown only when it is a municipality's name.
    assert shown("city", "official", "São Paulo") == "São Paulo"
    assert shown("city", "official", "ana@x.com") == "***@*.*om"
    assert shown("cpf", "official", "São Paulo") == "*** ***lo"


def test_one_example_per_check_first_then_the_rest() -> None:
    cases = pd.DataFrame({
        "column": ["a", "a", "b", None, "a", "b"],
        "check": ["c1", "c1", "c2", "c3", "c1", "c2"],
        "schema_context": ["Column", "Column", "Column", "DataFrameSchema", "Column", "Column"],
        "n": [0, 1, 2, 3, 4, 5],
    })  # fmt: skip
    assert checks._one_per_check_first(cases)["n"].tolist() == [0, 2, 3, 1, 5, 4]


SCHEMA = pa.DataFrameSchema(
    {"quantity": pa.Column(int, pa.Check.ge(0)),
     "email": pa.Column(str, pa.Check.str_length(max_value=3))},
    name="tiny",
)


def test_schema_failures_are_counted_capped_and_named() -> None:
    frame = pd.DataFrame({"quantity": [-1] * 12 + [1, 2], "email": ["abc"] * 13 + ["abcd@x"]})
    outcome = checks.validate_with_schema(SCHEMA, frame)
    assert outcome.passed is False and outcome.severity == "ERROR"
    assert outcome.description == "tiny: 13 failure(s) in 2 check(s) over 14 rows"
    assert outcome.metadata["rows"] == 14 and outcome.metadata["failure_count"] == 13
    assert outcome.metadata["failures_by_check"] == {
        "quantity: greater_than_or_equal_to(0)": 12, "email: str_length(None, 3)": 1}
    first = outcome.metadata["first_failures"]
    assert len(first) == checks.MAX_FAILURE_EXAMPLES == 10
    assert first[0] == {"column": "quantity", "check": "greater_than_or_equal_to(0)", "row": 0,
                        "value": -1}
    assert first[1] == {"column": "email", "check": "str_length(None, 3)", "row": 13,
                        "value": "****@x"}
    assert [type(e["row"]) for e in first] == [int] * 10
    json.dumps(outcome.metadata)


def test_a_missing_column_is_named_by_the_table() -> None:
    outcome = checks.validate_with_schema(SCHEMA, pd.DataFrame({"quantity": [1, 2]}))
    assert outcome.metadata["failures_by_check"] == {"<table>: column_in_dataframe": 1}
    assert outcome.metadata["first_failures"] == [
        {"column": None, "check": "column_in_dataframe", "row": None, "value": "email"}]


def test_a_valid_table_and_the_schemas_name() -> None:
    frame = pd.DataFrame({"quantity": [1], "email": ["a"]})
    outcome = checks.validate_with_schema(SCHEMA, frame)
    assert (outcome.passed, outcome.description) == (True, "tiny: 1 rows valid")
    assert outcome.passed is True
    assert outcome.metadata == {"rows": 1, "failure_count": 0}
    unnamed = pa.DataFrameSchema({"quantity": pa.Column(int)})
    assert checks.validate_with_schema(unnamed, frame).description == "schema: 1 rows valid"

    class CleanedThings:  # a model class: its __name__

        @staticmethod
        def validate(df: pd.DataFrame, lazy: bool) -> pd.DataFrame:
            assert lazy is True
            return df

    described = checks.validate_with_schema(CleanedThings, frame).description
    assert described == "CleanedThings: 1 rows valid"

    class Anonymous:  # neither a __name__ nor a name: "schema"
        def validate(self, df: pd.DataFrame, lazy: bool) -> pd.DataFrame:
            return df

    assert checks.validate_with_schema(Anonymous(), frame).description == "schema: 1 rows valid"


def test_conservation_says_lost_or_invented() -> None:
    lost = checks.conservation(10, 7, 2)
    assert lost.passed is False
    assert lost.description.startswith("1 row(s) lost: 10 raw != 7 cleaned + 2 quarantined")
    assert lost.metadata == {"raw_rows": 10, "cleaned_rows": 7, "quarantined_rows": 2,
                             "difference": 1}
    invented = checks.conservation(10, 9, 3)
    assert invented.passed is False
    assert invented.description.startswith("2 row(s) invented")
    kept = checks.conservation(10, 8, 2)
    assert kept.passed is True and kept.description == "10 raw = 8 cleaned + 2 quarantined"


def test_conservation_by_partition_counts_every_partition_named_anywhere() -> None:
    outcome = checks.conservation_by_partition(
        {"2026-11-24": 5, "2026-11-26": 3}, {"2026-11-24": 5, "2026-11-25": 1},
        {"2026-11-26": 3})
    assert outcome.passed is False
    assert outcome.metadata == {"partitions": 3, "broken_partitions": {"2026-11-25": -1}}
    assert outcome.description == "conservation broken in 1 partition(s): 2026-11-25"
    two = checks.conservation_by_partition({"b": 1, "a": 1}, {}, {})
    assert two.description.endswith("2 partition(s): a, b")
    ok = checks.conservation_by_partition({"a": 2}, {"a": 1}, {"a": 1})
    assert ok.passed is True and ok.description == "conservation holds in 1 partition(s)"
    assert ok.metadata == {"partitions": 1, "broken_partitions": {}}


def test_quarantine_rate_ceiling_metadata_and_worst_reason() -> None:
    outcome = checks.quarantine_rate_ceiling(
        {"bad_cpf": 1, "bad_email": 3, "unknown_city": 2}, 7, {"bad_cpf": 0.1}, default=0.2)
    assert outcome.passed is False
    assert outcome.metadata == {
        "raw_rows": 7,
        "rates": {"bad_cpf": round(1 / 7, 6), "bad_email": round(3 / 7, 6),
                  "unknown_city": round(2 / 7, 6)},
        "default_ceiling": 0.2,
        "ceilings": {"bad_cpf": 0.1},
        "breaches": {"bad_cpf": {"rate": round(1 / 7, 6), "ceiling": 0.1},
                     "bad_email": {"rate": round(3 / 7, 6), "ceiling": 0.2},
                     "unknown_city": {"rate": round(2 / 7, 6), "ceiling": 0.2}},
    }
    assert outcome.description == (
        "3 reason(s) over ceiling; worst bad_email at 42.86% (ceiling 20.00%)")
    fine = checks.quarantine_rate_ceiling({"bad_cpf": 1}, 10, {}, default=0.1)
    assert fine.passed is True and fine.metadata["breaches"] == {}
    assert fine.description == "every quarantine reason under its ceiling"
    empty = checks.quarantine_rate_ceiling({"bad_cpf": 1}, 0, {}, default=0.0)
    assert empty.passed is True and empty.metadata == {"raw_rows": 0}
    assert empty.description == "no raw rows: nothing to compare"
    assert checks.quarantine_rate_ceiling({"bad_cpf": 1}, -1, {}, default=0.0).passed


def test_volume_anomaly_metadata_and_descriptions() -> None:
    low = checks.volume_anomaly(300, [0, 1000, 600, 800], min_ratio=0.4, block_ratio=0.2)
    assert (low.passed, low.severity) == (False, "WARN")
    assert low.metadata == {
        "today_rows": 300, "previous_rows": [1000, 600, 800], "min_ratio": 0.4,
        "block_ratio": 0.2, "source_confirmed_no_sales": False, "baseline_rows": 800.0,
        "ratio": 0.375,
    }
    assert low.description == "300 rows is 38% of the usual 800 (threshold 40%)"
    near_empty = checks.volume_anomaly(150, [1000], block_ratio=0.2)
    assert (near_empty.passed, near_empty.severity) == (False, "ERROR")
    assert near_empty.description.startswith("150 rows (15.0% of the usual 1000): the source")
    empty = checks.volume_anomaly(0, [])
    assert empty.description.startswith("no rows: the source day is empty or near-empty "
                                         "(under 10%) and")
    assert "baseline_rows" not in empty.metadata and "ratio" not in empty.metadata
    assert checks.volume_anomaly(0, [1000]).metadata["ratio"] == 0.0
    assert checks.volume_anomaly(1, [3]).metadata["ratio"] == 0.3333
    closed_first = checks.volume_anomaly(0, [], confirmed_no_sales=True)
    assert closed_first.description == "0 rows: the source confirmed the day had no sales"
    closed = checks.volume_anomaly(0, [1000], confirmed_no_sales=True)
    assert closed.description == (
        "0 rows of the usual 1000: the source confirmed the day had no sales")
    usual = checks.volume_anomaly(999, [1000])
    assert usual.passed is True and usual.description == "999 rows, 100% of the usual 1000"
    assert usual.metadata["ratio"] == 0.999
    one_row = checks.volume_anomaly(1, [1, 0])  # one row is a loaded partition, not an empty one
    assert one_row.metadata["previous_rows"] == [1] and one_row.metadata["ratio"] == 1.0
    first = checks.volume_anomaly(5, [])
    assert first.passed is True and first.description == "no previous partitions: no baseline yet"
    assert first.metadata == {"today_rows": 5, "previous_rows": [], "min_ratio": 0.5,
                              "block_ratio": 0.1, "source_confirmed_no_sales": False}
