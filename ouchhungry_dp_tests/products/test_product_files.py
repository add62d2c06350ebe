from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from ouchhungry_dp.products.csv_files import to_csv_bytes, write_csv

FRAME = pd.DataFrame(
    {
        "sale_date": pd.to_datetime(["2026-11-01", "2026-11-02"]),
        "city": pd.array(["SAO PAULO", "*"], dtype="string[pyarrow]"),
        "product_name": ["Hungry Guaraná, Lata", "Ouch 100g"],
        "unit_price": pd.array([5.5, None], dtype="Float64"),
        "quantity": pd.array([2, 1], dtype="Int64"),
    }
)


def test_csv_format_is_the_contracted_one(tmp_path: Path) -> None:
    path = tmp_path / "out" / "daily.csv"
    rows, sha256 = write_csv(FRAME, path)
    data = path.read_bytes()
    assert rows == 2
    assert sha256 == hashlib.sha256(data).hexdigest()
    assert data.decode("utf-8") == (
        "sale_date,city,product_name,unit_price,quantity\n"
        '2026-11-01,SAO PAULO,"Hungry Guaraná, Lata",5.5,2\n'
        "2026-11-02,*,Ouch 100g,,1\n"
    )
    assert not data.startswith(b"\xef\xbb\xbf")  # no BOM
    assert [p.name for p in path.parent.iterdir()] == ["daily.csv"]  # no temporary left


def test_same_frame_same_bytes_and_replace_in_place(tmp_path: Path) -> None:
    path = tmp_path / "monthly.csv"
    first = write_csv(FRAME, path)
    assert write_csv(FRAME.copy(), path) == first
    changed = write_csv(FRAME.assign(quantity=pd.array([3, 1], dtype="Int64")), path)
    assert changed[1] != first[1]
    assert to_csv_bytes(FRAME) != path.read_bytes()
