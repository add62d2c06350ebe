"""Charts for the deck (matplotlib, PNG)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ouchhungry_dp.deck.texts import Texts
from ouchhungry_dp.monitoring.scaling.slots import ReservationProposal


def _finish(fig: plt.Figure, ax: plt.Axes, title: str, out: Path) -> Path:
    ax.set_title(title)
    ax.legend(fontsize=7, frameon=False, loc="upper left")
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    return out


def refresh_health_chart(health: pd.DataFrame, t: Texts, out: Path) -> Path:
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.4), dpi=160)
    names = health["dataset"].astype(str).tolist()
    x = np.arange(len(names))
    left.bar(x, health["success_rate"].fillna(0) * 100, color="#2563eb")
    left.set_xticks(x, names)
    left.set_ylim(0, 100)
    left.set_ylabel(t("chart_success_y"))
    left.set_title(t("chart_success"))
    transient = health["transient_failures"].to_numpy()
    permanent = health["permanent_failures"].to_numpy()
    right.bar(x, transient, color="#f59e0b", label=t("chart_transient"))
    right.bar(x, permanent, bottom=transient, color="#dc2626", label=t("chart_permanent"))
    right.set_xticks(x, names)
    right.set_title(t("chart_failures"))
    # A clean history has no bars: keep a 0-1 axis instead of matplotlib's ±0.04 default.
    right.set_ylim(0, max(1, int((transient + permanent).max(initial=0))))
    right.yaxis.get_major_locator().set_params(integer=True)
    right.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    return out


def slot_chart(profile: pd.DataFrame, proposal: ReservationProposal, t: Texts,
               out: Path) -> Path:
    fig, ax = plt.subplots(figsize=(7, 3.4), dpi=160)
    ax.plot(profile.index, profile["mean_slots"], label=t("slot_mean"), color="#2563eb")
    ax.plot(profile.index, profile["p95_slots"], label=t("slot_p95"), color="#7c3aed", ls="--")
    ax.axhline(proposal.baseline_slots, color="#15803d", label=t("slot_baseline"))
    ceiling = proposal.baseline_slots + proposal.autoscale_max_slots
    ax.axhline(ceiling, color="#dc2626", ls=":", label=t("slot_ceiling"))
    ax.set_xlabel(t("slot_chart_x"))
    ax.set_ylabel(t("slot_chart_y"))
    ax.set_xticks(range(0, 24, 2))
    return _finish(fig, ax, t("slot_chart_title"), out)


def cost_trend_chart(trend: pd.DataFrame, day: str, t: Texts, out: Path) -> Path:
    """Daily net cost by service (stacked), the run's day outlined."""
    table = trend.pivot_table(index="usage_date", columns="service", values="net_cost",
                              aggfunc="sum", fill_value=0.0).sort_index()
    order = table.sum().sort_values(ascending=False).index
    table = table[order]
    fig, ax = plt.subplots(figsize=(7.2, 3.9), dpi=160)
    x = np.arange(len(table))
    bottom = np.zeros(len(table))
    colours = ["#2563eb", "#f59e0b", "#15803d", "#7c3aed", "#64748b", "#dc2626"]
    for i, service in enumerate(table.columns):
        values = table[service].to_numpy()
        ax.bar(x, values, bottom=bottom, color=colours[i % len(colours)], label=str(service))
        bottom += values
    days = [pd.Timestamp(d).strftime("%d/%m") for d in table.index]
    marked = [i for i, d in enumerate(table.index) if pd.Timestamp(d).date().isoformat() == day]
    for i in marked:
        ax.bar(i, bottom[i], fill=False, edgecolor="black", linewidth=1.5)
    ax.set_xticks(x[::3], days[::3])
    ax.set_ylabel(t("trend_chart_y"))
    return _finish(fig, ax, t("trend_chart_title"), out)
