-- Raw transactions rows that failed cleaning: raw values, the partition, the row's position and every reason.
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
  partition_date DATE,
  source_row INT64,
  reasons STRING
)
PARTITION BY partition_date
CLUSTER BY reasons
OPTIONS (require_partition_filter = TRUE, labels = [('component', 'ouchhungry_dp'), ('layer', 'quarantine')]);
