"""Speed and memory of the simulated source system.

    .venv/bin/python benchmarks/bench_simulation.py --rows 1000000

Reports wall time, CPU time (wall time on a shared machine mostly measures the
neighbours) and the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time

from ouchhungry_dp.simulation import (
    SimulationConfig,
    simulate_customers,
    simulate_products,
    simulate_transactions,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--merchants", type=int, default=400)
    parser.add_argument("--defect-rate", type=float, default=0.05)
    parser.add_argument("--day", type=dt.date.fromisoformat, default=dt.date(2026, 11, 25))
    args = parser.parse_args()
    config = SimulationConfig(
        rows_per_day=args.rows,
        n_customers=args.customers,
        n_merchants=args.merchants,
        defect_rate=args.defect_rate,
    )
    for name, simulate in (
        ("transactions", simulate_transactions),
        ("customers", simulate_customers),
        ("products", simulate_products),
    ):
        wall, cpu = time.perf_counter(), time.process_time()
        table = simulate(args.day, config)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        frame_mb = table.frame.memory_usage(deep=True).sum() / 1e6
        print(
            f"{name:<12} rows={len(table.frame):>9,} defects={len(table.defects):>7,} "
            f"wall={wall:6.2f}s cpu={cpu:6.2f}s frame={frame_mb:7.1f} MB"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the process: {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
