#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), then runs the demo model in HOC and in Python, which
# writes a PNG of the two cells' voltage traces. Output goes to $GLIA_DEMO_DIR (default
# /tmp/glia-demo); the last line says where the PNG is.
set -euo pipefail
cd "$(dirname "$0")/.."
demo="$PWD/share/glia/demo"
bash scripts/setup.sh
out="${GLIA_DEMO_DIR:-/tmp/glia-demo}"
mkdir -p "$out"
cd "$out"
echo "== HOC: nrniv -nogui demo.hoc"
nrniv -nogui "$demo/demo.hoc" </dev/null
echo "== Python: /usr/bin/python3 demo.py"
/usr/bin/python3 "$demo/demo.py" "$out/glia-demo.png"
