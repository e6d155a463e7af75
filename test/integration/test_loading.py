"""Loading the plugin: twice, through glia.hoc, beside an nrnivmodl x86_64 folder, under the
GLIA_NOLOAD switch, and under MPI (one rank prints)."""

import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import NEURON, PLUGIN, SharedCacheTestCase, main, skip_unless_mpi  # noqa: E402

# A mechanism of the kind nrnivmodl users keep in their model folder.
LOCAL_MOD = """
NEURON { SUFFIX localpas  NONSPECIFIC_CURRENT i  RANGE g, e }
PARAMETER { g = 0.0003 (S/cm2)  e = -70 (mV) }
ASSIGNED { v (mV)  i (mA/cm2) }
BREAKPOINT { i = g * (v - e) }
"""

MOD_FUNC = """
extern void _localpas_reg(void);
void modl_reg(void) { _localpas_reg(); }
"""


class Loading(SharedCacheTestCase):
    # One build cache for the class: the example package is compiled once, not per test.

    def test_loading_twice_is_harmless(self):
        hoc = f"""
        nrn_load_dll("{PLUGIN}")
        create soma
        soma glia_insert("Kv1")
        soma print "INSERTED ", ismembrane("glia__example__Kv1__0")
        """
        out = self.box.nrniv(hoc).stdout
        self.assertIn("INSERTED 1", out)
        self.assertNotIn("already exists", out)

    def test_a_mechanism_tells_its_file_without_the_build_folder(self):
        # nocmodl writes the path it was given into the mechanism: a scratch folder of the cache, gone
        # after the build. MechanismType.file() tells the file name alone.
        hoc = """
        objref mt
        mt = new MechanismType(0)
        mt.select("glia__example__Kv1__0")
        strdef f
        f = mt.file()
        print "FILE [", f, "]"
        """
        out = self.box.nrniv(hoc).stdout
        self.assertIn("FILE [glia__example__Kv1__0.mod]", out)

    def test_loading_twice_from_python_is_harmless(self):
        code = f"""
        h.nrn_load_dll("{PLUGIN}")
        s = h.Section(name="s")
        h.glia_insert("Na", sec=s)
        print("MECHS", [m.name() for m in s(0.5)])
        """
        self.assertIn("glia__example__Na__0", self.box.python(code).stdout)

    def test_glia_hoc_loads_the_plugin_once(self):
        env = dict(self.box.env, HOC_LIBRARY_PATH=self.box.glia_hoc(PLUGIN))
        hoc = """
        load_file("glia.hoc")
        load_file("glia.hoc")
        load_file(1, "glia.hoc")
        create soma
        soma glia_insert("Leak")
        soma print "INSERTED ", ismembrane("glia__example__Leak__0")
        """
        out = self.box.nrniv(hoc, env=env, load=False).stdout
        self.assertIn("INSERTED 1", out)
        self.assertNotIn("already exists", out)

    def test_glia_hoc_with_the_plugin_gone_says_what_to_do(self):
        moved = self.box.path("moved", "libglia.so")
        env = dict(self.box.env, HOC_LIBRARY_PATH=self.box.glia_hoc(moved))
        out = self.box.nrniv('load_file("glia.hoc")\nprint "NEW ", name_declared("glia_new")', env=env,
                             load=False, check=False).stdout
        self.assertIn(f"glia.hoc: cannot load glia's plugin {moved}; reinstall glia, or "
                      'nrn_load_dll("/path/to/libglia.so") first', out)

    def test_glia_hoc_after_own_nrn_load_dll(self):
        env = dict(self.box.env, HOC_LIBRARY_PATH=self.box.glia_hoc(self.box.path("moved", "libglia.so")))
        hoc = """
        load_file("glia.hoc")
        print "VERSION ", glia_version()
        """
        out = self.box.nrniv(hoc, env=env).stdout
        self.assertIn("VERSION ", out)
        self.assertNotIn("dlopen failed", out)

    def make_nrnmech(self):
        """An x86_64/.libs/libnrnmech.so made the way nrnivmodl makes it (Debian's nrnivmodl is broken)."""
        work = self.box.cwd
        build = os.path.join(work, "x86_64")
        os.makedirs(os.path.join(build, ".libs"))
        self.box.write("work/localpas.mod", LOCAL_MOD)
        self.box.write("work/x86_64/mod_func.c", MOD_FUNC)
        env = dict(self.box.env, MODLUNIT=os.path.join(NEURON["prefix"], "share", "nrn", "lib", "nrnunits.lib"))
        self.box.run(["nocmodl", "localpas.mod", "-o", "x86_64"], env=env)
        # NEURON 9's nocmodl writes C++ (with an extern "C" registration function), 8.2's C
        for source in ("localpas.cpp", "localpas.c", "mod_func.c"):
            if os.path.exists(os.path.join(build, source)):
                compiler = ["c++", "-std=c++17"] if source.endswith(".cpp") else ["cc"]
                self.box.run([*compiler, "-O2", "-fPIC", "-DHAVE_CONFIG_H", "-I" + NEURON["include_dir"], "-c",
                              f"x86_64/{source}", "-o", f"x86_64/{source.split('.')[0]}.o"])
        lib_dir = NEURON["lib_dir"]
        # where this NEURON's nrniv looks for it: x86_64/.libs/libnrnmech.so in 8.2, x86_64/libnrnmech.so in 9
        with open(os.path.join(NEURON["include_dir"], "nrnmpiuse.h")) as f:
            library = re.search(r'#define DLL_DEFAULT_FNAME "([^"]+)"', f.read()).group(1)
        self.box.run(["c++", "-shared", "-fPIC", "x86_64/localpas.o", "x86_64/mod_func.o", "-L" + lib_dir,
                      "-lnrniv", "-Wl,-rpath," + lib_dir, "-o", library])

    def test_nrnivmodl_folder_in_working_directory_does_not_clash(self):
        self.make_nrnmech()
        hoc = """
        create soma
        soma { insert localpas  glia_insert("Kv1")  glia_insert("pas") }
        soma print "BOTH ", ismembrane("localpas"), ismembrane("glia__example__Kv1__0"), ismembrane("pas")
        """
        out = self.box.nrniv(hoc).stdout
        self.assertIn("BOTH 1 1 1", out)
        code = """
        s = h.Section(name="s")
        s.insert("localpas")
        h.glia_insert("Kv1", sec=s)
        print("MECHS", sorted(m.name() for m in s(0.5)))
        """
        out = self.box.python(code).stdout
        self.assertIn("'glia__example__Kv1__0'", out)
        self.assertIn("'localpas'", out)

    def test_noload_registers_builtins_and_loads_nothing(self):
        env = dict(self.box.env, GLIA_NOLOAD="1", GLIA_CACHE_DIR=self.box.path("empty-cache"))
        hoc = """
        print "VERSION ", glia_version()
        create soma
        err = execute1("soma glia_insert(\\"Kv1\\")")
        print "RESULT ", err, " DECLARED ", name_declared("glia__example__Kv1__0")
        """
        out = self.box.nrniv(hoc, env=env).stdout
        self.assertIn("GLIA_NOLOAD is set: builtins registered, no package built or loaded", out)
        self.assertIn("VERSION ", out)
        self.assertIn("GLIA_NOLOAD is set, so glia loaded no packages; unset it to use them", out)
        self.assertIn("RESULT 0  DECLARED 0", out)
        self.assertFalse(os.path.exists(self.box.path("empty-cache", "libs")), "nothing may be built")

    def test_noload_zero_means_off(self):
        env = dict(self.box.env, GLIA_NOLOAD="0")
        out = self.box.nrniv('create soma\nsoma glia_insert("Kv1")\nprint "OK"', env=env).stdout
        self.assertIn("OK", out)

    def test_nocompile_loads_what_the_cache_has(self):
        env = dict(self.box.env, GLIA_NOCOMPILE="1", GLIA_CACHE_DIR=self.box.path("cold-cache"))
        hoc = """
        create soma
        err = execute1("soma glia_insert(\\"Kv1\\")")
        print "RESULT ", err
        """
        out = self.box.nrniv(hoc, env=env).stdout
        self.assertIn("the cache has no library of package 'example' and GLIA_NOCOMPILE is set; "
                      "run 'glia compile' first", out)
        self.assertIn("RESULT 0", out)
        self.assertNotIn("[1/", out)  # nothing was compiled
        self.assertFalse(os.path.exists(self.box.path("cold-cache", "objects")))

        self.box.nrniv("", env=dict(env, GLIA_NOCOMPILE="0"))  # builds into the cache
        out = self.box.nrniv('create soma\nsoma glia_insert("Kv1")\nsoma print "INSERTED ", '
                             'ismembrane("glia__example__Kv1__0")', env=env).stdout
        self.assertIn("INSERTED 1", out)

        # A mod added later is not built: it is reported, the rest still loads.
        extra = self.box.path("extra")
        shutil.copytree(os.path.join(os.path.dirname(self.box.env["GLIA_PATH"]), "example"), extra)
        env["GLIA_PATH"] = extra
        self.box.nrniv("", env=dict(env, GLIA_NOCOMPILE="0"))
        shutil.copy(os.path.join(extra, "mods", "Leak.mod"), os.path.join(extra, "mods", "Leak2.mod"))
        out = self.box.nrniv('create soma\nsoma glia_insert("Kv1")\nprint "LEAK2 ", glia_exists("Leak2")',
                             env=env).stdout
        self.assertIn("example.Leak2(0)", out)
        self.assertIn("LEAK2 0", out)
        self.assertNotIn("[1/", out)

        # A mod edited since the build: the old build loads, with a warning naming the file.
        with open(os.path.join(extra, "mods", "Kv1.mod"), "a") as f:
            f.write(": edited after the build\n")
        out = self.box.nrniv('create soma\nsoma glia_insert("Kv1")\nprint "KV1 ", glia_exists("Kv1")', env=env).stdout
        self.assertIn("changed after its library was built (", out)
        self.assertIn("Kv1.mod", out)
        self.assertIn("run 'glia compile' to update it", out)
        self.assertIn("KV1 1", out)
        self.assertNotIn("[1/", out)

    @skip_unless_mpi
    def test_only_rank_zero_prints(self):
        self.box.nrniv("")  # build first, so both ranks find the cache ready and report nothing else
        self.box.write("bad/glia-package.yaml", "name: [\n")  # a malformed manifest: reported
        self.box.env["GLIA_PATH"] += os.pathsep + self.box.path("bad")
        script = self.box.write("work/mpi.hoc", f"""
        nrn_load_dll("{PLUGIN}")
        objref pc
        pc = new ParallelContext()
        create soma
        soma glia_insert("Kv1")
        soma printf("RANK %d OF %d INSERTED %d\\n", pc.id, pc.nhost, ismembrane("glia__example__Kv1__0"))
        pc.barrier()
        quit()
        """)
        argv = ["mpiexec", "--allow-run-as-root", "--oversubscribe", "-n", "2", "nrniv", "-mpi", "-nogui", script]
        try:
            out = self.box.run(argv, timeout=300).stdout
        except subprocess.TimeoutExpired:
            self.skipTest("mpiexec did not finish (no usable MPI transport here)")
        self.assertIn("RANK 0 OF 2 INSERTED 1", out)
        self.assertIn("RANK 1 OF 2 INSERTED 1", out)
        glia_lines = [line for line in out.splitlines() if line.startswith("glia:")]
        self.assertTrue(glia_lines, "rank 0 should report the bad package directory")
        self.assertEqual(len(glia_lines), len(set(glia_lines)), f"a rank other than 0 printed:\n{out}")


if __name__ == "__main__":
    main()
