"""UI previews and check metadata: an allowlist of columns, and no personal value at all."""

from __future__ import annotations

import dagster as dg
import pandas as pd

from ouchhungry_dp.lib.safe_metadata import safe_metadata, safe_preview, table_metadata

PLANTED = {
    "email": "joao.silva@gmail.com",
    "phone": "(11) 98765-4321",
    "cpf": "123.456.789-09",
    "cep": "01310-100",
    "raw_id": "CLI-0001234",
}

PSEUDONYM = "a1b2c3d4e5f60718"  # pragma: allowlist secret (a made-up pseudonym)


def test_the_preview_shows_only_allowlisted_columns_and_names_the_others() -> None:
    frame = pd.DataFrame({
        "sale_date": ["2026-11-25"], "city": ["MACAPA"], "revenue": [12.5],
        "customer_id": [PSEUDONYM], "full_name": ["Maria Souza"],
        "ordered_at": ["2026-11-25 13:45:00"], "product_name": ["Hungry Zero 350ml"],
        "some_new_column": ["?"],
    })
    preview = safe_preview(frame).md_str
    for shown in ("2026-11-25", "MACAPA", "12.5"):
        assert shown in preview
    for value in (PSEUDONYM, "Maria Souza", "13:45", "Hungry Zero", "?"):
        assert value not in preview
    assert "customer_id, full_name, ordered_at, product_name, some_new_column" in preview


def test_personal_patterns_typed_into_an_allowlisted_column_are_hidden() -> None:
    frame = pd.DataFrame({"payment_method": [*PLANTED.values(), "pix"]})
    preview = safe_preview(frame, rows=10).md_str
    assert "pix" in preview
    for kind, value in PLANTED.items():
        assert value not in preview, kind
    assert "[hidden: email]" in preview and "[hidden: raw_id]" in preview


def test_raw_free_text_places_show_only_values_on_the_place_allowlist() -> None:
    """A raw ``delivery_city`` holds whatever was typed: a customer's name or an address
    matches no personal-data pattern, so only a value allowlist keeps it out."""
    typed = ["Maria Aparecida Souza", "Rua Augusta 1500 apto 12", "joao.silva@gmail.com",
             "São Paulo/SP"]
    frame = pd.DataFrame({
        "delivery_city": [*typed, " são  paulo ", "Macapá"],
        "delivery_state": ["SP", "Maria", "sp", "XX", "SP", "AP"],
        "city": ["*", "Ana Clara", "SÃO PAULO", "CAMPINAS", "", "Belém"],
    })
    preview = safe_preview(frame, rows=10).md_str
    for value in [*typed, "Maria", "XX", "Ana Clara"]:
        assert value not in preview, value
    for value in ("são  paulo", "Macapá", "SÃO PAULO", "CAMPINAS", "Belém", "| *"):
        assert value in preview, value
    assert preview.count("[hidden: not a known place]") == len(typed) + 3


def test_check_metadata_keeps_rows_and_reasons_and_drops_values() -> None:
    metadata = safe_metadata({
        "failure_count": 2,
        "first_failures": [
            {"column": "email", "check": "str_matches", "row": 7, "value": "jo***@gmail.com"},
            {"column": "city", "check": "isin", "row": 9, "failure_case": "SP/SP"},
        ],
        "mismatched_cells": [{"state": "SP", "city": PLANTED["email"], "brand": "Hungry"}],
        "files": dg.MetadataValue.json([{"file": "daily/x.csv", "note": PLANTED["phone"]}]),
    })
    text = repr(metadata)
    assert metadata["first_failures"] == [
        {"column": "email", "check": "str_matches", "row": 7},
        {"column": "city", "check": "isin", "row": 9},
    ]
    assert metadata["mismatched_cells"][0]["state"] == "SP"
    for value in (*PLANTED.values(), "jo***", "SP/SP"):
        assert value not in text


def test_extra_table_metadata_is_redacted_too() -> None:
    metadata = table_metadata(pd.DataFrame({"rows": [1]}), {"note": PLANTED["cpf"], "n": 3})
    assert metadata["note"] == "[hidden: cpf]" and metadata["n"] == 3


def test_catalogue_columns_show_only_values_the_contracts_name() -> None:
    # A customer's name typed into each catalogue column (attack F2): hidden; the
    # contract's brands, segments and company still show.
    name = "Mariana Albuquerque Tavares"
    frame = pd.DataFrame({
        "brand": ["Hungry", f"Ouch {name}"], "segment": [f"salgados {name}", "refrigerantes"],
        "manufacturer": [name, "OuchHungry"], "revenue": [1.5, 2.5]})
    preview = safe_preview(frame).md_str
    assert name not in preview
    assert preview.count("[hidden: not a contract value]") == 3
    for shown in ("Hungry", "refrigerantes", "OuchHungry", "2.5"):
        assert shown in preview
    assert name not in table_metadata(frame)["preview"].value
