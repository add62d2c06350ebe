"""Survivors of the 2026-11-29 products pass (cells, segment_share, penetration,
companies), killed by the hand-counted tests written for them (docs/testing.md,
"products"). Kept apart from ``mutants.py`` so that areas measured in parallel add their
mutants without touching each other's lists. Each replays one test of milliseconds."""

from __future__ import annotations

from ouchhungry_dp_tests.mutation.mutant_types import Mutant, _t

_CELLS = "ouchhungry_dp_tests/products/test_cells_exact.py"
_PENETRATION = "ouchhungry_dp_tests/products/test_penetration_exact.py"

PRODUCTS: list[Mutant] = [
    Mutant(
        "cells._customers_by_location: a row missing any field leaves the decision basis",
        "ouchhungry_dp/products/cells.py",
        'located = items.dropna(subset=["state", "city", "customer_id"])',
        "located = items.dropna()",
        _t(_CELLS, "test_a_missing_field_outside_place_and_customer_drops_nobody"),
    ),
    Mutant(
        "cells.cell_customers: unused categories of a categorical decision become cells",
        "ouchhungry_dp/products/cells.py",
        'groupby(["pub_state", "pub_city", "level"], sort=True, observed=True)',
        'groupby(["pub_state", "pub_city", "level"], sort=True, observed=False)',
        _t(_CELLS, "test_a_categorical_decision_gives_only_its_published_cells"),
    ),
    Mutant(
        "penetration_allowed: the dominance bound 1 % too loose (85.5 % passes)",
        "ouchhungry_dp/products/penetration.py",
        'privacy.dominance_k_percent * 100).round()',
        'privacy.dominance_k_percent * 101).round()',
        _t(_PENETRATION,
           "test_the_n_largest_at_exactly_k_percent_pass_one_customer_more_fails"),
    ),
]
