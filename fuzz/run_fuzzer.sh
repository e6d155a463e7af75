#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time: run_fuzzer.sh <fuzzer> <seed corpus> <work dir>.
# Every seed is run first, then new inputs are explored for GLIA_FUZZ_SECONDS (default 20).
# A crash, a sanitizer report, a leak or an input slower than 10 s fails it (exit 1: libFuzzer's own
# default, 77, would read as "skipped" to meson); the input that did it is
# kept in <work dir>/artifacts/ and reproduced with: <fuzzer> <that file>.
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3
mkdir -p "$work/corpus" "$work/artifacts"
exec "$fuzzer" -error_exitcode=1 -timeout_exitcode=1 -max_total_time="${GLIA_FUZZ_SECONDS:-20}" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" "$seeds"
