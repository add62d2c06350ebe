"""The stage-1 deck: ``make deck``, or from the repository root

    PYTHONPATH=. .venv/bin/python scripts/build_deck.py [--lang en] [--day YYYY-MM-DD]

Runs the platform's cost assets for ``--day`` first (the simulated GCP account
locally), so the cost slides show that run's figures and name it. An entry point,
not a library: it joins the Dagster run (``lib/cost_run_for_deck``) to the
deck builder (``ouchhungry_dp.deck``, which imports no Dagster).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from ouchhungry_dp.deck.build import build_deck
from ouchhungry_dp.deck.figures import collect_figures
from ouchhungry_dp.deck.texts import LANGS, Texts
from ouchhungry_dp.definitions import defs
from ouchhungry_dp.defs.platform import costs
from ouchhungry_dp.lib.cost_run_for_deck import run_cost_assets
from ouchhungry_dp.sandbox.company_cloud import gcp_catalog as catalog
from ouchhungry_dp.settings import REPO_ROOT, warehouse_path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Build the stage-1 deck (PPTX).")
    parser.add_argument("--out", type=Path, default=None,
                        help="default: docs/deck/ouchhungry_dp[_en].pptx")
    parser.add_argument("--lang", choices=LANGS, default="pt",
                        help="pt (Brazilian Portuguese, default) or en")
    parser.add_argument("--day", type=date.fromisoformat, default=catalog.SPIKE_DAY,
                        help="partition of the cost run (default: the simulated account's "
                        "planted spike, so the anomaly shows)")
    parser.add_argument("--docs", type=Path, default=REPO_ROOT / "docs/architecture.md")
    parser.add_argument("--warehouse", type=Path, default=None,
                        help="DuckDB warehouse to read Power BI health from (default: local)")
    args = parser.parse_args(argv)
    suffix = "" if args.lang == "pt" else f"_{args.lang}"
    out = args.out or REPO_ROOT / f"docs/deck/ouchhungry_dp{suffix}.pptx"
    # The job as the code location defines it (local warehouse, outbound store,
    # simulated account under the data folder).
    cost_run = run_cost_assets(args.day, defs, job=costs.platform_cost_job.name,
                               anomaly_check=costs.CHECK_ANOMALY)
    figures = collect_figures(args.warehouse or warehouse_path(), Texts(args.lang))
    written = build_deck(figures, cost_run, args.docs, out, lang=args.lang)
    print(f"deck written to {written}")
    print(f"  cost figures: {cost_run.label('en')}")
    for figure, source in figures.sources.items():
        print(f"  {figure}: {source}")


if __name__ == "__main__":
    main()
