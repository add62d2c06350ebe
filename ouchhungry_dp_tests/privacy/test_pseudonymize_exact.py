"""The pseudonym's exact definition, against an independent oracle, and its edges.

The module docstring promises ``HMAC-SHA256(key, salt + "\\x1f" + scope + "\\x1f" + id)``
(the scope part left out when the scope is empty), lower-case hex cut to 16
characters. The oracle below recomputes that with ``hmac.new`` from the sentence, not
from the module's code, so a changed message layout (the empty-scope prefix, the
separator, the default scope) changes every pseudonym and fails here.
"""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd
import pytest

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.privacy.pseudonymize import (
    MIN_KEY_BYTES,
    PSEUDONYMIZATION_KEY_ENV,
    pseudonymization_key,
    pseudonymize,
)

KEY = b"0123456789abcdef-oracle"
IDS = ["CLI-0000001", "CLI-0000042", "PED-20261101-7"]


def oracle(key: bytes, salt: str, scope: str, value: str) -> str:
    message = f"{salt}\x1f{scope}\x1f{value}" if scope else f"{salt}\x1f{value}"
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


@pytest.mark.parametrize("scope", ["", "2026-11"])
def test_every_pseudonym_is_the_documented_hmac(scope: str) -> None:
    out = pseudonymize(pd.Series(IDS), key=KEY, salt="ouchhungry", scope=scope)
    assert out.tolist() == [oracle(KEY, "ouchhungry", scope, v) for v in IDS]


def test_no_scope_given_is_the_unscoped_message() -> None:
    """The first version's pseudonyms (no scope) must stay reproducible."""
    out = pseudonymize(pd.Series(IDS), key=KEY, salt="p")
    assert out.tolist() == [oracle(KEY, "p", "", v) for v in IDS]


def test_result_is_a_pyarrow_string_series_with_the_input_name_and_index() -> None:
    values = pd.Series(["CLI-1", None, "CLI-2"], index=[7, 8, 9], name="customer_id")
    out = pseudonymize(values, key=KEY, salt="p", scope="2026-01")
    assert out.dtype == pd.StringDtype("pyarrow")
    assert out.name == "customer_id" and list(out.index) == [7, 8, 9]
    assert pd.isna(out[8]) and out[7] == oracle(KEY, "p", "2026-01", "CLI-1")


def test_only_missing_values_give_an_all_missing_string_series() -> None:
    out = pseudonymize(pd.Series([None, None], dtype="object"), key=KEY, salt="p")
    assert out.isna().all() and out.dtype == pd.StringDtype("pyarrow")


def test_a_key_of_exactly_the_minimum_length_is_accepted_one_byte_less_is_not() -> None:
    exact = b"k" * MIN_KEY_BYTES
    assert pseudonymize(pd.Series(["CLI-1"]), key=exact, salt="p").iloc[0] == oracle(
        exact, "p", "", "CLI-1")
    with pytest.raises(ConfigurationError) as refused:
        pseudonymize(pd.Series(["CLI-1"]), key=exact[:-1], salt="p")
    assert refused.value.detail == f"need at least {MIN_KEY_BYTES} bytes"
    assert MIN_KEY_BYTES == 16


def test_the_key_is_read_from_the_process_environment_by_default(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PSEUDONYMIZATION_KEY_ENV, "é" * 8)  # 8 characters, 16 UTF-8 bytes
    assert pseudonymization_key() == ("é" * 8).encode("utf-8")
    monkeypatch.delenv(PSEUDONYMIZATION_KEY_ENV)
    with pytest.raises(ConfigurationError, match="missing or too short"):
        pseudonymization_key()


def test_a_scope_holding_the_separator_is_refused_with_its_reason() -> None:
    with pytest.raises(ConfigurationError) as refused:
        pseudonymize(pd.Series(IDS), key=KEY, salt="p", scope="2026\x1f11")
    assert refused.value.what == "pseudonymisation scope contains the separator character"
