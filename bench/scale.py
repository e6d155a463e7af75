#!/usr/bin/python3
"""Scale benchmark: what an unchanged set of N mods costs glia at every start.

    /usr/bin/python3 bench/scale.py [--sizes 10,100,1000,5000] [--jobs N] [--repeat N] [--glia PATH]

For each size it generates N small density mods in one package, builds them once (the cold build
is not what is measured here: see bench/build.py), lets the stamps settle, and then times
  no-op      `glia compile` on the unchanged set, the whole process (median of --repeat runs);
  discover   discovery of the packages, in process (bench/scale_probe.cpp);
  index      building the resolver's index, in process;
  fresh      the build's freshness check (no compile, no link), in process.
It prints the times, the time per 1000 mods (flat or falling means linear or better), and checks
the goal: a no-op under 50 ms at 1000 mods. The installed example package is on the search path too.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from build import GENERATED, SETTLE, find_glia, run  # noqa: E402  (one generator for both benchmarks)


def find_probe(glia_exe):
    # The probe is built beside the CLI: <build>/src/cli/glia -> <build>/bench/glia-scale-probe.
    build_dir = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(glia_exe))))
    probe = os.path.join(build_dir, "bench", "glia-scale-probe")
    if not os.access(probe, os.X_OK):
        sys.exit(f"{probe} not found: build the tree with tests enabled (meson setup build && ninja -C build)")
    return probe


def measure(size, glia, probe, jobs, repeat):
    with tempfile.TemporaryDirectory(prefix="glia-scale-") as root:
        mods = os.path.join(root, "pkg", "mods")
        os.makedirs(mods)
        with open(os.path.join(root, "pkg", "glia-package.yaml"), "w") as f:
            f.write("name: scale\n")
        for i in range(size):
            with open(os.path.join(mods, f"gen{i}.mod"), "w") as f:
                f.write(GENERATED.format(i=i))
        env = dict(os.environ, GLIA_PATH=os.path.join(root, "pkg"), GLIA_CACHE_DIR=os.path.join(root, "cache"),
                   XDG_DATA_HOME=os.path.join(root, "data"))
        cold = run([glia, "compile", "-j", str(jobs)], root, env)[0]
        time.sleep(SETTLE)
        run([glia, "compile"], root, env)  # records the stamps of files written just before the cold build
        noop = statistics.median(run([glia, "compile"], root, env)[0] for _ in range(repeat))
        r = subprocess.run([probe, str(repeat)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            sys.exit(r.stdout)
        inproc = json.loads(r.stdout)
        if inproc["read"]:
            sys.exit(f"{size} mods: discovery read {inproc['read']} mods of an unchanged set")
        return dict(inproc, size=size, cold_s=cold, noop_ms=noop * 1000)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100,1000,5000")
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--glia", help="the glia executable (default: the one built in this tree)")
    args = parser.parse_args()
    glia = find_glia(args.glia)
    probe = find_probe(glia)
    print(f"glia: {glia}", flush=True)
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        row = measure(size, glia, probe, args.jobs, args.repeat)
        rows.append(row)
        print(f"  ({size} mods built in {row['cold_s']:.0f} s)", flush=True)
    print(f"\n{'mods':>6} {'no-op':>9} {'discover':>9} {'index':>8} {'fresh':>8}   per 1000 mods (no-op)")
    for row in rows:
        print(f"{row['mods']:>6} {row['noop_ms']:7.1f}ms {row['discover_ms']:7.2f}ms {row['index_ms']:6.2f}ms "
              f"{row['fresh_ms']:6.2f}ms   {row['noop_ms'] * 1000 / row['mods']:7.1f} ms")
    at_1000 = [row for row in rows if row["size"] == 1000]
    if at_1000:
        ms = at_1000[0]["noop_ms"]
        print(f"\nno-op at 1000 mods: {ms:.1f} ms (goal < 50 ms: {'PASS' if ms < 50 else 'MISS'})")
    if len(rows) > 1:
        # Linear or better: the cost of the mods beyond the smallest set grows no faster than their number.
        base, top = rows[0], rows[-1]
        growth = (top["noop_ms"] - base["noop_ms"]) / (top["mods"] - base["mods"]) * 1000
        print(f"growth: {growth:.1f} ms per 1000 extra mods between {base['mods']} and {top['mods']} mods")


if __name__ == "__main__":
    main()
