"""Which NEURON `meson setup` builds against: a pip wheel's tree (-Dneuron_prefix=auto), nrniv's on PATH
(the default), and a prefix whose headers and library are two different NEURONs (refused). The trees are
made of links into the real NEURON 9.0.2 and Debian's 8.2; only Meson's configure step runs."""

import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import SOURCE_DIR, GliaTestCase, main  # noqa: E402

NEURON9 = "/opt/nrn-9.0.2"
DEBIAN_LIBNRNIV = "/usr/lib/nrn/libnrniv.so"


@unittest.skipUnless(os.path.exists(os.path.join(NEURON9, "bin", "nrniv")), f"NEURON 9.0.2 is not installed in {NEURON9}")
class NeuronLayouts(GliaTestCase):
    def setup(self, *options, env=None):
        """Runs `meson setup` of the source tree into a fresh directory; returns (exit code, output)."""
        build = self.box.path("build")
        r = subprocess.run(["meson", "setup", build, SOURCE_DIR, "-Dtests=false", *options], env=env or self.box.env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
        return r.returncode, r.stdout

    def link_tree(self, root, parts):
        """`root` holding a link per {name: target}."""
        for name, target in parts.items():
            os.makedirs(os.path.dirname(os.path.join(root, name)), exist_ok=True)
            os.symlink(target, os.path.join(root, name))

    def test_auto_finds_a_pip_wheel_from_pythons_neuron_module(self):
        site = self.box.path("venv", "lib", "python3", "site-packages")
        data = os.path.join(site, "neuron", ".data")
        self.link_tree(data, {part: os.path.join(NEURON9, part) for part in ("bin", "include", "lib", "share")})
        self.box.write(os.path.join(site, "neuron", "__init__.py"), "")
        code, out = self.setup("-Dneuron_prefix=auto", env=dict(self.box.env, PYTHONPATH=site))
        self.assertEqual(code, 0, out)
        self.assertIn(f"NEURON 9.0.2 at {data} (library in {data}/lib)", out)

    def test_auto_refuses_a_neuron_module_that_is_not_a_wheel(self):
        code, out = self.setup("-Dneuron_prefix=auto", env=dict(self.box.env, PYTHONPATH=os.path.join(NEURON9, "lib", "python")))
        self.assertNotEqual(code, 0, out)
        self.assertIn("is not a pip wheel (it has no .data folder); give its installation instead: -Dneuron_prefix=", out)

    def test_default_is_the_neuron_of_nrniv_on_path(self):
        env = dict(self.box.env, PATH=os.path.join(NEURON9, "bin") + os.pathsep + self.box.env["PATH"])
        code, out = self.setup(env=env)
        self.assertEqual(code, 0, out)
        self.assertIn(f"NEURON 9.0.2 at {NEURON9} (library in {NEURON9}/lib)", out)

    @unittest.skipUnless(os.path.exists(DEBIAN_LIBNRNIV), "Debian's NEURON 8.2 is not installed")
    def test_headers_of_one_neuron_and_library_of_another_are_refused(self):
        mixed = self.box.path("mixed")
        self.link_tree(mixed, {"bin": os.path.join(NEURON9, "bin"), "include": os.path.join(NEURON9, "include"),
                               "lib/libnrniv.so": DEBIAN_LIBNRNIV})
        code, out = self.setup("-Dneuron_prefix=" + mixed)
        self.assertNotEqual(code, 0, out)
        self.assertIn(f"{mixed}/include holds NEURON 9.0.2's headers but {mixed}/lib/libnrniv.so is NEURON 8.2.2", out)


if __name__ == "__main__":
    main()
