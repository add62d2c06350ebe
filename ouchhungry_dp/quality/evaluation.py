"""Recall and false positives of the cleaning against labelled defects (no Dagster import).

The simulator labels every defect it injects (row, column, kind, expected
outcome and reason). Joining those labels with a cleaning result answers, per
defect kind: how many affected rows got the expected treatment (recall), and how
many rows without that defect were quarantined for its reason anyway (false
positives). Rows without any defect must all come out clean.
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd

from ouchhungry_dp.quality.cleaning import clean_customers, clean_products, clean_transactions
from ouchhungry_dp.quality.engine import CleaningResult
from ouchhungry_dp.simulation import (
    SimulationConfig,
    simulate_customers,
    simulate_products,
    simulate_transactions,
)

REPORT_COLUMNS = (
    "kind", "outcome", "reason", "injected_rows", "caught_rows", "recall",
    "negative_rows", "false_positive_rows", "false_positive_rate",
)  # fmt: skip


@dataclass
class DetectionReport:
    per_kind: pd.DataFrame  # REPORT_COLUMNS, one row per defect kind present
    clean_rows: int  # rows without any defect label
    clean_rows_rejected: int  # ... of which quarantined (should be 0)
    unexplained: pd.DataFrame  # (row, reason) quarantined for a reason no label of the row expects


def _row_reasons(quarantine: pd.DataFrame) -> pd.DataFrame:
    pairs = quarantine[["source_row", "reasons"]].astype({"reasons": object})
    pairs = pairs.assign(reason=pairs["reasons"].str.split("|")).explode("reason")
    return pd.DataFrame(
        {"row": pairs["source_row"].astype("int64"), "reason": pairs["reason"].astype(str)}
    ).drop_duplicates()


def detection_report(defects: pd.DataFrame, result: CleaningResult, n_rows: int) -> DetectionReport:
    """``defects`` as the simulator labels them: row, column, kind, outcome, reason."""
    labels = defects[["row", "kind", "outcome", "reason"]].astype(
        {"row": "int64", "reason": object}
    )
    got = _row_reasons(result.quarantine)
    expected = labels.dropna(subset=["reason"])[["row", "reason"]].drop_duplicates()
    quarantined_rows = set(got["row"])

    unexplained = got.merge(expected, on=["row", "reason"], how="left", indicator=True)
    unexplained = unexplained.loc[unexplained["_merge"] == "left_only", ["row", "reason"]]
    wrongly_rejected = set(unexplained["row"])
    got_pairs = set(zip(got["row"], got["reason"], strict=True))

    records = []
    for kind, group in labels.groupby("kind", sort=True):
        rows = set(group["row"])
        outcome = group["outcome"].iloc[0]
        if outcome == "quarantine":
            caught = {r for r, reason in zip(group["row"], group["reason"], strict=True)
                      if (r, reason) in got_pairs}  # fmt: skip
            reasons = set(group["reason"])
            label_pairs = set(zip(labels["row"], labels["reason"], strict=True))
            false_rows = {r for r, reason in got_pairs if reason in reasons
                          and (r, reason) not in label_pairs}  # fmt: skip
            reason_text = "|".join(sorted(reasons))
        else:  # repair / accept: the row must not be rejected because of this defect
            caught = {r for r in rows if r not in wrongly_rejected}
            false_rows = rows & wrongly_rejected
            reason_text = ""
        # Quarantine kinds: rows without the defect that got its reason anyway. Repair and
        # accept kinds: rows with the defect that were rejected (a repair must not reject).
        negatives = n_rows - len(rows) if outcome == "quarantine" else len(rows)
        records.append(
            {
                "kind": kind,
                "outcome": outcome,
                "reason": reason_text,
                "injected_rows": len(rows),
                "caught_rows": len(caught),
                "recall": len(caught) / len(rows) if rows else 1.0,
                "negative_rows": negatives,
                "false_positive_rows": len(false_rows),
                "false_positive_rate": len(false_rows) / negatives if negatives else 0.0,
            }
        )
    labelled = set(labels["row"])
    clean_rows = n_rows - len(labelled)
    rejected_clean = len(quarantined_rows - labelled)
    return DetectionReport(
        pd.DataFrame.from_records(records, columns=list(REPORT_COLUMNS)),
        clean_rows,
        rejected_clean,
        unexplained.reset_index(drop=True),
    )


def simulated_detection(
    day: dt.date, config: SimulationConfig, customer_ids_from: str = "clean"
) -> dict[str, tuple[DetectionReport, CleaningResult, int]]:
    """Simulates the three tables of ``day``, cleans them and scores the cleaning.

    ``customer_ids_from="clean"`` checks transactions against the customer table
    without defects (the truth the simulator's ``unknown_customer`` label refers
    to); ``"raw"`` uses the defective extract, to measure the cascade of a
    customer row whose id is missing.
    """
    transactions = simulate_transactions(day, config)
    customers = simulate_customers(day, config)
    products = simulate_products(day, config)
    reference = customers if customer_ids_from == "raw" else simulate_customers(
        day, replace(config, defect_rate=0.0)
    )
    results = {
        "transactions": clean_transactions(
            transactions.frame,
            partition_date=day,
            known_customer_ids=reference.frame["customer_id"],
            known_product_codes=products.frame["product_code"],
        ),
        "customers": clean_customers(customers.frame, snapshot_date=day),
        "products": clean_products(products.frame, snapshot_date=day),
    }
    tables = {"transactions": transactions, "customers": customers, "products": products}
    return {
        name: (detection_report(tables[name].defects, result, len(tables[name].frame)), result,
               len(tables[name].frame))
        for name, result in results.items()
    }  # fmt: skip


def _markdown(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def main(argv: list[str] | None = None) -> None:
    """Prints the recall / false-positive tables of docs/data-quality.md."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--defect-rate", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--customer-ids-from", choices=("clean", "raw"), default="clean")
    args = parser.parse_args(argv)
    config = SimulationConfig(seed=args.seed, rows_per_day=args.rows, defect_rate=args.defect_rate)
    per_table: dict[str, list[pd.DataFrame]] = {}
    clean = {"rows": 0, "rejected": 0}
    for offset in range(args.days):
        day = dt.date(2026, 11, 1) + dt.timedelta(days=offset)
        scored = simulated_detection(day, config, args.customer_ids_from)
        for name, (report, _, _) in scored.items():
            per_table.setdefault(name, []).append(report.per_kind.assign(table=name))
            clean["rows"] += report.clean_rows
            clean["rejected"] += report.clean_rows_rejected
    totals = pd.concat([f for frames in per_table.values() for f in frames])
    summed = totals.groupby(["table", "kind", "outcome", "reason"], as_index=False)[
        ["injected_rows", "caught_rows", "negative_rows", "false_positive_rows"]
    ].sum()
    summed["recall"] = (summed["caught_rows"] / summed["injected_rows"]).map("{:.2%}".format)
    summed["false_positives"] = [
        f"{fp} / {neg} ({fp / max(neg, 1):.2%})"
        for fp, neg in zip(summed["false_positive_rows"], summed["negative_rows"], strict=True)
    ]
    print(f"days={args.days} rows/day={args.rows} defect_rate={args.defect_rate} "
          f"seed={args.seed} customer_ids_from={args.customer_ids_from}")  # fmt: skip
    print(_markdown(summed[["table", "kind", "outcome", "reason", "injected_rows", "caught_rows",
                            "recall", "false_positives"]]))  # fmt: skip
    print(f"\nrows without any defect: {clean['rows']}, of which quarantined: {clean['rejected']}")


if __name__ == "__main__":
    main()
