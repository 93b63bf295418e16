#!/usr/bin/env bash
# Runs `swift test ARGS…` and, after its own summary, says how many tests it skipped and why, so a
# skip is never silent in `make test` (root-only tests and the umockdev suites, which the main pass
# leaves to the umockdev pass, each say why in their own line too). Exits with swift test's status.
#   scripts/swift-test-counting-skips.sh LABEL SWIFT_TEST_COMMAND…
set -euo pipefail
label=$1
shift
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
"$@" 2>&1 | tee "$log" || status=$?
skipped=$(grep -c '^➜ Test .* skipped' "$log" || true)
reasons=$(grep '^➜ Test .* skipped' "$log" | sed -E 's/.* skipped: //' | sort | uniq -c | sed 's/^/    /' || true)
echo "$label: $skipped tests skipped"
[ -n "$reasons" ] && echo "$reasons"
exit "$status"
