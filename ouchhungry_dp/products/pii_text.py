"""Personal data in free text, written the ways people actually type it (no Dagster).

The outbound scan (``guardrails.scan_pii``) runs these on every text column. A
plain pattern list misses what a person types into a catalogue field: a phone
with spaces or dots (``11.98765.4321``), a CPF with spaces, an e-mail spelt out
(``joao arroba gmail ponto com``), a street address, a customer's name inside a
longer text. So each value is first *normalised* and the patterns run on that:

- real ISO dates and timestamps (valid month, day and time) are blanked first, so
  that joining digits never turns a sale date into an 8-digit "CEP" (a date-shaped
  CNPJ such as ``1122-23-33 00:01:81`` is no date and stays);
- runs of one to three characters that are neither letters nor digits between two
  digits (spaces, dots, dashes of every kind, commas, middle dots, ``_``, ``:``...)
  are removed, so every phone/CPF/CNPJ/CEP becomes one digit run whatever its layout;
- accents, marks and case are folded for the word cues and the known identifiers,
  blank-looking characters (every Unicode separator, Hangul fillers, braille blank)
  become spaces, and every character with a digit value (Arabic-Indic, Devanagari,
  fullwidth, circled, dingbat, Ethiopic...) is written as an ASCII digit, since RE2's
  ``\\d`` is ASCII only.

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

# Real ISO dates / timestamps (1900-2099, month 01-12, day 01-31, valid time): blanked
# before digits are joined. Only valid ones: "1122-23-33 00:01:81" is a CNPJ typed to
# look like a timestamp (partner-side attack, session 6), not a date. ``fold`` has
# lower-cased the "T" of an ISO timestamp.
_DATES = (r"\b(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
          r"(?:[Tt ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?"
          r"(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?)?\b")
# One separator run between two digits (applied until stable: matches cannot overlap).
# Anything but a letter, a digit, a comma or "%" separates: a list of separators let an
# en dash, a non-breaking hyphen, a middle dot, an apostrophe, "|", ";" through (session 6
# attacks). Not the comma or "%": the decimal comma and the percent sign of the figures a
# report prints joined a table row's numbers into 8-14 digit runs (a month at 1M items a
# day failed its insights scan so: "12,3% 98 45,6%" read as a CEP). Digits split by
# commas are a documented residual (docs/privacy-audit.md, "Session 6: scan bypasses").
_DIGIT_GAP = r"(\d)[^\p{L}\p{N},%]{1,3}(\d)"
# The same on ASCII text (``fold`` has lower-cased it): RE2's Unicode classes cost about
# twice as much on every value, and a day's values are nearly all ASCII.
_ASCII_DIGIT_GAP = r"(\d)[^a-z0-9,%]{1,3}(\d)"
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
    # and a bare mail provider's name (gmail.com, gmail,com, hotmail com).
    # An "@" with a space beside it, between a word and a letter ("joao @ empresa"; the
    # plain, fullwidth and small "@" without spaces are ``guardrails.TEXT_PATTERNS``').
    "email": r"\w\s+@\s*[a-z]|\w@\s+[a-z]"
    r"|[\w.+-]+\s*(?:\(at\)|\[at\]|\{at\}|\barroba\b)\s*[\w-]+"
    r"|[\w.+-]+\s+at\s+[\w-]+\s*(?:\.|\(dot\)|\[dot\]|\s(?:dot|ponto)\s)"
    r"|\b(?:gmail|hotmail|yahoo|outlook|icloud|uol|bol|terra)"
    r"(?:[^\p{L}\p{N}]+|\s*(?:\bponto\b|\(dot\)|\bdot\b)\s*)(?:com|net|org|br)\b",
    # A street-address cue followed by a number (Rua Augusta 1500, R. Augusta 1500,
    # apto 12, ap 12, bloco 3, bl 3).
    "address": r"(?:\b(?:rua|avenida|av\.?|alameda|travessa|rodovia|estrada|praca)\s+|\br\.\s*)"
    r"[^\d,;]{1,40}?[\s,]\s*(?:n[o.]?\s*)?\d"
    r"|\b(?:ap|apto?|apartamento|bl|bloco|casa)\.?\s*"
    r"(?:n[o.]?\s*)?:?\s*\d",
}


# Marks (accents after NFKD, the keycap U+20E3 and other enclosing marks, variation
# selectors) and format characters: a zero-width space, soft hyphen or word joiner
# inside a customer's name is invisible to a reader, so the name must still match (a
# partner-side attack got "Mari\u200bana ..." through otherwise), and "5\ufe0f\u20e3"
# is the digit 5 on screen.
_DROPPED = r"[\p{M}\p{Cf}]"
# Characters that render as a blank but are not ASCII whitespace (RE2's ``\s``): every
# Unicode separator (Zs, Zl U+2028, Zp), the Hangul fillers (letters for Unicode) and
# the braille blank. They separate words and digit groups like a space does.
_BLANK = r"[\p{Z}\x{115F}\x{1160}\x{3164}\x{FFA0}\x{2800}]"


def fold(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Lower case, accents and format characters removed (NFKD, then marks and
    zero-width/format characters dropped), blank-looking characters as spaces, digits of
    any form as ASCII digits, spaces collapsed.

    An ASCII value is its own NFKD and holds no combining mark, and its Unicode lower
    case is its ASCII lower case: only the other values go through NFKD and the mark
    regex (a day's ~1.5M ids and e-mails are ASCII; the regex was the slow part)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    other = pc.invert(pc.fill_null(pc.string_is_ascii(values), True))
    text = pc.ascii_lower(values)
    if pc.any(other).as_py():
        # Digits first: NFKD would spell a "digit comma" (U+1F101-1F10A) as digit + ",".
        accented = pc.utf8_lower(pc.utf8_normalize(_ascii_digits(values.filter(other)), "NFKD"))
        plain = pc.replace_substring_regex(pc.replace_substring_regex(accented, _DROPPED, ""),
                                           _BLANK, " ")
        text = pc.replace_with_mask(text, other, _ascii_digits(plain))
    return pc.utf8_trim_whitespace(pc.replace_substring_regex(text, r"\s+", " "))


# Two dingbat zeros Unicode gives no digit value (their ones to nines have one).
_DINGBAT_ZEROS = {0x1F10B: "0", 0x1F10C: "0"}


@cache
def _digit_table() -> dict[int, str]:
    """Every non-ASCII character with a digit value -> its ASCII digit: decimal digits
    (category Nd) and the other digits (No: dingbat ❺ ➀, double circled ⓵, Ethiopic ፩,
    superscripts), which NFKD leaves alone when they have no compatibility form."""
    table = {code: str(unicodedata.digit(chr(code))) for code in range(0x80, sys.maxunicode + 1)
             if unicodedata.digit(chr(code), None) is not None}
    return table | _DINGBAT_ZEROS


def _ascii_digits(text: pa.Array) -> pa.Array:
    """Digits of any script or form written as ASCII digits.

    RE2's ``\\d`` is ASCII only and NFKD leaves many digits alone (it maps fullwidth
    and mathematical digits, not Arabic-Indic, Devanagari, dingbat or Ethiopic ones): a
    CPF or phone typed in those digits passed every pattern. Only the values holding such a
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
        text = _replace(text, (_ASCII_DIGIT_GAP, _DIGIT_GAP), r"\1\2")
    return text


def _replace(text: pa.Array, patterns: tuple[str, str], replacement: str) -> pa.Array:
    """RE2 replace with ``patterns[0]`` on the ASCII values and ``patterns[1]`` (the same
    meaning, with Unicode classes) on the others only."""
    other = pc.invert(pc.fill_null(pc.string_is_ascii(text), True))
    replaced = pc.replace_substring_regex(text, patterns[0], replacement)
    if not pc.any(other).as_py():
        return replaced
    return pc.replace_with_mask(replaced, other, pc.replace_substring_regex(
        text.filter(other), patterns[1], replacement))


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


# Word boundaries of the known identifiers (their text is ``words``: letters, digits and
# single spaces). An identifier's letter at an edge needs no ASCII letter beside it, so a
# digit is a boundary for a name ("Maria Souza2"); its digit at an edge needs neither a
# letter nor a digit beside it, so an id is no match inside a longer id or a hex pseudonym.
# A letter that survives ``fold`` (ß, ø, Greek, CJK) is a boundary, as for RE2's ``\w``.
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_ALNUM = _LETTERS | frozenset("0123456789")
# Anything but a letter or a digit between words: "Maria.Laura.Albuquerque",
# "Maria-Laura-Albuquerque", "Albuquerque, Maria Laura" are the name's words.
_NOT_WORD = (r"[^a-z0-9]+", r"[^\p{L}\p{N}]+")  # ASCII text (lower case), any text
# Surname first: "Albuquerque, Maria Laura" is the last word, then the others.
_SURNAME_FIRST = (r"^(.*) (\S+)$", r"\2 \1")
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


def _beside(edge: str) -> frozenset[str]:
    """The characters that may not touch an identifier's ``edge`` character."""
    return _LETTERS if edge in _LETTERS else _ALNUM


def words(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """``fold``, then every run of characters that are neither letters nor digits as one
    space: what the known identifiers and the text are compared on."""
    return _words_of_folded(fold(values))


def _words_of_folded(folded: pa.Array) -> pa.Array:
    """``words`` of text ``fold`` has already folded."""
    return pc.utf8_trim_whitespace(_replace(folded, _NOT_WORD, " "))


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

    Matched case- and accent-insensitively on their ``words`` (punctuation is a space:
    ``Maria.Souza``, ``Maria-Souza``, ``maria_souza@x.com`` against ``maria.souza@x.com``).
    An identifier of several words (a full name, an e-mail) or holding a digit (an id)
    matches anywhere in a value on word boundaries (``entregar p/ Maria Souza``, and
    ``Maria Souza2``: a digit is a boundary for a name's letter); a name of several
    words also matches surname first (``Souza, Maria``). A single-word name matches
    only a whole field, since common first names are product words too (a "Julia"
    flavour).

    The embedded identifiers sit in one Aho-Corasick automaton (``pyahocorasick``):
    one pass over the text finds every occurrence of every identifier, whatever their
    number, where a regex alternation needed one pass per chunk of identifiers (RE2
    caps an automaton's memory) and took minutes at a day's hundreds of thousands.

    ``values``: any iterable of strings, or an Arrow array of them (a day's ~1.5M ids
    are then filtered, folded and sorted without a Python object per value).
    """

    def __init__(self, values: Iterable[str] | pa.Array | pa.ChunkedArray) -> None:
        folded = pc.unique(fold(_present(values)))
        # Folded once: the words of every identifier, the names among them taken by mask.
        all_words = _words_of_folded(folded)
        # A name: no digit and no "@" (not an id, not an e-mail); of several words, it is
        # also searched surname first.
        names = all_words.filter(pc.invert(pc.fill_null(
            pc.match_substring_regex(folded, r"[0-9@]"), True)))
        surname_first = pc.replace_substring_regex(
            names.filter(pc.match_substring(names, " ")), *_SURNAME_FIRST)
        folded = pc.unique(all_words)
        folded = folded.filter(pc.not_equal(folded, ""))
        # Sorted by Arrow (UTF-8 byte order is code-point order, Python's): a day's
        # million ids no longer go through a Python set and sort.
        self.whole: pa.Array = folded.take(pc.array_sort_indices(folded))
        embedded = self.whole.filter(_embedded_mask(self.whole))
        if pc.any(pc.match_substring(embedded, _SEPARATOR)).as_py():
            raise ValueError("a folded known identifier holds a newline; fold() changed")
        self._embedded = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
        for identifier in embedded.to_pylist() + surname_first.to_pylist():
            self._embedded.add_word(identifier)
        if len(self._embedded):
            self._embedded.make_automaton()

    def __len__(self) -> int:
        return len(self.whole)

    def hits(self, values: pa.Array | pa.ChunkedArray) -> np.ndarray:
        """Boolean mask of ``values`` holding a known identifier (null: no hit)."""
        distinct = _Distinct(values)
        text = words(distinct.values)
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
            if (start == 0 or joined[start - 1] not in _beside(joined[start])) and (
                    end == last or joined[end + 1] not in _beside(joined[end])):
                starts.append(start)
        found = np.zeros(len(text), dtype=bool)
        if starts:
            # Offset of each value in ``joined`` (code points, one separator after each).
            lengths = pc.utf8_length(text).to_numpy().astype(np.int64) + 1
            offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
            found[np.searchsorted(offsets, np.asarray(starts), side="right") - 1] = True
        return found
