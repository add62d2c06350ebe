-- Customers referenced by the day's orders, as extracted (text, personal data).
CREATE TABLE IF NOT EXISTS {table} (
  customer_id STRING,
  full_name STRING,
  cpf STRING,
  email STRING,
  phone STRING,
  cep STRING,
  city STRING,
  state STRING,
  birth_date STRING,
  created_at STRING,
  updated_at STRING,
  partition_date DATE
)
PARTITION BY partition_date
CLUSTER BY customer_id
OPTIONS (require_partition_filter = TRUE, labels = [('component', 'ouchhungry_dp'), ('layer', 'raw')]);
