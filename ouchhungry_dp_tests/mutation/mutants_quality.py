"""Known mutants of quality/ and the product tables (session 4 pass), each killed by a new
test; kept apart from ``mutants.py`` so that areas measured in parallel merge cleanly."""

from __future__ import annotations

from ouchhungry_dp_tests.mutation.mutant_types import Mutant, _t

_EDGES = "ouchhungry_dp_tests/quality/test_check_digits_edges.py"
_NORMALIZERS = "ouchhungry_dp_tests/quality/test_repair_normalizers_by_hand.py"

QUALITY = [
    Mutant(
        "check_digits.cnpj_ok: characters after 'Z' accepted in the body",
        "ouchhungry_dp/quality/check_digits.py",
        '"A" <= c <= "Z"',
        '"A" <= c <= "z"',
        _t(_EDGES, "test_cnpj_ok_refuses_a_body_character_outside_0_9_a_z_even_with_"
           "matching_digits"),
    ),
    Mutant(
        "check_digits.cpf_ok: repeated digits accepted",
        "ouchhungry_dp/quality/check_digits.py",
        "if digits == digits[0] * 11:\n        return False",
        "if digits == digits[0] * 11:\n        return True",
        _t(_EDGES, "test_cpf_ok_refuses"),
    ),
    Mutant(
        "check_digits._vectorised: one valid row lets every repeated-digit row through",
        "ouchhungry_dp/quality/check_digits.py",
        "(codes != codes[:, :1]).any(axis=1)",
        "(codes != codes[:, :1]).any(axis=None)",
        _t(_EDGES, "test_the_vectorised_forms_judge_each_row_of_a_mixed_column_like_the_"
           "per_value_form"),
    ),
    Mutant(
        "schemas._official_city: a city without its IBGE code passes",
        "ouchhungry_dp/quality/schemas.py",
        'df["city"].isna() & df["city_ibge_code"].isna()',
        'df["city"].isna() | df["city_ibge_code"].isna()',
        _t("ouchhungry_dp_tests/quality/test_schema_city_code.py",
           "test_one_of_city_and_code_missing_fails"),
    ),
    Mutant(
        "cities._fuzzy: a misspelling at exactly the threshold refused (the bug fixed 2026-11-29)",
        "ouchhungry_dp/quality/cities.py",
        "(best >= FUZZY_MIN_SIMILARITY) & alone",
        "(best > FUZZY_MIN_SIMILARITY) & alone",
        _t("ouchhungry_dp_tests/quality/test_repair_and_cities_edges.py",
           "test_a_misspelling_is_matched_at_or_above_the_similarity_threshold"),
    ),
    # Session 6 pass (repair's and cities' remainder, checks, evaluation, engine, ownership,
    # _arrow): survivors killed by the new hand-written tests, each replaying one test file.
    Mutant(
        "repair.normalize_cnpj: the letter X removed from an unformatted CNPJ",
        "ouchhungry_dp/quality/repair.py",
        '_keep_if(arr.filter(rest), _CNPJ_SHAPE, "./-")',
        '_keep_if(arr.filter(rest), _CNPJ_SHAPE, "XX./-XX")',
        _t(_NORMALIZERS, "test_an_alphanumeric_cnpj_keeps_its_letter_x"),
    ),
    Mutant(
        "repair.normalize_city: two blanks left where a vertical tab was",
        "ouchhungry_dp/quality/repair.py",
        'arr = pc.replace_substring_regex(arr, r"\\s{2,}", " ")',
        'arr = pc.replace_substring_regex(arr, r"XX\\s{2,}XX", " ")',
        _t(_NORMALIZERS, "test_city_spacing_and_accents"),
    ),
    Mutant(
        "checks.volume_anomaly: a one-row partition left out of the baseline",
        "ouchhungry_dp/quality/checks.py",
        "if n > 0]",
        "if n > 1]",
        _t("ouchhungry_dp_tests/quality/test_checks_by_hand.py",
           "test_volume_anomaly_metadata_and_descriptions"),
    ),
    Mutant(
        "evaluation.simulated_detection: the customers of the default configuration scored",
        "ouchhungry_dp/quality/evaluation.py",
        "customers = simulate_customers(day, config)",
        "customers = simulate_customers(day)",
        _t("ouchhungry_dp_tests/quality/test_evaluation_by_hand.py",
           "test_the_simulated_tables_are_the_ones_of_the_given_configuration"),
    ),
]
