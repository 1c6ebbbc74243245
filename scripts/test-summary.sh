#!/usr/bin/env bash
# Adds up the TRX reports of one `dotnet test` run into a single closing line:
#   tests: N passed, N failed, N skipped
set -euo pipefail
dir=${1:?usage: test-summary.sh RESULTS_DIR}
passed=0; failed=0; total=0
for trx in "$dir"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed)))
  total=$((total + $(value total)))
done
skipped=$((total - passed - failed))
echo "tests: $passed passed, $failed failed, $skipped skipped"
