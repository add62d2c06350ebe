-- GCS objects per bucket and storage class from a Storage Insights inventory report
-- (loaded as a table), with the bytes untouched for @cold_after_days days.
SELECT
  bucket,
  storageClass AS storage_class,
  COUNT(*) AS objects,
  SUM(size) AS bytes,
  SUM(IF(updated < TIMESTAMP_SUB(@as_of, INTERVAL @cold_after_days DAY), size, 0)) AS cold_bytes,
  SUM(IF(updated < TIMESTAMP_SUB(@as_of, INTERVAL @cold_after_days DAY), 1, 0)) AS cold_objects
FROM ${gcs_inventory}
WHERE timeCreated < @as_of
  AND (timeDeleted IS NULL OR timeDeleted >= @as_of)
GROUP BY bucket, storage_class
