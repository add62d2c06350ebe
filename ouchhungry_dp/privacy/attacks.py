"""Attacks a partner can run on the files it receives, scored against the source truth.

Each attack returns ``(checked, recovered, detail)``: how many targets it tried and
how many it recovered. Anything recovered is a privacy failure.
"""

from __future__ import annotations

import pandas as pd

from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.privacy.audit_release import MonthRelease
from ouchhungry_dp.products.cells import GENERALISED, LEVEL_CITY, LEVEL_COUNTRY, LEVEL_STATE
from ouchhungry_dp.products.insights_metrics import compute_metrics
from ouchhungry_dp.products.selection import is_partner, market_items, partner_items

Result = tuple[int, int, str]
LOCATION_COLUMNS = {"state", "city", "location_level", "true_state", "true_city"}
IDENTIFIERS = ("order_id", "customer_id")


def _reattach(dailies: pd.DataFrame, column: str) -> tuple[int, int]:
    """(generalised rows attached to a single finer place, of which at their real place)."""
    state_rows = dailies.loc[dailies["location_level"] == LEVEL_STATE]
    country_rows = dailies.loc[dailies["location_level"] == LEVEL_COUNTRY]
    city_rows = dailies.loc[dailies["location_level"] == LEVEL_CITY]
    named = dailies.loc[dailies["location_level"] != LEVEL_COUNTRY]
    cities = city_rows.groupby([column, "state"], observed=True).agg(
        n=("city", "nunique"), guess=("city", "first")).reset_index()
    to_city = state_rows.merge(cities.loc[cities["n"] == 1], on=[column, "state"])
    states = named.groupby(column, observed=True).agg(
        n=("state", "nunique"), guess=("state", "first")).reset_index()
    to_state = country_rows.merge(states.loc[states["n"] == 1], on=column)
    right = int((to_city["guess"] == to_city["true_city"]).sum())
    right += int((to_state["guess"] == to_state["true_state"]).sum())
    return len(to_city) + len(to_state), right


def linkage(dailies: pd.DataFrame) -> Result:
    """Join the partner's daily files (all brands, days, months) and put a generalised row
    back at a finer place when every finer row sharing its key sits at one place.

    Keys that identify something (``order_id``, ``customer_id``) are links: every row
    re-attached at its real place counts as recovered. (A hash of the whole row
    without its location added nothing: it holds ``order_id``, so it never links
    more than ``order_id`` does.) The other
    columns (product, price, date, brand) are shared by many people: a join on them
    is a guess, reported as "guess: right/attached" in the detail, not counted.
    """
    data = dailies
    descriptive = [c for c in data.columns if c not in LOCATION_COLUMNS | set(IDENTIFIERS)]
    recovered, details = 0, []
    for column in IDENTIFIERS:
        attached, right = _reattach(data, column)
        recovered += right
        details.append(f"{column}: {right}")
    for column in descriptive:
        attached, right = _reattach(data, column)
        if attached:
            details.append(f"{column} guess: {right}/{attached}")
    generalised = int((data["location_level"] != LEVEL_CITY).sum())
    return generalised, recovered, "; ".join(details)


def _brand_totals(frame: pd.DataFrame, units: str, money: str) -> pd.DataFrame:
    return frame.groupby("brand").agg(units=(units, "sum"), revenue=(money, "sum"))


def differencing(release: MonthRelease, contract: PartnerContract) -> Result:
    """Subtract published figures of one month from each other: insights national totals
    minus the monthly cells, monthly cells minus the daily rows of the same label, daily
    labels the monthly file hides, the month-to-date file from the final one. Recovered:
    a non-zero remainder (a cell the releases hide but their difference shows)."""
    k = contract.privacy.min_customers_per_cell
    labels = ["state", "city", "location_level", "brand"]
    dailies = pd.concat(release.dailies, ignore_index=True)
    monthly = release.monthly
    rebuilt = 0
    checked = 0
    for brand, figures in release.insights["brands"].items():  # type: ignore[union-attr]
        cells = monthly.loc[monthly["brand"] == brand]
        checked += 1
        if round(figures["revenue"] - float(cells["revenue"].sum()), 2) != 0:
            rebuilt += 1
    cents = (pd.to_numeric(dailies["total_amount"]) * 100).round().astype("int64")
    per_label = dailies.assign(_cents=cents).groupby(labels).agg(
        units=("quantity", "sum"), cents=("_cents", "sum"), customers=("customer_id", "nunique"))
    published = monthly.set_index(labels).assign(
        published_cents=lambda f: (pd.to_numeric(f["revenue"]) * 100).round().astype("int64"))
    joined = per_label.join(published[["units_sold", "published_cents", "customers_reached"]],
                            how="outer")
    checked += len(joined)
    # Units and revenue: a remainder in either one is a hidden cell's figure.
    differs = (joined["units"].fillna(0) != joined["units_sold"].fillna(0)) | (
        joined["cents"].fillna(0) != joined["published_cents"].fillna(0))
    rebuilt += int((differs & (joined["customers"].fillna(0) < k)).sum())
    # Month-to-date vs final: the difference must sit at labels the final file publishes.
    mtd = set(map(tuple, release.month_to_date[labels].to_numpy()))
    final = set(map(tuple, monthly[labels].to_numpy()))
    rebuilt += len(mtd - final)
    checked += len(mtd)
    return checked, rebuilt, f"month {release.month}"


def small_states(release: MonthRelease, contract: PartnerContract,
                 products: pd.DataFrame) -> Result:
    """States named in any file of the month with fewer than k basis customers, and states
    named in the daily files but hidden in the monthly file."""
    k = contract.privacy.min_customers_per_cell
    basis = partner_items(release.history, products, contract)
    per_state = basis.groupby("state")["customer_id"].nunique() if len(basis) else pd.Series()
    dailies = pd.concat(release.dailies, ignore_index=True)
    named_daily = set(dailies.loc[dailies["state"] != GENERALISED, "state"])
    named_monthly = set(release.monthly.loc[release.monthly["state"] != GENERALISED, "state"])
    named = named_daily | named_monthly
    small = {s for s in named if int(per_state.get(s, 0)) < k}
    hidden = named_daily - named_monthly
    return len(named), len(small | hidden), f"named states: {len(named)}"


def _geography(rows: pd.DataFrame, cell: pd.Series, brand_cells: pd.DataFrame) -> pd.Series:
    """Market rows behind one monthly row's share (same definition as segment_share)."""
    level, location = cell["segment_share_level"], cell["location_level"]
    if level == "country":
        return pd.Series(True, index=rows.index)
    if level == "state":
        return rows["state"] == cell["state"]
    cities = brand_cells.loc[brand_cells["location_level"] == LEVEL_CITY, ["state", "city"]]
    in_city = pd.MultiIndex.from_frame(rows[["state", "city"]].astype(object)).isin(
        pd.MultiIndex.from_frame(cities.astype(object)))
    if location == LEVEL_CITY:
        return (rows["state"] == cell["state"]) & (rows["city"] == cell["city"])
    states = set(brand_cells.loc[brand_cells["location_level"] == LEVEL_STATE, "state"])
    if location == LEVEL_STATE:
        return (rows["state"] == cell["state"]) & ~in_city
    return ~rows["state"].isin(states) & ~in_city


def _close(rows: pd.DataFrame, own: set[str], brand: str, share: float) -> bool:
    """Does brand revenue and the published share give the top competitor within 5 %?"""
    brand_cents = float(rows.loc[rows["brand"] == brand, "amount_cents"].sum())
    competitors = rows.loc[~rows["brand"].isin(own)]
    top = competitors.groupby("manufacturer")["amount_cents"].sum()
    if not share or top.empty or top.max() <= 0:
        return False
    rest = brand_cents / share - float(rows.loc[rows["brand"].isin(own), "amount_cents"].sum())
    return abs(rest - float(top.max())) <= 0.05 * float(top.max())


def dominance(release: MonthRelease, contract: PartnerContract, products: pd.DataFrame) -> Result:
    """From its own revenue and each published share (monthly cells, insights national
    share, and the national share minus the cell shares), derive the competitors' sales
    and compare with the largest competitor. Recovered: within 5 %."""
    # One row per (place, brand, company): the same sums as the items, far fewer rows.
    market = (market_items(release.transactions, products)
              .groupby(["segment", "state", "city", "brand", "manufacturer"], observed=True,
                       dropna=False)["amount_cents"].sum().reset_index())
    own = set(contract.partner.brand_names)
    checked = recovered = 0
    monthly = release.monthly
    for brand, cells in monthly.groupby("brand"):
        segment = market.loc[market["segment"] == cells["segment"].iloc[0]]
        for _, cell in cells.loc[cells["segment_share"].notna()].iterrows():
            where = _geography(segment, cell, cells)
            checked += 1
            recovered += _close(segment.loc[where], own, str(brand),
                                float(cell["segment_share"]))
        national = release.insights["brands"].get(brand, {})  # type: ignore[union-attr]
        share = national.get("segment_share") if national else None
        if share:
            checked += 1
            recovered += _close(segment, own, str(brand), float(share))
            covered = pd.Series(False, index=segment.index)
            for _, cell in cells.loc[cells["segment_share"].notna()].iterrows():
                covered |= _geography(segment, cell, cells)
            rest = segment.loc[~covered]
            if len(rest) and rest["amount_cents"].sum() > 0:
                checked += 1
                # The remainder's competitor total = national rest - the cells' rests.
                brand_cents = float(segment.loc[segment["brand"] == brand, "amount_cents"].sum())
                derived = brand_cents / float(share) - float(segment.loc[covered, "amount_cents"]
                                                             .sum()) - float(
                    segment.loc[~covered & segment["brand"].isin(own), "amount_cents"].sum())
                top = rest.loc[~rest["brand"].isin(own)].groupby("manufacturer")[
                    "amount_cents"].sum()
                if len(top) and top.max() > 0:
                    recovered += abs(derived - float(top.max())) <= 0.05 * float(top.max())
    return checked, int(recovered), f"month {release.month}"


def _labels(frame: pd.DataFrame) -> set[tuple[str, str, str]]:
    return set(map(tuple, frame[["state", "city", "location_level"]].astype(str).to_numpy()))


def daily_locations_in_monthly(release: MonthRelease) -> Result:
    """Every location a daily file of the month published is in the month's monthly file
    (otherwise the monthly file hides what the daily files showed, or the reverse)."""
    daily = _labels(pd.concat(release.dailies, ignore_index=True)) if release.dailies else set()
    missing = daily - _labels(release.monthly)
    return len(daily), len(missing), f"month {release.month}"


def cells_under_k_in_basis(release: MonthRelease, contract: PartnerContract,
                           products: pd.DataFrame) -> Result:
    """Every published label (daily and monthly files, every level) counted again from
    the decision basis itself: the previous month's partner customers whose location the
    stored decision maps to that label. Fewer than k = recovered. (Independent of the
    decision's own ``cell_customers`` column and of the ``no_small_cells`` check.) The
    one exception by design: the country row when the decision names no state is the
    whole country, not a residual."""
    k = contract.privacy.min_customers_per_cell
    basis = partner_items(release.history, products, contract)
    decision = release.decision.astype({"state": str, "city": str, "level": str})
    label = decision.assign(
        label_state=decision["state"].where(decision["level"] != LEVEL_COUNTRY, GENERALISED),
        label_city=decision["city"].where(decision["level"] == LEVEL_CITY, GENERALISED))
    located = basis.loc[:, ["state", "city", "customer_id"]].astype(str).merge(
        label, on=["state", "city"], how="inner")
    counts = located.groupby(["label_state", "label_city", "level"])["customer_id"].nunique()
    whole_country = not (decision["level"] != LEVEL_COUNTRY).any()
    files = [*release.dailies, release.monthly]
    published = set().union(*(_labels(f) for f in files if len(f)))
    small = [lab for lab in published
             if int(counts.get(lab, 0)) < k
             and not (lab[2] == LEVEL_COUNTRY and whole_country)]
    return len(published), len(small), f"month {release.month}"


def pii_in_report_names(release: MonthRelease, contract: PartnerContract,
                        products: pd.DataFrame, variants: list[str],
                        known: tuple[str, ...] = ()) -> Result:
    """Each variant typed into every partner product's catalogue name, then the month's
    report figures recomputed: the cross-sell pairs name partner products, so the text
    would show there. Recovered: a variant whose text appears in the figures. Checked:
    variants for which the report printed at least one pair (something to leak through);
    k is lowered to 2 for this attack when the month has no pair at the contract's k.
    ``known``: the month's known identifiers (customers' names), as the asset passes."""
    own = (products["manufacturer"] == contract.partner.manufacturer).fillna(False).to_numpy()
    attacked = contract
    if not release.insights["top_product_pairs"]:
        attacked = contract.model_copy(update={"privacy": contract.privacy.model_copy(
            update={"min_customers_per_cell": 2})})
    checked, leaked = 0, []
    # The pairs are built from the partner's own items only: recomputing the report from
    # those gives the same pairs and names, without the whole market once per variant.
    codes = set(products.loc[own, "product_code"].dropna())
    sold = release.transactions.loc[release.transactions["product_code"].isin(codes)
                                    .fillna(False).to_numpy()]
    for typed in variants:
        catalogue = products.copy()
        catalogue.loc[own, "product_name"] = "Hungry " + typed
        metrics = compute_metrics(attacked, month=release.month,
                                  transactions=sold, products=catalogue,
                                  monthly_products=release.monthly, known_identifiers=known)
        pairs = metrics["top_product_pairs"]
        checked += bool(pairs)
        if any(typed in name for pair in pairs for name in pair["products"]):
            leaked.append(typed.split(" ")[0])
    k = attacked.privacy.min_customers_per_cell
    return checked, len(leaked), (f"month {release.month}, k={k}, names printed as codes"
                                  if not leaked else f"shown: {', '.join(leaked)}")


def _outside_truth(market: pd.DataFrame, contract: PartnerContract) -> pd.DataFrame:
    """Per (state, city), from the source: the partner's customers there (the partner
    counts them in its own daily files) and the largest competitor company's customers
    among those who bought nothing of the partner's there (``top``)."""
    rows = market.loc[:, ["state", "city", "customer_id", "manufacturer"]].assign(
        _own=is_partner(market, contract))
    partner = rows.loc[rows["_own"]].groupby(["state", "city"])["customer_id"].nunique()
    buyers = rows.loc[rows["_own"], ["state", "city", "customer_id"]].drop_duplicates()
    others = rows.loc[~rows["_own"]].merge(buyers, how="left", indicator=True)
    outside = others.loc[others["_merge"] == "left_only"]
    # A competitor is another company: the partner's manufacturer, with brands outside
    # the contract, is not one.
    outside = outside.loc[outside["manufacturer"] != contract.partner.manufacturer]
    top = (outside.groupby(["state", "city", "manufacturer"])["customer_id"].nunique()
           .groupby(level=["state", "city"]).max())
    return pd.DataFrame({"partner": partner, "top": top}).fillna(0)


def _penetration_hits(top_cities: list[dict], truth: pd.DataFrame) -> tuple[int, int]:
    """(printed penetrations, those giving the largest competitor's customers within 5 %):
    city customers = customers reached / the printed percentage (1 decimal), minus the
    partner's own customers there = the customers only other companies reached."""
    printed = recovered = 0
    for row in top_cities:
        if row["penetration"] is None:
            continue
        printed += 1
        shown = round(row["penetration"] * 100, 1) / 100
        if not shown or (row["state"], row["city"]) not in truth.index:
            continue
        city = truth.loc[(row["state"], row["city"])]
        derived = row["customers_reached"] / shown - float(city["partner"])
        recovered += bool(city["top"] > 0 and abs(derived - city["top"]) <= 0.05 * city["top"])
    return printed, recovered


def penetration(releases: list[MonthRelease], contract: PartnerContract,
                products: pd.DataFrame) -> Result:
    """F4: from each top city's printed "Penetração" and customers reached, derive the
    city's customers who bought only from other companies and compare them with the
    largest competitor's. Recovered: within 5 %. Besides every month as released, an
    injected case: in the last month's first top city only its largest competitor keeps
    selling (a city where one other company sells), the report recomputed."""
    checked = recovered = printed = 0
    for release in releases:
        market = market_items(release.transactions, products)
        top_cities = release.insights["top_cities"]  # type: ignore[index]
        shown, hits = _penetration_hits(top_cities, _outside_truth(market, contract))
        checked, recovered, printed = checked + len(top_cities), recovered + hits, printed + shown
    last = releases[-1]
    cities = last.insights["top_cities"]  # type: ignore[index]
    if not cities:
        return checked, recovered, f"{printed} printed; no top city to inject"
    place = (cities[0]["state"], cities[0]["city"])
    market = market_items(last.transactions, products)
    in_city = ((market["state"] == place[0]) & (market["city"] == place[1])).to_numpy()
    rivals = in_city & ~is_partner(market, contract)
    largest = market.loc[rivals].groupby("manufacturer")["customer_id"].nunique().idxmax()
    keep = ~(rivals & (market["manufacturer"] != largest).fillna(True).to_numpy())
    # An order is in one city: (order, product) picks the transactions kept.
    injected = last.transactions.merge(market.loc[keep, ["order_id", "product_code"]]
                                       .drop_duplicates())
    metrics = compute_metrics(contract, month=last.month, transactions=injected,
                              products=products, monthly_products=last.monthly)
    truth = _outside_truth(market_items(injected, products), contract)
    one_city = [c for c in metrics["top_cities"] if (c["state"], c["city"]) == place]
    shown, hits = _penetration_hits(one_city, truth)
    detail = (f"{printed} of {checked} top-city penetrations printed; injected "
              f"{place[1]}/{place[0]} with one competitor: "
              + ("printed" if shown else "n/d"))
    return checked + len(one_city), recovered + hits, detail
