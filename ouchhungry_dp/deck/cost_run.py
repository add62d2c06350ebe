"""The figures of one real run of the platform's cost assets, as the deck shows them.

The deck does not restate numbers: every cost figure carries the id, partition and time
of the run it came from. The run itself is Dagster's business and lives with the cost
assets (``ouchhungry_dp.lib.cost_run_for_deck``); this module only holds what it
returned, so the deck's code never imports Dagster.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

TREND_DAYS = 30


@dataclass(frozen=True)
class CostRun:
    run_id: str
    partition: str
    finished_at: datetime
    kpis: pd.DataFrame
    recommendations: pd.DataFrame
    billing_trend: pd.DataFrame  # usage_date, service, net_cost over TREND_DAYS
    anomaly: dict[str, Any]  # metadata of the daily_cost_anomaly check, plus "passed"

    def label(self, lang: str) -> str:
        """'run <id> · partition <day> · <time>' for a footer."""
        words = {"pt": ("execução", "partição"), "en": ("run", "partition")}[lang]
        return (f"{words[0]} {self.run_id} · platform_cost_monitoring · {words[1]} "
                f"{self.partition} · {self.finished_at:%Y-%m-%d %H:%M} UTC")
