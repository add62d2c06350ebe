"""A fixture's value kept on disk, keyed by the code that builds it.

A mutation pass forks one process per mutant, and a session fixture is built again in
each (the small months: ~10 CPU-s per mutant, more than the tests that use them). The
value is built once, pickled, and loaded by every later process whose building code is
the same. The key covers:

* the source of every ``ouchhungry_dp`` module the build can import (its static import
  closure, read from the files, so a test module importing e.g. ``rerelease.py`` adds
  nothing: the build never runs it);
* the mutant mutmut has switched on (``MUTANT_UNDER_TEST``) if its module is in that
  closure: mutmut picks the mutant at call time inside one unchanged file, so the file's
  bytes alone cannot tell a mutated build from a clean one;
* the fixture's arguments and the versions of Python, pandas and numpy.
"""

from __future__ import annotations

import ast
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "ouchhungry_dp"
# Outside the checkout, so that the scratch copies of a mutation pass, of the fast guard
# and of ``mutation_by_hand.py`` share one build: the key is the code, not the path.
CACHE = Path(os.environ.get("OUCHHUNGRY_TEST_CACHE_DIR")
             or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
             / "ouchhungry_dp" / "built-fixtures")
T = TypeVar("T")


def _module_file(name: str) -> Path | None:
    base = ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported(name: str, path: Path) -> set[str]:
    """``ouchhungry_dp`` modules a file imports (``from a import b``: ``a`` and ``a.b``),
    with the packages that import runs (their ``__init__``)."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            parts = target.split(".")
            found |= {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
    return {m for m in found if m.split(".")[0] == PACKAGE and _module_file(m)}


def import_closure(roots: list[str]) -> dict[str, Path]:
    """Every ``ouchhungry_dp`` module importing ``roots`` can load, with its file."""
    seen: dict[str, Path] = {}
    todo = list(roots)
    while todo:
        name = todo.pop()
        path = _module_file(name)
        if name in seen or path is None:
            continue
        seen[name] = path
        todo += _imported(name, path) - seen.keys()
    return seen


def cache_key(roots: list[str], arguments: tuple[object, ...]) -> str:
    import numpy
    import pandas

    closure = import_closure(roots)
    digest = hashlib.sha256(repr((arguments, sys.version, pandas.__version__,
                                  numpy.__version__)).encode())
    for name in sorted(closure):
        digest.update(name.encode() + b"\0" + closure[name].read_bytes() + b"\0")
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    # mutmut names a mutant "<module>.x_<function>__mutmut_<n>" (methods "x<sep><class>...").
    if any(mutant.startswith(f"{name}.x") for name in closure):
        digest.update(b"mutant\0" + mutant.encode())
    return digest.hexdigest()[:32]


def cached(name: str, roots: list[str], arguments: tuple[object, ...],
           build: Callable[[], T]) -> T:
    """``build()``'s value, from the cache when the key matches, else built and stored
    (written to a temporary file, then renamed: a concurrent reader never sees half)."""
    path = CACHE / f"{name}-{cache_key(roots, arguments)}.pickle"
    if path.is_file():
        with path.open("rb") as handle:
            return pickle.load(handle)
    value = build()
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=CACHE, prefix=f".{name}.", delete=False) as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(handle.name, path)
    return value
