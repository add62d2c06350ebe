"""Known mutants of the insights figures (session 6 pass, ``[area.insights]``), each a
survivor of the pass (or a mutant no fast test reached) killed by a hand-counted test
in milliseconds; kept apart from ``mutants.py`` so that areas measured in parallel
merge cleanly."""

from __future__ import annotations

from ouchhungry_dp_tests.mutation.mutant_types import Mutant, _t

_METRICS = "ouchhungry_dp_tests/products/test_insights_metrics_by_hand.py"
_SOURCE = "ouchhungry_dp/products/insights_metrics.py"

INSIGHTS = [
    Mutant(
        "insights: a brand with exactly k customers left out of the report",
        _SOURCE,
        'trend = trend.loc[trend["customers"] >= minimum]',
        'trend = trend.loc[trend["customers"] > minimum]',
        _t(_METRICS, "test_assemble_metrics_by_hand"),
    ),
    Mutant(
        "insights: a repeat buyer needs three orders, not two",
        _SOURCE,
        "round(float((orders >= 2).mean()), 4)",
        "round(float((orders > 2).mean()), 4)",
        _t(_METRICS, "test_repeat_purchase_and_pairs_by_hand"),
    ),
    Mutant(
        "insights: a brand missing from the released file drops every brand after it",
        _SOURCE,
        "continue  # not in the released file",
        "break  # not in the released file",
        _t(_METRICS, "test_the_months_units_and_revenue_are_the_released_files_totals"),
    ),
    Mutant(
        "insights: the contract's first brand without rows drops the others' figures",
        _SOURCE,
        "            continue\n        segment = own",
        "            break\n        segment = own",
        _t(_METRICS, "test_a_brand_without_rows_is_left_out"),
    ),
]
