#!/usr/bin/python3
"""Many-packages benchmark: nrniv start-up with glia and hundreds of installed mechanisms, against
nrniv loading the same mods from one library built by NEURON's own makefile pipeline.

    /usr/bin/python3 bench/packages.py [--sizes 100,500,2000] [--per-package 25] [--runs 7] [-j N]
                                       [--root DIR] [--listed K] [--no-real] [--listed-sizes 2000]
                                       [--plugin PATH] [--glia PATH]

For each size N it generates N/25 packages of 25 small density mods with unique names (kept in
--root, default /tmp/glia-bench-packages, so a second run reuses the builds: 2,000 mods take a while
on two cores), builds them with `glia compile -j N` and, in one library, with NEURON's makefile
(bench/build.py's pipeline), and then times, alternating, with `nrniv -nogui -nopython`:
  bare     nrniv alone
  NEURON   nrn_load_dll(the one library)
  glia     nrn_load_dll(libglia.so), every package installed (GLIA_PATH)
  listed   glia with GLIA_LOAD naming --listed packages, all N installed
  alone    glia with only those --listed packages installed
  floor    the least any glia start could cost (bench/floor_probe.c): glia's plugin with GLIA_NOLOAD=1, one
           stat per package folder, manifest and mod, and the set library glia's start opens, registered
           in full; nothing read or checked to plan it
It prints the median extra CPU time over bare nrniv and the peak resident memory of each, and the
goals of issue 13: glia / NEURON <= 1.1 for the extra CPU time and the peak memory, and listed /
alone <= 1.05 for the CPU time of the whole start. "real" is the same comparison for glia's example
package and NEURON's demo mods (tables, VERBATIM, ions), copied into a package. --listed-sizes measures
only listed / alone, which builds only the listed packages (a quick way to 2,000 installed mods).

Both sides hold the same mechanisms. glia's side also loads the installed example package
(<prefix>/share/glia/packages, which glia always searches), variants included, as it would on a user's
machine; so NEURON's library gets all of that package's mods as well: the default ones as they are,
each variant (Kv1__fast.mod) as a copy in --root whose mechanism is renamed after its file (SUFFIX
Kv1__fast), since NEURON cannot load two mechanisms of one name.

Each run is started through bench/rusage_spawn.c (compiled into --root), which reports the CPU time
and the peak resident memory of the nrniv it starts and of nothing else: a child started straight from
Python reports Python's own resident size (14-16 MiB) as its peak when it is smaller, because the
kernel keeps the high-water mark of the memory the child had before its exec.
"""

import argparse
import glob
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from build import DEMO, EXAMPLE, GENERATED, SETTLE, Neuron, find_glia, run  # noqa: E402

INSTALLED_EXAMPLE = "/usr/local/share/glia/packages/example/mods"


def write_if_changed(path, text):
    """Keeps a file that already holds `text`, so a reused tree keeps its stamps (glia's no-op)."""
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(path, "w") as f:
        f.write(text)


MECHANISM_LINE = re.compile(r"^(\s*(?:SUFFIX|POINT_PROCESS|ARTIFICIAL_CELL)\s+)\S+", re.MULTILINE)


def example_mods(root):
    """Every mod of the installed (or else the source tree's) example package, as NEURON's library
    takes them: the defaults in place, each variant (name__variant.mod) as a copy in root/variants
    whose mechanism is named after the file, so that it does not clash with its default."""
    folder = INSTALLED_EXAMPLE if os.path.isdir(INSTALLED_EXAMPLE) else EXAMPLE
    mods = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".mod"):
            continue
        if "__" not in name:
            mods.append(os.path.join(folder, name))
            continue
        with open(os.path.join(folder, name)) as f:
            text, count = MECHANISM_LINE.subn(lambda m: m.group(1) + name[:-4], f.read(), count=1)
        if count != 1:
            sys.exit(f"{folder}/{name}: no SUFFIX, POINT_PROCESS or ARTIFICIAL_CELL line to rename")
        os.makedirs(os.path.join(root, "variants"), exist_ok=True)
        mods.append(os.path.join(root, "variants", name))
        write_if_changed(mods[-1], text)
    return mods


def generate(root, size, per_package):
    """root/pkgs/p<i>/mods/g<i>x<j>.mod; returns the package folders and every mod path."""
    packages, mods = [], []
    for i in range((size + per_package - 1) // per_package):
        pkg = os.path.join(root, "pkgs", f"p{i}")
        os.makedirs(os.path.join(pkg, "mods"), exist_ok=True)
        write_if_changed(os.path.join(pkg, "glia-package.yaml"), f"name: p{i}\n")
        for j in range(min(per_package, size - i * per_package)):
            path = os.path.join(pkg, "mods", f"g{i}x{j}.mod")
            write_if_changed(path, GENERATED.replace("gen{i}", f"g{i}x{j}").format(i=j))
            mods.append(path)
        packages.append(pkg)
    return packages, mods


def real_set(root):
    """NEURON's demo mods, copied into one package (a package is self-contained)."""
    pkg = os.path.join(root, "pkgs", "nrndemo")
    os.makedirs(os.path.join(pkg, "mods"), exist_ok=True)
    write_if_changed(os.path.join(pkg, "glia-package.yaml"), "name: nrndemo\n")
    mods = []
    for source in sorted(glob.glob(os.path.join(DEMO, "*.mod"))):
        path = os.path.join(pkg, "mods", os.path.basename(source))
        with open(source) as f:
            write_if_changed(path, f.read())
        mods.append(path)
    return [pkg], mods


def neuron_library(root, mods, jobs):
    """One library of `mods` by NEURON's makefile, in root/neuron (make is a no-op when it is there)."""
    work = os.path.join(root, "neuron")
    shutil.rmtree(work, ignore_errors=True)  # the makefile fragments name every mod: rewrite them
    os.makedirs(work)
    neuron = Neuron(work, mods, jobs)
    stamp = os.path.join(root, "neuron-built")
    if os.path.exists(stamp):  # objects from a previous run: keep them (make compares times)
        for old in glob.glob(os.path.join(root, "neuron-objects", "*")):
            os.rename(old, os.path.join(neuron.dir, os.path.basename(old)))
    seconds = neuron.build()[0]
    os.makedirs(os.path.join(root, "neuron-objects"), exist_ok=True)
    for made in glob.glob(os.path.join(neuron.dir, "*.[co]")) + glob.glob(os.path.join(neuron.dir, "*.so")):
        shutil.copy2(made, os.path.join(root, "neuron-objects", os.path.basename(made)))
    open(stamp, "w").close()
    return os.path.join(neuron.dir, "libnrnmech.so"), seconds


SPAWN_SOURCE = os.path.join(HERE, "rusage_spawn.c")
SPAWN = None  # the compiled spawner, set by main()
FLOOR = None  # the compiled floor probe, set by main()


def build_spawner(root):
    """Compiles bench/rusage_spawn.c into root (again only when the source is newer)."""
    exe = os.path.join(root, "rusage_spawn")
    if not os.path.exists(exe) or os.path.getmtime(exe) < os.path.getmtime(SPAWN_SOURCE):
        os.makedirs(root, exist_ok=True)
        run(["cc", "-O2", "-o", exe, SPAWN_SOURCE], root)
    return exe


FLOOR_SOURCE = os.path.join(HERE, "floor_probe.c")


def build_floor_probe(root):
    """Compiles bench/floor_probe.c into root (again only when the source is newer)."""
    lib = os.path.join(root, "floor_probe.so")
    if not os.path.exists(lib) or os.path.getmtime(lib) < os.path.getmtime(FLOOR_SOURCE):
        os.makedirs(root, exist_ok=True)
        run(["cc", "-O2", "-shared", "-fPIC", "-o", lib, FLOOR_SOURCE, "-ldl"], root)
    return lib


def floor_plan(root, glia, plugin, packages, env):
    """Writes the floor side's plan (bench/floor_probe.c) into root and returns its path and how many
    mechanisms it registers: a stat of every search-path folder, package folder, manifest, mods folder and
    mod glia's side has (the example package's too), then the set library glia's start opens (the dynamic
    loader names it: LD_DEBUG=files) and its registration functions, sorted by name."""
    err = subprocess.run(nrniv(plugin), env=dict(env, LD_DEBUG="files"), cwd=root, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).stderr.decode(errors="replace")
    opened = sorted(set(re.findall(r"file=(\S+/libglia-set\.so) \[\d+\];\s+dynamically loaded", err)))
    if len(opened) != 1:
        sys.exit(f"floor: glia's start opened {len(opened)} set libraries ({opened}), not one")
    nm = subprocess.run(["nm", "-D", "--defined-only", opened[0]], check=True, capture_output=True, text=True).stdout
    symbols = sorted(line.split()[-1] for line in nm.splitlines() if re.search(r" _glia__\S+_reg$", line))
    shown = subprocess.run([glia, "show-pkg", "example"], env=env, cwd=root, capture_output=True, text=True).stdout
    example = re.search(r"^\s*path: (.+)$", shown, re.MULTILINE)
    folders = packages + ([example.group(1)] if example else [])
    paths = [os.path.join(root, "pkgs")]
    for folder in folders:
        mods = os.path.join(folder, "mods")
        paths += [folder, os.path.join(folder, "glia-package.yaml"), mods]
        paths += [os.path.join(mods, name) for name in sorted(os.listdir(mods)) if name.endswith(".mod")]
    plan = os.path.join(root, "floor-plan")
    with open(plan, "w") as f:
        f.writelines([f"stat {p}\n" for p in paths] + [f"library {opened[0]}\n"] +
                     [f"register {symbol}\n" for symbol in symbols])
    return plan, len(symbols)


def timed(argv, env, cwd):
    """(CPU seconds of the command, its peak resident memory in MiB, its stderr), as rusage_spawn
    measured them."""
    r = subprocess.run([SPAWN, *argv], env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    err = r.stderr.decode(errors="replace")
    lines = err.splitlines()
    fields = lines[-1].split() if lines else []
    if r.returncode != 0 or len(fields) != 5 or fields[0] != "rusage_spawn":
        sys.exit(f"{' '.join(argv)} failed:\n{err}")
    user, system, peak = (int(x) for x in fields[2:])
    return (user + system) / 1e6, peak / 1024.0, "\n".join(lines[:-1]).rstrip("\n")


def nrniv(dll):
    return ["nrniv", "-nogui", "-nopython"] + (["-c", f'nrn_load_dll("{dll}")'] if dll else []) + ["-c", "quit()"]


def compare(label, root, packages, mods, args, glia):
    env = dict(os.environ, GLIA_PATH=os.path.join(root, "pkgs"), GLIA_CACHE_DIR=os.path.join(root, "cache"),
               XDG_DATA_HOME=os.path.join(root, "data"), XDG_CONFIG_HOME=os.path.join(root, "config"))
    env.pop("GLIA_LOAD", None)
    seconds = run([glia, "compile", "-j", str(args.jobs)], root, env)[0]
    time.sleep(SETTLE)
    run([glia, "compile"], root, env)  # records the stamps of files written just before
    lib, neuron_seconds = neuron_library(root, mods + example_mods(root), args.jobs)
    print(f"\n{label}: {len(mods)} mods in {len(packages)} packages (glia built in {seconds:.0f} s, "
          f"NEURON's makefile in {neuron_seconds:.0f} s)", flush=True)

    sides = {"bare": (nrniv(None), env), "NEURON": (nrniv(lib), env), "glia": (nrniv(args.plugin), env)}
    plan, registered = floor_plan(root, glia, args.plugin, packages, env)
    sides["floor"] = (nrniv(FLOOR), dict(env, GLIA_NOLOAD="1", GLIA_FLOOR_PLUGIN=args.plugin, GLIA_FLOOR_PLAN=plan))
    done = [line for line in timed(*sides["floor"], root)[2].splitlines() if line.startswith("floor_probe:")]
    if not done or not done[-1].endswith(f" {registered} registered"):
        sys.exit(f"floor: the probe did not register the {registered} mechanisms of its plan: {done}")
    listed = [os.path.basename(p) for p in packages[:args.listed]]
    if len(packages) > args.listed:
        sides["listed"] = (nrniv(args.plugin), dict(env, GLIA_LOAD=",".join(listed)))
        sides["alone"] = (nrniv(args.plugin), dict(env, GLIA_PATH=":".join(packages[:args.listed])))
    for argv, side_env in sides.values():  # warm the page cache, and show what glia prints
        err = timed(argv, side_env, root)[2]
    lines = [line for line in timed(*sides["glia"], root)[2].splitlines() if line.startswith("glia:")]
    if lines:
        print(f"  glia printed {len(lines)} line(s) at start-up, the first: {lines[0][:150]}")
    samples = {name: [] for name in sides}
    for _ in range(args.runs):  # alternate, so drifting load hits every side alike
        for name, (argv, side_env) in sides.items():
            samples[name].append(timed(argv, side_env, root)[:2])
    cpu = {name: statistics.median(s[0] for s in runs) for name, runs in samples.items()}
    rss = {name: statistics.median(s[1] for s in runs) for name, runs in samples.items()}
    print(f"  {'median of ' + str(args.runs):34} {'CPU':>9} {'extra CPU':>10} {'peak RSS':>10} {'extra RSS':>10}")
    for name in sides:
        print(f"  {name:34} {cpu[name] * 1000:6.1f} ms {(cpu[name] - cpu['bare']) * 1000:7.1f} ms "
              f"{rss[name]:6.1f} MiB {rss[name] - rss['bare']:6.1f} MiB")
    extra = (cpu["glia"] - cpu["bare"]) / max(cpu["NEURON"] - cpu["bare"], 1e-4)
    print(f"  {label} extra CPU glia / NEURON = {extra:.3f}  (goal <= 1.1)")
    print(f"  {label} peak memory glia / NEURON = {rss['glia'] / rss['NEURON']:.3f}  (goal <= 1.1)")
    floor = (cpu["floor"] - cpu["bare"]) / max(cpu["NEURON"] - cpu["bare"], 1e-4)
    print(f"  {label} extra CPU floor / NEURON = {floor:.3f}  (the least any glia start could cost: "
          f"bench/floor_probe.c)")
    print(f"  ({label} extra memory glia / NEURON: {(rss['glia'] - rss['bare']) / max(rss['NEURON'] - rss['bare'], 0.1):.2f})")
    if "listed" in sides:
        print(f"  {label} start with GLIA_LOAD={','.join(listed)} / only those installed = "
              f"{cpu['listed'] / cpu['alone']:.3f}  (goal <= 1.05)")


def compare_listed(label, root, packages, args, glia):
    """Only the package list's goal: GLIA_LOAD among every package installed against only the listed
    ones installed. Unlisted packages are never built, so only the listed ones are compiled."""
    env = dict(os.environ, GLIA_PATH=os.path.join(root, "pkgs"), GLIA_CACHE_DIR=os.path.join(root, "cache"),
               XDG_DATA_HOME=os.path.join(root, "data"), XDG_CONFIG_HOME=os.path.join(root, "config"))
    listed = [os.path.basename(p) for p in packages[:args.listed]]
    env["GLIA_LOAD"] = ",".join(listed)
    run([glia, "compile", "-j", str(args.jobs), *listed], root, env)
    time.sleep(SETTLE)
    sides = {"listed": (nrniv(args.plugin), env),
             "alone": (nrniv(args.plugin), dict(env, GLIA_PATH=":".join(packages[:args.listed])))}
    for argv, side_env in sides.values():
        timed(argv, side_env, root)
    samples = {name: [] for name in sides}
    for _ in range(args.runs):
        for name, (argv, side_env) in sides.items():
            samples[name].append(timed(argv, side_env, root)[:2])
    cpu = {name: statistics.median(s[0] for s in runs) for name, runs in samples.items()}
    print(f"\n{label}: {len(packages)} packages installed, GLIA_LOAD={env['GLIA_LOAD']} (median of {args.runs})")
    for name in sides:
        print(f"  {name:34} {cpu[name] * 1000:6.1f} ms CPU")
    print(f"  {label} start with GLIA_LOAD={env['GLIA_LOAD']} / only those installed = "
          f"{cpu['listed'] / cpu['alone']:.3f}  (goal <= 1.05)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,500,2000", help="total generated mods, comma-separated")
    parser.add_argument("--per-package", type=int, default=25)
    parser.add_argument("--runs", type=int, default=7, help="runs per side (medians)")
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--root", default="/tmp/glia-bench-packages", help="kept between runs, to reuse builds")
    parser.add_argument("--listed", type=int, default=2, help="packages named by GLIA_LOAD")
    parser.add_argument("--no-real", action="store_true", help="skip the example + NEURON demo mods")
    parser.add_argument("--listed-sizes", default="",
                        help="sizes measured only for the package list's goal (nothing unlisted is built)")
    parser.add_argument("--plugin", default=os.path.join(SOURCE, "build", "src", "plugin", "libglia.so"))
    parser.add_argument("--glia", help="the glia executable (default: the one built in this tree)")
    args = parser.parse_args()
    glia = find_glia(args.glia)
    args.plugin = os.path.abspath(args.plugin)
    global SPAWN, FLOOR
    SPAWN = build_spawner(args.root)
    FLOOR = build_floor_probe(args.root)
    print(f"glia: {glia}\nplugin: {args.plugin}\nNEURON: make -f nrnmech_makefile mech_lib_shared (as nrnivmodl)")
    if not args.no_real and os.path.isdir(DEMO):
        root = os.path.join(args.root, "real")
        packages, mods = real_set(root)
        compare("real", root, packages, mods, args, glia)
    for size in [int(s) for s in args.sizes.split(",") if s]:
        root = os.path.join(args.root, str(size))
        packages, mods = generate(root, size, args.per_package)
        compare(f"{size} mods", root, packages, mods, args, glia)
    for size in [int(s) for s in args.listed_sizes.split(",") if s]:
        root = os.path.join(args.root, str(size))
        packages, _ = generate(root, size, args.per_package)
        compare_listed(f"{size} mods", root, packages, args, glia)


if __name__ == "__main__":
    main()
