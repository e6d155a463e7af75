"""Packages made for the original Python Glia and installed with pip: distributions that advertise a
`glia.package` entry point, laid out on disk as pip installs them (dist-info with METADATA, RECORD and
entry_points.txt; the module folder with its mods), in the Glia 0.x layout (mod/glia__pkg__asset__variant.mod)
and the 4.x layout (a Package(...) of Mod(...) entries), in a `python3 -m venv --system-site-packages`
environment and in the user site directory; used from HOC and from Python."""

import base64
import glob
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import PLUGIN, PYTHON, SETTLE, SOURCE_DIR, SharedCacheTestCase, density, main, python_path  # noqa: E402

# The 0.x module's own code is never run by glia (the file names say everything); it is what such
# a package looked like: an object whose package() Glia 0.x called.
GLIA0_MODULE = """
import os

class package:
    name = "lab0"
    path = os.path.dirname(__file__)
"""

# Counts its imports in $GLIA_TEST_IMPORTS, so the test sees each Python start that read it.
GLIA4_MODULE = """
import os
from pathlib import Path

from glia import Mod, Package

if os.environ.get("GLIA_TEST_IMPORTS"):
    with open(os.environ["GLIA_TEST_IMPORTS"], "a") as log:
        log.write("imported\\n")

__version__ = "2.0.1"

package = Package(
    "lab4",
    Path(__file__).resolve().parent,
    mods=[
        Mod("mods/Leak__0.mod", "Leak"),
        Mod("mods/Leak__b.mod", "Leak", variant="b"),
        Mod("mods/arbor/Leak.mod", "Leak", variant="arb", dialect="arbor"),
    ],
)
"""


def record_line(site, path):
    with open(os.path.join(site, path), "rb") as f:
        data = f.read()
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def install_distribution(site, name, version, entry, files):
    """Lays out distribution `name` in `site` as pip installs a wheel: the module's `files`
    ({path relative to site: text}), then NAME-VERSION.dist-info with METADATA, entry_points.txt,
    INSTALLER and RECORD (each file with its hash and size). Returns the dist-info folder."""
    dist_info = f"{name.replace('-', '_')}-{version}.dist-info"
    files = dict(files)
    files[f"{dist_info}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\nA test package.\n"
    files[f"{dist_info}/entry_points.txt"] = f"[console_scripts]\nlab = x:y\n\n[glia.package]\n{entry}\n"
    files[f"{dist_info}/INSTALLER"] = "pip\n"
    for path, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(site, path)), exist_ok=True)
        with open(os.path.join(site, path), "w") as f:
            f.write(text)
    lines = [record_line(site, path) for path in sorted(files)] + [f"{dist_info}/RECORD,,"]
    with open(os.path.join(site, dist_info, "RECORD"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return os.path.join(site, dist_info)


def glia0_files():
    return {
        "glia_lab0/__init__.py": GLIA0_MODULE,
        "glia_lab0/mod/glia__lab0__Leak__0.mod": density("glia__lab0__Leak__0", g="0.001"),
        "glia_lab0/mod/glia__lab0__Leak__fast.mod": density("glia__lab0__Leak__fast", g="0.002"),
    }


def glia4_files(module=GLIA4_MODULE):
    return {
        "lab4/__init__.py": module,
        # Glia 4.x mods carry their full names already; glia namespaces them either way.
        "lab4/mods/Leak__0.mod": density("glia__lab4__Leak__0", g="0.003"),
        "lab4/mods/Leak__b.mod": density("glia__lab4__Leak__b", g="0.004"),
        "lab4/mods/arbor/Leak.mod": "NEURON { SUFFIX not_for_neuron }\n this is Arbor's dialect, never compiled\n",
    }


PROBE_HOC = """
create soma
soma {{ glia_insert("Leak", "{pkg}", "{variant}") print "INSERTED ", ismembrane("glia__{pkg}__Leak__{variant}"), g_glia__{pkg}__Leak__{variant} }}
"""

PROBE_PY = """
import glia
soma = h.Section(name="soma")
glia.insert(soma, "Leak", pkg="{pkg}", variant="{variant}")
print("INSERTED", soma.has_membrane("glia__{pkg}__Leak__{variant}"), getattr(soma(0.5), "g_glia__{pkg}__Leak__{variant}"))
"""


class PipPackages(SharedCacheTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # One virtual environment for the class (as a user makes it; no pip needed inside it).
        cls.venv_root = tempfile.mkdtemp(prefix="glia-test-venv-")
        cls.venv = os.path.join(cls.venv_root, "venv")
        subprocess.run([PYTHON, "-m", "venv", "--system-site-packages", "--without-pip", cls.venv], check=True)
        cls.venv_site = glob.glob(os.path.join(cls.venv, "lib", "python3*", "site-packages"))[0]

    @classmethod
    def tearDownClass(cls):
        import shutil
        shutil.rmtree(cls.venv_root, ignore_errors=True)
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.box.env.pop("VIRTUAL_ENV", None)
        self.box.env.pop("PYTHONNOUSERSITE", None)
        del self.box.env["GLIA_PATH"]  # only what Python has installed
        self.installed = []

    def tearDown(self):
        import shutil
        for path in self.installed:  # the venv is shared by the class
            shutil.rmtree(path, ignore_errors=True)
        super().tearDown()

    def install(self, site, name, version, entry, files):
        dist_info = install_distribution(site, name, version, entry, files)
        self.installed += [dist_info, *{os.path.join(site, p.split("/")[0]) for p in files}]
        return dist_info

    def activate(self):
        self.box.env["VIRTUAL_ENV"] = self.venv
        self.box.env["PATH"] = os.path.join(self.venv, "bin") + os.pathsep + self.box.env["PATH"]

    def venv_python(self, code, check=True):
        """Runs `code` with the virtual environment's python (NEURON comes from the system site) and
        the module `glia` of the source tree, which loads the built plugin."""
        env = dict(self.box.env, PYTHONPATH=python_path(os.path.join(SOURCE_DIR, "python")), GLIA_PLUGIN=PLUGIN)
        script = self.box.write("work/probe.py", "from neuron import h\n" + code)
        return self.box.run([os.path.join(self.venv, "bin", "python3"), script], check=check, env=env)

    def test_glia0_distribution_in_a_venv_from_hoc_and_python(self):
        dist_info = self.install(self.venv_site, "glia-lab0", "1.2.0", "lab0 = glia_lab0:package", glia0_files())
        self.assertNotIn("lab0", self.box.glia("list").stdout)  # the venv is not active: not on the path
        # The venv's own python finds it without activation: import glia tells the plugin its environment.
        out = self.venv_python(PROBE_PY.format(pkg="lab0", variant="0")).stdout
        self.assertIn("INSERTED True 0.001", out)
        self.activate()
        listing = self.box.glia("list").stdout
        self.assertIn(f"lab0 1.2.0  ({self.venv_site}/glia_lab0/mod)", listing)
        self.assertIn(f"  from Python distribution glia-lab0 1.2.0 ({dist_info})", listing)
        self.assertIn("Leak  variant fast  density  glia__lab0__Leak__fast", listing)
        out = self.box.nrniv(PROBE_HOC.format(pkg="lab0", variant="fast")).stdout
        self.assertIn("INSERTED 1 0.002", out)
        shown = json.loads(self.box.glia("show-pkg", "lab0", "--json").stdout)
        self.assertEqual(shown["distribution"], {"name": "glia-lab0", "version": "1.2.0", "path": dist_info})
        self.assertEqual(shown["origin"], "python")

    @staticmethod
    def imports(log):
        with open(log) as f:
            return f.read().count("imported")

    def test_glia4_distribution_read_once_by_python(self):
        imports = self.box.path("imports.log")
        self.box.env["GLIA_TEST_IMPORTS"] = imports
        dist_info = self.install(self.venv_site, "lab4-mods", "2.0.1", "lab4 = lab4:package", glia4_files())
        self.activate()
        time.sleep(SETTLE)  # files younger than the stamp margin are asked again (FileStamp::settled)
        listing = self.box.glia("list").stdout
        self.assertIn(f"lab4 2.0.1  ({self.venv_site}/lab4)", listing)
        self.assertIn(f"  from Python distribution lab4-mods 2.0.1 ({dist_info})", listing)
        self.assertIn("glia__lab4__Leak__b", listing)
        self.assertNotIn("arb", listing)  # a mod for Arbor is not NEURON's
        self.assertEqual(self.imports(imports), 1)
        out = self.box.nrniv(PROBE_HOC.format(pkg="lab4", variant="b")).stdout
        self.assertIn("INSERTED 1 0.004", out)
        out = self.venv_python(PROBE_PY.format(pkg="lab4", variant="0")).stdout
        self.assertIn("INSERTED True 0.003", out)
        self.assertEqual(self.imports(imports), 1, "NEURON's start asked Python again")
        # Edited in place: the module's stamp changed, so Python reads it once more.
        with open(os.path.join(self.venv_site, "lab4", "__init__.py"), "a") as f:
            f.write('package.mods.append(Mod("mods/Leak__0.mod", "Leak", variant="copy"))\n')
        listing = self.box.glia("list").stdout
        self.assertIn("glia__lab4__Leak__copy", listing)
        self.assertEqual(self.imports(imports), 2)

    def test_user_site_and_search_order(self):
        version = os.path.basename(os.path.realpath(PYTHON))[len("python"):]  # 3.11
        user_site = self.box.path("home", ".local", "lib", f"python{version}", "site-packages")
        self.install(user_site, "glia-lab0", "1.2.0", "lab0 = glia_lab0:package", glia0_files())
        out = self.box.nrniv(PROBE_HOC.format(pkg="lab0", variant="0")).stdout
        self.assertIn("INSERTED 1 0.001", out)
        # Inside a virtual environment Python does not read the user site directory; neither does glia.
        self.activate()
        self.assertNotIn("lab0", self.box.glia("list").stdout)
        del self.box.env["VIRTUAL_ENV"]
        # GLIA_PATH and the user's glia packages come before Python's distributions.
        folder = self.box.package("lab0", {"Leak.mod": density("Leak", g="0.005")})
        self.box.env["GLIA_PATH"] = folder
        listing = self.box.glia("list").stdout
        self.assertIn(f"lab0  ({folder})", listing)
        self.assertIn(f"note: package 'lab0' in {user_site}/glia_lab0 is hidden by {folder}", listing)

    def test_broken_distributions_are_named(self):
        self.install(self.venv_site, "lab4-mods", "2.0.1", "lab4 = lab4:package",
                     glia4_files(GLIA4_MODULE.replace('"mods/Leak__b.mod"', '"../outside.mod"')))
        self.install(self.venv_site, "ghost", "0.1", "ghost = ghost_module:package", {"ghost_other/x.txt": ""})
        self.activate()
        out = self.box.glia("list").stdout
        self.assertIn("mod file '../outside.mod' lies outside the package", out)
        self.assertIn(f"{self.venv_site}/lab4_mods-2.0.1.dist-info/entry_points.txt (lab4:package)", out)
        self.assertIn("module 'ghost_module', which is not a folder with __init__.py", out)


if __name__ == "__main__":
    main()
