"""Misconfiguration fails closed: the environment is never guessed outside a checkout, each
environment refuses the other's endpoints, prod refuses local-only resources. Every refusal
is a ConfigurationError naming the variable to fix."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ouchhungry_dp.alerts.outbox import Outbox
from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.lib.resources import by_environment as shared
from ouchhungry_dp.lib.resources.email import EmailResource
from ouchhungry_dp.lib.resources.partner_channels import PartnerApiResource, SftpChannelResource
from ouchhungry_dp.settings import REPO_ROOT, check_endpoint, current_env, is_developer_checkout
from ouchhungry_dp.state.sent_log import SentLog
from ouchhungry_dp_tests.e2e.test_definitions_validate import PROD_DUMMIES


def test_a_checkout_defaults_to_local_and_anything_else_must_say(tmp_path: Path) -> None:
    assert is_developer_checkout(REPO_ROOT)
    assert current_env({}, REPO_ROOT) == "local"
    assert not is_developer_checkout(tmp_path)
    with pytest.raises(ConfigurationError, match="OUCHHUNGRY_ENV is not set"):
        current_env({}, tmp_path)
    assert current_env({"OUCHHUNGRY_ENV": "prod"}, tmp_path) == "prod"
    with pytest.raises(ConfigurationError, match="OUCHHUNGRY_ENV='staging'"):
        current_env({"OUCHHUNGRY_ENV": "staging"}, REPO_ROOT)


def test_an_installed_package_without_ouchhungry_env_refuses_to_load(tmp_path: Path) -> None:
    # What an image holds: the package in site-packages, no .git, no Makefile.
    site = tmp_path / "site"
    shutil.copytree(REPO_ROOT / "ouchhungry_dp", site / "ouchhungry_dp",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUCHHUNGRY_")}
    env["PYTHONPATH"] = str(site)
    load = [sys.executable, "-c", "import ouchhungry_dp.definitions"]
    result = subprocess.run(load, env=env, cwd=tmp_path, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode != 0
    assert "ConfigurationError" in result.stderr and "OUCHHUNGRY_ENV is not set" in result.stderr
    # The same install loads once the environment is said (contracts ship as package data).
    prod = {**env, **PROD_DUMMIES, "OUCHHUNGRY_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(load, env=prod, cwd=tmp_path, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.parametrize("variable,value", [
    ("OUCHHUNGRY_SFTP_HOST", "sftp.partner.example"),
    ("OUCHHUNGRY_API_BASE_URL", "https://api.partner.example/v1"),
    ("SMTP_HOST", "smtp.gmail.com"),
])
def test_local_refuses_remote_endpoints_unless_allowed(variable: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=f"{variable} points outside this machine"):
        check_endpoint(variable, value, {"OUCHHUNGRY_ENV": "local"})
    check_endpoint(variable, value, {"OUCHHUNGRY_ENV": "local",
                                     "OUCHHUNGRY_ALLOW_REMOTE_IN_LOCAL": "1"})
    with pytest.raises(ConfigurationError, match="OUCHHUNGRY_ALLOW_REMOTE_IN_LOCAL"):
        check_endpoint(variable, value, {"OUCHHUNGRY_ENV": "local",
                                         "OUCHHUNGRY_ALLOW_REMOTE_IN_LOCAL": "yes"})
    check_endpoint(variable, value, {"OUCHHUNGRY_ENV": "prod"})


@pytest.mark.parametrize("value", ["127.0.0.1", "localhost", "http://127.0.0.1:8081",
                                   "http://[::1]:8081/api"])
def test_prod_refuses_loopback_endpoints(value: str) -> None:
    with pytest.raises(ConfigurationError, match="OUCHHUNGRY_API_BASE_URL is a loopback"):
        check_endpoint("OUCHHUNGRY_API_BASE_URL", value, {"OUCHHUNGRY_ENV": "prod"})
    check_endpoint("OUCHHUNGRY_API_BASE_URL", value, {"OUCHHUNGRY_ENV": "local"})
    # only an explicit rehearsal switch lets prod talk to loopback (the emulator tests)
    with pytest.raises(ConfigurationError, match="loopback"):
        check_endpoint("OUCHHUNGRY_API_BASE_URL", value,
                       {"OUCHHUNGRY_ENV": "prod", "OUCHHUNGRY_ALLOW_LOOPBACK_IN_PROD": "true"})
    check_endpoint("OUCHHUNGRY_API_BASE_URL", value,
                   {"OUCHHUNGRY_ENV": "prod", "OUCHHUNGRY_ALLOW_LOOPBACK_IN_PROD": "1"})


def test_channel_clients_check_the_values_resolved_at_run_time(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("OUCHHUNGRY_ENV", "local")
    monkeypatch.delenv("OUCHHUNGRY_ALLOW_REMOTE_IN_LOCAL", raising=False)
    sftp = SftpChannelResource(
        partner="crocante", host="sftp.crocante.example", port="22", username="u",
        private_key_path=str(tmp_path / "k"), known_hosts=str(tmp_path / "kh"), remote_dir="/",
        env_names={"host": "CROCANTE_SFTP_HOST"})
    with pytest.raises(ConfigurationError, match="CROCANTE_SFTP_HOST points outside") as info:
        sftp.client()
    assert info.value.partner == "crocante"
    api = PartnerApiResource(partner="crocante", base_url="https://api.crocante.example",
                             username="u", password="p",  # pragma: allowlist secret
                             env_names={"base_url": "CROCANTE_API_BASE_URL"})
    with pytest.raises(ConfigurationError, match="CROCANTE_API_BASE_URL points outside"):
        api.client()
    monkeypatch.setenv("OUCHHUNGRY_ENV", "prod")
    relay = EmailResource(host="127.0.0.1", email_from="dados@marketplace.example",
                          security="none", sent_log_path=str(tmp_path / "sent.sqlite"))
    with pytest.raises(ConfigurationError, match="SMTP_HOST is a loopback"):
        relay.smtp_config()


def test_prod_refuses_the_simulated_source_and_pod_local_state(monkeypatch) -> None:
    monkeypatch.setenv("OUCHHUNGRY_ENV", "prod")
    monkeypatch.setitem(shared.RESOURCES_BY_ENV, "prod", shared.RESOURCES_BY_ENV["local"])
    with pytest.raises(ConfigurationError, match=r"local-only .* while OUCHHUNGRY_ENV=prod"):
        shared.shared_resources()


def test_prod_refuses_a_loopback_partner_already_at_load_time(monkeypatch) -> None:
    for name, value in {"OUCHHUNGRY_ENV": "prod", "GCP_PROJECT": "p", "BIGQUERY_DATASET": "d",
                        "BIGQUERY_SOURCE_DATASET": "s", "BIGQUERY_LOCATION": "l",
                        "GCS_OUTBOUND_BUCKET": "b", "SMTP_HOST": "smtp.example.com",
                        "OUCHHUNGRY_SFTP_HOST": "127.0.0.1"}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match="OUCHHUNGRY_SFTP_HOST is a loopback"):
        shared.shared_resources()


@pytest.mark.parametrize("store", [SentLog, Outbox], ids=["sent_log", "alert_outbox"])
def test_prod_refuses_state_on_the_pods_disk(store: type, monkeypatch, tmp_path: Path,
                                             postgres_url: str) -> None:
    # Each pod would keep its own SQLite file: exactly-once and queued alerts would not
    # survive the pod. Unset, a sqlite:// URL and a folder of its own are all refused.
    monkeypatch.setenv("OUCHHUNGRY_ENV", "prod")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OUCHHUNGRY_STATE_DB_URL", raising=False)
    with pytest.raises(ConfigurationError, match="OUCHHUNGRY_STATE_DB_URL is not set while"):
        store()
    monkeypatch.setenv("OUCHHUNGRY_STATE_DB_URL", f"sqlite:///{tmp_path / 'state.sqlite'}")
    with pytest.raises(ConfigurationError, match="OUCHHUNGRY_STATE_DB_URL names a SQLite"):
        store()
    monkeypatch.setenv("OUCHHUNGRY_STATE_DB_URL", postgres_url)
    with pytest.raises(ConfigurationError, match="SQLite file instead of OUCHHUNGRY_STATE_DB"):
        store(str(tmp_path / "own"))
    assert not list(tmp_path.rglob("*.sqlite"))  # refused before any file was created
    assert store().engine.dialect.name == "postgresql"
    # The same SQLite default is what a local run uses.
    monkeypatch.setenv("OUCHHUNGRY_ENV", "local")
    monkeypatch.delenv("OUCHHUNGRY_STATE_DB_URL")
    assert store().engine.dialect.name == "sqlite"
