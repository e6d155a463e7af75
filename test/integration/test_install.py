"""The install layout: meson install into a temporary prefix, then use it from outside the source tree
the way a user would (dynamic linker, glia.hoc, pkg-config, man, bash completion), then uninstall."""

import json
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import BUILD_DIR, GliaTestCase, main  # noqa: E402


def build_options():
    out = subprocess.run(["meson", "introspect", "--buildoptions", BUILD_DIR], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return {o["name"]: o["value"] for o in json.loads(out)}


@unittest.skipUnless(shutil.which("meson") and os.path.isfile(os.path.join(BUILD_DIR, "build.ninja")),
                     "needs meson and a configured build directory (GLIA_BUILD_DIR) to install from")
class Install(GliaTestCase):
    def setUp(self):
        super().setUp()
        box = self.box
        self.destdir = box.path("destdir")
        r = box.run(["meson", "install", "-C", BUILD_DIR, "--no-rebuild", "--quiet", "--destdir", self.destdir],
                    check=False)
        self.assertEqual(r.returncode, 0, r.stdout)
        opts = build_options()
        self.prefix = self.destdir + opts["prefix"]
        self.libdir = os.path.join(self.prefix, opts["libdir"])
        self.datadir = os.path.join(self.prefix, opts["datadir"])
        self.includedir = os.path.join(self.prefix, opts["includedir"])
        self.mandir = os.path.join(self.prefix, opts["mandir"])
        self.bindir = os.path.join(self.prefix, opts["bindir"])
        # Outside the source tree; the installed plugin's shipped packages are under the real prefix,
        # which a destdir install does not fill, so the example comes through GLIA_PATH as usual.
        box.env["LD_LIBRARY_PATH"] = self.libdir
        box.env.pop("GLIA_PLUGIN", None)

    def installed(self, *parts):
        path = os.path.join(*parts)
        self.assertTrue(os.path.exists(path), f"{path} is not installed")
        return path

    def test_layout_and_uninstall(self):
        box = self.box
        self.installed(self.libdir, "libglia.so")
        self.installed(self.bindir, "glia")
        self.installed(self.includedir, "glia", "names.hpp")
        self.installed(self.includedir, "glia", "lockfile.hpp")
        self.installed(self.datadir, "glia", "packages", "example", "glia-package.yaml")

        # The plugin by its bare name, through the dynamic linker, from a folder outside the tree.
        # NEURON 8.2's nrn_load_dll opens its argument as a file (relative to the working directory)
        # before dlopen, so a bare "libglia.so" is found only by glia.hoc or by its full path. The
        # installed plugin loads from outside the tree, resolving libnrniv by itself.
        plugin = self.installed(self.libdir, "libglia.so")
        r = box.nrniv(f'nrn_load_dll("{plugin}")\ncreate soma\nsoma glia_insert("Kv1")\n'
                      'print "inserted ", soma.gbar_glia__example__Kv1__0(0.5)\n', load=False)
        self.assertIn("inserted 0.036", r.stdout)
        self.assertFalse(box.cwd.startswith(os.path.dirname(BUILD_DIR) + os.sep))
        # The dynamic linker finds it by its bare name on the library path.
        r = box.run([sys.executable, "-c", "import ctypes; ctypes.CDLL('libglia.so'); "
                     "print([l.split()[-1] for l in open('/proc/self/maps') if l.rstrip().endswith('/libglia.so')][0])"])
        self.assertEqual(os.path.realpath(r.stdout.strip()), os.path.realpath(plugin))

        # glia.hoc, found on NEURON's hoc library path, loads the plugin of the final prefix.
        hoc_files = [os.path.join(d, f) for d, _, fs in os.walk(self.destdir) for f in fs if f == "glia.hoc"]
        self.assertEqual(len(hoc_files), 1, hoc_files)
        env = dict(box.env, HOC_LIBRARY_PATH=os.path.dirname(hoc_files[0]))
        r = box.nrniv('ok = load_file("glia.hoc")\nprint "loaded ", ok\n', load=False, env=env, check=False)
        self.assertIn("loaded 1", r.stdout)

        # pkg-config describes the headers and the core library.
        pcdir = os.path.dirname(self.installed(self.libdir, "pkgconfig", "glia.pc"))
        env = dict(box.env, PKG_CONFIG_PATH=pcdir)
        cflags = box.run(["pkg-config", "--cflags", "glia"], env=env).stdout
        self.assertIn("-I" + build_options()["prefix"] + "/include", cflags)
        # With the prefix moved into the destdir, a program builds against the installed copy.
        flags = box.run(["pkg-config", "--define-variable=prefix=" + self.prefix, "--cflags", "--libs", "--static",
                         "glia"], env=env).stdout
        self.assertIn(self.includedir, flags)
        program = box.write("work/prog.cpp", """
            #include <glia/names.hpp>
            #include <iostream>
            int main() { std::cout << glia::MechanismName{"lab", "Kv1", "fast"}.full() << "\\n"; }
        """)
        box.run(["c++", "-std=c++20", program, "-o", box.path("work", "prog"), *flags.split()])
        self.assertEqual(box.run([box.path("work", "prog")]).stdout, "glia__lab__Kv1__fast\n")

        # The man page renders.
        page = self.installed(self.mandir, "man1", "glia.1")
        r = box.run(["man", "--warnings", "-l", page], env=dict(box.env, MANWIDTH="100", MAN_KEEP_STDERR="1"))
        self.assertIn("glia - package manager for NEURON mechanisms", r.stdout)
        self.assertIn("glia import", r.stdout)
        self.assertNotIn("warning", r.stdout.lower())

        # Bash completion sources cleanly and completes commands from the installed glia.
        completion = self.installed(self.datadir, "bash-completion", "completions", "glia")
        r = subprocess.run(["bash", "-c", f'source "{completion}" && complete -p glia'], env=box.env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.assertEqual(r.stdout.strip(), "complete -F _glia glia")
        env = dict(box.env, PATH=self.bindir + os.pathsep + box.env["PATH"])
        r = subprocess.run(["bash", "-c", f'source "{completion}"; COMP_WORDS=(glia uni); COMP_CWORD=1; _glia; '
                                          'echo "${COMPREPLY[@]}"; COMP_WORDS=(glia lock --mo); COMP_CWORD=2; _glia; '
                                          'echo "${COMPREPLY[@]}"'],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.assertEqual(r.stderr, "")
        self.assertEqual(r.stdout.splitlines(), ["uninstall", "--model"])

        # Uninstall (what 'ninja uninstall' runs) removes every file the install put there.
        r = box.run(["meson", "--internal", "uninstall"], cwd=BUILD_DIR, check=False)
        self.assertEqual(r.returncode, 0, r.stdout)
        left = [os.path.join(d, f) for d, _, fs in os.walk(self.destdir) for f in fs]
        self.assertEqual(left, [])


if __name__ == "__main__":
    main()
