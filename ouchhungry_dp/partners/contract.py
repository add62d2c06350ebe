"""Partner data contracts: models and loader (no Dagster import).

A contract YAML (see ``contracts/ouchhungry.yaml``) is everything the platform
needs to build, check and deliver a partner's products. ``load_contracts``
returns every active contract; the Dagster layer generates assets from them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ouchhungry_dp.errors import ConfigurationError

CONTRACTS_DIR = Path(__file__).parent / "contracts"
CONTRACTS_DIR_ENV = "OUCHHUNGRY_CONTRACTS_DIR"

ColumnType = Literal["string", "date", "integer", "decimal", "float", "boolean"]
_SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
_IDENT = re.compile(r"^[a-z][a-z0-9_]*$")
# Ids and dataset names become file names, SFTP paths and API paths: a slug cannot
# climb out of the partner's folder ("../") or open a sub-folder ("/").
_SLUG = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def _slug(value: str, what: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(
            f"{what} {value!r} must be a slug: a lower-case letter, then up to 62 of a-z, "
            "0-9 and '_' (it names files and SFTP/API paths; '/', '..', '-', spaces and "
            "upper case are refused)")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    en: str
    pt_BR: str


class Brand(_Strict):
    name: str
    segment: str


class Partner(_Strict):
    name: str
    manufacturer: str
    brands: list[Brand] = Field(min_length=1)

    @field_validator("brands")
    @classmethod
    def _one_brand_per_segment(cls, brands: list[Brand]) -> list[Brand]:
        # The segment-share rules protect competitors one partner brand at a time: two
        # partner brands of one segment can publish overlapping areas whose difference
        # is an area no rule checked (docs/privacy-audit.md, "two partner brands in one
        # segment"). Refused until those rules decide for the segment's brands together.
        seen: dict[str, str] = {}
        for brand in brands:
            if brand.segment in seen:
                raise ValueError(
                    f"brands {seen[brand.segment]!r} and {brand.name!r} share the segment "
                    f"{brand.segment!r}: one partner brand per segment is supported")
            seen[brand.segment] = brand.name
        return brands

    @property
    def brand_names(self) -> list[str]:
        return [b.name for b in self.brands]

    @property
    def segments(self) -> list[str]:
        return sorted({b.segment for b in self.brands})


class Sla(_Strict):
    timezone: str = "America/Sao_Paulo"
    daily_available_by: str = "08:00"
    monthly_available_by_day: int = Field(default=2, ge=1, le=28)
    # When the pipelines run (cron, in ``timezone``); the Dagster schedules are
    # generated from these so that the SLA and the schedule live in one file.
    daily_cron: str = "0 6 * * *"
    monthly_cron: str = "0 6 1 * *"

    @field_validator("daily_cron", "monthly_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        if len(value.split()) != 5 or not re.fullmatch(r"[0-9*/,\- ]+", value):
            raise ValueError("must be a 5-field cron expression, e.g. '0 6 * * *'")
        return value

    @field_validator("daily_available_by")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            raise ValueError("must be HH:MM")
        return value


class Privacy(_Strict):
    min_customers_per_cell: int = Field(default=10, ge=2)
    min_competing_brands_per_segment: int = Field(default=3, ge=2)
    # (n, k) dominance rule on every published share: the n largest competitors
    # (companies) may hold at most k % of the segment's competitor sales in the
    # share's geography. Default (2, 85): within the range statistical-disclosure
    # practice uses (docs/data-products.md); it keeps the largest competitor's
    # sales at least 17 % away from anything the partner can derive.
    dominance_n: int = Field(default=2, ge=1)
    dominance_k_percent: float = Field(default=85.0, gt=0, lt=100)
    pseudonymization_salt: str = Field(min_length=3)


class Column(_Strict):
    name: str
    type: ColumnType
    description: Text

    @field_validator("name")
    @classmethod
    def _ident(cls, value: str) -> str:
        if not _IDENT.match(value):
            raise ValueError(f"column name {value!r} must be snake_case")
        return value


class Product(_Strict):
    dataset: str
    cadence: Literal["daily", "monthly"] | None = None
    schema_version: str
    description: Text
    columns: list[Column] = Field(min_length=1)

    @field_validator("dataset")
    @classmethod
    def _dataset(cls, value: str) -> str:
        return _slug(value, "dataset")

    @field_validator("schema_version")
    @classmethod
    def _semver(cls, value: str) -> str:
        if not _SEMVER.match(value):
            raise ValueError("schema_version must be MAJOR.MINOR.PATCH")
        return value

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


class Products(_Strict):
    daily: Product
    monthly: Product


class Channel(_Strict):
    enabled: bool = True
    language: str | None = None
    env: dict[str, str]

    def resolve(self, environ: dict[str, str] | None = None) -> dict[str, str | None]:
        """Values of the channel's environment variables (None where unset)."""
        source = os.environ if environ is None else environ
        return {field: source.get(var) for field, var in self.env.items()}


class Delivery(_Strict):
    sftp: Channel
    api: Channel
    email: Channel


class PartnerContract(_Strict):
    apiVersion: Literal["ouchhungry/v1"]  # ODCS spelling, hence camelCase
    kind: Literal["DataContract"]
    id: str
    version: str
    status: Literal["active", "draft", "retired"]
    owner: str
    partner: Partner
    sla: Sla
    privacy: Privacy
    products: Products
    delivery: Delivery

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        # It also prefixes asset and job names.
        return _slug(value, "id")

    @field_validator("version")
    @classmethod
    def _version(cls, value: str) -> str:
        if not _SEMVER.match(value):
            raise ValueError("version must be MAJOR.MINOR.PATCH")
        return value

    # Names derived from the id: the Dagster layer and the docs use these only.
    @property
    def daily_asset(self) -> str:
        return f"{self.id}_sales_daily"

    @property
    def monthly_asset(self) -> str:
        return f"{self.id}_sales_monthly_by_city"

    @property
    def insights_asset(self) -> str:
        return f"{self.id}_insights_monthly"

    def delivery_asset(self, cadence: Literal["daily", "monthly"],
                       step: Literal["sftp", "api", "email"]) -> str:
        """``<id>_<cadence>_sftp_delivery`` / ``_api_delivery`` / ``_email_notification``."""
        suffix = "email_notification" if step == "email" else f"{step}_delivery"
        return f"{self.id}_{cadence}_{suffix}"

    def delivery_assets(self, cadence: Literal["daily", "monthly"]) -> list[str]:
        return [self.delivery_asset(cadence, s) for s in ("sftp", "api", "email")]

    @property
    def daily_job(self) -> str:
        return f"{self.id}_daily_delivery"

    @property
    def monthly_job(self) -> str:
        return f"{self.id}_monthly_delivery"


def parse_contract(text: str, source: str = "<string>") -> PartnerContract:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigurationError(
            f"partner contract {source} is not valid YAML",
            detail=str(exc),
            hint="Fix the YAML syntax (indentation, quotes) at the line named above.",
        ) from exc
    try:
        return PartnerContract.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigurationError(
            f"partner contract {source} is invalid",
            detail=problems,
            hint="Compare the file with partners/contracts/ouchhungry.yaml "
            "and docs/data-products.md.",
        ) from exc


def load_contract(path: str | Path) -> PartnerContract:
    path = Path(path)
    contract = parse_contract(path.read_text(encoding="utf-8"), source=str(path))
    if contract.id != path.stem:
        raise ConfigurationError(
            f"partner contract {path} declares id {contract.id!r}",
            hint=f"Name the file {contract.id}.yaml or change its id to {path.stem!r}.",
        )
    return contract


def contracts_dir() -> Path:
    return Path(os.environ.get(CONTRACTS_DIR_ENV) or CONTRACTS_DIR)


def check_unique(contracts: Iterable[PartnerContract]) -> None:
    """Two contracts must not share an id, a dataset name or a pseudonymisation salt.

    A shared salt would give the same customer the same pseudonym in two
    partners' files, which is exactly what the per-partner salt prevents.
    """
    seen: dict[tuple[str, str], str] = {}
    for contract in contracts:
        keys = [
            ("id", contract.id),
            ("salt", contract.privacy.pseudonymization_salt),
            ("dataset", contract.products.daily.dataset),
            ("dataset", contract.products.monthly.dataset),
        ]
        for key in keys:
            if key in seen:
                raise ConfigurationError(
                    f"partner contracts {seen[key]} and {contract.id} share a {key[0]}",
                    partner=contract.id,
                    hint="Give every partner its own id, dataset names and pseudonymization_salt.",
                )
            seen[key] = contract.id


@cache
def _load_dir(directory: Path) -> tuple[PartnerContract, ...]:
    contracts = tuple(load_contract(p) for p in sorted(directory.glob("*.yaml")))
    check_unique(contracts)
    return contracts


def load_contracts(directory: str | Path | None = None) -> list[PartnerContract]:
    """Active contracts of ``directory``.

    Default: $OUCHHUNGRY_CONTRACTS_DIR, else the packaged ``contracts/`` folder.
    """
    folder = Path(directory) if directory is not None else contracts_dir()
    return [c for c in _load_dir(folder.resolve()) if c.status == "active"]


def get_contract(partner_id: str, directory: str | Path | None = None) -> PartnerContract:
    for contract in load_contracts(directory):
        if contract.id == partner_id:
            return contract
    raise ConfigurationError(f"no active contract for partner {partner_id!r}")
