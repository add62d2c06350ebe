"""SMTP settings from the environment, and what they refuse (misconfiguration fails
closed, naming the variable to fix). Pins what the client tests do not: each default,
each variable read, each bound."""

from __future__ import annotations

import pytest

from ouchhungry_dp.delivery.email import SmtpConfig
from ouchhungry_dp.errors import ConfigurationError

BASE = {"host": "127.0.0.1", "port": 25, "security": "none", "email_from": "d@x.example"}


def test_the_defaults_when_only_host_and_sender_are_set() -> None:
    config = SmtpConfig.from_env({"SMTP_HOST": " relay.example ", "EMAIL_FROM": " d@x.example "})
    assert (config.host, config.email_from) == ("relay.example", "d@x.example")
    assert (config.security, config.port, config.timeout_seconds) == ("starttls", 587, 30.0)
    assert (config.username, config.password, config.ca_file) == (None, None, None)


@pytest.mark.parametrize(("security", "port"), [(" SSL ", 465), ("starttls", 587), ("none", 25)])
def test_the_default_port_follows_the_security(security: str, port: int) -> None:
    config = SmtpConfig.from_env({"SMTP_HOST": "localhost", "EMAIL_FROM": "d@x.example",
                                  "SMTP_SECURITY": security})
    assert (config.security, config.port) == (security.strip().lower(), port)


def test_every_variable_is_read() -> None:
    config = SmtpConfig.from_env({
        "SMTP_HOST": "relay.example", "EMAIL_FROM": "d@x.example", "SMTP_SECURITY": "ssl",
        "SMTP_PORT": " 2465 ", "SMTP_TIMEOUT_SECONDS": "7.5", "SMTP_USERNAME": "user",
        "SMTP_PASSWORD": "pw", "SMTP_CA_FILE": "/etc/ca.pem"})  # pragma: allowlist secret
    assert (config.port, config.timeout_seconds, config.ca_file) == (2465, 7.5, "/etc/ca.pem")
    assert (config.username, config.password) == ("user", "pw")


def test_without_a_mapping_the_process_environment_is_read(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_HOST", "from-process.example")
    monkeypatch.setenv("EMAIL_FROM", "d@x.example")
    assert SmtpConfig.from_env().host == "from-process.example"


def test_a_missing_host_names_the_variable_to_set() -> None:
    with pytest.raises(ConfigurationError) as refused:
        SmtpConfig.from_env({"EMAIL_FROM": "d@x.example"})
    assert "SMTP_HOST" in refused.value.what and "SMTP_HOST" in (refused.value.hint or "")


@pytest.mark.parametrize("variable", ["SMTP_PORT", "SMTP_TIMEOUT_SECONDS"])
def test_a_number_that_is_not_one_is_refused_naming_the_variables(variable: str) -> None:
    with pytest.raises(ConfigurationError) as refused:
        SmtpConfig.from_env({"SMTP_HOST": "relay.example", "EMAIL_FROM": "d@x.example",
                             variable: "ten"})
    assert variable in refused.value.what and refused.value.hint
    assert isinstance(refused.value.__cause__, ValueError)


@pytest.mark.parametrize(("change", "variable"), [
    ({"security": "tls"}, "SMTP_SECURITY"),
    ({"host": ""}, "SMTP_HOST"),
    ({"host": "relay.example"}, "SMTP_SECURITY"),  # plain text off loopback
    ({"port": 0}, "SMTP_PORT"),
    ({"port": 65536}, "SMTP_PORT"),
    ({"email_from": "dados"}, "EMAIL_FROM"),
    ({"username": "user"}, "SMTP_PASSWORD"),
    ({"password": "pw"}, "SMTP_USERNAME"),  # pragma: allowlist secret
])
def test_each_misconfiguration_is_refused_naming_what_to_fix(change: dict, variable: str) -> None:
    with pytest.raises(ConfigurationError) as refused:
        SmtpConfig(**{**BASE, **change})
    assert variable in refused.value.what and refused.value.hint


@pytest.mark.parametrize("change", [
    {"port": 1}, {"port": 65535}, {"host": "localhost"}, {"host": "::1"},
    {"security": "starttls", "host": "relay.example"},
    {"security": "ssl", "host": "relay.example", "username": "u", "password": "p"},
])
def test_the_edges_that_are_allowed(change: dict) -> None:
    config = SmtpConfig(**{**BASE, **change})
    assert {k: getattr(config, k) for k in change} == change


def test_the_password_stays_out_of_the_repr() -> None:
    config = SmtpConfig(**{**BASE, "username": "someone", "password": "hunter2-secret"})
    assert "hunter2-secret" not in repr(config) and "username='someone'" in repr(config)
