"""The pseudonyms a partner holds for one customer, month by month, for a data
subject's request under LGPD Art. 18 (no Dagster import).

Why: the daily file is pseudonymised row-level data, which is still personal data
(Art. 13 §4). When a customer asks to have their data deleted (Art. 18 VI) or to
know with whom it was shared (Art. 18 VII), the controller must tell each recipient
which rows are the customer's, so that it deletes them too (Art. 18 §6). The
partner's files carry only a keyed pseudonym scoped to the sale month; only we
hold the key. This module rebuilds those pseudonyms with the very function the
daily file uses (``products.daily.month_pseudonyms``), so the list the partner
gets matches its rows byte for byte.

The customer ids are read from a file or standard input, one per line, never from
the command line (the process list and the shell history would keep them), and
no id is printed: each output row names the input line it belongs to.
The procedure around it: docs/operations.md, "A data subject's request".

    python -m ouchhungry_dp.privacy.subject_request --from 2026-09 --to 2026-11 \\
        [--partner ouchhungry] < ids.txt
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from collections.abc import Iterable, Sequence
from typing import TextIO

import pandas as pd

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.partners.contract import PartnerContract, contracts_dir, load_contract
from ouchhungry_dp.privacy.pseudonymize import pseudonymization_key
from ouchhungry_dp.products.daily import month_pseudonyms

HEADER = ("partner", "month", "input_line", "customer_pseudonym")


def month_range(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from ``first`` to ``last``, both included."""
    try:
        start, end = (dt.datetime.strptime(month, "%Y-%m") for month in (first, last))
    except ValueError as exc:
        raise ConfigurationError(
            "a month of the request is not YYYY-MM",
            hint="Give --from and --to as e.g. 2026-09.",
        ) from exc
    # Months counted from year 0: the range is then one integer range.
    first_index, last_index = (m.year * 12 + m.month - 1 for m in (start, end))
    if last_index < first_index:
        raise ConfigurationError("the request's last month is before its first month",
                                 hint="Give --from before --to.")
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(first_index, last_index + 1)]


def read_ids(lines: Iterable[str]) -> list[tuple[int, str]]:
    """``(line number, id)`` of each non-blank line, surrounding blanks removed (the daily
    file's pseudonyms strip them the same way) and a leading byte-order mark (an editor's
    UTF-8 signature) dropped. Refuses an input without any id, and an id holding a blank
    or an invisible character: it would give a pseudonym no file carries, and the
    request would look answered (the line is named, never the id)."""
    ids = []
    for number, line in enumerate(lines, start=1):
        text = (line[1:] if number == 1 and line.startswith("\ufeff") else line).strip()
        if not text:
            continue
        if not text.isprintable() or any(char.isspace() for char in text):
            raise ConfigurationError(
                f"line {number} of the request's input holds a blank or an invisible "
                "character inside the id",
                hint="Copy the id again from the customer system, one id per line.")
        ids.append((number, text))
    if not ids:
        raise ConfigurationError("no customer id in the request's input",
                                 hint="Give one customer id per line on standard input.")
    return ids


def delivered_contracts(partner: str | None = None) -> list[PartnerContract]:
    """Every contract that may have delivered files: active and retired ones (a retired
    partner still holds what it received); drafts never delivered anything."""
    files = sorted(contracts_dir().glob("*.yaml"))
    contracts = [c for c in (load_contract(p) for p in files)
                 if c.status != "draft" and (partner is None or c.id == partner)]
    if not contracts:
        raise ConfigurationError(f"no active or retired contract for partner {partner!r}"
                                 if partner else "no active or retired contract")
    return contracts


def partner_pseudonyms(customer_id: str, months: Sequence[str], *,
                       contract: PartnerContract, key: bytes) -> list[tuple[str, str]]:
    """``(month, pseudonym)`` the partner's daily files give ``customer_id`` in each month."""
    scopes = pd.Series(list(months))
    pseudonyms = month_pseudonyms(pd.Series([customer_id] * len(scopes)), scopes, key=key,
                                  salt=contract.privacy.pseudonymization_salt)
    return list(pseudonyms.set_axis(scopes).astype(str).items())


def write_request(out: TextIO, ids: Sequence[tuple[int, str]], months: Sequence[str],
                  contracts: Sequence[PartnerContract], key: bytes) -> None:
    """Writes the CSV of every partner x input line x month."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for contract in contracts:
        for line, customer_id in ids:
            for month, pseudonym in partner_pseudonyms(customer_id, months,
                                                       contract=contract, key=key):
                writer.writerow((contract.id, month, line, pseudonym))


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None,
         stdout: TextIO | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ouchhungry_dp.privacy.subject_request",
        description="The pseudonyms each partner holds for the customer ids on standard "
                    "input (one per line), per month. Needs PSEUDONYMIZATION_KEY.")
    parser.add_argument("--from", dest="first", required=True, help="first month, YYYY-MM")
    parser.add_argument("--to", dest="last", required=True, help="last month, YYYY-MM")
    parser.add_argument("--partner",
                        help="one partner id (default: every active or retired partner)")
    args = parser.parse_args(argv)
    try:
        months = month_range(args.first, args.last)
        key = pseudonymization_key()
        contracts = delivered_contracts(args.partner)
        ids = read_ids(stdin if stdin is not None else sys.stdin)
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    write_request(stdout if stdout is not None else sys.stdout, ids, months, contracts, key)
    return 0


if __name__ == "__main__":
    sys.exit(main())
