"""A field kind registered twice is refused with its name (the error must say which one)."""

from __future__ import annotations

import pytest

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.quality.rules import FIELD_KINDS, register_kind


def test_a_second_registration_names_the_kind() -> None:
    with pytest.raises(ConfigurationError, match="field kind 'cpf' is registered twice"):
        register_kind(FIELD_KINDS["cpf"])
    assert FIELD_KINDS["cpf"].reason == "invalid_cpf"  # the first registration stays
