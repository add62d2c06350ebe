"""SFTP upload throughput: our paramiko client vs the OpenSSH ``sftp`` client, on loopback.

    .venv/bin/python benchmarks/bench_sftp.py [--size-mb 100] [--repeat 3]

Both clients upload the same random file to the same server: the project's
asyncssh sandbox (in a child process, so it shares no GIL with the client under
test) and, when installed, a real OpenSSH sshd, which is fast enough that the
client, not the server, is what is measured. The figure to watch is the ratio of
medians (target: paramiko >= 50% of OpenSSH). Results go to stdout; copy them to
docs/reliability.md ("## SFTP throughput").
"""

from __future__ import annotations

import argparse
import getpass
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ouchhungry_dp.delivery.channel_settings import SftpConfig
from ouchhungry_dp.delivery.manifest import build_manifest
from ouchhungry_dp.delivery.retry import DeliveryRetryPolicy
from ouchhungry_dp.delivery.sftp import SftpDeliveryClient
from ouchhungry_dp.sandbox.keys import LocalKeys, ensure_local_keys

USER = "ouchhungry"


def serve(root: Path, keys_dir: Path) -> None:
    """Child process: run the sandbox server until stdin closes."""
    from ouchhungry_dp.sandbox.partner_systems.sftp_server import SandboxSftpServer

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
    client = SftpDeliveryClient(config, retry=DeliveryRetryPolicy(attempts=1))
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


SSHD_CONFIG = """\
ListenAddress 127.0.0.1
Port {port}
HostKey {host_key}
AuthorizedKeysFile {authorized_keys}
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
PidFile {work}/sshd.pid
Subsystem sftp internal-sftp
"""


def free_port() -> int:
    # sshd cannot report an ephemeral port back, so ask the OS for one first (bench only).
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def asyncssh_server(work: Path, keys: LocalKeys) -> Iterator[tuple[int, str, str]]:
    """The project's sandbox server, in a child process (no shared GIL with the client)."""
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(work / "root"), str(keys.directory)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        yield int(server.stdout.readline()), USER, "/"
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(timeout=30)


@contextmanager
def openssh_server(work: Path, keys: LocalKeys, sshd: str) -> Iterator[tuple[int, str, str]]:
    """A real OpenSSH sshd (C, internal-sftp) on loopback, so the server is not the bottleneck."""
    Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege-separation directory
    port = free_port()
    config = work / "sshd_config"
    config.write_text(
        SSHD_CONFIG.format(
            port=port,
            host_key=keys.host_key_path,
            authorized_keys=keys.client_public_key_path,
            work=work,
        )
    )
    server = subprocess.Popen([sshd, "-D", "-e", "-f", str(config)], stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        root = work / "sshd_root"
        root.mkdir()
        yield port, getpass.getuser(), str(root)
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure(label: str, server: Any, keys: LocalKeys, payload: Path, args: Any) -> None:
    sftp_bin = shutil.which("sftp")
    with server as (port, user, root):
        config = SftpConfig(
            partner="bench",
            host="127.0.0.1",
            port=port,
            username=user,
            private_key_path=keys.client_key_path,
            known_hosts=keys.pin_host("127.0.0.1", port),
            verify_sha256="off",  # OpenSSH checks nothing either: compare like with like
        )
        ours, openssh = [], []
        for run in range(args.repeat):
            ours.append(time_paramiko(config, payload, f"{root}/p/run{run}.bin"))
            if sftp_bin:
                openssh.append(
                    time_openssh(sftp_bin, config, payload, f"{root}/run{run}.bin", payload.parent)
                )
    mb = args.size_mb
    ours_s = statistics.median(ours)
    print(f"== server: {label}; {mb} MB random bytes over loopback, median of {args.repeat} runs")
    print(f"paramiko (SftpDeliveryClient): {ours_s:.2f}s = {mb / ours_s:.1f} MB/s")
    if not openssh:
        print("OpenSSH `sftp` client not found: apt-get install openssh-client to get the ratio.")
        return
    openssh_s = statistics.median(openssh)
    print(f"OpenSSH sftp client:           {openssh_s:.2f}s = {mb / openssh_s:.1f} MB/s")
    print(f"ratio paramiko/OpenSSH throughput: {openssh_s / ours_s:.0%} (target >= 50%)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--server", choices=["asyncssh", "openssh", "both"], default="both")
    parser.add_argument("--serve", nargs=2, metavar=("ROOT", "KEYS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve[0]), Path(args.serve[1]))
        return 0

    with tempfile.TemporaryDirectory(prefix="bench_sftp_") as tmp:
        work = Path(tmp)
        keys = ensure_local_keys(work / "keys")
        payload = work / "payload.bin"
        make_file(payload, args.size_mb)
        if args.server in ("asyncssh", "both"):
            measure("asyncssh sandbox (Python)", asyncssh_server(work, keys), keys, payload, args)
        if args.server in ("openssh", "both"):
            sshd = shutil.which("sshd") or "/usr/sbin/sshd"
            if Path(sshd).exists() and os.geteuid() == 0:
                measure("OpenSSH sshd (C)", openssh_server(work, keys, sshd), keys, payload, args)
            else:
                print(
                    "OpenSSH sshd not found (or not root): install openssh-server and run as "
                    "root to bench against it."
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
