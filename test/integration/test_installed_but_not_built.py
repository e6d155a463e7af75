"""A mechanism that is installed but did not build is reported as such, with why and what to do.

`glia list` shows it, so calling it "unknown" would send the user looking in the wrong place.
Two ways to get there: a mod that nocmodl rejects, and GLIA_NOCOMPILE on a cold cache; each is
asked for from HOC and from Python.
"""

import os

from harness import NEURON, GliaTestCase, density, main

# nocmodl stops at the unknown block keyword on line 3 of the file (after the dedent).
BROKEN = """
NEURON { SUFFIX broken }
BREAKPIONT { }
"""

HOC = """
create soma
err = execute1("soma glia_insert(\\"{asset}\\")")
print "RESULT ", err
"""

PYTHON = """
s = h.Section(name="s")
try:
    h.glia_insert("{asset}", sec=s)
    print("NO ERROR")
except RuntimeError:
    print("RuntimeError raised")
"""


class InstalledButNotBuilt(GliaTestCase):
    def setUp(self):
        super().setUp()
        self.pkg = self.box.package("shaky", {"Good.mod": density("good"), "Bad.mod": BROKEN})
        self.box.env["GLIA_PATH"] = self.pkg

    def assert_not_built(self, out, asset, reason, fix):
        self.assertNotIn("unknown mechanism", out)
        self.assertIn(f"'{asset}' means glia__shaky__{asset}__0, which is installed (package 'shaky', file "
                      f"{os.path.join(self.pkg, 'mods', asset + '.mod')}) but not built", out)
        self.assertIn(reason, out)
        self.assertIn(fix, out)

    def test_a_mod_nocmodl_rejects(self):
        self.assertIn("glia__shaky__Bad__0", self.box.glia("list").stdout)  # installed, as glia list says
        bad = os.path.join(self.pkg, "mods", "Bad.mod")
        said = "Error: " if int(NEURON["version"].split(".")[0]) >= 9 else ""  # NEURON 9's nocmodl says "Error: "
        reason = f"it failed to translate: syntax error: {said}Illegal block at line 3 in file {bad}\n"
        fix = "To use it: run 'glia compile shaky' to see the whole message"
        out = self.box.nrniv(HOC.format(asset="Bad")).stdout
        self.assert_not_built(out, "Bad", reason, fix)
        self.assertIn("RESULT 0", out)
        out = self.box.python(PYTHON.format(asset="Bad")).stdout
        self.assert_not_built(out, "Bad", reason, fix)
        self.assertIn("RuntimeError raised", out)
        # The one that built still inserts.
        self.assertIn("RESULT 1", self.box.nrniv(HOC.format(asset="Good")).stdout)

    def test_nocompile_on_a_cold_cache(self):
        env = dict(self.box.env, GLIA_NOCOMPILE="1", GLIA_CACHE_DIR=self.box.path("cold-cache"))
        reason = "the cache has no library of package 'shaky' and GLIA_NOCOMPILE is set; run 'glia compile' first"
        out = self.box.nrniv(HOC.format(asset="Good"), env=env).stdout
        self.assert_not_built(out, "Good", reason, "run 'glia compile' first")
        self.assertIn("RESULT 0", out)
        out = self.box.python(PYTHON.format(asset="Good"), env=env).stdout
        self.assert_not_built(out, "Good", reason, "run 'glia compile' first")
        self.assertIn("RuntimeError raised", out)

    def test_a_failed_default_variant_is_not_replaced_by_another(self):
        # Variant 0 did not build; choosing `fast` in its place would be a guess.
        self.box.write("packages/shaky/mods/Bad__fast.mod", density("badfast"))
        out = self.box.nrniv(HOC.format(asset="Bad")).stdout
        self.assert_not_built(out, "Bad", "it failed to translate: ", "run 'glia compile shaky'")
        self.assertIn("RESULT 0", out)
        out = self.box.nrniv(HOC.format(asset="Bad") + 'soma glia_insert("Bad", "shaky", "fast")\n'
                             'soma print "FAST ", ismembrane("glia__shaky__Bad__fast")').stdout
        self.assertIn("FAST 1", out)


if __name__ == "__main__":
    main()
