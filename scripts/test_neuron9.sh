#!/usr/bin/env bash
# The integration tests against NEURON 9.0.2 (scripts/test.sh runs this after the 8.2 suite):
# installs it into /opt/nrn-9.0.2 with ../shared/neuron/install-neuron9.sh (beside the checkout,
# as in CI; it does nothing when that NEURON is already there), builds in build-nrn9/ only what
# the integration tests load (the plugin and the CLI) and runs them. scripts/test.sh counts
# build-nrn9/meson-logs/testlog.json; a step that cannot run is recorded there as one failure.
# A clone with neither NEURON 9.0.2 nor ../shared (anyone's) records the part as skipped, saying
# what to install; CI (the variable CI set) must run it, so there it stays a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
dir=build-nrn9
prefix=nrn9
source scripts/lib/record.sh
neuron9=/opt/nrn-9.0.2
installer=../shared/neuron/install-neuron9.sh

if [ -f "$installer" ]; then
    install_log=${TMPDIR:-/tmp}/glia-install-neuron9.log
    bash "$installer" >"$install_log" 2>&1 || record install FAIL "nrn9: $installer failed; see $install_log"
elif [ ! -x "$neuron9/bin/nrniv" ]; then
    missing="nrn9: NEURON 9.0.2 is not in $neuron9 and $installer is missing"
    [ -n "${CI:-}" ] && record install FAIL "$missing: CI needs the shared NEURON 9.0.2 files beside the checkout (../shared/neuron)"
    record install SKIP "$missing, so the NEURON 9 tests are skipped. To run them, install NEURON 9.0.2 into $neuron9 (from source: https://nrn.readthedocs.io, cmake -DCMAKE_INSTALL_PREFIX=$neuron9), or put the shared NEURON files beside the checkout (../shared/neuron/install-neuron9.sh)"
fi
if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" -Dneuron_prefix="$neuron9" --buildtype=debugoptimized >/dev/null || record setup FAIL
fi
# Only the targets the integration tests depend on (not the unit tests, already run against 8.2).
ninja -C "$dir" -j 2 src/plugin/libglia.so src/cli/glia >/dev/null || record build FAIL
meson test -C "$dir" --no-rebuild --suite integration --num-processes 2 --print-errorlogs
