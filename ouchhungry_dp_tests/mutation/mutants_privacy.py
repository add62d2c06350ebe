"""Survivors of the 2026-11-29 privacy and release passes, killed by tests written for them
(docs/testing.md, "privacy" and "release"). Kept apart from ``mutants.py`` so that areas
measured in parallel add their mutants without touching each other's lists."""

from __future__ import annotations

from ouchhungry_dp_tests.mutation.mutant_types import Mutant, _t

_PSEUDONYM = "ouchhungry_dp_tests/privacy/test_pseudonymize_exact.py"
_PINS = "ouchhungry_dp_tests/release/test_gate_pin_details.py"

PRIVACY_RELEASE: list[Mutant] = [
    Mutant(
        "release.gate._pinned_sha: an unsigned (or failed) pin counts",
        "ouchhungry_dp/release/gate.py",
        "return pin.sha256 if pin.signature_valid() and pin.passed else None",
        "return pin.sha256 if pin.signature_valid() or pin.passed else None",
        _t(_PINS, "test_delivery_refuses_when_the_pin_is_unsigned_or_failed_even_if_it_names_"
           "the_same_bytes"),
        slow=True,
    ),
    Mutant(
        "pseudonymize: the empty scope still adds a separator (unscoped pseudonyms change)",
        "ouchhungry_dp/privacy/pseudonymize.py",
        "(scope + SEPARATOR if scope else \"\")",
        "(scope + SEPARATOR if scope or True else \"\")",
        _t(_PSEUDONYM, "test_every_pseudonym_is_the_documented_hmac"),
    ),
    Mutant(
        "pseudonymize: a key of exactly 16 bytes refused",
        "ouchhungry_dp/privacy/pseudonymize.py",
        "len(key) < MIN_KEY_BYTES",
        "len(key) <= MIN_KEY_BYTES",
        _t(_PSEUDONYM, "test_a_key_of_exactly_the_minimum_length_is_accepted_one_byte_less_is_not"),
    ),
    Mutant(
        "pseudonymize: the result is not string[pyarrow]",
        "ouchhungry_dp/privacy/pseudonymize.py",
        'dtype="string[pyarrow]", name=values.name)',
        "name=values.name)",
        _t(_PSEUDONYM, "test_result_is_a_pyarrow_string_series_with_the_input_name_and_index"),
    ),
]
