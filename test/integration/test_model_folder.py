"""The model folder: glia.yaml, glia.lock and relative GLIA_PATH entries apply from the folder the user
started NEURON in, whichever of the four ways loads glia (nrn_load_dll, load_file("glia.hoc") in hoc and
in Python, import glia), although load_file runs glia.hoc inside glia.hoc's own folder."""

import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import EXAMPLE, PLUGIN, PYTHON, SOURCE_DIR, GliaTestCase, main, python_path  # noqa: E402

HOC_BODY = """
create soma
print "resolved ", glia_resolve("Kv1")
soma glia_insert("Kv1")
print "inserted"
"""

PY_BODY = """
soma = h.Section(name="soma")
print("resolved " + h.glia_resolve("Kv1"))
h.glia_insert("Kv1", sec=soma)
print("inserted")
"""

FOUR_WAYS = ("nrn_load_dll", "hoc load_file", "python load_file", "import glia")


class ModelFolder(GliaTestCase):
    def setUp(self):
        super().setUp()
        # The model folder is the sandbox's working directory; its package is found through a
        # relative GLIA_PATH entry, so the wrong folder finds no package at all.
        self.model = self.box.cwd
        shutil.copytree(EXAMPLE, os.path.join(self.model, "pkgs", "example"))
        self.box.env["GLIA_PATH"] = os.path.join("pkgs", "example")
        self.box.write("work/glia.yaml", "assets:\n  Kv1: {variant: fast}\n")
        # As a shell started in the model folder would: $PWD names it.
        self.box.env.update(HOC_LIBRARY_PATH=self.box.glia_hoc(), GLIA_PLUGIN=PLUGIN,
                            PYTHONPATH=python_path(os.path.join(SOURCE_DIR, "python")), PWD=self.model)

    def run_way(self, way, env=None):
        """Runs the model one way; returns its output (stdout and stderr)."""
        if way == "nrn_load_dll":
            script, argv = f'nrn_load_dll("{PLUGIN}")\n' + HOC_BODY, ["nrniv", "-nogui"]
        elif way == "hoc load_file":
            script, argv = 'load_file("glia.hoc")\n' + HOC_BODY, ["nrniv", "-nogui"]
        elif way == "python load_file":
            script, argv = 'from neuron import h\nh.load_file("glia.hoc")\n' + PY_BODY, [PYTHON]
        else:
            script, argv = "from neuron import h\nimport glia\n" + PY_BODY, [PYTHON]
        name = "model.hoc" if argv[0] == "nrniv" else "model.py"
        path = self.box.write(os.path.join("work", name), script + ("quit()\n" if name == "model.hoc" else ""))
        return self.box.run([*argv, path], check=False, env=env).stdout

    def test_four_ways_use_the_model_folder_preferences_and_lock(self):
        for way in FOUR_WAYS:
            with self.subTest(way=way):
                out = self.run_way(way)
                self.assertIn("resolved glia__example__Kv1__fast", out)
                self.assertIn("inserted", out)

        self.box.glia("lock", "Kv1")
        with open(os.path.join(self.model, "pkgs", "example", "mods", "Kv1__fast.mod"), "a") as f:
            f.write(": changed after locking\n")
        for way in FOUR_WAYS:
            with self.subTest(way=way, lock="stale"):
                out = self.run_way(way)
                self.assertIn(os.path.join(self.model, "glia.lock") + ": 1 of the model's 1 locked mechanisms changed",
                              out)
                self.assertIn("glia__example__Kv1__fast (asset Kv1)", out)
                self.assertNotIn("inserted", out)

    def test_load_file_without_pwd_takes_the_folder_neuron_returns_to(self):
        env = dict(self.box.env, GLIA_PATH=os.path.join(self.model, "pkgs", "example"))
        del env["PWD"]
        self.box.glia("lock", "Kv1", env=env)
        with open(os.path.join(self.model, "pkgs", "example", "mods", "Kv1__fast.mod"), "a") as f:
            f.write(": changed after locking\n")
        for way in ("hoc load_file", "python load_file"):
            with self.subTest(way=way):
                out = self.run_way(way, env=env)
                self.assertIn("locked mechanisms changed", out)
                self.assertNotIn("inserted", out)
        os.remove(os.path.join(self.model, "glia.lock"))
        for way in ("hoc load_file", "python load_file"):
            with self.subTest(way=way, lock="none"):
                self.assertIn("resolved glia__example__Kv1__fast", self.run_way(way, env=env))

    def test_load_file_refuses_a_stale_pwd_and_obeys_glia_model_dir(self):
        # Started by a program from elsewhere: $PWD names another folder, and the two pick different files.
        elsewhere = self.box.path("elsewhere")
        os.makedirs(elsewhere)
        stale = dict(self.box.env, PWD=elsewhere)
        for way in ("hoc load_file", "python load_file"):
            with self.subTest(way=way):
                out = self.run_way(way, env=stale)
                self.assertIn("glia cannot tell your model's folder", out)
                self.assertIn(f"GLIA_MODEL_DIR={self.model}", out)
                self.assertNotIn("inserted", out)
                chosen = self.run_way(way, env=dict(stale, GLIA_MODEL_DIR=self.model))
                self.assertIn("resolved glia__example__Kv1__fast", chosen)
                self.assertIn("inserted", chosen)
        out = self.run_way("nrn_load_dll", env=dict(self.box.env, GLIA_MODEL_DIR="relative/dir"))
        self.assertIn("GLIA_MODEL_DIR='relative/dir' is not an absolute path to a folder", out)


if __name__ == "__main__":
    main()
