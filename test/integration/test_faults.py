"""Faults: a build killed at random points, a full disk, an unwritable cache or config
directory, a missing compiler or nocmodl. Each must give a clear message, leave nothing trusted
corrupt in the cache, keep NEURON running, and let the next run recover.

What "nothing trusted is corrupt" means here (cache.hpp): every file under objects/ is a complete
relocatable ELF object; under libs/, every library is a complete shared library that dlopen accepts
and every set part (.set1.o) a complete relocatable object; under sets/, every set library is a
complete shared library that dlopen accepts, beside its members file; the manifest parses (the next
run uses it); and no other file sits in those trees.
"""

import atexit
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import CLI, EXAMPLE, NEURON, NEURON_MAJOR, PLUGIN, PYTHON, GliaTestCase, density, main, python_path  # noqa: E402

NOBODY = 65534

_prebuilt = []


def prebuilt_example():
    """A cache holding the installed example package, built once per run and settled so that a
    later run writes nothing. Copied into a test's cache, it spares the test building the
    packages every nrniv loads, which the fault does not concern."""
    if not _prebuilt:
        cache = tempfile.mkdtemp(prefix="glia-test-built-")
        atexit.register(shutil.rmtree, cache, ignore_errors=True)
        env = dict(os.environ, GLIA_PATH=EXAMPLE, GLIA_CACHE_DIR=cache, HOME=cache)
        for _ in range(2):  # the mods are old: the second run finds every stamp settled
            subprocess.run([CLI, "compile"], env=env, check=True, stdout=subprocess.DEVNULL)
        _prebuilt.append(cache)
    return _prebuilt[0]


def elf_complete(path, kind):
    """None if `path` is a whole ELF file of `kind` (1 relocatable, 3 shared), else what is wrong.
    gcc and ld put the section header table last, so a truncated file ends before it."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 64 or data[:4] != b"\x7fELF" or data[4] != 2:
        return f"not a 64-bit ELF file ({len(data)} bytes)"
    e_type = struct.unpack_from("<H", data, 16)[0]
    if e_type != kind:
        return f"ELF type {e_type}, expected {kind}"
    e_shoff = struct.unpack_from("<Q", data, 40)[0]
    e_shentsize, e_shnum = struct.unpack_from("<HH", data, 58)
    end = e_shoff + e_shentsize * e_shnum
    if e_shnum == 0 or end > len(data):
        return f"truncated: section headers end at {end}, file has {len(data)} bytes"
    return None


class FaultCase(GliaTestCase):
    def setUp(self):
        super().setUp()
        self.mounts = []

    def tearDown(self):
        for path in reversed(self.mounts):
            subprocess.run(["umount", "-l", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        super().tearDown()

    def mount(self, *args):
        """Runs mount(8); skips the test if this machine does not allow it (not root, a container)."""
        target = args[-1]
        r = subprocess.run(["mount", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            self.skipTest(f"cannot mount here ({' '.join(args)}): {r.stdout.strip()}")
        if target not in self.mounts:
            self.mounts.append(target)

    def seed_cache(self):
        """Starts the sandbox's cache with the example package built (see prebuilt_example)."""
        shutil.copytree(prebuilt_example(), self.box.path("cache", "glia"))

    def use_package(self, name, count, g="0.001"):
        """A package of `count` density mods m0..m{count-1}, alone on GLIA_PATH."""
        root = self.box.package(name, {f"M{i}.mod": density(f"m{i}", g) for i in range(count)})
        self.box.env["GLIA_PATH"] = root
        return root

    def probe(self, package, count, g="0.001", env=None, check=True, user=None):
        """nrniv inserts every mechanism of the package and prints its g; returns the output."""
        lines = ["create s"]
        for i in range(count):
            full = f"glia__{package}__M{i}__0"
            lines.append(f's {{ insert {full}  printf("M{i} %g\\n", g_{full}) }}')
        out = self.nrniv("\n".join(lines), env=env, check=check, user=user).stdout
        if check:
            for i in range(count):
                self.assertIn(f"M{i} {float(g):g}\n", out, f"mechanism M{i} missing or stale:\n{out}")
        return out

    def nrniv(self, hoc, env=None, check=True, user=None):
        """Runs hoc after loading the plugin, then prints 'alive': the hoc after a failed load
        must still run (NEURON not killed)."""
        script = self.box.write("work/fault.hoc", f'nrn_load_dll("{PLUGIN}")\n{hoc}\nprint "alive"\nquit()\n')
        return self.run_as(user, ["nrniv", "-nogui", script], env=env, check=check)

    def run_as(self, user, argv, env=None, check=True):
        prefix = []
        if user is not None:
            prefix = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"]
        return self.box.run(prefix + argv, env=env, check=check, timeout=300)

    def assert_alive(self, result):
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertRegex(result.stdout, r"(?m)^alive$", "NEURON must keep running after glia fails")

    def assert_trusted(self, cache):
        """Everything the cache would trust is complete (see the module docstring)."""
        problems, libraries = [], []
        # For each tree, what a file's name says it is: ELF kind 1 (relocatable), 3 (shared), or
        # None for the set's members file, which is text.
        trees = {"objects": lambda name: 1 if name.endswith(".o") else "stray",
                 "libs": lambda name: 1 if name.endswith(".set1.o") else 3 if name.endswith(".so") else "stray",
                 "sets": lambda name: 3 if name == "libglia-set.so" else None if name == "members" else "stray"}
        for part, kind_of in trees.items():
            for dirpath, _, files in os.walk(os.path.join(cache, part)):
                for name in files:
                    path = os.path.join(dirpath, name)
                    kind = kind_of(name)
                    if kind == "stray":
                        problems.append(f"{path}: stray file in {part}/")
                        continue
                    wrong = elf_complete(path, kind) if kind else None
                    if wrong:
                        problems.append(f"{path}: {wrong}")
                    elif kind == 3:
                        libraries.append(path)
        self.assertEqual(problems, [], "half-written files in the cache")
        if libraries:
            # dlopen in a child that has NEURON (the libraries need its symbols); opening one
            # registers nothing until its registration functions are called.
            code = ("from neuron import h\nimport ctypes, sys\n"
                    "for p in sys.argv[1:]:\n    ctypes.CDLL(p, mode=ctypes.RTLD_LOCAL)\n")
            r = subprocess.run([PYTHON, "-c", code, *libraries], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env=dict(os.environ, NEURON_MODULE_OPTIONS="-nogui", PYTHONPATH=python_path()))
            self.assertEqual(r.returncode, 0, r.stdout)


class KilledBuilds(FaultCase):
    """SIGKILL at random points of a build, by `glia compile` and by nrniv loading the plugin."""

    MODS = 6

    def kill_after(self, argv, delay, whole_group, scratch, once_building=False):
        """Starts `argv` and SIGKILLs it `delay` s later (counted from when a build is under way, with
        `once_building`). Returns (killed, building): whether it was still running then, and whether
        a build was: one of the cache's scratch folders (`scratch`/<key>.<pid>) existed."""
        proc = subprocess.Popen(argv, cwd=self.box.cwd, env=self.box.env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        building = lambda: os.path.isdir(scratch) and bool(os.listdir(scratch))
        try:
            if once_building:
                while proc.poll() is None and not building():
                    time.sleep(0.005)
            proc.wait(timeout=delay)
            proc.stdout.close()
            return False, False  # finished before the kill
        except subprocess.TimeoutExpired:
            pass
        hit = building()
        if whole_group:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            os.kill(proc.pid, signal.SIGKILL)  # its nocmodl or cc live on, writing into scratch
        proc.wait()
        proc.stdout.close()
        return True, hit

    def test_random_kills_then_recovery(self):
        seed = int(os.environ.get("GLIA_FAULT_SEED", random.randrange(1 << 30)))
        rng = random.Random(seed)
        self.seed_cache()
        cache = self.box.path("cache", "glia")
        rounds = []
        # Each round changes every mod (a new g), so there is always a whole build to interrupt;
        # the objects of earlier rounds stay, as a real cache's would. Rounds 1 and 3 count their
        # delay from the moment a build is under way, so that some kill surely hits one.
        for n in range(5):
            g = f"0.00{n + 1}"
            self.use_package("killed", self.MODS, g=g)
            once_building = n in (1, 3)
            delay = round(rng.uniform(0.0, 0.5) if once_building else rng.uniform(0.05, 4.0), 2)
            use_nrniv = n == 4  # the last kill hits nrniv building on load
            group = n != 2      # one kill leaves the tools orphaned
            if use_nrniv:
                script = self.box.write("work/load.hoc", f'nrn_load_dll("{PLUGIN}")\nquit()\n')
                argv = ["nrniv", "-nogui", script]
            else:
                argv = [CLI, "compile", "-j", "2", "killed"]
            killed, hit = self.kill_after(argv, delay, group, os.path.join(cache, "tmp"), once_building)
            rounds.append((argv[0].split("/")[-1], delay, "killed" if killed else "finished",
                           "mid-build" if hit else ""))
            print(f"seed {seed}: round {n}: {rounds[-1]}", file=sys.stderr)
            self.assert_trusted(cache)
        print(f"seed {seed} (set GLIA_FAULT_SEED to repeat): {rounds}", file=sys.stderr)
        self.assertTrue(any(r[3] for r in rounds), f"no kill hit a running build: {rounds}")
        r = self.box.glia("compile", "killed")
        self.assertIn("linked", r.stdout)
        self.assert_trusted(cache)
        self.probe("killed", self.MODS, g="0.005")
        self.assertEqual(os.listdir(os.path.join(cache, "tmp")), [], "dead builds' scratch removed")


class FullDisk(FaultCase):
    """A cache (or config) directory on a file system with no space left."""

    def assert_clear(self, result, cache):
        self.assertIn("No space left on device", result.stdout)
        self.assertIn(cache, result.stdout, "the message names the cache directory")
        self.assertRegex(result.stdout, "GLIA_CACHE_DIR|free space", "the message says what to do")

    def test_full_cache_fails_clearly_and_recovers_after_more_space(self):
        self.use_package("big", 3)
        cache = self.box.path("smallfs")
        os.makedirs(cache)
        self.box.env["GLIA_CACHE_DIR"] = cache

        def compile_fails(stage):
            r = self.box.glia("compile", "-j", "2", "big", check=False)
            print(f"{stage}: {r.stdout}", file=sys.stderr)
            self.assertEqual(r.returncode, 1, f"{stage}: a reported failure, not a crash:\n{r.stdout}")
            self.assert_clear(r, cache)
            self.assert_trusted(cache)

        # Three objects and their library need far more than 64 KB: the build runs out of space
        # compiling or linking, whichever comes first with these tools.
        self.mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", cache)
        compile_fails("64k")
        # Room for the objects, then only 16 KB more than they take: the link must run out of space.
        self.mount("-o", "remount,size=64m", cache)
        self.box.glia("compile", "big")
        shutil.rmtree(os.path.join(cache, "libs"))
        st = os.statvfs(cache)
        used_kb = (st.f_blocks - st.f_bfree) * st.f_frsize // 1024
        self.mount("-o", f"remount,size={used_kb + 16}k", cache)
        compile_fails(f"{used_kb + 16}k, objects in place")

        out = self.nrniv("print 1+1")  # builds on load, with a thread per core
        self.assert_alive(out)
        self.assert_clear(out, cache)
        self.assert_trusted(cache)

        self.mount("-o", "remount,size=64m", cache)
        r = self.box.glia("compile", "big")
        self.assertIn("linked", r.stdout)
        self.assert_trusted(cache)
        self.probe("big", 3)
        self.assertEqual(os.listdir(os.path.join(cache, "tmp")), [], "no scratch left behind")

    def test_full_config_dir_keeps_the_preferences_file(self):
        config = self.box.path("config", "glia")
        os.makedirs(config)
        self.mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", config)
        prefs = os.path.join(config, "preferences.yaml")
        original = "# my choices\nassets:\n  Kv1: {package: example, variant: \"0\"}\n"
        with open(prefs, "w") as f:
            f.write(original)
        try:  # fill every block that is left
            with open(os.path.join(config, "filler"), "wb") as f:
                while True:
                    f.write(b"x" * 4096)
                    f.flush()
        except OSError:
            pass
        r = self.box.glia("select", "Kv1", "--pkg=example", "--variant=fast", check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("No space left on device", r.stdout)
        self.assertIn(prefs, r.stdout)
        self.assertIn("unchanged", r.stdout)
        with open(prefs) as f:
            self.assertEqual(f.read(), original, "the preferences file must be left intact")
        self.assertEqual(sorted(os.listdir(config)), ["filler", "preferences.yaml"], "no temporary left behind")


class Unwritable(FaultCase):
    """A cache or config directory the user cannot write: run as nobody (root ignores mode bits)."""

    @classmethod
    def setUpClass(cls):
        cls.built = prebuilt_example()

    def setUp(self):
        super().setUp()
        os.chmod(self.box.root, 0o755)  # nobody must reach the work dir and the scripts in it
        for part in ("home", "config", "data"):
            os.makedirs(self.box.path(part), exist_ok=True)
            os.chown(self.box.path(part), NOBODY, NOBODY)
        os.chown(self.box.cwd, NOBODY, NOBODY)

    def example_probe(self, user, env=None, check=True):
        return self.nrniv('create s\ns { glia_insert("Kv1")  glia_insert("Na")  glia_insert("Leak") }\n'
                          's printf("ok %g %g\\n", ismembrane("glia__example__Kv1__0"), '
                          'ismembrane("glia__example__Leak__0"))', user=user, env=env, check=check)

    def test_unwritable_empty_cache_fails_clearly(self):
        cache = self.box.path("rootcache")
        os.makedirs(cache, mode=0o755)
        self.box.env["GLIA_CACHE_DIR"] = cache
        r = self.run_as(NOBODY, [CLI, "compile"], check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn(cache, r.stdout)
        self.assertIn("Permission denied", r.stdout)
        self.assertIn("GLIA_CACHE_DIR", r.stdout)
        out = self.nrniv("print 1+1", user=NOBODY)
        self.assert_alive(out)
        self.assertIn(cache, out.stdout)
        self.assertIn("GLIA_CACHE_DIR", out.stdout)
        self.assertEqual(os.listdir(cache), [], "nothing written")

    def test_unwritable_cache_holding_the_build_just_loads(self):
        cache = self.box.path("rootcache")
        shutil.copytree(self.built, cache, symlinks=True)
        os.chmod(cache, 0o755)
        self.box.env["GLIA_CACHE_DIR"] = cache
        before = {p: os.stat(os.path.join(cache, p)).st_mtime_ns for p in ("manifest", "lock")}
        out = self.example_probe(NOBODY)
        self.assertIn("ok 1 1", out.stdout)
        r = self.run_as(NOBODY, [CLI, "compile"])
        self.assertIn("0 compiled", r.stdout)
        self.assertEqual(before, {p: os.stat(os.path.join(cache, p)).st_mtime_ns for p in before})

    def test_read_only_mount_holding_the_build_just_loads(self):
        cache = self.box.path("rocache")
        os.makedirs(cache)
        self.mount("--bind", self.built, cache)
        self.mount("-o", "remount,ro,bind", cache)
        self.box.env["GLIA_CACHE_DIR"] = cache
        out = self.example_probe(None)
        self.assertIn("ok 1 1", out.stdout)
        # a stale package on a read-only cache: a clear message, the rest still loads
        extra = self.box.package("extra", {"X.mod": density("x", "0.001"), "Y.mod": density("y", "0.001")})
        self.box.env["GLIA_PATH"] = f"{EXAMPLE}:{extra}"
        r = self.box.glia("compile", check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("Read-only file system", r.stdout)
        self.assertIn(cache, r.stdout)
        out = self.example_probe(None, check=False)
        self.assert_alive(out)
        self.assertIn("ok 1 1", out.stdout, "what the cache holds still loads")

    def test_unwritable_config_dir_fails_clearly_and_keeps_the_file(self):
        config = self.box.path("config", "glia")
        os.makedirs(config)
        os.chown(self.box.path("config"), 0, 0)
        os.chmod(config, 0o755)
        prefs = os.path.join(config, "preferences.yaml")
        original = "assets:\n  Kv1: {package: example, variant: \"0\"}\n"
        with open(prefs, "w") as f:
            f.write(original)
        os.chmod(prefs, 0o644)
        self.box.env["GLIA_CACHE_DIR"] = self.built
        r = self.run_as(NOBODY, [CLI, "select", "Kv1", "--pkg=example", "--variant=fast"], check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn(config, r.stdout)
        self.assertIn("Permission denied", r.stdout)
        self.assertRegex(r.stdout, r"XDG_CONFIG_HOME|writable")
        with open(prefs) as f:
            self.assertEqual(f.read(), original)
        self.assertEqual(os.listdir(config), ["preferences.yaml"])
        # a config dir that cannot even be created
        os.rmdir(self.box.path("home"))
        self.box.env["XDG_CONFIG_HOME"] = "/proc/glia-no-such-dir"
        r = self.run_as(NOBODY, [CLI, "select", "Kv1", "--pkg=example", "--variant=fast"], check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("/proc/glia-no-such-dir/glia", r.stdout)
        self.assertRegex(r.stdout, r"XDG_CONFIG_HOME|writable")


class MissingTools(FaultCase):
    """nocmodl or the C compiler missing: simulated with GLIA_NEURON_PREFIX, GLIA_CC and GLIA_CXX,
    never by touching the system."""

    def published(self, cache):
        """Every file under objects/ and libs/."""
        return sorted(os.path.join(d, f) for part in ("objects", "libs")
                      for d, _, files in os.walk(os.path.join(cache, part)) for f in files)

    def test_missing_nocmodl(self):
        self.seed_cache()
        self.use_package("tools", 2)
        prefix = self.box.path("fakeneuron")
        os.makedirs(os.path.join(prefix, "bin"))  # NEURON without its development files
        for part in ("lib", "include", "share"):
            os.symlink(os.path.join(NEURON["prefix"], part), os.path.join(prefix, part))
        env = dict(self.box.env, GLIA_NEURON_PREFIX=prefix)
        cache = self.box.path("cache", "glia")
        before = self.published(cache)
        r = self.box.glia("compile", env=env, check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("nocmodl", r.stdout)
        self.assertIn(os.path.join(prefix, "bin"), r.stdout)
        self.assertIn("apt-get install", r.stdout)
        self.assertIn("neuron-dev", r.stdout)
        out = self.nrniv("print 1+1", env=env)
        self.assert_alive(out)
        self.assertIn("nocmodl", out.stdout)
        self.assertEqual(self.published(cache), before, "nothing may be published without the tools")
        self.box.glia("compile", "tools")
        self.probe("tools", 2)

    def test_missing_compiler(self):
        self.seed_cache()
        self.use_package("tools", 2)
        # NEURON's makefile names the compiler by its full path (/usr/bin/cc), so PATH cannot hide
        # it; GLIA_CC and GLIA_CXX (toolchain.hpp) point at compilers that do not exist instead.
        missing = self.box.path("no-compiler")
        env = dict(self.box.env, GLIA_CC=os.path.join(missing, "cc"), GLIA_CXX=os.path.join(missing, "c++"))
        cache = self.box.path("cache", "glia")
        before = self.published(cache)
        r = self.box.glia("compile", "tools", env=env, check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        compiler = "c++" if NEURON_MAJOR >= 9 else "cc"  # NEURON 9 compiles mods as C++
        self.assertIn(f"cannot run '{missing}/{compiler}'", r.stdout)
        self.assertIn("build-essential", r.stdout)
        self.assertIn("GLIA_CC", r.stdout)
        out = self.nrniv("print 1+1", env=env)
        self.assert_alive(out)
        self.assertIn("build-essential", out.stdout)
        self.assertEqual(self.published(cache), before, "nothing may be published without the tools")
        self.assert_trusted(cache)
        self.box.glia("compile", "tools")
        self.probe("tools", 2)


if __name__ == "__main__":
    main()
