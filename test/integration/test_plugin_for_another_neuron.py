"""A libglia.so built for one NEURON, loaded into another (8.2 into 9 and 9 into 8.2), through
nrn_load_dll, load_file("glia.hoc") and import glia: glia refuses with its own message, naming the
NEURON it was built for, the NEURON that runs and what to do, and NEURON goes on working.

Needs a build of this tree for the other NEURON beside this one (CI has build/ for 8.2 and
build-nrn9/ for 9); each direction is tested from either build."""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import NEURON, PLUGIN, PYTHON, SOURCE_DIR, GliaTestCase, main, other_neuron_builds  # noqa: E402

# After the refusal NEURON must still simulate: one step of hh in a fresh section.
STILL_RUNNING_HOC = """
create soma
soma insert hh
finitialize(-65)
fadvance()
printf("STILL RUNNING %g\\n", soma.v(0.5))
"""


class PluginForAnotherNeuron(GliaTestCase):

    def setUp(self):
        super().setUp()
        others = other_neuron_builds()
        if not others:
            self.skipTest(f"no build of this tree for a NEURON other than {NEURON['version']} (CI has build/ "
                          "for 8.2 and build-nrn9/ for 9)")
        # (plugin, the NEURON it is built for, the NEURON it is loaded into), both ways
        self.cases = []
        for build, neuron in others:
            self.cases.append((os.path.join(build, "src", "plugin", "libglia.so"), neuron, NEURON))
            self.cases.append((PLUGIN, NEURON, neuron))

    def env_of(self, running, plugin):
        """The sandbox's environment with `running`'s nrniv and Python module (and glia's)."""
        return dict(self.box.env, GLIA_PLUGIN=plugin,
                    PATH=os.pathsep.join([running["bin_dir"], os.environ.get("PATH", "/usr/bin:/bin")]),
                    PYTHONPATH=os.pathsep.join(p for p in (os.path.join(SOURCE_DIR, "python"),
                                                           running["python_path"]) if p))

    def assert_glia_refused(self, out, plugin, built, running):
        self.assertIn(f"glia: error: {plugin} is built for NEURON {built['version']} ({built['prefix']}), "
                      f"but this is NEURON {running['version']}", out)
        self.assertIn("glia did not load, NEURON goes on without it", out)
        self.assertIn(f"Load a libglia.so built for NEURON {running['version']} instead, or build one: "
                      f"meson setup <dir> -Dneuron_prefix={running['prefix']}", out)
        self.assertIn(f"or run the NEURON it was built for ({built['bin_dir']}/nrniv", out)
        self.assertNotIn("dlopen failed", out)  # NEURON's own refusal, which named only a C symbol
        self.assertRegex(out, r"STILL RUNNING -?[0-9.]+")

    def test_nrn_load_dll(self):
        for plugin, built, running in self.cases:
            with self.subTest(built=built["version"], running=running["version"]):
                hoc = f'x = nrn_load_dll("{plugin}")\nprintf("LOADED %d DECLARED %d\\n", x, name_declared("glia_insert"))\n'
                r = self.box.nrniv(hoc + STILL_RUNNING_HOC, load=False, env=self.env_of(running, plugin))
                self.assertIn(f"NEURON -- VERSION {running['version']}", r.stdout)
                self.assertIn("LOADED 1 DECLARED 0", r.stdout)  # the front loaded; glia registered nothing
                self.assert_glia_refused(r.stdout, plugin, built, running)

    def test_load_file_glia_hoc(self):
        for plugin, built, running in self.cases:
            with self.subTest(built=built["version"], running=running["version"]):
                glia_hoc = os.path.join(self.box.glia_hoc(plugin), "glia.hoc")
                # The hoc error glia.hoc raises ends the statement (in 9 it would end a script's file as
                # well); execute1 contains it, as a user's session does, and the script carries on.
                hoc = f'execute1("load_file(\\"{glia_hoc}\\")")\n'
                r = self.box.nrniv(hoc + STILL_RUNNING_HOC, load=False, env=self.env_of(running, plugin))
                self.assertIn("glia.hoc: glia did not load into this NEURON; see glia's message above", r.stdout)
                self.assert_glia_refused(r.stdout, plugin, built, running)

    def test_import_glia(self):
        code = """
        from neuron import h
        try:
            import glia
        except ImportError as e:
            print("ImportError:", e)
        soma = h.Section(name="soma")
        soma.insert("hh")
        h.finitialize(-65)
        h.fadvance()
        print("STILL RUNNING", soma(0.5).v)
        """
        for plugin, built, running in self.cases:
            with self.subTest(built=built["version"], running=running["version"]):
                script = self.box.write("work/import_glia.py", code)
                r = self.box.run([PYTHON, script], env=self.env_of(running, plugin))
                self.assertIn(f"ImportError: glia: the plugin {plugin} did not load into this NEURON: glia's "
                              "message above says why", r.stdout)
                self.assert_glia_refused(r.stdout, plugin, built, running)


if __name__ == "__main__":
    main()
