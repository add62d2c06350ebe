"""The stored decision record's rule (production's and the audit's, one module)."""

from __future__ import annotations

import pandas as pd
import pytest

from ouchhungry_dp.errors import DataQualityError
from ouchhungry_dp.privacy.decision_record import (
    MemoryStore,
    marker,
    record_path,
    release_decision,
    released_path,
    store_decision,
)
from ouchhungry_dp.products.cells import DECISION_COLUMNS
from ouchhungry_dp.products.csv_files import to_csv_bytes

PARTNER, MONTH = "ouchhungry", "2026-11"


def _decision(level: str) -> bytes:
    row = {"state": "SP", "city": "SAO PAULO", "level": level,
           "history_customers": 12, "cell_customers": 12}
    return to_csv_bytes(pd.DataFrame([row]).loc[:, list(DECISION_COLUMNS)])


def test_a_record_is_replaced_until_released_then_kept() -> None:
    store = MemoryStore()
    assert store_decision(store, PARTNER, MONTH, _decision("state")) == "created"
    assert store_decision(store, PARTNER, MONTH, _decision("city")) == "replaced"
    assert release_decision(store, PARTNER, MONTH)["level"].tolist() == ["city"]
    assert store.read(released_path(PARTNER, MONTH)) == marker(_decision("city"))
    assert store_decision(store, PARTNER, MONTH, _decision("city")) == "unchanged"
    with pytest.raises(DataQualityError, match="would change after files"):
        store_decision(store, PARTNER, MONTH, _decision("state"))
    assert store.read(record_path(PARTNER, MONTH)) == _decision("city")


@pytest.mark.parametrize("old_marker", [b"released\n", b"released sha256=\n", b""])
def test_a_marker_without_sha256_never_lets_a_released_record_change(
        old_marker: bytes) -> None:
    """The attack: with an unpinned marker, a changed decision was stored (or an edited
    record read) and the marker rewritten with the new digest, as if released so."""
    store = MemoryStore()
    store.put(record_path(PARTNER, MONTH), _decision("state"))
    store.put(released_path(PARTNER, MONTH), old_marker)
    with pytest.raises(DataQualityError, match="pins no sha256"):
        store_decision(store, PARTNER, MONTH, _decision("city"))
    with pytest.raises(DataQualityError, match="pins no sha256"):
        store_decision(store, PARTNER, MONTH, _decision("state"))
    store.put(record_path(PARTNER, MONTH), _decision("city"))  # edited behind the marker
    with pytest.raises(DataQualityError, match="pins no sha256"):
        release_decision(store, PARTNER, MONTH)
    assert store.read(released_path(PARTNER, MONTH)) == old_marker  # not re-pinned


def test_a_lost_released_record_is_not_decided_again() -> None:
    store = MemoryStore()
    store.put(released_path(PARTNER, MONTH), marker(_decision("state")))
    with pytest.raises(DataQualityError, match="missing although files"):
        release_decision(store, PARTNER, MONTH, lambda: _decision("city"))
    with pytest.raises(DataQualityError, match="missing although files"):
        store_decision(store, PARTNER, MONTH, _decision("city"))
    assert store.read(record_path(PARTNER, MONTH)) is None
