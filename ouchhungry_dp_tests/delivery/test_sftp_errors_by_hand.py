"""The SFTP error taxonomy and the channel settings, case by case with hand-built exceptions
and mappings: each error's class, retry flag, partner, partition and detail; the port's
edges; ``Secret``'s equality and pickling refusal (docs/testing.md, "delivery": issue 15)."""

from __future__ import annotations

import pickle
from pathlib import Path

import paramiko
import pytest

from ouchhungry_dp.delivery.channel_settings import Secret, SftpConfig
from ouchhungry_dp.delivery.sftp_errors import UnknownHostKey, classify
from ouchhungry_dp.errors import ConfigurationError, ConnectivityError, DeliveryError

CFG = SftpConfig(partner="acme", host="sftp.acme.test", username="ouch",
                 private_key_path=Path("/keys/id"), known_hosts=Path("/keys/known_hosts"),
                 port=2222, remote_dir="/in")


def _classified(exc: Exception, *, alive: bool = False):
    return classify(exc, CFG, "2026-11-25", "upload", connection_alive=alive)


@pytest.mark.parametrize(
    ("exc", "alive", "kind", "transient", "detail"),
    [
        (paramiko.AuthenticationException("no"), False, ConnectivityError, False,
         "AuthenticationException"),
        (FileNotFoundError(2, "gone", "/keys/known_hosts"), False, ConfigurationError, False,
         None),
        (PermissionError(13, "Permission denied"), True, DeliveryError, False,
         "[Errno 13] Permission denied"),
        (OSError("No such file"), True, DeliveryError, False, "No such file"),
        (OSError(), True, DeliveryError, False, "OSError"),
        (TimeoutError("timed out"), True, ConnectivityError, True, "TimeoutError: timed out"),
        (ConnectionResetError("reset by peer"), False, ConnectivityError, True,
         "ConnectionResetError: reset by peer"),
        (EOFError(), False, ConnectivityError, True, "EOFError"),
    ],
)
def test_each_failure_gets_its_class_retry_flag_scope_and_detail(
    exc: Exception, alive: bool, kind: type, transient: bool, detail: str | None
) -> None:
    error = _classified(exc, alive=alive)
    assert type(error) is kind
    assert (error.partner, error.partition, error.transient) == ("acme", "2026-11-25", transient)
    assert error.detail == detail
    assert error.what.startswith("upload: ")


def test_an_unknown_host_key_names_the_host_and_the_offered_fingerprint() -> None:
    offered = paramiko.RSAKey.generate(1024)
    exc = UnknownHostKey("sftp.acme.test", offered)
    assert str(exc) == "host key of sftp.acme.test is not in known_hosts"
    error = _classified(exc)
    assert error.detail == f"sftp.acme.test offered ssh-rsa {offered.fingerprint}"
    assert (error.partner, error.partition, error.transient) == ("acme", "2026-11-25", False)


def test_a_platform_error_keeps_its_own_partition_and_gets_one_only_when_missing() -> None:
    own = DeliveryError("refused", partner="acme", partition="2026-11-24")
    assert _classified(own) is own and own.partition == "2026-11-24"
    bare = DeliveryError("refused", partner="acme")
    assert _classified(bare).partition == "2026-11-25"
    left = DeliveryError("refused", partner="acme")
    assert classify(left, CFG, None, "upload") is left and left.partition is None
    other = DeliveryError("refused", partner="acme", partition="2026-11-24")
    assert classify(other, CFG, "", "upload").partition == "2026-11-24"


BASE = {"host": "sftp.acme.test", "username": "ouch", "private_key_path": "/keys/id",
        "known_hosts": "/keys/known_hosts"}


@pytest.mark.parametrize(("port", "expected"), [(None, 22), ("1", 1), ("65535", 65535)])
def test_the_port_defaults_to_22_and_takes_1_to_65535(port: str | None, expected: int) -> None:
    assert SftpConfig.from_mapping({**BASE, "port": port}, partner="acme").port == expected


@pytest.mark.parametrize("port", ["0", "65536", "abc", "-1"])
def test_a_port_outside_1_to_65535_names_the_variable(port: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        SftpConfig.from_mapping({**BASE, "port": port}, partner="acme",
                                env={"port": "ACME_SFTP_PORT"})
    assert caught.value.partner == "acme" and "ACME_SFTP_PORT" in (caught.value.hint or "")


def test_a_missing_setting_names_the_contracts_variable_else_the_default_one() -> None:
    values = {**BASE, "host": "  "}
    with pytest.raises(ConfigurationError) as caught:
        SftpConfig.from_mapping(values, partner="acme", env={"host": "ACME_SFTP_HOST"})
    assert "ACME_SFTP_HOST" in (caught.value.hint or "")
    with pytest.raises(ConfigurationError) as caught:
        SftpConfig.from_mapping(values, partner="acme")
    assert "OUCHHUNGRY_SFTP_HOST" in (caught.value.hint or "")


def test_secrets_compare_by_value_hash_alike_and_refuse_pickling() -> None:
    assert Secret("a") == Secret("a") and Secret("a") != Secret("b")
    assert Secret("a") != "a"  # a plain string is no Secret, even with the same value
    assert hash(Secret("a")) == hash("a") and len({Secret("a"), Secret("a"), Secret("b")}) == 2
    with pytest.raises(TypeError, match=r"^Secret values are not picklable$"):
        pickle.dumps(Secret("a"))


def test_a_changed_host_key_names_both_fingerprints_and_the_scope() -> None:
    expected, got = paramiko.RSAKey.generate(1024), paramiko.RSAKey.generate(1024)
    error = _classified(paramiko.BadHostKeyException("sftp.acme.test", got, expected))
    assert type(error) is ConnectivityError and error.transient is False
    assert error.detail == f"expected ssh-rsa {expected.fingerprint}, got ssh-rsa {got.fingerprint}"
    assert (error.partner, error.partition) == ("acme", "2026-11-25")


def test_every_mapped_setting_reaches_the_config() -> None:
    values = {**BASE, "private_key_passphrase": "pp",  # pragma: allowlist secret
              "remote_dir": " /in "}
    cfg = SftpConfig.from_mapping(values, partner="acme", connect_timeout_s=5.0)
    assert (cfg.partner, cfg.host, cfg.username, cfg.remote_dir) == (
        "acme", "sftp.acme.test", "ouch", "/in")
    assert (cfg.private_key_path, cfg.known_hosts) == (Path("/keys/id"), Path("/keys/known_hosts"))
    assert cfg.private_key_passphrase == Secret("pp") and cfg.connect_timeout_s == 5.0
    bare = SftpConfig.from_mapping(BASE, partner="acme")
    assert bare.private_key_passphrase is None and bare.remote_dir == "/"
    assert SftpConfig.from_mapping({**BASE, "remote_dir": "  "}, partner="acme").remote_dir == "/"


@pytest.mark.parametrize("key", ["host", "username", "private_key_path", "known_hosts"])
def test_each_missing_setting_is_named_with_its_partner_channel_and_variable(key: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        SftpConfig.from_mapping({**BASE, key: None}, partner="acme", env={key: "ACME_VAR"})
    assert caught.value.what == f"SFTP setting {key!r} is missing"
    assert caught.value.partner == "acme" and "ACME_VAR" in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("exc", "passphrase", "detail", "variable"),
    [
        (FileNotFoundError(2, "gone"), None, "the file does not exist (FileNotFoundError)",
         "OUCHHUNGRY_SFTP_PRIVATE_KEY_PATH"),
        (paramiko.PasswordRequiredException("enc"), None,
         "the key is encrypted (PasswordRequiredException)",
         "OUCHHUNGRY_SFTP_PRIVATE_KEY_PASSPHRASE"),
        (TypeError("encrypted"), None, "the key is encrypted (TypeError)",
         "OUCHHUNGRY_SFTP_PRIVATE_KEY_PASSPHRASE"),
        (paramiko.PasswordRequiredException("enc"), Secret("pp"),
         "wrong passphrase or unsupported key format (PasswordRequiredException)",
         "OUCHHUNGRY_SFTP_PRIVATE_KEY_PASSPHRASE"),
    ],
)
def test_an_unreadable_client_key_says_why_and_which_variable_to_fix(
    exc: Exception, passphrase: Secret | None, detail: str, variable: str
) -> None:
    from dataclasses import replace

    from ouchhungry_dp.delivery.sftp_errors import key_error

    error = key_error(exc, replace(CFG, private_key_passphrase=passphrase), "2026-11-25")
    assert (error.detail, error.partner, error.partition) == (detail, "acme", "2026-11-25")
    assert variable in (error.hint or "")


def test_a_secret_shows_only_stars() -> None:
    assert repr(Secret("pw")) == str(Secret("pw")) == "Secret('***')"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("localhost", True), ("LOCALHOST.", True), ("127.0.0.1", True), ("[::1]", True),
     ("::1", True), ("", False), (None, False), ("localhost.acme.test", False),
     ("10.0.0.1", False), (" localhost", False), ("X127.0.0.1", False)],
)
def test_loopback_hosts(host: str | None, loopback: bool) -> None:
    from ouchhungry_dp.delivery.channel_settings import is_loopback_host

    assert is_loopback_host(host) is loopback


API = {"base_url": " https://api.acme.test/BOX/ ", "username": " ouch ", "password": " pw "}


def test_the_api_settings_reach_the_config_a_password_kept_as_typed() -> None:
    from ouchhungry_dp.delivery.channel_settings import PartnerApiConfig

    cfg = PartnerApiConfig.from_mapping(API, partner="acme", read_timeout_s=5.0)
    assert (cfg.partner, cfg.username) == ("acme", "ouch")
    assert cfg.base_url == "https://api.acme.test/BOX"
    assert cfg.password == Secret(" pw ") and cfg.read_timeout_s == 5.0


@pytest.mark.parametrize("key", ["base_url", "username", "password"])
def test_each_missing_api_setting_is_named_with_its_partner_channel_and_variable(key: str) -> None:
    from ouchhungry_dp.delivery.channel_settings import PartnerApiConfig

    with pytest.raises(ConfigurationError) as caught:
        PartnerApiConfig.from_mapping({**API, key: " "}, partner="acme", env={key: "ACME_VAR"})
    assert caught.value.what == f"partner API setting {key!r} is missing"
    assert caught.value.partner == "acme" and "ACME_VAR" in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("url", "verify", "what"),
    [
        ("https://user:pw@api.acme.test", True,  # pragma: allowlist secret
         "partner API base URL https://api.acme.test carries credentials"),
        ("https://user@api.acme.test", True,
         "partner API base URL https://api.acme.test carries credentials"),
        ("http://api.acme.test", True, "partner API base URL http://api.acme.test is not allowed"),
        ("https://", True, "partner API base URL https:// is not allowed"),
        ("https://api.acme.test", False,
         "certificate verification cannot be disabled for a remote partner API"),
    ],
)
def test_a_refused_api_url_is_named_without_credentials_with_its_partner(
    url: str, verify: bool, what: str
) -> None:
    from ouchhungry_dp.delivery.channel_settings import PartnerApiConfig

    with pytest.raises(ConfigurationError) as caught:
        PartnerApiConfig(partner="acme", base_url=url, username="u", password=Secret("p"),
                         verify=verify)
    assert (caught.value.what, caught.value.partner) == (what, "acme")
