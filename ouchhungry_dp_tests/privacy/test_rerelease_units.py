"""The re-release scenario's building blocks on small hand-built releases (milliseconds).

``test_rerelease.py`` runs the scenarios end to end on simulated months (a minute of
fixture); these pin what each step computes: which files differ, the store the
re-runs read, the late rows that grow the decision basis, and the differencing
between what two reports print about one (month, brand).
"""

from __future__ import annotations

import pandas as pd

from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.privacy import decision_record, rerelease
from ouchhungry_dp.privacy.audit_release import DOMINANT, MonthRelease

CONTRACT = get_contract("ouchhungry")
EMPTY = pd.DataFrame()
CATALOGUE = pd.DataFrame({
    "product_code": ["P-OUCH", "P-DOM", "P-OTHER"],
    "product_name": ["Ouch 1", "Dom 1", "Other 1"],
    "brand": ["Ouch", "DomBrand", "OtherBrand"],
    "manufacturer": [CONTRACT.partner.manufacturer, DOMINANT, "Outra Ltda"],
    "segment": ["snacks"] * 3,
})


def release(month: str, *, transactions: pd.DataFrame = EMPTY,
            files: dict[str, bytes] | None = None,
            insights: dict[str, object] | None = None) -> MonthRelease:
    return MonthRelease(month=month, history=EMPTY, decision=EMPTY, transactions=transactions,
                        dailies=[], monthly=EMPTY, month_to_date=EMPTY,
                        insights=insights or {}, files=files or {})


def test_differing_names_changed_added_and_removed_files_sorted() -> None:
    before = {"b": b"1", "a": b"1", "same": b"x", "gone": b"g"}
    after = {"b": b"2", "a": b"1", "same": b"x", "new": b"n"}
    assert rerelease._differing(before, after) == ["b", "gone", "new"]
    assert rerelease._differing(before, dict(before)) == []


def test_the_store_holds_every_month_decision_released() -> None:
    releases = [release("2026-09", files={"decision": b"state,city\nSP,*\n"}),
                release("2026-10", files={"decision": b"state,city\nRJ,*\n"})]
    store = rerelease._store_of(releases, CONTRACT)
    for r in releases:
        data = r.files["decision"]
        assert store.read(decision_record.record_path(CONTRACT.id, r.month)) == data
        assert store.read(decision_record.released_path(CONTRACT.id, r.month)) \
            == decision_record.marker(data)
    assert len(store.files) == 4


def test_released_days_are_the_daily_files_names() -> None:
    r = release("2026-10", files={"daily 2026-10-01": b"", "daily 2026-10-02": b"",
                                  "monthly": b"", "decision": b""})
    assert rerelease._released_days(r) == {"2026-10-01", "2026-10-02"}


def test_days_are_the_month_split_by_sale_date_in_order() -> None:
    tx = pd.DataFrame({"sale_date": ["2026-10-02", "2026-10-01", "2026-10-02"],
                       "order_id": ["b", "a", "c"]})
    days = rerelease._days(release("2026-10", transactions=tx))
    assert [d["order_id"].tolist() for d in days] == [["a"], ["b", "c"]]


def test_late_rows_are_the_last_days_dominant_and_partner_sales_under_new_ids() -> None:
    tx = pd.DataFrame({
        "sale_date": ["2026-10-30", "2026-10-31", "2026-10-31", "2026-10-31"],
        "order_id": ["O1", "O2", "O3", "O4"],
        "transaction_id": ["T1", "T2", "T3", "T4"],
        "customer_id": ["C1", "C2", "C3", "C4"],
        "product_code": ["P-OUCH", "P-OUCH", "P-DOM", "P-OTHER"],
    })
    late = rerelease.late_rows(release("2026-10", transactions=tx), CATALOGUE, CONTRACT)
    assert late["product_code"].tolist() == ["P-OUCH", "P-DOM"]
    assert (late["sale_date"] == "2026-10-31").all()
    for column in ("order_id", "transaction_id", "customer_id"):
        assert late[column].tolist() == [f"{v}-LATE" for v in tx.loc[[1, 2], column]]


def _report(month: str, brands: dict[str, dict], revenue: dict, share: dict) -> MonthRelease:
    return release(month, insights={"brands": brands, "revenue_trend": revenue,
                                    "segment_share_trend": share})


def test_differencing_compares_every_earlier_month_a_report_prints() -> None:
    september = _report("2026-09", {"Ouch": {"revenue": 100, "segment_share": 0.4}}, {}, {})
    honest = _report("2026-10", {"Ouch": {"revenue": 120, "segment_share": 0.5}},
                     {"Ouch": {"2026-09": 100, "2026-10": 120}},
                     {"Ouch": {"2026-09": 0.4, "2026-10": 0.5}})
    checked, differ = rerelease._printed_differences([september, honest], honest)
    assert (checked, differ) == (2, [])  # the current month itself is not compared
    recomputed = _report("2026-10", honest.insights["brands"],  # type: ignore[arg-type]
                         {"Ouch": {"2026-09": 103, "2026-10": 120}},
                         {"Ouch": {"2026-09": 0.4, "2026-10": 0.5}})
    checked, differ = rerelease._printed_differences([september, recomputed], recomputed)
    assert (checked, differ) == (2, ["Ouch 2026-09 revenue: 100 -> 103"])
    assert rerelease.between_releases([september, recomputed]) == (
        2, 1, "differ: Ouch 2026-09 revenue: 100 -> 103")
    assert rerelease.between_releases([september, honest]) == (2, 0, "2 reports")


def test_a_month_no_earlier_report_printed_for_the_brand_is_not_compared() -> None:
    september = _report("2026-09", {"Hungry": {"revenue": 5}}, {}, {})
    october = _report("2026-10", {}, {"Ouch": {"2026-09": 7}, "Hungry": {"2026-08": 1}}, {})
    assert rerelease._printed_differences([september, october], october) == (0, [])


def test_a_later_month_listed_first_does_not_hide_the_earlier_ones() -> None:
    september = _report("2026-09", {"Ouch": {"revenue": 100}}, {}, {})
    october = _report("2026-10", {}, {"Ouch": {"2026-10": 120, "2026-09": 101}}, {})
    assert rerelease._printed_differences([september, october], october) == (
        1, ["Ouch 2026-09 revenue: 100 -> 101"])


def test_between_releases_sums_every_report_and_quotes_the_first_five() -> None:
    brands = {f"B{i}": {"revenue": i} for i in range(4)}
    september = _report("2026-09", brands, {}, {})
    october = _report("2026-10", {b: {"revenue": 50} for b in brands},
                      {b: {"2026-09": 10 + i} for i, b in enumerate(brands)}, {})
    november = _report("2026-11", {},
                       {b: {"2026-09": i, "2026-10": 51} for i, b in enumerate(brands)}, {})
    checked, found, detail = rerelease.between_releases([september, october, november])
    # october: 4 figures about september, all differ; november: 4 equal + 4 that differ.
    assert (checked, found) == (12, 8)
    quoted = detail.removeprefix("differ: ").split(", ")
    assert quoted == [f"B{i} 2026-09 revenue: {i} -> {10 + i}" for i in range(4)] + [
        "B0 2026-10 revenue: 50 -> 51"]
