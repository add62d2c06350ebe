"""One-token mutants of the SQL held in Python string literals (``scripts/sql_mutation.py``).

mutmut 3.8 leaves string literals alone, so the statements of ``products/engine/``
(triple-quoted and f-strings) are never mutated by it. This module finds every string
literal that holds SQL (``ast``: module, class and function docstrings are skipped),
masks what is not SQL inside it (f-string placeholders, ``--`` comments) and applies a
fixed operator set at every site:

* comparisons ``<``/``<=``, ``>``/``>=``, ``=``/``<>``; ``AND``/``OR``;
* ``DESC``/``ASC``, ``NULLS FIRST``/``NULLS LAST``; ``ROW_NUMBER`` -> ``RANK``;
* ``DISTINCT`` dropped (``COUNT``, ``STRING_AGG``, ``SELECT``);
* ``SUM`` -> ``MAX``/``MIN``, ``MIN`` <-> ``MAX``;
* ``JOIN`` -> ``LEFT JOIN`` and back; ``UNION ALL`` -> ``UNION DISTINCT``;
* ``IS NULL`` <-> ``IS NOT NULL``; a level literal (``'city'``, ``'state'``,
  ``'country'``) replaced by the next one;
* a number n -> n + 1 (a decimal: + 0.1);
* a call dropped (``UPPER``, ``TRIM``, ``ABS``, ``ROUND``, ``TRUNC``; ``COALESCE`` keeps
  its first argument);
* one key dropped from a ``GROUP BY``, ``PARTITION BY`` or ``ORDER BY`` list;
* one conjunct dropped from a ``WHERE`` or ``ON`` clause (the only one: the ``WHERE``
  goes, an ``ON`` becomes ``ON TRUE``).

Each mutant is an exact edit of the file: the smallest run of whole lines around the
site that occurs exactly once, as the known-mutant guard's edits
(``ouchhungry_dp_tests/mutation/mutants.py``), so a mutant either applies to exactly
the code it was made for or fails loudly.
"""

from __future__ import annotations

import ast
import hashlib
import io
import re
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

SQL_WORDS = re.compile(r"\b(SELECT|WHERE|JOIN|GROUP BY|CAST|UNNEST|COUNT|SUM|CASE)\b")
Site = tuple[int, int, str]  # (start, end, replacement) within the literal's text


@dataclass(frozen=True)
class SqlMutant:
    path: str  # relative to the repository root
    owner: str  # the top-level function or constant holding the literal
    operator: str
    line: int
    original: str  # whole lines of the file, occurring exactly once
    mutated: str

    @property
    def key(self) -> str:
        digest = hashlib.sha1(f"{self.original}\0{self.mutated}".encode()).hexdigest()[:8]
        return f"{Path(self.path).stem}.{self.owner}#{digest}"

    def change(self) -> str:
        """The changed text only (for reports): what went, what came."""
        a, b = self.original, self.mutated
        head = 0
        while head < min(len(a), len(b)) and a[head] == b[head]:
            head += 1
        tail = 0
        while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
            tail += 1
        left = max(0, head - 12)
        removed = " ".join(a[left:len(a) - tail].split())
        added = " ".join(b[left:len(b) - tail].split())
        return f"{removed} -> {added}"

    def apply(self, source: str) -> str:
        if source.count(self.original) != 1:
            raise ValueError(f"{self.key}: the original text does not occur exactly once "
                             f"in {self.path}")
        return source.replace(self.original, self.mutated)


# --- what is not SQL inside a literal ----------------------------------------------------

def _outside(text: str) -> list[tuple[int, int]]:
    """Spans of the literal's source that are no string content: prefixes, quotes and
    what lies between implicitly joined literals."""
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(text).readline)
              if t.type == tokenize.STRING]
    starts = _offsets(text)
    spans, previous = [], 0
    for token in tokens:
        a = starts[token.start[0] - 1] + token.start[1]
        b = starts[token.end[0] - 1] + token.end[1]
        quote = re.match(r"[rRbBfFuU]*(\"\"\"|\'\'\'|\"|\')", token.string)
        assert quote is not None
        spans += [(previous, a + quote.end()), (b - len(quote.group(1)), b)]
        previous = b
    return spans


def _view(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The literal as the operators read it (quotes as NUL, comments blanked) and the
    spans no site may cut into."""
    view = list(text)
    for a, b in _outside(text):
        view[a:b] = "\0" * (b - a)
    comments = [(m.start(), m.end()) for m in re.finditer(r"--[^\n]*", text)]
    for a, b in comments:
        view[a:b] = " " * (b - a)
    return "".join(view), comments + _outside(text)


def _masked(text: str, fstring: bool) -> list[tuple[int, int]]:
    """Spans that are not SQL: f-string placeholders (the rest: ``_view``)."""
    spans: list[tuple[int, int]] = []
    if fstring:
        i = 0
        while i < len(text):
            if text.startswith(("{{", "}}"), i):
                i += 2
                continue
            if text[i] == "{":
                depth, j = 0, i
                while j < len(text):
                    depth += {"{": 1, "}": -1}.get(text[j], 0)
                    if depth == 0:
                        break
                    j += 1
                spans.append((i, j + 1))
                i = j + 1
                continue
            i += 1
    return spans


def _clean(site: Site, placeholders: list[tuple[int, int]],
           forbidden: list[tuple[int, int]]) -> bool:
    """A site may cover a placeholder whole (a dropped conjunct), never part of one, and
    never touches a quote or a comment."""
    start, end, _ = site
    return (all(end <= a or start >= b or (start <= a and b <= end) for a, b in placeholders)
            and all(end <= a or start >= b for a, b in forbidden))


# --- operators ---------------------------------------------------------------------------

_SWAPS: dict[str, list[tuple[str, str]]] = {
    "comparison": [(r"(?<=\s)<=(?=\s)", "<"), (r"(?<=\s)>=(?=\s)", ">"),
                   (r"(?<=\s)<(?=\s)", "<="), (r"(?<=\s)>(?=\s)", ">="),
                   (r"(?<=\s)=(?=\s)", "<>"), (r"(?<=\s)<>(?=\s)", "=")],
    "and_or": [(r"\bAND\b", "OR"), (r"\bOR\b", "AND")],
    "order": [(r"\bDESC\b", "ASC"), (r"\bASC\b", "DESC"), (r"\bNULLS FIRST\b", "NULLS LAST"),
              (r"\bNULLS LAST\b", "NULLS FIRST")],
    "window": [(r"\bROW_NUMBER\(\)", "RANK()")],
    "distinct": [(r"(?<=\bCOUNT\()DISTINCT ", ""), (r"(?<=\bSTRING_AGG\()DISTINCT ", ""),
                 (r"(?<=\bSELECT )DISTINCT ", "")],
    "aggregate": [(r"\bSUM(?=\()", "MAX"), (r"\bSUM(?=\()", "MIN"), (r"\bMIN(?=\()", "MAX"),
                  (r"\bMAX(?=\()", "MIN")],
    "join": [(r"(?<!LEFT )\bJOIN\b", "LEFT JOIN"), (r"\bLEFT JOIN\b", "JOIN")],
    "union": [(r"\bUNION ALL\b", "UNION DISTINCT")],
    "null_test": [(r"\bIS NOT NULL\b", "IS NULL"), (r"\bIS NULL\b", "IS NOT NULL")],
    "literal": [(r"'city'", "'state'"), (r"'state'", "'country'"), (r"'country'", "'city'")],
}


def _swaps(name: str) -> Callable[[str], Iterator[Site]]:
    def sites(text: str) -> Iterator[Site]:
        for pattern, replacement in _SWAPS[name]:
            for m in re.finditer(pattern, text):
                yield m.start(), m.end(), replacement
    return sites


def _numbers(text: str) -> Iterator[Site]:
    for m in re.finditer(r"(?<![\w.@$'])\d+(\.\d+)?(?![\w.'])", text):
        value = m.group()
        bumped = str(int(value) + 1) if "." not in value else f"{float(value) + 0.1:g}"
        yield m.start(), m.end(), bumped


def _closing(text: str, opening: int) -> int:
    """Index of the parenthesis closing the one at ``opening``."""
    depth = 0
    for i in range(opening, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i
    raise ValueError("unbalanced parentheses in a SQL literal")


def _split_top(text: str, separator: str) -> list[tuple[int, int]]:
    """Spans of ``text``'s parts between ``separator`` matches at parenthesis depth 0."""
    parts, depth, start = [], 0, 0
    pattern = re.compile(separator)
    i = 0
    while i < len(text):
        if text[i] in "({":
            depth += 1
        elif text[i] in ")}":
            depth -= 1
        elif depth == 0 and (m := pattern.match(text, i)):
            parts.append((start, i))
            start = i = m.end()
            continue
        i += 1
    parts.append((start, len(text)))
    return parts


def _calls(text: str) -> Iterator[Site]:
    for m in re.finditer(r"\b(UPPER|TRIM|ABS|ROUND|TRUNC|COALESCE)\(", text):
        close = _closing(text, m.end() - 1)
        inner = text[m.end():close]
        if m.group(1) == "COALESCE" or m.group(1) == "ROUND":
            a, b = _split_top(inner, r",\s*")[0]
            inner = inner[a:b]
        yield m.start(), close + 1, inner


_CLAUSE_END = re.compile(
    r"\)|\b(WHERE|GROUP BY|ORDER BY|LEFT JOIN|JOIN|UNION|SELECT|FROM|HAVING|QUALIFY)\b|,\n|\0|$")


def _clause(text: str, start: int) -> int:
    """End of the clause starting at ``start`` (depth 0)."""
    depth = 0
    i = start
    while i < len(text):
        if text[i] in "({":
            depth += 1
        elif text[i] in ")}":
            if depth == 0:
                return i
            depth -= 1
        elif depth == 0 and i > start and (m := _CLAUSE_END.match(text, i)) and m.group():
            return i
        i += 1
    return len(text)


def _key_lists(text: str) -> Iterator[Site]:
    for m in re.finditer(r"\b(GROUP BY|PARTITION BY|ORDER BY) ", text):
        end = _clause(text, m.end())
        body = text[m.end():end].rstrip()
        parts = _split_top(body, r",\s*")
        if len(parts) == 1:  # the only key: the clause goes
            yield m.start(), m.end() + len(body), ""
            continue
        for i, (_a, _b) in enumerate(parts):
            kept = [body[x:y] for j, (x, y) in enumerate(parts) if j != i]
            yield m.end(), m.end() + len(body), ", ".join(kept)


def _conjuncts(text: str) -> Iterator[Site]:
    clauses = [(m.group(1), m.start(), m.end(), _clause(text, m.end()))
               for m in re.finditer(r"\b(WHERE|ON) ", text)]
    if not clauses and "SELECT" not in text and " AND " in text:
        first = len(text) - len(text.lstrip("\0"))  # a condition spliced into statements
        clauses = [("", first, first, _clause(text, first))]
    for keyword, head, start, end in clauses:
        body = text[start:end].rstrip()
        parts = _split_top(body, r"\s+AND\s+")
        if len(parts) == 1:
            yield (head, start + len(body), "") if keyword == "WHERE" else (
                start, start + len(body), "TRUE")
            continue
        for i, (a, b) in enumerate(parts):
            if i == 0:
                yield start + a, start + parts[1][0], ""
            else:
                yield start + parts[i - 1][1], start + b, ""


OPERATORS: dict[str, Callable[[str], Iterator[Site]]] = {
    **{name: _swaps(name) for name in _SWAPS},
    "number": _numbers,
    "call": _calls,
    "key_dropped": _key_lists,
    "conjunct_dropped": _conjuncts,
}


# --- literals and mutants ----------------------------------------------------------------

@dataclass(frozen=True)
class Literal:
    owner: str
    start: int  # offsets in the file's text
    end: int
    fstring: bool


def _offsets(source: str) -> list[int]:
    starts, total = [0], 0
    for line in source.splitlines(keepends=True):
        total += len(line)
        starts.append(total)
    return starts


def _position(source_lines: list[str], starts: list[int], line: int, col: int) -> int:
    """ast's (line, UTF-8 byte column) as an offset into the text."""
    text = source_lines[line - 1]
    return starts[line - 1] + len(text.encode()[:col].decode())


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) \
                and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant):
            found.add(id(body[0].value))
    return found


def sql_literals(source: str) -> list[Literal]:
    tree = ast.parse(source)
    lines, starts = source.splitlines(keepends=True), _offsets(source)
    skip = _docstrings(tree)
    found: list[Literal] = []

    def visit(node: ast.AST, owner: str) -> None:
        if isinstance(node, ast.JoinedStr) or (
                isinstance(node, ast.Constant) and isinstance(node.value, str)):
            if id(node) in skip:
                return
            start = _position(lines, starts, node.lineno, node.col_offset)
            end = _position(lines, starts, node.end_lineno, node.end_col_offset)
            if SQL_WORDS.search(source[start:end]):
                found.append(Literal(owner, start, end, isinstance(node, ast.JoinedStr)))
            return  # an f-string's parts are inside it
        for child in ast.iter_child_nodes(node):
            visit(child, owner)

    for top in tree.body:
        if isinstance(top, (ast.FunctionDef, ast.ClassDef)):
            name = top.name
        elif isinstance(top, ast.Assign) and isinstance(top.targets[0], ast.Name):
            name = top.targets[0].id
        elif isinstance(top, ast.AnnAssign) and isinstance(top.target, ast.Name):
            name = top.target.id
        else:
            name = "module"
        visit(top, name)
    return found


def _unique_lines(source: str, start: int, end: int) -> tuple[int, int]:
    """The smallest run of whole lines around ``start..end`` found once in ``source``."""
    a = source.rfind("\n", 0, start) + 1
    b = source.find("\n", end)
    b = len(source) if b < 0 else b + 1
    while source.count(source[a:b]) != 1:
        grown_a = source.rfind("\n", 0, max(a - 1, 0)) + 1
        grown_b = source.find("\n", b)
        grown_b = len(source) if grown_b < 0 else grown_b + 1
        if (grown_a, grown_b) == (a, b):
            break
        a, b = grown_a, grown_b
    return a, b


def mutants_of(root: Path, path: str) -> list[SqlMutant]:
    source = (root / path).read_text()
    out: dict[tuple[int, int, str], SqlMutant] = {}
    for literal in sql_literals(source):
        text = source[literal.start:literal.end]
        view, outside = _view(text)
        placeholders = _masked(view, literal.fstring)
        for name, operator in OPERATORS.items():
            for site in operator(view):
                if not _clean(site, placeholders, outside) or text[site[0]:site[1]] == site[2]:
                    continue
                start, end = literal.start + site[0], literal.start + site[1]
                if (start, end, site[2]) in out:
                    continue
                a, b = _unique_lines(source, start, end)
                mutated = source[a:start] + site[2] + source[end:b]
                out[(start, end, site[2])] = SqlMutant(
                    path, literal.owner, name, source.count("\n", 0, start) + 1,
                    source[a:b], mutated)
    return sorted(out.values(), key=lambda m: (m.line, m.operator, m.mutated))
