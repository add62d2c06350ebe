"""Wait until the sandbox's ports accept connections (used by ``make run``)."""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time

from dotenv import load_dotenv

from ouchhungry_dp.settings import REPO_ROOT


def sandbox_ports() -> dict[str, int]:
    api = os.environ.get("OUCHHUNGRY_API_BASE_URL", "http://127.0.0.1:8081")
    return {
        "sftp": int(os.environ.get("OUCHHUNGRY_SFTP_PORT", "2222")),
        "api": int(api.rsplit(":", 1)[1].split("/")[0]),
        "smtp": int(os.environ.get("SMTP_PORT", "2525")),
    }


def wait_for(ports: dict[str, int], timeout: float) -> list[str]:
    deadline = time.monotonic() + timeout
    pending = dict(ports)
    while pending and time.monotonic() < deadline:
        for name, port in list(pending.items()):
            with socket.socket() as sock:
                sock.settimeout(0.5)
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    del pending[name]
        if pending:
            time.sleep(0.2)
    return [f"{name} (127.0.0.1:{port})" for name, port in pending.items()]


def main() -> int:
    load_dotenv(REPO_ROOT / ".env")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timeout", type=float, default=30.0)
    missing = wait_for(sandbox_ports(), parser.parse_args().timeout)
    if missing:
        print(f"sandbox not reachable: {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
