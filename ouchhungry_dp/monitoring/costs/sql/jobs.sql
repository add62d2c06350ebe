-- Query jobs created in [@window_start, @window_end) from INFORMATION_SCHEMA.JOBS.
-- SCRIPT parent jobs are left out: their child jobs already carry the bytes and slots.
-- The monitor reduces the query text to what it needs (Metabase ids, SELECT *,
-- a fingerprint), so literal values in user SQL never reach the warehouse table.
SELECT
  creation_time,
  project_id,
  user_email,
  job_id,
  statement_type,
  start_time,
  end_time,
  state,
  reservation_id,
  COALESCE(total_bytes_processed, 0) AS total_bytes_processed,
  COALESCE(total_bytes_billed, 0) AS total_bytes_billed,
  COALESCE(total_slot_ms, 0) AS total_slot_ms,
  COALESCE(cache_hit, FALSE) AS cache_hit,
  error_result.reason AS error_reason,
  (SELECT l.value FROM UNNEST(labels) AS l WHERE l.key = 'dagster_asset' LIMIT 1) AS label_asset,
  (SELECT l.value FROM UNNEST(labels) AS l WHERE l.key = 'dagster_partition' LIMIT 1)
    AS label_partition,
  (SELECT l.value FROM UNNEST(labels) AS l WHERE l.key = 'dagster_partner' LIMIT 1) AS label_partner,
  (SELECT l.value FROM UNNEST(labels) AS l WHERE l.key = 'dagster_run_id' LIMIT 1) AS label_run_id,
  ARRAY_LENGTH(referenced_tables) AS referenced_table_count,
  (SELECT STRING_AGG(CONCAT(t.project_id, '.', t.dataset_id, '.', t.table_id), ',')
     FROM UNNEST(referenced_tables) AS t) AS referenced_tables,
  REGEXP_EXTRACT(query, r'-- Metabase:: userID: ([0-9]+)') AS metabase_user_id,
  REGEXP_EXTRACT(query, r'queryHash: ([0-9a-f]+)') AS metabase_query_hash,
  REGEXP_CONTAINS(LOWER(query), r'select\s+(distinct\s+)?\*') AS selects_star,
  query
FROM ${jobs}
WHERE creation_time >= @window_start
  AND creation_time < @window_end
  AND job_type = 'QUERY'
  AND COALESCE(statement_type, '') != 'SCRIPT'
