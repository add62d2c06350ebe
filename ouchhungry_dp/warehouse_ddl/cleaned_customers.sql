-- Customers referenced by the day's orders, validated (personal data: never leaves the warehouse).
CREATE TABLE IF NOT EXISTS {table} (
  customer_id STRING,
  full_name STRING,
  cpf STRING,
  email STRING,
  phone STRING,
  cep STRING,
  city STRING,
  state STRING,
  city_ibge_code STRING,
  birth_date DATETIME,
  created_at DATETIME,
  updated_at DATETIME,
  snapshot_date DATE
)
PARTITION BY snapshot_date
CLUSTER BY customer_id
OPTIONS (require_partition_filter = TRUE, labels = [('component', 'ouchhungry_dp'), ('layer', 'cleaned')]);
