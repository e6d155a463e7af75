#!/usr/bin/env bash
# Installs what glia needs on Debian (as root), then builds and installs glia into /usr/local.
# Safe to run again: it installs only missing packages and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential meson ninja-build pkg-config
  neuron neuron-dev python3-neuron
  libboost-filesystem-dev libboost-program-options-dev libboost-test-dev libyaml-cpp-dev
  libssl-dev  # OpenSSL's libcrypto: SHA-256 for lock files
  python3-matplotlib openmpi-bin
  python3-mesonpy  # pip install . (pyproject.toml): meson-python, without downloading it
  python3-pip python3-venv  # test_pip_install: pip inside a fresh virtual environment
  clang libclang-rt-14-dev  # scripts/fuzz.sh: libFuzzer targets
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -f build/build.ninja ]; then
  meson setup build --prefix=/usr/local --buildtype=debugoptimized
fi
# glia.hoc into NEURON's own hoc library (outside the prefix, so asked for explicitly), where
# load_file("glia.hoc") finds it for every user without HOC_LIBRARY_PATH; also for older build dirs.
meson configure build -Dhoc_dir=neuron
meson compile -C build -j 2
meson install -C build --quiet
ldconfig
echo "setup: glia $(glia --version | cut -d' ' -f2) installed in /usr/local"
