"""The monthly file and the month's decision from warehouse aggregates.

What pandas holds here is bounded by the output, not by the month: the partner's
cells, the market summed per segment x location x manufacturer x brand, and the
decision's signature counts. The privacy rules (k, complementary suppression,
dominance, all-or-nothing generalisation) run in the same plain-Python code as
the pandas reference (``monthly.assemble_monthly``, ``segment_share``,
``basis.decide_from_basis``), on those aggregates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd

from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.companies import same_company
from ouchhungry_dp.products.engine import statements
from ouchhungry_dp.products.engine.basis import basis_from_rows, decide_from_basis
from ouchhungry_dp.products.engine.query import EngineQuery
from ouchhungry_dp.products.monthly import CELL, assemble_monthly, finish_cells
from ouchhungry_dp.products.reconcile import SUM_COLUMNS, reconcile_sums
from ouchhungry_dp.quality.checks import CheckOutcome

# Runs a statement where the data lives (the platform's warehouse reader); an empty
# frame without columns when a table it reads does not exist yet.
Runner = Callable[[EngineQuery], pd.DataFrame]

_MEASURES = ("units_sold", "revenue_cents", "customers_reached", "orders")
_MARKET_KEYS = ("segment", "state", "city", "manufacturer", "brand")


def _typed(frame: pd.DataFrame, text: tuple[str, ...], numbers: dict[str, str]) -> pd.DataFrame:
    if frame.empty:
        frame = pd.DataFrame({c: [] for c in (*text, *numbers)})
    out = frame.loc[:, [*text, *numbers]].astype({c: "string" for c in text})
    # SUM comes back as HUGEINT/NUMERIC in some engines: through Int64, exactly.
    return out.astype({c: "Int64" for c in numbers}).astype(numbers)


def decide_in_engine(run: Runner, contract: PartnerContract, first: dt.date,
                     last: dt.date) -> pd.DataFrame:
    """``cells.decide_locations`` of the history ``first..last``, from signature counts."""
    rows = run(statements.decision_basis(contract, first, last))
    if rows.empty:
        rows = pd.DataFrame(columns=["scope", "state", "members", "customers"])
    return decide_from_basis(basis_from_rows(rows), contract.privacy.min_customers_per_cell)


def build_monthly_in_engine(run: Runner, decision: pd.DataFrame, contract: PartnerContract,
                            *, first: dt.date, last: dt.date, month: str) -> pd.DataFrame:
    """``monthly.build_monthly_product`` of the days ``first..last`` (the month)."""
    cells = _typed(run(statements.monthly_cells(contract, first, last, decision)),
                   tuple(CELL), {m: "int64" for m in _MEASURES})
    return assemble_monthly(finish_cells(cells), market_in_engine(run, first, last),
                            partner_in_engine(run, contract, first, last), contract, month=month)


def market_in_engine(run: Runner, first: dt.date, last: dt.date) -> pd.DataFrame:
    """Every brand's sales of ``first..last`` summed per segment, location, manufacturer
    and brand: what the segment-share rules count, sum and rank."""
    return market_from_rows(run(statements.segment_market(first, last)))


def market_from_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """``segment_market``'s rows, typed (also the insights statement's part)."""
    return _typed(rows, _MARKET_KEYS, {"amount_cents": "Int64", "quantity": "Int64"})


def makers_in_engine(run: Runner, first: dt.date, last: dt.date) -> pd.DataFrame:
    """Brand and manufacturer of the catalogue of ``first..last``: read once per step and
    handed to ``partner_brands`` and ``own_spellings``."""
    return run(statements.catalogue_makers(first, last))


def partner_brands(makers: pd.DataFrame, contract: PartnerContract) -> set[str]:
    """``selection.partner_brand_names`` over the catalogue's ``makers``."""
    if not len(makers):
        return set(contract.partner.brand_names)
    own = same_company(makers["manufacturer"].astype("string"), contract.partner.manufacturer)
    return set(makers.loc[own.to_numpy(), "brand"].astype(str)) | set(contract.partner.brand_names)


def partner_in_engine(run: Runner, contract: PartnerContract, first: dt.date,
                      last: dt.date) -> set[str]:
    """``selection.partner_brand_names`` over the catalogue of ``first..last``."""
    return partner_brands(makers_in_engine(run, first, last), contract)


def own_spellings(makers: pd.DataFrame, contract: PartnerContract) -> list[str]:
    """The partner's company as the catalogue's ``makers`` spell it (always with the
    contract's spelling)."""
    spelt = (makers["manufacturer"].astype("string").dropna() if len(makers)
             else pd.Series([], dtype="string"))
    own = spelt.loc[same_company(spelt, contract.partner.manufacturer).to_numpy()]
    return sorted(set(own.astype(str)) | {contract.partner.manufacturer})


def reconcile_in_engine(run: Runner, monthly: pd.DataFrame, daily_table: str, *,
                        first: dt.date, last: dt.date,
                        min_customers: int | PartnerContract | None) -> CheckOutcome:
    """``reconcile.reconcile_monthly_with_daily`` against the daily files as stored in the
    warehouse (``daily_table``, the daily product asset's table), summed there."""
    sums = run(statements.daily_reconciliation(daily_table, first, last, monthly))
    if sums.empty:
        sums = pd.DataFrame({c: [] for c in SUM_COLUMNS})
    return reconcile_sums(monthly, sums, min_customers=min_customers)
