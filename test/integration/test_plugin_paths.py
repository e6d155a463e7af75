"""The plugin loads from any path that leads to it, from HOC (nrniv) and Python: a link to libglia.so
in the model folder, a link to its folder, and a copy, which finds the plugin proper in the install's
library folder (the prefix's, fixed when glia is built) only if that one is its own build's.

(A bare nrn_load_dll("libglia.so") is not among them: NEURON 8.2 and 9 hand the bare name to dlopen,
which looks for it on the library path, not in the working directory.)"""

import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import BUILD_DIR, PLUGIN, PYTHON, GliaTestCase, main  # noqa: E402

PROPER = os.path.join(os.path.dirname(PLUGIN), "libglia_nrn.so")

# Which libglia_nrn.so the process mapped, and whether glia's builtins are there.
HOC = """
x = nrn_load_dll("{plugin}")
printf("LOADED %d DECLARED %d\\n", x, name_declared("glia_version"))
if (name_declared("glia_version")) {{ printf("VERSION %s\\n", glia_version()) }}
system("grep -o '/[^ ]*libglia_nrn.so' /proc/$PPID/maps | sed 's/^/MAPPED /' | sort -u")
"""
PYTHON_CODE = """
import os
from neuron import h
x = h.nrn_load_dll({plugin!r})
print("LOADED %d DECLARED %d" % (x, h.name_declared("glia_version")))
if h.name_declared("glia_version"):
    print("VERSION " + h.glia_version())
for line in sorted(set(l.split()[-1] for l in open("/proc/self/maps") if l.rstrip().endswith("libglia_nrn.so"))):
    print("MAPPED " + line)
"""


def install_libdir():
    """The install's library folder this build's libglia.so looks in (meson's prefix and libdir)."""
    out = subprocess.run(["meson", "introspect", "--buildoptions", BUILD_DIR], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    opts = {o["name"]: o["value"] for o in json.loads(out)}
    return os.path.join(opts["prefix"], opts["libdir"])


class PluginPaths(GliaTestCase):

    def setUp(self):
        super().setUp()
        self.model = self.box.path("model")
        os.makedirs(self.model)
        # Builtins only: what is tested is that the plugin proper loads, not the packages.
        self.box.env["GLIA_NOLOAD"] = "1"

    def load(self, plugin, how, prefix=()):
        """Loads `plugin` from the model folder `how` ("hoc" or "python"); returns the output."""
        if how == "hoc":
            script = self.box.write("model/load.hoc", HOC.format(plugin=plugin) + "quit()\n")
            argv = ["nrniv", "-nogui", script]
        else:
            argv = [PYTHON, self.box.write("model/load.py", PYTHON_CODE.format(plugin=plugin))]
        return self.box.run([*prefix, *argv], cwd=self.model, check=False).stdout

    def assert_loaded(self, out, proper=PROPER):
        self.assertIn("DECLARED 1", out)
        self.assertIn("VERSION ", out)
        self.assertNotIn("glia: error", out)
        mapped = [line.split(" ", 1)[1] for line in out.splitlines() if line.startswith("MAPPED ")]
        self.assertEqual([os.path.realpath(m) for m in mapped], [os.path.realpath(proper)], out)

    def test_links_to_the_plugin_and_to_its_folder(self):
        link = os.path.join(self.model, "libglia.so")
        os.symlink(PLUGIN, link)
        os.symlink(os.path.dirname(PLUGIN), os.path.join(self.model, "glia"))
        in_linked_folder = os.path.join(self.model, "glia", "libglia.so")
        for path in (link, in_linked_folder):
            for how in ("hoc", "python"):
                with self.subTest(how=how, path=path):
                    self.assert_loaded(self.load(path, how))
        with self.subTest(how="hoc", path="./libglia.so"):
            self.assert_loaded(self.load("./libglia.so", "hoc"))

    # A copy has no link to follow: the plugin proper comes from the install's library folder. The
    # test puts one there in a mount namespace of its own (a tmpfs over the folder, or the nearest
    # folder above it that exists), so the machine's install is neither needed nor touched.
    def in_install(self, proper):
        """The command prefix that runs a command with `proper` (None: nothing) as the install's
        libglia_nrn.so; skips the test where this machine cannot mount."""
        libdir = install_libdir()
        top = libdir
        while not os.path.isdir(top):
            top = os.path.dirname(top)
        if top.count("/") < 2:
            self.skipTest(f"the install's library folder {libdir} is not below a folder of its own to hide")
        if not shutil.which("unshare") or subprocess.run(["unshare", "--mount", "true"]).returncode != 0:
            self.skipTest("cannot make a mount namespace here (unshare --mount: not root, or a container)")
        fill = f'mkdir -p "{libdir}" && ' + (f'cp "{proper}" "{libdir}/libglia_nrn.so" && ' if proper else "")
        return ["unshare", "--mount", "sh", "-c", f'mount -t tmpfs glia-test "{top}" && {fill}exec "$@"', "sh"]

    def copy_plugin(self):
        copy = os.path.join(self.model, "libglia.so")
        shutil.copy(PLUGIN, copy)
        return copy

    def test_copy_beside_its_install(self):
        copy = self.copy_plugin()
        prefix = self.in_install(PROPER)
        for how in ("hoc", "python"):
            with self.subTest(how=how):
                self.assert_loaded(self.load(copy, how, prefix), os.path.join(install_libdir(), "libglia_nrn.so"))

    def test_copy_with_another_builds_install_says_so(self):
        # The same plugin proper with another build's identity: as a build for another NEURON under
        # the same prefix would be. It must not be opened.
        with open(PROPER, "rb") as f:
            other = f.read().replace(b"glia-plugin-proper=glia ", b"glia-plugin-proper=GLIA ")
        self.assertIn(b"glia-plugin-proper=GLIA ", other)
        proper = self.box.path("other", "libglia_nrn.so")
        os.makedirs(os.path.dirname(proper))
        with open(proper, "wb") as f:
            f.write(other)
        copy = self.copy_plugin()
        installed = os.path.join(install_libdir(), "libglia_nrn.so")
        for how in ("hoc", "python"):
            with self.subTest(how=how):
                out = self.load(copy, how, self.in_install(proper))
                self.assertIn(f"glia: error: cannot load glia's plugin: libglia_nrn.so is not beside {copy}, and "
                              f"{installed} is another build's (this libglia.so is glia ", out)
                self.assertIn("instead of a copy, or copy that build's libglia_nrn.so beside it", out)
                self.assertIn("DECLARED 0", out)
                self.assertNotIn("MAPPED", out)

    def test_copy_without_an_install_says_where_it_looked(self):
        copy = self.copy_plugin()
        out = self.load(copy, "hoc", self.in_install(None))
        self.assertIn(f"glia: error: cannot load glia's plugin: libglia_nrn.so is not beside {copy} nor in "
                      f"{install_libdir()}; load libglia.so from its build or install folder (or a link to it)", out)
        self.assertIn("DECLARED 0", out)


if __name__ == "__main__":
    main()
