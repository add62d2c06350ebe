-- Standard Cloud Billing export rows of [@window_start, @window_end), net of credits,
-- summed per usage day (America/Sao_Paulo), service, SKU, project and cost_center label.
SELECT
  DATE(usage_start_time, 'America/Sao_Paulo') AS usage_date,
  service.description AS service,
  sku.description AS sku,
  project.id AS project_id,
  (SELECT l.value FROM UNNEST(labels) AS l WHERE l.key = 'cost_center' LIMIT 1) AS cost_center,
  currency,
  SUM(cost) AS cost,
  SUM(IFNULL((SELECT SUM(c.amount) FROM UNNEST(credits) AS c), 0)) AS credits,
  SUM(usage.amount_in_pricing_units) AS usage_in_pricing_units,
  ANY_VALUE(usage.pricing_unit) AS pricing_unit
FROM ${billing}
WHERE usage_start_time >= @window_start
  AND usage_start_time < @window_end
GROUP BY usage_date, service, sku, project_id, cost_center, currency
