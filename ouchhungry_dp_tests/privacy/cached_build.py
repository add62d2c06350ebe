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
* the fixture's arguments, the bytes of the file that holds the builder (the conftest),
  every data file of the package (contracts, reference tables), the environment variables
  the platform reads (``OUCHHUNGRY_*``) and the versions of every installed distribution.

**Opt-in only.** The cache is used when ``OUCHHUNGRY_TEST_CACHE_DIR`` names a folder:
``scripts/mutation.py`` (a folder inside the pass's scratch copy, emptied by each new
pass), ``scripts/mutation_by_hand.py`` and the fast guard (a folder of that guard run) set
it. A plain ``pytest``/``make test`` builds the months every time, so no test there can
pass on months built by other code. It is skipped in mutmut's coverage run
(``MUTANT_UNDER_TEST=stats``): loading the months there would hide the functions the build
calls from the tests that need them. A value built under a mutant of the closure is not
stored (no later run has that key). A store that fails is not an error.
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
CACHE_ENV = "OUCHHUNGRY_TEST_CACHE_DIR"
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


def _versions() -> str:
    import importlib.metadata

    return ";".join(sorted(f"{d.metadata['Name']}=={d.version}"
                           for d in importlib.metadata.distributions()))


# The package's data (contracts, reference tables, DDL, locks): an allowlist, because a
# mutation pass's copy holds mutmut's ``*.meta`` files beside the sources, rewritten
# after every mutant (a denylist put them in the key: every mutant missed the cache).
DATA_SUFFIXES = (".csv", ".json", ".sql", ".toml", ".yaml", ".yml")


def _data_files() -> list[Path]:
    return sorted(p for p in (ROOT / PACKAGE).rglob("*")
                  if p.is_file() and p.suffix in DATA_SUFFIXES)


def cache_key(roots: list[str], arguments: tuple[object, ...], builder: Path) -> tuple[str, bool]:
    """The key, and whether the mutant under test is in the build's import closure."""
    closure = import_closure(roots)
    settings = sorted((k, v) for k, v in os.environ.items() if k.startswith("OUCHHUNGRY_")
                      and k != CACHE_ENV)
    digest = hashlib.sha256(repr((arguments, sys.version, _versions(), settings)).encode())
    digest.update(b"builder\0" + builder.read_bytes() + b"\0")
    for path in _data_files():
        digest.update(os.path.relpath(path, ROOT).encode() + b"\0" + path.read_bytes() + b"\0")
    for name in sorted(closure):
        digest.update(name.encode() + b"\0" + closure[name].read_bytes() + b"\0")
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    # mutmut names a mutant "<module>.x_<function>__mutmut_<n>" (methods "x<sep><class>...").
    mutated = any(mutant.startswith(f"{name}.x") for name in closure)
    if mutated:
        digest.update(b"mutant\0" + mutant.encode())
    return digest.hexdigest()[:32], mutated


def cached(name: str, roots: list[str], arguments: tuple[object, ...],
           build: Callable[[], T], builder: Path) -> T:
    """``build()``'s value, from the cache when it is switched on and the key matches,
    else built (and stored when switched on: written to a temporary file, then renamed,
    so a concurrent reader never sees half). ``builder``: the file that defines ``build``."""
    folder = os.environ.get(CACHE_ENV, "")
    if not folder or os.environ.get("MUTANT_UNDER_TEST") == "stats":
        return build()
    key, mutated = cache_key(roots, arguments, builder)
    path = Path(folder) / f"{name}-{key}.pickle"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except FileNotFoundError:
        pass
    except (OSError, pickle.UnpicklingError, EOFError):
        path.unlink(missing_ok=True)  # unreadable or cut short: built again below
    value = build()
    if mutated:
        return value
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{name}.",
                                         delete=False) as handle:
            temporary = handle.name
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        temporary = None
    except OSError:
        pass  # a cache that cannot be written only costs the next build
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
    return value
