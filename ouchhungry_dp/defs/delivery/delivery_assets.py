"""Delivery receipts of a partner's products: SFTP, partner API, then the partner e-mail.

Each delivery asset sends the product file of its partition and stores a
one-row receipt per partition in the warehouse (channel, remote path or receipt
id, bytes, rows, sha256, duration, attempts): the audit trail of what the
partner received. The e-mail goes last, and only when both channels hold the
same bytes as the product file (a blocking check on the API receipt).

Publishing gate: every step (SFTP, API, e-mail; daily, monthly and the insights
report) first asks ``ouchhungry_dp.release.gate.released_bytes`` for the file,
so nothing leaves unless the product step's checks passed for exactly these
bytes — whichever run, backfill or "Materialize selected" launched the step. A
refusal is a permanent ``DataQualityError`` (no retry), so the run fails and
the run-failure sensor alerts the data team.
"""


import datetime as dt
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd

from ouchhungry_dp import file_names
from ouchhungry_dp.defs.products.gated_files import GatedFile, gated_file
from ouchhungry_dp.delivery.manifest import (
    Cadence,
    build_manifest,
    file_partition_key,
    file_sha256,
    remote_file_path,
)
from ouchhungry_dp.delivery.partner_email import render_partner_email
from ouchhungry_dp.errors import DeliveryError
from ouchhungry_dp.lib.execution.partitions import (
    DAILY_BACKFILL_POLICY,
    daily_partitions,
    monthly_partitions,
)
from ouchhungry_dp.lib.execution.step_retries import retry_only_transient
from ouchhungry_dp.lib.labels import asset_tags, channel_pool
from ouchhungry_dp.lib.resources.outbound_store import OutboundFileStore
from ouchhungry_dp.lib.resources.pinned_settings import refuse_override
from ouchhungry_dp.lib.safe_metadata import safe_metadata, table_metadata
from ouchhungry_dp.partners.contract import PartnerContract, Product
from ouchhungry_dp.release import gate

OWNERS = ["team:data-products"]
# (client, product spec, partition key, local file, rows, file store) -> receipt
Send = Callable[[Any, Product, str, Path, int, OutboundFileStore], Any]
NETWORK_RETRY = dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL,
                               jitter=dg.Jitter.PLUS_MINUS)


def _partition_start(cadence: Cadence, key: str) -> pd.Timestamp:
    if cadence == "monthly":
        return pd.Timestamp(file_names.month_bounds(key)[0])
    return pd.Timestamp(dt.date.fromisoformat(key))


@contextmanager
def released_copy(files: OutboundFileStore, relative: str, *, partner: str, partition: str,
                  expected: GatedFile, what: str) -> Iterator[tuple[Path, gate.GateRecord]]:
    """A temporary local copy of the gate-verified bytes: the clients send this copy, so
    the store cannot change between the verification and the upload."""
    with retry_only_transient():  # a refusal is permanent: no RetryPolicy retry
        data, record = gate.released_bytes(
            files, relative, partner=partner, dataset=expected.dataset, partition=partition,
            expected_checks=expected.checks, what=what)
    with tempfile.TemporaryDirectory(prefix="ouchhungry_release_") as folder:
        local = Path(folder) / Path(relative).name
        local.write_bytes(data)
        yield local, record


# The channel fields that decide where a partner file goes, by the contract's variable.
PINNED_FIELDS = {"sftp": ("host", "port", "username", "private_key_path", "known_hosts",
                          "remote_dir"),
                 "api": ("base_url", "username", "password")}


def pinned_resource(context: dg.AssetExecutionContext, resource_key: str,
                    env_by_field: Mapping[str, str], partner: str) -> Any:
    """The resource, once every destination field is the environment's value (the
    contract, i.e. code, names the variables, so run config cannot change the names
    either)."""
    resource = getattr(context.resources, resource_key)
    with retry_only_transient():  # a run config override will not heal by retrying
        refuse_override(resource_key, {env: getattr(resource, field)
                                       for field, env in env_by_field.items()},
                        partner=partner)
    return resource


def _channel_pins(contract: PartnerContract, channel: str) -> dict[str, str]:
    names = contract.delivery.sftp.env if channel == "sftp" else contract.delivery.api.env
    return {field: names[field] for field in PINNED_FIELDS[channel]}


def _product(contract: PartnerContract, cadence: Cadence) -> tuple[Product, str]:
    if cadence == "daily":
        return contract.products.daily, contract.daily_asset
    return contract.products.monthly, contract.monthly_asset


def _receipt_row(cadence: Cadence, key: str, channel: str, receipt: Any) -> dict[str, Any]:
    row = {k: v for k, v in receipt.as_metadata().items() if not isinstance(v, dict | list)}
    row.update({
        "partition_date": _partition_start(cadence, key),
        "partition": file_partition_key(key, cadence),
        "channel": channel,
        "delivered_at": pd.Timestamp.now(tz="UTC").tz_localize(None),
    })
    return row


def _receipts_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].astype("string")
    return frame


def _deliver_all(context: dg.AssetExecutionContext, product: pd.DataFrame,
                 product_spec: Product, cadence: Cadence, channel: str, resource_key: str,
                 send: Send, partner: str, expected: GatedFile,
                 pins: Mapping[str, str]) -> tuple[pd.DataFrame, dict[str, Any]]:
    files: OutboundFileStore = context.resources.outbound_files
    what = f"{channel} delivery of the {cadence} file"
    # Every partition of the run passes the gate before the first byte leaves: a refused
    # day in a range must not leave earlier days delivered without their receipts.
    for key in context.partition_keys:
        with released_copy(files, file_names.product_file(product_spec.dataset, cadence, key),
                           partner=partner, partition=file_partition_key(key, cadence),
                           expected=expected, what=what):
            pass
    resource = pinned_resource(context, resource_key, pins, partner)
    with retry_only_transient():  # a missing or invalid setting will not heal
        client = resource.client()
    rows = []
    try:
        for key in context.partition_keys:
            relative = file_names.product_file(product_spec.dataset, cadence, key)
            with released_copy(files, relative, partner=partner,
                               partition=file_partition_key(key, cadence),
                               expected=expected, what=what) as (local, _):
                n_rows = _rows_of(product, cadence, key)
                with retry_only_transient():
                    receipt = send(client, product_spec, key, local, n_rows, files)
            context.log.info(f"{channel} delivery of {local.name}: {receipt.as_metadata()}")
            rows.append(_receipt_row(cadence, key, channel, receipt))
    finally:
        if hasattr(client, "close"):
            client.close()
    frame = _receipts_frame(rows)
    return frame, table_metadata(frame, {
        k: v for k, v in rows[-1].items()
        if isinstance(v, str | int | float) and not isinstance(v, bool)})


def _channel_asset(contract: PartnerContract, cadence: Cadence, channel: str,
                   send: Send) -> dg.AssetsDefinition:
    product_spec, product_asset = _product(contract, cadence)
    name = contract.delivery_asset(cadence, channel)
    resource_key = f"{contract.id}_{channel}"
    with_insights = cadence == "monthly" and channel == "sftp"
    expected = gated_file(contract, cadence)
    pins = _channel_pins(contract, channel)
    spec: dict[str, Any] = dict(
        name=name,
        deps=[contract.insights_asset] if with_insights else [],
        partitions_def=daily_partitions if cadence == "daily" else monthly_partitions,
        required_resource_keys={resource_key, "outbound_files"},
        group_name=f"{contract.id}_delivery",
        owners=OWNERS,
        kinds={"sftp" if channel == "sftp" else "api"},
        description=f"Receipt of the {cadence} file sent to {contract.partner.name}'s "
        f"{'SFTP server' if channel == 'sftp' else 'REST API'}.",
        metadata={"partition_expr": "partition_date", "partner": contract.id},
        retry_policy=NETWORK_RETRY,
        backfill_policy=DAILY_BACKFILL_POLICY if cadence == "daily" else None,
        pool=channel_pool(contract.id, channel),
        tags=asset_tags(partner=contract.id, cadence=cadence, channel=channel),
    )
    if channel == "sftp":
        @dg.asset(ins={"product": dg.AssetIn(product_asset)}, **spec)
        def _sftp(context: dg.AssetExecutionContext, product: pd.DataFrame) -> dg.Output:
            frame, metadata = _deliver_all(context, product, product_spec, cadence, channel,
                                           resource_key, send, contract.id, expected,
                                           pins)
            return dg.Output(frame, metadata=metadata)

        return _sftp

    # The API copy is sent after the SFTP copy, and the step checks in place that the
    # product file and both copies have the same sha256: a blocking check, so the
    # partner e-mail downstream is only sent for identical bytes everywhere.
    @dg.asset(
        ins={"product": dg.AssetIn(product_asset),
             "sftp_receipts": dg.AssetIn(contract.delivery_asset(cadence, "sftp"))},
        check_specs=[dg.AssetCheckSpec(
            "same_sha256_everywhere", asset=name, blocking=True,
            description="The product file, the SFTP copy and the API copy have the same "
            "sha256.")],
        **spec,
    )
    def _api(context: dg.AssetExecutionContext, product: pd.DataFrame,
             sftp_receipts: pd.DataFrame) -> Iterator[Any]:
        frame, metadata = _deliver_all(context, product, product_spec, cadence, channel,
                                       resource_key, send, contract.id, expected,
                                           pins)
        yield dg.Output(frame, metadata=metadata)
        yield _checksums(context.resources.outbound_files, product_spec, cadence, name,
                         frame, sftp_receipts)

    return _api


def _checksums(files: OutboundFileStore, product: Product, cadence: Cadence, asset: str,
               api_receipts: pd.DataFrame, sftp_receipts: pd.DataFrame) -> dg.AssetCheckResult:
    mismatches = []
    for part, api_sha in zip(api_receipts["partition"], api_receipts["sha256"], strict=True):
        # The product side is the sha256 its checks passed for (the gate record).
        record = gate.read_record(files, file_names.product_file(product.dataset, cadence, part))
        local = record.sha256 if record is not None and record.passed else "not released"
        sftp = sftp_receipts.loc[sftp_receipts["partition"] == part, "sha256"]
        seen = {"product": local, "api": str(api_sha),
                "sftp": str(sftp.iloc[-1]) if len(sftp) else "missing"}
        if len(set(seen.values())) != 1:
            mismatches.append({"partition": str(part), **seen})
    return dg.AssetCheckResult(
        asset_key=asset, check_name="same_sha256_everywhere", passed=not mismatches,
        metadata=safe_metadata({"partitions": len(api_receipts), "mismatches": mismatches}),
        description="sha256 mismatch between channels" if mismatches else "all copies match",
    )


def _rows_of(product: pd.DataFrame, cadence: Cadence, key: str) -> int:
    if cadence == "monthly":
        return len(product)
    day = pd.to_datetime(product["sale_date"]).dt.date
    return int((day == dt.date.fromisoformat(key)).sum())


def _send_sftp(cadence: Cadence, insights_of: str | None = None,
               insights: GatedFile | None = None) -> Send:
    def send(client: Any, product: Product, key: str, local: Path, rows: int,
             files: OutboundFileStore) -> Any:
        part = file_partition_key(key, cadence)
        remote = remote_file_path(client.config.remote_dir, product.dataset, key, cadence)
        manifest = build_manifest(product.dataset, part, local, rows, product.schema_version)
        if not insights_of or insights is None:
            return client.deliver(local, remote, manifest)
        # The monthly insights report travels with the monthly file, same guarantees:
        # it is verified by the gate before either is sent, so a refused report does
        # not leave the monthly file half-delivered.
        relative = file_names.insights_file(insights_of, key)
        with released_copy(files, relative, partner=insights_of, partition=part,
                           expected=insights,
                           what="SFTP delivery of the insights report") as (report, _):
            receipt = client.deliver(local, remote, manifest)
            client.deliver(report, f"{client.config.remote_dir.rstrip('/')}/{relative}",
                           build_manifest(f"{insights_of}_insights_monthly", part, report, 0,
                                          product.schema_version))
        return receipt

    return send


def _send_api(cadence: Cadence) -> Send:
    def send(client: Any, product: Product, key: str, local: Path, rows: int,
             files: OutboundFileStore) -> Any:
        part = file_partition_key(key, cadence)
        sha = file_sha256(local)
        return client.put_delivery(product.dataset, part, local, rows=rows,
                                   content_type="text/csv; charset=utf-8",
                                   idempotency_key=f"{product.dataset}:{part}:{sha}")

    return send


def _email_asset(contract: PartnerContract, cadence: Cadence) -> dg.AssetsDefinition:
    product, _ = _product(contract, cadence)
    partitions = daily_partitions if cadence == "daily" else monthly_partitions
    name = contract.delivery_asset(cadence, "email")
    expected = gated_file(contract, cadence)

    @dg.asset(
        name=name,
        partitions_def=partitions,
        ins={
            "sftp_receipts": dg.AssetIn(contract.delivery_asset(cadence, "sftp")),
            "api_receipts": dg.AssetIn(contract.delivery_asset(cadence, "api")),
        },
        required_resource_keys={"email", f"{contract.id}_notify", "outbound_files"},
        group_name=f"{contract.id}_delivery",
        owners=OWNERS,
        kinds={"email"},
        description=f"E-mail (pt-BR) to {contract.partner.name} after both channels received "
        "the file: partition, rows, file name, sha256, where to fetch. Never rows or "
        "personal data.",
        metadata={"partition_expr": "partition_date", "partner": contract.id},
        retry_policy=NETWORK_RETRY,
        backfill_policy=DAILY_BACKFILL_POLICY if cadence == "daily" else None,
        tags=asset_tags(partner=contract.id, cadence=cadence, channel="email"),
    )
    def _asset(context: dg.AssetExecutionContext, sftp_receipts: pd.DataFrame,
               api_receipts: pd.DataFrame) -> dg.Output:
        # Recipients and relay come from the environment only: a run config override
        # would announce the partner's file to someone else.
        notify = pinned_resource(context, f"{contract.id}_notify",
                                 {"recipients": contract.delivery.email.env["recipients"]},
                                 contract.id)
        relay = pinned_resource(context, "email",
                                {"host": "SMTP_HOST", "email_from": "EMAIL_FROM"}, contract.id)
        email_client = relay.client()
        rows = []
        for key in context.partition_keys:
            part = file_partition_key(key, cadence)
            sftp = sftp_receipts[sftp_receipts["partition"] == part].iloc[-1]
            api = api_receipts[api_receipts["partition"] == part].iloc[-1]
            # The e-mail announces a file: only one the gate released, and only if both
            # channels hold exactly the released bytes.
            with released_copy(context.resources.outbound_files,
                               file_names.product_file(product.dataset, cadence, key),
                               partner=contract.id, partition=part, expected=expected,
                               what=f"partner e-mail of the {cadence} file") as (_, record):
                released = record.sha256
            if not str(sftp["sha256"]) == str(api["sha256"]) == released:
                with retry_only_transient():  # the copies will not change by waiting
                    raise DeliveryError(
                        "partner e-mail withheld: SFTP and API copies differ from the "
                        "released file", partner=contract.id, partition=part,
                        hint="Re-deliver the partition (materialize the delivery assets "
                        "again).")
            message = render_partner_email(
                partner_name=contract.partner.name, dataset=product.dataset, partition=part,
                rows=int(api["rows"]), sha256=str(api["sha256"]),
                file_name=Path(str(sftp["remote_path"])).name,
                sftp_path=str(sftp["remote_path"]), api_receipt_id=str(api["receipt_id"]),
                recipients=notify.addresses(), sender=relay.email_from,
            )
            with retry_only_transient():
                result = email_client.send(message)
            rows.append({
                "partition_date": _partition_start(cadence, key), "partition": part,
                "message_id": str(message["Message-ID"]),
                "recipients": len(notify.addresses()),
                "status": result.status,
                "sha256": str(api["sha256"]),
            })
        frame = _receipts_frame(rows)
        return dg.Output(frame, metadata=table_metadata(frame, {
            "message_id": rows[-1]["message_id"], "status": rows[-1]["status"]}))

    return _asset


def delivery_assets(contract: PartnerContract) -> list[dg.AssetsDefinition]:
    assets: list[dg.AssetsDefinition] = []
    cadences: tuple[Cadence, ...] = ("daily", "monthly")
    for cadence in cadences:
        insights_of = contract.id if cadence == "monthly" else None
        assets.append(_channel_asset(contract, cadence, "sftp",
                                     _send_sftp(cadence, insights_of,
                                                gated_file(contract, "insights"))))
        assets.append(_channel_asset(contract, cadence, "api", _send_api(cadence)))
        assets.append(_email_asset(contract, cadence))
    return assets

