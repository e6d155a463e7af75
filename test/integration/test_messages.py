"""Messages that must say the right thing: a command named once, JSON whenever --json is asked for,
a concurrent install's loser told what happened, the README of 'glia new' giving a line that works."""

import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import BUILD_DIR, CLI, PLUGIN, GliaTestCase, density, main  # noqa: E402


class Messages(GliaTestCase):
    def test_a_bad_package_name_names_the_command_once(self):
        for command in ("uninstall", "new"):
            with self.subTest(command):
                r = self.box.glia(command, "bad name", check=False)
                self.assertEqual(r.returncode, 1, r.stdout)
                self.assertEqual(r.stdout.splitlines()[0],
                                 f"glia {command}: invalid package name 'bad name': contains ' '; only letters, "
                                 "digits and '_' are allowed")

    def test_show_pkg_of_an_unknown_package_prints_json_when_asked(self):
        r = self.box.glia("show-pkg", "nope", "--json", check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        out = json.loads(r.stdout)
        self.assertEqual(out["name"], "nope")
        self.assertIn("package 'nope' is not installed", out["error"])
        # As 'glia show' does for an asset.
        r = self.box.glia("show", "nope", "--json", check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("error", json.loads(r.stdout))

    def test_losers_of_a_concurrent_install_are_told_another_glia_installed_it(self):
        # Many mods make reading and copying slow enough that every install checks before any finishes.
        box = self.box
        pkg = box.package("many", {f"m{i}.mod": density(f"m{i}") for i in range(150)}, where="src")
        runs = [subprocess.Popen([CLI, "install", pkg], cwd=box.cwd, env=box.env, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True) for _ in range(6)]
        results = [(p.wait(), p.stdout.read()) for p in runs]
        for run in runs:
            run.stdout.close()
        winners = [out for status, out in results if status == 0]
        losers = [(status, out) for status, out in results if status != 0]
        self.assertEqual(len(winners), 1, results)
        raced = 0
        for status, out in losers:
            self.assertEqual(status, 1, out)
            self.assertNotIn("Directory not empty", out)
            if "by another glia at the same time; this copy was not installed" in out:
                raced += 1
            else:
                self.assertIn("is already installed", out)
        self.assertGreaterEqual(raced, 1, "no install lost the race at the rename: " + repr(results))

    def test_the_readme_of_a_new_package_tells_a_line_that_loads_glia(self):
        box = self.box
        box.glia("new", "mine")
        with open(os.path.join(box.cwd, "mine", "README.md")) as f:
            readme = f.read()
        self.assertNotIn("nrn_load_dll", readme)
        self.assertIn('`load_file("glia.hoc")`', readme)
        self.assertIn("`import glia`", readme)
        # The line works: glia.hoc as built, pointed at the plugin under test.
        with open(os.path.join(BUILD_DIR, "hoc", "glia.hoc")) as f:
            text = f.read()
        installed = re.search(r'nrn_load_dll\("(/[^"]+)"\)', text).group(1)
        box.write("hoclib/glia.hoc", text.replace(installed, PLUGIN))
        env = dict(box.env, HOC_LIBRARY_PATH=box.path("hoclib"))
        line = re.search(r'`(load_file\("glia.hoc"\))`', readme).group(1)
        out = box.nrniv(f'ok = {line}\nprint "loaded ", ok, " ", name_declared("glia_insert")\n', load=False,
                        env=env).stdout
        self.assertRegex(out, r"loaded 1\s+[1-9]")  # load_file returned 1 and glia_insert exists

    def test_clash_advice_fits_where_the_kept_package_comes_from(self):
        box = self.box
        fn = "NEURON { SUFFIX nothing }\nFUNCTION twice(x) { twice = 2 * x }\n"
        box.package("apack", {"fa.mod": fn}, where="gp")
        box.package("bpack", {"fb.mod": fn}, where=os.path.join("data", "glia", "packages"))
        box.env["GLIA_PATH"] = box.path("gp")
        out = box.nrniv('print "done"\n').stdout
        self.assertIn("name clash on 'twice'", out)
        self.assertIn("done", out)
        kept = re.search(r"\(package '(\w+)', file [^)]*\) defines it too", out).group(1)
        advice = {"apack": "take package 'apack' off GLIA_PATH (it is found through the entry " + box.path("gp") + ")",
                  "bpack": "uninstall package 'bpack' ('glia uninstall bpack')"}[kept]
        self.assertIn("instead, " + advice + "; 'glia list' shows", out)


if __name__ == "__main__":
    main()
