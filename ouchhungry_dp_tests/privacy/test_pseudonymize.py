from __future__ import annotations

import pandas as pd
import pytest

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.privacy.pseudonymize import (
    PSEUDONYM_HEX_LENGTH,
    pseudonymization_key,
    pseudonymize,
)

KEY = b"unit-test-key-0123456789abcdef"
IDS = pd.Series(["CLI-0000001", "CLI-0000002", None, " CLI-0000001 "], index=[10, 11, 12, 13])


def test_same_id_same_pseudonym_and_index_kept() -> None:
    out = pseudonymize(IDS, key=KEY, salt="ouchhungry")
    assert list(out.index) == [10, 11, 12, 13]
    assert out[10] == out[13]  # surrounding spaces do not change the person
    assert out[10] != out[11]
    assert pd.isna(out[12])


def test_format_is_fixed_length_lower_hex() -> None:
    out = pseudonymize(IDS.dropna(), key=KEY, salt="s1")
    assert out.str.fullmatch(rf"[0-9a-f]{{{PSEUDONYM_HEX_LENGTH}}}").all()


def test_salt_and_key_both_change_every_pseudonym() -> None:
    ids = pd.Series([f"CLI-{i:07d}" for i in range(500)])
    base = pseudonymize(ids, key=KEY, salt="ouchhungry")
    other_partner = pseudonymize(ids, key=KEY, salt="crocante")
    other_key = pseudonymize(ids, key=KEY + b"x", salt="ouchhungry")
    assert not set(base) & set(other_partner)
    assert not set(base) & set(other_key)
    assert base.nunique() == len(ids)


def test_stable_across_calls_and_batches() -> None:
    ids = pd.Series([f"CLI-{i:07d}" for i in range(50)])
    whole = pseudonymize(ids, key=KEY, salt="p")
    half = pseudonymize(ids.iloc[25:], key=KEY, salt="p")
    assert (whole.iloc[25:] == half).all()


@pytest.mark.parametrize("key", [b"", b"short"])
def test_weak_key_is_refused(key: bytes) -> None:
    with pytest.raises(ConfigurationError, match="PSEUDONYMIZATION_KEY"):
        pseudonymize(IDS, key=key, salt="p")


def test_empty_salt_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="salt"):
        pseudonymize(IDS, key=KEY, salt="")


def test_key_from_environment_never_echoed() -> None:
    secret = "abc"  # too short on purpose
    with pytest.raises(ConfigurationError) as caught:
        pseudonymization_key({"PSEUDONYMIZATION_KEY": secret})
    assert secret not in str(caught.value)
    assert pseudonymization_key({"PSEUDONYMIZATION_KEY": "k" * 32}) == b"k" * 32


def test_salt_and_id_cannot_be_shifted_into_each_other() -> None:
    """Salt 'ouchhungry' + id '2CLI-1' must not equal salt 'ouchhungry2' + id 'CLI-1'."""
    key = b"k" * 32
    one = pseudonymize(pd.Series(["2CLI-1"]), key=key, salt="ouchhungry")
    two = pseudonymize(pd.Series(["CLI-1"]), key=key, salt="ouchhungry2")
    assert one.iloc[0] != two.iloc[0]
