"""Field-kind registry: a kind registered twice is refused with its name; enum kinds keep
the caller's index."""

from __future__ import annotations

import pandas as pd
import pytest

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.quality.rules import FIELD_KINDS, register_kind


def test_a_second_registration_names_the_kind() -> None:
    with pytest.raises(ConfigurationError, match="field kind 'cpf' is registered twice"):
        register_kind(FIELD_KINDS["cpf"])
    assert FIELD_KINDS["cpf"].reason == "invalid_cpf"  # the first registration stays


def test_enum_kinds_answer_on_the_callers_index() -> None:
    # The engine aligns each kind's verdict with the column by index (a table slice keeps
    # its original row labels): a verdict on 0..n-1 would judge the wrong rows.
    values = pd.Series(["SP", "XX", None, "pix"], index=[10, 11, 12, 13], dtype="string")
    for kind, expected in (("uf", [True, False, False, False]),
                           ("payment_method", [False, False, False, True])):
        verdict = FIELD_KINDS[kind].validate(values)
        assert verdict.index.tolist() == [10, 11, 12, 13], kind
        assert verdict.tolist() == expected, kind
