"""`scripts/breakages.py` still applies to the code and names tests that exist.

The script is run by hand (its breakages launch Dagster runs and take minutes each);
this keeps it from rotting between runs: a refactor that moves a broken line, or a
renamed test, fails here instead of making the next hand run test nothing.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("breakages", ROOT / "scripts" / "breakages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()


@pytest.mark.parametrize("breakage", SCRIPT.BREAKAGES, ids=lambda b: b.key)
def test_each_breakage_applies_once_and_names_an_existing_test(breakage) -> None:
    broken, line = SCRIPT._edit(breakage)  # raises unless the text occurs exactly once
    assert broken != (ROOT / breakage.path).read_text() and line > 0
    for area in breakage.area:
        assert (ROOT / area).exists(), area
    module, _, name = breakage.expected.partition("::")
    assert re.search(rf"^def {re.escape(name)}\(", (ROOT / module).read_text(), re.M), (
        breakage.expected)
    assert any(module.startswith(area.removesuffix(".py")) for area in breakage.area), (
        "the named test is outside the files the breakage runs")


def test_breakage_keys_are_unique() -> None:
    keys = [b.key for b in SCRIPT.BREAKAGES]
    assert len(keys) == len(set(keys))
