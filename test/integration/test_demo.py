"""The demo (share/glia/demo) in real nrniv and /usr/bin/python3: same spikes in HOC and Python,
the Kv1 preference changes the trace, and the PNG is written."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import (NEURON, PLUGIN, PYTHON, SOURCE_DIR, GliaTestCase, main, other_neuron_builds,  # noqa: E402
                     python_path)

DEMO = os.path.join(SOURCE_DIR, "share", "glia", "demo")


class Demo(GliaTestCase):
    def spike_lines(self, out, language):
        """{label: spike times} from the demo's `<language> <label> N spikes at ... ms` lines."""
        lines = re.findall(rf"^{language} (\S.*?)\s+\d+ spikes at(.*) ms$", out, re.MULTILINE)
        return {label.strip(): times.split() for label, times in lines}

    def run_demo_hoc(self, plugin, bin_dir):
        """The demo in `bin_dir`'s nrniv, with glia.hoc pointed at `plugin`; returns (its output, the
        environment it ran in)."""
        env = dict(self.box.env, HOC_LIBRARY_PATH=self.box.glia_hoc(plugin), GLIA_PLUGIN=plugin,
                   PYTHONPATH=python_path(os.path.join(SOURCE_DIR, "python")),
                   PATH=bin_dir + os.pathsep + self.box.env["PATH"])
        return self.box.run(["nrniv", "-nogui", os.path.join(DEMO, "demo.hoc")], env=env).stdout, env

    def test_demo_spikes_alike_on_neuron_8_and_9(self):
        others = other_neuron_builds()
        if not others:
            self.skipTest(f"no build of this tree for a NEURON other than {NEURON['version']} (CI has build/ "
                          "for 8.2 and build-nrn9/ for 9.0)")
        here = self.spike_lines(self.run_demo_hoc(PLUGIN, NEURON["bin_dir"])[0], "HOC")
        self.assertGreaterEqual(len(here["glia__example__Kv1__0"]), 3)
        for build, neuron in others:
            plugin = os.path.join(build, "src", "plugin", "libglia.so")
            there = self.spike_lines(self.run_demo_hoc(plugin, neuron["bin_dir"])[0], "HOC")
            self.assertEqual(here, there, f"NEURON {NEURON['version']} and {neuron['version']} ({build}) "
                                          "should give the same spike times")

    def test_demo_runs_in_hoc_and_python_and_writes_the_png(self):
        hoc, env = self.run_demo_hoc(PLUGIN, NEURON["bin_dir"])
        png = self.box.path("work", "demo.png")
        py = self.box.run([PYTHON, os.path.join(DEMO, "demo.py"), png], env=env).stdout

        hoc_spikes, py_spikes = self.spike_lines(hoc, "HOC"), self.spike_lines(py, "Python")
        self.assertEqual(hoc_spikes, py_spikes, "the HOC and Python models should spike alike")
        self.assertEqual(set(hoc_spikes), {"Spiker (input)", "glia__example__Kv1__0", "glia__example__Kv1__fast"})
        self.assertGreaterEqual(len(hoc_spikes["glia__example__Kv1__0"]), 3)
        self.assertNotEqual(hoc_spikes["glia__example__Kv1__0"], hoc_spikes["glia__example__Kv1__fast"])
        self.assertIn(f"PNG written to {png}", py)
        with open(png, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")


if __name__ == "__main__":
    main()
