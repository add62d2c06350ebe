"""The runbook's re-delivery procedure, run as written, against a day whose check failed.

A day is built in-process with an e-mail and a phone typed into a partner product's
catalogue name: its `pii_scan` fails and nothing is delivered. Then, from the CLI in a
subprocess (environment variables only, as an operator): materializing only the delivery
assets is refused by the publishing gate; the data team is alerted; the commands of
`docs/operations.md` "Re-deliver a partition" — copied from the document itself — rebuild
the day from the (now corrected) source and deliver it, and re-deliver it once more
without a second partner e-mail; re-run after late rows, the rebuild is refused (a released
file never changes) and the re-delivery still sends the first bytes.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from ouchhungry_dp.sandbox.stack import SandboxStack
from ouchhungry_dp_tests.defs.gate_support import (
    CONTRACT,
    PlantedCatalogue,
    data_team_alerts,
    failed_checks,
    partner_mails,
    run_job,
    what_the_partner_got,
)

pytestmark = pytest.mark.e2e
DAY = "2026-11-06"
RUNBOOK = Path(__file__).parents[2] / "docs" / "operations.md"
RUNBOOK_DAY = "2026-11-25"
DAGSTER = str(Path(sys.executable).with_name("dagster"))


def runbook_commands() -> list[list[str]]:
    """The `dagster …` commands of the runbook's re-delivery section, in order."""
    text = RUNBOOK.read_text()
    section = text[text.index("### Re-deliver a partition"):]
    section = section[:section.index("\n### ", 1)]
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", section, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            if line.strip().startswith("dagster "):
                commands.append(shlex.split(line.replace(RUNBOOK_DAY, DAY))[1:])
    return commands


def cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DAGSTER, *args], env={**os.environ, **env}, capture_output=True,
                          text=True, timeout=600, cwd=Path(env["DAGSTER_HOME"]).parent)


def test_the_runbook_redelivery_obeys_the_gate_from_the_cli(
        sandbox: SandboxStack, env: dict[str, str], instance: dg.DagsterInstance,
        tmp_path: Path) -> None:
    rebuild, redeliver = runbook_commands()
    assert rebuild[:2] == ["job", "execute"] and redeliver[:2] == ["asset", "materialize"]
    assert DAY in " ".join(rebuild) and DAY in " ".join(redeliver)

    failed = run_job(instance, PlantedCatalogue(rows_per_day=300), CONTRACT.daily_job, DAY)
    assert "ouchhungry_sales_daily:pii_scan" in failed_checks(failed)

    # Delivery assets only, from the CLI: refused by the gate inside the step.
    refused = cli(redeliver, env)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert "publishing gate refused" in output and "pii_scan" in output
    assert "joao.silva" not in output
    assert what_the_partner_got(sandbox, DAY) == []
    alerts = [m for m in data_team_alerts(instance, sandbox, tmp_path)
              if "publishing gate refused" in m.subject]
    (alert,) = alerts  # the CLI run's refusal (the first run failed on its check)
    assert DAY in alert.subject and "pii_scan" in alert.body()
    assert "joao.silva" not in alert.body()

    # Step 1: the source is fixed (the CLI's simulator has a clean catalogue); re-run the day.
    rebuilt = cli(rebuild, env)
    assert rebuilt.returncode == 0, rebuilt.stderr[-3000:]
    assert len(what_the_partner_got(sandbox, DAY)) == 5  # SFTP file+manifest, API+receipt, mail
    # Step 2: re-deliver the released bytes; no second e-mail for identical bytes.
    again = cli(redeliver, env)
    assert again.returncode == 0, again.stderr[-3000:]
    assert len(partner_mails(sandbox, DAY)) == 1

    # Step 1 again after late rows arrived (the simulator sends more orders for the day):
    # the released file never changes, by the CLI either; step 2 still sends the first bytes.
    first = sftp_bytes(sandbox)
    late = cli(rebuild, {**env, "OUCHHUNGRY_SIM_ROWS_PER_DAY": "420"})
    output = late.stdout + late.stderr
    assert late.returncode != 0 and "ReleasedFileChanged" in output, output[-3000:]
    assert cli(redeliver, env).returncode == 0
    assert first and sftp_bytes(sandbox) == first and len(partner_mails(sandbox, DAY)) == 1


def sftp_bytes(sandbox: SandboxStack) -> dict[str, bytes]:
    """The day's files on the partner's SFTP (manifests left out: a re-delivery writes a
    new one, with its time, for the same bytes)."""
    return {p.name: p.read_bytes() for p in sandbox.sftp_files.rglob("*")
            if p.is_file() and DAY in p.name and not p.name.endswith(".manifest.json")}
