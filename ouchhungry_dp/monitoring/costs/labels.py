"""Job labels our own BigQuery resource sets on every query (attribution of cost).

BigQuery label rules: keys and values hold at most 63 characters, only lowercase
letters, digits, ``_`` and ``-``; keys start with a letter. Values that had to be
shortened keep a hash suffix so two long values never collapse into one label.
"""

from __future__ import annotations

import hashlib
import re

LABEL_PLATFORM = "platform"
LABEL_ASSET = "dagster_asset"
LABEL_PARTITION = "dagster_partition"
LABEL_PARTNER = "dagster_partner"
LABEL_RUN_ID = "dagster_run_id"
PLATFORM_NAME = "ouchhungry_dp"

_MAX_LEN = 63
_INVALID = re.compile(r"[^a-z0-9_-]+")


def sanitize_label_value(value: str) -> str:
    """Lower-case, replace disallowed characters by ``_``, cap at 63 characters."""
    cleaned = _INVALID.sub("_", value.strip().lower())
    if len(cleaned) <= _MAX_LEN:
        return cleaned
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:8]
    return f"{cleaned[: _MAX_LEN - 9]}-{digest}"


def sanitize_label_key(key: str) -> str:
    """Like a value, and never empty and always starting with a letter."""
    cleaned = sanitize_label_value(key)
    if not cleaned or not cleaned[0].isalpha():
        cleaned = sanitize_label_value(f"k_{cleaned}")
    return cleaned


def bigquery_job_labels(
    *,
    asset: str | None = None,
    partition: str | None = None,
    partner: str | None = None,
    run_id: str | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """Labels for ``QueryJobConfig(labels=...)``; ``None`` fields are left out.

    ``asset`` may be an asset key path joined by ``/`` (it becomes ``__``).
    """
    raw: dict[str, str | None] = {
        LABEL_PLATFORM: PLATFORM_NAME,
        LABEL_ASSET: asset.replace("/", "__") if asset else None,
        LABEL_PARTITION: partition,
        LABEL_PARTNER: partner,
        LABEL_RUN_ID: run_id,
    }
    labels = {k: sanitize_label_value(v) for k, v in raw.items() if v}
    for key, value in (extra or {}).items():
        labels[sanitize_label_key(key)] = sanitize_label_value(value)
    return labels
