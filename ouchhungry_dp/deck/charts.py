"""Charts for the deck (matplotlib, PNG)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ouchhungry_dp.monitoring.scaling.slots import ReservationProposal


def refresh_health_chart(health: pd.DataFrame, out: Path) -> Path:
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.4), dpi=160)
    names = health["dataset"].astype(str).tolist()
    x = np.arange(len(names))
    left.bar(x, health["success_rate"].fillna(0) * 100, color="#2563eb")
    left.set_xticks(x, names)
    left.set_ylim(0, 100)
    left.set_ylabel("success rate (%)")
    left.set_title("Refresh success rate")
    transient = health["transient_failures"].to_numpy()
    permanent = health["permanent_failures"].to_numpy()
    right.bar(x, transient, color="#f59e0b", label="transient (auto-retried)")
    right.bar(x, permanent, bottom=transient, color="#dc2626", label="permanent (alerted)")
    right.set_xticks(x, names)
    right.set_title("Failures in the refresh history")
    right.yaxis.get_major_locator().set_params(integer=True)
    right.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    return out


def slot_chart(profile: pd.DataFrame, proposal: ReservationProposal, out: Path) -> Path:
    fig, ax = plt.subplots(figsize=(7, 3.4), dpi=160)
    ax.plot(profile.index, profile["mean_slots"], label="mean slots", color="#2563eb")
    ax.plot(profile.index, profile["p95_slots"], label="p95 slots", color="#7c3aed", ls="--")
    ax.axhline(proposal.baseline_slots, color="#15803d", label="proposed baseline")
    ceiling = proposal.baseline_slots + proposal.autoscale_max_slots
    ax.axhline(ceiling, color="#dc2626", ls=":", label="baseline + autoscale max")
    ax.set_xlabel("hour of day (America/Sao_Paulo)")
    ax.set_ylabel("BigQuery slots")
    ax.set_xticks(range(0, 24, 2))
    ax.set_title("Slot demand by hour vs proposed reservation")
    ax.legend(fontsize=7, frameon=False, loc="upper left")
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    return out
