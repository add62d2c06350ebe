"""Dagster resource for the Power BI REST API (wraps the plain client)."""

from __future__ import annotations

import os

import dagster as dg

from ouchhungry_dp.monitoring.powerbi.auto_refresh import RefreshRetryPolicy
from ouchhungry_dp.monitoring.powerbi.client import PowerBIClient
from ouchhungry_dp.monitoring.powerbi.powerbi_settings import PowerBISettings

POWERBI_RESOURCE_KEY = "powerbi"


class PowerBIResource(dg.ConfigurableResource):
    """Service principal + base URLs (configurable so the local emulator stands in)."""

    tenant_id: str
    client_id: str
    client_secret: str
    api_base_url: str = PowerBISettings.api_base_url
    authority_url: str = PowerBISettings.authority_url
    http_max_attempts: int = 5
    http_backoff_base_s: float = 1.0
    # Retries of failed *refreshes* (not HTTP calls): minutes apart in production.
    refresh_max_attempts: int = 3
    refresh_backoff_base_s: float = 300.0
    refresh_backoff_max_s: float = 3600.0

    def settings(self) -> PowerBISettings:
        return PowerBISettings(
            tenant_id=self.tenant_id,
            client_id=self.client_id,
            client_secret=self.client_secret,
            api_base_url=self.api_base_url,
            authority_url=self.authority_url,
            max_attempts=self.http_max_attempts,
            backoff_base_s=self.http_backoff_base_s,
        )

    def client(self) -> PowerBIClient:
        return PowerBIClient(self.settings())

    def retry_policy(self) -> RefreshRetryPolicy:
        return RefreshRetryPolicy(
            max_attempts=self.refresh_max_attempts,
            backoff_base_s=self.refresh_backoff_base_s,
            backoff_max_s=self.refresh_backoff_max_s,
        )


def powerbi_resource_from_env() -> PowerBIResource:
    # Secrets resolve at run/tick time through EnvVar (never stored in the definitions);
    # the URLs are not secrets and default to the public Power BI endpoints.
    return PowerBIResource(
        tenant_id=dg.EnvVar("POWERBI_TENANT_ID"),
        client_id=dg.EnvVar("POWERBI_CLIENT_ID"),
        client_secret=dg.EnvVar("POWERBI_CLIENT_SECRET"),
        api_base_url=os.environ.get("POWERBI_API_BASE_URL") or PowerBISettings.api_base_url,
        authority_url=os.environ.get("POWERBI_AUTHORITY_URL") or PowerBISettings.authority_url,
    )
