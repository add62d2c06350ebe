-- Order items with typed, repaired and validated values. Local wall-clock times
-- (America/Sao_Paulo) are DATETIME; sale_date is the partition.
CREATE TABLE IF NOT EXISTS {table} (
  transaction_id STRING,
  order_id STRING,
  customer_id STRING,
  merchant_id STRING,
  merchant_cnpj STRING,
  product_code STRING,
  quantity INT64,
  unit_price FLOAT64,
  total_amount FLOAT64,
  ordered_at DATETIME,
  sale_date DATE,
  city STRING,
  state STRING,
  city_ibge_code STRING,
  cep STRING,
  payment_method STRING,
  updated_at DATETIME
)
PARTITION BY sale_date
CLUSTER BY state, city, product_code
OPTIONS (require_partition_filter = TRUE, labels = [('component', 'ouchhungry_dp'), ('layer', 'cleaned')]);
