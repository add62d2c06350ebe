-- Order items of a day as extracted (text); one partition per America/Sao_Paulo day.
CREATE TABLE IF NOT EXISTS {table} (
  transaction_id STRING,
  order_id STRING,
  customer_id STRING,
  merchant_id STRING,
  merchant_cnpj STRING,
  product_code STRING,
  quantity STRING,
  unit_price STRING,
  ordered_at STRING,
  delivery_city STRING,
  delivery_state STRING,
  delivery_cep STRING,
  payment_method STRING,
  updated_at STRING,
  partition_date DATE
)
PARTITION BY partition_date
CLUSTER BY customer_id, product_code
OPTIONS (require_partition_filter = TRUE, labels = [('component', 'ouchhungry_dp'), ('layer', 'raw')]);
