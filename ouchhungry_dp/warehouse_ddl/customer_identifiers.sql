-- Every distinct customer name and e-mail with the first day a cleaned snapshot held it
-- (personal data: never leaves the warehouse; the catalogue's personal-data check).
-- Created with its contents in one statement, from every snapshot of cleaned_customers
-- (a warehouse that had customers before this table), so it never exists half-filled;
-- then kept by a MERGE in each write of cleaned_customers. The query after AS is
-- lib/warehouse/customer_identifiers._first_seen over every snapshot.
-- Not partitioned: one row per distinct value, a few MB; clustered on the reads' filter.
CREATE TABLE IF NOT EXISTS {table} (
  value STRING,
  first_seen DATE
)
CLUSTER BY first_seen
OPTIONS (labels = [('component', 'ouchhungry_dp'), ('layer', 'cleaned')])
AS {history};
