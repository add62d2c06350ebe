-- Raw customers rows that failed cleaning: raw values, the partition, the row's position and every reason.
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
  partition_date DATE,
  source_row INT64,
  reasons STRING
)
PARTITION BY partition_date
CLUSTER BY reasons
OPTIONS (require_partition_filter = TRUE, labels = [('component', 'ouchhungry_dp'), ('layer', 'quarantine')]);
