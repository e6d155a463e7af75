#!/usr/bin/env bash
# Builds glia with AddressSanitizer and UndefinedBehaviorSanitizer in build-asan/ (-Dsanitize=true:
# the core, the CLI and the unit tests; no plugin) and runs its tests. Any sanitizer report fails
# the test that caused it. Called by scripts/test.sh, which counts build-asan/meson-logs/testlog.json;
# a failed configure or build is recorded there as one failed test.
set -uo pipefail
cd "$(dirname "$0")/.."
dir=build-asan
prefix=sanitize
source scripts/lib/record.sh
record_failure() { record "$1" FAIL "sanitize: $1 failed"; }

if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" -Dsanitize=true --buildtype=debugoptimized >/dev/null || record_failure setup
fi
meson compile -C "$dir" -j 2 >/dev/null || record_failure build
# detect_leaks: a leak is a failure too; the rest is meson's default for sanitizers.
ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_summary=1:detect_leaks=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_summary=1:print_stacktrace=1} \
    meson test -C "$dir" --num-processes 2 --print-errorlogs
