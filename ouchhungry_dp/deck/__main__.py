"""``python -m ouchhungry_dp.deck --out docs/deck/ouchhungry_dp.pptx``"""

from __future__ import annotations

import argparse
from pathlib import Path

from ouchhungry_dp.deck.build import build_deck
from ouchhungry_dp.deck.figures import collect_figures
from ouchhungry_dp.settings import REPO_ROOT, warehouse_path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Build the architecture deck (PPTX).")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs/deck/ouchhungry_dp.pptx")
    parser.add_argument("--docs", type=Path, default=REPO_ROOT / "docs/architecture.md")
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        help="DuckDB warehouse to read the latest KPIs from (default: the local one)",
    )
    args = parser.parse_args(argv)
    figures = collect_figures(args.warehouse or warehouse_path())
    out = build_deck(figures, args.docs, args.out)
    print(f"deck written to {out}")
    for figure, source in figures.sources.items():
        print(f"  {figure}: {source}")


if __name__ == "__main__":
    main()
