"""The planted patterns of the simulated account must each be found."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pandas as pd
import pytest

from ouchhungry_dp.monitoring.costs import pipeline
from ouchhungry_dp.monitoring.costs.billing import budget_burn, cost_anomaly
from ouchhungry_dp.monitoring.costs.kpis import compute_kpis
from ouchhungry_dp.monitoring.costs.query_jobs import ATTRIBUTION_TYPES, attribution_shares
from ouchhungry_dp.monitoring.costs.recommendations import build_recommendations
from ouchhungry_dp.sandbox.company_cloud import gcp_catalog as catalog
from ouchhungry_dp.sandbox.company_cloud.gcp_account import cat_hash

SPIKE = catalog.SPIKE_DAY
QUIET = date(2026, 3, 10)


@pytest.fixture(scope="module")
def spike_jobs(source, config):
    return pipeline.job_costs(source, config, SPIKE)


@pytest.fixture(scope="module")
def tables(source, config):
    return pipeline.table_storage(source, config, SPIKE)


@pytest.fixture(scope="module")
def recommendations(source, config, tables):
    window = config.settings.history_days
    jobs = pipeline.job_costs(source, config, SPIKE - timedelta(days=window - 1), window)
    gcs = pipeline.gcs_storage(source, config, SPIKE)
    return build_recommendations(
        SPIKE, jobs, pipeline.full_scans(jobs, tables, config), tables, gcs, config, window
    )


def test_attribution_shares_add_up_to_one(spike_jobs):
    shares = attribution_shares(spike_jobs)
    assert list(shares["attribution_type"]) == list(ATTRIBUTION_TYPES)
    assert shares["share"].sum() == pytest.approx(1.0, abs=1e-12)
    assert shares["cost_usd"].sum() == pytest.approx(spike_jobs["estimated_cost_usd"].sum())
    by_type = shares.set_index("attribution_type")["share"]
    for kind in ("platform_asset", "metabase", "powerbi", "unattributed"):
        assert by_type[kind] > 0, kind


def test_attribution_reads_labels_and_metabase_comments(spike_jobs):
    platform = spike_jobs[spike_jobs["attribution_type"] == "platform_asset"]
    assert set(platform["consumer"]) >= {"cleaned_transactions"}
    assert platform["label_run_id"].notna().all()
    metabase = spike_jobs[spike_jobs["attribution_type"] == "metabase"]
    assert metabase["consumer"].str.startswith("card:").all()
    assert metabase["consumer_user"].str.match(r"metabase_user:\d+$").all()
    assert "query" not in spike_jobs.columns  # query text never reaches the table


def test_estimates_reconcile_with_the_invoice(source, spike_jobs):
    billed = pipeline.billing(source, SPIKE)
    analysis = billed.loc[(billed["service"] == "BigQuery") & (billed["sku"] == "Analysis")]
    # SCRIPT parents are excluded, otherwise the estimate would double-count MERGE jobs.
    assert spike_jobs["estimated_cost_usd"].sum() == pytest.approx(analysis["net_cost"].sum())


def test_spike_is_an_anomaly_and_a_quiet_day_is_not(source, config):
    s = config.settings
    history = pipeline.billing_history(source, SPIKE, 40)
    kwargs = {"sigma": s.anomaly_sigma, "window_days": s.anomaly_window_days,
              "min_excess_usd": s.anomaly_min_excess_usd}
    spike = cost_anomaly(history, SPIKE, **kwargs)
    quiet = cost_anomaly(history, QUIET, **kwargs)
    assert not spike.passed and spike.excess_usd > 0
    assert spike.day_cost_usd > spike.threshold_usd
    assert quiet.passed


def test_budget_burn_fails_only_when_over_plan(source):
    history = pipeline.billing_history(source, SPIKE, SPIKE.day)
    spent = history.sum()
    over = budget_burn(history, SPIKE, monthly_budget_usd=spent, tolerance=0.1)
    under = budget_burn(history, SPIKE, monthly_budget_usd=spent * 3, tolerance=0.1)
    assert not over.passed and over.burn_rate > 1.1
    assert under.passed


def _rec(recs: pd.DataFrame, kind: str, target: str) -> pd.Series:
    found = recs[(recs["kind"] == kind) & (recs["target"] == target)]
    assert len(found) == 1, f"no {kind} recommendation for {target}: {recs[['kind', 'target']]}"
    return found.iloc[0]


@pytest.mark.parametrize(
    ("kind", "target"),
    [
        ("unfiltered_scan", "ouchhungry-data.raw.app_events"),
        ("unfiltered_scan", "ouchhungry-data.sales.raw_transactions"),
        ("select_star_wide_table", "ouchhungry-data.analytics.orders_wide"),
        ("dashboard_low_cache_hit", "card:" + cat_hash(catalog.LOW_CACHE_CARD)[:12]),
        ("cold_table", "ouchhungry-data.archive.orders_snapshot_2024"),
        ("gcs_lifecycle_rule", "gs://ouchhungry-raw-landing"),
        ("maximum_bytes_billed_guardrail", "cleaned_transactions"),
        ("pricing_model_break_even", "bigquery_compute"),
    ],
)
def test_every_planted_waste_has_a_recommendation_with_saving(recommendations, kind, target):
    rec = _rec(recommendations, kind, target)
    assert rec["monthly_saving_usd"] > 0
    assert json.loads(rec["evidence"])  # evidence is non-empty JSON
    assert rec["action"]


def test_healthy_things_get_no_recommendation(recommendations):
    targets = set(recommendations["target"])
    assert "gs://ouchhungry-dagster-io" not in targets  # nothing cold in it
    assert "ouchhungry-data.analytics.orders_daily" not in targets  # read with filters
    assert "ouchhungry-data.sales.raw_transactions" not in set(
        recommendations.loc[recommendations["kind"] == "cold_table", "target"]
    )


def test_unpartitioned_table_is_told_to_partition(recommendations):
    rec = _rec(recommendations, "unfiltered_scan", "ouchhungry-data.raw.app_events")
    assert rec["action"].startswith("Partition")
    rec = _rec(recommendations, "unfiltered_scan", "ouchhungry-data.sales.raw_transactions")
    assert "require_partition_filter" in rec["action"]


def test_kpis(source, config, spike_jobs, tables):
    gcs = pipeline.gcs_storage(source, config, SPIKE)
    billed = pipeline.billing(source, SPIKE)
    history = pipeline.billing_history(source, SPIKE, SPIKE.day)
    kpis = compute_kpis(SPIKE, spike_jobs, pipeline.full_scans(spike_jobs, tables, config),
                        tables, gcs, billed, history, config)
    value = kpis[kpis["dimension"] == "all"].set_index("kpi")["value"]
    assert value["cost_per_tib_scanned"] == pytest.approx(config.on_demand_per_tib)
    assert value["estimate_vs_invoice"] == pytest.approx(1.0)
    assert 0 < value["allocation_coverage"] < 1
    assert 0 <= value["cache_hit_rate"] <= 1
    assert value["unfiltered_scan_share"] > 0.5  # the runaway backfill dominates the day
    partner = kpis[kpis["kpi"] == "cost_per_data_product_delivery"]
    assert list(partner["dimension"]) == ["ouchhungry"]
    assert str(kpis["kpi_date"].dtype).startswith("datetime64")
