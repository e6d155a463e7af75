"""glia diff: providers of an asset compared by behaviour in real NEURON (one nrniv per mechanism)."""

import json
import os
import shutil
import time

import harness
from harness import EXAMPLE, PLUGIN, SOURCE_DIR

DIFF_SCRIPT = os.path.join(SOURCE_DIR, "share", "glia", "diff", "glia_diff.py")

# Mechanisms of the kinds the example package lacks: a concentration decay, a point process that
# only injects current, and a density mechanism with no current at all.
CA_DECAY = """
NEURON { SUFFIX CaDecay  USEION ca WRITE cai  RANGE tau }
UNITS { (mM) = (milli/liter) }
PARAMETER { tau = TAU (ms)  cainf = 5e-5 (mM) }
STATE { cai (mM) }
INITIAL { cai = cainf }
BREAKPOINT { SOLVE decay METHOD cnexp }
DERIVATIVE decay { cai' = (cainf - cai)/tau }
"""
PULSE = """
NEURON { POINT_PROCESS Pulse  ELECTRODE_CURRENT i  RANGE amp }
UNITS { (nA) = (nanoamp) }
PARAMETER { amp = 0.05 (nA) }
ASSIGNED { i (nA) }
BREAKPOINT { i = amp }
"""
MARKER = """
NEURON { SUFFIX Marker  RANGE x }
PARAMETER { x = 1 }
"""

# A calcium decay with a leak current that, above 0 mV, is scaled by something NEURON cannot give:
# STEP is `scale` (a POINTER nobody sets: reading it crashes NEURON 8.2) or `boost(v)` (an empty
# FUNCTION_TABLE: a NEURON error). The voltage-clamp protocol goes above 0 mV, the concentration
# protocol stays at rest.
LEAKY_DECAY = """
NEURON { SUFFIX NAME  USEION ca WRITE cai  NONSPECIFIC_CURRENT i  RANGE g  POINTER_DECLARATION }
UNITS { (mV) = (millivolt)  (mA) = (milliamp)  (mM) = (milli/liter) }
PARAMETER { g = 0.001 (S/cm2)  tau = 20 (ms)  cainf = 5e-5 (mM) }
ASSIGNED { v (mV)  i (mA/cm2)  POINTER_VARIABLE }
STATE { cai (mM) }
TABLE_DECLARATION
INITIAL { cai = cainf }
BREAKPOINT {
    SOLVE decay METHOD cnexp
    i = g*(v + 65)
    if (v > 0) { i = i*STEP }
}
DERIVATIVE decay { cai' = (cainf - cai)/tau }
"""


# A gap junction to a partner held at -65 mV, of conductance G (a point process with no NET_RECEIVE:
# the `membrane` protocol).
GAP = """
NEURON { POINT_PROCESS Gap  NONSPECIFIC_CURRENT i  RANGE g, vgap }
UNITS { (nA) = (nanoamp)  (mV) = (millivolt)  (pS) = (picosiemens) }
PARAMETER { g = G (pS)  vgap = -65 (mV) }
ASSIGNED { v (mV)  i (nA) }
BREAKPOINT {
    UNITSOFF
    i = 1e-6*g*(v - vgap)
    UNITSON
}
"""

# An artificial cell whose CONSTRUCTOR reads its argument when it has one (as NEURON creates
# artificial cells, h.ArgCell() has none); it answers each event with a spike `delay` later.
ARG_CELL = """
NEURON { ARTIFICIAL_CELL ArgCell  RANGE id, delay }
PARAMETER { delay = 1 (ms) }
ASSIGNED { id }
CONSTRUCTOR {
VERBATIM
    if (ifarg(1)) { id = *getarg(1); } else { id = 0; }
ENDVERBATIM
}
NET_RECEIVE (w) {
    if (flag == 0) { net_send(delay + id, 1) } else { net_event(t) }
}
"""

# A gated channel writing the current of XION, whose time constant scales with celsius by Q10.
CHANNEL = """
NEURON { SUFFIX Chan  USEION XION WRITE iXION  RANGE gbar }
UNITS { (mA) = (milliamp)  (mV) = (millivolt)  (S) = (siemens) }
PARAMETER { gbar = 0.01 (S/cm2)  erev = -80 (mV)  q10 = Q10 }
ASSIGNED { v (mV)  iXION (mA/cm2)  celsius (degC)  ninf  ntau (ms) }
STATE { n }
INITIAL { rates(v)  n = ninf }
BREAKPOINT {
    SOLVE states METHOD cnexp
    iXION = gbar*n*(v - erev)
}
DERIVATIVE states {
    rates(v)
    n' = (ninf - n)/ntau
}
PROCEDURE rates(v (mV)) {
    UNITSOFF
    ninf = 1/(1 + exp(-(v + 40)/10))
    ntau = 5/(q10^((celsius - 6.3)/10))
    UNITSON
}
"""


def channel(ion="k", q10="3"):
    return CHANNEL.replace("XION", ion).replace("Q10", q10)


# A density mechanism whose INITIAL never returns (a volatile flag: the compiler cannot drop the loop).
HANG = """
NEURON { SUFFIX Hang  RANGE x }
PARAMETER { x = 1 }
INITIAL {
VERBATIM
    { volatile int spin = 1; while (spin) {} }
ENDVERBATIM
}
"""


def processes_naming(text):
    """The pids of running processes whose command line contains `text`."""
    found = []
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if text.encode() in f.read():
                    found.append(pid)
        except OSError:
            pass
    return found


def leaky_decay(name, step=None):
    """LEAKY_DECAY as mechanism `name`; `step` None (it never fails), "pointer" or "table"."""
    return (LEAKY_DECAY.replace("NAME", name)
            .replace("POINTER_DECLARATION", "POINTER scale" if step == "pointer" else "")
            .replace("POINTER_VARIABLE", "scale" if step == "pointer" else "")
            .replace("TABLE_DECLARATION", "FUNCTION_TABLE boost(v (mV))" if step == "table" else "")
            .replace("STEP", {"pointer": "scale", "table": "boost(v)"}.get(step, "1")))


def example_mod(name):
    with open(os.path.join(EXAMPLE, "mods", name)) as f:
        return f.read()


class DiffTest(harness.SharedCacheTestCase):
    def setUp(self):
        super().setUp()
        self.box.env["GLIA_PLUGIN"] = PLUGIN
        self.box.env["GLIA_DIFF_SCRIPT"] = DIFF_SCRIPT

    def copy_package(self):
        """Package `copy`: byte-identical copies of example's mods, and slower-decay CaDecay etc."""
        mods = {name: example_mod(name) for name in ("Kv1.mod", "Na.mod", "Leak.mod", "AMPA.mod", "Spiker.mod")}
        mods.update({"CaDecay.mod": CA_DECAY.replace("TAU", "20"), "Pulse.mod": PULSE, "Marker.mod": MARKER})
        return self.box.package("copy", mods)

    def other_package(self):
        return self.box.package("other", {"CaDecay.mod": CA_DECAY.replace("TAU", "80"), "Pulse.mod": PULSE,
                                          "Marker.mod": MARKER})

    def test_kv1_against_its_fast_variant_is_different_in_time_to_peak(self):
        r = self.box.glia("diff", "Kv1", "--pkg", "example", "--pkg", "example:fast", check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("A: glia__example__Kv1__0", r.stdout)
        self.assertIn("B: glia__example__Kv1__fast", r.stdout)
        verdict = [line for line in r.stdout.splitlines() if line.startswith("verdict:")]
        self.assertEqual(len(verdict), 1, r.stdout)
        self.assertRegex(verdict[0], r"^verdict: different \(differs most in: vclamp at (6.3|37) °C: time to peak ik")
        # Same ninf(v): the steady states agree, only the kinetics differ.
        self.assertRegex(r.stdout, r"\n  states at 6.3 °C: n steady state at 0 mV \(1\)\s+0\.")

    def test_a_byte_identical_copy_is_identical(self):
        self.copy_package()
        self.box.env["GLIA_PATH"] = EXAMPLE + ":" + self.box.path("packages")
        r = self.box.glia("diff", "glia__example__Kv1__0", "glia__copy__Kv1__0")
        self.assertIn("verdict: identical", r.stdout)

    def test_json_parses_and_the_plot_is_a_png(self):
        png = self.box.path("work", "kv1.png")
        r = self.box.glia("diff", "Kv1", "--pkg", "example", "--pkg", "example:fast", "--json", "--plot", png,
                          check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        data = json.loads(r.stdout)
        pair = data["pairs"][0]
        self.assertEqual(pair["verdict"], "different")
        self.assertEqual(pair["plot"], png)
        self.assertTrue(any("time to peak" in reason for reason in pair["differs_most_in"]))
        with open(png, "rb") as f:
            head = f.read(8)
        self.assertEqual(head, b"\x89PNG\r\n\x1a\n")
        self.assertGreater(os.path.getsize(png), 1000)
        r = self.box.run([harness.PYTHON, "-c", f"import matplotlib.image as m; print(m.imread({png!r}).shape)"])
        self.assertRegex(r.stdout, r"\(\d{3,}, \d{3,}, [34]\)")

    def test_every_kind_gets_a_verdict(self):
        self.copy_package()
        self.other_package()
        self.box.env["GLIA_PATH"] = EXAMPLE + ":" + self.box.path("packages")
        expected = {"Na": "identical", "Leak": "identical", "AMPA": "identical", "Spiker": "identical",
                    "CaDecay": "different", "Pulse": "identical", "Marker": "identical"}
        pkgs = {"CaDecay": ("copy", "other"), "Pulse": ("copy", "other"), "Marker": ("copy", "other")}
        for asset, verdict in expected.items():
            a, b = pkgs.get(asset, ("example", "copy"))
            r = self.box.glia("diff", asset, "--pkg", a, "--pkg", b, "--json", check=False)
            pair = json.loads(r.stdout)["pairs"][0]
            self.assertEqual(pair["verdict"], verdict, (asset, r.stdout))
            self.assertEqual(pair["failed_protocols"], [], (asset, r.stdout))
            self.assertTrue(pair["features"], asset)
            self.assertEqual(r.returncode, 1 if verdict == "different" else 0, r.stdout)
        # The decay differs in its time course, not at rest.
        r = self.box.glia("diff", "CaDecay", "--pkg", "copy", "--pkg", "other", check=False)
        self.assertIn("differs most in: concentration at 6.3 °C: cai ", r.stdout)
        self.assertRegex(r.stdout, r"\n  concentration at 37 °C: cai at rest \(mM\)\s+5e-05\s+5e-05 ")

    def test_a_failing_protocol_is_reported_and_the_others_run(self):
        self.box.package("broken", {"PtrLeak.mod": leaky_decay("PtrLeak", "pointer"),
                                    "TableLeak.mod": leaky_decay("TableLeak", "table")})
        self.box.package("sound", {"PtrLeak.mod": leaky_decay("PtrLeak"), "TableLeak.mod": leaky_decay("TableLeak")})
        self.box.env["GLIA_PATH"] = self.box.path("packages")
        for asset, cause in (("PtrLeak", r"(nrniv exited with status|scale)"),
                             ("TableLeak", r"table not specified")):
            r = self.box.glia("diff", asset, "--pkg", "broken", "--pkg", "sound", "--json", check=False)
            self.assertEqual(r.returncode, 1, r.stdout)
            pair = json.loads(r.stdout)["pairs"][0]
            self.assertEqual(pair["verdict"], "different", (asset, r.stdout))
            self.assertIn("vclamp at 6.3 °C fails on A", pair["differs_most_in"], (asset, r.stdout))
            failed = {p["protocol"]: p["error"] for p in pair["failed_protocols"]}
            # Only the protocol that went above 0 mV failed on A, saying why; B ran it.
            self.assertEqual(sorted(failed), ["vclamp"], (asset, r.stdout))
            self.assertRegex(failed["vclamp"], "^A: .*" + cause, (asset, r.stdout))
            self.assertNotIn("B:", failed["vclamp"])
            # The protocol after it still ran on both sides, with the same numbers.
            rest = [f for f in pair["features"] if f["feature"] == "cai 20 ms after the step"]
            self.assertEqual(len(rest), 2, (asset, r.stdout))  # at 6.3 and 37 degC
            self.assertEqual(rest[0]["a"], rest[0]["b"])
            self.assertGreater(rest[0]["a"], 5e-5)
        # The table shows the failure per protocol too.
        r = self.box.glia("diff", "TableLeak", "--pkg", "broken", "--pkg", "sound", check=False)
        self.assertRegex(r.stdout, r"\n  vclamp at 37 °C failed: A: .*table not specified")
        self.assertRegex(r.stdout, r"\n  concentration at 6.3 °C: cai 20 ms after the step \(mM\)\s+0\.000")

    def test_set_applies_to_both_sides(self):
        # A parameter one side lacks fails its protocols there; one both have changes both.
        r = self.box.glia("diff", "Kv1", "--pkg", "example", "--pkg", "example:fast", "--set", "speed=1",
                          check=False)
        self.assertIn("vclamp at 6.3 °C failed: A: glia__example__Kv1__0 has no parameter 'speed'", r.stdout)
        r = self.box.glia("diff", "Kv1", "--pkg", "example", "--pkg", "example:fast", "--set", "gbar=0.01",
                          "--json", check=False)
        features = json.loads(r.stdout)["pairs"][0]["features"]
        peak = [f for f in features if f["feature"] == "peak ik at 40 mV"][0]
        self.assertAlmostEqual(peak["a"], peak["a"])
        self.assertLess(peak["a"], 1.2)  # 3.66 mA/cm2 at the default gbar = 0.036

    def diff_json(self, *args):
        """`glia diff ARGS --json`: its result and its one pair."""
        r = self.box.glia("diff", *args, "--json", check=False)
        return r, json.loads(r.stdout)["pairs"][0]

    def test_a_placed_point_process_acts_for_the_whole_run(self):
        self.box.package("plus", {"Pulse.mod": PULSE.replace("0.05", "0.5"),
                                   "Gap.mod": GAP.replace("G (pS)", "1000 (pS)")})
        self.box.package("minus", {"Pulse.mod": PULSE.replace("0.05", "-3"),
                                    "Gap.mod": GAP.replace("G (pS)", "2000 (pS)")})
        self.box.env["GLIA_PATH"] = self.box.path("packages")
        for asset in ("Pulse", "Gap"):
            r, pair = self.diff_json(asset, "--pkg", "plus", "--pkg", "minus", "--celsius", "6.3")
            self.assertEqual(pair["verdict"], "different", (asset, r.stdout))
            self.assertEqual(r.returncode, 1, (asset, r.stdout))
            v = {f["feature"]: (f["a"], f["b"]) for f in pair["features"]}
            a, b = v["v at 60 ms"]
            if asset == "Pulse":  # +0.5 nA depolarizes, -3 nA hyperpolarizes
                self.assertGreater(a, -65, r.stdout)
                self.assertLess(b, -65, r.stdout)
            else:  # the larger gap holds v nearer its partner's -65 mV
                self.assertLess(b, a, r.stdout)

    def test_an_artificial_cell_whose_constructor_reads_its_argument_is_identical_to_itself(self):
        self.box.package("cells1", {"ArgCell.mod": ARG_CELL})
        self.box.package("cells2", {"ArgCell.mod": ARG_CELL})
        self.box.env["GLIA_PATH"] = self.box.path("packages")
        r, pair = self.diff_json("ArgCell", "--pkg", "cells1", "--pkg", "cells2")
        self.assertEqual(pair["verdict"], "identical", r.stdout)
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertEqual(pair["failed_protocols"], [], r.stdout)
        counts = [f["a"] for f in pair["features"] if f["feature"] == "spike count"]
        self.assertEqual(counts, [20.0, 20.0], r.stdout)  # one spike per event, at each temperature

    def test_the_temperature_shows_a_q10_difference(self):
        self.box.package("q3", {"Chan.mod": channel(q10="3")})
        self.box.package("q2", {"Chan.mod": channel(q10="2")})
        self.box.env["GLIA_PATH"] = self.box.path("packages")
        # By default at 6.3 and 37 degC: they differ at 37 only.
        r = self.box.glia("diff", "Chan", "--pkg", "q3", "--pkg", "q2", check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertRegex(r.stdout, r"verdict: different \(differs most in: vclamp at 37 °C: time to peak ik", r.stdout)
        self.assertRegex(r.stdout, r"\n  vclamp at 6.3 °C: time to peak ik at 0 mV \(ms\) +(\S+) +\1 ")
        # At 6.3 degC alone, where Q10 does not act, they are the same mechanism.
        r, pair = self.diff_json("Chan", "--pkg", "q3", "--pkg", "q2", "--celsius", "6.3")
        self.assertEqual(pair["verdict"], "identical", r.stdout)
        self.assertEqual({f["celsius"] for f in pair["features"]}, {6.3})
        r, pair = self.diff_json("Chan", "--pkg", "q3", "--pkg", "q2", "--celsius", "37")
        self.assertEqual(pair["verdict"], "different", r.stdout)
        # The temperature is an option of its own.
        r = self.box.glia("diff", "Chan", "--pkg", "q3", "--pkg", "q2", "--set", "celsius=37", check=False)
        self.assertEqual(r.returncode, 2, r.stdout)
        self.assertIn("--celsius 37", r.stdout)

    def test_a_k_current_is_not_a_na_current_with_the_same_kinetics(self):
        self.box.package("kchan", {"Chan.mod": channel("k")})
        self.box.package("nachan", {"Chan.mod": channel("na")})
        self.box.env["GLIA_PATH"] = self.box.path("packages")
        r, pair = self.diff_json("Chan", "--pkg", "kchan", "--pkg", "nachan", "--celsius", "6.3")
        self.assertEqual(pair["verdict"], "different", r.stdout)
        self.assertEqual(r.returncode, 1, r.stdout)
        peaks = {f["feature"]: (f["a"], f["b"]) for f in pair["features"] if f["feature"].endswith("at 0 mV")}
        self.assertIsNone(peaks["peak ik at 0 mV"][1], r.stdout)
        self.assertIsNone(peaks["peak ina at 0 mV"][0], r.stdout)
        self.assertEqual(peaks["peak ik at 0 mV"][0], peaks["peak ina at 0 mV"][1])  # the same size

    def test_a_mechanism_that_never_returns_is_stopped_at_the_time_limit(self):
        self.box.package("hanga", {"Hang.mod": HANG})
        self.box.package("hangb", {"Hang.mod": HANG})
        self.box.env["GLIA_PATH"] = self.box.path("packages")
        self.box.glia("compile")  # the time limit is for the protocol, not the build
        start = time.monotonic()
        r = self.box.glia("diff", "Hang", "--pkg", "hanga", "--pkg", "hangb", "--timeout", "5", check=False)
        self.assertLess(time.monotonic() - start, 40, r.stdout)  # one 5 s wait per side
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("\n  membrane at 6.3 °C not comparable (fails the same way on both sides): "
                      "A: glia__hanga__Hang__0 was still running after 5 s (--timeout); nrniv was stopped", r.stdout)
        self.assertIn("B: glia__hangb__Hang__0 was still running after 5 s", r.stdout)
        self.assertIn("\n  membrane at 37 °C not comparable (fails the same way on both sides): A: not run: an "
                      "earlier protocol of glia__hanga__Hang__0 hit the time limit", r.stdout)
        self.assertIn("verdict: not comparable", r.stdout)
        self.assertEqual(processes_naming("glia__hanga__Hang__0"), [])
        self.assertEqual(processes_naming("glia__hangb__Hang__0"), [])
        # Against a mechanism that runs, it is different.
        self.box.package("calm", {"Hang.mod": MARKER.replace("Marker", "Hang")})
        r, pair = self.diff_json("Hang", "--pkg", "hanga", "--pkg", "calm", "--timeout", "5", "--celsius", "6.3")
        self.assertEqual(pair["verdict"], "different", r.stdout)
        self.assertEqual(pair["failed_protocols"][0]["a"], "timed_out", r.stdout)
        self.assertEqual(processes_naming("glia__hanga__Hang__0"), [])

    def test_usage_errors_exit_2(self):
        for args in ([], ["Kv1", "--pkg", "example"], ["Kv1", "Na"], ["Kv1", "--set", "gbar"],
                     ["Kv1", "--tolerance", "x"], ["Kv1", "--plot", "out.jpg"], ["Kv1", "--pkg", "example:"],
                     ["Kv1", "--bogus"], ["Kv1", "--celsius", "warm"], ["Kv1", "--timeout", "-1"],
                     ["Kv1", "--timeout", "1.5"]):
            r = self.box.glia("diff", *args, check=False)
            self.assertEqual(r.returncode, 2, (args, r.stdout))
            self.assertIn("glia diff", r.stdout)


if __name__ == "__main__":
    harness.main()
