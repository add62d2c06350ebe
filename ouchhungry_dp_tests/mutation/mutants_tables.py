"""Known mutants of the product tables (reconcile, daily, csv_files; session 5 pass), each
killed by a new test in milliseconds; kept apart from ``mutants.py`` so that areas
measured in parallel merge cleanly."""

from __future__ import annotations

from ouchhungry_dp_tests.mutation.mutant_types import Mutant, _t

_PRODUCTS = "ouchhungry_dp_tests/products"

TABLES = [
    Mutant(
        "reconcile: a brand missing from the monthly file with exactly k customers allowed",
        "ouchhungry_dp/products/reconcile.py",
        "suppressed_customers[suppressed_customers >= minimum]",
        "suppressed_customers[suppressed_customers > minimum]",
        _t(f"{_PRODUCTS}/test_reconcile_by_hand.py",
           "test_a_suppressed_brand_must_stay_under_k_customers"),
    ),
    Mutant(
        "daily: rows left in the order the warehouse returned them",
        "ouchhungry_dp/products/daily.py",
        "order = [c for c in SORT_ORDER if c in frame.columns]",
        "order = [c for c in SORT_ORDER if c not in frame.columns]",
        _t(f"{_PRODUCTS}/test_daily_file_edges.py",
           "test_rows_come_out_in_one_order_whatever_order_the_warehouse_returned_them"),
    ),
    Mutant(
        "csv_files: the partial file written under a visible name",
        "ouchhungry_dp/products/csv_files.py",
        'prefix=f".{target.name}."',
        'prefix=f"{target.name}."',
        _t(f"{_PRODUCTS}/test_csv_write_is_atomic.py",
           "test_while_written_the_data_sits_in_a_hidden_file_of_the_same_folder"),
    ),
]
