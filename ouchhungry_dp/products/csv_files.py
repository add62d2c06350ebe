"""Outbound CSV files with deterministic bytes (same frame -> same sha256).

Deterministic bytes let the manifest, the API's ``X-Content-SHA256`` and a
re-delivery agree, and let an idempotent re-run be recognised as one. The format
is the one DESIGN.md fixes: UTF-8 without BOM, comma, header row, ``.`` decimal,
ISO dates, ``\\n`` line ends, missing values as empty fields.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pandas as pd


def _text_dates(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            values = out[column]
            has_time = (values.dropna() != values.dropna().dt.normalize()).any()
            fmt = "%Y-%m-%dT%H:%M:%S" if has_time else "%Y-%m-%d"
            out[column] = values.dt.strftime(fmt).astype("string")
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The CSV bytes of ``frame`` (index not written)."""
    text = _text_dates(frame).to_csv(index=False, lineterminator="\n", na_rep="")
    return text.encode("utf-8")


def write_csv(frame: pd.DataFrame, path: str | Path) -> tuple[int, str]:
    """Write ``frame`` to ``path`` atomically; return (data rows, sha256 hex of the bytes).

    The file appears complete or not at all (temporary file in the same folder,
    then ``os.replace``), so a reader never sees a partial file.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = to_csv_bytes(frame)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return len(frame), hashlib.sha256(data).hexdigest()
