"""SFTP upload throughput: our paramiko client vs the OpenSSH ``sftp`` client, on loopback.

    .venv/bin/python benchmarks/bench_sftp.py [--size-mb 100] [--repeat 3]

Both clients upload the same random file to the same sandbox server
(asyncssh), which runs in a separate process so that it does not share a GIL
with the paramiko client under test. The figure to watch is the ratio of
medians (target: paramiko >= 50% of OpenSSH). Results go to stdout; copy them to
docs/reliability.md ("## SFTP throughput").
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ouchhungry_dp.delivery.config import SftpConfig
from ouchhungry_dp.delivery.manifest import build_manifest
from ouchhungry_dp.delivery.retry import RetryPolicy
from ouchhungry_dp.delivery.sftp import SftpDeliveryClient
from ouchhungry_dp.sandbox.keys import ensure_local_keys

USER = "ouchhungry"


def serve(root: Path, keys_dir: Path) -> None:
    """Child process: run the sandbox server until stdin closes."""
    from ouchhungry_dp.sandbox.sftp_server import SandboxSftpServer

    keys = ensure_local_keys(keys_dir)
    with SandboxSftpServer(
        root, host_key_path=keys.host_key_path, authorized_keys=[keys.client_public_key_path]
    ) as server:
        print(server.port, flush=True)
        sys.stdin.read()


def make_file(path: Path, size_mb: int) -> None:
    with path.open("wb") as handle:
        for _ in range(size_mb):
            handle.write(os.urandom(1024 * 1024))


def time_paramiko(config: SftpConfig, file: Path, remote: str) -> float:
    client = SftpDeliveryClient(config, retry=RetryPolicy(attempts=1))
    manifest = build_manifest("bench", "2026-01-01", file, rows=0, schema_version="1.0.0")
    started = time.perf_counter()
    client.deliver(file, remote, manifest)
    return time.perf_counter() - started


def time_openssh(sftp_bin: str, config: SftpConfig, file: Path, remote: str, work: Path) -> float:
    batch = work / "batch.txt"
    batch.write_text(f"put {file} {remote}\n")
    command = [
        sftp_bin,
        "-q",
        "-b",
        str(batch),
        "-P",
        str(config.port),
        "-i",
        str(config.private_key_path),
        "-o",
        f"UserKnownHostsFile={config.known_hosts}",
        "-o",
        "StrictHostKeyChecking=yes",
        "-o",
        "BatchMode=yes",
        f"{config.username}@{config.host}",
    ]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--serve", nargs=2, metavar=("ROOT", "KEYS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve[0]), Path(args.serve[1]))
        return 0

    sftp_bin = shutil.which("sftp")
    with tempfile.TemporaryDirectory(prefix="bench_sftp_") as tmp:
        work = Path(tmp)
        keys = ensure_local_keys(work / "keys")
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(work / "root"), str(work / "keys")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            port = int(server.stdout.readline())
            config = SftpConfig(
                partner="bench",
                host="127.0.0.1",
                port=port,
                username=USER,
                private_key_path=keys.client_key_path,
                known_hosts=keys.pin_host("127.0.0.1", port),
                verify_sha256="off",  # OpenSSH checks nothing either: compare like with like
            )
            payload = work / "payload.bin"
            make_file(payload, args.size_mb)
            ours, openssh = [], []
            for run in range(args.repeat):
                ours.append(time_paramiko(config, payload, f"/p/run{run}.bin"))
                if sftp_bin:
                    openssh.append(time_openssh(sftp_bin, config, payload, f"/run{run}.bin", work))
        finally:
            if server.stdin:
                server.stdin.close()
            server.wait(timeout=30)

    mb = args.size_mb
    ours_s = statistics.median(ours)
    print(f"file: {mb} MB random bytes, loopback, asyncssh sandbox server, {args.repeat} runs")
    print(f"paramiko (SftpDeliveryClient): median {ours_s:.2f}s = {mb / ours_s:.1f} MB/s")
    if not openssh:
        print("OpenSSH `sftp` client not found: install openssh-client to get the ratio.")
        return 0
    openssh_s = statistics.median(openssh)
    print(f"OpenSSH sftp:                  median {openssh_s:.2f}s = {mb / openssh_s:.1f} MB/s")
    print(f"ratio paramiko/OpenSSH throughput: {openssh_s / ours_s:.0%} (target >= 50%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
