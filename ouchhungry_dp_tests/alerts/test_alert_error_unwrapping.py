"""An alert names the error of the step's last attempt, not Dagster's retry wrapper."""

from __future__ import annotations

from dagster._utils.error import SerializableErrorInfo

from ouchhungry_dp.alerts.run_incidents import parse_error
from ouchhungry_dp.errors import ConnectivityError
from ouchhungry_dp.lib.event_log.alert_facts import user_error


def _info(exc: BaseException, cause: SerializableErrorInfo | None = None) -> SerializableErrorInfo:
    return SerializableErrorInfo(message=f"{type(exc).__module__}.{type(exc).__name__}: {exc}",
                                 stack=[], cls_name=type(exc).__name__, cause=cause)


def test_exhausted_retry_policy_is_unwrapped_to_the_platform_error() -> None:
    original = ConnectivityError("SFTP connection to ouchhungry@127.0.0.1:2222",
                                 partner="ouchhungry", partition="2026-11-23",
                                 hint="The server may be down", transient=True)
    chain = SerializableErrorInfo(
        message="Exceeded max_retries of 2", stack=[], cls_name="RetryRequestedFromPolicy",
        cause=SerializableErrorInfo(
            message="Error occurred while executing op", stack=[],
            cls_name="DagsterExecutionStepExecutionError", cause=_info(original)))
    error = user_error(chain)
    assert error.cls_name == "ConnectivityError"
    facts = parse_error(error.cls_name, error.message)
    assert "The server may be down" in facts.hint
    assert facts.partition == "2026-11-23"


def test_fail_fast_failure_is_unwrapped_to_the_platform_error() -> None:
    original = ConnectivityError("SFTP host key of 127.0.0.1:2222 is not trusted",
                                 partner="ouchhungry", partition="2026-11-23",
                                 hint="Confirm the fingerprint with the partner")
    chain = SerializableErrorInfo(message=str(original), stack=[], cls_name="Failure",
                                  cause=_info(original))
    assert user_error(chain).cls_name == "ConnectivityError"
