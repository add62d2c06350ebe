-- Products referenced by the day's orders, with valid EAN-13 and prices as numbers.
CREATE TABLE IF NOT EXISTS {table} (
  product_code STRING,
  ean STRING,
  product_name STRING,
  brand STRING,
  manufacturer STRING,
  segment STRING,
  list_price FLOAT64,
  updated_at DATETIME,
  snapshot_date DATE
)
PARTITION BY snapshot_date
CLUSTER BY product_code
OPTIONS (require_partition_filter = FALSE, labels = [('component', 'ouchhungry_dp'), ('layer', 'cleaned')]);
