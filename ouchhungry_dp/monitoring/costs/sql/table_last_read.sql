-- Last time each table was read by a query job, since @window_start.
SELECT
  t.dataset_id AS table_schema,
  t.table_id AS table_name,
  MAX(j.creation_time) AS last_read_time,
  COUNT(*) AS read_jobs
FROM ${jobs} AS j, UNNEST(j.referenced_tables) AS t
WHERE j.creation_time >= @window_start
  AND j.creation_time < @window_end
  AND j.job_type = 'QUERY'
GROUP BY table_schema, table_name
