"""The demo (share/glia/demo) in real nrniv and /usr/bin/python3: same spikes in HOC and Python,
the Kv1 preference changes the trace, and the PNG is written."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import PLUGIN, PYTHON, SOURCE_DIR, GliaTestCase, main, python_path  # noqa: E402

DEMO = os.path.join(SOURCE_DIR, "share", "glia", "demo")


class Demo(GliaTestCase):
    def spike_lines(self, out, language):
        """{label: spike times} from the demo's `<language> <label> N spikes at ... ms` lines."""
        lines = re.findall(rf"^{language} (\S.*?)\s+\d+ spikes at(.*) ms$", out, re.MULTILINE)
        return {label.strip(): times.split() for label, times in lines}

    def test_demo_runs_in_hoc_and_python_and_writes_the_png(self):
        # glia.hoc as built, pointed at the plugin under test instead of the install location
        env = dict(self.box.env, HOC_LIBRARY_PATH=self.box.glia_hoc(), GLIA_PLUGIN=PLUGIN,
                   PYTHONPATH=python_path(os.path.join(SOURCE_DIR, "python")))
        hoc = self.box.run(["nrniv", "-nogui", os.path.join(DEMO, "demo.hoc")], env=env).stdout
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
