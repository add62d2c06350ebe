"""The marketplace's product catalogue (fictitious brands, real-looking codes and EANs).

Five segments, each with four or five competing brands of different
manufacturers, so segment shares never expose a single competitor. OuchHungry
owns Hungry (refrigerantes, ~25% of the segment) and Ouch (salgados); Crocante
Alimentos (Crocante, salgados) is the second partner the tests use. Prices are
2026 supermarket-app levels in BRL. A few products launch during 2026, so the
catalogue "as of" a day really depends on the day.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ouchhungry_dp.simulation.documents import ean13_digits
from ouchhungry_dp.simulation.text import digit_matrix

# segment -> (code prefix, share of the marketplace's items, sizes: (number, label, base price))
_SEGMENTS: dict[str, tuple[str, float, list[tuple[int, str, float]]]] = {
    "refrigerantes": ("REF", 0.30, [(350, "Lata 350ml", 4.99), (600, "Garrafa 600ml", 6.99),
                                     (2000, "Garrafa 2L", 11.49)]),
    "salgados": ("SAL", 0.22, [(45, "45g", 5.49), (120, "120g", 10.99), (200, "200g", 15.90)]),
    "cervejas": ("CER", 0.25, [(350, "Lata 350ml", 4.79), (355, "Long Neck 355ml", 7.49),
                                (473, "Latão 473ml", 6.49), (600, "Garrafa 600ml", 11.90)]),
    "sucos": ("SUC", 0.10, [(200, "200ml", 3.49), (1000, "1L", 9.99), (1500, "1,5L", 12.90)]),
    "chocolates": ("CHO", 0.13, [(25, "25g", 3.29), (90, "90g", 8.99), (150, "150g", 13.49)]),
}  # fmt: skip

# (segment, brand, code, manufacturer, share within segment, price factor, product line)
_BRANDS: list[tuple[str, str, str, str, float, float, str]] = [
    ("refrigerantes", "Hungry", "HNG", "OuchHungry", 0.26, 1.00, "Guaraná"),
    ("refrigerantes", "Cola Sul", "CSU", "Refrescos do Sul", 0.30, 1.08, "Cola"),
    ("refrigerantes", "Guaranito", "GUA", "Amazônia Bebidas", 0.22, 0.92, "Guaraná"),
    ("refrigerantes", "Borbulha", "BOR", "Bebidas Tropicais", 0.12, 0.88, "Laranja"),
    ("refrigerantes", "Limonada Serra", "LSE", "Serra Verde Bebidas", 0.10, 0.95, "Limão"),
    ("salgados", "Ouch", "OUC", "OuchHungry", 0.24, 1.05, "Batata Ondulada"),
    ("salgados", "Crocante", "CRO", "Crocante Alimentos", 0.22, 0.97, "Salgadinho de Milho"),
    ("salgados", "Torradinho", "TOR", "Snacks Brasil", 0.28, 1.00, "Amendoim Torrado"),
    ("salgados", "Pipoquita", "PIP", "Milharal Alimentos", 0.14, 0.85, "Pipoca Doce"),
    ("salgados", "Salgamar", "SMR", "Litoral Snacks", 0.12, 0.90, "Biscoito de Polvilho"),
    ("cervejas", "Lupulada", "LUP", "Cervejaria Lúpulo", 0.30, 1.00, "Pilsen"),
    ("cervejas", "Bravia", "BRV", "Cervejaria Serra Alta", 0.28, 1.10, "Puro Malte"),
    ("cervejas", "Gelada Norte", "GNO", "Cervejaria Norte", 0.22, 0.90, "Pilsen"),
    ("cervejas", "Trigal", "TRG", "Maltaria Paulista", 0.20, 1.25, "Weiss"),
    ("sucos", "Pomar", "POM", "Pomar Bebidas", 0.32, 1.00, "Uva Integral"),
    ("sucos", "Tropic", "TRP", "Frutas do Vale", 0.28, 0.95, "Laranja"),
    ("sucos", "Natu", "NAT", "NatuSucos", 0.22, 1.12, "Maçã"),
    ("sucos", "Caju Bom", "CJB", "Nordeste Frutas", 0.18, 0.90, "Caju"),
    ("chocolates", "Cacau Real", "CRL", "Chocolates Bahia", 0.30, 1.10, "Ao Leite"),
    ("chocolates", "Doçura", "DOC", "Doces Mineiros", 0.26, 0.92, "Meio Amargo"),
    ("chocolates", "Trufê", "TRF", "Gramado Chocolates", 0.24, 1.30, "Trufado"),
    ("chocolates", "Bombom Bom", "BBM", "Confeitaria Nacional", 0.20, 0.85, "Wafer"),
]

# Launched during 2026: absent from the catalogue (and from sales) before these days.
_LAUNCHES: dict[str, dt.date] = {
    "REF-HNG-0351": dt.date(2026, 3, 1),  # Hungry Zero
    "SAL-OUC-0046": dt.date(2026, 6, 15),  # Ouch Picante
    "CHO-TRF-0026": dt.date(2026, 9, 1),
}
_CATALOGUE_UPDATED = dt.date(2025, 12, 1)


def _build() -> pd.DataFrame:
    rows = []
    manufacturers = sorted({b[3] for b in _BRANDS})
    for segment, brand, code, maker, share, factor, line in _BRANDS:
        prefix, segment_share, sizes = _SEGMENTS[segment]
        items = [(number, f"{brand} {line} {label}", price) for number, label, price in sizes]
        small_number, small_label, small_price = sizes[0]
        if brand in ("Hungry", "Ouch", "Trufê"):
            variant = {"Hungry": "Zero", "Ouch": "Picante", "Trufê": "Pistache"}[brand]
            items.append((small_number + 1, f"{brand} {variant} {small_label}", small_price))
        size_weights = np.linspace(1.6, 0.6, len(sizes))
        for position, (number, name, price) in enumerate(items):
            size_weight = size_weights[min(position, len(sizes) - 1)]
            rows.append(
                {
                    "product_code": f"{prefix}-{code}-{number:04d}",
                    "product_name": name,
                    "brand": brand,
                    "manufacturer": maker,
                    "segment": segment,
                    "list_price": round(round(price * factor, 1) - 0.01, 2),
                    "sales_weight": segment_share * share * size_weight / sum(size_weights),
                    "manufacturer_number": 1000 + 37 * manufacturers.index(maker),
                }
            )
    frame = pd.DataFrame(rows)
    item = np.arange(len(frame)) + 10_000
    prefixes = np.column_stack(
        [
            np.tile([7, 8, 9], (len(frame), 1)),
            digit_matrix(frame["manufacturer_number"].to_numpy(), 4),
            digit_matrix(item, 5),
        ]
    )
    digits = ean13_digits(prefixes)
    frame["ean"] = ["".join(map(str, row)) for row in digits]  # 80 rows, built once
    frame["launched_on"] = frame["product_code"].map(_LAUNCHES).fillna(_CATALOGUE_UPDATED)
    return frame


_FULL = _build()

CATALOGUE: pd.DataFrame = _FULL[
    ["product_code", "ean", "product_name", "brand", "manufacturer", "segment", "list_price"]
].copy()
"""Clean catalogue of every product ever sold (list_price: float BRL)."""


def catalogue_as_of(day: dt.date) -> pd.DataFrame:
    """Products launched on or before ``day``, with their sales weight and launch day."""
    return _FULL[_FULL["launched_on"] <= day].reset_index(drop=True)
