"""Classify failed Power BI refreshes as transient (retry) or permanent (alert a human).

Power BI reports a failure as ``serviceExceptionJson``, a JSON string whose
``errorCode`` names the cause. The codes are many and not all documented, so we
match families of codes by pattern. Permanent families are tested first: a
gateway or credential problem that also mentions a timeout still needs a human.
An unknown code is treated as permanent: retrying it blindly would burn the daily
refresh budget (8/day on shared capacity) on something a retry may never cure.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pandas as pd

# (cause, pattern, hint) — pattern is matched case-insensitively against the error code.
PERMANENT_CAUSES: tuple[tuple[str, str, str], ...] = (
    (
        "credentials",
        r"credential|oauth|unauthori[sz]ed|accessdenied|forbidden|login|password",
        "Data source credentials expired or are invalid: update them in the dataset "
        "settings (Power BI service > Settings > Data source credentials).",
    ),
    (
        "gateway",
        r"gateway|gwpipeline|moniker|datasourcenotfound",
        "The on-premises data gateway is offline or the data source is not bound to it: "
        "check the gateway cluster and the dataset's gateway connection.",
    ),
    (
        "schema",
        r"schema|column|table.*not.*found|expression\.error|invalidquery|datatype|"
        r"conversion|mashup",
        "The warehouse table no longer matches the dataset's model (renamed/dropped column "
        "or type change): fix the model or the table, then refresh by hand.",
    ),
)
TRANSIENT_CAUSES: tuple[tuple[str, str, str], ...] = (
    (
        "throttling",
        r"throttl|toomanyrequests|ratelimit|429",
        "Power BI throttled the request: retried with backoff.",
    ),
    (
        "timeout",
        r"timeout|timedout|took too long",
        "The refresh timed out: retried with backoff; if it persists, review the model size.",
    ),
    (
        "capacity",
        r"capacity|memory|outofmemory|overload|serviceunavailable|internalserver|busy",
        "The capacity was overloaded or unavailable: retried with backoff.",
    ),
)
UNKNOWN_HINT = (
    "Unrecognised Power BI error: read serviceExceptionJson in the refresh history "
    "and add its code to ouchhungry_dp/monitoring/powerbi/classification.py."
)
DISABLED_HINT = (
    "Power BI disabled the dataset's refresh (usually after repeated failures): fix the "
    "cause, then re-enable the schedule in the dataset settings."
)


@dataclass(frozen=True)
class FailureClass:
    transient: bool
    cause: str
    error_code: str
    hint: str


def parse_error_code(service_exception_json: str | None) -> str:
    """The ``errorCode`` of a ``serviceExceptionJson`` string ('' if absent or unparseable)."""
    if not service_exception_json:
        return ""
    try:
        payload = json.loads(service_exception_json)
    except (TypeError, ValueError):
        return str(service_exception_json)[:200]
    if isinstance(payload, dict):
        return str(payload.get("errorCode") or payload.get("code") or "")
    return ""


def classify_failure(status: str, service_exception_json: str | None) -> FailureClass:
    code = parse_error_code(service_exception_json)
    if status == "Disabled":
        return FailureClass(False, "disabled", code or "Disabled", DISABLED_HINT)
    for cause, pattern, hint in PERMANENT_CAUSES:
        if re.search(pattern, code, flags=re.IGNORECASE):
            return FailureClass(False, cause, code, hint)
    for cause, pattern, hint in TRANSIENT_CAUSES:
        if re.search(pattern, code, flags=re.IGNORECASE):
            return FailureClass(True, cause, code, hint)
    return FailureClass(False, "unknown", code, UNKNOWN_HINT)


def classify_codes(codes: pd.Series) -> pd.DataFrame:
    """Vectorised classification of a Series of error codes -> columns ``cause``, ``transient``.

    Empty codes get cause ``''`` (not a failure). Same precedence as ``classify_failure``.
    """
    text = codes.fillna("").astype("string")
    cause = pd.Series("unknown", index=codes.index, dtype="string")
    decided = text.eq("")
    cause = cause.mask(decided, "")
    for name, pattern, _hint in (*PERMANENT_CAUSES, *TRANSIENT_CAUSES):
        hit = ~decided & text.str.contains(pattern, case=False, regex=True)
        cause = cause.mask(hit, name)
        decided = decided | hit
    transient_names = [name for name, _p, _h in TRANSIENT_CAUSES]
    return pd.DataFrame({"cause": cause, "transient": cause.isin(transient_names)})
