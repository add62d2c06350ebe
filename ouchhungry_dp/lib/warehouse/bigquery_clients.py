"""One BigQuery client factory for every prod resource: timeouts, job labels, Storage Read API.

Each BigQuery call of the platform goes through here, so each has an explicit
timeout (client side and, for queries, ``job_timeout_ms`` server side) and labels
that the cost monitoring groups by. Large reads use the BigQuery Storage Read
API on the table itself (a row restriction on the partition column, selected
columns): no query job, no temporary result table, billed by bytes read.

``api_endpoint`` / ``storage_read_endpoint`` point the clients at an emulator
(tests). They are accepted on loopback only, because with them the clients use
anonymous credentials: a typo must not send the warehouse to another host.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any
from urllib.parse import urlparse

import dagster as dg
import pandas as pd
import pyarrow as pa
from pydantic import PrivateAttr

from ouchhungry_dp.errors import ConfigurationError

COMPONENT = "ouchhungry_dp"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
API_ENDPOINT_ENV = "BIGQUERY_API_ENDPOINT"
STORAGE_READ_ENDPOINT_ENV = "BIGQUERY_STORAGE_READ_ENDPOINT"
Param = tuple[str, str, Any]  # (name, BigQuery type, value or list of values)


def job_labels(purpose: str, asset: str | None = None) -> dict[str, str]:
    """Labels of a job: lower case, [a-z0-9_-], at most 63 characters (BigQuery's rules)."""
    labels = {"component": COMPONENT, "purpose": purpose}
    if asset:
        labels["asset"] = asset
    return {k: re.sub(r"[^a-z0-9_-]", "_", v.lower())[:63] for k, v in labels.items()}


def _loopback_host(endpoint: str, name: str) -> str:
    host = urlparse(endpoint if "//" in endpoint else f"//{endpoint}").hostname or ""
    if host not in LOOPBACK:
        raise ConfigurationError(
            f"{name}={endpoint!r} is not a loopback address",
            hint=f"{name} is for a local emulator only (anonymous credentials). Unset it to "
            "use BigQuery with the service account.",
        )
    return endpoint


_STRUCT_FIELD = re.compile(r"\s*(\w+)\s+(\w+)\s*")


def query_parameter(name: str, type_: str, value: Any) -> Any:
    """One ``(name, type, value)`` as the client's parameter: a list is an ARRAY of the
    type (``brand IN UNNEST(@brands)``); type ``STRUCT<a STRING, ...>`` with a list of
    dicts is an ARRAY of those structs (``UNNEST(@rows)``, the caller's rows)."""
    from google.cloud import bigquery

    if type_.startswith("STRUCT<") and type_.endswith(">"):
        fields = [_STRUCT_FIELD.fullmatch(f) for f in type_[7:-1].split(",")]
        if not all(fields):
            raise ValueError(f"query parameter {name}: unsupported struct type {type_}")
        spec = [(m.group(1), m.group(2)) for m in fields if m]
        element = bigquery.StructQueryParameterType(
            *(bigquery.ScalarQueryParameterType(t, name=f) for f, t in spec))
        rows = [bigquery.StructQueryParameter(
            None, *(bigquery.ScalarQueryParameter(f, t, row[f]) for f, t in spec))
            for row in value]
        return bigquery.ArrayQueryParameter(name, element, rows)
    if isinstance(value, (list, tuple)):
        return bigquery.ArrayQueryParameter(name, type_, list(value))
    return bigquery.ScalarQueryParameter(name, type_, value)


class BigQueryClients(dg.ConfigurableResource):
    """BigQuery (REST) and Storage Read (gRPC) clients of one project, built once per process."""

    project: str
    location: str = "southamerica-east1"
    timeout_s: float = 600.0
    api_endpoint: str | None = None
    storage_read_endpoint: str | None = None
    _client: Any = PrivateAttr(default=None)
    _read_client: Any = PrivateAttr(default=None)

    @classmethod
    def from_env(cls, project: Any, location: Any) -> BigQueryClients:
        """Endpoints from the environment when set (tests against the emulators)."""
        return cls(project=project, location=location,
                   api_endpoint=os.environ.get(API_ENDPOINT_ENV) or None,
                   storage_read_endpoint=os.environ.get(STORAGE_READ_ENDPOINT_ENV) or None)

    def client(self) -> Any:
        if self._client is None:
            from google.cloud import bigquery

            kwargs: dict[str, Any] = {"project": self.project, "location": self.location}
            if self.api_endpoint:
                from google.api_core.client_options import ClientOptions
                from google.auth.credentials import AnonymousCredentials

                endpoint = _loopback_host(self.api_endpoint, API_ENDPOINT_ENV)
                kwargs.update(credentials=AnonymousCredentials(),
                              client_options=ClientOptions(api_endpoint=endpoint))
            self._client = bigquery.Client(**kwargs)
        return self._client

    def read_client(self) -> Any:
        if self._read_client is None:
            from google.cloud import bigquery_storage

            if self.storage_read_endpoint:
                import grpc
                from google.auth.credentials import AnonymousCredentials
                from google.cloud.bigquery_storage_v1.services.big_query_read.transports import (
                    BigQueryReadGrpcTransport,
                )

                target = _loopback_host(self.storage_read_endpoint, STORAGE_READ_ENDPOINT_ENV)
                transport = BigQueryReadGrpcTransport(
                    channel=grpc.insecure_channel(target), credentials=AnonymousCredentials())
                self._read_client = bigquery_storage.BigQueryReadClient(transport=transport)
            else:
                self._read_client = bigquery_storage.BigQueryReadClient()
        return self._read_client

    def _job_config(self, params: list[Param], purpose: str, asset: str | None) -> Any:
        from google.cloud import bigquery

        return bigquery.QueryJobConfig(
            query_parameters=[query_parameter(n, t, v) for n, t, v in params],
            labels=job_labels(purpose, asset),
            job_timeout_ms=int(self.timeout_s * 1000),
        )

    def run(self, sql: str, params: list[Param], purpose: str, asset: str | None = None) -> Any:
        """Runs a statement (DDL, DML, script) and waits for it."""
        job = self.client().query(sql, job_config=self._job_config(params, purpose, asset),
                                  timeout=self.timeout_s)
        return job.result(timeout=self.timeout_s)

    def query(self, sql: str, params: list[Param], purpose: str,
              asset: str | None = None) -> pd.DataFrame:
        """A small result (counts, aggregates) as a frame, through the REST API."""
        return self.run(sql, params, purpose, asset).to_dataframe(create_bqstorage_client=False)

    def read_table(self, dataset: str, table: str, columns: list[str] | None,
                   row_restriction: str) -> pa.Table:
        """Rows of a table through the Storage Read API (Arrow), pruned to the restriction."""
        from google.cloud.bigquery_storage_v1 import types

        options = types.ReadSession.TableReadOptions(
            selected_fields=list(columns or []), row_restriction=row_restriction)
        session = self.read_client().create_read_session(
            parent=f"projects/{self.project}",
            read_session=types.ReadSession(
                table=f"projects/{self.project}/datasets/{dataset}/tables/{table}",
                data_format=types.DataFormat.ARROW, read_options=options),
            # Streams are read one after the other: one keeps memory at one copy of the rows.
            max_stream_count=1, timeout=self.timeout_s)
        reader = self.read_client()
        parts = [reader.read_rows(s.name, timeout=self.timeout_s).to_arrow(session)
                 for s in session.streams]
        return pa.concat_tables(parts) if parts else pa.table({})


def date_param(name: str, value: dt.date) -> Param:
    return (name, "DATE", value)
