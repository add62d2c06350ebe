"""The insights' "Penetração" per city, and the rule that protects its denominator.

Penetration = the brand's customers in the city / every platform customer in the
city (all companies). The partner knows its numerator and, from its own daily
files, its own customers in the city, so a printed penetration gives it

    outside = city customers - the partner's customers in the city,

the customers there who bought only from other companies (finding F4 of issue 11:
in a city where one other company sells, that is the competitor's customer count).
So the denominator passes the same two rules as every published share, applied
to the companies behind ``outside``:

* at least ``min_competing_brands_per_segment`` competitor companies sold to those
  customers in the city;
* at least ``min_customers_per_cell`` (the contract's k) customers in ``outside``;
* (n, k) dominance on customers: the ``dominance_n`` largest companies' customers
  among ``outside``, **summed**, are at most ``dominance_k_percent`` % of
  ``outside``. A customer may buy from several companies, so the n largest
  companies' customers can overlap; their sum is at least their union, which makes
  the sum the conservative side: the largest company then holds at most k % of
  ``outside`` and the partner's best guess (``outside`` itself) is at least
  1 / (k/100) - 1 away (17.6 % at k = 85), as for shares.

Otherwise the city's penetration is printed as "n/d". Companies are
manufacturers, as for shares (several brands of one company count once). The
partner's company, every brand of it (in the contract or not), is "own":
``outside`` is the customers who bought nothing of that company in the city, and
the company is never counted as a competitor (else a brand the manufacturer sells
outside the contract would make up the company count). The partner's own daily
files give it city customers minus its contract brands' customers, a superset of
``outside``; the rule holds on ``outside``, the smaller, so it holds whatever the
partner knows about its other brands.

``city_customers`` computes the figures from the month's rows and is the
reference; the ``insights_city_customers`` part of ``engine.insights_statements.insights_month``
computes them in the warehouse (the tests hold the two equal).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ouchhungry_dp.products.companies import company_keys, same_company

if TYPE_CHECKING:
    from ouchhungry_dp.partners.contract import PartnerContract, Privacy

KEYS = ["state", "city"]
# active_customers: the denominator; outside_customers: those without a partner item in
# the city; competitors: companies among them; top_outside: the n largest companies'
# customers among them, summed.
COLUMNS = ("active_customers", "outside_customers", "competitors", "top_outside")


# What the warehouse returns (``insights_statements`` part ``insights_city_customers``) and the
# reference builds from rows: per city and manufacturer *spelling*, the city's figures
# and that spelling's distinct customers among ``outside`` (none: a NULL manufacturer).
COMPANY_ROWS = (*KEYS, "active_customers", "outside_customers", "manufacturer", "customers")


def city_customers(market: pd.DataFrame, contract: PartnerContract) -> pd.DataFrame:
    """Per (state, city) of ``market`` (``selection.market_items`` rows of one month):
    ``COLUMNS`` as int64, indexed by state and city (sorted)."""
    return fold_companies(company_rows(market, contract), contract.privacy.dominance_n)


def company_rows(market: pd.DataFrame, contract: PartnerContract) -> pd.DataFrame:
    """``COMPANY_ROWS`` of ``market``: the reference of the warehouse statement."""
    located = (market["state"].notna().to_numpy() & market["city"].notna().to_numpy()
               & market["customer_id"].notna().to_numpy())
    # "Own" is the partner's company, every brand and spelling of it (contract brand or
    # not): a brand the manufacturer sells outside the contract is neither outside nor a
    # competitor, as for shares (``selection.partner_brand_names``).
    own = same_company(market["manufacturer"], contract.partner.manufacturer).to_numpy(bool)
    rows = market.loc[located, [*KEYS, "customer_id", "manufacturer"]].assign(_own=own[located])
    per_customer = rows.groupby([*KEYS, "customer_id"], observed=True)["_own"].any()
    cities = pd.DataFrame({
        "active_customers": per_customer.groupby(level=KEYS, observed=True).size(),
        "outside_customers": (~per_customer).groupby(level=KEYS, observed=True).sum(),
    }).reset_index()
    outside_customers = per_customer.loc[~per_customer].reset_index()[[*KEYS, "customer_id"]]
    outside = rows.merge(outside_customers, on=[*KEYS, "customer_id"])
    per_company = (outside.groupby([*KEYS, "manufacturer"], observed=True)["customer_id"]
                   .nunique().rename("customers").reset_index())
    return cities.merge(per_company, on=KEYS, how="left").loc[:, list(COMPANY_ROWS)]


def fold_companies(rows: pd.DataFrame, dominance_n: int) -> pd.DataFrame:
    """``COLUMNS`` per city from ``COMPANY_ROWS``: spellings of one company
    (``companies.company_key``) are one competitor, their customers **summed** (at least
    the company's distinct customers: the conservative side of the rule); the
    ``dominance_n`` largest companies' customers summed."""
    rows = rows.assign(**{k: rows[k].astype("string") for k in KEYS})
    cities = (rows.groupby(KEYS, observed=True)[["active_customers", "outside_customers"]]
              .max())
    named = rows.loc[rows["manufacturer"].notna()].assign(
        _company=lambda f: company_keys(f["manufacturer"]))
    per_company = named.groupby([*KEYS, "_company"], observed=True)["customers"].sum()
    top = (per_company.sort_values(ascending=False, kind="stable")
           .groupby(level=KEYS, observed=True).head(dominance_n)
           .groupby(level=KEYS, observed=True).sum())
    frame = cities.assign(
        competitors=per_company.groupby(level=KEYS, observed=True).size(),
        top_outside=top,
    )
    frame = frame.loc[:, list(COLUMNS)].fillna(0).astype("int64")
    frame.index = pd.MultiIndex.from_arrays(
        [frame.index.get_level_values(k).astype("string") for k in KEYS], names=KEYS)
    return frame.sort_index()


def penetration_allowed(cities: pd.DataFrame, privacy: Privacy) -> pd.Series:
    """Per row of ``cities`` (``COLUMNS``): may its penetration be printed? Missing
    figures (a city without customers in the month) are not allowed."""
    figures = cities.loc[:, list(COLUMNS)].apply(pd.to_numeric)
    # Any figure missing (a city without customers in the month, or a partial row): the
    # rule cannot be checked, so it fails closed rather than reading the gap as 0.
    complete = figures.notna().all(axis=1)
    figures = figures.fillna(0)
    enough = figures["competitors"] >= privacy.min_competing_brands_per_segment
    # In integers of hundredths, as ``segment_share.dominance_allows``: exactly k % passes.
    top = (figures["top_outside"] * 100 * 100).round()
    bound = (figures["outside_customers"] * privacy.dominance_k_percent * 100).round()
    # At least k outside customers, as for a cell: with 3 outside customers and 3
    # companies the rule passing would itself say each company reached exactly one.
    populated = figures["outside_customers"] >= privacy.min_customers_per_cell
    return (complete & enough & (top <= bound) & populated).astype(bool)
