"""From a package on disk to glia_insert("Kv1") in HOC, in a template and in Python."""

import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import NEURON_DEMO_MODS, SharedCacheTestCase, main  # noqa: E402

# One model, run twice side by side: section `a` gets its channels from glia_insert, section
# `b` by their full NEURON names. Both traces are printed so the test can compare them.
MODEL_HOC = """
load_file("stdrun.hoc")
create a, b
forall { L = 20  diam = 20  nseg = 1 }
a { glia_insert("Na")  glia_insert("Kv1")  glia_insert("Leak") }
b { insert glia__example__Na__0  insert glia__example__Kv1__0  insert glia__example__Leak__0 }
objref ca, cb, va, vb
a ca = new IClamp(0.5)
b cb = new IClamp(0.5)
proc setstim() {
    $o1.del = 2
    $o1.dur = 40
    $o1.amp = 0.3
}
setstim(ca)
setstim(cb)
va = new Vector()
vb = new Vector()
va.record(&a.v(0.5))
vb.record(&b.v(0.5))
tstop = 50
run()
proc show() { local i
    printf("%s", $s1)
    for i = 0, $o2.size() - 1 printf(" %.17g", $o2.x[i])
    printf("\\n")
}
show("VA", va)
show("VB", vb)
"""


def spikes(trace):
    return sum(1 for x, y in zip(trace, trace[1:]) if x < 0 <= y)


class EndToEnd(SharedCacheTestCase):
    def assert_same_spiking_traces(self, output):
        (va,), (vb,) = self.values(output, "VA"), self.values(output, "VB")
        self.assertEqual(va, vb, "glia_insert gave a different trace than the full names")
        self.assertGreaterEqual(spikes(va), 2, "the example cell should fire a spike train")

    def test_hoc_top_level_matches_full_names(self):
        out = self.box.nrniv(MODEL_HOC).stdout
        self.assert_same_spiking_traces(out)

    def test_template_matches_full_names(self):
        hoc = """
        begintemplate GliaCell
        public soma
        create soma
        proc init() {
            soma { L = 20  diam = 20  glia_insert("Na")  glia_insert("Kv1")  glia_insert("Leak") }
        }
        endtemplate GliaCell
        objref cell, stim, va, vb
load_file("stdrun.hoc")
        cell = new GliaCell()
        create b
        b { L = 20  diam = 20  insert glia__example__Na__0  insert glia__example__Kv1__0  insert glia__example__Leak__0 }
        objref cb
        cell.soma stim = new IClamp(0.5)
        b cb = new IClamp(0.5)
        proc setstim() {
            $o1.del = 2
            $o1.dur = 40
            $o1.amp = 0.3
        }
        setstim(stim)
        setstim(cb)
        va = new Vector()
        vb = new Vector()
        va.record(&cell.soma.v(0.5))
        vb.record(&b.v(0.5))
        tstop = 50
        run()
        proc show() { local i
            printf("%s", $s1)
            for i = 0, $o2.size() - 1 printf(" %.17g", $o2.x[i])
            printf("\\n")
        }
        show("VA", va)
        show("VB", vb)
        """
        self.assert_same_spiking_traces(self.box.nrniv(hoc).stdout)

    def test_python_matches_full_names(self):
        code = """
        h.load_file("stdrun.hoc")
        a, b = h.Section(name="a"), h.Section(name="b")
        for s in (a, b):
            s.L = s.diam = 20
        for asset in ("Na", "Kv1", "Leak"):
            h.glia_insert(asset, sec=a)
            b.insert("glia__example__" + asset + "__0")
        stims = []
        for s in (a, b):
            c = h.IClamp(s(0.5)); c.delay = 2; c.dur = 40; c.amp = 0.3; stims.append(c)
        va, vb = h.Vector().record(a(0.5)._ref_v), h.Vector().record(b(0.5)._ref_v)
        h.tstop = 50
        h.run()
        print("VA", " ".join(repr(x) for x in va))
        print("VB", " ".join(repr(x) for x in vb))
        print("MECHS", " ".join(sorted(m.name() for m in a(0.5))))
        """
        out = self.box.python(code).stdout
        self.assert_same_spiking_traces(out)
        self.assertIn("glia__example__Kv1__0", out)

    def test_unknown_asset_is_a_hoc_error_not_a_crash(self):
        hoc = """
        create soma
        err = execute1("soma glia_insert(\\"Kv2\\")")
        print "execute1 returned ", err
        soma glia_insert("Kv1")
        print "still running: ", ismembrane("glia__example__Kv1__0")
        """
        # execute1 has its own `soma`-less context; the error must not end the process
        out = self.box.nrniv(hoc).stdout
        self.assertIn("unknown mechanism 'Kv2'", out)
        self.assertIn("did you mean 'Kv1'?", out)
        self.assertIn("execute1 returned 0", out)
        self.assertIn("still running: 1", out)

    def test_unknown_asset_is_a_runtime_error_in_python(self):
        code = """
        s = h.Section(name="s")
        try:
            h.glia_insert("Kv2", sec=s)
            print("NO ERROR")
        except RuntimeError as e:
            print("RuntimeError raised")
        h.glia_insert("Kv1", sec=s)
        print("mechs:", [m.name() for m in s(0.5)])
        """
        out = self.box.python(code).stdout
        self.assertIn("RuntimeError raised", out)
        self.assertIn("unknown mechanism 'Kv2'", out)
        self.assertIn("glia__example__Kv1__0", out)

    def test_neuron_demo_mods_build_and_insert(self):
        # NEURON's own demo mods, copied into a manifest-only package (a link out of a package is refused)
        pkg = self.box.path("demo")
        os.makedirs(os.path.join(pkg, "mods"))
        for name in sorted(os.listdir(NEURON_DEMO_MODS)):
            if name.endswith(".mod"):
                shutil.copy(os.path.join(NEURON_DEMO_MODS, name), os.path.join(pkg, "mods", name))
        self.box.write("demo/glia-package.yaml", "name: nrndemo\n")
        self.box.env["GLIA_PATH"] = pkg
        hoc = """
        create soma
        soma { glia_insert("khhchan")  glia_insert("nachan")  glia_insert("cachan1")  glia_insert("capump") }
        soma print "inserted ", ismembrane("glia__nrndemo__khhchan__0"), ismembrane("glia__nrndemo__cachan1__0")
        objref fire
        fire = new glia__nrndemo__invlfire__0()
        print "artificial cell ", fire
        finitialize(-65)
        fadvance()
        print "advanced"
        """
        out = self.box.nrniv(hoc).stdout
        self.assertIn("inserted 1 1", out)
        self.assertIn("artificial cell glia__nrndemo__invlfire__0[0]", out)
        self.assertIn("advanced", out)

    def test_same_suffix_in_two_packages_loads_side_by_side(self):
        kdr = """
        NEURON {{ SUFFIX kdr  NONSPECIFIC_CURRENT i  RANGE g }}
        PARAMETER {{ g = {g} (S/cm2) }}
        ASSIGNED {{ v (mV)  i (mA/cm2) }}
        BREAKPOINT {{ i = g * (v + 70) }}
        """
        self.box.package("lab_a", {"kdr.mod": kdr.format(g=0.001)})
        self.box.package("lab_b", {"kdr.mod": kdr.format(g=0.002)})
        self.box.env["GLIA_PATH"] = self.box.path("packages")
        hoc = """
        create s
        s { glia_insert("kdr", "lab_a")  glia_insert("kdr", "lab_b") }
        s printf("g %g %g\\n", g_glia__lab_a__kdr__0, g_glia__lab_b__kdr__0)
        """
        out = self.box.nrniv(hoc).stdout
        self.assertIn("g 0.001 0.002", out)


if __name__ == "__main__":
    main()
