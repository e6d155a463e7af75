"""The package commands, one after another as a user works: new, add, check, test, install, list,
uninstall, import, doctor."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import CLI, EXAMPLE, NEURON, NEURON_MAJOR, GliaTestCase, main  # noqa: E402

EXAMPLE_MODS = os.path.join(EXAMPLE, "mods")


def example_mod(name):
    with open(os.path.join(EXAMPLE_MODS, name)) as f:
        return f.read()


# A leak current whose reversal potential comes from an INCLUDE'd file.
WITH_INCLUDE = """\
NEURON {
    SUFFIX %s
    NONSPECIFIC_CURRENT i
    RANGE g
}
INCLUDE "leak_consts.inc"
PARAMETER { g = 0.001 (S/cm2) }
ASSIGNED { v (mV) i (mA/cm2) }
BREAKPOINT { i = g * (v - ELEAK) }
"""
LEAK_CONSTS = "PARAMETER { ELEAK = -65 (mV) }\n"

# A current so large that the membrane potential leaves any physical range.
RUNAWAY = """\
NEURON { SUFFIX runaway NONSPECIFIC_CURRENT i }
ASSIGNED { v (mV) i (mA/cm2) }
BREAKPOINT { i = -1e9 }
"""

BROKEN = """\
NEURON { SUFFIX broken NONSPECIFIC_CURRENT i }
ASSIGNED { v (mV) i (mA/cm2) }
BREAKPOINT { i = = 1 }
"""

# A density mechanism whose INITIAL never returns (a volatile flag: the compiler cannot drop the loop).
HANG = """\
NEURON { SUFFIX Hang }
INITIAL {
VERBATIM
    { volatile int spin = 1; while (spin) {} }
ENDVERBATIM
}
"""

FUNCTIONS = """\
NEURON { SUFFIX nothing }
FUNCTION %s(x) { %s = 2 * x }
"""


class PackageCommands(GliaTestCase):
    def test_whole_workflow(self):
        box = self.box
        out = box.glia("new", "mylab").stdout
        self.assertIn("created package 'mylab'", out)
        pkg = os.path.join(box.cwd, "mylab")
        self.assertTrue(os.path.isfile(os.path.join(pkg, "glia-package.yaml")))
        self.assertTrue(os.path.isfile(os.path.join(pkg, "README.md")))
        self.assertTrue(os.path.isdir(os.path.join(pkg, "mods")))

        # Asset and variant from the file name, or as given.
        out = box.glia("add", os.path.join(EXAMPLE_MODS, "Kv1__fast.mod"), "--package", pkg).stdout
        self.assertIn("added mylab.Kv1(fast) (density Kv1)", out)
        out = box.glia("add", os.path.join(EXAMPLE_MODS, "AMPA.mod"), "--asset", "Syn", "--package", pkg).stdout
        self.assertIn("added mylab.Syn(0) (point_process AMPA)", out)
        src = box.write("src/leak-2019.mod", WITH_INCLUDE % "lk2019")
        box.write("src/leak_consts.inc", LEAK_CONSTS)
        out = box.glia("add", src, "--package", pkg).stdout
        # "leak-2019" is no asset name: the NEURON block's name is used instead; its include comes along.
        self.assertIn("added mylab.lk2019(0)", out)
        self.assertIn("with include", out)
        self.assertTrue(os.path.isfile(os.path.join(pkg, "mods", "leak_consts.inc")))
        self.assertEqual(sorted(os.listdir(os.path.join(pkg, "mods"))),
                         ["Kv1__fast.mod", "Syn.mod", "leak_consts.inc", "lk2019.mod"])

        # Adding again is refused unless --replace.
        r = box.glia("add", os.path.join(EXAMPLE_MODS, "Kv1__fast.mod"), "--package", pkg, check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("already exists", r.stdout)
        self.assertIn("--replace", r.stdout)
        box.glia("add", os.path.join(EXAMPLE_MODS, "Kv1__fast.mod"), "--package", pkg, "--replace")

        out = box.glia("check", pkg).stdout
        self.assertIn("package 'mylab' is valid: 3 mechanisms translate with nocmodl", out)

        # glia test inside the package tries the package as it is, before it is installed.
        r = box.run([CLI, "test"], cwd=pkg)
        self.assertIn("[OK]    Kv1  glia__mylab__Kv1__fast  (density)", r.stdout)
        self.assertIn("[OK]    Syn  glia__mylab__Syn__0  (point_process)", r.stdout)
        self.assertIn("[OK]    lk2019  glia__mylab__lk2019__0  (density)", r.stdout)
        self.assertIn("3 ok, 0 failed", r.stdout)

        out = box.glia("install", pkg).stdout
        installed = os.path.join(box.env["XDG_DATA_HOME"], "glia", "packages", "mylab")
        self.assertIn("installed package 'mylab' 0.1.0 (3 mechanisms) in " + installed, out)
        self.assertIn("mylab 0.1.0  (" + installed + ")", box.glia("list").stdout)
        r = box.glia("install", pkg, check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("already installed", r.stdout)
        self.assertIn("glia install --replace", r.stdout)

        # The installed package works in NEURON and in glia test by asset name.
        r = box.nrniv("""
            create soma
            soma glia_insert("lk2019")
            print "g ", soma.g_glia__mylab__lk2019__0(0.5)
        """)
        self.assertIn("g 0.001", r.stdout)
        out = box.glia("test", "lk2019", "Spiker").stdout
        self.assertIn("[OK]    lk2019  glia__mylab__lk2019__0", out)
        self.assertIn("[OK]    Spiker  glia__example__Spiker__0  (artificial_cell)", out)

        out = box.glia("uninstall", "mylab").stdout
        self.assertIn("uninstalled package 'mylab' from " + installed, out)
        self.assertFalse(os.path.exists(installed))
        self.assertNotIn("mylab", box.glia("list").stdout)
        r = box.glia("uninstall", "mylab", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("package 'mylab' is not installed (see 'glia list')", r.stdout)

    def test_new_refuses_a_bad_name_and_an_existing_folder(self):
        r = self.box.glia("new", "my__lab", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("double underscore", r.stdout)
        os.makedirs(os.path.join(self.box.cwd, "taken"))
        self.box.write("work/taken/file", "x")
        r = self.box.glia("new", "taken", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("already exists and is not empty", r.stdout)

    def test_add_outside_a_package_says_what_to_do(self):
        r = self.box.glia("add", os.path.join(EXAMPLE_MODS, "Na.mod"), check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("glia new NAME", r.stdout)

    def test_check_names_a_mod_that_does_not_translate(self):
        pkg = self.box.package("bad", {"broken.mod": BROKEN, "Leak.mod": example_mod("Leak.mod")})
        r = self.box.glia("check", pkg, check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("error: " + os.path.join(pkg, "mods", "broken.mod") + ": nocmodl cannot translate bad.broken(0)",
                      r.stdout)
        self.assertIn("has errors", r.stdout)
        self.assertNotIn("Leak.mod: nocmodl", r.stdout)

    def test_check_finds_a_missing_include_and_a_bad_manifest(self):
        pkg = self.box.package("inc", {"lk.mod": WITH_INCLUDE % "lk"})
        r = self.box.glia("check", pkg, "--no-translate", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn('INCLUDE "leak_consts.inc" not found', r.stdout)
        self.box.write("packages/inc/glia-package.yaml", "name: inc\nverison: 1\n")
        r = self.box.glia("check", pkg, check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("unknown key 'verison'", r.stdout)

    def test_test_reports_a_failing_mechanism(self):
        self.box.package("wild", {"runaway.mod": RUNAWAY, "Leak.mod": example_mod("Leak.mod")})
        self.box.env["GLIA_PATH"] += ":" + self.box.path("packages")
        r = self.box.glia("test", "runaway", "glia__wild__Leak__0", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("[ERROR] runaway  glia__wild__runaway__0  (density)", r.stdout)
        self.assertIn("failed with v(0.5) =", r.stdout)
        self.assertIn("[OK]    glia__wild__Leak__0  glia__wild__Leak__0", r.stdout)
        self.assertIn("1 ok, 1 failed", r.stdout)

    def test_test_stops_a_mechanism_that_never_returns_at_the_time_limit(self):
        self.box.package("stuck", {"Hang.mod": HANG, "Leak.mod": example_mod("Leak.mod")})
        self.box.env["GLIA_PATH"] += ":" + self.box.path("packages")
        self.box.glia("compile", "stuck")  # the time limit is for the run, not the build
        start = time.monotonic()
        r = self.box.glia("test", "Hang", "glia__stuck__Leak__0", "--timeout", "5", check=False)
        self.assertLess(time.monotonic() - start, 30, r.stdout)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("[ERROR] Hang  glia__stuck__Hang__0  (density)\n"
                      "        still running after 5 s (--timeout) while running 5 ms of simulation "
                      "(INITIAL, BREAKPOINT); nrniv was stopped", r.stdout)
        self.assertIn("[OK]    glia__stuck__Leak__0", r.stdout)  # the next one still ran
        self.assertIn("1 ok, 1 failed", r.stdout)
        # No nrniv is left running it (its script is named after it).
        left = []
        for pid in os.listdir("/proc"):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    left += [pid] if b"glia__stuck__Hang__0" in f.read() else []
            except OSError:
                pass
        self.assertEqual(left, [])
        r = self.box.glia("test", "Hang", "--timeout", "soon", check=False)
        self.assertEqual(r.returncode, 2, r.stdout)

    def test_import_a_model_folder(self):
        box = self.box
        # An installed package with a SUFFIX nothing function the model defines too.
        box.package("helpers", {"fns.mod": FUNCTIONS % ("twice", "twice")})
        box.env["GLIA_PATH"] += ":" + box.path("packages")
        model = "modeldb_1234"
        leak = example_mod("Leak.mod")
        box.write(f"{model}/kdr.mod", leak.replace("SUFFIX Leak", "SUFFIX kdr"))
        box.write(f"{model}/kdr_soma.mod", leak.replace("SUFFIX Leak", "SUFFIX kdr"))
        box.write(f"{model}/na.mod", example_mod("Na.mod"))
        box.write(f"{model}/mechanisms/cal.mod", WITH_INCLUDE % "cal")
        box.write(f"{model}/mechanisms/leak_consts.inc", LEAK_CONSTS)
        box.write(f"{model}/util.mod", FUNCTIONS % ("twice", "twice"))
        box.write(f"{model}/x86_64/kdr.mod", "this is nrnivmodl's copy and must be ignored")
        out = box.glia("import", box.path(model), "--name", "smith2019").stdout
        pkg = os.path.join(box.cwd, "smith2019")
        self.assertIn(f"created package 'smith2019' in {pkg} with 5 mechanisms", out)
        self.assertIn("  kdr  variant 0  density  from " + box.path(model, "kdr.mod"), out)
        self.assertIn("  kdr  variant kdr_soma  density  from " + box.path(model, "kdr_soma.mod"), out)
        self.assertIn("  cal  variant 0  density", out)
        self.assertIn("  util  variant 0  nothing", out)
        self.assertIn("include " + box.path(model, "mechanisms", "leak_consts.inc"), out)
        self.assertIn("clash: asset Na is also provided by example; models asking for 'Na' will need a preference: "
                      "'glia select Na --pkg=smith2019'", out)
        self.assertIn("clash: function twice of smith2019.util(0) (SUFFIX nothing) is also defined by helpers.fns(0)",
                      out)
        self.assertNotIn("x86_64", out)
        self.assertTrue(os.path.isfile(os.path.join(pkg, "mods", "mechanisms", "leak_consts.inc")))
        self.assertIn("package 'smith2019' is valid: 5 mechanisms translate", box.glia("check", pkg).stdout)
        # Importing over it again is refused.
        r = box.glia("import", box.path(model), "--name", "smith2019", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("--replace", r.stdout)

    def test_import_replaces_only_a_package_an_import_made(self):
        box = self.box
        leak = example_mod("Leak.mod")
        model = box.write("models/smith2019/leak.mod", leak)
        box.write("models/smith2019/main.hoc", "// the user's model\n")
        box.write("models/smith2019/README.txt", "notes\n")
        models = box.path("models")
        user_files = sorted(os.listdir(box.path("models", "smith2019")))

        def refused(*args, cwd=models):
            r = box.run([CLI, "import", *args], check=False, cwd=cwd)
            self.assertEqual(r.returncode, 1, r.stdout)
            self.assertNotIn("--replace", r.stdout)  # no destructive advice
            self.assertIn("--out FOLDER", r.stdout)
            return r.stdout

        # From the source's parent, with the source's own name: the README's example.
        for extra in ([], ["--replace"]):
            out = refused("smith2019", "--name", "smith2019", *extra)
            self.assertIn("is the folder being imported", out)
            self.assertEqual(sorted(os.listdir(box.path("models", "smith2019"))), user_files)
        # A folder that holds the source, or lies in it.
        refused(box.path("models", "smith2019"), "--name", "models", "--out", box.root, "--replace")
        refused(box.path("models", "smith2019"), "--name", "sub", "--out", box.path("models", "smith2019"),
                "--replace")
        self.assertTrue(os.path.isfile(model))
        # An unrelated folder of the user's, even one that looks like a package.
        box.write("models/results/run1.dat", "1 2 3\n")
        box.write("models/mine/glia-package.yaml", "name: mine\n")
        for name in ("results", "mine"):
            out = refused(box.path("models", "smith2019"), "--name", name, "--replace")
            self.assertIn("is not a package made by 'glia import'", out)
        self.assertTrue(os.path.isfile(box.path("models", "results", "run1.dat")))
        self.assertTrue(os.path.isfile(box.path("models", "mine", "glia-package.yaml")))
        # A package an import made is replaced with --replace, and only then.
        box.glia("import", box.path("models", "smith2019"), "--name", "smith", "--out", box.path("pkgs"))
        r = box.glia("import", box.path("models", "smith2019"), "--name", "smith", "--out", box.path("pkgs"),
                     check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("--replace", r.stdout)
        box.write("models/smith2019/kdr.mod", leak.replace("SUFFIX Leak", "SUFFIX kdr"))
        out = box.glia("import", box.path("models", "smith2019"), "--name", "smith", "--out", box.path("pkgs"),
                       "--replace").stdout
        self.assertIn("with 2 mechanisms", out)
        self.assertEqual(sorted(os.listdir(box.path("pkgs"))), ["smith"])

    def test_import_replace_keeps_files_the_user_added_or_changed(self):
        """--replace refuses, naming them, to delete a file the import did not write or one edited since."""
        box = self.box
        leak = example_mod("Leak.mod")
        box.write("models/m1/leak.mod", leak)
        args = ["import", box.path("models", "m1"), "--name", "m1", "--out", box.path("pkgs")]
        box.glia(*args)
        pkg = box.path("pkgs", "m1")
        notes = box.write("pkgs/m1/NOTES.md", "my notes on this package\n")
        box.write("models/m1/kdr.mod", leak.replace("SUFFIX Leak", "SUFFIX kdr"))

        def refused(*named):
            r = box.glia(*args, "--replace", check=False)
            self.assertEqual(r.returncode, 1, r.stdout)
            for path in named:
                self.assertIn("\n  " + path + "\n", r.stdout)
            self.assertIn("Nothing was changed", r.stdout)
            self.assertFalse(os.path.exists(box.path("pkgs", "m1", "mods", "kdr.mod")))
            return r.stdout

        refused(notes)
        with open(notes) as f:
            self.assertEqual(f.read(), "my notes on this package\n")
        # An imported mod edited since: not silently lost either.
        mod = os.path.join(pkg, "mods", "leak.mod")
        with open(mod, "a") as f:
            f.write(": my fix\n")
        refused(notes, mod)
        with open(mod) as f:
            self.assertTrue(f.read().endswith(": my fix\n"))
        # With both moved out of the package, it is replaced; its own unchanged files do not stop it.
        os.rename(notes, box.path("NOTES.md"))
        os.rename(mod, box.path("leak.mod"))
        self.assertIn("with 2 mechanisms", box.glia(*args, "--replace").stdout)
        # A second --replace of what it wrote itself needs nothing moved.
        self.assertIn("with 2 mechanisms", box.glia(*args, "--replace").stdout)

    def test_install_an_archive_and_reject_a_broken_one(self):
        box = self.box
        box.package("arch", {"Leak.mod": example_mod("Leak.mod")}, where="src")
        archive = box.path("arch.tar.gz")
        box.run(["tar", "czf", archive, "-C", box.path("src"), "arch"])
        out = box.glia("install", archive).stdout
        self.assertIn("installed package 'arch'", out)
        data = os.path.join(box.env["XDG_DATA_HOME"], "glia")
        self.assertEqual(os.listdir(os.path.join(data, "packages")), ["arch"])
        # A broken package is not installed at all, and leaves no staging folder behind.
        box.write("src/broken/glia-package.yaml", "name: broken\nmods: [{file: mods/missing.mod}]\n")
        box.run(["tar", "czf", box.path("broken.tar.gz"), "-C", box.path("src"), "broken"])
        r = box.glia("install", box.path("broken.tar.gz"), check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("does not exist", r.stdout)
        self.assertEqual(os.listdir(os.path.join(data, "packages")), ["arch"])
        self.assertEqual(os.listdir(os.path.join(data, ".install-tmp")), [])
        # --replace swaps in the new version whole.
        box.write("src/arch/glia-package.yaml", "name: arch\nversion: 2.0\n")
        out = box.glia("install", "--replace", box.path("src", "arch")).stdout
        self.assertIn("replaced package 'arch' 2.0", out)

    def test_uninstall_of_a_package_elsewhere_says_where(self):
        r = self.box.glia("uninstall", "example", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("which 'glia uninstall' does not manage", r.stdout)

    def test_doctor(self):
        r = self.box.glia("doctor", check=False)
        self.assertEqual(r.returncode, 0, r.stdout)
        for what in ("nocmodl", "nrnmech_makefile", "NEURON headers", "libnrniv", "C compiler", "nrniv",
                     "Python with NEURON", "plugin", "build cache"):
            self.assertRegex(r.stdout, r"\[ok\] +" + what + ":")
        if os.path.exists("/usr/bin/nrnivmodl") and not os.path.exists("/usr/bin/nrnmech_makefile"):
            self.assertIn("looks for /usr/bin/nrnmech_makefile", r.stdout)
            self.assertIn("glia does not need nrnivmodl", r.stdout)
        self.assertIn("everything glia needs is in place", r.stdout)

    def test_doctor_says_how_to_fix_a_missing_neuron(self):
        self.box.env["GLIA_NEURON_PREFIX"] = self.box.path("no-neuron")
        r = self.box.glia("doctor", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stdout, r"\[FAILED\] +NEURON toolchain: NEURON's translator nocmodl not found")
        self.assertIn("fix: install NEURON with its development files: apt-get install neuron neuron-dev", r.stdout)

    def test_doctor_compares_nrniv_and_python_with_the_neuron_glia_targets(self):
        # the other real NEURON first on PATH and PYTHONPATH: Debian's 8.2 for a 9 build, 9.0.2 for an 8.2 one
        other = "/usr" if NEURON_MAJOR >= 9 else "/opt/nrn-9.0.2"
        if not os.path.exists(os.path.join(other, "bin", "nrniv")):
            self.skipTest(f"no second NEURON at {other}")
        other_python = "" if other == "/usr" else os.path.join(other, "lib", "python")
        self.box.env.update(PATH=os.path.join(other, "bin") + os.pathsep + self.box.env["PATH"], PYTHONPATH=other_python)
        r = self.box.glia("doctor", check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        target = NEURON["version"]
        self.assertRegex(r.stdout, rf"\[ok\] +glia's NEURON: this glia is built for NEURON {target}")
        self.assertRegex(r.stdout, rf"\[FAILED\] +nrniv: nrniv on PATH is NEURON \d+\.\d+\.\d+, but this glia is "
                                   rf"built for NEURON {target}")
        self.assertIn(f"put NEURON {target}'s nrniv first on PATH (export PATH={NEURON['bin_dir']}:$PATH)", r.stdout)
        self.assertRegex(r.stdout, r"\[FAILED\] +Python with NEURON: .* imports NEURON \d+\.\d+\.\d+, but")
        self.assertIn("-Dneuron_prefix=<its prefix>", r.stdout)

    def test_help_of_every_package_command(self):
        out = self.box.glia("--help").stdout
        for command in ("new", "add", "check", "import", "install", "uninstall", "test", "doctor", "lock"):
            self.assertIn("  " + command + " ", out)
            self.assertIn("usage: glia " + command, self.box.glia(command, "--help").stdout)


if __name__ == "__main__":
    main()
