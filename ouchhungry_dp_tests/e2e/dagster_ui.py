"""`dagster dev` (webserver + daemon + code server) on a temporary instance, driven through
the GraphQL API the UI itself uses.

The instance gets the repository's local ``dagster.yaml`` (the one ``make run``
writes), so runs go through the same queued run coordinator, pools and run
monitoring as a developer's. Everything is stopped by process group at the end.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from dagster_graphql import DagsterGraphQLClient

from ouchhungry_dp.sandbox.bootstrap import DAGSTER_YAML

DAGSTER = str(Path(sys.executable).with_name("dagster"))
MODULE = "ouchhungry_dp.definitions"
START_TIMEOUT_S = 300  # loading the code location on a busy 2-core machine
RUN_TIMEOUT_S = 900
# Appended to the local dagster.yaml for this temporary instance only: the queued-run
# daemon looks at the queue every second instead of every 5 s (Dagster's default), so each
# of the ~10 runs launched one after another does not wait for the next dequeue tick. The
# coordinator, run limit, pools and run monitoring stay exactly those of `make run`.
TEST_INSTANCE_YAML = """\
run_queue:
  dequeue_interval_seconds: 1
"""
TERMINAL = {"SUCCESS", "FAILURE", "CANCELED"}

JOBS_QUERY = """
{ repositoriesOrError { __typename
    ... on RepositoryConnection { nodes { name location { name } pipelines { name } } }
    ... on PythonError { message } } }
"""
RUN_QUERY = """
query Run($runId: ID!) { runOrError(runId: $runId) { __typename
  ... on Run { status tags { key value } }
  ... on PythonError { message } } }
"""
BACKFILL_MUTATION = """
mutation Backfill($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
  __typename ... on LaunchBackfillSuccess { backfillId }
  ... on PythonError { message } ... on InvalidStepError { invalidStepKey }
  ... on PartitionSetNotFoundError { message } ... on UnauthorizedError { message } } }
"""
BACKFILL_QUERY = """
query Backfill($id: String!) { partitionBackfillOrError(backfillId: $id) { __typename
  ... on PartitionBackfill { status }
  ... on PythonError { message } } }
"""
BACKFILL_RUNNING = {"REQUESTED", "CANCELING", "FAILING"}
FAILURES_QUERY = """
query Logs($runId: ID!) { logsForRun(runId: $runId) { __typename
  ... on EventConnection { events { __typename
    ... on ExecutionStepFailureEvent { stepKey error { message causes { message } } }
    ... on RunFailureEvent { message } } } } }
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class DagsterUi:
    """A webserver answering GraphQL at ``url`` (ours, or one already running)."""

    url: str
    client: DagsterGraphQLClient = field(init=False)

    def __post_init__(self) -> None:
        host_port = self.url.split("://", 1)[1].rstrip("/")
        host, port = host_port.split(":")
        self.client = DagsterGraphQLClient(host, port_number=int(port), timeout=60)

    def query(self, query: str, **variables: Any) -> dict[str, Any]:
        response = httpx.post(f"{self.url}/graphql", timeout=60,
                              json={"query": query, "variables": variables})
        response.raise_for_status()
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    def jobs(self) -> set[str]:
        """Jobs of the loaded code location, as the UI lists them (hidden ones left out)."""
        data = self.query(JOBS_QUERY)["repositoriesOrError"]
        assert data["__typename"] == "RepositoryConnection", data
        return {p["name"] for repo in data["nodes"] for p in repo["pipelines"]
                if not p["name"].startswith("__")}

    def launch(self, job: str, partition: str | None, run_config: dict[str, Any]) -> str:
        """What the UI's Launch button does: launchPipelineExecution with the partition tag."""
        tags = {"dagster/partition": partition} if partition else {}
        return self.client.submit_job_execution(job, run_config=run_config, tags=tags)

    def backfill(self, asset_keys: list[str], partitions: list[str]) -> str:
        """What the UI's "Materialize selected" over a range does: one asset backfill."""
        params = {"partitionNames": partitions, "fromFailure": False,
                  "assetSelection": [{"path": [key]} for key in asset_keys]}
        result = self.query(BACKFILL_MUTATION, params=params)["launchPartitionBackfill"]
        assert result["__typename"] == "LaunchBackfillSuccess", result
        return result["backfillId"]

    def wait_backfill(self, backfill_id: str) -> str:
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while time.monotonic() < deadline:
            found = self.query(BACKFILL_QUERY, id=backfill_id)["partitionBackfillOrError"]
            assert found["__typename"] == "PartitionBackfill", found
            if found["status"] not in BACKFILL_RUNNING:
                return found["status"]
            time.sleep(3)
        raise AssertionError(f"backfill {backfill_id} did not finish in {RUN_TIMEOUT_S} s")

    def wait(self, run_id: str) -> str:
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while time.monotonic() < deadline:
            status = self.query(RUN_QUERY, runId=run_id)["runOrError"]["status"]
            if status in TERMINAL:
                return status
            time.sleep(2)
        raise AssertionError(f"run {run_id} did not finish in {RUN_TIMEOUT_S} s")

    def failures(self, run_id: str) -> list[str]:
        """Step and run failure messages of a run (with their causes), for assertions."""
        events = self.query(FAILURES_QUERY, runId=run_id)["logsForRun"]["events"]
        messages = []
        for event in events:
            if event["__typename"] == "ExecutionStepFailureEvent":
                error = event["error"] or {}
                causes = " / ".join(c["message"] for c in error.get("causes") or [])
                messages.append(f"{event['stepKey']}: {error.get('message', '')} {causes}")
            elif event["__typename"] == "RunFailureEvent":
                messages.append(event["message"])
        return messages


class DagsterDev:
    """``dagster dev -m ouchhungry_dp.definitions`` in its own process group."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.env, self.workdir = env, workdir
        self.home = Path(env["DAGSTER_HOME"])
        self.log_path = workdir / "dagster_dev.log"
        self.port = free_port()
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> DagsterUi:
        self.home.mkdir(parents=True, exist_ok=True)
        (self.home / "dagster.yaml").write_text(DAGSTER_YAML + TEST_INSTANCE_YAML,
                                                encoding="utf-8")
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                [DAGSTER, "dev", "-m", MODULE, "-h", "127.0.0.1", "-p", str(self.port)],
                env={**os.environ, **self.env}, stdout=log, stderr=subprocess.STDOUT,
                # Not the repository: dagster would load a developer's .env from there.
                cwd=self.workdir, start_new_session=True,
            )
        ui = DagsterUi(f"http://127.0.0.1:{self.port}")
        try:
            self._wait_ready(ui)
        except BaseException:
            self.__exit__()
            raise
        return ui

    def _wait_ready(self, ui: DagsterUi) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise AssertionError(f"dagster dev exited:\n{self.log_tail()}")
            try:
                if ui.jobs():
                    return
            except (httpx.HTTPError, AssertionError):
                pass
            time.sleep(2)
        raise AssertionError(f"dagster dev not ready in {START_TIMEOUT_S} s:\n{self.log_tail()}")

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def __exit__(self, *exc: object) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        # The group holds the webserver, the daemon, the code server and run workers.
        os.killpg(self._process.pid, signal.SIGINT)
        try:
            self._process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait(timeout=30)
