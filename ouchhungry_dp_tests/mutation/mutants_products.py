"""Survivors of the 2026-11-29 products pass (cells, segment_share, penetration,
companies), killed by the hand-counted tests written for them (docs/testing.md,
"products"). Kept apart from ``mutants.py`` so that areas measured in parallel add their
mutants without touching each other's lists. Each replays one test of milliseconds."""

from __future__ import annotations

from ouchhungry_dp_tests.mutation.mutant_types import Mutant, _t

_CELLS = "ouchhungry_dp_tests/products/test_cells_exact.py"
_PENETRATION = "ouchhungry_dp_tests/products/test_penetration_exact.py"
_DIGITS = "ouchhungry_dp_tests/products/test_pii_digits_any_script.py"
_SHARE_RULES = "ouchhungry_dp_tests/products/test_segment_share_rules.py"
_SCAN_COUNTS = "ouchhungry_dp_tests/products/test_scan_pii_counts.py"
_PII_UNITS = "ouchhungry_dp_tests/products/test_pii_text_units.py"

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
    # Session 6 (segment_share, scan_pii, pii_text pass).
    Mutant(
        "pii_text.fold: digits of other scripts left as they are (a CPF in Arabic-Indic "
        "digits passes the scan)",
        "ouchhungry_dp/products/pii_text.py",
        # Both mappings (before NFKD, and after it for the digits NFKD makes) removed.
        'pc.utf8_normalize(_ascii_digits(values.filter(other)), "NFKD"))\n'
        "        plain = pc.replace_substring_regex(pc.replace_substring_regex(accented, "
        '_DROPPED, ""),\n'
        '                                           _BLANK, " ")\n'
        "        text = pc.replace_with_mask(text, other, _ascii_digits(plain))",
        'pc.utf8_normalize(values.filter(other), "NFKD"))\n'
        "        plain = pc.replace_substring_regex(pc.replace_substring_regex(accented, "
        '_DROPPED, ""),\n'
        '                                           _BLANK, " ")\n'
        "        text = pc.replace_with_mask(text, other, plain)",
        _t(_DIGITS, "test_the_scan_blocks_a_cpf_in_arabic_indic_digits"),
    ),
    Mutant(
        "dominance_allows: a company total that is not a number read as 0",
        "ouchhungry_dp/products/segment_share.py",
        "values = pd.to_numeric(company_totals).fillna(0)",
        'values = pd.to_numeric(company_totals, errors="coerce").fillna(0)',
        _t(_SHARE_RULES,
           "test_a_company_total_that_is_not_a_number_is_refused_not_read_as_zero"),
    ),
    Mutant(
        "_brand_shares: a suppressed partner brand leaves the other brand at its own level",
        "ouchhungry_dp/products/segment_share.py",
        'at_least in ("country", "suppressed")',
        'at_least in ("country",)',
        _t(_SHARE_RULES, "test_a_suppressed_partner_brand_suppresses_the_other_brand_too"),
    ),
    Mutant(
        "scan_pii: a kind found in a second column overwrites the first column's count",
        "ouchhungry_dp/products/guardrails.py",
        "hits[kind] = hits.get(kind, 0) + count",
        "hits[kind] = count",
        _t(_SCAN_COUNTS, "test_a_kind_found_in_two_columns_is_counted_in_both"),
    ),
    Mutant(
        "scan_pii: blank cells of a number column read as text (an id stored as a number "
        "is no longer seen as one)",
        "ouchhungry_dp/products/guardrails.py",
        'present = values != ""',
        'present = values == values',
        _t(_SCAN_COUNTS, "test_blank_cells_of_a_number_column_are_neither_text_nor_numbers"),
    ),
    # Session 7 (pii_text on its final code).
    Mutant(
        "pii_text._ascii_digits: mapped values typed string in a large_string column (the "
        "scan of a DuckDB column holding a non-ASCII digit raises)",
        "ouchhungry_dp/products/pii_text.py",
        "pa.array(mapped, type=text.type)",
        "pa.array(mapped)",
        _t(_DIGITS, "test_other_digits_in_a_large_string_column_are_folded"),
    ),
    Mutant(
        "KnownIdentifiers: ids and e-mails searched surname first like names",
        "ouchhungry_dp/products/pii_text.py",
        "names = all_words.filter(pc.invert(pc.fill_null(\n"
        '            pc.match_substring_regex(folded, r"[0-9@]"), True)))',
        "names = all_words",
        _t(_PII_UNITS, "test_only_a_name_is_also_searched_surname_first"),
    ),
]
