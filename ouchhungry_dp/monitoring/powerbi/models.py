"""Typed view of the Power BI refresh history entries (documented response shape)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

# Power BI statuses: Unknown means "in progress" (no endTime yet).
IN_PROGRESS = "Unknown"
COMPLETED = "Completed"
FAILED = "Failed"
DISABLED = "Disabled"


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass(frozen=True)
class RefreshEntry:
    request_id: str
    refresh_type: str
    status: str
    start_time: datetime | None
    end_time: datetime | None
    service_exception_json: str | None

    @classmethod
    def from_api(cls, item: dict[str, Any]) -> RefreshEntry:
        return cls(
            request_id=str(item.get("requestId") or item.get("id") or ""),
            refresh_type=str(item.get("refreshType") or ""),
            status=str(item.get("status") or IN_PROGRESS),
            start_time=parse_time(item.get("startTime")),
            end_time=parse_time(item.get("endTime")),
            service_exception_json=item.get("serviceExceptionJson"),
        )

    @property
    def finished(self) -> bool:
        return self.status != IN_PROGRESS
