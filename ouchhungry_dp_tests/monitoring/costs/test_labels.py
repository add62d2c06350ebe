import re

from ouchhungry_dp.monitoring.costs.labels import (
    bigquery_job_labels,
    sanitize_label_key,
    sanitize_label_value,
)

RULE = re.compile(r"^[a-z0-9_-]{0,63}$")


def test_labels_follow_bigquery_rules():
    labels = bigquery_job_labels(
        asset="OuchHungry/Sales Daily", partition="2026-11-25", partner="OuchHungry",
        run_id="3f1e0c2a-7b7e-4f0e-9c55-0d6f3a1b2c3d", extra={"9Team": "Data Platform!"},
    )
    assert labels["dagster_asset"] == "ouchhungry__sales_daily"
    assert labels["dagster_partner"] == "ouchhungry"
    assert labels["dagster_partition"] == "2026-11-25"
    assert all(RULE.match(k) and k[0].isalpha() for k in labels)
    assert all(RULE.match(v) for v in labels.values())
    assert labels["k_9team"] == "data_platform_"


def test_long_values_are_cut_but_stay_distinct():
    a, b = "x" * 80 + "a", "x" * 80 + "b"
    assert len(sanitize_label_value(a)) == 63
    assert sanitize_label_value(a) != sanitize_label_value(b)
    assert sanitize_label_key("") == "k_"


def test_missing_fields_are_left_out():
    assert set(bigquery_job_labels(asset="a")) == {"platform", "dagster_asset"}
