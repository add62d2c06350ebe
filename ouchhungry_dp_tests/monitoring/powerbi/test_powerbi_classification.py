from __future__ import annotations

import json

import pandas as pd
import pytest

from ouchhungry_dp.monitoring.powerbi.classification import classify_codes, classify_failure

CASES = [
    ("DMTS_OAuthTokenRefreshFailedError", False, "credentials"),
    ("ModelRefreshFailed_CredentialsNotSpecified", False, "credentials"),
    ("DM_GWPipeline_Gateway_MashupDataAccessError", False, "gateway"),
    ("DM_GWPipeline_Client_GatewayUnreachable", False, "gateway"),
    ("ModelRefresh_ColumnNotFound", False, "schema"),
    ("Expression.Error", False, "schema"),
    ("TooManyRequests", True, "throttling"),
    ("ModelRefresh_ShortMessage_TimeoutError", True, "timeout"),
    ("CapacityMemoryLimitExceeded", True, "capacity"),
    ("SomethingNobodyDocumented", False, "unknown"),
]


@pytest.mark.parametrize(("code", "transient", "cause"), CASES)
def test_classify_failure(code: str, transient: bool, cause: str) -> None:
    result = classify_failure("Failed", json.dumps({"errorCode": code}))
    assert (result.transient, result.cause, result.error_code) == (transient, cause, code)
    assert result.hint


def test_disabled_is_permanent() -> None:
    result = classify_failure("Disabled", None)
    assert not result.transient and result.cause == "disabled"


def test_vectorised_matches_scalar() -> None:
    codes = pd.Series([c for c, _t, _c in CASES] + [""], dtype="string")
    frame = classify_codes(codes)
    assert frame["cause"].tolist() == [c for _code, _t, c in CASES] + [""]
    assert frame["transient"].tolist() == [t for _code, t, _c in CASES] + [False]
