"""Personal data in free text, written the ways people actually type it (no Dagster).

The outbound scan (``guardrails.scan_pii``) runs these on every text column. A
plain pattern list misses what a person types into a catalogue field: a phone
with spaces or dots (``11.98765.4321``), a CPF with spaces, an e-mail spelt out
(``joao arroba gmail ponto com``), a street address, a customer's name inside a
longer text. So each value is first *normalised* and the patterns run on that:

- ISO dates and timestamps are blanked first, so that joining digits never turns
  a sale date into an 8-digit "CEP";
- separators between digits (spaces, dots, dashes, slashes, parentheses) are
  removed, so every phone/CPF/CNPJ/CEP becomes one digit run whatever its layout;
- accents and case are folded for the word cues and the known identifiers, and the
  decimal digits of every script (Arabic-Indic, Devanagari, fullwidth...) are written
  as ASCII digits, since RE2's ``\\d`` is ASCII only.

Everything runs in RE2 through pyarrow or, for the known identifiers, in an
Aho-Corasick automaton (linear time, no backtracking on hostile input). A blocking
scan errs on the side of stopping the file.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from functools import cache

import ahocorasick
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# ISO date / timestamp / month keys: blanked before digits are joined.
_DATES = r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b"
# One separator run between two digits (applied until stable: matches cannot overlap).
_DIGIT_GAP = r"(\d)[\s().\-/]{1,3}(\d)"
_JOIN_PASSES = 4

# Patterns on the normalised (digits joined, lower case, no accents) text. A run of
# 8-14 digits is an identifier of a person in this business: CEP 8, phone 9-13
# (with or without area code and +55), CPF 11, CNPJ 14. No legitimate text field of
# a product (names, codes, labels) holds one.
NORMALISED_PATTERNS: dict[str, str] = {
    "cep": r"\b\d{8}\b|\bcep\.?\s*:?\s*\d",
    "phone": r"\b\d{9,10}\b|\b\d{12,13}\b"
    r"|\b(?:tel|telefone|fone|celular|whatsapp|zap)\.?\s*:?\s*\d",
    "cpf": r"\b\d{11}\b|\bcpf\b",
    "cnpj": r"\b\d{14}\b|\bcnpj\b",
    # joao(at)gmail.com, joao [at] gmail [dot] com, joao arroba gmail ponto com,
    # and a bare mail provider's name.
    "email": r"[\w.+-]+\s*(?:\(at\)|\[at\]|\{at\}|\barroba\b)\s*[\w-]+"
    r"|[\w.+-]+\s+at\s+[\w-]+\s*(?:\.|\(dot\)|\[dot\]|\s(?:dot|ponto)\s)"
    r"|\b(?:gmail|hotmail|yahoo|outlook|icloud|uol|bol|terra)\s*(?:\.|\bponto\b|\(dot\)|\bdot\b)"
    r"\s*(?:com|net|org|br)\b",
    # A street-address cue followed by a number (Rua Augusta 1500, apto 12, bloco 3).
    "address": r"\b(?:rua|avenida|av\.?|alameda|travessa|rodovia|estrada|praca)\s+[^\d,;]{1,40}?"
    r"[\s,]\s*(?:n[o.]?\s*)?\d"
    r"|\b(?:apto?|apartamento|bloco|casa)\.?\s*"
    r"(?:n[o.]?\s*)?:?\s*\d",
}


# Combining marks (accents after NFKD) and format characters: a zero-width space, soft
# hyphen or word joiner inside a customer's name is invisible to a reader, so the name
# must still match (a partner-side attack got "Mari\u200bana ..." through otherwise).
_DROPPED = r"[\p{Mn}\p{Cf}]"


def fold(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Lower case, accents and format characters removed (NFKD, then combining marks and
    zero-width/format characters dropped), digits of any script as ASCII digits, spaces
    collapsed.

    An ASCII value is its own NFKD and holds no combining mark, and its Unicode lower
    case is its ASCII lower case: only the other values go through NFKD and the mark
    regex (a day's ~1.5M ids and e-mails are ASCII; the regex was the slow part)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    other = pc.invert(pc.fill_null(pc.string_is_ascii(values), True))
    text = pc.ascii_lower(values)
    if pc.any(other).as_py():
        accented = pc.utf8_lower(pc.utf8_normalize(values.filter(other), "NFKD"))
        text = pc.replace_with_mask(
            text, other, _ascii_digits(pc.replace_substring_regex(accented, _DROPPED, "")))
    return pc.utf8_trim_whitespace(pc.replace_substring_regex(text, r"\s+", " "))


@cache
def _digit_table() -> dict[int, str]:
    """Every non-ASCII decimal digit (Unicode category Nd) -> its ASCII digit."""
    return {code: str(unicodedata.decimal(chr(code))) for code in range(0x80, sys.maxunicode + 1)
            if unicodedata.category(chr(code)) == "Nd"}


def _ascii_digits(text: pa.Array) -> pa.Array:
    """Decimal digits of any script written as ASCII digits.

    RE2's ``\\d`` is ASCII only and NFKD leaves most scripts' digits alone (it maps
    fullwidth and mathematical digits, not Arabic-Indic, Devanagari, Bengali...): a CPF
    or phone typed in those digits passed every pattern. Only the values holding such a
    digit go through Python's ``str.translate`` (the scan runs over a day's ~1M rows)."""
    other = pc.fill_null(pc.match_substring_regex(text, _other_digit_pattern()), False)
    if not pc.any(other).as_py():
        return text
    mapped = [value.translate(_digit_table()) for value in text.filter(other).to_pylist()]
    return pc.replace_with_mask(text, other, pa.array(mapped, type=text.type))


def normalise(values: pa.Array) -> pa.Array:
    """``fold`` + dates blanked + separators between digits removed."""
    text = pc.replace_substring_regex(fold(values), _DATES, " ")
    for _ in range(_JOIN_PASSES):
        text = pc.replace_substring_regex(text, _DIGIT_GAP, r"\1\2")
    return text


class _Distinct:
    """The distinct values of a column and the way back to its rows (a null: no hit).

    Folding and searching are per value, so each distinct value is done once: a daily
    file repeats its dates, cities, brands and product names on every row."""

    def __init__(self, values: pa.Array | pa.ChunkedArray) -> None:
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        encoded = pc.dictionary_encode(values)
        self.values: pa.Array = encoded.dictionary
        self._rows = pc.fill_null(encoded.indices, 0).to_numpy()
        self._valid = encoded.indices.is_valid().to_numpy(zero_copy_only=False)

    def to_rows(self, found: np.ndarray) -> np.ndarray:
        if len(found) == 0:  # no value, or only nulls
            return np.zeros(len(self._rows), dtype=bool)
        return found[self._rows] & self._valid


def _mask(matches: pa.Array) -> np.ndarray:
    return pc.fill_null(matches, False).to_numpy(zero_copy_only=False)


def _matches(distinct: _Distinct, text: pa.Array, patterns: Mapping[str, str]
             ) -> dict[str, np.ndarray]:
    """kind -> the rows whose distinct value's ``text`` matches ``patterns[kind]``."""
    return {kind: distinct.to_rows(_mask(pc.match_substring_regex(text, pattern)))
            for kind, pattern in patterns.items()}


def regex_hits(values: pa.Array | pa.ChunkedArray, patterns: Mapping[str, str]
               ) -> dict[str, np.ndarray]:
    """kind -> boolean mask of the values matching ``patterns[kind]`` as they are (RE2,
    each distinct value searched once; a null is no hit)."""
    distinct = _Distinct(values)
    return _matches(distinct, distinct.values, patterns)


def pattern_hits(values: pa.Array | pa.ChunkedArray) -> dict[str, np.ndarray]:
    """kind -> boolean mask of the values holding that kind of personal data."""
    distinct = _Distinct(values)
    return _matches(distinct, normalise(distinct.values), NORMALISED_PATTERNS)


# RE2's ``\w`` (the boundary of the regex this index replaced): ASCII letters, digits
# and ``_`` only. A letter that survives ``fold`` (ß, ø, Greek, CJK) is a boundary.
_WORD_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
# Joins the distinct values into one text searched in a single pass. ``fold`` turns
# every newline into a space, so neither a value nor an identifier holds one: no
# match can span two values, and the separator is a boundary like a string's edge.
_SEPARATOR = "\n"


def _class_of(predicate: Callable[[str], bool]) -> str:
    """An RE2 character class of exactly the code points ``predicate`` holds for, as
    ranges: Python's own Unicode tables decide, so a vectorised test keeps its meaning."""
    ranges: list[list[int]] = []
    for code in range(sys.maxunicode + 1):
        if predicate(chr(code)):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return "".join(f"\\x{{{a:x}}}" if a == b else f"\\x{{{a:x}}}-\\x{{{b:x}}}"
                   for a, b in ranges)


@cache
def _embedded_pattern() -> str:
    # str.isdigit is Unicode (Arabic-Indic, Devanagari, superscripts that survive
    # NFKD...), RE2's \d is ASCII only: the class is built from Python's isdigit.
    return f"[ @{_class_of(str.isdigit)}]"


@cache
def _other_digit_pattern() -> str:
    return f"[{_class_of(lambda char: ord(char) in _digit_table())}]"


@cache
def _blank_pattern() -> str:
    # Empty or only what ``str.strip()`` removes (str.isspace), as Python decides.
    return f"^[{_class_of(str.isspace)}]*$"


def _embedded_mask(identifiers: pa.Array) -> pa.Array:
    """The identifiers searched inside longer text (a space, an ``@`` or a digit, as
    Python's ``str.isdigit`` decides), all at once: RE2 over Python's digit class."""
    return pc.match_substring_regex(identifiers, _embedded_pattern())


def _present(values: Iterable[str] | pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """The values that are not missing, empty or blank (``v and str(v).strip()``);
    an Arrow column's distinct ones."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        # Distinct first: a day's ids repeat (an order id on each of its items), and
        # what is filtered and folded next is per value.
        text = pc.unique(values.cast(pa.string()))
        return text.filter(pc.invert(pc.fill_null(
            pc.match_substring_regex(text, _blank_pattern()), True)))
    return pa.array([v for v in values if v and str(v).strip()], type=pa.string())


class KnownIdentifiers:
    """Values of the day's customers and orders that must never leave (names, e-mails, ids).

    Matched case- and accent-insensitively. An identifier of several tokens (a full
    name) or holding a digit or ``@`` (an id, an e-mail) matches anywhere in a value
    on word boundaries (``entregar p/ Maria Souza``); a single-word name matches only
    a whole field, since common first names are product words too (a "Julia" flavour).

    The embedded identifiers sit in one Aho-Corasick automaton (``pyahocorasick``):
    one pass over the text finds every occurrence of every identifier, whatever their
    number, where a regex alternation needed one pass per chunk of identifiers (RE2
    caps an automaton's memory) and took minutes at a day's hundreds of thousands.

    ``values``: any iterable of strings, or an Arrow array of them (a day's ~1.5M ids
    are then filtered, folded and sorted without a Python object per value).
    """

    def __init__(self, values: Iterable[str] | pa.Array | pa.ChunkedArray) -> None:
        folded = pc.unique(fold(_present(values)))
        folded = folded.filter(pc.not_equal(folded, ""))
        # Sorted by Arrow (UTF-8 byte order is code-point order, Python's): a day's
        # million ids no longer go through a Python set and sort.
        self.whole: pa.Array = folded.take(pc.array_sort_indices(folded))
        embedded = self.whole.filter(_embedded_mask(self.whole))
        if pc.any(pc.match_substring(embedded, _SEPARATOR)).as_py():
            raise ValueError("a folded known identifier holds a newline; fold() changed")
        self._embedded = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
        for identifier in embedded.to_pylist():
            self._embedded.add_word(identifier)
        if len(self._embedded):
            self._embedded.make_automaton()

    def __len__(self) -> int:
        return len(self.whole)

    def hits(self, values: pa.Array | pa.ChunkedArray) -> np.ndarray:
        """Boolean mask of ``values`` holding a known identifier (null: no hit)."""
        distinct = _Distinct(values)
        text = fold(distinct.values)
        # The identifiers equal to one of the values first (a hash of the column's
        # distinct values, probed by the ids), then the values equal to one of those:
        # ``is_in(text, value_set=whole)`` hashed all ~1.5M ids again for every column.
        equal = self.whole.filter(pc.is_in(self.whole, value_set=text))
        found = _mask(pc.is_in(text, value_set=equal))
        if len(self._embedded) and len(text):
            found |= self._embedded_hits(text)
        return distinct.to_rows(found)

    def _embedded_hits(self, text: pa.Array) -> np.ndarray:
        """Per folded value: an embedded identifier occurs in it on word boundaries."""
        if pc.any(pc.match_substring(text, _SEPARATOR)).as_py():
            raise ValueError("a folded value holds a newline; fold() changed")
        # The separator takes the values' own type: DuckDB hands text over as large_string.
        joined = pc.binary_join(
            pa.ListArray.from_arrays(pa.array([0, len(text)], type=pa.int32()), text),
            pa.scalar(_SEPARATOR, type=text.type))[0].as_py()
        starts: list[int] = []
        last = len(joined) - 1
        # Every occurrence, overlapping ones included: a longer identifier that fails
        # the boundary test must not hide a shorter one that passes.
        for end, length in self._embedded.iter(joined):
            start = end - length + 1
            if (start == 0 or joined[start - 1] not in _WORD_CHARS) and (
                    end == last or joined[end + 1] not in _WORD_CHARS):
                starts.append(start)
        found = np.zeros(len(text), dtype=bool)
        if starts:
            # Offset of each value in ``joined`` (code points, one separator after each).
            lengths = pc.utf8_length(text).to_numpy().astype(np.int64) + 1
            offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
            found[np.searchsorted(offsets, np.asarray(starts), side="right") - 1] = True
        return found
