"""What the publishing gate expects of each product file: the dataset its gate record
names and the blocking checks its product asset declares.

The check specs are declared here once and used twice: by the product assets
(``product_assets.py``, ``insights_asset.py``) as their ``check_specs``, and by the
gate's readers (delivery, the insights reading released files) as the exact set of
checks a released file's record must carry. A check added to an asset is therefore in
every gate record, or delivery refuses the file.
"""

from dataclasses import dataclass
from typing import Literal

import dagster as dg

from ouchhungry_dp.partners.contract import PartnerContract

GatedKind = Literal["daily", "monthly", "insights"]


@dataclass(frozen=True)
class GatedFile:
    """What the publishing gate expects of one kind of file: the dataset its record
    names and exactly the checks its product asset declares."""

    dataset: str
    checks: frozenset[str]


def location_checks(asset: str) -> list[dg.AssetCheckSpec]:
    """The decision's checks, the same on the daily and the monthly file."""
    return [
        dg.AssetCheckSpec("follows_month_decision", asset=asset, blocking=True,
                          description="Every location label is one the month's stored "
                          "decision allows."),
        dg.AssetCheckSpec("no_small_cells", asset=asset, blocking=True,
                          description="Every published location has at least k customers "
                          "in the decision basis (city, state residual, country residual)."),
    ]


def daily_checks(contract: PartnerContract) -> list[dg.AssetCheckSpec]:
    asset = contract.daily_asset
    return [
        dg.AssetCheckSpec("pii_scan", asset=asset, blocking=True,
                          description="No e-mail, CPF, CNPJ, phone, CEP, raw id or name "
                          "in the outbound file."),
        dg.AssetCheckSpec("contract_columns", asset=asset, blocking=True,
                          description="The file has exactly the contract's columns."),
        *location_checks(asset),
        dg.AssetCheckSpec("partner_rows_conserved", asset=asset, blocking=True,
                          description="Rows in the file = partner rows of the cleaned "
                          "transactions; no row lost in the catalogue join."),
        dg.AssetCheckSpec("pseudonym_properties", asset=asset, blocking=True,
                          description="Pseudonyms well formed, collision-free, rotated "
                          "monthly and different from other partners'."),
        dg.AssetCheckSpec("upstream_quality", asset=asset, blocking=True,
                          description="The cleaning's verdict of the day (every blocking "
                          "check of the cleaned transactions, customers and products) "
                          "exists and passed, whichever run cleaned it."),
    ]


def monthly_checks(contract: PartnerContract) -> list[dg.AssetCheckSpec]:
    asset = contract.monthly_asset
    return [
        dg.AssetCheckSpec("pii_scan", asset=asset, blocking=True),
        dg.AssetCheckSpec("reconciles_with_daily", asset=asset, blocking=True,
                          description="Monthly totals equal the sum of the month's daily "
                          "files."),
        *location_checks(asset),
        dg.AssetCheckSpec("month_complete", asset=asset,
                          description="Every day of the month cleaned with its blocking "
                          "checks passed (a day the source confirmed closed counts; a "
                          "month-to-date file built on demand fails this, as a warning, "
                          "and the publishing gate never releases it)."),
    ]


def insights_checks(contract: PartnerContract) -> list[dg.AssetCheckSpec]:
    asset = contract.insights_asset
    return [
        dg.AssetCheckSpec("pii_scan", asset=asset, blocking=True,
                          description="No personal data pattern in the report's text."),
        dg.AssetCheckSpec("built_from_released_monthly", asset=asset, blocking=True,
                          description="The report's city figures come from the month's "
                          "monthly file as released by the publishing gate, and its month "
                          "is read from the data that file was built on (the inputs "
                          "fingerprint released with it)."),
    ]


def insights_dataset(contract: PartnerContract) -> str:
    return f"{contract.id}_insights_monthly"


def gated_file(contract: PartnerContract, kind: GatedKind) -> GatedFile:
    """Every declared check gates the file, including the monthly ``month_complete``
    that only warns in the UI."""
    checks, dataset = {
        "daily": (daily_checks, contract.products.daily.dataset),
        "monthly": (monthly_checks, contract.products.monthly.dataset),
        "insights": (insights_checks, insights_dataset(contract)),
    }[kind]
    return GatedFile(dataset=dataset,
                     checks=frozenset(spec.name for spec in checks(contract)))
