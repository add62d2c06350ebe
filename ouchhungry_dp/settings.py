"""Where the platform runs and where its local files live (no Dagster import).

Fail closed: the environment is never guessed outside a developer checkout, and each
environment refuses partner endpoints that belong to the other one.

* A **developer checkout** is this package imported from a git work tree of the
  project: the folder above the package holds ``.git`` (a directory, or the file a
  ``git worktree`` leaves), the ``Makefile`` and ``pyproject.toml``. An image or any
  non-editable install imports the package from ``site-packages``, where none of
  these exist, so there ``OUCHHUNGRY_ENV`` must be set.
* ``local`` talks to loopback endpoints only (the sandbox). A partner SFTP host, API
  base URL or SMTP relay elsewhere is refused unless ``OUCHHUNGRY_ALLOW_REMOTE_IN_LOCAL=1``:
  simulated data must not reach a real partner (or a real relay, which would mail the
  partner's real addresses) by a copied variable. The SMTP relay counts as a partner
  endpoint for that reason.
* ``prod`` refuses loopback endpoints: a production run pointed at ``localhost``
  delivers nowhere (or to a sidecar nobody audits).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from ouchhungry_dp.delivery.channel_settings import is_loopback_host
from ouchhungry_dp.errors import ConfigurationError

Environment = Literal["local", "prod"]
REPO_ROOT = Path(__file__).resolve().parent.parent
ENV_VAR = "OUCHHUNGRY_ENV"
ALLOW_REMOTE_IN_LOCAL = "OUCHHUNGRY_ALLOW_REMOTE_IN_LOCAL"
# A production rehearsal on one machine (the BigQuery/GCS emulators and the loopback
# sandbox, `make test-prod`): the only way to point prod at loopback, said explicitly.
ALLOW_LOOPBACK_IN_PROD = "OUCHHUNGRY_ALLOW_LOOPBACK_IN_PROD"


def is_developer_checkout(root: Path = REPO_ROOT) -> bool:
    return all((root / name).exists() for name in (".git", "Makefile", "pyproject.toml"))


def current_env(environ: Mapping[str, str] | None = None, root: Path = REPO_ROOT) -> Environment:
    env = os.environ if environ is None else environ
    value = (env.get(ENV_VAR) or "").strip().lower()
    if not value:
        if is_developer_checkout(root):
            return "local"
        raise ConfigurationError(
            f"{ENV_VAR} is not set",
            hint=f"Outside a developer checkout set {ENV_VAR}=prod (or local for a "
            "sandbox); the environment is never guessed in an image.",
        )
    if value not in ("local", "prod"):
        raise ConfigurationError(
            f"{ENV_VAR}={value!r} is not an environment",
            hint=f"Set {ENV_VAR} to 'local' (DuckDB + sandbox) or 'prod' (BigQuery + GCS).",
        )
    return value  # type: ignore[return-value]


def endpoint_host(value: str) -> str:
    """The host of a URL (``https://h:1/x``) or of a bare host name."""
    text = value.strip()
    return (urlsplit(text).hostname or "") if "://" in text else text


def check_endpoint(variable: str, value: str, environ: Mapping[str, str] | None = None,
                   *, partner: str | None = None) -> None:
    """Refuse a partner endpoint the current environment must not talk to."""
    env = os.environ if environ is None else environ
    environment = current_env(env)
    loopback = is_loopback_host(endpoint_host(value))
    if environment == "local" and not loopback and env.get(ALLOW_REMOTE_IN_LOCAL) != "1":
        raise ConfigurationError(
            f"{variable} points outside this machine while {ENV_VAR}=local",
            partner=partner,
            hint=f"Local runs deliver simulated data to the loopback sandbox only. Set "
            f"{ENV_VAR}=prod for a real partner, or {ALLOW_REMOTE_IN_LOCAL}=1 to allow it "
            "knowingly.",
        )
    if environment == "prod" and loopback and env.get(ALLOW_LOOPBACK_IN_PROD) != "1":
        raise ConfigurationError(
            f"{variable} is a loopback address while {ENV_VAR}=prod",
            partner=partner,
            hint=f"Point {variable} at the partner's real endpoint (see docs/deployment.md); "
            f"{ALLOW_LOOPBACK_IN_PROD}=1 only for a rehearsal against local emulators.",
        )


def data_dir() -> Path:
    """Local state: warehouse file, outbound files (never committed)."""
    return Path(os.environ.get("OUCHHUNGRY_DATA_DIR") or REPO_ROOT / ".local").resolve()


def warehouse_path() -> Path:
    return data_dir() / "warehouse.duckdb"


def outbound_dir() -> Path:
    return data_dir() / "outbound"
