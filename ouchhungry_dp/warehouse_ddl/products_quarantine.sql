-- Raw products rows that failed cleaning: raw values, the partition, the row's position and every reason.
CREATE TABLE IF NOT EXISTS {table} (
  product_code STRING,
  ean STRING,
  product_name STRING,
  brand STRING,
  manufacturer STRING,
  segment STRING,
  list_price STRING,
  updated_at STRING,
  partition_date DATE,
  source_row INT64,
  reasons STRING
)
PARTITION BY partition_date
CLUSTER BY reasons
OPTIONS (require_partition_filter = FALSE, labels = [('component', 'ouchhungry_dp'), ('layer', 'quarantine')]);
