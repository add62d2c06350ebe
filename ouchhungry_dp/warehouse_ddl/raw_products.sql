-- Products referenced by the day's orders, as extracted (text).
CREATE TABLE IF NOT EXISTS {table} (
  product_code STRING,
  ean STRING,
  product_name STRING,
  brand STRING,
  manufacturer STRING,
  segment STRING,
  list_price STRING,
  updated_at STRING,
  partition_date DATE
)
PARTITION BY partition_date
CLUSTER BY product_code
OPTIONS (require_partition_filter = FALSE, labels = [('component', 'ouchhungry_dp'), ('layer', 'raw')]);
