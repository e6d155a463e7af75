#!/usr/bin/python3
"""Benchmark: nrniv startup with libglia.so against nrniv loading the same mechanisms prebuilt.

Both sides load the example package plus NEURON's demo mods (/usr/share/nrn/demo/release, copied
into a package). glia's side: nrn_load_dll("libglia.so") with an up-to-date cache (discovery, freshness check,
dlopen of each package library, registration). NEURON's side: nrn_load_dll of one library holding the
same compiled objects with an nrnivmodl-style modl_reg. Goal: ratio <= 1.05. Both the wall-clock
and the CPU-time ratio are printed (medians): on a loaded machine the CPU ratio is the steadier one.
Each comparison runs twice: nrniv as started by default (which first runs NEURON's nrnpyenv.sh to
find Python) and with -nopython (nrniv's own startup, where glia's share shows).
Both sides run the nrniv first on PATH; --neuron-lib names the libnrniv folder of that NEURON (the
prebuilt library links it; default Debian's /usr/lib/nrn). The prebuilt library holds the objects
glia's cache compiled with that NEURON's nocmodl and nrnmech_makefile.
Usage: bench/startup.py [--plugin PATH] [--glia PATH] [--neuron-lib DIR] [--runs N]
"""

import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
DEMO = "/usr/share/nrn/demo/release"


def sh(argv, env=None, cwd=None):
    r = subprocess.run(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed:\n{r.stdout}{r.stderr}")
    return r.stdout


def reference_library(cache, work, neuron_lib):
    """Links every object in glia's cache into one nrnivmodl-style library with modl_reg."""
    objects = sorted(glob.glob(os.path.join(cache, "objects", "*", "*.o")))
    regs = []
    for obj in objects:
        for line in sh(["nm", "-g", "--defined-only", obj]).splitlines():
            name = line.split()[-1]
            if name.startswith("_glia__") and name.endswith("_reg"):
                regs.append(name)
    mod_func = os.path.join(work, "mod_func.c")
    with open(mod_func, "w") as f:
        f.write("".join(f"extern void {r}(void);\n" for r in regs))
        f.write("void modl_reg(void) {\n" + "".join(f"    {r}();\n" for r in regs) + "}\n")
    lib = os.path.join(work, "libnrnmech.so")
    sh(["cc", "-O2", "-fPIC", "-c", mod_func, "-o", mod_func + ".o"])
    sh(["c++", "-shared", "-fPIC", "-o", lib, mod_func + ".o", *objects, f"-L{neuron_lib}", "-lnrniv",
        f"-Wl,-rpath,{neuron_lib}"])
    return lib, len(regs)


def timed(argv, env, cwd):
    """(wall seconds, CPU seconds) of one run. CPU time (user + system of the child) hardly
    moves with the machine's load, which inflates wall times on a shared machine."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} exited {proc.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plugin", default=os.path.join(SOURCE, "build", "src", "plugin", "libglia.so"))
    parser.add_argument("--glia", default=os.path.join(SOURCE, "build", "src", "cli", "glia"))
    parser.add_argument("--neuron-lib", default="/usr/lib/nrn", help="where the running NEURON's libnrniv.so is")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="glia-bench-startup-")
    demo = os.path.join(work, "nrndemo")
    os.makedirs(os.path.join(demo, "mods"))
    with open(os.path.join(demo, "glia-package.yaml"), "w") as f:
        f.write("name: nrndemo\n")
    for mod in glob.glob(os.path.join(DEMO, "*.mod")):
        shutil.copy(mod, os.path.join(demo, "mods"))  # a package is self-contained: glia follows no link out of it
    env = dict(os.environ)
    env["GLIA_PATH"] = os.path.join(SOURCE, "share", "glia", "packages", "example") + ":" + demo
    env["GLIA_CACHE_DIR"] = os.path.join(work, "cache")
    sh([args.glia, "compile"], env=env)
    lib, count = reference_library(env["GLIA_CACHE_DIR"], work, args.neuron_lib)

    # nrniv starts Python by default, and NEURON's nrnpyenv.sh looks for python3 on PATH first:
    # behind pyenv shims that alone takes most of a second, the same on both sides, which would
    # hide glia's cost. So each side is also timed with -nopython: nrniv's own startup.
    version = sh(["nrniv", "--version"]).strip().splitlines()[-1]
    print(f"glia startup benchmark, {version}: {count} mechanisms (example package + NEURON demo mods), median of {args.runs}")
    try:
        for mode, flags in (("default", []), ("-nopython", ["-nopython"])):
            compare(mode, flags, args, lib, env, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def compare(mode, flags, args, lib, env, work):
    glia_side = ["nrniv", "-nogui", *flags, "-c", f'nrn_load_dll("{args.plugin}")', "-c", "quit()"]
    nrn_side = ["nrniv", "-nogui", *flags, "-c", f'nrn_load_dll("{lib}")', "-c", "quit()"]
    bare = ["nrniv", "-nogui", *flags, "-c", "quit()"]
    for argv in (glia_side, nrn_side):  # warm the page cache
        timed(argv, env, work)
    g, n, b = [], [], []
    for _ in range(args.runs):  # alternate, so drifting load hits both sides alike
        g.append(timed(glia_side, env, work))
        n.append(timed(nrn_side, env, work))
        b.append(timed(bare, env, work))
    wall = [statistics.median(t[0] for t in side) for side in (g, n, b)]
    cpu = [statistics.median(t[1] for t in side) for side in (g, n, b)]
    print(f"\n  nrniv {mode + ':':44} {'wall':>9} {'CPU':>9}")
    for label, i in (("nrniv alone", 2), ("nrniv + nrn_load_dll(prebuilt library)", 1),
                     ('nrniv + nrn_load_dll("libglia.so")', 0)):
        print(f"  {label:50} {wall[i] * 1000:6.1f} ms {cpu[i] * 1000:6.1f} ms")
    for what, (mg, mn) in (("wall", wall[:2]), ("CPU", cpu[:2])):
        verdict = "ok" if mg / mn <= 1.05 else "ABOVE GOAL"
        print(f"  startup {mode} {what} time glia / prebuilt = {mg / mn:.3f}  (goal <= 1.05) {verdict}")
    print(f"  glia's own cost over the prebuilt library: {(wall[0] - wall[1]) * 1000:+.1f} ms wall, "
          f"{(cpu[0] - cpu[1]) * 1000:+.1f} ms CPU")


if __name__ == "__main__":
    main()
