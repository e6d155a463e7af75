#!/usr/bin/python3
"""Benchmark: glia_insert against NEURON's own insert, measured in the same run.

Prints, for 100,000 sections:
  HOC     glia_insert("Kv1")            vs  insert glia__example__Kv1__0        (goal <= 1.5)
  Python  glia.insert(sec, "Kv1")       vs  sec.insert("glia__example__Kv1__0") (goal <= 1.5)
  Python  h.glia_insert("Kv1", sec=s)   vs  a do-nothing builtin through h      (for scale)
  Python  h.glia_insert("Kv1", sec=s)   vs  h.ismembrane(full, sec=s) + s.insert(full) (goal <= 1.2)
  Python  h.glia_generation()           vs  h.startsw(), NEURON's own argument-less builtin (goal <= 1.1)
          (and, for scale, vs h.ismembrane("Kv1", sec=s), a NEURON builtin found sooner in h)
Each figure is the best of several repetitions, each on fresh sections, alternating the two sides.
Usage: bench/insert.py [--plugin PATH] [--sections N] [--repeat K]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)


def run(argv, env, script, suffix):
    with tempfile.NamedTemporaryFile("w", suffix=suffix, delete=False) as f:
        f.write(textwrap.dedent(script))
    try:
        out = subprocess.run(argv + [f.name], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    if out.returncode != 0:
        sys.exit(f"benchmark run failed:\n{out.stdout}\n{out.stderr}")
    return {line.split()[0]: float(line.split()[1]) for line in out.stdout.splitlines() if line.startswith("T_")}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plugin", default=os.path.join(SOURCE, "build", "src", "plugin", "libglia.so"))
    parser.add_argument("--sections", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    env = dict(os.environ)
    env.setdefault("GLIA_PATH", os.path.join(SOURCE, "share", "glia", "packages", "example"))
    env.setdefault("PYTHONPATH", os.path.join(SOURCE, "python"))
    full = "glia__example__Kv1__0"
    n, k = args.sections, args.repeat

    hoc = f"""
    nrn_load_dll("{args.plugin}")
    objref tv
    tv = new Vector(2)
    tv.fill(1e9)
    create a[{n} * {k}], b[{n} * {k}]
    for r = 0, {k} - 1 {{
        t0 = startsw()
        for i = r * {n}, (r + 1) * {n} - 1 a[i] insert {full}
        t1 = startsw()
        for i = r * {n}, (r + 1) * {n} - 1 b[i] glia_insert("Kv1")
        t2 = startsw()
        if (t1 - t0 < tv.x[0]) tv.x[0] = t1 - t0
        if (t2 - t1 < tv.x[1]) tv.x[1] = t2 - t1
    }}
    printf("T_insert %.6f\\nT_glia_insert %.6f\\n", tv.x[0], tv.x[1])
    quit()
    """
    t = run(["nrniv", "-nogui"], env, hoc, ".hoc")

    py = f"""
    import time
    from neuron import h
    h.nrn_load_dll("{args.plugin}")
    try:
        import glia
    except ImportError:
        glia = None
    best = {{}}
    def timed(name, secs, fn):
        t0 = time.perf_counter()
        for s in secs:
            fn(s)
        best[name] = min(best.get(name, 1e9), time.perf_counter() - t0)
    for r in range({k}):
        secs = [h.Section() for _ in range({n})]
        timed("T_sec_insert", secs, lambda s: s.insert("{full}"))
        secs = [h.Section() for _ in range({n})]
        timed("T_h_glia_insert", secs, lambda s: h.glia_insert("Kv1", sec=s))
        secs = [h.Section() for _ in range({n})]
        # The floor of any call through h with sec=, made exactly like glia_insert's (name looked
        # up in h on every call): glia_generation does nothing but return (it ignores arguments)
        # and sits beside glia_insert in NEURON's symbol list, which h searches linearly.
        if hasattr(h, "glia_generation"):
            timed("T_h_noop", secs, lambda s: h.glia_generation("Kv1", sec=s))
        secs = [h.Section() for _ in range({n})]
        # For scale: a NEURON builtin near the head of that list (a lookup and a short scan).
        timed("T_h_ismembrane", secs, lambda s: h.ismembrane("Kv1", sec=s))
        secs = [h.Section() for _ in range({n})]
        # What glia_insert replaces, by NEURON's own means: ask whether it is there, then insert it.
        timed("T_h_ismembrane_insert", secs, lambda s: (h.ismembrane("{full}", sec=s), s.insert("{full}")))
        # Argument-less builtins through h, glia's against NEURON's own (startsw reads the clock).
        timed("T_h_generation", range({n}), lambda i: h.glia_generation())
        timed("T_h_startsw", range({n}), lambda i: h.startsw())
        if glia is not None:
            secs = [h.Section() for _ in range({n})]
            timed("T_module_insert", secs, lambda s: glia.insert(s, "Kv1"))
        secs = None
    for name, value in best.items():
        print(name, "%.6f" % value)
    """
    t.update(run(["/usr/bin/python3"], env, py, ".py"))

    print(f"glia insert benchmark, {n} sections, best of {k}")
    def ratio(label, a, b, goal):
        if a in t and b in t:
            r = t[a] / t[b]
            verdict = "ok" if r <= goal else "ABOVE GOAL"
            print(f"  {label:<58} {t[a]:8.3f} s / {t[b]:8.3f} s = {r:5.2f}  (goal <= {goal}) {verdict}")
        else:
            print(f"  {label:<58} not measured (missing {a if a not in t else b})")
    ratio('HOC glia_insert("Kv1") / insert ' + full, "T_glia_insert", "T_insert", 1.5)
    ratio('Python glia.insert(s, "Kv1") / s.insert(full name)', "T_module_insert", "T_sec_insert", 1.5)
    ratio('Python h.glia_insert("Kv1", sec=s) / h.ismembrane + s.insert', "T_h_glia_insert", "T_h_ismembrane_insert",
          1.2)
    ratio("Python h.glia_generation() / h.startsw() (no arguments)", "T_h_generation", "T_h_startsw", 1.1)
    if "T_h_noop" in t:  # information only: glia_insert's work beyond a call through h
        label = 'Python h.glia_insert("Kv1", sec=s) / do-nothing builtin'
        print(f"  {label:<58} {t['T_h_glia_insert']:8.3f} s / "
              f"{t['T_h_noop']:8.3f} s, ratio {t['T_h_glia_insert'] / t['T_h_noop']:5.2f}")
    if "T_h_ismembrane" in t:  # information only: no goal
        label = 'Python h.glia_insert(...) / h.ismembrane("Kv1", sec=s)'
        print(f"  {label:<58} {t['T_h_glia_insert']:8.3f} s / "
              f"{t['T_h_ismembrane']:8.3f} s, ratio {t['T_h_glia_insert'] / t['T_h_ismembrane']:5.2f}")


if __name__ == "__main__":
    main()
