"""Column layout of the source and warehouse tables (no Dagster import).

The simulator produces the raw tables, the cleaning library turns them into the
cleaned tables, the products read the cleaned ones: this module is where the
three agree. Raw tables hold text exactly as the source system exports it
(``string[pyarrow]``); cleaned tables hold typed values.
"""

from __future__ import annotations

# --- raw (as extracted from the source system; every column is text) --------
RAW_TRANSACTIONS = (
    "transaction_id",  # order item id, the business key, e.g. IT202611250000001
    "order_id",  # e.g. PED-20261125-000123 (one order has 1..n items)
    "customer_id",  # e.g. CLI-0001234
    "merchant_id",  # e.g. LOJ-00042
    "merchant_cnpj",  # numeric or alphanumeric CNPJ, formatted or bare
    "product_code",  # e.g. REF-HNG-0350 (segment-brand-number)
    "quantity",  # "2", " 3 ", "2un"
    "unit_price",  # "7.50", "R$ 7,50", "R$ 1.234,56"
    "ordered_at",  # mixed: ISO with offset, "25/11/2026 13:45", "25-11-2026", ...
    "delivery_city",  # "São Paulo", "SAO PAULO", " sao  paulo "
    "delivery_state",  # "SP", "sp"
    "delivery_cep",  # "01310-100", "01310100"
    "payment_method",  # pix, credit_card, debit_card, cash, voucher
    "updated_at",  # ISO timestamp; duplicates by business key keep the latest
)

RAW_CUSTOMERS = (
    "customer_id",
    "full_name",
    "cpf",
    "email",
    "phone",
    "cep",
    "city",
    "state",
    "birth_date",
    "created_at",
    "updated_at",
)

RAW_PRODUCTS = (
    "product_code",
    "ean",  # EAN-13 / GTIN-13 with check digit
    "product_name",
    "brand",
    "manufacturer",
    "segment",
    "list_price",
    "updated_at",
)

# --- cleaned (typed) ---------------------------------------------------------
# sale_date / snapshot_date are datetime64 (midnight, America/Sao_Paulo day): the
# warehouse IO managers filter partitions on them, and a VARCHAR column there
# silently loses the first day of a month.
CLEANED_TRANSACTIONS = (
    "transaction_id",
    "order_id",
    "customer_id",
    "merchant_id",
    "merchant_cnpj",
    "product_code",
    "quantity",  # Int64
    "unit_price",  # Float64, BRL
    "total_amount",  # Float64, unit_price * quantity
    "ordered_at",  # datetime64[ns], local time America/Sao_Paulo (naive)
    "sale_date",  # datetime64[ns], partition column
    "city",  # official IBGE name of the municipality, accents kept (São Paulo)
    "state",  # UF, upper case
    "city_ibge_code",  # 7-digit IBGE code (string); rows whose city is not matched are quarantined
    "cep",  # NNNNN-NNN
    "payment_method",
    "updated_at",  # datetime64[ns]
)

CLEANED_CUSTOMERS = (
    "customer_id",
    "full_name",
    "cpf",  # 11 digits
    "email",  # lower case
    "phone",  # E.164 +55...
    "cep",
    "city",
    "state",
    "city_ibge_code",
    "birth_date",  # datetime64[ns]
    "created_at",
    "updated_at",
    "snapshot_date",  # datetime64[ns], partition column
)

CLEANED_PRODUCTS = (
    "product_code",
    "ean",
    "product_name",
    "brand",
    "manufacturer",
    "segment",
    "list_price",  # Float64
    "updated_at",
    "snapshot_date",  # datetime64[ns], partition column
)

# Quarantine tables: the raw columns (text, as received) plus these.
QUARANTINE_EXTRA = (
    "partition_date",  # datetime64[ns], partition column
    "source_row",  # Int64, position of the row in the raw extract
    "reasons",  # pipe-separated reason codes, e.g. "invalid_cpf|unparseable_date"
)

PARTITION_COLUMN = {
    "raw_transactions": "partition_date",
    "raw_customers": "partition_date",
    "raw_products": "partition_date",
    "cleaned_transactions": "sale_date",
    "cleaned_customers": "snapshot_date",
    "cleaned_products": "snapshot_date",
    "transactions_quarantine": "partition_date",
    "customers_quarantine": "partition_date",
    "products_quarantine": "partition_date",
}
