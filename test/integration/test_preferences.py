"""Preferences in real nrniv and /usr/bin/python3: each scope (global file via `glia select`, project
glia.yaml, script glia_select, a context inside a template, one call) changes which mechanism a section
gets, and the weaker scope comes back when the stronger one is removed. Also: broken files, the CLI."""

import json
import os
import sys
import textwrap

sys.path.insert(0, os.path.dirname(__file__))
from harness import CLI, EXAMPLE, GliaTestCase, SharedCacheTestCase, main  # noqa: E402

# A second package that also provides Kv1, so Kv1 has three candidates: example.Kv1(0),
# example.Kv1(fast) and lab.Kv1(0). Without a preference it is ambiguous.
LAB_KV1 = """
NEURON { SUFFIX Kv1  NONSPECIFIC_CURRENT i  RANGE g }
PARAMETER { g = 0.001 (S/cm2) }
ASSIGNED { v (mV)  i (mA/cm2) }
BREAKPOINT { i = g * (v + 70) }
"""

NAMES = {
    "glia__example__Kv1__0": "example0",
    "glia__example__Kv1__fast": "examplefast",
    "glia__lab__Kv1__0": "lab0",
}

# Prints "TAG <which Kv1 the accessed section has>".
WHICH_HOC = """
strdef kv
proc which() {
    kv = "none"
""" + "".join(f'    if (ismembrane("{full}")) kv = "{short}"\n' for full, short in NAMES.items()) + """
    printf("KV %s %s\\n", $s1, kv)
}
"""

WHICH_PY = f"""
NAMES = {NAMES!r}
def which(tag, sec):
    found = [NAMES[m.name()] for m in sec(0.5) if m.name() in NAMES]
    print("KV", tag, found[0] if len(found) == 1 else found or "none", flush=True)
"""


class Preferences(SharedCacheTestCase):
    def setUp(self):
        super().setUp()
        self.box.package("lab", {"Kv1.mod": LAB_KV1})
        self.box.env["GLIA_PATH"] = EXAMPLE + ":" + self.box.path("packages")
        self.global_file = self.box.path("config", "glia", "preferences.yaml")
        # The project file lives in the parent of the working directory: the nearest one counts.
        self.project_file = self.box.path("glia.yaml")

    def kv(self, output):
        """{tag: which Kv1} from the KV lines of a run."""
        rows = [line.split()[1:] for line in output.splitlines() if line.startswith("KV ")]
        return {row[0]: row[1] for row in rows}

    def hoc(self, body, **kw):
        return self.box.nrniv(WHICH_HOC + body, **kw).stdout

    def py(self, body, **kw):
        return self.box.python(WHICH_PY + textwrap.dedent(body), **kw).stdout

    # ---- each scope over the weaker ones, and back ----

    def test_every_scope_in_hoc_and_the_weaker_one_comes_back(self):
        self.box.glia("select", "Kv1", "--pkg=example", "--variant=fast")
        self.box.write("glia.yaml", "assets:\n  Kv1: lab   # the project pins lab\n")
        out = self.hoc(f"""
        create s0, s1, s2, s3, s4, s5, s6
        s0 {{ glia_insert("Kv1") }}
        s0 which("project")
        glia_select("Kv1", "example")
        s1 {{ glia_insert("Kv1") }}
        s1 which("script")
        glia_context_push("lab")
        s2 {{ glia_insert("Kv1") }}
        s2 which("context")
        s3 {{ glia_insert("Kv1", "example", "fast") }}
        s3 which("call")
        glia_context_pop()
        s4 {{ glia_insert("Kv1") }}
        s4 which("popped")
        glia_unselect("Kv1")
        s5 {{ glia_insert("Kv1") }}
        s5 which("unselected")
        system("rm {self.project_file}")
        glia_reload_preferences()
        s6 {{ glia_insert("Kv1") }}
        s6 which("no_project")
        system("{CLI} unselect Kv1")
        glia_reload_preferences()
        printf("AMBIGUOUS %d\\n", execute1("glia_insert(\\"Kv1\\")"))
        """)
        self.assertEqual(self.kv(out), {
            "project": "lab0",           # project beats global
            "script": "example0",        # script beats project (its package; the global variant belonged to it)
            "context": "lab0",           # context beats script
            "call": "examplefast",       # one call beats everything
            "popped": "example0",        # script again
            "unselected": "lab0",        # project again
            "no_project": "examplefast", # global again
        }, out)
        self.assertIn("AMBIGUOUS 0", out)
        self.assertIn("'Kv1' is ambiguous: 3 candidates match", out)

    def test_every_scope_in_python_and_the_weaker_one_comes_back(self):
        self.box.glia("select", "Kv1", "--pkg=example", "--variant=fast")
        self.box.write("glia.yaml", "assets:\n  Kv1: lab\n")
        out = self.py(f"""
        import os, subprocess
        secs = [h.Section(name="s%d" % i) for i in range(7)]
        def insert(i, tag, *args):
            h.glia_insert("Kv1", *args, sec=secs[i])
            which(tag, secs[i])
        insert(0, "project")
        h.glia_select("Kv1", "example")
        insert(1, "script")
        h.glia_context_push("lab")
        insert(2, "context")
        insert(3, "call", "example", "fast")
        h.glia_context_pop()
        insert(4, "popped")
        h.glia_clear_selections()
        insert(5, "cleared")
        os.remove({self.project_file!r})
        h.glia_reload_preferences()
        insert(6, "no_project")
        print("RESOLVE", h.glia_resolve("Kv1"), h.glia_resolve("Kv1", "lab"), h.glia_resolve("Kv1", "", "0"))
        subprocess.run([{CLI!r}, "unselect", "Kv1"], check=True)
        h.glia_reload_preferences()
        try:
            h.glia_insert("Kv1", sec=secs[0])
        except RuntimeError:
            print("AMBIGUOUS", flush=True)
        """)
        self.assertEqual(self.kv(out), {
            "project": "lab0", "script": "example0", "context": "lab0", "call": "examplefast",
            "popped": "example0", "cleared": "lab0", "no_project": "examplefast",
        }, out)
        self.assertIn("RESOLVE glia__example__Kv1__fast glia__lab__Kv1__0 glia__example__Kv1__0", out)
        self.assertIn("AMBIGUOUS", out)

    # ---- the global scope on its own ----

    def test_glia_select_switches_what_a_new_process_gets(self):
        body = 'create s\ns { glia_insert("Kv1") }\ns which("s")\n'
        self.box.glia("select", "Kv1", "--pkg=example", "--variant=fast")
        self.assertEqual(self.kv(self.hoc(body)), {"s": "examplefast"})
        self.box.glia("select", "Kv1", "--pkg=lab")
        self.assertEqual(self.kv(self.hoc(body)), {"s": "lab0"})
        out = self.py('s = h.Section(name="s")\nh.glia_insert("Kv1", sec=s)\nwhich("s", s)\n')
        self.assertEqual(self.kv(out), {"s": "lab0"})
        self.box.glia("unselect", "Kv1")
        r = self.box.nrniv(WHICH_HOC + body, check=False)
        self.assertIn("'Kv1' is ambiguous", r.stdout)

    def test_package_wide_defaults(self):
        self.box.glia("select", "--pkg=lab")
        out = self.hoc("""
        create a, b, c
        a { glia_insert("Kv1") }
        a which("global_lab")
        glia_select_package("example", "fast")
        b { glia_insert("Kv1") }
        b which("script_example_fast")
        glia_unselect_package("example")
        c { glia_insert("Kv1") }
        c which("back")
        """)
        self.assertEqual(self.kv(out), {"global_lab": "lab0", "script_example_fast": "examplefast", "back": "lab0"})

    # ---- the project file ----

    def test_project_file_in_a_parent_directory(self):
        self.box.write("glia.yaml", "# pinned for this model\nassets:\n  Kv1: {package: example, variant: fast}\n")
        body = 's = h.Section(name="s")\nh.glia_insert("Kv1", sec=s)\nwhich("s", s)\n'
        self.assertEqual(self.kv(self.py(body)), {"s": "examplefast"})
        # A nearer glia.yaml (here the working directory's) wins over the parent's.
        self.box.write("work/glia.yaml", "assets:\n  Kv1: lab\n")
        self.assertEqual(self.kv(self.py(body)), {"s": "lab0"})
        # glia select --project edits the nearest one.
        self.box.glia("select", "Kv1", "--pkg=example", "--project")
        self.assertEqual(self.kv(self.py(body)), {"s": "example0"})
        with open(self.box.path("glia.yaml")) as f:
            self.assertIn("variant: fast", f.read())

    # ---- contexts ----

    def test_context_inside_a_template(self):
        self.box.glia("select", "Kv1", "--pkg=example", "--variant=fast")
        out = self.hoc("""
        begintemplate Cell
        public soma
        create soma
        proc init() {
            if (numarg() > 0) {
                glia_context_push($s1)
            }
            soma { glia_insert("Kv1") }
            if (numarg() > 0) {
                glia_context_pop()
            }
        }
        endtemplate Cell
        objref a, b, c
        a = new Cell("lab")
        b = new Cell("example")
        c = new Cell()
        a.soma which("a")
        b.soma which("b")
        c.soma which("c")
        create top
        top { glia_insert("Kv1") }
        top which("top")
        """)
        # b's context names the package the global choice already has, so the global variant stays
        # (field by field); a's names another package, whose default variant then applies.
        self.assertEqual(self.kv(out), {"a": "lab0", "b": "examplefast", "c": "examplefast", "top": "examplefast"})

    def test_context_around_a_python_cell(self):
        out = self.py("""
        class Cell:
            def __init__(self, package=None, variant=""):
                self.soma = h.Section(name="soma", cell=self)
                if package:
                    h.glia_context_push(package, variant)
                try:
                    h.glia_insert("Kv1", sec=self.soma)
                finally:
                    if package:
                        h.glia_context_pop()
        which("lab", Cell("lab").soma)
        which("fast", Cell("example", "fast").soma)
        h.glia_context_push()
        h.glia_context_select("Kv1", "example")
        which("selected", Cell().soma)
        print("DEPTH", h.glia_context_pop())
        try:
            Cell()
        except RuntimeError:
            print("AMBIGUOUS", flush=True)
        """)
        self.assertEqual(self.kv(out), {"lab": "lab0", "fast": "examplefast", "selected": "example0"})
        self.assertIn("DEPTH 0.0", out)
        self.assertIn("AMBIGUOUS", out)

    # ---- errors ----

    def test_a_broken_preferences_file_leaves_neuron_running_and_the_file_unchanged(self):
        broken = "# hand edited\nassets:\n  Kv1: {package: lab\n"
        self.box.write("config/glia/preferences.yaml", broken)
        out = self.hoc("""
        create s
        printf("INSERT %d\\n", execute1("s { glia_insert(\\"Kv1\\", \\"lab\\") }"))
        printf("FULL %d\\n", execute1("s { glia_insert(\\"glia__lab__Kv1__0\\") }"))
        s which("full")
        printf("ALIVE\\n")
        """)
        self.assertRegex(out, r"glia: error: .*config/glia/preferences\.yaml:4:1: malformed YAML")
        self.assertIn("the global preferences cannot be read", out)
        self.assertIn("INSERT 0", out)
        self.assertIn("FULL 1", out)  # full names need no preferences
        self.assertEqual(self.kv(out), {"full": "lab0"})
        self.assertIn("ALIVE", out)
        with open(self.global_file) as f:
            self.assertEqual(f.read(), broken)
        # Python too: a RuntimeError, then the interpreter goes on.
        out = self.py("""
        s = h.Section(name="s")
        try:
            h.glia_insert("Kv1", "lab", sec=s)
        except RuntimeError:
            print("REFUSED", flush=True)
        print("ALIVE", flush=True)
        """)
        self.assertIn("REFUSED", out)
        self.assertIn("ALIVE", out)
        # glia select refuses to touch it.
        r = self.box.glia("select", "Kv1", "--pkg=lab", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stdout, r"preferences\.yaml:4:1: malformed YAML")
        self.assertIn("glia did not change the file", r.stdout)
        with open(self.global_file) as f:
            self.assertEqual(f.read(), broken)
        # Fixed and reloaded, it works in the same process.
        out = self.hoc(f"""
        create s
        printf("BEFORE %d\\n", execute1("s {{ glia_insert(\\"Kv1\\") }}"))
        system("printf 'assets:\\\\n  Kv1: lab\\\\n' > {self.global_file}")
        glia_reload_preferences()
        s {{ glia_insert("Kv1") }}
        s which("fixed")
        """)
        self.assertIn("BEFORE 0", out)
        self.assertEqual(self.kv(out), {"fixed": "lab0"})

    def test_a_broken_model_glia_yaml_fixed_and_reloaded_loads_its_list(self):
        # The start cannot tell which packages the model loads: it loads none, and says so once. Fixed
        # from inside the script and reloaded, glia loads the file's list, as the start would have.
        self.box.write("glia.yaml", "load: [lab\n")
        said = rf"glia: error: {self.project_file}:2:1: malformed YAML.*\n" + \
            r"glia left the file unchanged and loaded no package, as the file says which to load \(load:\): " + \
            r"fix it, then call glia_reload_preferences\(\), which loads them"
        hoc = self.hoc(f"""
        printf("STARTED\\n")
        create s
        printf("BEFORE %d\\n", execute1("s {{ glia_insert(\\"Kv1\\") }}"))
        objref f
        f = new File("{self.project_file}")
        f.wopen()
        f.printf("load: [lab]\\n")
        f.close()
        printf("RELOAD %d\\n", glia_reload_preferences())
        s {{ glia_insert("Kv1") }}
        s which("fixed")
        printf("EXAMPLE %d\\n", name_declared("glia__example__Kv1__0"))
        """)
        self.box.write("glia.yaml", "load: [lab\n")
        py = self.py(f"""
        print("STARTED", flush=True)
        s = h.Section(name="s")
        try:
            h.glia_insert("Kv1", sec=s)
        except RuntimeError:
            print("BEFORE 0", flush=True)
        with open({self.project_file!r}, "w") as f:
            f.write("load: [lab]\\n")
        print("RELOAD %d" % h.glia_reload_preferences(), flush=True)
        h.glia_insert("Kv1", sec=s)
        which("fixed", s)
        print("EXAMPLE %d" % h.name_declared("glia__example__Kv1__0"), flush=True)
        """)
        for out in (hoc, py):
            with self.subTest("hoc" if out is hoc else "python"):
                start = out.split("STARTED")[0]
                self.assertRegex(start, said)
                self.assertEqual(start.count("malformed YAML"), 1, out)
                self.assertIn("BEFORE 0", out)
                self.assertIn("RELOAD 1", out)
                self.assertEqual(self.kv(out), {"fixed": "lab0"})  # only lab: Kv1 is not ambiguous
                self.assertIn("EXAMPLE 0", out)

    def test_preferences_for_what_is_not_installed_are_refused_or_reported(self):
        out = self.hoc("""
        printf("SELECT %d\\n", execute1("glia_select(\\"Kv1\\", \\"nosuch\\")"))
        printf("PACKAGE %d\\n", execute1("glia_select_package(\\"labb\\")"))
        printf("POP %d\\n", execute1("glia_context_pop()"))
        printf("ARGS %d\\n", execute1("glia_select(\\"Kv1\\")"))
        """)
        self.assertIn("SELECT 0", out)
        self.assertIn("no installed candidate of 'Kv1' has package 'nosuch' (package 'nosuch' is not installed)", out)
        self.assertIn("PACKAGE 0", out)
        self.assertIn("package 'labb' is not installed; did you mean 'lab'?", out)
        self.assertIn("POP 0", out)
        self.assertIn("no context to pop", out)
        self.assertIn("ARGS 0", out)
        self.assertIn("glia_select: too few arguments; usage: glia_select(asset, package [, variant])", out)
        # A file preference for a missing package: a warning at load, an error when used.
        self.box.write("config/glia/preferences.yaml", "assets:\n  Kv1: gone\n")
        r = self.box.nrniv(WHICH_HOC + 'create s\ns { glia_insert("Kv1") }\n', check=False)
        self.assertRegex(r.stdout, r"glia: warning: .*preferences\.yaml:2:3: no installed candidate of 'Kv1'")
        self.assertIn("no candidate for 'Kv1' matches package 'gone' (package 'gone' is not installed)", r.stdout)
        self.assertIn("The preferences in force for it, weakest first:", r.stdout)


class Cli(GliaTestCase):
    def setUp(self):
        super().setUp()
        self.box.package("lab", {"Kv1.mod": LAB_KV1})
        self.box.env["GLIA_PATH"] = EXAMPLE + ":" + self.box.path("packages")
        self.global_file = self.box.path("config", "glia", "preferences.yaml")

    def test_select_as_written_in_the_seed(self):
        self.box.glia("select", "Kv1", "--pkg=example", "--variant=fast")
        with open(self.global_file) as f:
            self.assertIn("Kv1: {package: example, variant: fast}", f.read())
        r = self.box.glia("select", "Kv1", "--pkg=some_pkg", "--variant=non_default", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("package 'some_pkg' is not installed", r.stdout)
        self.assertIn("Nothing was changed (--force records it anyway)", r.stdout)
        r = self.box.glia("select", "Kv1", "--pkg=some_pkg", "--variant=non_default", "--force")
        self.assertIn("warning:", r.stdout)
        with open(self.global_file) as f:
            self.assertIn("Kv1: {package: some_pkg, variant: non_default}", f.read())

    def test_select_keeps_the_comments_of_a_hand_edited_file(self):
        text = "# my choices\nassets:\n  # the axon needs it fast\n  Kv1: {package: example, variant: fast}  # why\n"
        self.box.write("config/glia/preferences.yaml", text)
        self.box.glia("select", "Kv1", "--pkg=lab")
        self.box.glia("select", "--pkg=lab")
        with open(self.global_file) as f:
            self.assertEqual(f.read(), "# my choices\nassets:\n  # the axon needs it fast\n  Kv1: {package: lab}  # why\n"
                                       "packages:\n  - lab\n")
        self.box.glia("unselect", "Kv1")
        self.box.glia("unselect", "--pkg=lab")
        with open(self.global_file) as f:
            self.assertEqual(f.read(), "# my choices\nassets:\n  # the axon needs it fast\npackages:\n")

    def test_show_explains_candidates_scopes_and_result(self):
        out = self.box.glia("show", "Kv1", check=False)
        self.assertEqual(out.returncode, 1)
        self.assertIn("Kv1: 3 candidates", out.stdout)
        self.assertIn("preferences: none", out.stdout)
        self.assertIn("does not resolve: 'Kv1' is ambiguous", out.stdout)
        self.box.glia("select", "Kv1", "--pkg=example", "--variant=fast")
        self.box.write("work/glia.yaml", "assets:\n  Kv1: {variant: '0'}\n")
        out = self.box.glia("show", "Kv1").stdout
        self.assertRegex(out, r"global \(.*preferences\.yaml\): package 'example' and variant 'fast'  \[.*preferences\.yaml:\d+:3\]")
        self.assertRegex(out, r"project \(.*work/glia\.yaml\): variant '0'  \[.*glia\.yaml:2:3\]")
        self.assertRegex(out, r"in force: package example \(from global .*\), variant 0 \(from project .*\)")
        self.assertIn("resolves to: glia__example__Kv1__0", out)
        self.assertIn("  * example.Kv1(0)", out)
        out = self.box.glia("show", "Kv1", "--pkg=lab").stdout
        self.assertIn("this call: package 'lab'", out)
        self.assertIn("resolves to: glia__lab__Kv1__0", out)
        data = json.loads(self.box.glia("show", "Kv1", "--json").stdout)
        self.assertEqual(data["resolves_to"]["name"], "glia__example__Kv1__0")
        self.assertEqual([p["scope"] for p in data["preferences"]], ["global", "project"])
        self.assertEqual(data["in_force"], {"package": "example", "variant": "0",
                                            "package_from": data["preferences"][0]["label"],
                                            "variant_from": data["preferences"][1]["label"]})
        self.assertEqual(len(data["candidates"]), 3)
        listing = json.loads(self.box.glia("show", "--json").stdout)
        self.assertEqual([s["scope"] for s in listing], ["global", "project"])
        self.assertEqual(listing[0]["assets"][0]["package"], "example")

    def test_show_reports_a_broken_file(self):
        self.box.write("config/glia/preferences.yaml", "assets: [\n")
        r = self.box.glia("show", "Kv1", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stdout, r"does not resolve: the global preferences cannot be read: .*preferences\.yaml:2:1")
        r = self.box.glia("show", check=False)
        self.assertIn("cannot be read", r.stdout)

    def test_show_pkg(self):
        out = self.box.glia("show-pkg", "lab").stdout
        self.assertIn("Kv1  variant 0  density  glia__lab__Kv1__0  (also from example)", out)
        data = json.loads(self.box.glia("show-pkg", "example", "--json").stdout)
        self.assertEqual(data["version"], "1.0.0")
        kv1 = [m for m in data["mods"] if m["asset"] == "Kv1" and m["variant"] == "0"][0]
        self.assertEqual(kv1["also_from"], ["lab"])
        r = self.box.glia("show-pkg", "exampel", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("package 'exampel' is not installed; did you mean 'example'?", r.stdout)
        self.assertIn("NEURON's built-in mechanisms", self.box.glia("show-pkg", "NEURON").stdout)

    def test_usage_errors(self):
        r = self.box.glia("select", "Kv1", check=False)
        self.assertIn("'glia select Kv1' needs --pkg, --variant or both", r.stdout)
        r = self.box.glia("unselect", check=False)
        self.assertIn("give either an asset", r.stdout)
        self.assertIn("usage: glia select", self.box.glia("select", "--help").stdout)
        self.assertIn("usage: glia show", self.box.glia("show", "--help").stdout)


if __name__ == "__main__":
    main()
