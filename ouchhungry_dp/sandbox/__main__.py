"""``python -m ouchhungry_dp.sandbox``: the partner's systems on 127.0.0.1 until Ctrl+C.

Ports and credentials come from the environment (``.env`` written by
``make run``), so the platform and the sandbox agree without copying values.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import threading
from pathlib import Path

from dotenv import load_dotenv

from ouchhungry_dp.monitoring.powerbi.powerbi_settings import load_monitored_datasets
from ouchhungry_dp.sandbox.bootstrap import SANDBOX_PORTS
from ouchhungry_dp.sandbox.company_cloud.powerbi_server import PowerBIEmulator
from ouchhungry_dp.sandbox.stack import SandboxPorts, SandboxStack
from ouchhungry_dp.settings import REPO_ROOT


def _port(env: str, default: int) -> int:
    return int(os.environ.get(env) or default)


def _powerbi_emulator() -> PowerBIEmulator:
    """The Power BI REST emulator with the monitored datasets of the config."""
    emulator = PowerBIEmulator(
        tenant_id=os.environ.get("POWERBI_TENANT_ID", "sandbox-tenant"),
        client_id=os.environ.get("POWERBI_CLIENT_ID", "sandbox-client"),
        client_secret=os.environ.get("POWERBI_CLIENT_SECRET"),
        port=_port("POWERBI_EMULATOR_PORT", SANDBOX_PORTS["powerbi"]),
    )
    for dataset in load_monitored_datasets().datasets:
        emulator.add_dataset(dataset.workspace_id, dataset.dataset_id,
                             capacity=dataset.capacity, duration_s=5)
    return emulator


def main() -> None:
    load_dotenv(REPO_ROOT / ".env")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path,
                        default=Path(os.environ.get("OUCHHUNGRY_SANDBOX_DIR")
                                     or REPO_ROOT / ".sandbox"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s sandbox %(message)s")
    password = os.environ.get("OUCHHUNGRY_API_PASSWORD")
    if not password:
        raise SystemExit("OUCHHUNGRY_API_PASSWORD is not set: run `make secrets` first")
    ports = SandboxPorts(
        sftp=_port("OUCHHUNGRY_SFTP_PORT", SANDBOX_PORTS["sftp"]),
        api=int((os.environ.get("OUCHHUNGRY_API_BASE_URL") or ":8081").rsplit(":", 1)[1]),
        smtp=_port("SMTP_PORT", SANDBOX_PORTS["smtp"]),
    )
    stack = SandboxStack(
        args.root, ports=ports,
        sftp_username=os.environ.get("OUCHHUNGRY_SFTP_USERNAME", "ouchhungry"),
        api_username=os.environ.get("OUCHHUNGRY_API_USERNAME", "ouchhungry"),
        api_password=password,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    powerbi = _powerbi_emulator()
    with stack, powerbi:
        root = stack.root
        print(f"sandbox SFTP   sftp://{stack.sftp_username}@127.0.0.1:{stack.sftp.port}"
              f"  files in {root / 'sftp'}", flush=True)
        print(f"sandbox API    {stack.api.base_url}  deliveries in {root / 'api'}", flush=True)
        print(f"sandbox SMTP   127.0.0.1:{stack.smtp.port}  e-mails (.eml) in {root / 'mail'}",
              flush=True)
        print(f"sandbox PowerBI {powerbi.api_base_url}  (emulated REST API)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()


if __name__ == "__main__":
    main()
