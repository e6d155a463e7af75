"""The Python module `glia` in /usr/bin/python3: the original Glia API over the plugin's builtins,
compared with the same model written with full NEURON names."""

import os
import re
import sys
import textwrap

sys.path.insert(0, os.path.dirname(__file__))
from harness import CLI, EXAMPLE, PLUGIN, PYTHON, SOURCE_DIR, SharedCacheTestCase, main, python_path  # noqa: E402


class PythonModule(SharedCacheTestCase):
    """One build cache for the class: the example package is compiled once, not per test."""

    def setUp(self):
        super().setUp()
        self.box.env.update(PYTHONPATH=python_path(os.path.join(SOURCE_DIR, "python")), GLIA_PLUGIN=PLUGIN, GLIA_CLI=CLI)

    def run_module(self, code, check=True):
        """Runs `code` after `from neuron import h` and `import glia` (which loads the plugin itself)."""
        script = self.box.write("work/module.py", "from neuron import h\nimport glia\n" + textwrap.dedent(code))
        return self.box.run([PYTHON, script], check=check)

    def test_import_loads_the_plugin(self):
        out = self.run_module("""
        print("VERSION", glia.__version__, h.glia_version())
        print("ASSETS", glia.assets("example"))
        print("PACKAGES", glia.packages())
        print("EXISTS", glia.exists("Kv1"), glia.exists("Kv1", variant="fast"), glia.exists("Kv9"))
        print("KIND", glia.kind("Kv1"), glia.kind("AMPA"), glia.kind("Spiker"))
        import importlib
        importlib.reload(glia)  # loading again is harmless
        print("RELOADED")
        """).stdout
        self.assertRegex(out, r"VERSION (\S+) \1")
        self.assertIn("ASSETS ['AMPA', 'Kv1', 'Leak', 'Na', 'Spiker']", out)
        self.assertIn("PACKAGES ['NEURON', 'example']", out)
        self.assertIn("EXISTS True True False", out)
        self.assertIn("KIND density point_process artificial_cell", out)
        self.assertIn("RELOADED", out)
        self.assertNotIn("already exists", out)

    def test_missing_plugin_is_an_import_error(self):
        self.box.env["GLIA_PLUGIN"] = self.box.path("nowhere", "libglia.so")
        script = self.box.write("work/missing.py", """
        try:
            import glia
        except ImportError as e:
            print("IMPORT ERROR:", e)
        """)
        out = self.box.run([PYTHON, script]).stdout
        self.assertIn("IMPORT ERROR: glia: NEURON could not load its plugin", out)
        self.assertIn("set GLIA_PLUGIN", out)

    def test_insert_every_kind_matches_full_names(self):
        out = self.run_module("""
        h.load_file("stdrun.hoc")
        traces = []
        keep = []
        for use_glia in (True, False):
            s = h.Section(name="glia" if use_glia else "full")
            s.L = s.diam = 20
            s.nseg = 3
            if use_glia:
                glia.insert(s, "Na")
                glia.insert(s, "Kv1", attributes={"gbar": 0.03})
                glia.insert(s, "Leak", attributes={"e": -65}, x=0.5)
                syn = glia.insert(s, "AMPA", x=0.5, attributes={"tau2": 3})
                gen = glia.insert(None, "Spiker", attributes={"interval": 6, "start": 2})
            else:
                for name in ("Na", "Kv1", "Leak"):
                    s.insert("glia__example__%s__0" % name)
                for seg in s:
                    seg.gbar_glia__example__Kv1__0 = 0.03
                s(0.5).e_glia__example__Leak__0 = -65
                syn = h.glia__example__AMPA__0(s(0.5))
                syn.tau2 = 3
                gen = h.glia__example__Spiker__0()
                gen.interval = 6
                gen.start = 2
            nc = h.NetCon(gen, syn)
            nc.weight[0] = 0.02
            keep += [s, syn, gen, nc]
            traces.append(h.Vector().record(s(0.5)._ref_v))
        h.tstop = 30
        h.run()
        print("VA", " ".join(repr(v) for v in traces[0]))
        print("VB", " ".join(repr(v) for v in traces[1]))
        print("TYPES", keep[1].hname(), keep[2].hname())
        """).stdout
        (va,), (vb,) = self.values(out, "VA"), self.values(out, "VB")
        self.assertEqual(va, vb)
        self.assertGreaterEqual(sum(1 for a, b in zip(va, va[1:]) if a < 0 <= b), 2)
        self.assertIn("TYPES glia__example__AMPA__0[0] glia__example__Spiker__0[0]", out)

    def test_insert_variant_and_package_arguments(self):
        out = self.run_module("""
        s = h.Section(name="s")
        glia.insert(s, "Kv1", "fast")                  # positional variant, like Glia 4
        glia.insert(s, "Kv1", pkg="example", variant="0", attributes={"gbar": 0.01})
        glia.insert(s, "pas", pkg="NEURON", attributes={"g": 0.0002})
        print("MECHS", sorted(m.name() for m in s(0.5)))
        print("VALUES", s(0.5).gbar_glia__example__Kv1__0, s(0.5).g_pas)
        """).stdout
        self.assertIn("'glia__example__Kv1__0', 'glia__example__Kv1__fast'", out)
        self.assertIn("VALUES 0.01 0.0002", out)

    def test_errors_are_glia_errors(self):
        out = self.run_module("""
        s = h.Section(name="s")
        for call in (lambda: glia.insert(s, "Kv9"),
                     lambda: glia.insert(s, "Spiker", x=0.5),
                     lambda: glia.insert(None, "AMPA"),
                     lambda: glia.insert(s, "Kv1", attributes={"gbr": 1})):
            try:
                call()
                print("NO ERROR")
            except glia.GliaError as e:
                print("GLIA ERROR:", e)
        """).stdout
        self.assertNotIn("NO ERROR", out)
        self.assertIn("unknown mechanism 'Kv9'", out)  # the plugin's own message, printed by NEURON
        self.assertIn("GLIA ERROR: glia_kind('Kv9', '', '') failed; glia's message above says why", out)
        self.assertIn("GLIA ERROR: Spiker is an artificial cell, which has no location; insert it without x", out)
        self.assertIn("GLIA ERROR: AMPA is a point process; give the section to place it on", out)
        self.assertIn("has no parameter 'gbr'; did you mean 'gbar'?", out)

    def test_select_resolve_and_context(self):
        out = self.run_module("""
        if not hasattr(h, "glia_select"):
            print("NO PREFERENCE BUILTINS")
            raise SystemExit
        print("DEFAULT", glia.resolve("Kv1"))
        print("CALL", glia.resolve("Kv1", variant="fast"), glia.resolve("Kv1", pkg="example"))
        with glia.context(pkg="example", variant="fast"):
            print("PACKAGE", glia.resolve("Kv1"))
        with glia.context(assets=["Kv1"], variant="fast"):
            print("CONTEXT", glia.resolve("Kv1"))
            with glia.context(assets="Kv1", variant="0"):
                print("INNER", glia.resolve("Kv1"))
            s = h.Section(name="s")
            glia.insert(s, "Kv1")
            print("INSERTED", [m.name() for m in s(0.5) if "Kv1" in m.name()])
        print("AFTER", glia.resolve("Kv1"))
        glia.select("Kv1", variant="fast")
        print("SELECTED", glia.resolve("Kv1"))
        try:
            with glia.context(assets="Kv1", variant="0"):
                raise KeyError("x")
        except KeyError:
            pass
        print("POPPED", glia.resolve("Kv1"))  # the context closed despite the exception
        """).stdout
        if "NO PREFERENCE BUILTINS" in out:
            self.skipTest("the plugin has no glia_select yet")
        self.assertIn("DEFAULT glia__example__Kv1__0", out)
        self.assertIn("CALL glia__example__Kv1__fast glia__example__Kv1__0", out)
        self.assertIn("PACKAGE glia__example__Kv1__fast", out)
        self.assertIn("CONTEXT glia__example__Kv1__fast", out)
        self.assertIn("INNER glia__example__Kv1__0", out)
        self.assertIn("INSERTED ['glia__example__Kv1__fast']", out)
        self.assertIn("AFTER glia__example__Kv1__0", out)
        self.assertIn("SELECTED glia__example__Kv1__fast", out)
        self.assertIn("POPPED glia__example__Kv1__fast", out)

    def test_glia4_functions(self):
        """Glia 4.x's other public functions: listing packages and their mechanisms, compiling, testing,
        the cache path; Package and Mod as Glia 4.x packages declare them; catalogue refused."""
        out = self.run_module("""
        pkgs = glia.get_packages()
        print("NAMES", [p.name for p in pkgs])
        ex = glia.package("example")
        print("PACKAGE", ex.name, ex.version, ex.origin, ex.distribution, ex.root)
        print("MODS", sorted((m.asset_name, m.variant, m.kind, m.mod_name) for m in ex.mods)[:2])
        print("FILE", ex.mods[0].path)
        print("COMPILED", "error" not in glia.compile("example").lower())
        print("TESTED", "[OK]" in glia.test("Leak"))
        print("CACHE", glia.get_cache_path())
        glia.load_library()
        declared = glia.Package("lab", "/somewhere", mods=[glia.Mod("mods/Na__t.mod", "Na", variant="t")])
        print("DECLARED", declared.mods[0].mod_name, declared.mods[0].path)
        for call in (lambda: glia.package("nope"), lambda: glia.catalogue("cat"), lambda: glia.test("Nope")):
            try:
                call()
                print("NO ERROR")
            except glia.GliaError as e:
                print("GLIAERROR", str(e).splitlines()[0])
        """).stdout
        self.assertIn("NAMES ['example']", out)
        self.assertIn(f"PACKAGE example 1.0.0 GLIA_PATH None {EXAMPLE}", out)
        self.assertIn("MODS [('AMPA', '0', 'point_process', 'glia__example__AMPA__0'), "
                      "('Kv1', '0', 'density', 'glia__example__Kv1__0')]", out)
        self.assertRegex(out, r"FILE " + re.escape(EXAMPLE) + r"/mods/\w+\.mod")
        self.assertIn("COMPILED True", out)
        self.assertIn("TESTED True", out)
        self.assertIn(f"CACHE {self.class_cache}", out)
        self.assertIn("DECLARED glia__lab__Na__t /somewhere/mods/Na__t.mod", out)
        self.assertIn("GLIAERROR package 'nope' is not installed; installed: example", out)
        self.assertIn("GLIAERROR catalogue('cat'): glia builds mechanisms for NEURON only", out)
        self.assertNotIn("NO ERROR", out)
        self.assertRegex(out, r"GLIAERROR \S+glia test Nope failed \(status 1\)")


# Prints which Kv1 (or AMPA) each glia.insert put in: `KV <tag> <NEURON name>`.
WHICH_PY = """
def kv(tag, *args, **kwargs):
    s = h.Section(name="s_" + tag)
    glia.insert(s, "Kv1", *args, **kwargs)
    names = [m.name() for m in s(0.5) if "Kv1" in m.name()]
    for name in names:  # the mechanism really is in the section, not only in a list
        assert h.ismembrane(name, sec=s), name
    print("KV", tag, " ".join(names))
    return s
"""


class ModuleInsertCache(SharedCacheTestCase):
    """glia.insert remembers resolutions; every change of the preferences, from Python or HOC,
    must change what the next insert puts in. Each test inserts once before the change, so a
    cache that missed the change would insert the old mechanism again."""

    def setUp(self):
        super().setUp()
        self.box.env.update(PYTHONPATH=python_path(os.path.join(SOURCE_DIR, "python")), GLIA_PLUGIN=PLUGIN)

    def kv(self, code, check=True):
        script = self.box.write("work/cache.py", "from neuron import h\nimport glia\n" + WHICH_PY +
                                textwrap.dedent(code))
        out = self.box.run([PYTHON, script], check=check).stdout
        rows = [line.split()[1:] for line in out.splitlines() if line.startswith("KV ")]
        return {row[0]: " ".join(row[1:]) for row in rows}, out

    def assertKv(self, got, want):
        got, out = got
        self.assertEqual(got, {tag: "glia__example__Kv1__" + v for tag, v in want.items()}, out)

    def test_select_from_python(self):
        self.assertKv(self.kv("""
        kv("before"); kv("again")
        glia.select("Kv1", variant="fast")
        kv("selected"); kv("selected_again")
        h.glia_unselect("Kv1")
        kv("unselected")
        """), {"before": "0", "again": "0", "selected": "fast", "selected_again": "fast", "unselected": "0"})

    def test_select_from_hoc(self):
        self.assertKv(self.kv("""
        kv("before")
        h('glia_select("Kv1", "example", "fast")')
        kv("hoc_select")
        h('glia_clear_selections()')
        kv("cleared")
        h('glia_select_package("example", "fast")')
        kv("package")
        """), {"before": "0", "hoc_select": "fast", "cleared": "0", "package": "fast"})

    def test_context_push_and_pop(self):
        self.assertKv(self.kv("""
        kv("outside")
        with glia.context(pkg="example", variant="fast"):
            kv("inside")
            with glia.context(assets="Kv1", variant="0"):
                kv("inner")
            kv("inside_again")
        kv("popped")
        h('glia_context_push("example", "fast")')
        kv("hoc_push")
        h('glia_context_pop()')
        kv("hoc_pop")
        """), {"outside": "0", "inside": "fast", "inner": "0", "inside_again": "fast", "popped": "0",
               "hoc_push": "fast", "hoc_pop": "0"})

    def test_reload_after_editing_the_global_preferences(self):
        prefs = self.box.path("config", "glia", "preferences.yaml")
        self.assertKv(self.kv(f"""
        import subprocess
        kv("before")
        subprocess.run(["{CLI}", "select", "Kv1", "--variant=fast"], check=True)
        kv("not_reloaded")  # the file is read at start and on reload only
        h.glia_reload_preferences()
        kv("reloaded")
        with open("{prefs}", "w") as f:
            f.write("assets:\\n  Kv1: {{variant: '0'}}\\n")
        h.glia_reload_preferences()
        kv("edited")
        """), {"before": "0", "not_reloaded": "0", "reloaded": "fast", "edited": "0"})

    def test_project_file(self):
        self.box.write("work/glia.yaml", "assets:\n  Kv1: {variant: fast}\n")
        self.assertKv(self.kv("""
        import os
        kv("project")
        os.unlink("glia.yaml")
        h.glia_reload_preferences()
        kv("removed")
        with open("glia.yaml", "w") as f:
            f.write("assets:\\n  Kv1: {variant: fast}\\n")
        h.glia_reload_preferences()
        kv("written")
        """), {"project": "fast", "removed": "0", "written": "fast"})

    def test_call_arguments_are_part_of_the_key(self):
        self.assertKv(self.kv("""
        kv("default"); kv("fast", "fast"); kv("default_again"); kv("fast_kw", variant="fast")
        kv("pkg", pkg="example"); kv("both", pkg="example", variant="fast")
        """), {"default": "0", "fast": "fast", "default_again": "0", "fast_kw": "fast", "pkg": "0",
               "both": "fast"})

    def test_point_processes_follow_the_preferences(self):
        # A second package with its own AMPA, so which one glia.insert creates is a preference.
        with open(os.path.join(EXAMPLE, "mods", "AMPA.mod")) as f:
            self.box.package("lab", {"AMPA.mod": f.read()})
        self.box.env["GLIA_PATH"] = EXAMPLE + ":" + self.box.path("packages")
        _, out = self.kv("""
        s = h.Section(name="s")
        s.nseg = 2  # so x=0.25 is a segment's centre, where get_loc reports it
        def which(tag, **kw):
            print("PP", tag, glia.insert(s, "AMPA", **kw).hname().split("[")[0])
        glia.select("AMPA", pkg="example")
        which("example"); which("example_again")
        h('glia_select("AMPA", "lab")')
        which("lab")
        with glia.context(assets="AMPA", pkg="example"):
            which("context")
        which("lab_again")
        syn = glia.insert(s, "AMPA", x=0.25, attributes={"tau2": 3})
        print("AT", syn.get_loc(), syn.tau2)
        h.pop_section()  # get_loc pushed the section
        for call in (lambda: glia.insert(s, "AMPA", x=1.5), lambda: glia.insert(None, "AMPA")):
            try:
                call()
                print("NO ERROR")
            except glia.GliaError as e:
                print("GLIA ERROR:", e)
        gen = glia.insert(None, "Spiker"); gen = glia.insert(None, "Spiker", attributes={"interval": 7})
        print("CELL", gen.hname(), gen.interval)
        try:
            glia.insert(None, "Spiker", x=0.5)
        except glia.GliaError as e:
            print("GLIA ERROR:", e)
        """)
        rows = dict(line.split()[1:] for line in out.splitlines() if line.startswith("PP "))
        self.assertEqual(rows, {"example": "glia__example__AMPA__0", "example_again": "glia__example__AMPA__0",
                                "lab": "glia__lab__AMPA__0", "context": "glia__example__AMPA__0",
                                "lab_again": "glia__lab__AMPA__0"}, out)
        self.assertIn("AT 0.25 3.0", out)
        self.assertNotIn("NO ERROR", out)
        self.assertIn("GLIA ERROR: glia_new('AMPA', 1.5, '', '') failed", out)
        self.assertIn("GLIA ERROR: AMPA is a point process; give the section to place it on", out)
        self.assertIn("CELL glia__example__Spiker__0[1] 7.0", out)
        self.assertIn("GLIA ERROR: Spiker is an artificial cell, which has no location", out)

    def test_deleted_section_is_a_glia_error(self):
        _, out = self.kv("""
        kv("cached")
        before = h.glia_generation()
        s = h.Section(name="gone")
        h.delete_section(sec=s)
        try:
            glia.insert(s, "Kv1")
            print("NO ERROR")
        except (glia.GliaError, ReferenceError) as e:
            print("ERROR", type(e).__name__, e)
        # The failed call changed no preference, and glia goes on inserting.
        print("SAME GENERATION", h.glia_generation() == before)
        t = h.Section(name="t")
        glia.insert(t, "Kv1")
        print("AFTER", [m.name() for m in t(0.5) if "Kv1" in m.name()])
        """)
        self.assertNotIn("NO ERROR", out)
        self.assertIn("SAME GENERATION True", out)
        self.assertIn("AFTER ['glia__example__Kv1__0']", out)


if __name__ == "__main__":
    main()
