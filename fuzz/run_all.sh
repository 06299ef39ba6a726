#!/usr/bin/env bash
# Run every fuzz target for SECONDS each (default 180), one after another, and print how many
# inputs each ran and whether it found anything. Logs and findings go to $WIRETRAIL_FUZZ_DIR
# (default /tmp/wiretrail-fuzz), never into the project.
set -u
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-180}"
WORK="${WIRETRAIL_FUZZ_DIR:-/tmp/wiretrail-fuzz}"
mkdir -p "$WORK/logs"
for target in fuzz/fuzz_*.py; do
  name="$(basename "$target" .py)"
  log="$WORK/logs/$name.log"
  .venv/bin/python "$target" -max_total_time="$SECONDS_EACH" -print_final_stats=1 >"$log" 2>&1
  status=$?
  runs="$(grep -ao 'Done [0-9]* runs' "$log" | grep -o '[0-9]*' || true)"
  [ -z "$runs" ] && runs="$(grep -ao 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)"
  [ -z "$runs" ] && runs="$(grep -ao '^#[0-9]*' "$log" | tail -1 | tr -d '#' || true)"  # stopped by a finding
  echo "$name: exit $status, ${runs:-?} inputs ($log)"
done
