"""Format repair: raw text in, canonical or typed values out (no Dagster import).

Each function takes a ``pandas.Series`` of raw text and returns a Series with the
same index. Surrounding white space is ignored; a missing or unrepairable value
gives a missing result, never an exception. Everything runs as Arrow compute
kernels (RE2 regexes, casts) or numpy: no per-row Python.

Dates are read with explicit formats, day first (``dd/mm/yyyy``, ``dd-mm-yyyy``)
or ISO (``yyyy-mm-dd``, with optional time, fraction and UTC offset); the format
is decided by a regex per value, never inferred from the column, so ``03/04/2026``
is always 3 April.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ouchhungry_dp.quality._arrow import (
    fixed_width_rows,
    full_match,
    remove,
    text_array,
    to_text_series,
)

LOCAL_TIMEZONE = "America/Sao_Paulo"
_NULL_TEXT = pa.scalar(None, pa.large_string())

# --- identifiers -------------------------------------------------------------------
_CEP_SHAPE = r"\d{5}-?\d{3}|\d{2}\.\d{3}-?\d{3}"
_CPF_SHAPE = r"\d{3}\.?\d{3}\.?\d{3}-?\d{2}"
_CNPJ_SHAPE = r"[0-9A-Z]{2}\.?[0-9A-Z]{3}\.?[0-9A-Z]{3}/?[0-9A-Z]{4}-?\d{2}"
_CNPJ_FORMATTED = r"[0-9A-Z]{2}\.[0-9A-Z]{3}\.[0-9A-Z]{3}/[0-9A-Z]{4}-\d{2}"
_CNPJ_PIECES = ((0, 2), (3, 6), (7, 10), (11, 15), (16, 18))
_EMPTY = pa.scalar("", pa.large_string())


def _keep_if(arr: pa.Array, shape: str, separators: str) -> pa.Array:
    """Separators (literal characters) removed where the value has the expected shape,
    else null. Literal replacement: several times faster than an RE2 character class."""
    ok = full_match(arr, shape)
    for separator in separators:
        arr = pc.replace_substring(arr, separator, "")
    return pc.if_else(pc.fill_null(ok, False), arr, _NULL_TEXT)


def normalize_cep(values: pd.Series) -> pd.Series:
    """``01310100``, ``01310-100``, ``01.310-100`` -> ``01310-100``; anything else -> missing."""
    arr = text_array(values)
    done = pc.fill_null(full_match(arr, r"\d{5}-\d{3}"), False)  # most values: already canonical
    rest = pc.invert(done)
    if pc.any(rest).as_py():
        digits = _keep_if(arr.filter(rest), _CEP_SHAPE, ".-")
        dashed = pc.binary_join_element_wise(
            pc.utf8_slice_codeunits(digits, 0, 5), pc.utf8_slice_codeunits(digits, 5, 8),
            pa.scalar("-", digits.type),
        )
        arr = pc.replace_with_mask(arr, rest, dashed.cast(arr.type))
    return to_text_series(arr, values.index)


def normalize_cpf(values: pd.Series) -> pd.Series:
    """CPF as its 11 bare digits (check digits NOT verified: see ``is_valid_cpf``)."""
    return to_text_series(_keep_if(text_array(values), _CPF_SHAPE, ".-"), values.index)


def normalize_cnpj(values: pd.Series) -> pd.Series:
    """CNPJ as 14 bare characters, upper case, numeric or alphanumeric (check digits unchecked)."""
    arr = pc.ascii_upper(text_array(values))  # non-ASCII letters fail the shape anyway
    # The usual NN.NNN.NNN/NNNN-NN: fixed positions, so slices instead of replacements.
    formatted = pc.fill_null(full_match(arr, _CNPJ_FORMATTED), False)
    pieces = [pc.utf8_slice_codeunits(arr, a, b) for a, b in _CNPJ_PIECES]
    result = pc.if_else(formatted, pc.binary_join_element_wise(*pieces, _EMPTY), _NULL_TEXT)
    rest = pc.invert(formatted)
    if pc.any(rest).as_py():
        other = _keep_if(arr.filter(rest), _CNPJ_SHAPE, "./-")
        result = pc.replace_with_mask(result, rest, other.cast(result.type))
    return to_text_series(result, values.index)


def normalize_phone_br(values: pd.Series) -> pd.Series:
    """Brazilian phone in E.164 (``+55`` + DDD + number) when it has the shape of one.

    Accepts ``(11) 98765-4321``, ``11987654321``, ``+55 11 98765-4321``,
    ``55 11 98765 4321`` and the trunk prefix ``011 ...``. Whether the DDD exists
    and the number is plausible is ``is_valid_phone_br``'s job.
    """
    arr = remove(text_array(values), r"[\s().\-]")
    arr = pc.replace_substring_regex(arr, r"^\+55(\d{10,11})$", r"\1")
    arr = pc.replace_substring_regex(arr, r"^55(\d{10,11})$", r"\1")
    arr = pc.replace_substring_regex(arr, r"^0(\d{10,11})$", r"\1")
    ok = pc.fill_null(full_match(arr, r"\d{10,11}"), False)
    return to_text_series(
        pc.if_else(ok, pc.replace_substring_regex(arr, r"^", "+55"), _NULL_TEXT), values.index
    )


def normalize_email(values: pd.Series) -> pd.Series:
    """Trimmed, lower case (validity: ``is_valid_email``)."""
    return to_text_series(pc.utf8_lower(text_array(values)), values.index)


def normalize_city(values: pd.Series) -> pd.Series:
    """Upper case, accents removed, single spaces: `` são  paulo `` -> ``SAO PAULO``."""
    arr = text_array(values)
    accented = pc.fill_null(pc.invert(pc.string_is_ascii(arr)), False)
    if pc.any(accented).as_py():  # Unicode work only on the values that need it
        sub = remove(pc.utf8_normalize(arr.filter(accented), form="NFD"), r"\p{Mn}")
        sub = pc.replace_substring_regex(sub, r"[’‘`´]", "'")
        arr = pc.replace_with_mask(arr, accented, sub.cast(arr.type))
    arr = pc.replace_substring_regex(pc.utf8_upper(arr), r"\s{2,}|[\t\n\r\f\v]", " ")
    arr = pc.replace_substring_regex(arr, r"\s{2,}", " ")
    return to_text_series(arr, values.index)


def normalize_uf(values: pd.Series) -> pd.Series:
    """State code trimmed and upper case (validity against the 27 UFs is a rule)."""
    return to_text_series(pc.utf8_upper(text_array(values)), values.index)


# --- numbers -----------------------------------------------------------------------
def _masked(arr: pa.Array, kind: type, dtype: type) -> pd.api.extensions.ExtensionArray:
    """Arrow numbers -> pandas masked array (Float64 / Int64) straight from numpy buffers."""
    mask = pc.is_null(arr).to_numpy(zero_copy_only=False)
    data = pc.fill_null(arr, 0).to_numpy(zero_copy_only=False).astype(dtype, copy=False)
    return kind(data, mask)


_MONEY_BR = r"-?\d{1,3}(?:\.\d{3})+,\d{1,2}|-?\d+,\d{1,2}"  # 1.234,56  7,50
_MONEY_BR_THOUSANDS = r"-?\d{1,3}(?:\.\d{3})+"  # 1.234 (Brazilian grouping, no cents)
_MONEY_US = r"-?\d{1,3}(?:,\d{3})+\.\d{1,2}"  # 1,234.56
_MONEY_PLAIN = r"-?\d+(?:\.\d{1,2})?"  # 1234.56  12.5  7


def parse_money_brl(values: pd.Series) -> pd.Series:
    """BRL amounts as Float64: ``R$ 1.234,56`` -> 1234.56, ``7,50`` -> 7.5, ``12.5`` -> 12.5.

    A dot followed by exactly three digits is a Brazilian thousands separator
    (``1.234`` -> 1234); more than two decimals is not money (-> missing).
    """
    arr = text_array(values)
    # Most values are already plain ("7.50"): cast those, run the format regexes on the rest.
    plain = pc.fill_null(full_match(arr, _MONEY_PLAIN), False)
    plain_np = plain.to_numpy(zero_copy_only=False)
    result = np.full(len(arr), np.nan)
    result[plain_np] = pc.cast(arr.filter(plain), pa.float64()).to_numpy(zero_copy_only=False)
    if not plain_np.all():
        rest = _parse_formatted_money(arr.filter(pc.invert(plain)))
        result[~plain_np] = pc.fill_null(rest, np.nan).to_numpy(zero_copy_only=False)
    floats = pa.array(result, from_pandas=True)  # NaN -> null
    return pd.Series(_masked(floats, pd.arrays.FloatingArray, np.float64), index=values.index)


def _parse_formatted_money(arr: pa.Array) -> pa.Array:
    arr = pc.replace_substring_regex(arr, r"^(-?)\s*R\$\s*", r"\1")
    arr = remove(arr, r"\s")
    br = pc.replace_substring(pc.replace_substring(arr, ".", ""), ",", ".")
    canonical = pc.case_when(
        pc.make_struct(
            pc.fill_null(full_match(arr, _MONEY_BR), False),
            pc.fill_null(full_match(arr, _MONEY_BR_THOUSANDS), False),
            pc.fill_null(full_match(arr, _MONEY_US), False),
            pc.fill_null(full_match(arr, _MONEY_PLAIN), False),
        ),
        br,
        pc.replace_substring(arr, ".", ""),
        pc.replace_substring(arr, ",", ""),
        arr,
    )
    return pc.cast(canonical, pa.float64())


# "2,0" and "2.00" are two units; "1.000" is one thousand in pt-BR and 1 in en-US,
# so three digits after the separator are ambiguous and not parsed (quarantined).
_QUANTITY = r"[+-]?\d{1,9}(?:[.,]0{1,2})?\s*(?:un|und|unid|unidades?|u|x|pcs?)?\.?"


def parse_quantity(values: pd.Series) -> pd.Series:
    """Whole units as Int64: ``2``, `` 3 ``, ``2un``, ``3 und.``, ``2,0`` -> 2, 3, 2, 3, 2.

    Signs are kept (``-1`` -> -1) so the positivity rule can say why a row fails.
    """
    arr = pc.utf8_lower(text_array(values))
    ok = pc.fill_null(full_match(arr, _QUANTITY), False)
    number = pc.extract_regex(pc.if_else(ok, arr, _NULL_TEXT), r"^\+?(?P<n>-?\d+)")
    ints = pc.cast(pc.struct_field(number, [0]), pa.int64())
    return pd.Series(_masked(ints, pd.arrays.IntegerArray, np.int64), index=values.index)


# --- dates and timestamps ----------------------------------------------------------
_DMY = (
    r"^(?P<d>\d{1,2})[/\-.](?P<m>\d{1,2})[/\-.](?P<y>\d{4})"
    r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?$"
)
_ISO = (
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?)?"
    r" ?(?P<z>Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_NS_PER_SECOND = 1_000_000_000
_NS_PER_DAY = 86_400 * _NS_PER_SECOND


def _field(parts: pa.StructArray, name: str) -> pa.Array:
    if parts.type.get_field_index(name) < 0:
        return pa.nulls(len(parts), pa.large_string())
    raw = parts.field(name)
    return pc.if_else(pc.equal(raw, ""), pa.scalar(None, raw.type), raw)


def _days_from_civil(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    y = y - (m <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = (m + 9) % 12
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - 719_468


def _days_in_month(y: np.ndarray, m: np.ndarray) -> np.ndarray:
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    lengths = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    return lengths[np.clip(m, 1, 12) - 1] + ((m == 2) & leap)


def _as_int(arr: pa.Array, default: int) -> np.ndarray:
    arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr)
    return pc.fill_null(pc.cast(arr, pa.int64()), default).to_numpy(zero_copy_only=False)


def _parse_any(arr: pa.Array, timezone: str) -> tuple[np.ndarray, np.ndarray]:
    """(local wall-clock ns, ok) for every accepted format, via regex extraction."""
    dmy = pc.extract_regex(arr, _DMY)
    iso = pc.extract_regex(arr, _ISO)
    parts = {
        name: pc.coalesce(_field(dmy, name), _field(iso, name))
        for name in ("y", "m", "d", "H", "M", "S", "f", "z")
    }
    matched = pc.fill_null(pc.or_(dmy.is_valid(), iso.is_valid()), False).to_numpy(
        zero_copy_only=False
    )
    y, m, d = (_as_int(parts[k], 1) for k in ("y", "m", "d"))
    hh, mm, ss = (_as_int(parts[k], 0) for k in ("H", "M", "S"))
    frac = _as_int(pc.utf8_rpad(parts["f"], 9, "0"), 0)
    ok = (
        matched
        & (y >= 1800)
        & (y <= 2200)
        & (m >= 1)
        & (m <= 12)
        & (d >= 1)
        & (d <= _days_in_month(y, m))
        & (hh < 24)
        & (mm < 60)
        & (ss < 60)
    )
    local_ns = (
        _days_from_civil(y, m, d) * _NS_PER_DAY + (hh * 3600 + mm * 60 + ss) * _NS_PER_SECOND + frac
    )
    zone = parts["z"]
    has_offset = pc.fill_null(pc.is_valid(zone), False).to_numpy(zero_copy_only=False) & ok
    if has_offset.any():
        sign = np.where(
            pc.fill_null(pc.starts_with(zone, "-"), False).to_numpy(zero_copy_only=False), -1, 1
        )
        digits = remove(zone, r"[^0-9]")
        off_h = _as_int(pc.utf8_slice_codeunits(digits, 0, 2), 0)
        off_m = _as_int(pc.utf8_slice_codeunits(digits, 2, 4), 0)
        utc_ns = local_ns - sign * (off_h * 3600 + off_m * 60) * _NS_PER_SECOND
        local_ns = local_ns.copy()
        local_ns[has_offset] = _utc_to_local_ns(utc_ns[has_offset], timezone)
    return local_ns, ok


def _utc_to_local_ns(utc_ns: np.ndarray, timezone: str) -> np.ndarray:
    utc = pd.DatetimeIndex(utc_ns.astype("datetime64[ns]")).tz_localize("UTC")
    return utc.tz_convert(timezone).tz_localize(None).asi8


# The export's own format (ISO with offset, whole seconds) has fixed positions: its
# digits are read straight from Arrow's bytes with numpy. Values of that shape whose
# fields are out of the usual ranges (second 60, offset hour > 23, ...) go to Arrow's C
# strptime as before; other formats to the regex path. strptime rolls 31 Feb over to
# 3 Mar, so the day is checked against the month's length on both paths.
_ISO_OFFSET_SHAPE = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})"


def _byte_range(template: bytes, digit: bytes = b"9") -> tuple[np.ndarray, np.ndarray]:
    """Lowest and highest byte allowed per position: ``9`` marks a digit, ``+`` a sign."""
    low = np.frombuffer(template, np.uint8).copy()
    high = low.copy()
    low[low == digit[0]], high[high == digit[0]] = ord("0"), ord("9")
    high[low == ord("+")] = ord("-")
    return low, high


# The byte ranges and the field weights are computed per call (microseconds), not once
# at import: code that runs only at import is invisible to mutation testing, which
# switches a mutant on per call (docs/testing.md, "quality").
_ISO_Z = b"9999-99-99T99:99:99Z"
_ISO_OFFSET = b"9999-99-99T99:99:99+99:99"
# Field -> (first, last + 1) byte position; Z values are read as offset +00:00.
_ISO_FIELDS = ((0, 4), (5, 7), (8, 10), (11, 13), (14, 16), (17, 19), (20, 22), (23, 25))


def _iso_weights() -> np.ndarray:
    """(25, fields) matrix: a row of digit values times it gives every field's number."""
    weights = np.zeros((25, len(_ISO_FIELDS)), dtype=np.float32)
    for i, (a, b) in enumerate(_ISO_FIELDS):
        weights[a:b, i] = 10.0 ** np.arange(b - a - 1, -1, -1)
    return weights


def _iso_offset_matrix(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(positions, bytes as digit values) of the values with exactly the shape
    ``_ISO_OFFSET_SHAPE``, padded to 25 columns (``Z`` values: offset +00:00)."""
    found_rows, found = [], []
    for low, high in (_byte_range(_ISO_Z), _byte_range(_ISO_OFFSET)):
        rows, matrix = fixed_width_rows(arr, len(low))
        ok = ((matrix - low) <= (high - low)).all(axis=1)  # uint8: below ``low`` wraps round
        if len(low) == 25:
            ok &= matrix[:, 19] != ord(",")  # between "+" and "-"
        matrix = matrix[ok]
        if len(low) == 20:
            matrix = np.hstack(
                [matrix[:, :19], np.tile(np.frombuffer(b"+00:00", np.uint8), (len(matrix), 1))]
            )
        found_rows.append(rows[ok])
        found.append(matrix)
    return np.concatenate(found_rows), np.vstack(found)


def _iso_offset_numbers(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(UTC ns, ok, ordinary) of ``_iso_offset_matrix`` rows. ``ordinary`` rows have every
    field in its usual range, where strptime's answer is plain arithmetic."""
    # One float matrix product reads every field (exact: every field is below 2**24).
    # Separator columns have weight 0, so their (meaningless) values drop out.
    digits = matrix.astype(np.float32)
    digits -= ord("0")
    fields = (digits @ _iso_weights()).astype(np.int64)
    y, m, d, hh, mm, ss, off_h, off_m = np.ascontiguousarray(fields.T)
    sign = np.where(matrix[:, 19] == ord("-"), -1, 1)
    ok = (y >= 1800) & (y <= 2200) & (m >= 1) & (m <= 12) & (d >= 1)
    ok &= d <= _days_in_month(y, m)
    ordinary = (hh < 24) & (mm < 60) & (ss < 60) & (off_h < 24) & (off_m < 60)
    local = _days_from_civil(y, m, d) * _NS_PER_DAY + (hh * 3600 + mm * 60 + ss) * _NS_PER_SECOND
    return local - sign * (off_h * 3600 + off_m * 60) * _NS_PER_SECOND, ok, ordinary


def _parse_iso_offset(arr: pa.Array, timezone: str) -> tuple[np.ndarray, np.ndarray]:
    utc = pc.strptime(arr, format="%Y-%m-%dT%H:%M:%S%z", unit="ns", error_is_null=True)
    y, m, d = (
        _as_int(pc.utf8_slice_codeunits(arr, a, b), 1) for a, b in ((0, 4), (5, 7), (8, 10))
    )
    ok = pc.is_valid(utc).to_numpy(zero_copy_only=False) & (d <= _days_in_month(y, m))
    ok &= (y >= 1800) & (y <= 2200)
    utc_ns = pc.fill_null(pc.cast(utc, pa.int64()), 0).to_numpy(zero_copy_only=False)
    return _utc_to_local_ns(utc_ns, timezone), ok


def parse_timestamps(values: pd.Series, timezone: str = LOCAL_TIMEZONE) -> pd.Series:
    """Timestamps as naive local time of ``timezone`` (datetime64[ns]).

    Values with a UTC offset (``2026-11-25T13:45:10-03:00``, ``...Z``) are
    converted to local time; values without one are already local. A date
    without time gives midnight. Impossible dates (``31/02/2026``) -> NaT.
    """
    arr = text_array(values)
    n = len(arr)
    local_ns = np.zeros(n, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    rows, matrix = _iso_offset_matrix(arr)
    utc_ns, rows_ok, ordinary = _iso_offset_numbers(matrix)
    done = rows[ordinary]
    local_ns[done] = _utc_to_local_ns(utc_ns[ordinary], timezone)
    ok[done] = rows_ok[ordinary]
    unusual = np.zeros(n, dtype=bool)
    unusual[rows[~ordinary]] = True
    other = np.ones(n, dtype=bool)
    other[rows] = False
    for part, parser in ((unusual, _parse_iso_offset), (other, _parse_any)):
        if part.any():
            part_ns, part_ok = parser(arr.filter(pa.array(part)), timezone)
            local_ns[part], ok[part] = part_ns, part_ok
    stamps = np.where(ok, local_ns, 0).astype("datetime64[ns]")
    return pd.Series(stamps, index=values.index).where(ok).astype("datetime64[ns]")


def parse_dates(values: pd.Series, timezone: str = LOCAL_TIMEZONE) -> pd.Series:
    """Calendar dates (datetime64[ns] at midnight) from ``dd/mm/yyyy``, ``dd-mm-yyyy``,
    ISO dates and ISO timestamps (with an offset: the day in ``timezone``).
    Impossible dates -> NaT."""
    return parse_timestamps(values, timezone).dt.normalize()
