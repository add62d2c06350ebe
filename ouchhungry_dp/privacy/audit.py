"""Privacy audit: attack every file a partner receives over simulated months.

``python -m ouchhungry_dp.privacy.audit --months 3 --rows 2000`` simulates the
months (plus one month of history) with ``ouchhungry_dp.simulation``, builds the
daily files, monthly files and insights figures with the products' own functions
(``audit_release.py``; the month decision stored and read back as production
does, ``decision_record.py``) with a dominant competitor injected, runs the
attacks of ``attacks.py``, the re-releases of ``rerelease.py`` (every day re-run,
a late day in a past month, differencing between reports, a past month's files
re-released through the publishing gate after a late day) and two injected
incidents (an EAN typo in a partner catalogue row, personal data typed into a
partner product name), checks that the engine SQL production runs builds the
same decision, monthly files and insights figures on each month
(``audit_engine.py``, an in-memory DuckDB), prints what each attack recovered
and exits 1 if anything was recovered. No Dagster, no warehouse file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ouchhungry_dp.partners.contract import PartnerContract, get_contract
from ouchhungry_dp.privacy import attacks, audit_engine, rerelease, rerelease_gate
from ouchhungry_dp.privacy.audit_release import (
    MonthRelease,
    clean_catalogue,
    clean_day,
    daily_passes,
    partner_truth_rows,
    raw_catalogue,
    simulate_releases,
)
from ouchhungry_dp.products.cells import LEVEL_CITY, decide_locations
from ouchhungry_dp.products.daily import build_daily_product
from ouchhungry_dp.products.pii_text import KnownIdentifiers
from ouchhungry_dp.products.segment_share import share_publishable
from ouchhungry_dp.quality.cleaning import clean_customers
from ouchhungry_dp.simulation import SimulationConfig
from ouchhungry_dp.simulation.customers import simulate_customers
from ouchhungry_dp.simulation.extract import referenced_by_orders
from ouchhungry_dp.simulation.transactions import simulate_transactions

# A fixed audit key: the audit measures the design, never production pseudonyms.
AUDIT_KEY = b"privacy-audit-key-not-a-secret-0001"
# What people type into a catalogue name (attack round 2 of issue 11); "{name}" is a
# real simulated customer's full name. Each must stop the file.
PII_VARIANTS = (
    "ligar joao.silva@example.com (11) 98765-4321",
    "ligar (11) 98765 4321", "11 98765 4321", "11.98765.4321",
    "cpf 123.456.789.09", "cpf 123 456 789 09",
    "cep 01310 100 Rua Augusta 1500 apto 12",
    "joao(at)gmail.com", "joao arroba gmail ponto com",
    "entregar p/ {name}",
)


def _partner_row(raw_products: pd.DataFrame, contract: PartnerContract) -> int:
    own = raw_products["manufacturer"].astype(str).str.strip() == contract.partner.manufacturer
    return int(own.to_numpy().nonzero()[0][0])


def silent_loss(contract: PartnerContract, rows: int, seed: int) -> tuple[int, int, str]:
    """Finding 6: a one-digit EAN typo quarantines a partner catalogue row; its sales must
    not vanish from a file that passes its checks (they are blocked or accounted)."""
    day = dt.date(2026, 9, 15)
    config = SimulationConfig(seed=seed, rows_per_day=rows)
    raw = raw_catalogue(day, config)
    bad = raw.copy()
    row = _partner_row(bad, contract)
    ean = str(bad.at[row, "ean"])
    bad.at[row, "ean"] = ean[:-1] + str((int(ean[-1]) + 1) % 10)
    products, quarantined = clean_catalogue(bad, day)
    truth, _ = clean_catalogue(raw, day)
    tx = clean_day(simulate_transactions(day, config).frame, day, bad)
    decision = decide_locations(tx.iloc[0:0], products, contract)
    daily = build_daily_product(tx, products, decision, contract, key=AUDIT_KEY)
    expected = partner_truth_rows(tx, truth, contract)
    passed = daily_passes(daily, tx, products, decision, contract, AUDIT_KEY, quarantined)
    lost = expected - len(daily) if passed else 0
    return expected, lost, "file blocked by partner_rows_conserved" if not passed else "passed"


@dataclass(frozen=True)
class _CatalogueDay:
    day: dt.date
    raw_products: pd.DataFrame
    raw_transactions: pd.DataFrame
    day_names: tuple[str, ...]  # the daily scan's names: the day's extract, as production
    base: pd.DataFrame  # every customer: what the warehouse's cleaned customers hold
    # The catalogue cleaning's identifiers of ``base``, built once for every variant (the
    # cleaning builds them once a day; rebuilding them per variant was audit-only work).
    known: KnownIdentifiers | None


def _catalogue_day(rows: int, seed: int) -> _CatalogueDay:
    day = dt.date(2026, 9, 15)
    config = SimulationConfig(seed=seed, rows_per_day=rows)
    extract = clean_customers(referenced_by_orders(day, config, "customers").frame,
                              snapshot_date=day).cleaned
    base = simulate_customers(day, config).frame
    return _CatalogueDay(day, raw_catalogue(day, config),
                         simulate_transactions(day, config).frame,
                         tuple(extract["full_name"].dropna().astype(str)),
                         base, catalogue_identifiers(base))


def catalogue_identifiers(base: pd.DataFrame) -> KnownIdentifiers:
    """What the catalogue cleaning checks against: names and e-mails of every customer
    (``WarehouseReader.customer_identifiers`` in production)."""
    return KnownIdentifiers(pd.concat([base["full_name"], base["email"]]).dropna().astype(str))


def _leaks(case: _CatalogueDay, raw: pd.DataFrame, typed: str,
           contract: PartnerContract) -> bool:
    """Does ``typed`` leave in a daily file that passes its blocking checks?"""
    products, quarantined = clean_catalogue(raw, case.day, case.known)
    tx = clean_day(case.raw_transactions, case.day, raw)
    decision = decide_locations(tx.iloc[0:0], products, contract)
    daily = build_daily_product(tx, products, decision, contract, key=AUDIT_KEY)
    if not daily_passes(daily, tx, products, decision, contract, AUDIT_KEY, quarantined,
                        customer_names=case.day_names):
        return False
    return bool(daily.astype("string").apply(
        lambda c: c.str.contains(typed, regex=False)).any().any())


def _typed(raw: pd.DataFrame, contract: PartnerContract, column: str, value: str,
           brand: str | None = None) -> pd.DataFrame:
    bad = raw.copy()
    rows = bad["manufacturer"].astype(str).str.strip() == contract.partner.manufacturer
    if brand is not None:
        rows &= bad["brand"] == brand
    bad.loc[rows, column] = value
    return bad


def pii_in_catalogue(contract: PartnerContract, rows: int, seed: int) -> tuple[int, int, str]:
    """Finding 1: personal data typed into a partner product's name, in every variant of
    ``PII_VARIANTS``, never leaves in a file that passes its checks."""
    case = _catalogue_day(rows, seed)
    leaked = []
    for variant in PII_VARIANTS:
        typed = variant.format(name=case.day_names[0])
        bad = _typed(case.raw_products, contract, "product_name", f"Hungry {typed}")
        if _leaks(case, bad, typed, contract):
            leaked.append(variant.split(" ")[0])
    detail = f"{len(PII_VARIANTS)} variants, each file blocked by pii_scan" if not leaked else \
        "passed: " + ", ".join(leaked)
    return len(PII_VARIANTS), len(leaked), detail


def absent_customer_in_catalogue(contract: PartnerContract, rows: int, seed: int,
                                 column: str) -> tuple[int, int, str]:
    """Attack F1: the name of a customer who has no order that day (so not among the daily
    scan's names) typed into a partner product's ``column``; recovered if a file that
    passes its checks carries it. The catalogue cleaning must quarantine the product."""
    case = _catalogue_day(rows, seed)
    absent = ~case.base["customer_id"].isin(
        referenced_by_orders(case.day, SimulationConfig(seed=seed, rows_per_day=rows),
                             "customers").frame["customer_id"])
    victim = str(case.base.loc[absent, "full_name"].dropna().iloc[0])
    brand = contract.partner.brands[-1]
    value = {"segment": f"{brand.segment} {victim}"}.get(column, f"{brand.name} {victim}")
    bad = _typed(case.raw_products, contract, column, value, brand=brand.name)
    leaked = _leaks(case, bad, victim, contract)
    return 1, int(leaked), "name in the file" if leaked else "product quarantined"


def dominance_boundary(contract: PartnerContract) -> tuple[int, int, str]:
    """(n, k) rule at its boundary: segments whose n largest competitors hold k - 1, k and
    k + 1 % of the competitors' revenue. Published above k = recovered; suppressed at or
    below k = over-suppression, reported. What a partner learns from a published share is
    the competitors' total R (own revenue / share - own); the rule bounds the largest
    company at k % of R, so it can never be derived within 5 % (k = 85: >= 17.6 % away)."""
    privacy = contract.privacy
    n, k = privacy.dominance_n, float(privacy.dominance_k_percent)
    wrong, suppressed_ok = [], []
    for top_percent in (k - 1, k, k + 1):
        # n dominant companies share top_percent; 3 small ones share the rest.
        top = [top_percent * 100 / n] * n
        small = [(100 - top_percent) * 100 / 3] * 3
        cents = [round(v * 1000) for v in [*top, *small]]
        rows = pd.DataFrame({"brand": [f"B{i}" for i in range(len(cents))],
                             "manufacturer": [f"Co{i}" for i in range(len(cents))],
                             "amount_cents": cents, "quantity": cents})
        published = share_publishable(rows, set(contract.partner.brand_names), privacy)
        if published != (top_percent <= k):
            wrong.append(f"{top_percent:g}%")
        elif not published:
            suppressed_ok.append(f"{top_percent:g}%")
    bound = 1 / (k / 100) - 1
    detail = (f"({n}, {k:g} %): suppressed {', '.join(suppressed_ok) or 'none'}; "
              f"partner's bound: top competitor <= {k:g} % of the remainder "
              f"(best guess >= {bound:.1%} off)")
    return 3, len(wrong), detail if not wrong else detail + "; wrong at " + ", ".join(wrong)


def run_audit(contract: PartnerContract, *, months: int, rows: int, seed: int = 42,
              simulated: tuple[list[MonthRelease], pd.DataFrame] | None = None,
              ) -> tuple[pd.DataFrame, dict[str, float], list[MonthRelease]]:
    """(table of attacks, figures, the releases attacked). ``simulated``: releases and
    catalogue from ``simulate_releases`` with the same arguments, to reuse them."""
    releases, products = simulated or simulate_releases(
        contract, months=months, rows_per_day=rows, key=AUDIT_KEY, seed=seed)
    dailies = pd.concat([d for r in releases for d in r.dailies], ignore_index=True)
    results = [("linkage joins (every column, all files)", *attacks.linkage(dailies))]
    for name, attack in (("differencing between levels and releases", attacks.differencing),):
        totals = [attack(r, contract) for r in releases]
        results.append((name, sum(t[0] for t in totals), sum(t[1] for t in totals),
                        f"{len(totals)} months"))
    for name, attack in (("small-state exposure", attacks.small_states),
                         ("dominant competitor (within 5 %)", attacks.dominance)):
        totals = [attack(r, contract, products) for r in releases]
        results.append((name, sum(t[0] for t in totals), sum(t[1] for t in totals),
                        f"{len(totals)} months"))
    for name, attack in (("daily locations missing from the monthly file",
                          attacks.daily_locations_in_monthly),):
        totals = [attack(r) for r in releases]
        results.append((name, sum(t[0] for t in totals), sum(t[1] for t in totals),
                        f"{len(totals)} months"))
    totals = [attacks.cells_under_k_in_basis(r, contract, products) for r in releases]
    results.append(("published cells under k in the decision basis",
                    sum(t[0] for t in totals), sum(t[1] for t in totals),
                    f"{len(totals)} months, every level, daily and monthly"))
    results.append(("engine SQL path builds the files attacked (decision, monthly, insights)",
                    *audit_engine.engine_matches(releases, products, contract)))
    results.append(("insights penetration: competitors' customers per city (within 5 %)",
                    *attacks.penetration(releases, contract, products)))
    results.append(("re-run of every day (decision + files byte-identical)",
                    *rerelease.rerun(releases, contract, products, AUDIT_KEY)))
    files, printed = rerelease.late_day(releases, contract, products, AUDIT_KEY)
    results.append(("late day in a past month, then re-run (files)", *files))
    results.append(("late day: differencing between reports", *printed))
    results.append(("re-release of a past month after a late day (partner-visible bytes)",
                    *rerelease_gate.late_day_rerelease(releases, contract, products,
                                                       AUDIT_KEY)))
    results.append(("differencing between releases (reports)",
                    *rerelease.between_releases(releases)))
    results.append(("silent loss (EAN typo in a partner row)", *silent_loss(contract, rows, seed)))
    results.append(("PII typed into a catalogue name", *pii_in_catalogue(contract, rows, seed)))
    for column in ("product_name", "segment"):
        results.append((f"name of a customer without orders that day in {column}",
                        *absent_customer_in_catalogue(contract, rows, seed, column)))
    customer = "Maria Aparecida Souza"  # a customer of the month: a known identifier
    typed = [v.format(name=customer) for v in PII_VARIANTS]
    results.append(("PII typed into a catalogue name: report's cross-sell",
                    *attacks.pii_in_report_names(releases[-1], contract, products, typed,
                                                 known=(customer,))))
    results.append(("dominance rule at k-1/k/k+1 %", *dominance_boundary(contract)))
    table = pd.DataFrame(results, columns=["attack", "checked", "recovered", "detail"])
    blocked = sum(len(r.blocked_days) for r in releases)
    # By design (docs/data-products.md, "What k guarantees"): k holds in the decision
    # basis, not in the month published. How many monthly cells are small in their month.
    monthly = pd.concat([r.monthly for r in releases], ignore_index=True)
    small_in_month = int((pd.to_numeric(monthly["customers_reached"])
                          < contract.privacy.min_customers_per_cell).sum())
    figures = {
        "monthly_cells": len(monthly),
        "monthly_cells_under_k_in_their_month": small_in_month,
        "partner_rows": len(dailies),
        "city_level_share": float((dailies["location_level"] == LEVEL_CITY).mean())
        if len(dailies) else 0.0,
        "blocked_days": blocked,
        **{f"level_{level}": float(share) for level, share in
           dailies["location_level"].value_counts(normalize=True).items()},
    }
    return table, figures, releases


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--rows", type=int, default=2000, help="order items per day")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--partner", default="ouchhungry")
    args = parser.parse_args(argv)
    table, figures, _ = run_audit(get_contract(args.partner), months=args.months,
                                  rows=args.rows, seed=args.seed)
    print(table.to_markdown(index=False))
    print(f"\npartner rows published: {figures['partner_rows']}, at city level: "
          f"{figures['city_level_share']:.1%}, daily files blocked by checks: "
          f"{figures['blocked_days']}; levels: "
          + ", ".join(f"{k[6:]} {v:.1%}" for k, v in figures.items() if k.startswith("level_")))
    print(f"monthly cells: {figures['monthly_cells']}, with fewer than k customers in their "
          f"own month (k holds in the decision basis): "
          f"{figures['monthly_cells_under_k_in_their_month']}")
    recovered = int(table["recovered"].sum())
    print("RESULT: nothing recovered" if not recovered else f"RESULT: {recovered} recovered")
    return 1 if recovered else 0


if __name__ == "__main__":
    sys.exit(main())
