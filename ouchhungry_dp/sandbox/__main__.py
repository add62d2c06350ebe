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

from ouchhungry_dp.sandbox.bootstrap import SANDBOX_PORTS
from ouchhungry_dp.sandbox.stack import SandboxPorts, SandboxStack
from ouchhungry_dp.settings import REPO_ROOT


def _port(env: str, default: int) -> int:
    return int(os.environ.get(env) or default)


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
    with stack:
        root = stack.root
        print(f"sandbox SFTP   sftp://{stack.sftp_username}@127.0.0.1:{stack.sftp.port}"
              f"  files in {root / 'sftp'}", flush=True)
        print(f"sandbox API    {stack.api.base_url}  deliveries in {root / 'api'}", flush=True)
        print(f"sandbox SMTP   127.0.0.1:{stack.smtp.port}  e-mails (.eml) in {root / 'mail'}",
              flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()


if __name__ == "__main__":
    main()
