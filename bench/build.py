#!/usr/bin/python3
"""Build benchmark: glia's builder beside NEURON's own makefile pipeline, on the same files, same -j.

    /usr/bin/python3 bench/build.py [--jobs N] [--many N] [--repeat N] [--glia PATH]

Two sets of mods:
  * "example+demo": glia's example package plus NEURON's demo mods (/usr/share/nrn/demo/release,
    used in place through symlinks);
  * "generated": N small density mods (default 1000), for the no-op check.

For each set it times, for glia (`glia compile -j N <package>`) and for NEURON's pipeline
(`make -j N -f /usr/lib/nrn/nrnmech_makefile ROOT=/usr libdir=/usr/lib/nrn mech_lib_shared`, driven as
nrnivmodl drives it, with the makemod2c_inc and mod_func.cpp that nrnivmodl would write; the target is the
library x86_64/libnrnmech.so that nrniv loads, since nrnivmodl's `special` executable does not compile on
Debian's NEURON 8.2.2: nrnconf.h includes ivstream.h, which no package installs):
  cold     everything from scratch
  no-op    nothing changed (glia: median of --repeat runs after the stamps have settled)
  one-file one mod edited
and prints glia/NEURON ratios (below 1.0: glia is faster). Each tool builds into its own temp dir.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
EXAMPLE = os.path.join(SOURCE, "share", "glia", "packages", "example", "mods")
DEMO = "/usr/share/nrn/demo/release"
MAKEFILE = "/usr/lib/nrn/nrnmech_makefile"
SETTLE = 2.2  # glia trusts a file's stamps once it has been left alone for 2 s

GENERATED = """: generated mod {i}
NEURON {{
    SUFFIX gen{i}
    NONSPECIFIC_CURRENT i
    RANGE g, e
}}
PARAMETER {{
    g = 0.001 (S/cm2)
    e = -{i} (mV)
}}
ASSIGNED {{
    v (mV)
    i (mA/cm2)
}}
BREAKPOINT {{
    i = g*(v - e)
}}
"""


def find_glia(given):
    for path in [given, os.path.join(SOURCE, "build", "src", "cli", "glia"), shutil.which("glia")]:
        if path and os.access(path, os.X_OK):
            return path
    sys.exit("glia not found: build it (meson setup build && ninja -C build) or pass --glia PATH")


def run(argv, cwd, env=None):
    start = time.perf_counter()
    r = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.perf_counter() - start
    if r.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed in {cwd}:\n{r.stdout}")
    return elapsed, r.stdout


class Glia:
    def __init__(self, exe, root, package_dir, name, jobs):
        self.exe, self.name, self.jobs = exe, name, jobs
        self.env = dict(os.environ, GLIA_PATH=package_dir, GLIA_CACHE_DIR=os.path.join(root, "glia-cache"))
        self.cwd = root

    def build(self):
        return run([self.exe, "compile", "-j", str(self.jobs), self.name], self.cwd, self.env)


class Neuron:
    """NEURON's makefile pipeline in `dir`, over the mod files `mods` (paths), as nrnivmodl sets it up."""

    def __init__(self, root, mods, jobs):
        self.dir = os.path.join(root, "x86_64")
        self.jobs = jobs
        os.makedirs(self.dir)
        rules, regs, objs = [], [], []
        for path in mods:
            base = os.path.basename(path)[:-4]
            src_dir = os.path.dirname(path)
            rules.append(f"./{base}.c: {path}\n\t(cd \"{src_dir}\"; MODLUNIT=$(NRNUNITS) $(NOCMODL) \"{base}.mod\" "
                         f"-o \"{self.dir}\")\n\n./{base}.o: ./{base}.c\n\t$(COMPILE) -I\"{src_dir}\" "
                         f"$(INCLUDES) -fPIC -c $< -o $@\n")
            regs.append(base)
            objs.append(f"./{base}.o")
        with open(os.path.join(self.dir, "makemod2c_inc"), "w") as f:
            f.write("\n".join(rules))
        with open(os.path.join(self.dir, "mod_func.cpp"), "w") as f:
            f.write('#include <stdio.h>\n#include "hocdec.h"\nextern int nrnmpi_myid;\nextern int nrn_nobanner_;\n'
                    'extern "C" {\n' + "".join(f"extern void _{b}_reg(void);\n" for b in regs) +
                    "void modl_reg() {\n" + "".join(f"  _{b}_reg();\n" for b in regs) + "}\n}\n")
        self.objs = " ".join(objs)

    def build(self):
        # Debian installs libnrniv.so in /usr/lib/nrn, not $(ROOT)/lib where the makefile looks:
        # that is the path to fix (nrnivmodl itself looks for the makefile in the wrong place too).
        return run(["make", "-j", str(self.jobs), "-f", MAKEFILE, "ROOT=/usr", "libdir=/usr/lib/nrn",
                    f"MODOBJFILES={self.objs}",
                    "UserLDFLAGS=", "UserINCFLAGS=", "LinkCoreNEURON=false", "mech_lib_shared"], self.dir)


def measure(label, glia_exe, mod_sources, edit, jobs, repeat, root):
    """`mod_sources`: {file name: path or text}; `edit`: the file name to change for the one-file rebuild."""
    pkg = os.path.join(root, "pkg")
    mods_dir = os.path.join(pkg, "mods")
    os.makedirs(mods_dir)
    with open(os.path.join(pkg, "glia-package.yaml"), "w") as f:
        f.write("name: bench\n")
    paths = []
    for name, source in mod_sources.items():
        path = os.path.join(mods_dir, name)
        if os.path.isabs(source) and os.path.exists(source):
            if name == edit:
                shutil.copy(source, path)  # the one we edit must be ours
            else:
                os.symlink(source, path)   # NEURON's files are used in place
        else:
            with open(path, "w") as f:
                f.write(source)
        paths.append(path)

    glia = Glia(glia_exe, root, pkg, "bench", jobs)
    neuron = Neuron(root, paths, jobs)
    results = {}
    # glia's side first, so its numbers print even if NEURON's long cold build is cut short.
    glia_cold = glia.build()[0]
    time.sleep(SETTLE)
    glia.build()  # re-records the stamps of files written moments before the cold build
    glia_noop = statistics.median(glia.build()[0] for _ in range(repeat))
    print(f"  ({label}, {len(paths)} mods: glia cold {glia_cold * 1000:.0f} ms, no-op {glia_noop * 1000:.1f} ms)")
    results["cold"] = (glia_cold, neuron.build()[0])
    neuron_noop = statistics.median(neuron.build()[0] for _ in range(max(1, min(repeat, 3))))
    results["no-op"] = (glia_noop, neuron_noop)
    with open(os.path.join(mods_dir, edit), "a") as f:
        f.write(": edited by the benchmark\n")
    g_time, g_out = glia.build()
    results["one-file"] = (g_time, neuron.build()[0])
    stats_line = [line for line in g_out.splitlines() if line.startswith("glia: ")][-1]

    print(f"\n{label}: {len(paths)} mods, -j {jobs}")
    print(f"  {'':10} {'glia':>10} {'NEURON':>10} {'ratio':>7}")
    for what, (g, n) in results.items():
        print(f"  {what:10} {g * 1000:8.0f}ms {n * 1000:8.0f}ms {g / n:7.3f}")
    print(f"  one-file rebuild by glia: {stats_line[6:]}")
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--many", type=int, default=1000, help="size of the generated set (0 skips it)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per no-op measurement (median)")
    parser.add_argument("--glia", help="the glia executable (default: the one built in this tree)")
    parser.add_argument("--only-generated", action="store_true", help="skip the example+demo set")
    args = parser.parse_args()
    glia = find_glia(args.glia)
    print(f"glia: {glia}\nNEURON: make -f {MAKEFILE} mech_lib_shared (as nrnivmodl, library only)")

    if not args.only_generated:
        with tempfile.TemporaryDirectory(prefix="glia-bench-") as root:
            # Variants of one asset share their SUFFIX, which one nrnivmodl library cannot hold (that
            # is what glia is for): NEURON's pipeline gets only the default variants, and so does glia.
            sources = {name: os.path.join(EXAMPLE, name) for name in sorted(os.listdir(EXAMPLE))
                       if name.endswith(".mod") and "__" not in name}
            sources.update({name: os.path.join(DEMO, name) for name in sorted(os.listdir(DEMO))
                            if name.endswith(".mod")})
            measure("example+demo", glia, sources, "Leak.mod", args.jobs, args.repeat, root)
    if args.many:
        with tempfile.TemporaryDirectory(prefix="glia-bench-") as root:
            sources = {f"gen{i}.mod": GENERATED.format(i=i) for i in range(args.many)}
            measure("generated", glia, sources, "gen0.mod", args.jobs, args.repeat, root)


if __name__ == "__main__":
    main()
