"""The install layout: meson install into a temporary prefix, then use it from outside the source tree
the way a user would (dynamic linker, glia.hoc, pkg-config, man, bash completion), then uninstall."""

import json
import os
import re
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import BUILD_DIR, NEURON, PLUGIN, GliaTestCase, main, python_path, skip_unless_debian_neuron  # noqa: E402


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

    @skip_unless_debian_neuron  # glia.hoc names the plugin at the real prefix: setup.sh's, built for 8.2
    def test_layout_and_uninstall(self):
        box = self.box
        self.installed(self.libdir, "libglia.so")
        self.installed(self.bindir, "glia")
        self.installed(self.includedir, "glia", "base", "names.hpp")
        self.installed(self.includedir, "glia", "resolve", "lockfile.hpp")
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
            #include <glia/base/names.hpp>
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

    @skip_unless_debian_neuron  # glia.hoc names the plugin at the real prefix: setup.sh's, built for 8.2
    def test_install_writes_only_under_its_prefix(self):
        # Everything lands under <destdir><prefix>, except glia.hoc when -Dhoc_dir=neuron asked for
        # NEURON's own hoc library (as scripts/setup.sh does).
        opts = build_options()
        outside = [os.path.join(d, f)[len(self.destdir):] for d, _, fs in os.walk(self.destdir) for f in fs
                   if not os.path.join(d, f).startswith(self.prefix + os.sep)]
        if opts["hoc_dir"] == "neuron":
            self.assertEqual(outside, [os.path.join(NEURON["prefix"], "share", "nrn", "lib", "hoc", "glia.hoc")])
        else:
            self.assertEqual(outside, [])
            hoc_dir = os.path.join(self.datadir, "glia", "hoc")
            self.installed(hoc_dir, "glia.hoc")
            # Put on HOC_LIBRARY_PATH, as the README says, load_file finds it.
            env = dict(self.box.env, HOC_LIBRARY_PATH=hoc_dir)
            r = self.box.nrniv('ok = load_file("glia.hoc")\nprint "loaded ", ok\n', load=False, env=env, check=False)
            self.assertIn("loaded 1", r.stdout)
        python = [f for f in self.all_files() if f.endswith(os.path.join("glia", "__init__.py"))]
        self.assertEqual(len(python), 1, python)
        self.assertTrue(python[0].startswith(self.prefix + os.sep), python[0])

    def all_files(self):
        return [os.path.join(d, f) for d, _, fs in os.walk(self.destdir) for f in fs]


@unittest.skipUnless(shutil.which("meson") and os.path.isfile(os.path.join(BUILD_DIR, "build.ninja")),
                     "needs meson and a configured build directory (GLIA_BUILD_DIR) to read its options")
class OneBuild(GliaTestCase):
    """glia doctor says when load_file("glia.hoc"), import glia and the glia command load different plugins."""

    def setUp(self):
        super().setUp()
        opts = build_options()
        self.command_plugin = os.path.join(opts["prefix"], opts["libdir"], "libglia.so")  # the command's own
        self.box.env.pop("GLIA_PLUGIN", None)

    def point(self, hoc_plugin, python_plugin):
        """A glia.hoc on HOC_LIBRARY_PATH and a module glia on PYTHONPATH that load the plugins given."""
        self.box.env["HOC_LIBRARY_PATH"] = self.box.glia_hoc(hoc_plugin)
        self.box.write("py/glia/__init__.py", "raise ImportError('doctor must not import glia')\n")
        self.box.write("py/glia/_install.py", f'PLUGIN = "{python_plugin}"\n')
        self.box.env["PYTHONPATH"] = python_path(self.box.path("py"))

    def test_doctor_names_each_plugin_when_they_differ(self):
        self.point(PLUGIN, self.command_plugin)
        r = self.box.glia("doctor", check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertRegex(r.stdout, r"\[FAILED\] +one glia build: not one build: ")
        self.assertIn(f'load_file("glia.hoc") ({self.box.path("hoclib", "glia.hoc")}) loads {PLUGIN} (glia ', r.stdout)
        self.assertIn(f'import glia ({self.box.path("py", "glia")}) loads {self.command_plugin}', r.stdout)
        self.assertIn(f"the glia command (glia {build_options_version()}) loads {self.command_plugin}", r.stdout)
        # Chosen on purpose with GLIA_PLUGIN (for this command and Python), it is a warning.
        r = self.box.glia("doctor", check=False, env=dict(self.box.env, GLIA_PLUGIN=self.command_plugin))
        self.assertRegex(r.stdout, r"\[warning\] +one glia build: not one build: ")
        self.assertIn("GLIA_PLUGIN is set", r.stdout)

    def test_doctor_agrees_when_all_load_one_plugin(self):
        self.point(self.command_plugin, self.command_plugin)
        r = self.box.glia("doctor", check=False)
        self.assertRegex(r.stdout, r"\[ok\] +one glia build: load_file\(\"glia.hoc\"\), import glia and glia load " +
                         re.escape(self.command_plugin))


def build_options_version():
    out = subprocess.run(["meson", "introspect", "--projectinfo", BUILD_DIR], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out)["version"]


if __name__ == "__main__":
    main()
