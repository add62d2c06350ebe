"""One day and one month, end to end, through the documented CLI commands.

`dagster job execute` runs in a subprocess with only environment variables
pointing it at the loopback sandbox, as an operator would run it against any
partner's servers. The test then looks where the partner would look.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ouchhungry_dp.sandbox.stack import SandboxStack
from ouchhungry_dp_tests.conftest import platform_env

pytestmark = pytest.mark.e2e
DAY = "2026-11-25"
DAGSTER = str(Path(sys.executable).with_name("dagster"))


OUTPUTS: list[str] = []  # every CLI output of this module, searched for secrets at the end


def run_cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [DAGSTER, *args], env={**os.environ, **env}, capture_output=True, text=True,
        # Not the repository: dagster would load a developer's .env from there.
        timeout=600, cwd=Path(env["DAGSTER_HOME"]).parent,
    )
    OUTPUTS.append(result.stdout + result.stderr)
    output = f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    assert result.returncode == 0, f"{args} failed:\n{output}"
    return result


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def delivered_day(sandbox: SandboxStack, tmp_path_factory: pytest.TempPathFactory):
    env = platform_env(sandbox, tmp_path_factory.mktemp("e2e"))
    mails_before = len(sandbox.smtp.messages())
    run_cli(["job", "execute", "-m", "ouchhungry_dp.definitions", "-j",
             "ouchhungry_daily_delivery", "--tags", json.dumps({"dagster/partition": DAY})], env)
    return env, mails_before


def test_daily_file_and_manifest_on_sftp_match_the_api_copy(sandbox, delivered_day) -> None:
    sftp_file = sandbox.sftp_files / "daily" / f"ouchhungry_sales_daily_{DAY}.csv"
    manifest = json.loads(Path(f"{sftp_file}.manifest.json").read_text())
    api_copies = list((sandbox.root / "api").rglob(f"*{DAY}*.csv"))
    assert sftp_file.is_file()
    assert manifest["sha256"] == sha256_of(sftp_file)
    assert manifest["rows"] == len(sftp_file.read_text().splitlines()) - 1 > 0
    assert manifest["dataset"] == "ouchhungry_sales_daily" and manifest["partition"] == DAY
    assert [sha256_of(p) for p in api_copies] == [sha256_of(sftp_file)]
    header = sftp_file.read_text().splitlines()[0].split(",")
    for column in ("sale_date", "order_id", "customer_id", "city", "state", "brand",
                   "product_code", "unit_price", "quantity", "total_amount"):
        assert column in header


def test_partner_gets_one_portuguese_email_with_the_checksum(sandbox, delivered_day) -> None:
    _, before = delivered_day
    new = [m for m in sandbox.smtp.messages()[before:] if DAY in m.subject]
    assert len(new) == 1
    sftp_file = sandbox.sftp_files / "daily" / f"ouchhungry_sales_daily_{DAY}.csv"
    body = new[0].body()
    assert sha256_of(sftp_file) in body
    assert "dados@ouchhungry.example" in str(new[0].message["To"])


# A whole month of daily snapshots through the CLI: slower than the suite's 300 s default on
# a loaded 2-core box (a month-to-date file would be faster, but the gate never releases it).
@pytest.mark.timeout(900)
def test_monthly_job_after_a_single_run_backfill_of_the_month(sandbox, delivered_day) -> None:
    env, _ = delivered_day
    daily_chain = ("raw_transactions,raw_customers,raw_products,cleaned_transactions,"
                   "transactions_quarantine,cleaned_customers,customers_quarantine,"
                   "cleaned_products,products_quarantine,ouchhungry_sales_daily")
    run_cli(["asset", "materialize", "-m", "ouchhungry_dp.definitions", "--select", daily_chain,
             "--partition-range", "2026-09-01...2026-09-30"],
            {**env, "OUCHHUNGRY_BACKFILL_DAYS_PER_RUN": "0"})  # the CLI range is one run
    # A complete month: the publishing gate never releases a month-to-date file. Not
    # October: it is the history of November's decision, and DAY is re-delivered below.
    run_cli(["job", "execute", "-m", "ouchhungry_dp.definitions", "-j",
             "ouchhungry_monthly_delivery", "--tags",
             json.dumps({"dagster/partition": "2026-09-01"})], env)
    monthly = sandbox.sftp_files / "monthly" / "ouchhungry_sales_monthly_by_city_2026-09.csv"
    manifest = json.loads(Path(f"{monthly}.manifest.json").read_text())
    assert manifest["partition"] == "2026-09" and manifest["sha256"] == sha256_of(monthly)
    assert (sandbox.sftp_files / "monthly" / "ouchhungry_insights_2026-09.html").is_file()
    header = monthly.read_text().splitlines()[0].split(",")
    for column in ("month", "state", "city", "brand", "units_sold", "revenue",
                   "avg_unit_price", "customers_reached", "segment_share"):
        assert column in header
    api_copies = list((sandbox.root / "api").rglob("*2026-09.csv"))
    assert [sha256_of(p) for p in api_copies] == [sha256_of(monthly)]


def test_redelivering_the_day_replaces_it_and_sends_no_second_email(sandbox, delivered_day) -> None:
    env, before = delivered_day
    run_cli(["job", "execute", "-m", "ouchhungry_dp.definitions", "-j",
             "ouchhungry_daily_delivery", "--tags", json.dumps({"dagster/partition": DAY})], env)
    daily_dir = sandbox.sftp_files / "daily"
    on_sftp = sorted(p.name for p in daily_dir.iterdir() if DAY in p.name)
    assert on_sftp == [f"ouchhungry_sales_daily_{DAY}.csv",
                       f"ouchhungry_sales_daily_{DAY}.csv.manifest.json"]
    assert len(list((sandbox.root / "api").rglob(f"*{DAY}*.csv"))) == 1
    partner_mails = [m for m in sandbox.smtp.messages()[before:]
                     if DAY in m.subject and "dados@ouchhungry.example" in str(m.message["To"])]
    assert len(partner_mails) == 1


def test_no_secret_in_cli_output_event_log_or_instance_files(delivered_day) -> None:
    env, _ = delivered_day
    secrets = {name: env[name] for name in ("OUCHHUNGRY_API_PASSWORD", "PSEUDONYMIZATION_KEY")}
    assert OUTPUTS, "the CLI ran"
    for name, value in secrets.items():
        assert all(value not in out for out in OUTPUTS), f"{name} in CLI output"
    home = Path(env["DAGSTER_HOME"])
    files = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.suffix == ".db" for p in files), "the event log (SQLite) was written"
    for path in files:
        data = path.read_bytes()
        for name, value in secrets.items():
            assert value.encode() not in data, f"{name} found in {path}"
