-- Current storage per table from INFORMATION_SCHEMA.TABLE_STORAGE, with its column count
-- and partitioning from INFORMATION_SCHEMA.COLUMNS.
WITH cols AS (
  SELECT
    table_schema,
    table_name,
    COUNT(*) AS column_count,
    LOGICAL_OR(is_partitioning_column = 'YES') AS is_partitioned,
    LOGICAL_OR(clustering_ordinal_position IS NOT NULL) AS is_clustered
  FROM ${columns}
  GROUP BY table_schema, table_name
)
SELECT
  s.project_id,
  s.table_schema,
  s.table_name,
  s.table_type,
  s.creation_time,
  s.storage_last_modified_time,
  COALESCE(s.total_rows, 0) AS total_rows,
  COALESCE(s.total_partitions, 0) AS total_partitions,
  COALESCE(s.total_logical_bytes, 0) AS total_logical_bytes,
  COALESCE(s.active_logical_bytes, 0) AS active_logical_bytes,
  COALESCE(s.long_term_logical_bytes, 0) AS long_term_logical_bytes,
  COALESCE(s.total_physical_bytes, 0) AS total_physical_bytes,
  COALESCE(s.active_physical_bytes, 0) AS active_physical_bytes,
  COALESCE(s.long_term_physical_bytes, 0) AS long_term_physical_bytes,
  COALESCE(s.time_travel_physical_bytes, 0) AS time_travel_physical_bytes,
  COALESCE(s.fail_safe_physical_bytes, 0) AS fail_safe_physical_bytes,
  COALESCE(c.column_count, 0) AS column_count,
  COALESCE(c.is_partitioned, FALSE) AS is_partitioned,
  COALESCE(c.is_clustered, FALSE) AS is_clustered
FROM ${table_storage} AS s
LEFT JOIN cols AS c
  ON c.table_schema = s.table_schema AND c.table_name = s.table_name
WHERE NOT COALESCE(s.deleted, FALSE)
