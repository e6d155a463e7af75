#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), then runs the demo model in HOC and in Python.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cd share/glia/demo
echo "== HOC: nrniv demo.hoc"
nrniv -nogui demo.hoc </dev/null
echo "== Python: /usr/bin/python3 demo.py"
/usr/bin/python3 demo.py
