"""An outbound CSV appears complete or not at all, wherever it is written, and its
date columns are written as the contract fixes them (ISO date, or timestamp when a
value has a time of day)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from ouchhungry_dp.products import csv_files
from ouchhungry_dp.products.csv_files import to_csv_bytes, write_csv

FRAME = pd.DataFrame({"sku": ["A", "B"], "quantity": pd.array([1, 2], dtype="Int64")})


def test_a_file_in_folders_that_do_not_exist_yet_is_written(tmp_path: Path) -> None:
    path = tmp_path / "outbound" / "ouchhungry" / "2026-11" / "daily.csv"
    rows, _ = write_csv(FRAME, path)
    assert rows == 2
    assert path.read_text() == "sku,quantity\nA,1\nB,2\n"


def test_while_written_the_data_sits_in_a_hidden_file_of_the_same_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader listing the folder mid-write sees no partial file under a visible name,
    and the final rename stays inside one folder (one file system: atomic)."""
    seen: list[tuple[Path, list[str], bytes]] = []
    real_replace = os.replace

    def spy(source: str, target: str | os.PathLike[str]) -> None:
        folder = Path(target).parent
        seen.append((Path(source), sorted(p.name for p in folder.iterdir()),
                     Path(source).read_bytes()))
        real_replace(source, target)

    monkeypatch.setattr(csv_files.os, "replace", spy)
    path = tmp_path / "daily.csv"
    write_csv(FRAME, path)
    ((source, listing, data),) = seen
    assert source.parent == path.parent
    assert source.name.startswith(".")
    assert listing == [source.name]  # nothing visible before the rename
    assert data == path.read_bytes() == b"sku,quantity\nA,1\nB,2\n"


def test_a_failed_write_leaves_no_temporary_and_raises_the_cause(tmp_path: Path) -> None:
    path = tmp_path / "daily.csv"
    path.mkdir()  # a folder where the file must go: the rename fails
    with pytest.raises(IsADirectoryError):
        write_csv(FRAME, path)
    assert [p.name for p in tmp_path.iterdir()] == ["daily.csv"]
    assert list(path.iterdir()) == []


def test_timestamps_keep_their_time_dates_stay_dates_and_missing_is_empty() -> None:
    frame = pd.DataFrame({
        "day": pd.to_datetime(["2026-11-01", None, "2026-11-03"]),
        "at": pd.to_datetime(["2026-11-01 00:00:00", "2026-11-02 13:05:09", None]),
    })
    assert to_csv_bytes(frame).decode() == (
        "day,at\n"
        "2026-11-01,2026-11-01T00:00:00\n"
        ",2026-11-02T13:05:09\n"
        "2026-11-03,\n"
    )
