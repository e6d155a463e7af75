"""Every file a build reads is in its key: an INCLUDE inside an included file and a header included by a
header decide the object, its lock hash, the start record and a remembered failure, in packages and under
`glia nrnivmodl`; `glia nrnivmodl` honours MODL_INCLUDE; `glia compile --force PKG` reaches the library a
NEURON start loads."""

import os
import shutil
import time

from harness import CLI, SETTLE, GliaTestCase, main

# A density mechanism whose conductance comes from a file its INCLUDE includes, and whose value()
# comes from a header its VERBATIM block includes.
NESTED = """
NEURON {
    SUFFIX nest
    NONSPECIFIC_CURRENT i
    RANGE g
}
INCLUDE "outer.inc"
ASSIGNED { v (mV)  i (mA/cm2) }
BREAKPOINT { i = g*(v + 65) }
VERBATIM
#include "outer.h"
ENDVERBATIM
FUNCTION value() {
VERBATIM
    _lvalue = INNER_VALUE;
ENDVERBATIM
}
"""

# g and value() as NEURON runs them.
SHOW = """
create soma
soma glia_insert("nest")
soma setdata_glia__nested__nest__0(0.5)  // NEURON 9 calls a mechanism's FUNCTION for one instance
soma print "G ", g_glia__nested__nest__0, " V ", value_glia__nested__nest__0()
"""


def package_files(g="0.001", value="1.5"):
    return {
        "nest.mod": NESTED,
        "outer.inc": 'INCLUDE "inner.inc"\n',
        "inner.inc": f"PARAMETER {{ g = {g} (S/cm2) }}\n",
        "outer.h": '#include "inner.h"\n',
        "inner.h": f"#define INNER_VALUE {value}\n",
    }


def compiled(output):
    """How many objects `glia compile` compiled."""
    line = [line for line in output.splitlines() if line.startswith("glia: ")][-1]
    return int(line.split()[1])


class NestedIncludes(GliaTestCase):
    def setUp(self):
        super().setUp()
        self.pkg = self.box.package("nested", package_files())
        self.box.env["GLIA_PATH"] = self.pkg

    def edit(self, name, text):
        with open(os.path.join(self.pkg, "mods", name), "w") as f:
            f.write(text)

    def shown(self, env=None):
        out = self.box.nrniv(SHOW, env=env).stdout
        line = [line for line in out.splitlines() if line.startswith("G ")]
        self.assertEqual(len(line), 1, out)
        return line[0].split()[1], line[0].split()[3]

    def test_editing_a_nested_include_or_header_rebuilds_what_neuron_runs(self):
        self.assertEqual(self.shown(), ("0.001", "1.5"))
        time.sleep(SETTLE)
        self.assertEqual(self.shown(), ("0.001", "1.5"))  # a recorded start: stamps only
        self.edit("inner.inc", "PARAMETER { g = 0.002 (S/cm2) }\n")
        self.assertEqual(self.shown(), ("0.002", "1.5"))
        time.sleep(SETTLE)
        self.assertEqual(self.shown(), ("0.002", "1.5"))
        self.edit("inner.h", "#define INNER_VALUE 2.5\n")
        self.assertEqual(self.shown(), ("0.002", "2.5"))
        self.assertEqual(compiled(self.box.glia("compile", "nested").stdout), 0)
        self.edit("inner.inc", "PARAMETER { g = 0.004 (S/cm2) }\n")
        self.assertEqual(compiled(self.box.glia("compile", "nested").stdout), 1)

    def test_two_copies_whose_inner_include_differs_get_two_objects(self):
        self.assertEqual(self.shown(), ("0.001", "1.5"))
        other = self.box.path("checkout2", "nested")
        shutil.copytree(self.pkg, other)
        with open(os.path.join(other, "mods", "inner.inc"), "w") as f:
            f.write("PARAMETER { g = 0.003 (S/cm2) }\n")
        with open(os.path.join(other, "mods", "inner.h"), "w") as f:
            f.write("#define INNER_VALUE 3.5\n")
        self.assertEqual(self.shown(env=dict(self.box.env, GLIA_PATH=other)), ("0.003", "3.5"))
        self.assertEqual(self.shown(), ("0.001", "1.5"))
        # An identical copy shares the first one's object.
        same = self.box.path("checkout3", "nested")
        shutil.copytree(self.pkg, same)
        out = self.box.glia("compile", "nested", env=dict(self.box.env, GLIA_PATH=same)).stdout
        self.assertEqual(compiled(out), 0, out)

    def test_lock_check_sees_a_nested_include_change(self):
        self.box.glia("lock", "nest")
        with open(os.path.join(self.box.cwd, "glia.lock")) as f:
            text = f.read()
        self.assertIn("inner.inc", text)
        self.assertIn("inner.h", text)
        self.assertIn("every locked mechanism is unchanged", self.box.glia("lock", "--check").stdout)
        self.edit("inner.h", "#define INNER_VALUE 9\n")
        r = self.box.glia("lock", "--check", check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("inner.h changed", r.stdout)

    def test_a_failure_for_a_missing_nested_include_is_retried_once_it_is_there(self):
        os.remove(os.path.join(self.pkg, "mods", "inner.inc"))
        r = self.box.nrniv(SHOW, check=False)
        self.assertNotIn("G ", r.stdout)
        r = self.box.nrniv(SHOW, check=False)  # the failure is remembered: not translated again
        self.assertIn("known problem", r.stdout)
        # The one-line reason is the innermost cause, not the outer file being included.
        self.assertRegex(r.stdout, "failed to translate: (Error: )?Couldn't open inner.inc")  # (9 says Error:)
        self.edit("inner.inc", "PARAMETER { g = 0.005 (S/cm2) }\n")
        self.assertEqual(self.shown(), ("0.005", "1.5"))

    def test_check_follows_nested_includes(self):
        self.assertEqual(self.box.glia("check", self.pkg, "--no-translate").returncode, 0)
        os.remove(os.path.join(self.pkg, "mods", "inner.h"))
        r = self.box.glia("check", self.pkg, "--no-translate", check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn('INCLUDE "inner.h" not found', r.stdout)
        self.box.write("elsewhere/inner.h", "#define INNER_VALUE 1\n")
        os.symlink(self.box.path("elsewhere", "inner.h"), os.path.join(self.pkg, "mods", "inner.h"))
        r = self.box.glia("check", self.pkg, "--no-translate", check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn('INCLUDE "inner.h" leads outside the package', r.stdout)

    def test_add_and_import_carry_nested_includes(self):
        source = os.path.join(self.pkg, "mods")
        self.box.glia("new", "mylab")
        self.box.glia("add", os.path.join(source, "nest.mod"), "--package", os.path.join(self.box.cwd, "mylab"))
        self.box.glia("import", source, "--name", "imported")
        for made in ("mylab", "imported"):
            for name in ("outer.inc", "inner.inc", "outer.h", "inner.h"):
                self.assertTrue(os.path.isfile(os.path.join(self.box.cwd, made, "mods", name)), (made, name))
        env = dict(self.box.env, GLIA_PATH=os.path.join(self.box.cwd, "mylab"))
        out = self.box.nrniv('create soma\nsoma glia_insert("nest")\nprint "G ", g_glia__mylab__nest__0', env=env).stdout
        self.assertIn("G 0.001", out)

    def test_compile_force_of_one_package_reaches_the_library_neuron_loads(self):
        # Two packages, so a start loads a set library linked from both.
        other = self.box.package("plain", {"p.mod": NESTED.replace("SUFFIX nest", "SUFFIX p")
                                           .replace('INCLUDE "outer.inc"', "PARAMETER { g = 0.001 }")
                                           .replace('#include "outer.h"', "#define INNER_VALUE 0")})
        self.box.env["GLIA_PATH"] = self.pkg + ":" + other
        self.assertEqual(self.shown(), ("0.001", "1.5"))
        # A damaged cache: the package's object and library hold other code under their keys (another copy's),
        # and the next start links its set library from that object.
        cache = self.box.path("cache", "glia")
        wrong = self.box.path("wrong", "nested")
        shutil.copytree(self.pkg, wrong)
        with open(os.path.join(wrong, "mods", "inner.inc"), "w") as f:
            f.write("PARAMETER { g = 0.007 (S/cm2) }\n")
        self.box.glia("compile", "nested", env=dict(self.box.env, GLIA_PATH=wrong))
        objects = []
        for root, _, files in os.walk(os.path.join(cache, "objects")):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    if b"glia__nested__nest__0" in f.read():
                        objects.append((os.path.getmtime(f.name), f.name))
        (_, right), (_, damaged) = sorted(objects)
        shutil.copy(damaged, right)
        libraries = []  # the package's library too, for a start that loads it instead of a set library
        for root, _, files in os.walk(os.path.join(cache, "libs")):
            libraries += [os.path.join(root, name) for name in files if name == "libglia-nested.so"]
        (_, right), (_, damaged) = sorted((os.path.getmtime(path), path) for path in libraries)
        shutil.copy(damaged, right)
        for root, _, files in os.walk(cache):
            for name in files:
                if name.endswith(".set1.o") or name == "libglia-set.so":
                    os.remove(os.path.join(root, name))
        self.assertEqual(self.shown(), ("0.007", "1.5"))
        self.box.glia("compile", "--force", "nested")
        self.assertEqual(self.shown(), ("0.001", "1.5"))


# A header included with angle brackets, found through the compile's -I of the mod's folder: the scan of
# includes looks for it there (and in the -I folders) only, and the compiler's own list of what it read agrees.
ANGLED = """
NEURON { SUFFIX ang }
VERBATIM
#include <angled_value.h>
ENDVERBATIM
FUNCTION value() {
VERBATIM
    _lvalue = ANGLED_VALUE;
ENDVERBATIM
}
"""


class AngledInclude(GliaTestCase):
    def value(self, pkg):
        out = self.box.nrniv('create soma\nsoma glia_insert("ang")\nsoma setdata_glia__angled__ang__0(0.5)\n'
                             'print "V ", value_glia__angled__ang__0()',
                             env=dict(self.box.env, GLIA_PATH=pkg)).stdout
        return [line.split()[1] for line in out.splitlines() if line.startswith("V ")][0]

    def test_an_angled_include_of_the_mods_folder_is_keyed(self):
        pkg = self.box.package("angled", {"ang.mod": ANGLED, "angled_value.h": "#define ANGLED_VALUE 1.5\n"})
        self.assertEqual(self.value(pkg), "1.5")
        time.sleep(SETTLE)
        self.assertEqual(self.value(pkg), "1.5")  # recorded: the next start checks stamps only
        with open(os.path.join(pkg, "mods", "angled_value.h"), "w") as f:
            f.write("#define ANGLED_VALUE 2.5\n")
        self.assertEqual(self.value(pkg), "2.5")
        other = self.box.path("checkout2", "angled")
        shutil.copytree(pkg, other)
        with open(os.path.join(other, "mods", "angled_value.h"), "w") as f:
            f.write("#define ANGLED_VALUE 3.5\n")
        self.assertEqual(self.value(other), "3.5")
        self.assertEqual(self.value(pkg), "2.5")
        # The lock hash covers it, and a failure for its absence is retried once it is back.
        lock_env = dict(self.box.env, GLIA_PATH=pkg)
        self.box.glia("lock", "ang", env=lock_env)
        header = os.path.join(pkg, "mods", "angled_value.h")
        os.rename(header, header + ".away")
        r = self.box.glia("lock", "--check", check=False, env=lock_env)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("angled_value.h", r.stdout)
        os.remove(os.path.join(self.box.cwd, "glia.lock"))
        self.assertIn("angled_value.h", self.box.nrniv('print "started"', env=lock_env).stdout)
        self.assertIn("1 known problem", self.box.nrniv('print "started"', env=lock_env).stdout)  # remembered
        os.rename(header + ".away", header)
        self.assertEqual(self.value(pkg), "2.5")


# A model folder's mod that includes params.inc, found only through MODL_INCLUDE, which includes more.inc.
MODEL_MOD = """
NEURON { SUFFIX modl  RANGE g  NONSPECIFIC_CURRENT i }
INCLUDE "params.inc"
ASSIGNED { v (mV)  i (mA/cm2) }
BREAKPOINT { i = g*(v + 65) }
"""


class ModelFolder(GliaTestCase):
    def nrnivmodl(self, folder, env=None, check=True):
        return self.box.run([CLI, "nrnivmodl", "--no-glia"], cwd=folder, env=env, check=check)

    def g(self, folder):
        out = self.box.run(["nrniv", "-nogui", "-c", "create soma\nsoma insert modl\nprint \"G \", soma.g_modl\nquit()"],
                           cwd=folder).stdout
        return [line.split()[1] for line in out.splitlines() if line.startswith("G ")][0]

    def test_modl_include_is_honoured_and_nested_files_are_keyed(self):
        shared = self.box.path("shared_inc")
        self.box.write("shared_inc/params.inc", 'INCLUDE "more.inc"\n')
        self.box.write("shared_inc/more.inc", "PARAMETER { g = 0.001 (S/cm2) }\n")
        one = self.box.path("model1")
        self.box.write("model1/m.mod", MODEL_MOD)
        env = dict(self.box.env, MODL_INCLUDE=shared)
        out = self.nrnivmodl(one, env=env, check=False)
        self.assertEqual(out.returncode, 0, out.stdout)
        self.assertEqual(self.g(one), "0.001")
        with open(os.path.join(shared, "more.inc"), "w") as f:
            f.write("PARAMETER { g = 0.002 (S/cm2) }\n")
        self.nrnivmodl(one, env=env)
        self.assertEqual(self.g(one), "0.002")
        # A second model folder whose nested include differs gets its own object.
        two = self.box.path("model2")
        self.box.write("model2/m.mod", MODEL_MOD)
        self.box.write("model2/params.inc", 'INCLUDE "more.inc"\n')
        self.box.write("model2/more.inc", "PARAMETER { g = 0.006 (S/cm2) }\n")
        self.nrnivmodl(two)
        self.assertEqual(self.g(two), "0.006")
        # Without MODL_INCLUDE the first folder's include is not found, as with NEURON's nrnivmodl, even once
        # its files have settled (the manifest's entry, made with MODL_INCLUDE, does not vouch for this build).
        time.sleep(SETTLE)
        r = self.nrnivmodl(one, check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("params.inc", r.stdout)


if __name__ == "__main__":
    main()
