"""glia diff: providers of an asset compared by behaviour in real NEURON (one nrniv per mechanism)."""

import json
import os
import shutil

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
        self.assertTrue(verdict[0].startswith("verdict: different (differs most in: vclamp: time to peak"), verdict)
        # Same ninf(v): the steady states agree, only the kinetics differ.
        self.assertRegex(r.stdout, r"\n  states: n steady state at 0 mV \(1\)\s+0\.")

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
        self.assertIn("differs most in: concentration: cai ", r.stdout)
        self.assertRegex(r.stdout, r"\n  concentration: cai at rest \(mM\)\s+5e-05\s+5e-05 ")

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
            self.assertIn("vclamp fails on A", pair["differs_most_in"], (asset, r.stdout))
            failed = {p["protocol"]: p["error"] for p in pair["failed_protocols"]}
            # Only the protocol that went above 0 mV failed on A, saying why; B ran it.
            self.assertEqual(sorted(failed), ["vclamp"], (asset, r.stdout))
            self.assertRegex(failed["vclamp"], "^A: .*" + cause, (asset, r.stdout))
            self.assertNotIn("B:", failed["vclamp"])
            # The protocol after it still ran on both sides, with the same numbers.
            rest = [f for f in pair["features"] if f["feature"] == "cai 20 ms after the step"]
            self.assertEqual(len(rest), 1, (asset, r.stdout))
            self.assertEqual(rest[0]["a"], rest[0]["b"])
            self.assertGreater(rest[0]["a"], 5e-5)
        # The table shows the failure per protocol too.
        r = self.box.glia("diff", "TableLeak", "--pkg", "broken", "--pkg", "sound", check=False)
        self.assertRegex(r.stdout, r"\n  vclamp failed: A: .*table not specified")
        self.assertRegex(r.stdout, r"\n  concentration: cai 20 ms after the step \(mM\)\s+0\.000")

    def test_set_applies_to_both_sides(self):
        # A parameter one side lacks fails its protocols there; one both have changes both.
        r = self.box.glia("diff", "Kv1", "--pkg", "example", "--pkg", "example:fast", "--set", "speed=1",
                          check=False)
        self.assertIn("vclamp failed: A: glia__example__Kv1__0 has no parameter 'speed'", r.stdout)
        r = self.box.glia("diff", "Kv1", "--pkg", "example", "--pkg", "example:fast", "--set", "gbar=0.01",
                          "--json", check=False)
        features = json.loads(r.stdout)["pairs"][0]["features"]
        peak = [f for f in features if f["feature"] == "peak I at 40 mV"][0]
        self.assertAlmostEqual(peak["a"], peak["a"])
        self.assertLess(peak["a"], 1.2)  # 3.66 mA/cm2 at the default gbar = 0.036

    def test_usage_errors_exit_2(self):
        for args in ([], ["Kv1", "--pkg", "example"], ["Kv1", "Na"], ["Kv1", "--set", "gbar"],
                     ["Kv1", "--tolerance", "x"], ["Kv1", "--plot", "out.jpg"], ["Kv1", "--pkg", "example:"],
                     ["Kv1", "--bogus"]):
            r = self.box.glia("diff", *args, check=False)
            self.assertEqual(r.returncode, 2, (args, r.stdout))
            self.assertIn("glia diff", r.stdout)


if __name__ == "__main__":
    harness.main()
