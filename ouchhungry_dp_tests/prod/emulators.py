"""The GCP emulators the prod-path tests run against, as processes on 127.0.0.1.

BigQuery: bqemulator (REST + Storage Read gRPC, DuckDB-backed). GCS:
gcp-storage-emulator. Both live in their own virtualenv (their pins clash with
the project's), created from PyPI on first use or by ``make emulators``; set
OUCHHUNGRY_EMULATOR_VENV to reuse one elsewhere.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
REQUIREMENTS = HERE / "emulators-requirements.txt"
STARTUP_S = 120.0


def emulator_venv() -> Path:
    """The emulators' virtualenv, created or updated when its requirements changed."""
    venv = Path(os.environ.get("OUCHHUNGRY_EMULATOR_VENV") or REPO / ".emulators" / "venv")
    marker = venv / ".requirements"
    wanted = REQUIREMENTS.read_text()
    if marker.is_file() and marker.read_text() == wanted:
        return venv
    if not (venv / "bin" / "python").is_file():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-r",
                    str(REQUIREMENTS)], check=True)
    marker.write_text(wanted)
    return venv


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Emulators:
    project: str
    bigquery_rest: str  # http://127.0.0.1:PORT
    bigquery_grpc: str  # 127.0.0.1:PORT
    gcs: str  # http://127.0.0.1:PORT

    def env(self) -> dict[str, str]:
        """What points the platform's clients at the emulators."""
        return {"BIGQUERY_API_ENDPOINT": self.bigquery_rest,
                "BIGQUERY_STORAGE_READ_ENDPOINT": self.bigquery_grpc,
                "STORAGE_EMULATOR_HOST": self.gcs}


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"emulator exited with {process.returncode}: "
                               f"{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"emulator at {url} not up after {STARTUP_S}s: {log.read_text()[-3000:]}")


@contextmanager
def _process(args: list[str], root: Path, name: str, ready_url: str) -> Iterator[None]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    # DuckDB keeps extensions under $HOME: a private one keeps the emulator off the user's.
    env["HOME"] = str(root / "home")
    (root / "home").mkdir(parents=True, exist_ok=True)
    log = root / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   cwd=root)
    try:
        _wait_until_up(ready_url, process, log)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def running_emulators(root: Path, project: str = "ouchhungry-test") -> Iterator[Emulators]:
    venv = emulator_venv()
    rest, grpc_port, gcs = _free_port(), _free_port(), _free_port()
    emulators = Emulators(project, f"http://127.0.0.1:{rest}", f"127.0.0.1:{grpc_port}",
                          f"http://127.0.0.1:{gcs}")
    with ExitStack() as stack:
        stack.enter_context(_process(
            [str(venv / "bin" / "python"), str(HERE / "run_bqemulator.py"), "start",
             "--rest-host", "127.0.0.1", "--rest-port", str(rest), "--grpc-host", "127.0.0.1",
             "--grpc-port", str(grpc_port), "--project", project, "--log-level", "warning"],
            root, "bqemulator",
            f"{emulators.bigquery_rest}/bigquery/v2/projects/{project}/datasets"))
        stack.enter_context(_process(
            [str(venv / "bin" / "gcp-storage-emulator"), "start", "--host", "127.0.0.1",
             "--port", str(gcs), "--in-memory", "--quiet"],
            root, "gcs", f"{emulators.gcs}/storage/v1/b"))
        yield emulators
