#!/usr/bin/python3
"""glia nrnivmodl beside NEURON's own nrnivmodl, in a model folder of real-world-style mods.

    /usr/bin/python3 bench/nrnivmodl.py [--mods 40] [--repeat 5] [--glia PATH]

The folder holds --mods Hodgkin-Huxley style channels (k, na and ca currents, two gates, rates in a
PROCEDURE with a TABLE, cnexp), as ModelDB models are full of. NEURON's side is its nrnivmodl as a
user runs it: Debian's script with its makefile path fixed (it looks in /usr/bin) and its last step
the library instead of `special` (which needs ivstream.h, that no Debian package installs), or
NEURON 9's nrnivmodl as it is. glia's side is `glia nrnivmodl` with an empty cache. Times:
  cold          an empty folder (and an empty glia cache)
  no-op         nothing changed (glia: median of --repeat runs once the stamps have settled;
                nrnivmodl regenerates mod_func.cpp and relinks every time)
  one-file      one mod edited
  second folder another folder with the same mod files (glia only: NEURON keeps no cache)
Goals (issue 17): cold at most 0.9x nrnivmodl, no-op under 50 ms, second folder under 1 s for 40 mods.
"""

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
SETTLE = 2.2  # glia trusts a file's stamps once it has been left alone for 2 s

CHANNEL = """: generated channel {i}: two gates, rates tabulated, as in many ModelDB models
NEURON {{
    SUFFIX ch{i}
    USEION {ion} READ e{ion} WRITE i{ion}
    RANGE gbar, g
    GLOBAL minf, hinf, mtau, htau
}}
UNITS {{
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}}
PARAMETER {{
    gbar = {gbar} (S/cm2)
}}
ASSIGNED {{
    v (mV)
    e{ion} (mV)
    i{ion} (mA/cm2)
    g (S/cm2)
    minf
    hinf
    mtau (ms)
    htau (ms)
}}
STATE {{ m h }}
BREAKPOINT {{
    SOLVE states METHOD cnexp
    g = gbar*m*m*m*h
    i{ion} = g*(v - e{ion})
}}
INITIAL {{
    rates(v)
    m = minf
    h = hinf
}}
DERIVATIVE states {{
    rates(v)
    m' = (minf - m)/mtau
    h' = (hinf - h)/htau
}}
PROCEDURE rates(v (mV)) {{
    LOCAL am, bm
    TABLE minf, hinf, mtau, htau FROM -120 TO 80 WITH 400
    UNITSOFF
    am = 0.1*vtrap(-(v + {vm}), {km})
    bm = 4*exp(-(v + {vb})/18)
    minf = am/(am + bm)
    mtau = 1/(am + bm) + 0.05
    hinf = 1/(1 + exp((v + {vh})/{kh}))
    htau = {th} + 20/(1 + exp((v + 40)/10))
    UNITSON
}}
FUNCTION vtrap(x, y) {{
    if (fabs(x/y) < 1e-6) {{
        vtrap = y*(1 - x/y/2)
    }} else {{
        vtrap = x/(exp(x/y) - 1)
    }}
}}
"""


def channel(i):
    return CHANNEL.format(i=i, ion=("k", "na", "ca")[i % 3], gbar=f"{0.001 * (1 + i % 9):.4f}",
                          vm=35 + i % 11, km=8 + i % 5, vb=60 + i % 7, vh=55 + i % 13, kh=5 + i % 4,
                          th=1 + i % 6)


def find_glia(given):
    for path in [given, os.path.join(SOURCE, "build", "src", "cli", "glia"), shutil.which("glia")]:
        if path and os.access(path, os.X_OK):
            return path
    sys.exit("glia not found: build it (meson setup build && ninja -C build) or pass --glia PATH")


def neuron_nrnivmodl(root):
    """NEURON's nrnivmodl as a user can run it: Debian's with its makefile path fixed; else the one on PATH."""
    script = shutil.which("nrnivmodl")
    if not script:
        sys.exit("NEURON's nrnivmodl not found on PATH")
    with open(script) as f:
        text = f.read()
    broken = '"${bindir}/nrnmech_makefile"'
    if broken not in text or os.path.exists(os.path.join(os.path.dirname(os.path.realpath(script)), "nrnmech_makefile")):
        return script  # its makefile is where it looks (NEURON 9)
    library_dir = os.path.dirname(os.path.realpath("/usr/lib/nrn/libnrniv.so"))
    text = text.replace(broken, f'"/usr/lib/nrn/nrnmech_makefile" "libdir={library_dir}"')
    text = re.sub(r" special &&", " mech_lib_shared &&", text)
    fixed = os.path.join(root, "nrnivmodl-fixed")
    with open(fixed, "w") as f:
        f.write(text)
    os.chmod(fixed, 0o755)
    return fixed


CPU = [0.0]  # user + system time of the last command, which a loaded machine inflates less than wall time


def timed(argv, cwd, env):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    r = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU[0] = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if r.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed in {cwd}:\n{r.stdout}")
    return elapsed, r.stdout


def folder(root, name, count):
    path = os.path.join(root, name)
    os.makedirs(path)
    for i in range(count):
        with open(os.path.join(path, f"ch{i}.mod"), "w") as f:
            f.write(channel(i))
    return path


def edit(path):
    with open(os.path.join(path, "ch0.mod"), "a") as f:
        f.write(": edited by the benchmark\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mods", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5, help="runs per no-op measurement (median)")
    parser.add_argument("--glia", help="the glia executable (default: the one built in this tree)")
    args = parser.parse_args()
    glia = find_glia(args.glia)
    with tempfile.TemporaryDirectory(prefix="glia-bench-nrnivmodl-") as root:
        nrnivmodl = neuron_nrnivmodl(root)
        env = dict(os.environ, GLIA_CACHE_DIR=os.path.join(root, "cache"), LC_ALL="C")
        plugin = os.path.join(os.path.dirname(os.path.dirname(glia)), "plugin", "libglia.so")
        if "GLIA_PLUGIN" not in env and os.path.exists(plugin):
            env["GLIA_PLUGIN"] = plugin  # the plugin built beside this glia
        print(f"glia: {glia}\nNEURON: {nrnivmodl}\n{args.mods} mods, {os.cpu_count()} cores")

        ours = folder(root, "glia", args.mods)
        theirs = folder(root, "neuron", args.mods)
        g_cold = timed([glia, "nrnivmodl"], ours, env)[0]
        n_cold = timed([nrnivmodl], theirs, env)[0]
        time.sleep(SETTLE)
        timed([glia, "nrnivmodl"], ours, env)  # the stamps are trusted from now on
        noop, cpu = [], []
        for _ in range(args.repeat):
            noop.append(timed([glia, "nrnivmodl"], ours, env))
            cpu.append(CPU[0])
        assert all("unchanged" in out for _t, out in noop), noop[-1][1]
        g_noop = statistics.median(t for t, _o in noop)
        n_noop = statistics.median(timed([nrnivmodl], theirs, env)[0] for _ in range(min(args.repeat, 3)))
        edit(ours)
        edit(theirs)
        g_one, out = timed([glia, "nrnivmodl"], ours, env)
        assert "1 compiled" in out and "1 linked" in out, out
        n_one = timed([nrnivmodl], theirs, env)[0]
        second = folder(root, "second", args.mods)
        g_second, out = timed([glia, "nrnivmodl"], second, env)
        assert f"0 compiled, {args.mods} up to date" in out, out

        print(f"\n  {'':14} {'glia':>10} {'nrnivmodl':>10} {'ratio':>7}")
        for what, g, n in [("cold", g_cold, n_cold), ("no-op", g_noop, n_noop), ("one-file", g_one, n_one)]:
            print(f"  {what:14} {g * 1000:8.0f}ms {n * 1000:8.0f}ms {g / n:7.3f}")
        print(f"  {'second folder':14} {g_second * 1000:8.0f}ms {'-':>10}")
        print(f"  (glia no-op: {statistics.median(cpu) * 1000:.0f} ms of CPU time, user + system)\n")
        # Lines bench/run collects into its summary.
        print(f"nrnivmodl cold, glia/nrnivmodl = {g_cold / n_cold:.3f} (goal <= 0.9)")
        print(f"nrnivmodl no-op: {g_noop * 1000:.1f} ms (goal < 50 ms: nrnivmodl relinks, {n_noop * 1000:.0f} ms)")
        print(f"nrnivmodl second folder, {args.mods} mods: {g_second * 1000:.0f} ms (goal < 1000 ms)")


if __name__ == "__main__":
    main()
