#!/usr/bin/env bash
# `make run`: the partner sandbox in the background, then `dagster dev` (UI + daemon).
set -euo pipefail
cd "$(dirname "$0")/.."
set -a; source .env; set +a
export DAGSTER_HOME="${DAGSTER_HOME:-$PWD/.dagster_home}"
.venv/bin/python -m ouchhungry_dp.sandbox &
SANDBOX_PID=$!
trap 'kill $SANDBOX_PID 2>/dev/null || true' EXIT INT TERM
.venv/bin/python -m ouchhungry_dp.sandbox.wait --timeout 30
# DAGSTER_UI_PORT (default 3000): a second checkout can run beside the first with its own
# UI port (its sandbox ports come from its own .env).
UI_PORT="${DAGSTER_UI_PORT:-3000}"
echo "Dagster UI: http://127.0.0.1:${UI_PORT}   (sandbox folders under .sandbox/, e-mails in .sandbox/mail/)"
.venv/bin/dagster dev -m ouchhungry_dp.definitions -h 127.0.0.1 -p "$UI_PORT"
