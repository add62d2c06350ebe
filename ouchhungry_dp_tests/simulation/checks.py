"""Independent reference checks (deliberately plain Python, written apart from the simulator)."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

CEP = re.compile(r"^\d{5}-\d{3}$")
EMAIL = re.compile(r"^[a-z0-9._]+@[a-z0-9-]+(\.[a-z0-9-]+)+$")
PRODUCT_CODE = re.compile(r"^[A-Z]{3}-[A-Z]{3}-\d{4}$")
ISO_LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-03:00$")
USED_DDDS = set(range(11, 100)) - {20, 23, 25, 26, 29, 30, 36, 39, 40, 50, 52, 56, 57, 58, 59}
USED_DDDS -= {60, 70, 72, 76, 78, 80, 90}


def cpf_ok(text: str) -> bool:
    digits = [int(c) for c in re.sub(r"[.\-]", "", text)]
    if len(digits) != 11 or len(set(digits)) == 1:
        return False
    for size in (9, 10):
        total = sum(d * w for d, w in zip(digits[:size], range(size + 1, 1, -1), strict=True))
        if (total * 10) % 11 % 10 != digits[size]:
            return False
    return True


def cnpj_ok(text: str) -> bool:
    body = re.sub(r"[./\-]", "", text)
    if not re.fullmatch(r"[0-9A-Z]{12}\d{2}", body) or len(set(body)) == 1:
        return False
    values = [ord(c) - 48 for c in body]
    for size in (12, 13):
        weights = [*range(size - 7, 1, -1), *range(9, 1, -1)]
        remainder = sum(v * w for v, w in zip(values[:size], weights, strict=True)) % 11
        if (0 if remainder < 2 else 11 - remainder) != values[size]:
            return False
    return True


def ean_ok(text: str) -> bool:
    if not re.fullmatch(r"\d{13}", text):
        return False
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(text[:12]))
    return (10 - total % 10) % 10 == int(text[12])


def parse_local(text: str) -> dt.datetime | None:
    """The formats the simulator documents, converted to America/Sao_Paulo wall time."""
    text = text.strip()
    for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%SZ"):
        try:
            stamp = dt.datetime.strptime(
                text.replace("Z", "+0000") if "Z" in fmt else text, fmt.replace("Z", "%z")
            )
        except ValueError:
            continue
        return stamp.astimezone(dt.timezone(dt.timedelta(hours=-3))).replace(tzinfo=None)
    for fmt in (
        "%d/%m/%Y %H:%M",
        "%d/%m/%Y %H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%d-%m-%Y",
        "%d/%m/%Y",
        "%Y-%m-%d",
    ):
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def labelled(table_defects: pd.DataFrame, kind: str, column: str | None = None) -> set[int]:
    mask = table_defects["kind"] == kind
    if column is not None:
        mask &= table_defects["column"] == column
    return set(table_defects.loc[mask, "row"].tolist())
