"""The plugin's builtins in real nrniv and /usr/bin/python3: objects, parameters, introspection,
their error messages, template use and NetCon wiring, compared with the same model written
with full NEURON names."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import NEURON, SOURCE_DIR, SharedCacheTestCase, main  # noqa: E402

# One cell built twice: by glia builtins (`which` = 1) or by full NEURON names (`which` = 0).
# A Spiker drives an AMPA synapse through a NetCon; the voltage and the spike times are printed.
CELL_TEMPLATE = """
begintemplate Cell
public soma, syn, gen, nc, spikes, trace
create soma
objref syn, gen, nc, nc_v, spikes, trace, nil
proc init() {
    soma { L = 20  diam = 20  nseg = 3 }
    if ($1) {
        soma { glia_insert("Na")  glia_insert("Kv1")  glia_insert("Leak") }
        soma glia_set("Kv1", "gbar", 0.03)
        soma glia_set("Leak", "e", -65, 0.5)
        soma syn = glia_new("AMPA", 0.5)
        gen = glia_new("Spiker")
    } else {
        soma { insert glia__example__Na__0  insert glia__example__Kv1__0  insert glia__example__Leak__0 }
        soma gbar_glia__example__Kv1__0 = 0.03
        soma.e_glia__example__Leak__0(0.5) = -65
        soma syn = new glia__example__AMPA__0(0.5)
        gen = new glia__example__Spiker__0()
    }
    gen.interval = 8
    gen.start = 3
    gen.number = 4
    nc = new NetCon(gen, syn)
    nc.weight = 0.02
    nc.delay = 1
    spikes = new Vector()
    soma nc_v = new NetCon(&v(0.5), nil)
    nc_v.threshold = 0
    nc_v.record(spikes)
    trace = new Vector()
    trace.record(&soma.v(0.5))
}
endtemplate Cell
"""

SHOW = """
proc show() { local i
    printf("%s", $s1)
    for i = 0, $o2.size() - 1 printf(" %.17g", $o2.x[i])
    printf("\\n")
}
"""


def count_spikes(trace):
    return sum(1 for x, y in zip(trace, trace[1:]) if x < 0 <= y)


class PluginTestCase(SharedCacheTestCase):
    # One build cache per test class: the example package is compiled once per class, not per test.

    def hoc_error(self, statement, expected, setup="create soma\naccess soma\n"):
        """Runs `statement` through execute1 and checks that it fails with a message containing `expected`."""
        escaped = statement.replace("\\", "\\\\").replace('"', '\\"')
        hoc = setup + f'err = execute1("{escaped}")\nprint "RESULT ", err\n'
        out = self.box.nrniv(hoc).stdout
        self.assertIn("RESULT 0", out, f"{statement} should fail")
        self.assertIn(expected, out)
        return out


class Objects(PluginTestCase):
    def test_netcon_model_in_template_matches_full_names(self):
        hoc = CELL_TEMPLATE + SHOW + """
        load_file("stdrun.hoc")
        objref a, b
        a = new Cell(1)
        b = new Cell(0)
        tstop = 40
        run()
        show("VA", a.trace)
        show("VB", b.trace)
        show("SA", a.spikes)
        show("SB", b.spikes)
        print "SYN ", a.syn, " GEN ", a.gen
        """
        out = self.box.nrniv(hoc).stdout
        (va,), (vb,) = self.values(out, "VA"), self.values(out, "VB")
        self.assertEqual(va, vb, "glia builtins gave a different trace than full names")
        (sa,), (sb,) = self.values(out, "SA"), self.values(out, "SB")
        self.assertEqual(sa, sb)
        self.assertGreaterEqual(len(sa), 2, "the Spiker should make the cell fire through the AMPA synapse")
        self.assertRegex(out, r"SYN glia__example__AMPA__0\[\d+\]\s+GEN glia__example__Spiker__0\[\d+\]")

    def test_point_process_is_placed_at_x_of_the_accessed_section(self):
        hoc = """
        create soma, dend
        dend nseg = 5
        objref p, q
        dend p = glia_new("AMPA", 0.1)
        q = glia_new("AMPA")
        proc where() { local x
            x = $o1.get_loc()
            printf("%s %g %s\\n", $s2, x, secname())
            pop_section()
        }
        where(p, "P")
        where(q, "Q")
        """
        out = self.box.nrniv(hoc).stdout
        self.assertIn("P 0.1 dend", out)
        self.assertIn("Q 0.5 soma", out)  # the default section, at the default x

    def test_unassigned_object_is_freed(self):
        hoc = """
        create soma
        objref l
        soma glia_new("AMPA", 0.5)
        l = new List("glia__example__AMPA__0")
        print "COUNT ", l.count()
        """
        self.assertIn("COUNT 0", self.box.nrniv(hoc).stdout)

    def test_package_and_variant_arguments(self):
        hoc = """
        objref a, b
        a = glia_new("Spiker", "example")
        b = glia_new("Spiker", "example", "0")
        print "OBJ ", a, " ", b
        create soma
        soma a = glia_new("AMPA", 0.5, "")
        print "PP ", a
        """
        out = self.box.nrniv(hoc).stdout
        self.assertRegex(out, r"OBJ glia__example__Spiker__0\[0\]\s+glia__example__Spiker__0\[1\]")
        self.assertIn("PP glia__example__AMPA__0[0]", out)

    def test_neuron_builtin_point_processes(self):
        hoc = """
        create soma
        objref stim, gen
        soma stim = glia_new("IClamp", 0.5)
        gen = glia_new("NetStim")
        print "OBJ ", stim, " ", gen
        """
        self.assertRegex(self.box.nrniv(hoc).stdout, r"OBJ IClamp\[0\]\s+NetStim\[0\]")

    def test_errors(self):
        cases = [
            ('glia_new("Kv1")', 'glia_new("Kv1"): example.Kv1(0) is a density mechanism, not an object; '
                                'insert it with glia_insert("Kv1")'),
            ('glia_new("Spiker", 0.5)', 'glia_new("Spiker"): example.Spiker(0) is an artificial cell, which has '
                                        'no location; call glia_new("Spiker") without x'),
            ('glia_new("AMPA", 1.5)', 'glia_new("AMPA"): the location x must be between 0 and 1'),
            ('glia_new("Ampa")', "unknown mechanism 'Ampa'"),
            ('glia_new(1)', 'glia_new(): the asset name (argument 1) must be a string; '
                            'usage: glia_new(asset [, x] [, package [, variant]])'),
            ('glia_new("AMPA", 0.5, 1)', 'argument 3 must be the package (a string)'),
            ('glia_new("AMPA", 0.5, "example", "0", "x")', 'too many arguments'),
            ('glia_new("AMPA", 0.5, "nopkg")', 'glia_new("AMPA")'),
            ('glia_insert("AMPA")', 'example.AMPA(0) is a point_process, not a density mechanism; '
                                    'create it with glia_new'),
            ('glia_insert("Spiker")', 'example.Spiker(0) is an artificial_cell, not a density mechanism'),
            ('glia_insert("Leak", "example", "0", "x")',
             'glia_insert("Leak", "example", "0"): too many arguments; usage: glia_insert(asset [, package [, variant]])'),
        ]
        for statement, expected in cases:
            with self.subTest(statement):
                self.hoc_error(statement, expected)

    def test_point_process_without_section_is_an_error(self):
        self.hoc_error('glia_new("AMPA")', 'glia_new("AMPA"): example.AMPA(0) is a point process and needs a '
                                           'section; access one first', setup="")

    def test_python_objects_and_netcon_match_full_names(self):
        code = """
        h.load_file("stdrun.hoc")
        cells = []
        for glia in (True, False):
            s = h.Section(name="glia" if glia else "full")
            s.L = s.diam = 20
            for asset in ("Na", "Kv1", "Leak"):
                if glia:
                    h.glia_insert(asset, sec=s)
                else:
                    s.insert("glia__example__%s__0" % asset)
            if glia:
                syn = h.glia_new("AMPA", 0.5, sec=s)
                gen = h.glia_new("Spiker")
            else:
                syn = h.glia__example__AMPA__0(s(0.5))
                gen = h.glia__example__Spiker__0()
            gen.start = 2
            gen.interval = 7
            nc = h.NetCon(gen, syn)
            nc.weight[0] = 0.02
            v = h.Vector().record(s(0.5)._ref_v)
            cells.append((s, syn, gen, nc, v))
        h.tstop = 30
        h.run()
        print("VA", " ".join(repr(x) for x in cells[0][4]))
        print("VB", " ".join(repr(x) for x in cells[1][4]))
        print("SEG", cells[0][1].get_segment())
        try:
            h.glia_new("Kv1", sec=cells[0][0])
        except RuntimeError:
            print("RuntimeError raised")
        """
        out = self.box.python(code).stdout
        (va,), (vb,) = self.values(out, "VA"), self.values(out, "VB")
        self.assertEqual(va, vb)
        self.assertGreaterEqual(count_spikes(va), 2)
        self.assertIn("SEG glia(0.5)", out)
        self.assertIn("RuntimeError raised", out)
        self.assertIn("is a density mechanism, not an object", out)


class Parameters(PluginTestCase):
    def test_set_all_segments_or_one_and_get(self):
        hoc = """
        create soma
        soma { nseg = 5  glia_insert("Kv1") }
        soma glia_set("Kv1", "gbar", 0.02)
        soma glia_set("Kv1", "gbar", 0.05, 0.9)
        soma printf("FULL %g %g %g\\n", gbar_glia__example__Kv1__0(0.1), gbar_glia__example__Kv1__0(0.5), gbar_glia__example__Kv1__0(0.9))
        soma printf("GET %g %g %g\\n", glia_get("Kv1", "gbar"), glia_get("Kv1", "gbar", 0.1), glia_get("Kv1", "gbar", 0.9))
        soma gbar_glia__example__Kv1__0(0.5) = 0.07
        soma printf("BACK %g\\n", glia_get("Kv1", "gbar", 0.5))
        """
        out = self.box.nrniv(hoc).stdout
        self.assertIn("FULL 0.02 0.02 0.05", out)
        self.assertIn("GET 0.02 0.02 0.05", out)
        self.assertIn("BACK 0.07", out)

    def test_variant_and_builtin_parameters(self):
        hoc = """
        create soma
        soma { glia_insert("Kv1", "", "fast")  glia_insert("pas") }
        soma glia_set("Kv1", "gbar", 0.04, "", "fast")
        soma glia_set("pas", "g", 0.0002)
        soma printf("VAL %g %g\\n", gbar_glia__example__Kv1__fast(0.5), g_pas(0.5))
        soma printf("GET %g %g\\n", glia_get("Kv1", "gbar", "example", "fast"), glia_get("pas", "g"))
        """
        out = self.box.nrniv(hoc).stdout
        self.assertIn("VAL 0.04 0.0002", out)
        self.assertIn("GET 0.04 0.0002", out)

    def test_errors(self):
        setup = 'create soma\naccess soma\nglia_insert("Kv1")\n'
        cases = [
            ('glia_set("Kv1", "gbr", 1)', 'glia_set("Kv1", "gbr"): example.Kv1(0) has no parameter \'gbr\'; '
                                          'did you mean \'gbar\'? (its parameters: gbar, '),
            ('glia_set("Na", "gbar", 1)', 'glia_set("Na", "gbar"): example.Na(0) is not inserted in section soma; '
                                          'call glia_insert("Na") on it first'),
            ('glia_set("AMPA", "tau1", 1)', 'glia_set("AMPA", "tau1"): example.AMPA(0) is a point_process; '
                                            'set its parameters on the object glia_new returned (obj.tau1)'),
            ('glia_set("Kv1", "gbar")', 'the value (argument 3) must be a number; usage: glia_set(asset, param, '
                                        'value [, x] [, package [, variant]])'),
            ('glia_set("Kv1", "gbar", 1, 2)', 'the location x must be between 0 and 1'),
            ('glia_get("Kv1")', 'glia_get("Kv1"): the parameter name (argument 2) is missing'),
            ('glia_get("Kv2", "gbar")', "unknown mechanism 'Kv2'"),
        ]
        for statement, expected in cases:
            with self.subTest(statement):
                self.hoc_error(statement, expected, setup)

    def test_failed_set_changes_nothing(self):
        hoc = """
        create soma
        soma { nseg = 3  glia_insert("Kv1") }
        soma glia_set("Kv1", "gbar", 0.01)
        err = execute1("soma glia_set(\\"Kv1\\", \\"gbar\\", 1, 7)")
        soma printf("VAL %g\\n", glia_get("Kv1", "gbar", 0.1))
        """
        self.assertIn("VAL 0.01", self.box.nrniv(hoc).stdout)

    def test_python(self):
        code = """
        s = h.Section(name="s")
        s.nseg = 3
        h.glia_insert("Leak", sec=s)
        h.glia_set("Leak", "g", 0.001, sec=s)
        h.glia_set("Leak", "e", -70, sec=s)
        h.glia_set("Leak", "e", -80, 0.9, sec=s)
        print("VAL", s(0.1).glia__example__Leak__0.g, s(0.1).e_glia__example__Leak__0, s(0.9).e_glia__example__Leak__0)
        print("GET", h.glia_get("Leak", "e", 0.9, sec=s))
        """
        out = self.box.python(code).stdout
        self.assertIn("VAL 0.001 -70.0 -80.0", out)
        self.assertIn("GET -80.0", out)


class Introspection(PluginTestCase):
    def test_builtins(self):
        hoc = """
        print "VERSION ", glia_version()
        print "ASSETS ", glia_assets("example")
        print "PACKAGES ", glia_packages()
        printf("EXISTS %d %d %d %d %d %d\\n", glia_exists("Kv1"), glia_exists("Kv1", "example", "fast"), glia_exists("Kv1", "", "slow"), glia_exists("Kv2"), glia_exists("glia__example__Kv1__fast"), glia_exists("hh", "NEURON"))
        print "KIND ", glia_kind("Kv1"), " ", glia_kind("AMPA"), " ", glia_kind("Spiker"), " ", glia_kind("ExpSyn")
        strdef s
        sprint(s, "%s|%s", glia_kind("AMPA"), glia_version())
        print "SPRINT ", s
        """
        out = self.box.nrniv(hoc).stdout
        version = re.search(r"version: '([^']+)'", open(os.path.join(SOURCE_DIR, "meson.build")).read()).group(1)
        self.assertIn(f"VERSION {version} (NEURON {NEURON['version']})", out)
        self.assertIn("ASSETS AMPA Kv1 Leak Na Spiker", out)
        self.assertIn("PACKAGES NEURON example", out)
        self.assertIn("EXISTS 1 1 0 0 1 1", out)
        self.assertIn("KIND density point_process artificial_cell point_process", out)
        self.assertIn(f"SPRINT point_process|{version}", out)

    def test_all_assets_include_neuron_builtins(self):
        out = self.box.nrniv('print "ASSETS ", glia_assets()').stdout
        assets = next(line for line in out.splitlines() if line.startswith("ASSETS ")).split()[1:]
        for name in ("AMPA", "Kv1", "hh", "pas", "IClamp", "NetStim"):
            self.assertIn(name, assets)
        self.assertEqual(assets, sorted(assets))

    def test_errors(self):
        self.hoc_error('glia_assets("nopkg")', "glia_assets(\"nopkg\"): no package named 'nopkg' "
                                               "(packages: NEURON example)")
        self.hoc_error('glia_kind("Kv1", 0.5)', 'glia_kind("Kv1"): argument 2 must be a package name')
        self.hoc_error('glia_kind("Kv2")', "glia_kind(\"Kv2\"): unknown mechanism 'Kv2'")
        self.hoc_error('glia_exists(2)', 'glia_exists(): the asset name (argument 1) must be a string')

    def test_python(self):
        code = """
        print("TYPES", type(h.glia_version()).__name__, type(h.glia_assets()).__name__, h.glia_exists("Na"))
        print("KIND", h.glia_kind("Na"))
        """
        out = self.box.python(code).stdout
        self.assertIn("TYPES str str 1.0", out)
        self.assertIn("KIND density", out)


if __name__ == "__main__":
    main()
