"""glia installs with pip: `pip install --no-build-isolation .` in a fresh `python3 -m venv
--system-site-packages` environment, offline, puts the module, the plugin and the command into the
environment; `import glia` there loads the environment's plugin, HOC loads it by path, and the command
finds the shipped packages from where pip put them."""

import glob
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import BUILD_DIR, NEURON, PYTHON, SOURCE_DIR, GliaTestCase, main  # noqa: E402

HAS_MESONPY = subprocess.run([PYTHON, "-c", "import mesonpy"], capture_output=True).returncode == 0


@unittest.skipUnless(HAS_MESONPY, "python3-mesonpy is not installed (scripts/setup.sh installs it)")
@unittest.skipUnless(NEURON["prefix"] == "/usr",
                     "builds the wheel once, against Debian's NEURON (as pip without options does)")
class PipInstall(GliaTestCase):
    def test_pip_install_into_a_fresh_venv(self):
        venv = self.box.path("venv")
        env = dict(self.box.env, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
        for var in ("GLIA_PLUGIN", "GLIA_CLI", "GLIA_PATH", "PYTHONPATH"):  # only what pip installed
            env.pop(var, None)
        self.box.run([PYTHON, "-m", "venv", "--system-site-packages", "--without-pip", venv], env=env)
        python = os.path.join(venv, "bin", "python3")
        # The wheel's Meson build dir stays in this build tree, so a second run builds only what changed;
        # without optimization, since this tests the install, not the speed.
        self.box.run([python, "-m", "pip", "install", "--no-build-isolation", "--no-index", "--no-deps",
                      "--config-settings", f"builddir={os.path.join(BUILD_DIR, 'pip-wheel')}",
                      "--config-settings", "setup-args=-Doptimization=0", SOURCE_DIR], env=env, timeout=1500)
        site = glob.glob(os.path.join(venv, "lib", "python3*", "site-packages"))[0]
        for installed in ("glia/__init__.py", "glia/libglia.so", "glia/libglia_nrn.so", "glia/share/glia/packages/example/glia-package.yaml",
                          "glia/share/glia/diff/glia_diff.py"):
            self.assertTrue(os.path.isfile(os.path.join(site, installed)), installed)
        env["PATH"] = os.path.join(venv, "bin") + os.pathsep + env["PATH"]
        env["VIRTUAL_ENV"] = venv

        # The command in the environment's bin finds the shipped packages in site-packages/glia.
        listing = self.box.run([os.path.join(venv, "bin", "glia"), "list"], env=env).stdout
        self.assertIn(f"example 1.0.0  ({site}/glia/share/glia/packages/example)", listing)

        # import glia (from a script outside the source tree) loads the environment's plugin.
        script = self.box.write("work/use.py", """
            from neuron import h
            import glia
            print("MODULE", glia.__file__)
            print("PLUGIN", glia._plugin_path())
            soma = h.Section(name="soma")
            glia.insert(soma, "Kv1", variant="fast")
            print("INSERTED", soma.has_membrane("glia__example__Kv1__fast"))
            print("PACKAGES", [(p.name, p.origin) for p in glia.get_packages()])
            """)
        out = self.box.run([python, script], env=env).stdout
        self.assertIn(f"MODULE {site}/glia/__init__.py", out)
        self.assertIn(f"PLUGIN {site}/glia/libglia.so", out)
        self.assertIn("INSERTED True", out)
        self.assertIn("PACKAGES [('example', 'install')]", out)

        # From HOC, by the plugin's path.
        hoc = self.box.write("work/use.hoc", f"""
            nrn_load_dll("{site}/glia/libglia.so")
            create soma
            soma {{ glia_insert("Leak") print "HOC ", ismembrane("glia__example__Leak__0") }}
            quit()
            """)
        self.assertIn("HOC 1", self.box.run(["nrniv", "-nogui", hoc], env=env).stdout)

        # pip takes it all away again.
        self.box.run([python, "-m", "pip", "uninstall", "-y", "glia"], env=env)
        self.assertFalse(os.path.exists(os.path.join(site, "glia")))
        self.assertFalse(os.path.exists(os.path.join(venv, "bin", "glia")))


if __name__ == "__main__":
    main()
