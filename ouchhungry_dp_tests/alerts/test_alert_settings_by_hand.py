"""Alert settings from the environment and the alert's derived fields, counted by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from ouchhungry_dp.alerts.alert_settings import (
    DEFAULT_ALERT_RECIPIENTS,
    AlertSettings,
    parse_recipients,
)
from ouchhungry_dp.alerts.model import Alert, AlertKind, Occurrence
from ouchhungry_dp.errors import ConfigurationError


def test_recipients_are_stripped_deduplicated_in_order() -> None:
    assert parse_recipients(" b@y.org , a@x.com,,b@y.org ") == ("b@y.org", "a@x.com")


@pytest.mark.parametrize("text", [None, "", " , ,"])
def test_no_recipient_gives_the_data_team_list(text: str | None) -> None:
    assert parse_recipients(text) == DEFAULT_ALERT_RECIPIENTS


@pytest.mark.parametrize(("text", "detail"), [("a@x.com,nobody", "1 bad entry"),
                                              ("no,a b@x.com,c\t@x.com", "3 bad entries")])
def test_an_entry_without_at_or_with_a_blank_is_refused(text: str, detail: str) -> None:
    with pytest.raises(ConfigurationError) as error:
        parse_recipients(text)
    assert error.value.detail == detail
    assert "DATA_TEAM_ALERT_EMAILS" in error.value.what


def test_settings_from_an_empty_environment_are_the_defaults() -> None:
    settings = AlertSettings.from_env({})
    assert settings == AlertSettings()
    assert settings.recipients == DEFAULT_ALERT_RECIPIENTS
    assert settings.ui_base_url == "http://127.0.0.1:3000"
    assert settings.outbox_dir == Path(".dagster_home/ouchhungry_email/alert_outbox")
    assert settings.warn_digest_interval_seconds == 3600.0
    assert settings.outbox_url is None and settings.outbox_location == settings.outbox_dir


def test_settings_read_every_variable() -> None:
    settings = AlertSettings.from_env({
        "DATA_TEAM_ALERT_EMAILS": "a@x.com",
        "OUCHHUNGRY_UI_BASE_URL": "https://ui.example/PREFIX//",
        "OUCHHUNGRY_ALERT_OUTBOX_DIR": "/srv/outbox",
        "OUCHHUNGRY_ALERT_WARN_DIGEST_MINUTES": "15",
        "OUCHHUNGRY_STATE_DB_URL": "  sqlite:///state.db ",
    })
    assert settings.recipients == ("a@x.com",)
    assert settings.ui_base_url == "https://ui.example/PREFIX"  # only the slashes go
    assert settings.outbox_dir == Path("/srv/outbox")
    assert settings.warn_digest_interval_seconds == 900.0
    assert settings.outbox_url == "sqlite:///state.db"
    assert settings.outbox_location == "sqlite:///state.db"


def test_outbox_under_dagster_home_and_a_blank_state_url_is_none() -> None:
    settings = AlertSettings.from_env({"DAGSTER_HOME": "/home/dg", "OUCHHUNGRY_STATE_DB_URL": " ",
                                       "OUCHHUNGRY_ALERT_WARN_DIGEST_MINUTES": ""})
    assert settings.outbox_dir == Path("/home/dg/ouchhungry_email/alert_outbox")
    assert settings.outbox_url is None and settings.warn_digest_interval_seconds == 3600.0


def test_without_a_mapping_the_process_environment_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OUCHHUNGRY_ALERT_WARN_DIGEST_MINUTES", "0.5")
    assert AlertSettings.from_env().warn_digest_interval_seconds == 30.0


def test_a_digest_interval_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(ConfigurationError) as error:
        AlertSettings.from_env({"OUCHHUNGRY_ALERT_WARN_DIGEST_MINUTES": "hourly"})
    assert error.value.what == "OUCHHUNGRY_ALERT_WARN_DIGEST_MINUTES is not a number"
    assert isinstance(error.value.__cause__, ValueError)


def test_links_into_the_ui() -> None:
    settings = AlertSettings(ui_base_url="http://ui:3000/PREFIX/")
    assert settings.run_url("r1") == "http://ui:3000/PREFIX/runs/r1"
    assert settings.backfill_url("b1") == "http://ui:3000/PREFIX/runs/b/b1"
    assert settings.asset_url("p/daily") == "http://ui:3000/PREFIX/assets/p/daily"


def test_an_alert_s_partitions_and_message_id() -> None:
    alert = Alert(kind=AlertKind.RUN_FAILURE, severity="ERROR", category="data", title="t",
                  incident_key="abc",
                  occurrences=tuple(Occurrence(partition=p)
                                    for p in ("2026-11-02", "2026-11-01", "2026-11-02", None, "")))
    assert alert.partitions == ["2026-11-01", "2026-11-02"]
    # sha256("abc"), its first 40 hex digits (FIPS 180-2's test vector).
    assert alert.message_id == "<ba7816bf8f01cfea414140de5dae2223b00361a3@alerts.ouchhungry-dp>"
