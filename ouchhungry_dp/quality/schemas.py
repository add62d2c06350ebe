"""Pandera DataFrameModels of the raw, cleaned and quarantine tables (no Dagster import).

Raw schemas are structural (the export still has its columns, as text): the raw
tables carry defects by nature, so their value rules live in the cleaning. The
cleaned schemas restate every rule the cleaning promises (types, formats, check
digits, keys, derived columns), so a bug in the cleaning fails a blocking check
before a partner product reads the table. They are a second opinion, not a copy:
check digits come from ``check_digits`` (an independent implementation, not the
cleaning's validators) and cities are looked up in the IBGE list itself, not
through the cleaning's matcher.
"""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from ouchhungry_dp.quality import check_digits, validators
from ouchhungry_dp.quality.reference import official_cities, valid_ufs
from ouchhungry_dp.quality.rules import PAYMENT_METHODS

Text = Annotated[pd.StringDtype, "pyarrow", pd.NA]
UFS = sorted(valid_ufs())
_CEP = r"^\d{5}-\d{3}$"


def _official_city(df: pd.DataFrame) -> pd.Series:
    """(city, state, city_ibge_code) is a row of the IBGE list; or city and code are both
    missing (only a nullable city column lets that through)."""
    reference = official_cities()
    known = reference["name"] + "|" + reference["uf"] + "|" + reference["ibge_code"]
    text = "string[pyarrow]"
    triple = (df["city"].astype(text) + "|" + df["state"].astype(text) + "|"
              + df["city_ibge_code"].astype(text))
    no_city = df["city"].isna() & df["city_ibge_code"].isna()
    return (triple.isin(known).fillna(False) | no_city).astype(bool)


def _text(**kwargs: object) -> object:
    return pa.Field(nullable=True, **kwargs)


class _RawBase(pa.DataFrameModel):
    class Config:
        coerce = True  # raw text may come back from the warehouse as object dtype
        strict = False  # the warehouse adds partition_date


class RawTransactionsSchema(_RawBase):
    transaction_id: Series[Text] = _text()
    order_id: Series[Text] = _text()
    customer_id: Series[Text] = _text()
    merchant_id: Series[Text] = _text()
    merchant_cnpj: Series[Text] = _text()
    product_code: Series[Text] = _text()
    quantity: Series[Text] = _text()
    unit_price: Series[Text] = _text()
    ordered_at: Series[Text] = _text()
    delivery_city: Series[Text] = _text()
    delivery_state: Series[Text] = _text()
    delivery_cep: Series[Text] = _text()
    payment_method: Series[Text] = _text()
    updated_at: Series[Text] = _text()


class RawCustomersSchema(_RawBase):
    customer_id: Series[Text] = _text()
    full_name: Series[Text] = _text()
    cpf: Series[Text] = _text()
    email: Series[Text] = _text()
    phone: Series[Text] = _text()
    cep: Series[Text] = _text()
    city: Series[Text] = _text()
    state: Series[Text] = _text()
    birth_date: Series[Text] = _text()
    created_at: Series[Text] = _text()
    updated_at: Series[Text] = _text()


class RawProductsSchema(_RawBase):
    product_code: Series[Text] = _text()
    ean: Series[Text] = _text()
    product_name: Series[Text] = _text()
    brand: Series[Text] = _text()
    manufacturer: Series[Text] = _text()
    segment: Series[Text] = _text()
    list_price: Series[Text] = _text()
    updated_at: Series[Text] = _text()


class _CleanedBase(pa.DataFrameModel):
    class Config:
        strict = True  # exactly the documented columns
        ordered = True


class CleanedTransactionsSchema(_CleanedBase):
    transaction_id: Series[Text] = pa.Field(unique=True)
    order_id: Series[Text]
    customer_id: Series[Text]
    merchant_id: Series[Text]
    merchant_cnpj: Series[Text] = pa.Field(nullable=True)
    product_code: Series[Text] = pa.Field(str_matches=f"^{validators.PRODUCT_CODE_PATTERN}$")
    quantity: Series[pd.Int64Dtype] = pa.Field(gt=0)
    unit_price: Series[pd.Float64Dtype] = pa.Field(gt=0)
    total_amount: Series[pd.Float64Dtype] = pa.Field(gt=0)
    ordered_at: Series[pa.DateTime]
    sale_date: Series[pa.DateTime]
    city: Series[Text]  # official IBGE name, accents kept
    state: Series[Text] = pa.Field(isin=UFS)
    city_ibge_code: Series[Text] = pa.Field(str_matches=r"^\d{7}$")
    cep: Series[Text] = pa.Field(nullable=True, str_matches=_CEP)
    payment_method: Series[Text] = pa.Field(isin=list(PAYMENT_METHODS))
    updated_at: Series[pa.DateTime]

    @pa.check("merchant_cnpj", name="cnpj_check_digits")
    @classmethod
    def _cnpj(cls, values: Series[str]) -> Series[bool]:
        return check_digits.is_valid_cnpj(values)

    @pa.dataframe_check(name="city_is_an_ibge_municipality_of_its_state")
    @classmethod
    def _city(cls, df: pd.DataFrame) -> Series[bool]:
        return _official_city(df)

    @pa.dataframe_check(name="total_amount_is_price_times_quantity")
    @classmethod
    def _total(cls, df: pd.DataFrame) -> Series[bool]:
        expected = df["unit_price"] * df["quantity"].astype("Float64")
        return ((df["total_amount"] - expected).abs() <= 0.005).fillna(False)

    @pa.dataframe_check(name="sale_date_is_day_of_ordered_at")
    @classmethod
    def _sale_day(cls, df: pd.DataFrame) -> Series[bool]:
        return df["sale_date"] == df["ordered_at"].dt.normalize()


class CleanedCustomersSchema(_CleanedBase):
    customer_id: Series[Text] = pa.Field(unique=True)
    full_name: Series[Text] = pa.Field(nullable=True)
    cpf: Series[Text] = pa.Field(str_matches=r"^\d{11}$")
    email: Series[Text] = pa.Field(nullable=True)
    phone: Series[Text] = pa.Field(nullable=True, str_matches=r"^\+55\d{10,11}$")
    cep: Series[Text] = pa.Field(nullable=True, str_matches=_CEP)
    city: Series[Text] = pa.Field(nullable=True)
    state: Series[Text] = pa.Field(nullable=True, isin=UFS)
    city_ibge_code: Series[Text] = pa.Field(nullable=True, str_matches=r"^\d{7}$")
    birth_date: Series[pa.DateTime] = pa.Field(nullable=True)
    created_at: Series[pa.DateTime] = pa.Field(nullable=True)
    updated_at: Series[pa.DateTime]
    snapshot_date: Series[pa.DateTime]

    @pa.check("cpf", name="cpf_check_digits")
    @classmethod
    def _cpf(cls, values: Series[str]) -> Series[bool]:
        return check_digits.is_valid_cpf(values)

    @pa.dataframe_check(name="city_is_an_ibge_municipality_of_its_state")
    @classmethod
    def _city(cls, df: pd.DataFrame) -> Series[bool]:
        return _official_city(df)

    @pa.check("email", name="email_syntax")
    @classmethod
    def _email(cls, values: Series[str]) -> Series[bool]:
        return validators.is_valid_email(values) & (values == values.str.lower())

    @pa.check("phone", name="phone_ddd_and_number")
    @classmethod
    def _phone(cls, values: Series[str]) -> Series[bool]:
        return validators.is_valid_phone_br(values)


class CleanedProductsSchema(_CleanedBase):
    product_code: Series[Text] = pa.Field(
        unique=True, str_matches=f"^{validators.PRODUCT_CODE_PATTERN}$"
    )
    ean: Series[Text]
    product_name: Series[Text] = pa.Field(nullable=True)
    brand: Series[Text]
    manufacturer: Series[Text]
    segment: Series[Text]
    list_price: Series[pd.Float64Dtype] = pa.Field(gt=0)
    updated_at: Series[pa.DateTime]
    snapshot_date: Series[pa.DateTime]

    @pa.check("ean", name="ean13_check_digit")
    @classmethod
    def _ean(cls, values: Series[str]) -> Series[bool]:
        return check_digits.is_valid_ean13(values)


class QuarantineSchema(pa.DataFrameModel):
    """Common part of every ``<table>_quarantine`` (the raw columns vary by table)."""

    partition_date: Series[pa.DateTime]
    source_row: Series[pd.Int64Dtype] = pa.Field(ge=0, unique=True)
    reasons: Series[Text] = pa.Field(str_matches=r"^[a-z_]+(?:\|[a-z_]+)*$")

    class Config:
        strict = False
