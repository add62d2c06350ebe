"""The daily delivery from the CLI with the production instance: runs, events, the e-mail
sent-log and the alert outbox all in PostgreSQL, nothing on the pod's disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from ouchhungry_dp.sandbox.stack import SandboxStack
from ouchhungry_dp_tests.conftest import platform_env
from ouchhungry_dp_tests.e2e.prod_instance import postgres_env, prod_shaped_home, run_cli
from ouchhungry_dp_tests.postgres import PostgresServer

pytestmark = pytest.mark.e2e
DAY = "2026-11-20"


def test_daily_delivery_runs_on_the_postgres_instance(
    sandbox: SandboxStack, postgres_server: PostgresServer, tmp_path: Path
) -> None:
    url = postgres_server.create_database("cli_daily")
    env = {**platform_env(sandbox, tmp_path), **postgres_env(postgres_server, "cli_daily")}
    home = prod_shaped_home(Path(env["DAGSTER_HOME"]))
    assert sorted(p.name for p in home.iterdir()) == ["dagster.yaml"]
    mails_before = len(sandbox.smtp.messages())

    run_cli(["job", "execute", "-m", "ouchhungry_dp.definitions", "-j",
             "ouchhungry_daily_delivery", "--tags", json.dumps({"dagster/partition": DAY})],
            env, cwd=tmp_path)

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        runs = conn.execute(sa.text(
            "SELECT status, run_body FROM runs WHERE pipeline_name = 'ouchhungry_daily_delivery'"
        )).all()
        sent = conn.execute(sa.text(
            "SELECT message_id, state FROM ouchhungry_email_sent_log")).all()
        events = conn.execute(sa.text("SELECT count(*) FROM event_logs")).scalar_one()
    engine.dispose()
    assert [r.status for r in runs] == ["SUCCESS"]
    assert DAY in runs[0].run_body
    assert events > 0
    partner = [m for m in sandbox.smtp.messages()[mails_before:]
               if DAY in m.subject and "dados@ouchhungry.example" in str(m.message["To"])]
    assert len(partner) == 1
    assert [(r.message_id, r.state) for r in sent] == [(partner[0].message_id.strip(), "sent")]
    # Nothing of the instance went to local SQLite files.
    assert not [p for p in home.rglob("*") if p.suffix in (".db", ".sqlite")]
