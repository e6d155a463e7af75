# Sourced by scripts/sanitize.sh and scripts/fuzz.sh after they set `dir` (their build dir) and
# `prefix` (sanitize or fuzz). scripts/test.sh counts $dir/meson-logs/testlog.json, so the stale
# log goes first; when the tests cannot run at all, `record` writes one result in their place.
log=$dir/meson-logs/testlog.json
rm -f "$log"

# record NAME RESULT [MESSAGE]: records test "$prefix/NAME" as RESULT (FAIL or SKIP) in the log,
# prints MESSAGE (default "$prefix: NAME: RESULT") to stderr, and exits: 0 for SKIP, else 1.
record() {
    mkdir -p "$dir/meson-logs"
    echo "{\"name\": \"$prefix/$1\", \"result\": \"$2\"}" >"$log"
    echo "${3:-$prefix: $1: $2}" >&2
    [ "$2" = SKIP ] && exit 0
    exit 1
}
