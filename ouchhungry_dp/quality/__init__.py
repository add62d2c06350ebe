"""Data-quality library: validators, repairs, rules registry, cleaning, schemas, checks.

No Dagster import anywhere in this package: the Dagster layer (``defs/quality``)
calls these plain functions. Public entry points:

* ``validators``: ``is_valid_email``, ``is_valid_cep``, ``is_valid_phone_br``,
  ``is_valid_cpf``, ``is_valid_cnpj``, ``is_valid_ean13``, ``is_valid_product_code``
* ``repair``: ``parse_money_brl``, ``parse_dates``, ``parse_timestamps``,
  ``parse_quantity``, ``normalize_cep``, ``normalize_phone_br``, ``normalize_city``, ...
* ``rules``: field-kind registry and the per-table declarations
* ``cities``: ``resolve_cities`` (official IBGE name and code within the row's UF)
* ``cleaning``: ``clean_transactions``, ``clean_customers``, ``clean_products``
* ``schemas``: pandera models, with ``check_digits`` as their independent second
  implementation; ``checks``: guardrail checks; ``evaluation``: recall / false
  positives against the simulator's defect labels
"""
