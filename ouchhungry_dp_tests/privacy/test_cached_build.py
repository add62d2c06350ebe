"""The on-disk fixture cache (``cached_build``) of the privacy small months: used only when
switched on, never in mutmut's coverage run, and keyed by everything the build reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from ouchhungry_dp_tests.privacy import cached_build
from ouchhungry_dp_tests.privacy.cached_build import CACHE_ENV, cache_key, cached

ROOTS = ["ouchhungry_dp.errors"]


class Builds:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> dict[str, int]:
        self.count += 1
        return {"built": self.count}


@pytest.fixture
def builder(tmp_path: Path) -> Path:
    path = tmp_path / "conftest_like.py"
    path.write_text("def _build(): ...\n")
    return path


def _get(build: Builds, builder: Path) -> dict[str, int]:
    return cached("probe", ROOTS, ("2026-09",), build, builder)


def test_without_the_switch_every_call_builds(monkeypatch: pytest.MonkeyPatch,
                                              builder: Path) -> None:
    monkeypatch.delenv(CACHE_ENV, raising=False)
    build = Builds()
    assert [_get(build, builder), _get(build, builder)] == [{"built": 1}, {"built": 2}]


def test_switched_on_a_second_call_loads_the_first_build(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, builder: Path) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv("MUTANT_UNDER_TEST", raising=False)
    build = Builds()
    assert [_get(build, builder), _get(build, builder)] == [{"built": 1}, {"built": 1}]
    # An unreadable file is built again, not an error.
    (stored,) = (tmp_path / "cache").glob("probe-*.pickle")
    stored.write_bytes(b"not a pickle")
    assert _get(build, builder) == {"built": 2}
    # mutmut's coverage run must see the build's calls: it never loads.
    monkeypatch.setenv("MUTANT_UNDER_TEST", "stats")
    assert _get(build, builder) == {"built": 3}


def test_a_mutant_of_the_build_gets_its_own_key_and_is_not_stored(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, builder: Path) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv("MUTANT_UNDER_TEST", raising=False)
    clean, _ = cache_key(ROOTS, (), builder)
    monkeypatch.setenv("MUTANT_UNDER_TEST", "ouchhungry_dp.errors.x_something__mutmut_1")
    assert cache_key(ROOTS, (), builder) != (clean, False)
    assert cache_key(ROOTS, (), builder)[1] is True
    build = Builds()
    _get(build, builder)
    assert list((tmp_path / "cache").glob("probe-*.pickle")) == []
    # A mutant outside the build's modules changes nothing.
    monkeypatch.setenv("MUTANT_UNDER_TEST", "ouchhungry_dp.privacy.rerelease.x_late_day__mutmut_9")
    assert cache_key(ROOTS, (), builder) == (clean, False)


def test_the_key_covers_the_builder_the_data_files_and_the_settings(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, builder: Path) -> None:
    monkeypatch.delenv("MUTANT_UNDER_TEST", raising=False)
    data = tmp_path / "contract.yaml"
    data.write_text("min_customers_per_cell: 10\n")
    monkeypatch.setattr(cached_build, "_data_files", lambda: [data])
    first = cache_key(ROOTS, (), builder)
    builder.write_text("def _build(): return 1\n")
    second = cache_key(ROOTS, (), builder)
    data.write_text("min_customers_per_cell: 3\n")
    third = cache_key(ROOTS, (), builder)
    monkeypatch.setenv("OUCHHUNGRY_CONTRACTS_DIR", str(tmp_path))
    fourth = cache_key(ROOTS, (), builder)
    assert len({first, second, third, fourth}) == 4
    # The package's real data files are found (contracts and reference tables).
    monkeypatch.undo()
    names = {p.name for p in cached_build._data_files()}
    assert any(n.endswith((".yaml", ".yml")) for n in names)
    assert any(n.endswith(".csv") for n in names)
    assert not any(n.endswith((".py", ".meta", ".pyc")) for n in names)
