#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang in build-fuzz/ (-Dfuzz=true) and fuzzes each one
# for GLIA_FUZZ_SECONDS (default 20) from its seed corpus in fuzz/corpus/<target>, two at a time.
# Called by scripts/test.sh, which counts build-fuzz/meson-logs/testlog.json; a failed configure or
# build is recorded there as one failed test, a missing clang as one skipped test.
# A crash leaves its input in build-fuzz/fuzz/work-<target>/artifacts/ (the log says which file).
set -uo pipefail
cd "$(dirname "$0")/.."
dir=build-fuzz
prefix=fuzz
source scripts/lib/record.sh

command -v clang++ >/dev/null || record clang SKIP
if [ ! -f "$dir/build.ninja" ]; then
    CXX=clang++ meson setup "$dir" -Dfuzz=true --buildtype=debugoptimized >/dev/null || record setup FAIL
fi
meson compile -C "$dir" -j 2 >/dev/null || record build FAIL
GLIA_FUZZ_SECONDS=${GLIA_FUZZ_SECONDS:-20} meson test -C "$dir" --num-processes 2 --print-errorlogs
