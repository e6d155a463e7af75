"""Bad input: malformed YAML, bad names, duplicate packages, symlink loops, and mod files
that are empty, binary, huge or not NMODL. Each case checks the message glia gives, and that nothing
else broke: the other packages are still listed, built and loadable in nrniv, and glia changed none
of the files it was given."""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import CLI, EXAMPLE, PLUGIN, PYTHON, SOURCE_DIR, GliaTestCase, main, python_path  # noqa: E402

KDR = "NEURON { SUFFIX kdr }\n"

# A healthy package next to the broken ones, inserted from HOC to show that loading still works.
GOOD_PROBE = """
create soma
soma glia_insert("Good")
soma print "good ", ismembrane("glia__good__Good__0")
soma glia_insert("Kv1")
soma print "example ", ismembrane("glia__example__Kv1__0")
"""



def alias_bomb(head, levels=9):
    """YAML's "billion laughs": each line lists the previous line's anchor ten times, so following the
    aliases meets 10**levels nodes; under 1.5 KB. After `head`, the first alias is on its second line,
    column 10."""
    lines = [head + "l0: &l0 [" + ", ".join(["lol"] * 10) + "]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]")
    text = "\n".join(lines) + "\n"
    assert len(text) <= 1536
    return text


class BadInput(GliaTestCase):
    def setUp(self):
        super().setUp()
        self.root = self.box.path("packages")
        self.box.package("good", {"Good.mod": KDR})
        self.box.env["GLIA_PATH"] = f"{EXAMPLE}:{self.root}"

    def snapshot(self):
        """Every file under the packages root, with its bytes (links as their targets)."""
        files = {}
        for folder, dirs, names in os.walk(self.root):
            for name in dirs + names:
                path = os.path.join(folder, name)
                if os.path.islink(path):
                    files[path] = "-> " + os.readlink(path)
                elif os.path.isfile(path):
                    with open(path, "rb") as f:
                        files[path] = f.read()
        return files

    def write_bytes(self, relative, data):
        path = self.box.path("packages", relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def assert_rest_intact(self, listing, before=None):
        self.assertIn("glia__good__Good__0", listing)
        self.assertIn("glia__example__Kv1__0", listing)
        if before is not None:
            self.assertEqual(self.snapshot(), before, "glia changed files it was given")

    def assert_loads(self):
        out = self.box.nrniv(GOOD_PROBE).stdout
        self.assertIn("good 1", out)
        self.assertIn("example 1", out)

    def test_malformed_manifests(self):
        cases = {
            "unclosed": ("name: [unclosed\n", r"unclosed/glia-package\.yaml:2:1: malformed YAML"),
            "tabs": ("name: tabs\nmods:\n\t- file: mods/a.mod\n", r"tabs/glia-package\.yaml:\d+:\d+: malformed YAML"),
            "list": ("- name: list\n", r"list/glia-package\.yaml:1:1: the manifest must be a mapping"),
            "typo": ("name: typo\nverison: 1\n", r"typo/glia-package\.yaml:2:1: unknown key 'verison'; did you mean 'version'\?"),
            "nameless": ("version: 1\n", r"nameless/glia-package\.yaml:1:1: missing required key 'name' \(add 'name: nameless'\)"),
            "nested": ("name: {a: b}\n", r"nested/glia-package\.yaml:1:7: 'name' must be a single value"),
            "modsmap": ("name: modsmap\nmods: {file: x.mod}\n", r"modsmap/glia-package\.yaml:2:7: 'mods' must be a list"),
            "binary": ("name: \x00\x01\x02\n", r"binary/glia-package\.yaml:\d+:\d+: "),
            "repeated": ("name: repeated\nversion: 1\nname: other\n",
                         r"repeated/glia-package\.yaml:3:1: key 'name' is repeated \(first on line 1\)"),
        }
        for name, (text, _) in cases.items():
            self.box.package(name, {"K.mod": KDR}, manifest=False)
            self.write_bytes(os.path.join(name, "glia-package.yaml"), text.encode())
        before = self.snapshot()
        r = self.box.glia("list")
        for name, (_, message) in cases.items():
            with self.subTest(name):
                self.assertRegex(r.stdout, f"package in {self.root}/{name} skipped: .*{message}")
        self.assert_rest_intact(r.stdout, before)
        compiled = self.box.glia("compile")
        self.assertIn("glia: ", compiled.stdout)
        self.assert_rest_intact(self.box.glia("list").stdout, before)
        self.assert_loads()
        self.assertEqual(self.snapshot(), before)

    def test_malformed_project_file(self):
        project = self.box.write("work/glia.yaml", "assets:\n  Kv1: {package: example\n")
        with open(project) as f:
            text = f.read()
        r = self.box.glia("show", "Kv1", check=False)
        self.assertEqual(r.returncode, 1, r.stdout)  # a clear error, not a crash
        self.assertRegex(r.stdout, r"work/glia\.yaml:\d+:\d+: malformed YAML")
        self.assertNotIn("Segmentation", r.stdout)
        self.assert_rest_intact(self.box.glia("list").stdout)
        with open(project) as f:
            self.assertEqual(f.read(), text)

    def run_briefly(self, argv, env=None):
        """Runs `argv` (output and errors together) with 30 s to finish."""
        try:
            return self.box.run(argv, check=False, env=env, timeout=30)
        except subprocess.TimeoutExpired:
            self.fail(f"{' '.join(argv)} was still running after 30 s")

    def start_neuron_briefly(self):
        """A NEURON start by nrniv with the plugin and by Python's import glia, each given 30 s and a state
        folder of its own (a problem met at an earlier start is only summed up); their outputs."""
        hoc = self.box.write("work/start.hoc", f'nrn_load_dll("{PLUGIN}")\nprint "started"\nquit()\n')
        py = self.box.write("work/start.py", "from neuron import h\nimport glia\nprint('started')\n")
        outputs = []
        for argv in (["nrniv", "-nogui", hoc], [PYTHON, py]):
            self.starts = getattr(self, "starts", 0) + 1
            state = self.box.path("states", str(self.starts))
            env = dict(self.box.env, XDG_STATE_HOME=state, GLIA_PLUGIN=PLUGIN,
                       PYTHONPATH=python_path(os.path.join(SOURCE_DIR, "python")))
            outputs.append(self.run_briefly(argv, env))
        return outputs

    def test_yaml_aliases_are_refused_at_once(self):
        # A package's manifest: that package is skipped, at once, with where the alias is; the rest loads.
        self.box.env["GLIA_PATH"] = self.root
        self.box.package("laughs", {"K.mod": KDR}, manifest=False)
        self.write_bytes("laughs/glia-package.yaml", alias_bomb("name: laughs\n").encode())
        refused = (rf"package in {self.root}/laughs skipped: {self.root}/laughs/glia-package\.yaml:3:10: "
                   r"a YAML alias \(\*name\), which glia refuses in its files.*write out in full")
        listed = self.run_briefly([CLI, "list"])
        self.assertRegex(listed.stdout, refused)
        self.assertIn("glia__good__Good__0", listed.stdout)
        for started in self.start_neuron_briefly():
            self.assertEqual(started.returncode, 0, started.stdout)
            self.assertRegex(started.stdout, refused)
            self.assertIn("started", started.stdout)
        # A model's glia.yaml: glia says where the alias is and what to do, and never spins.
        model = self.box.write("work/glia.yaml", alias_bomb("load: [good]\n"))
        refused = rf"{model}:3:10: a YAML alias \(\*name\), which glia refuses in its files"
        self.assertRegex(self.run_briefly([CLI, "show", "Good"]).stdout, refused)
        for started in self.start_neuron_briefly():
            self.assertRegex(started.stdout, refused)
            self.assertIn("started", started.stdout)

    def test_bad_names(self):
        self.box.package("dashes", {"Kv-1.mod": KDR, "K.mod": KDR})
        self.box.package("dunder", {"Kv__fast__x.mod": KDR})
        self.box.package("edge", {"_K.mod": KDR})
        self.box.package("pkgname", {"K.mod": KDR}, manifest=False)
        self.box.write("packages/pkgname/glia-package.yaml", "name: bad__pkg\n")
        self.box.package("digit", {"K.mod": KDR}, manifest=False)
        self.box.write("packages/digit/glia-package.yaml", "name: 9lives\n")
        self.box.package("keys", {"K.mod": KDR}, manifest=False)
        self.box.write("packages/keys/glia-package.yaml", "name: keys\nmods:\n  - {file: mods/K.mod, asset: K v}\n")
        self.box.package("variants", {"K.mod": KDR}, manifest=False)
        self.box.write("packages/variants/glia-package.yaml",
                       "name: variants\nmods:\n  - {file: mods/K.mod, variant: fa__st}\n")
        self.box.package("legacy", {}, manifest=False)
        self.box.write("packages/legacy/glia__legacy__K.mod", KDR)
        before = self.snapshot()
        out = self.box.glia("list").stdout
        expected = [
            r"dashes/mods/Kv-1\.mod \(file names are <asset>\.mod or <asset>__<variant>\.mod\): "
            r"invalid asset name 'Kv-1': contains '-'; only letters, digits and '_' are allowed",
            r"invalid variant name 'fast__x': contains a double underscore '__', which glia uses as its separator",
            r"invalid asset name '_K': starts or ends with '_'",
            r"pkgname/glia-package\.yaml:1:7: invalid package name 'bad__pkg': contains a double underscore",
            r"digit/glia-package\.yaml:1:7: invalid package name '9lives': does not start with a letter",
            r"keys/glia-package\.yaml:3:5: invalid asset name 'K v': contains ' '",
            r"variants/glia-package\.yaml:3:5: invalid variant name 'fa__st': contains a double underscore",
            r"'glia__legacy__K' is not a glia name: expected glia__<package>__<asset>__<variant>",
        ]
        for message in expected:
            self.assertRegex(out, message)
        self.assertNotIn("glia__dashes__K__0", out, "a package with a bad file name is skipped as a whole")
        self.assert_rest_intact(out, before)
        self.assert_loads()
        # Asked for by a bad name, glia says what is wrong with it.
        r = self.box.nrniv('create soma\nsoma glia_insert("Kv-1")\nprint "after"\n', check=False)
        self.assertEqual(r.returncode, 1, r.stdout)  # a hoc error, not a crash
        self.assertIn("Kv-1", r.stdout)
        self.assertEqual(self.snapshot(), before)

    def test_duplicate_packages_on_the_search_path(self):
        self.box.package("a_dup", {"A.mod": KDR}, manifest=False)
        self.box.write("packages/a_dup/glia-package.yaml", "name: dup\nversion: first\n")
        self.box.package("b_dup", {"A.mod": "NEURON { POINT_PROCESS other }\n"}, manifest=False)
        self.box.write("packages/b_dup/glia-package.yaml", "name: dup\nversion: second\n")
        # The same folder twice, and a link to a package already seen, are no duplicates.
        os.symlink(self.box.path("packages", "a_dup"), self.box.path("packages", "c_link"))
        self.box.env["GLIA_PATH"] = f"{EXAMPLE}:{self.root}:{self.root}:{EXAMPLE}"
        before = self.snapshot()
        out = self.box.glia("list").stdout
        self.assertIn(f"dup first  ({self.root}/a_dup)", out)
        self.assertNotIn("dup second", out)
        self.assertIn(f"note: package 'dup' in {self.root}/b_dup is hidden by {self.root}/a_dup", out)
        self.assertEqual(out.count("note: package 'dup'"), 1, out)
        # (An installed copy of example may rightly be hidden by the source tree's.)
        self.assertNotIn(f"package 'example' in {EXAMPLE} is hidden", out)
        self.assertNotIn(f"package 'good' in {self.root}", out)
        self.assertEqual(out.count("glia__example__Kv1__0"), 1, out)
        self.assert_rest_intact(out, before)
        hoc = 'create soma\nsoma glia_insert("A")\nsoma print "dup ", ismembrane("glia__dup__A__0")\n'
        self.assertIn("dup 1", self.box.nrniv(hoc).stdout)
        self.assertEqual(self.snapshot(), before)

    def test_symlink_loops(self):
        os.symlink("loop_b", self.box.path("packages", "loop_a"))
        os.symlink("loop_a", self.box.path("packages", "loop_b"))
        os.symlink(".", self.box.path("packages", "self"))
        os.symlink(self.root, self.box.path("packages", "good", "mods", "up"))
        self.box.package("looping", {"K.mod": KDR})
        os.symlink("Loop.mod", self.box.path("packages", "looping", "mods", "Loop.mod"))
        self.box.package("dangling", {"K.mod": KDR})
        os.symlink("../../gone/Gone.mod", self.box.path("packages", "dangling", "mods", "Gone.mod"))
        # GLIA_PATH itself may name a loop.
        os.symlink("root_loop", self.box.path("root_loop"))
        self.box.env["GLIA_PATH"] += ":" + self.box.path("root_loop")
        before = self.snapshot()
        start = time.monotonic()
        out = self.box.glia("list", check=True).stdout
        self.assertLess(time.monotonic() - start, 30)
        self.assertRegex(out, r"looping/mods/Loop\.mod: cannot read: Too many levels of symbolic links")
        self.assertRegex(out, r"dangling/mods/Gone\.mod: cannot read: No such file or directory")
        self.assert_rest_intact(out, before)
        self.assertEqual(out.count("glia__good__Good__0"), 1)
        self.assert_loads()
        self.assertEqual(self.snapshot(), before)

    def test_mod_files_that_are_empty_binary_or_not_nmodl(self):
        self.box.package("empty", {"E.mod": ""})
        self.box.package("blank", {"B.mod": "\n  \n\t\n"})
        self.box.package("binary", {})
        self.write_bytes("binary/mods/Bin.mod", bytes(range(256)) + os.urandom(4096) + b"NEURON { SUFFIX x }")
        self.box.package("c_file", {"C.mod": '#include <stdio.h>\nint main(void) { puts("NEURON"); return 0; }\n'})
        self.box.package("py_file", {"P.mod": "import neuron\n\ndef f():\n    return {'SUFFIX': 1}\n"})
        before = self.snapshot()
        out = self.box.glia("list").stdout
        self.assertRegex(out, r"empty/mods/E\.mod:1: the file is empty; a mechanism needs 'NEURON \{ SUFFIX name \}'")
        self.assertRegex(out, r"blank/mods/B\.mod:1: the file is empty")
        self.assertRegex(out, r"binary/mods/Bin\.mod:1: a binary file \(it holds NUL bytes\), not NMODL text")
        self.assertRegex(out, r"c_file/mods/C\.mod:1: no NEURON block found; is this an NMODL file\?")
        self.assertRegex(out, r"py_file/mods/P\.mod:1: no NEURON block found; is this an NMODL file\?")
        self.assert_rest_intact(out, before)
        self.box.glia("compile")
        self.assert_loads()
        self.assertEqual(self.snapshot(), before)

    def test_a_huge_mod_file(self):
        # 20 MB of comments before an ordinary mechanism: listed and built in bounded time and memory.
        line = ": " + "a comment that mentions SUFFIX fake and { braces } " * 3 + "\n"
        text = line * (20 * 2**20 // len(line)) + "NEURON { SUFFIX big }\nPARAMETER { gbar = 1 }\n"
        self.box.package("huge", {"Big.mod": text})
        before = self.snapshot()
        start = time.monotonic()
        out = self.box.glia("list").stdout
        listed = time.monotonic() - start
        self.assertIn("glia__huge__Big__0", out)
        self.assertLess(listed, 20, "listing a 20 MB mod file took too long")
        self.assert_rest_intact(out, before)
        # Under 2 GB of address space, glia and the tools it runs.
        r = self.box.run(["/bin/sh", "-c", f'ulimit -v {2 * 2**20} && exec "$0" compile', CLI], check=False)
        self.assertEqual(r.returncode, 0, r.stdout)
        hoc = 'create soma\nsoma glia_insert("Big")\nsoma print "big ", ismembrane("glia__huge__Big__0")\n'
        self.assertIn("big 1", self.box.nrniv(hoc).stdout)
        self.assertEqual(self.snapshot(), before)


if __name__ == "__main__":
    main()
