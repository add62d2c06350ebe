"""Partner channels as Dagster resources, built from the contract's env-var names.

Every value comes through ``dagster.EnvVar``: the UI and run config show the
variable's name, never its value. The optional SFTP key passphrase is the one
exception: an ``EnvVar`` must be set to load, so the resource keeps the
variable's *name* and reads it when the client is built.
"""

from __future__ import annotations

import os

import dagster as dg
from pydantic import Field

from ouchhungry_dp.delivery.api import PartnerApiClient, PartnerApiConfig
from ouchhungry_dp.delivery.retry import DeliveryRetryPolicy
from ouchhungry_dp.delivery.sftp import SftpConfig, SftpDeliveryClient
from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.settings import check_endpoint

# Tests shorten the backoff through this variable; production keeps the defaults.
RETRY_DELAY_ENV = "OUCHHUNGRY_RETRY_INITIAL_DELAY_S"
# Attempts of one client call (connect + upload, or one PUT). A run config may lower it,
# never raise it: the total under the step and run retries is a stated product
# (docs/reliability.md, "Nested retries").
MAX_CLIENT_ATTEMPTS = 4


def retry_policy(attempts: int, initial_delay_s: float) -> DeliveryRetryPolicy:
    return DeliveryRetryPolicy(attempts=attempts, initial_delay_s=initial_delay_s,
                               max_delay_s=max(initial_delay_s * 8, initial_delay_s))


class SftpChannelResource(dg.ConfigurableResource):
    partner: str
    host: str
    port: str
    username: str
    private_key_path: str
    known_hosts: str
    remote_dir: str
    private_key_passphrase_env: str = ""
    # Names of the variables behind each field, so errors name this partner's variables.
    env_names: dict[str, str] = Field(default_factory=dict)
    retry_attempts: int = Field(default=MAX_CLIENT_ATTEMPTS, ge=1, le=MAX_CLIENT_ATTEMPTS)
    retry_initial_delay_s: float = 1.0

    def client(self) -> SftpDeliveryClient:
        check_endpoint(self.env_names.get("host", "OUCHHUNGRY_SFTP_HOST"), self.host,
                       partner=self.partner)
        values = {
            "host": self.host,
            "port": self.port,
            "username": self.username,
            "private_key_path": self.private_key_path,
            "private_key_passphrase": os.environ.get(self.private_key_passphrase_env) or None,
            "known_hosts": self.known_hosts,
            "remote_dir": self.remote_dir,
        }
        config = SftpConfig.from_mapping(values, partner=self.partner, env=self.env_names)
        return SftpDeliveryClient(
            config, retry=retry_policy(self.retry_attempts, self.retry_initial_delay_s))


class PartnerApiResource(dg.ConfigurableResource):
    partner: str
    base_url: str
    username: str
    password: str
    env_names: dict[str, str] = Field(default_factory=dict)
    retry_attempts: int = Field(default=MAX_CLIENT_ATTEMPTS, ge=1, le=MAX_CLIENT_ATTEMPTS)
    retry_initial_delay_s: float = 1.0

    def client(self) -> PartnerApiClient:
        check_endpoint(self.env_names.get("base_url", "OUCHHUNGRY_API_BASE_URL"), self.base_url,
                       partner=self.partner)
        config = PartnerApiConfig.from_mapping(
            {"base_url": self.base_url, "username": self.username, "password": self.password},
            partner=self.partner, env=self.env_names,
        )
        return PartnerApiClient(
            config, retry=retry_policy(self.retry_attempts, self.retry_initial_delay_s))


class PartnerNotifyResource(dg.ConfigurableResource):
    """Who at the partner gets the delivery e-mail (comma-separated addresses)."""

    recipients: str

    def addresses(self) -> list[str]:
        return [a.strip() for a in self.recipients.split(",") if a.strip()]


def _initial_delay() -> float:
    return float(os.environ.get(RETRY_DELAY_ENV) or 1.0)


def channel_resources(contract: PartnerContract) -> dict[str, dg.ConfigurableResource]:
    """Resources ``<id>_sftp``, ``<id>_api`` and ``<id>_notify`` of one partner."""
    sftp_env = contract.delivery.sftp.env
    api_env = contract.delivery.api.env
    delay = _initial_delay()
    return {
        f"{contract.id}_sftp": SftpChannelResource(
            partner=contract.id,
            **{f: dg.EnvVar(sftp_env[f]) for f in (
                "host", "port", "username", "private_key_path", "known_hosts", "remote_dir")},
            private_key_passphrase_env=sftp_env.get("private_key_passphrase", ""),
            env_names=dict(sftp_env),
            retry_initial_delay_s=delay,
        ),
        f"{contract.id}_api": PartnerApiResource(
            partner=contract.id,
            **{f: dg.EnvVar(api_env[f]) for f in ("base_url", "username", "password")},
            env_names=dict(api_env),
            retry_initial_delay_s=delay,
        ),
        f"{contract.id}_notify": PartnerNotifyResource(
            recipients=dg.EnvVar(contract.delivery.email.env["recipients"])),
    }
