"""No secret in logs, exception texts, reprs or receipts, on success and on failure paths."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ouchhungry_dp.delivery.api import PartnerApiClient
from ouchhungry_dp.delivery.channel_settings import PartnerApiConfig, Secret, SftpConfig
from ouchhungry_dp.delivery.manifest import build_manifest
from ouchhungry_dp.delivery.retry import DeliveryRetryPolicy
from ouchhungry_dp.delivery.sftp import SftpDeliveryClient
from ouchhungry_dp.errors import OuchHungryError
from ouchhungry_dp.sandbox.keys import LocalKeys, known_hosts_line
from ouchhungry_dp.sandbox.partner_systems.api_server import CannedResponse, SandboxPartnerApi
from ouchhungry_dp.sandbox.partner_systems.sftp_server import SandboxSftpServer

from .conftest import KEY_PASSPHRASE as PASSPHRASE

PASSWORD = "Xk2-password-CANARY-9038"  # pragma: allowlist secret (fake canary)


def test_no_secret_leaks_through_logs_errors_or_receipts(
    keys: LocalKeys, locked_key: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, sleeps
) -> None:
    caplog.set_level(logging.DEBUG)  # paramiko, httpx, asyncssh, aiohttp and ours, all levels
    texts: list[str] = []
    policy = DeliveryRetryPolicy(attempts=2, initial_delay_s=0, sleep=sleeps)
    key = locked_key
    file = tmp_path / "f.csv"
    file.write_text("sale_date,quantity\n2026-11-25,3\n")
    manifest = build_manifest("ds", "2026-11-25", file, rows=1, schema_version="1.0.0")

    def failing(call) -> None:  # record everything an alert could show
        with pytest.raises(OuchHungryError) as caught:
            call()
        texts.extend([str(caught.value), repr(caught.value), str(caught.value.as_dict())])

    with (
        SandboxSftpServer(
            tmp_path / "sftp",
            host_key_path=keys.host_key_path,
            authorized_keys=[Path(str(key) + ".pub")],
        ) as sftp_server,
        SandboxPartnerApi(tmp_path / "api", username="dp", password=PASSWORD) as api_server,
    ):
        known_hosts = tmp_path / "kh"
        known_hosts.write_text(
            known_hosts_line("127.0.0.1", sftp_server.port, keys.host_public_key)
        )
        sftp_values = {
            "host": "127.0.0.1",
            "port": str(sftp_server.port),
            "username": "ouchhungry",
            "private_key_path": str(key),
            "private_key_passphrase": PASSPHRASE,
            "known_hosts": str(known_hosts),
        }
        sftp_config = SftpConfig.from_mapping(sftp_values, partner="p")
        receipt = SftpDeliveryClient(sftp_config, retry=policy).deliver(file, "/d/f.csv", manifest)
        texts += [repr(sftp_config), str(receipt.as_metadata())]
        wrong = SftpConfig.from_mapping(
            {**sftp_values, "private_key_passphrase": PASSPHRASE[::-1]}, partner="p"
        )
        failing(lambda: SftpDeliveryClient(wrong, retry=policy).deliver(file, "/d/f.csv", manifest))

        api_values = {"base_url": api_server.base_url, "username": "dp", "password": PASSWORD}
        api_config = PartnerApiConfig.from_mapping(api_values, partner="p")
        with PartnerApiClient(api_config, retry=policy) as client:
            api_receipt = client.put_delivery(
                "ds", "2026-11-25", file, rows=1, idempotency_key="k-1"
            )
            token = client._token
            assert token
            # A careless server echoing the credentials and token back in its error.
            api_server.inject(
                CannedResponse(400, {"error": f"bad request: password={PASSWORD} token={token}"})
            )
            failing(
                lambda: client.put_delivery("ds", "2026-11-25", file, rows=1, idempotency_key="k-2")
            )
        texts += [repr(api_config), str(api_receipt.as_metadata()), repr(Secret(PASSWORD))]
        bad = PartnerApiConfig.from_mapping({**api_values, "password": PASSWORD[::-1]}, partner="p")
        with PartnerApiClient(bad, retry=policy) as bad_client:
            failing(
                lambda: bad_client.put_delivery(
                    "ds", "2026-11-25", file, rows=1, idempotency_key="k-3"
                )
            )

    everything = "\n".join([caplog.text, *texts])
    assert "bad request: password=***" in everything  # the failure paths were really exercised
    assert len(caplog.records) > 5
    for secret in (PASSPHRASE, PASSPHRASE[::-1], PASSWORD, PASSWORD[::-1], token):
        assert secret not in everything
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(api_config)
