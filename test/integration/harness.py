"""Shared helpers for glia's integration tests.

Every test runs the real thing: the built `glia` command, real `nrniv`, and `/usr/bin/python3`
with NEURON, against real files in a fresh sandbox directory. The NEURON is the one the build
targets (BUILD_DIR/test/neuron.json, written by Meson): its bin dir leads PATH and its Python
module is on PYTHONPATH, so a build against NEURON 9 is tested with NEURON 9. The sandbox points HOME, the XDG
directories and GLIA_CACHE_DIR into itself, so tests never see or touch the user's own state.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import textwrap
import unittest

SOURCE_DIR = os.environ.get("GLIA_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))


def remedy_kind_names():
    """The names Message::plain shows remedies by, as src/core/base/remedy.cpp lists them."""
    with open(os.path.join(SOURCE_DIR, "src", "core", "base", "remedy.cpp"), encoding="utf-8") as f:
        return re.findall(r'\{Remedy::Kind::\w+, "([^"]+)"\}', f.read())


# A remedy in Message::plain's form: `<kind>`, `<kind (m)>`, `<kind: args>`.
UNWORDED_REMEDY = re.compile(r"<(?:%s)(?: \(.\))?(?::[^>\n]*)?>" % "|".join(map(re.escape, remedy_kind_names())))
BUILD_DIR = os.environ.get("GLIA_BUILD_DIR", os.path.join(SOURCE_DIR, "build"))
PLUGIN = os.environ.get("GLIA_PLUGIN", os.path.join(BUILD_DIR, "src", "plugin", "libglia.so"))
CLI = os.environ.get("GLIA_CLI", os.path.join(BUILD_DIR, "src", "cli", "glia"))
EXAMPLE = os.path.join(SOURCE_DIR, "share", "glia", "packages", "example")
with open(os.path.join(BUILD_DIR, "test", "neuron.json")) as _f:
    NEURON = json.load(_f)  # version, prefix, bin_dir, include_dir, lib_dir, python_path, mpi
NEURON_MAJOR = int(NEURON["version"].split(".")[0])
NEURON_DEMO_MODS = os.path.join(NEURON["prefix"], "share", "nrn", "demo", "release")
PYTHON = "/usr/bin/python3"  # the interpreter that has NEURON; the first python3 on PATH may not


def python_path(*dirs):
    """A PYTHONPATH with `dirs` first, then the targeted NEURON's module (if Python needs it shown)."""
    return os.pathsep.join([*dirs, NEURON["python_path"]] if NEURON["python_path"] else dirs)


def skip_unless_debian_neuron(test):
    """For tests of Debian's NEURON 8.2 layout (its /usr/lib/nrn makefile, C mechanisms)."""
    return unittest.skipUnless(NEURON["prefix"] == "/usr" and NEURON_MAJOR == 8,
                               f"tests Debian's NEURON 8.2 layout; this build targets NEURON {NEURON['version']} "
                               f"at {NEURON['prefix']}")(test)


def other_neuron_builds():
    """Build dirs of this source tree that target another NEURON major version and hold a built plugin
    (CI's build/ for 8.2 beside build-nrn9/): [(build dir, its neuron.json)]."""
    found = []
    for name in sorted(os.listdir(SOURCE_DIR)):
        build = os.path.join(SOURCE_DIR, name)
        info = os.path.join(build, "test", "neuron.json")
        if not name.startswith("build") or os.path.realpath(build) == os.path.realpath(BUILD_DIR):
            continue
        if os.path.isfile(info) and os.path.isfile(os.path.join(build, "src", "plugin", "libglia.so")):
            with open(info) as f:
                neuron = json.load(f)
            if int(neuron["version"].split(".")[0]) != NEURON_MAJOR:
                found.append((build, neuron))
    return found


def skip_unless_mpi(test):
    """For tests that run nrniv under mpiexec: they need MPI in NEURON and openmpi-bin."""
    if not NEURON["mpi"]:
        return unittest.skip(f"NEURON {NEURON['version']} at {NEURON['prefix']} was built without MPI")(test)
    return unittest.skipUnless(shutil.which("mpiexec"), "openmpi-bin is not installed")(test)


# A file written less than 2 s before it was hashed or scanned is read again next time (the
# manifest and the scan memo distrust its stamp); tests of the stat-only path wait this long.
SETTLE = 2.2


def density(suffix, g="0.001", extra=""):
    """The text of a small density mod with SUFFIX `suffix`, conductance `g`, and `extra` appended."""
    return f"""
    NEURON {{
        SUFFIX {suffix}
        NONSPECIFIC_CURRENT i
        RANGE g
    }}
    PARAMETER {{ g = {g} (S/cm2) }}
    ASSIGNED {{ v (mV)  i (mA/cm2) }}
    BREAKPOINT {{ i = g*(v + 65) }}
    {extra}
    """


class Sandbox:
    """A temporary home for one test: its own cache, config, data dirs and working directory."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="glia-test-")
        self.cwd = os.path.join(self.root, "work")
        os.makedirs(self.cwd)
        self.env = dict(os.environ)
        for var in ("GLIA_PATH", "GLIA_CACHE_DIR", "PYTHONPATH"):
            self.env.pop(var, None)
        self.env.update(
            HOME=os.path.join(self.root, "home"),
            XDG_CACHE_HOME=os.path.join(self.root, "cache"),
            XDG_CONFIG_HOME=os.path.join(self.root, "config"),
            XDG_DATA_HOME=os.path.join(self.root, "data"),
            GLIA_PATH=EXAMPLE,
            NEURON_MODULE_OPTIONS="-nogui",
            PATH=os.pathsep.join([NEURON["bin_dir"], os.environ.get("PATH", "/usr/bin:/bin")]),
        )
        if NEURON["python_path"]:
            self.env["PYTHONPATH"] = python_path()

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def write(self, relative, text):
        """Writes `text` (dedented) to a file under the sandbox root and returns its path."""
        path = self.path(relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(textwrap.dedent(text))
        return path

    def package(self, name, mods, manifest=True, where="packages"):
        """Creates package `name` with `mods` ({file name: text}) under mods/; returns its dir."""
        root = self.path(where, name)
        for file_name, text in mods.items():
            self.write(os.path.join(where, name, "mods", file_name), text)
        if manifest:
            self.write(os.path.join(where, name, "glia-package.yaml"), f"name: {name}\n")
        return root

    def run(self, argv, check=True, env=None, cwd=None, timeout=600):
        result = subprocess.run(argv, cwd=cwd or self.cwd, env=env or self.env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"{' '.join(argv)} exited {result.returncode}:\n{result.stdout}")
        # A remedy travels through the core as a typed value (base/diagnostic.hpp); one that reaches the
        # user in its plain form (`<build: hh>`) means a front end printed a core message past its rendering point.
        unworded = UNWORDED_REMEDY.search(result.stdout)
        if unworded:
            raise AssertionError(f"{' '.join(argv)} printed an unworded remedy {unworded.group(0)!r}:\n{result.stdout}")
        return result

    def nrniv(self, hoc, check=True, env=None, load=True, args=()):
        """Runs `hoc` in nrniv (after loading the plugin unless load=False) and returns the result."""
        prelude = f'nrn_load_dll("{PLUGIN}")\n' if load else ""
        script = self.write(os.path.join("work", "test.hoc"), prelude + textwrap.dedent(hoc) + "\nquit()\n")
        return self.run(["nrniv", "-nogui", *args, script], check=check, env=env)

    def python(self, code, check=True, env=None):
        """Runs `code` with /usr/bin/python3; `h` is loaded with the plugin unless the code says otherwise."""
        prelude = f'from neuron import h\nh.nrn_load_dll("{PLUGIN}")\n'
        script = self.write(os.path.join("work", "test.py"), prelude + textwrap.dedent(code))
        return self.run([PYTHON, script], check=check, env=env)

    def glia_hoc(self, plugin=PLUGIN):
        """The built glia.hoc, pointed at `plugin` instead of the install location, in a folder of its
        own (for HOC_LIBRARY_PATH); returns that folder."""
        with open(os.path.join(BUILD_DIR, "hoc", "glia.hoc")) as f:
            text = f.read()
        installed = re.search(r'nrn_load_dll\("(/[^"]+)"\)', text).group(1)
        self.write("hoclib/glia.hoc", text.replace(installed, plugin))
        return self.path("hoclib")

    def glia(self, *args, check=True, env=None):
        return self.run([CLI, *args], check=check, env=env)


class GliaTestCase(unittest.TestCase):
    """A test case with a fresh sandbox in self.box."""

    def setUp(self):
        self.box = Sandbox()

    def tearDown(self):
        self.box.cleanup()

    def values(self, output, tag):
        """The numbers printed on lines starting with `tag` (one list per line)."""
        rows = []
        for line in output.splitlines():
            if line.startswith(tag + " "):
                rows.append([float(x) for x in line[len(tag) + 1:].split()])
        return rows


def main():
    unittest.main(verbosity=2)


class SharedCacheTestCase(GliaTestCase):
    """A test case whose tests share one build cache per class, so packages compile once per class.
    Only for tests that do not count what gets compiled."""

    @classmethod
    def setUpClass(cls):
        cls.class_cache = tempfile.mkdtemp(prefix="glia-test-cache-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.class_cache, ignore_errors=True)

    def setUp(self):
        super().setUp()
        self.box.env["GLIA_CACHE_DIR"] = self.class_cache
