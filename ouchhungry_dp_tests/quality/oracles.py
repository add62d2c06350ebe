"""Independent, per-value reference implementations used only as test oracles.

Written the textbook way (loops over characters) so that they share no code or
trick with the vectorised library they check.
"""

from __future__ import annotations


def cpf_check_digits(first9: str) -> str:
    digits = [int(c) for c in first9]
    for size in (9, 10):
        total = sum(d * w for d, w in zip(digits[:size], range(size + 1, 1, -1), strict=True))
        digits.append((total * 10) % 11 % 10)
    return f"{digits[9]}{digits[10]}"


def cnpj_check_digits(first12: str) -> str:
    values = [ord(c) - ord("0") for c in first12]
    for weights in ([5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2], [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]):
        remainder = sum(v * w for v, w in zip(values, weights, strict=True)) % 11
        values.append(0 if remainder < 2 else 11 - remainder)
    return f"{values[12]}{values[13]}"


def ean13_check_digit(first12: str) -> str:
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(first12))
    return str((10 - total % 10) % 10)


def format_cpf(cpf: str) -> str:
    return f"{cpf[:3]}.{cpf[3:6]}.{cpf[6:9]}-{cpf[9:]}"


def format_cnpj(cnpj: str) -> str:
    return f"{cnpj[:2]}.{cnpj[2:5]}.{cnpj[5:8]}/{cnpj[8:12]}-{cnpj[12:]}"


def format_brl(cents: int) -> str:
    """``R$ 1.234,56`` the way Brazilian receipts print it."""
    sign = "-" if cents < 0 else ""
    reais, centavos = divmod(abs(cents), 100)
    grouped = f"{reais:,}".replace(",", ".")
    return f"{sign}R$ {grouped},{centavos:02d}"
