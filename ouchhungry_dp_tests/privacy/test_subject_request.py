"""A data subject's request: the pseudonyms listed for a customer are the ones the
partner's daily files carry for that customer's rows, month by month, and nothing
the command prints holds the customer's id."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ouchhungry_dp.partners.contract import PartnerContract, contracts_dir, get_contract
from ouchhungry_dp.privacy import subject_request
from ouchhungry_dp.privacy.pseudonymize import PSEUDONYMIZATION_KEY_ENV
from ouchhungry_dp.products.cells import decide_locations
from ouchhungry_dp.products.daily import build_daily_product
from ouchhungry_dp_tests.products.conftest import (
    KEY,
    customers_buying,
    products_frame,
    rows_frame,
)

SUBJECT = "CLI-CSPCAMPINAS3"  # customers_buying's 4th customer of Campinas


def _daily_files(contract: PartnerContract) -> pd.DataFrame:
    """The partner's daily files of a day in October and one in November, built by the
    production builder. The subject is the only customer who bought 7 units: that is
    how the test finds its rows in the files (the files carry no real id)."""
    products = products_frame()
    history = rows_frame(customers_buying("2026-09-10", "SP", "CAMPINAS", "REF-HNG-0350", 12))
    decision = decide_locations(history, products, contract)
    files = []
    for day in ("2026-10-05", "2026-11-05"):
        records = customers_buying(day, "SP", "CAMPINAS", "REF-HNG-0350", 6)
        assert records[3][2] == SUBJECT
        records[3] = (*records[3][:6], 7, records[3][7])
        sales = rows_frame(records)
        files.append(build_daily_product(sales, products, decision, contract, key=KEY))
    return pd.concat(files, ignore_index=True)


def _run(argv: list[str], stdin: str, monkeypatch: pytest.MonkeyPatch,
         capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    monkeypatch.setenv(PSEUDONYMIZATION_KEY_ENV, KEY.decode())
    out = io.StringIO()
    code = subject_request.main(argv, stdin=io.StringIO(stdin), stdout=out)
    return code, out.getvalue(), capsys.readouterr().err


def test_the_listed_pseudonyms_are_the_ones_on_the_subjects_rows(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    contract = get_contract("ouchhungry")
    files = _daily_files(contract)
    code, out, err = _run(["--from", "2026-10", "--to", "2026-11", "--partner", "ouchhungry"],
                          f"\n  {SUBJECT}  \n\nCLI-NOBODY\n", monkeypatch, capsys)
    assert code == 0, err
    assert "\r" not in out  # one line ending, whatever the platform
    listed = pd.read_csv(io.StringIO(out), dtype=str)
    assert list(listed.columns) == list(subject_request.HEADER)
    # The subject is input line 2 (blank lines count); the other id is line 4.
    subject = listed[listed["input_line"] == "2"].set_index("month")["customer_pseudonym"]
    for month in ("2026-10", "2026-11"):
        rows = files[(files["quantity"] == 7) & files["sale_date"].str.startswith(month)]
        assert len(rows) == 1
        assert rows["customer_id"].iloc[0] == subject[month]
    others = set(files.loc[files["quantity"] != 7, "customer_id"])
    assert not others & set(listed["customer_pseudonym"])
    assert subject["2026-10"] != subject["2026-11"]  # scoped to the month
    assert listed[listed["input_line"] == "4"]["month"].tolist() == ["2026-10", "2026-11"]
    assert "CLI-" not in out + err


def test_every_month_of_the_range_is_listed_for_each_partner_that_delivered(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A retired partner still holds its files; a draft never received any."""
    text = (contracts_dir() / "ouchhungry.yaml").read_text(encoding="utf-8")
    assert "\nstatus: active\n" in text
    for name, status in (("retired", "retired"), ("draft", "draft")):
        (tmp_path / f"{name}.yaml").write_text(
            text.replace("\nstatus: active\n", f"\nstatus: {status}\n")
                .replace("id: ouchhungry\n", f"id: {name}\n")
                .replace("pseudonymization_salt: ouchhungry", f"pseudonymization_salt: {name}"),
            encoding="utf-8")
    shutil.copy(contracts_dir() / "ouchhungry.yaml", tmp_path / "ouchhungry.yaml")
    monkeypatch.setenv("OUCHHUNGRY_CONTRACTS_DIR", str(tmp_path))
    code, out, err = _run(["--from", "2025-11", "--to", "2026-02"], "CLI-1\n",
                          monkeypatch, capsys)
    assert code == 0, err
    listed = pd.read_csv(io.StringIO(out), dtype=str)
    assert sorted(set(listed["partner"])) == ["ouchhungry", "retired"]
    for partner in ("ouchhungry", "retired"):
        assert listed[listed["partner"] == partner]["month"].tolist() == [
            "2025-11", "2025-12", "2026-01", "2026-02"]
    # Salted per partner: the two partners hold unrelated pseudonyms.
    mine, theirs = (set(listed.loc[listed["partner"] == p, "customer_pseudonym"])
                    for p in ("ouchhungry", "retired"))
    assert len(mine) == len(theirs) == 4 and not mine & theirs


@pytest.mark.parametrize(("argv", "stdin", "message"), [
    (["--from", "2026-13", "--to", "2026-11"], "CLI-1\n",
     "a month of the request is not YYYY-MM |"),
    (["--from", "2026-11", "--to", "2026-10"], "CLI-1\n",
     "the request's last month is before its first month |"),
    (["--from", "2026-10", "--to", "2026-11"], " \n\n", "no customer id in the request's input |"),
    (["--from", "2026-10", "--to", "2026-11"], "CLI-1\n\nCLI-1\u200b\n",
     "line 3 of the request's input holds a blank or an invisible character inside the id |"),
    (["--from", "2026-10", "--to", "2026-11"], "CLI 1\n",
     "line 1 of the request's input holds a blank or an invisible character inside the id |"),
    (["--from", "2026-10", "--to", "2026-11"], "CLI-1\n\ufeffCLI-1\n",
     "line 2 of the request's input holds a blank or an invisible character inside the id |"),
    (["--from", "2026-10", "--to", "2026-11", "--partner", "nobody"], "CLI-1\n",
     "no active or retired contract for partner 'nobody'\n"),
], ids=["bad-month", "reversed", "no-id", "zero-width", "blank", "mark-not-first",
        "unknown-partner"])
def test_a_bad_request_is_refused_by_name_and_prints_no_row(
        argv: list[str], stdin: str, message: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(argv, stdin, monkeypatch, capsys)
    assert (code, out) == (2, "")
    assert f"error: [configuration] {message}" in err
    assert "CLI-1" not in err


def test_an_editors_byte_order_mark_before_the_first_id_is_not_part_of_it(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A file saved by a Windows editor starts with U+FEFF: the id after it is the same
    customer (the reviewer got two different pseudonyms for one id)."""
    argv = ["--from", "2026-10", "--to", "2026-10", "--partner", "ouchhungry"]
    code, marked, err = _run(argv, "\ufeffCLI-1\n", monkeypatch, capsys)
    assert code == 0, err
    assert _run(argv, "CLI-1\n", monkeypatch, capsys)[1] == marked


def test_without_any_contract_that_delivered_nothing_is_listed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OUCHHUNGRY_CONTRACTS_DIR", str(tmp_path))
    code, out, err = _run(["--from", "2026-10", "--to", "2026-10"], "CLI-1\n",
                          monkeypatch, capsys)
    assert (code, out, err) == (2, "", "error: [configuration] no active or retired contract\n")


@pytest.mark.parametrize("missing", ["--from", "--to"])
def test_both_ends_of_the_range_are_required(
        missing: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    argv = [a for pair in (("--from", "2026-10"), ("--to", "2026-11")) if pair[0] != missing
            for a in pair]
    with pytest.raises(SystemExit) as stopped:
        _run(argv, "CLI-1\n", monkeypatch, capsys)
    assert stopped.value.code == 2
    assert f"the following arguments are required: {missing}" in capsys.readouterr().err


def test_the_help_says_how_to_call_it(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        subject_request.main(["--help"])
    assert stopped.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for said in ("usage: python -m ouchhungry_dp.privacy.subject_request",
                 "The pseudonyms each partner holds for the customer ids on standard input "
                 "(one per line), per month. Needs PSEUDONYMIZATION_KEY.",
                 "--from FIRST first month, YYYY-MM", "--to LAST last month, YYYY-MM",
                 "--partner PARTNER one partner id (default: every active or retired partner)"):
        assert said in text


def test_the_command_reads_standard_input_and_writes_standard_output() -> None:
    """As the runbook calls it: ``python -m ... < ids.txt``; the answer is the function's.
    Run from the checkout's root (a mutation pass's scratch copy keeps its settings there)."""
    env = {**os.environ, PSEUDONYMIZATION_KEY_ENV: KEY.decode(),
           "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("OUCHHUNGRY_CONTRACTS_DIR", None)
    done = subprocess.run(
        [sys.executable, "-m", "ouchhungry_dp.privacy.subject_request", "--from", "2026-10",
         "--to", "2026-11"], input=f"{SUBJECT}\n", env=env, cwd=Path(__file__).parents[2],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    expected = [f"ouchhungry,{month},1,{pseudonym}" for month, pseudonym in
                subject_request.partner_pseudonyms(SUBJECT, ["2026-10", "2026-11"],
                                                   contract=get_contract("ouchhungry"), key=KEY)]
    assert done.stdout.splitlines() == [",".join(subject_request.HEADER), *expected]
    assert "CLI-" not in done.stdout + done.stderr


def test_without_the_key_nothing_is_listed(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv(PSEUDONYMIZATION_KEY_ENV, raising=False)
    out = io.StringIO()
    code = subject_request.main(["--from", "2026-10", "--to", "2026-10"],
                                stdin=io.StringIO("CLI-1\n"), stdout=out)
    assert (code, out.getvalue()) == (2, "")
    assert PSEUDONYMIZATION_KEY_ENV in capsys.readouterr().err
