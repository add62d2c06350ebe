"""Two "pods" — processes with their own DAGSTER_HOME and local disk — on one Postgres.

They re-deliver the same partition at the same moment: the partner gets one e-mail.
An alert queued by one while SMTP is down is sent by the other's next sensor tick.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from ouchhungry_dp.definitions import defs
from ouchhungry_dp.lib.execution.concurrency_pools import code_pools, ensure_pools
from ouchhungry_dp.sandbox.partner_systems.smtp_sink import SmtpSink
from ouchhungry_dp.sandbox.stack import SandboxStack
from ouchhungry_dp.settings import REPO_ROOT
from ouchhungry_dp_tests.conftest import platform_env
from ouchhungry_dp_tests.e2e.prod_instance import (
    DAGSTER,
    pod_instance,
    postgres_env,
    prod_shaped_home,
)
from ouchhungry_dp_tests.postgres import PostgresServer

pytestmark = pytest.mark.e2e
DAY = "2026-11-21"


def pods(sandbox: SandboxStack, server: PostgresServer, database: str,
         tmp_path: Path) -> list[dict[str, str]]:
    shared = {**postgres_env(server, database),
              # Pods share their secrets (one Secret Manager), not their disks.
              "PSEUDONYMIZATION_KEY": secrets.token_hex(32)}
    envs = []
    for name in ("pod_a", "pod_b"):
        env = {**platform_env(sandbox, tmp_path / name), **shared}
        prod_shaped_home(Path(env["DAGSTER_HOME"]))
        envs.append(env)
    # The roll-out creates the schema (chart's migrate job) and the pools once before pods
    # take work (docs/deployment.md); so does this.
    with pod_instance(envs[0]) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        created = ensure_pools(instance, code_pools(defs))
    assert {"warehouse", "ouchhungry_sftp", "ouchhungry_api"} <= set(created)
    return envs


def start(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    # The tick helper is a module of the test package: run it from the repository root's
    # point of view whatever the working folder (the package itself is installed).
    path = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    return subprocess.Popen(args, env={**os.environ, **env, "PYTHONPATH": path}, cwd=cwd,
                            text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def finish(proc: subprocess.Popen[str]) -> str:
    output, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, output[-4000:]
    return output


def test_two_pods_redelivering_one_partition_send_one_partner_email(
    sandbox: SandboxStack, postgres_server: PostgresServer, tmp_path: Path
) -> None:
    postgres_server.create_database("two_pods_delivery")
    envs = pods(sandbox, postgres_server, "two_pods_delivery", tmp_path)
    before = len(sandbox.smtp.messages())
    args = [DAGSTER, "job", "execute", "-m", "ouchhungry_dp.definitions", "-j",
            "ouchhungry_daily_delivery", "--tags", json.dumps({"dagster/partition": DAY})]
    procs = [start(args, env, tmp_path) for env in envs]
    for proc in procs:
        finish(proc)

    partner = [m for m in sandbox.smtp.messages()[before:]
               if DAY in m.subject and "dados@ouchhungry.example" in str(m.message["To"])]
    assert len(partner) == 1
    with pod_instance(envs[1]) as instance:
        runs = instance.get_runs(dg.RunsFilter(job_name="ouchhungry_daily_delivery"))
        assert sorted(str(r.status.value) for r in runs) == ["SUCCESS", "SUCCESS"]


def test_alert_queued_by_one_pod_is_sent_by_the_other_pods_next_tick(
    sandbox: SandboxStack, postgres_server: PostgresServer, tmp_path: Path
) -> None:
    postgres_server.create_database("two_pods_alerts")
    pod_a, pod_b = pods(sandbox, postgres_server, "two_pods_alerts", tmp_path)
    with SmtpSink(tmp_path / "gone") as gone:
        dead_port = str(gone.port)
    tick = [sys.executable, "-m", "ouchhungry_dp_tests.e2e.sensor_tick"]

    # Pod A: SMTP down. The SLA sensor finds the last days undelivered; the alert is queued.
    out_a = finish(start([*tick, "data_team_sla_alerts"], {**pod_a, "SMTP_PORT": dead_port},
                         tmp_path))
    assert "1 queued" in out_a
    mails_before = len(sandbox.smtp.messages())

    # Pod B (SMTP up) ticks the run-failure sensor: nothing new to report, but the outbox
    # it flushes first is the shared one.
    out_b = finish(start([*tick, "data_team_run_failure_alerts"], pod_b, tmp_path))
    assert "outbox: 1 re-sent, 0 waiting" in out_b
    new = sandbox.smtp.messages()[mails_before:]
    assert len(new) == 1 and "[sla]" in new[0].subject
    assert not (Path(pod_a["DAGSTER_HOME"]) / "ouchhungry_email").exists()
