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
    values = {**BASE, "private_key_passphrase": "pp", "remote_dir": " /in "}
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
