#!/usr/bin/env bash
# `make demo` (with `make run` up in another terminal): a realistic history in the UI.
# 1. backfill the two previous months and this month to date (single-run backfills);
# 2. the monthly job for last month (SFTP + API + e-mail + insights report): its cities
#    are decided from the month before it, so the file shows real cities;
# 3. yesterday's daily delivery, whose cities are now decided from last month's data.
set -euo pipefail
cd "$(dirname "$0")/.."
set -a; source .env; set +a
export DAGSTER_HOME="${DAGSTER_HOME:-$PWD/.dagster_home}"
DAGSTER=.venv/bin/dagster
read -r PREV_FIRST LAST_FIRST LAST_END THIS_FIRST YESTERDAY < <(.venv/bin/python - <<'PY'
import datetime as dt
from zoneinfo import ZoneInfo
today = dt.datetime.now(ZoneInfo("America/Sao_Paulo")).date()
yesterday = today - dt.timedelta(days=1)
this_first = yesterday.replace(day=1)
last_end = this_first - dt.timedelta(days=1)
last_first = last_end.replace(day=1)
prev_first = (last_first - dt.timedelta(days=1)).replace(day=1)
print(prev_first, last_first, last_end, this_first, yesterday)
PY
)
CHAIN="raw_transactions,raw_customers,raw_products,cleaned_transactions,transactions_quarantine"
CHAIN="$CHAIN,cleaned_customers,customers_quarantine,cleaned_products,products_quarantine"
CHAIN="$CHAIN,ouchhungry_sales_daily"
# `asset materialize --partition-range` needs single-run backfills (small months here).
export OUCHHUNGRY_BACKFILL_DAYS_PER_RUN=0
echo "== backfill $PREV_FIRST...$LAST_END (one run)"
$DAGSTER asset materialize -m ouchhungry_dp.definitions --select "$CHAIN" \
  --partition-range "$PREV_FIRST...$LAST_END"
echo "== monthly delivery of $LAST_FIRST"
$DAGSTER job execute -m ouchhungry_dp.definitions -j ouchhungry_monthly_delivery \
  --tags "{\"dagster/partition\": \"$LAST_FIRST\"}"
if [[ "$THIS_FIRST" != "$YESTERDAY" ]]; then
  echo "== backfill $THIS_FIRST...$YESTERDAY (one run)"
  $DAGSTER asset materialize -m ouchhungry_dp.definitions --select "$CHAIN" \
    --partition-range "$THIS_FIRST...$YESTERDAY"
fi
echo "== daily delivery of $YESTERDAY"
$DAGSTER job execute -m ouchhungry_dp.definitions -j ouchhungry_daily_delivery \
  --tags "{\"dagster/partition\": \"$YESTERDAY\"}"
echo "Done: see .sandbox/sftp/upload/, .sandbox/api/, .sandbox/mail/ and .local/outbound/monthly/*.html"
