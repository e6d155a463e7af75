#!/usr/bin/python3
"""Instructions per call through Python's `h`, counted by valgrind's callgrind (a count, so a loaded
machine does not blur it): glia's builtins against NEURON's own, in one process layout each.

    /usr/bin/python3 bench/h_calls.py [--plugin PATH] [--calls N] [--runs K]

  h.glia_generation()                  vs  h.startsw()               (argument-less builtins)
  h.glia_insert("Kv1", sec=s)          vs  h.ismembrane(full, sec=s) + s.insert(full)
Each figure is (instructions of a run making N calls - those of a run making none) / N, the median of
K such pairs: two runs of one script differ by a few million instructions (Python's start-up), which is
several hundred per call at N = 5,000. Needs valgrind.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
FULL = "glia__example__Kv1__0"
SCRIPT = f"""
import sys
from neuron import h
h.nrn_load_dll(sys.argv[1])
s = h.Section()
calls = {{
    "none": lambda: None,
    "glia_generation": lambda: h.glia_generation(),
    "startsw": lambda: h.startsw(),
    "glia_insert": lambda: h.glia_insert("Kv1", sec=s),
    "ismembrane_insert": lambda: (h.ismembrane("{FULL}", sec=s), s.insert("{FULL}")),
}}
f = calls[sys.argv[2]]
for i in range(int(sys.argv[3])):
    f()
"""


def instructions(script, plugin, what, n, env):
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out", "/usr/bin/python3",
                            script, plugin, what, str(n)], env=env, capture_output=True, text=True)
    m = re.search(r"Collected : (\d+)", r.stderr)
    if r.returncode != 0 or not m:
        sys.exit(f"valgrind run of {what} failed:\n{r.stderr[-2000:]}")
    return int(m[1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plugin", default=os.path.join(SOURCE, "build", "src", "plugin", "libglia.so"))
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3, help="pairs of runs per figure (median)")
    args = parser.parse_args()
    # A fixed hash seed: with a random one, runs of one script differ by millions of instructions.
    env = dict(os.environ, GLIA_PATH=os.path.join(SOURCE, "share", "glia", "packages", "example"), PYTHONHASHSEED="0")
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(SCRIPT)
    try:
        samples = {what: [] for what in ("glia_generation", "startsw", "glia_insert", "ismembrane_insert")}
        for _ in range(args.runs):
            base = instructions(f.name, args.plugin, "none", 0, env)
            for what, counts in samples.items():
                counts.append((instructions(f.name, args.plugin, what, args.calls, env) - base) / args.calls)
        per = {what: statistics.median(counts) for what, counts in samples.items()}
    finally:
        os.unlink(f.name)
    print(f"instructions per call through h (callgrind, {args.calls} calls, median of {args.runs})")
    for what, count in per.items():
        print(f"  {what:20} {count:8.0f}  ({', '.join(f'{c:.0f}' for c in samples[what])})")
    print(f"  h.glia_generation() / h.startsw() instructions = {per['glia_generation'] / per['startsw']:.3f}  "
          f"(goal <= 1.1)")
    print(f"  h.glia_insert / h.ismembrane + s.insert instructions = "
          f"{per['glia_insert'] / per['ismembrane_insert']:.3f}  (goal <= 1.2)")


if __name__ == "__main__":
    main()
