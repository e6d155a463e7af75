"""The mechanism builder with real nocmodl, cc and nrniv: incremental builds, failure isolation,
name clashes, concurrency, a build killed midway, and the cache commands."""

import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import NEURON_MAJOR, PLUGIN, SETTLE, GliaTestCase, density, main  # noqa: E402


def nothing_mod(function, value):
    return f"""
    NEURON {{ SUFFIX nothing }}
    FUNCTION {function}() {{ {function} = {value} }}
    """


def verbatim_mod(suffix, value):
    # Both packages define the C function C_shared (not static): only local symbol scope keeps them apart.
    return f"""
    NEURON {{ SUFFIX {suffix} }}
    VERBATIM
    double C_shared(void) {{ return {value}; }}
    ENDVERBATIM
    FUNCTION which() {{
    VERBATIM
        _lwhich = C_shared();
    ENDVERBATIM
    }}
    """


# VERBATIM as many mods written for NEURON 7 and 8 have it: valid C, but C++ rejects the implicit
# conversion of malloc's void*, so NEURON 9 (which compiles mods as C++) cannot build it.
C_ONLY_MOD = """
NEURON { SUFFIX conly  RANGE n }
ASSIGNED { n }
VERBATIM
#include <stdlib.h>
static double* scratch;
ENDVERBATIM
INITIAL {
VERBATIM
    if (!scratch) { scratch = malloc(4 * sizeof(double)); }
    scratch[0] = 3;
ENDVERBATIM
    n = 3
}
"""


def stats(output):
    m = re.search(r"glia: (\d+) compiled, (\d+) up to date, (\d+) linked", output)
    assert m, output
    return tuple(int(x) for x in m.groups())


class Builder(GliaTestCase):
    def use_packages(self, **packages):
        """Puts packages {name: {file: text}} (and nothing else) on GLIA_PATH."""
        dirs = [self.box.package(name, mods) for name, mods in packages.items()]
        self.box.env["GLIA_PATH"] = ":".join(dirs)
        return dirs

    def test_unchanged_set_compiles_nothing_and_one_touch_compiles_one(self):
        (pkg,) = self.use_packages(inc={"A.mod": density("a"), "B.mod": density("b")})
        self.assertEqual(stats(self.box.glia("compile", "-j", "2", "inc").stdout), (2, 0, 1))
        time.sleep(SETTLE)
        out = self.box.glia("compile", "--verbose", "inc").stdout
        self.assertEqual(stats(out), (0, 2, 0))
        # The first build hashed files written moments before, so this run hashed them again once.
        self.assertIn("0 translated, 2 hashed", out)
        out = self.box.glia("compile", "--verbose", "inc").stdout
        self.assertEqual(stats(out), (0, 2, 0))
        self.assertIn("0 translated, 0 hashed, 2 known by stamps, 0 read by discovery", out,
                      "a no-op must not read the mods")
        with open(os.path.join(pkg, "mods", "B.mod"), "a") as f:
            f.write(": touched\n")
        out = self.box.glia("compile", "--verbose", "inc").stdout
        self.assertEqual(stats(out), (1, 1, 1))
        self.assertIn("1 translated, 1 hashed", out)
        self.assertIn("1 read by discovery", out)  # the scan memo noticed the change too
        self.assertIn("[1/1] inc.B(0)", out)
        # The same content under another path (a second environment) reuses the objects.
        other = self.box.package("inc2", {"A.mod": density("a")}, manifest=False)
        self.box.write("packages/inc2/glia-package.yaml", "name: inc\n")
        self.box.env["GLIA_PATH"] = other
        self.assertEqual(stats(self.box.glia("compile", "inc").stdout)[:2], (0, 1))

    def test_changed_include_rebuilds(self):
        self.use_packages(withinc={"A.mod": density("a", extra='INCLUDE "extra.inc"'), "extra.inc": ": v1\n"})
        self.box.glia("compile", "withinc")
        time.sleep(SETTLE)
        self.box.glia("compile", "withinc")
        self.assertEqual(stats(self.box.glia("compile", "withinc").stdout), (0, 1, 0))
        self.box.write("packages/withinc/mods/extra.inc", ": version two\n")
        self.assertEqual(stats(self.box.glia("compile", "withinc").stdout), (1, 0, 1))

    def test_failure_is_isolated_and_reported(self):
        broken = density("bad").replace("BREAKPOINT {", "BREAKPOINT { i = = }\nPROCEDURE x() {")
        self.use_packages(mixed={"Good.mod": density("good"), "Bad.mod": broken})
        r = self.box.glia("compile", "mixed", check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("mixed.Bad(0) (package 'mixed', asset 'Bad', file ", r.stdout)
        self.assertIn(os.path.join("mixed", "mods", "Bad.mod"), r.stdout)
        self.assertIn("failed to translate", r.stdout)
        self.assertRegex(r.stdout, r"(?i)error|illegal")  # nocmodl's own words
        self.assertNotIn("/tmp/", r.stdout.split("failed to translate")[1].split("glia:")[0].replace(
            self.box.root, ""), "the message names the user's file, not glia's scratch copy")
        self.assertIn("1 failed", r.stdout)
        out = self.box.nrniv("""
        create s
        s insert glia__mixed__Good__0
        s printf("good %g\\n", ismembrane("glia__mixed__Good__0"))
        """).stdout
        self.assertIn("good 1", out)
        self.assertIn("warning: mixed.Bad(0) is not available", out)

    def test_a_mod_in_c_that_is_not_cxx_fails_alone_on_neuron_9_saying_why(self):
        self.use_packages(legacy={"Good.mod": density("good"), "COnly.mod": C_ONLY_MOD})
        r = self.box.glia("compile", "legacy", check=False)
        probe = """
        create s
        s insert glia__legacy__Good__0
        s printf("good %g conly %g\\n", ismembrane("glia__legacy__Good__0"), name_declared("glia__legacy__COnly__0"))
        """
        if NEURON_MAJOR < 9:  # 8.2 compiles mods as C: both build
            self.assertEqual(r.returncode, 0, r.stdout)
            self.assertIn("good 1 conly 1", self.box.nrniv(probe).stdout)
            return
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("legacy.COnly(0) (package 'legacy', asset 'COnly', file ", r.stdout)
        self.assertIn("failed to compile", r.stdout)
        self.assertIn("NEURON 9 compiles mods as C++", r.stdout)
        self.assertIn("1 failed", r.stdout)
        out = self.box.nrniv(probe).stdout
        self.assertIn("good 1 conly 0", out)
        self.assertIn("warning: legacy.COnly(0) is not available", out)

    def test_clashing_names_load_with_a_report_and_nothing_half_loaded(self):
        self.use_packages(
            alpha={"util.mod": nothing_mod("shared_fn", 1), "ka.mod": verbatim_mod("ka", 1),
                   "zz.mod": density("zz")},
            beta={"helpers.mod": nothing_mod("shared_fn", 2), "kb.mod": verbatim_mod("kb", 2),
                  "zz.mod": density("zz")},
        )
        r = self.box.glia("compile", "alpha", "beta", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("CLASH: name clash on 'shared_fn'", r.stdout)
        out = self.box.nrniv("""
        create s
        s { insert glia__alpha__ka__0  insert glia__beta__kb__0  insert glia__alpha__zz__0  insert glia__beta__zz__0 }
        s printf("C %g %g\\n", which_glia__alpha__ka__0(), which_glia__beta__kb__0())
        printf("F %g\\n", shared_fn())
        """).stdout
        self.assertIn("C 1 2", out, "each package keeps its own C_shared")
        self.assertIn("F 1", out, "the first package keeps the contested name")
        self.assertIn("name clash on 'shared_fn'", out)
        self.assertIn("beta.helpers(0)", out)
        self.assertIn("alpha.util(0)", out)
        # A name hoc already has is not registered again: NEURON would stop midway.
        out = self.box.nrniv('shared_fn = 5\nnrn_load_dll("' + PLUGIN + '")\nprint shared_fn\n', load=False).stdout
        self.assertIn("NEURON already has a 'shared_fn'", out)
        self.assertRegex(out, r"(?m)^5\s*$")

    def test_eight_processes_on_a_stale_cache_build_once(self):
        self.use_packages(conc={"A.mod": density("a"), "B.mod": density("b")})
        probe = self.box.write("work/probe.hoc", f"""
        nrn_load_dll("{PLUGIN}")
        create s
        s {{ insert glia__conc__A__0  insert glia__conc__B__0 }}
        s printf("ok %g\\n", ismembrane("glia__conc__B__0"))
        quit()
        """)
        procs = [subprocess.Popen(["nrniv", "-nogui", probe], cwd=self.box.cwd, env=self.box.env,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True) for _ in range(8)]
        outputs = [p.communicate(timeout=300)[0] for p in procs]
        self.assertEqual([p.returncode for p in procs], [0] * 8, outputs)
        self.assertEqual(sum("ok 1" in out for out in outputs), 8, outputs)
        self.assertEqual(sum(out.count("glia: [1/") for out in outputs), 1, "exactly one process builds")

    def test_killed_build_leaves_nothing_trusted_and_next_run_finishes(self):
        mods = {f"M{i}.mod": density(f"m{i}") for i in range(6)}
        self.use_packages(killed=mods)
        cache = self.box.path("cache", "glia")
        proc = subprocess.Popen([self.box_cli(), "compile", "-j", "1", "killed"], cwd=self.box.cwd, env=self.box.env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)
        # Wait until it is compiling (a generated .c, or .cpp from NEURON 9, in its scratch space), then kill
        # the whole group.
        def compiling():
            tmp = os.path.join(cache, "tmp")
            try:
                return any(f.endswith((".c", ".cpp")) for d in os.listdir(tmp) for f in os.listdir(os.path.join(tmp, d)))
            except OSError:  # not there yet, or a scratch dir removed while we looked
                return False

        deadline = time.time() + 60
        while time.time() < deadline and not compiling():
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        self.assertFalse(os.path.isdir(os.path.join(cache, "libs")) and os.listdir(os.path.join(cache, "libs")),
                         "no library may appear before every object is in")
        self.assertTrue(os.listdir(os.path.join(cache, "tmp")), "the dead build left scratch space")
        compiled, reused, linked = stats(self.box.glia("compile", "killed").stdout)
        self.assertEqual((compiled + reused, linked), (6, 1))
        self.assertGreaterEqual(compiled, 1)
        self.assertEqual(os.listdir(os.path.join(cache, "tmp")), [], "scratch of the dead build is removed")
        out = self.box.nrniv("create s\ns insert glia__killed__M5__0\ns printf(\"ok %g\\n\", g_glia__killed__M5__0)")
        self.assertIn("ok 0.001", out.stdout)

    def test_cache_commands(self):
        (pkg,) = self.use_packages(gc={"A.mod": density("a"), "B.mod": density("b")})
        cache = self.box.path("cache", "glia")
        self.assertEqual(self.box.glia("cache").stdout.strip(), cache)
        self.box.glia("compile", "gc")
        self.box.write("packages/gc/mods/B.mod", density("b", g="0.002"))
        self.box.glia("compile", "gc")
        out = self.box.glia("cache", "--gc").stdout
        self.assertIn("removed 1 objects, 1 libraries and 0 set libraries", out)
        self.assertEqual(stats(self.box.glia("compile", "gc").stdout), (0, 2, 0), "gc keeps what is in use")
        self.box.glia("cache", "--clear")
        self.assertFalse(os.path.exists(os.path.join(cache, "objects")))
        self.assertEqual(stats(self.box.glia("compile", "gc").stdout), (2, 0, 1))

    def test_cache_keeps_to_its_own_files(self):
        box = self.box
        self.use_packages(own={"A.mod": density("a"), "B.mod": density("b")})
        # GLIA_CACHE_DIR pointing at a folder of the user's, with folders named like glia's.
        home = box.path("userhome")
        users = {".bashrc": "alias ll='ls -l'\n", "tmp/notes.txt": "draft\n", "libs/mylib/libx.so": "x",
                 "objects/ab/model.o": "o", "manifest": "my list\n"}
        for relative, text in users.items():
            box.write(os.path.join("userhome", relative), text)
        env = dict(box.env, GLIA_CACHE_DIR=home)
        for args in (["compile"], ["cache", "--gc"], ["cache", "--clear"]):
            r = box.glia(*args, check=False, env=env)
            self.assertEqual(r.returncode, 1, r.stdout)
            self.assertIn(f"{home} is not glia's build cache", r.stdout)
            self.assertIn("GLIA_CACHE_DIR", r.stdout)
        r = box.nrniv('glia_insert("A")', check=False, env=env)
        self.assertIn("is not glia's build cache", r.stdout)
        box.glia("list", env=env)  # discovery neither reads nor writes its memo there
        for relative, text in users.items():
            with open(os.path.join(home, relative)) as f:
                self.assertEqual(f.read(), text, relative)
        self.assertEqual(sorted(os.listdir(home)), [".bashrc", "libs", "manifest", "objects", "tmp"])

        # A cache glia makes is tagged (Cache Directory Tagging Specification) and marked as glia's.
        cache = box.path("cache", "glia")
        box.glia("compile", "own")
        with open(os.path.join(cache, "CACHEDIR.TAG")) as f:
            self.assertEqual(f.readline(), "Signature: 8a477f597d28d172789f06886806bc55\n")
        with open(os.path.join(cache, "glia-cache")) as f:
            self.assertEqual(f.readline(), "glia-cache-layout 1\n")
        # Files that are not glia's, put into its cache, survive a build, --gc and --clear.
        strays = ["tmp/keep.txt", "objects/keep.txt", "objects/ab/keep.txt", "libs/keep.txt", "keep.txt"]
        for relative in strays:
            box.write(os.path.join("cache", "glia", relative), "mine\n")
        box.glia("compile", "--force", "own")
        box.glia("cache", "--gc")
        box.glia("cache", "--clear")
        for relative in strays:
            self.assertTrue(os.path.isfile(os.path.join(cache, relative)), relative)
        self.assertEqual(sorted(os.listdir(os.path.join(cache, "libs"))), ["keep.txt"])

        # A cache made by an older glia (glia's layout, no marks) is adopted; with a stranger in it, refused.
        old = box.path("old-cache")
        env = dict(box.env, GLIA_CACHE_DIR=old)
        box.glia("compile", "own", env=env)
        os.remove(os.path.join(old, "CACHEDIR.TAG"))
        os.remove(os.path.join(old, "glia-cache"))
        self.assertEqual(stats(box.glia("compile", "own", env=env).stdout), (0, 2, 0))
        self.assertTrue(os.path.isfile(os.path.join(old, "CACHEDIR.TAG")))
        os.remove(os.path.join(old, "CACHEDIR.TAG"))
        os.remove(os.path.join(old, "glia-cache"))
        box.write("old-cache/libs/thesis.tex", "chapter 1\n")
        r = box.glia("cache", "--clear", check=False, env=env)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("thesis.tex", r.stdout)
        self.assertTrue(os.path.isfile(os.path.join(old, "libs", "thesis.tex")))

    def test_a_cache_path_with_quotes_and_backslashes_builds(self):
        self.use_packages(quoted={"A.mod": density("a")})
        cache = self.box.path('my "cache" \\ dir')
        env = dict(self.box.env, GLIA_CACHE_DIR=cache)
        self.assertEqual(stats(self.box.glia("compile", "quoted", env=env).stdout), (1, 0, 1))
        out = self.box.nrniv('create s\ns insert glia__quoted__A__0\nprint "ok ", s.g_glia__quoted__A__0', env=env)
        self.assertIn("ok 0.001", out.stdout)

    def box_cli(self):
        from harness import CLI
        return CLI


if __name__ == "__main__":
    main()
