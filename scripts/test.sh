#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), runs the whole test suite and prints one line
# "N passed, N failed, N skipped" last. Exits non-zero if any test failed.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

meson test -C build --num-processes 2 --print-errorlogs "$@"
status=$?
logs=(build/meson-logs/testlog.json)
# The whole suite (no arguments, as CI runs it) also runs the unit tests under ASan/UBSan, each
# fuzz target for a bounded time, and the integration tests against NEURON 9.0.2, in their own
# build dirs; their results count in the line below.
if [ $# -eq 0 ]; then
    bash scripts/sanitize.sh || status=1
    bash scripts/fuzz.sh || status=1
    start=$SECONDS
    bash scripts/test_neuron9.sh || status=1
    echo "NEURON 9 integration tests: $((SECONDS - start)) s"
    logs+=(build-asan/meson-logs/testlog.json build-fuzz/meson-logs/testlog.json build-nrn9/meson-logs/testlog.json)
fi
/usr/bin/python3 - "${logs[@]}" <<'PY'
import json, sys
counts = {"passed": 0, "failed": 0, "skipped": 0}
lines = []
for path in sys.argv[1:]:
    try:
        lines += open(path).readlines()
    except OSError:
        lines.append('{"result": "FAIL"}')  # a helper that left no results failed
for line in lines:
    try:
        result = json.loads(line)["result"]
    except (ValueError, KeyError):
        result = "FAIL"  # a truncated log (an interrupted run) counts as a failure
    key = {"OK": "passed", "EXPECTEDFAIL": "passed", "SKIP": "skipped"}.get(result, "failed")
    counts[key] += 1
print(f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
PY
exit $status
