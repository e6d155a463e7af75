"""One library per load set: a start with several packages maps one library of glia's cache, linked from
the packages' objects, keeps each package's C symbols to itself, relinks after an edit, and falls back to
the packages' own libraries (quietly, once) when the set library cannot be linked or loaded."""

import glob
import os
import stat
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import NEURON_MAJOR, SharedCacheTestCase, density, main  # noqa: E402

# Two packages that both define the global C function `which_package`, as VERBATIM code in ModelDB mods
# often does; each mechanism's FUNCTION answers what its own package's copy returns.
def helper_mod(suffix, answer):
    return f"""
    NEURON {{ SUFFIX {suffix} }}
    VERBATIM
    double which_package(void) {{ return {answer}; }}
    ENDVERBATIM
    FUNCTION answer() {{
    VERBATIM
        _lanswer = which_package();
    ENDVERBATIM
    }}
    """

# A mechanism whose VERBATIM block defines the C++ inline function `which_inline` (NEURON 9 compiles mods
# as C++), answering `answer`; called through a pointer, so that the compiler keeps it out of line.
def inline_mod(suffix, answer):
    return f"""
    NEURON {{ SUFFIX {suffix} }}
    VERBATIM
    inline double which_inline() {{ return {answer}; }}
    ENDVERBATIM
    FUNCTION answer() {{
    VERBATIM
        double (*volatile call)() = which_inline;
        _lanswer = call();
    ENDVERBATIM
    }}
    """

# Prints the libraries of glia's cache this process has mapped, one per line.
MAPPED = """
import os
cache = os.environ["GLIA_CACHE_DIR"]
for path in sorted({line.split()[-1] for line in open("/proc/self/maps") if cache in line and line.endswith(".so\\n")}):
    print("MAPPED", os.path.relpath(path, cache))
"""


class LoadSet(SharedCacheTestCase):
    # One cache for the class, so each mod compiles once (NEURON 9's C++ is slow to compile); each test's
    # packages differ, so its set library is its own.
    def setUp(self):
        super().setUp()
        self.pa = self.box.package("pa", {"ka.mod": density("ka", "0.001"), "wa.mod": helper_mod("wa", 1)})
        self.pb = self.box.package("pb", {"kb.mod": density("kb", "0.002"), "wb.mod": helper_mod("wb", 2)})
        self.box.env["GLIA_PATH"] = f"{self.pa}:{self.pb}"
        self.cache = self.class_cache

    def start(self, env=None):
        """A Python start that inserts both packages' mechanisms; returns (mapped libraries, output)."""
        code = MAPPED + """
s = h.Section(name="s")
for name in ("ka", "kb", "wa", "wb"):
    h.glia_insert(name, sec=s)
print("G", s(0.5).glia__pa__ka__0.g, s(0.5).glia__pb__kb__0.g)
print("ANSWERS", h.answer_glia__pa__wa__0(sec=s), h.answer_glia__pb__wb__0(sec=s))
"""
        out = self.box.python(code, env=env).stdout
        mapped = [line.split()[1] for line in out.splitlines() if line.startswith("MAPPED ")]
        return mapped, out

    def runs(self, file):
        if not os.path.exists(file):
            return 0
        with open(file) as f:
            return len(f.read().splitlines())

    def test_two_packages_map_one_library_keep_their_symbols_apart_and_relink_after_an_edit(self):
        first, out = self.start()
        self.assertEqual(len(first), 1, out)
        self.assertTrue(first[0].startswith("sets/"), out)
        self.assertIn("G 0.001 0.002", out)
        self.assertIn("ANSWERS 1.0 2.0", out)  # each package calls its own which_package
        self.assertNotIn("warning", out)
        parts = {path: os.stat(path).st_mtime_ns for path in glob.glob(os.path.join(self.cache, "libs", "*", "*.set1.o"))}
        self.box.write("packages/pb/mods/kb.mod", density("kb", "0.005"))
        second, out = self.start()
        self.assertEqual(len(second), 1, out)
        self.assertNotEqual(first, second)
        self.assertIn("G 0.001 0.005", out)
        # Only pb's part of the set library is made again; the others are reused as they were.
        now = {path: os.stat(path).st_mtime_ns for path in glob.glob(os.path.join(self.cache, "libs", "*", "*.set1.o"))}
        made = [os.path.basename(path) for path in now if path not in parts]
        self.assertEqual(made, ["libglia-pb.set1.o"])
        self.assertEqual({path: now[path] for path in parts}, parts)
        # gc keeps the set library in use and removes the one linked from a package library no longer in use.
        self.box.glia("cache", "--gc")
        self.assertEqual(sorted(glob.glob(os.path.join(self.cache, "sets", "*", "*.so"))),
                         [os.path.join(self.cache, second[0])])

    @unittest.skipUnless(NEURON_MAJOR >= 9, "NEURON 8.2 compiles mods as C: no inline functions")
    def test_packages_that_define_one_inline_function_differently_each_run_their_own(self):
        pc = self.box.package("pc", {"ic.mod": inline_mod("ic", "1.0")})
        pd = self.box.package("pd", {"id.mod": inline_mod("id", "2.0")})
        code = MAPPED + """
s = h.Section(name="s")
h.glia_insert("ic", sec=s)
h.glia_insert("id", sec=s)
print("ANSWERS", h.answer_glia__pc__ic__0(sec=s), h.answer_glia__pd__id__0(sec=s))
"""
        out = self.box.python(code, env=dict(self.box.env, GLIA_PATH=f"{pc}:{pd}")).stdout
        self.assertIn("ANSWERS 1.0 2.0", out)  # not the first package's which_inline twice
        mapped = [line.split()[1] for line in out.splitlines() if line.startswith("MAPPED ")]
        self.assertTrue(len(mapped) >= 2 and all(m.startswith("libs/") for m in mapped), out)
        self.assertNotIn("warning", out)
        with open(os.path.join(self.cache, "failures")) as f:  # why the set library was not linked
            self.assertIn("packages 'pc' and 'pd' define which_inline() (_Z12which_inlinev) differently", f.read())

    def test_compile_links_the_default_set_and_nocompile_loads_it(self):
        self.box.write("packages/pb/mods/kd.mod", density("kd"))  # a set of its own
        self.assertIn(", 1 set library linked", self.box.glia("compile").stdout)
        mapped, out = self.start(env=dict(self.box.env, GLIA_NOCOMPILE="1"))
        self.assertEqual(len(mapped), 1, out)
        self.assertTrue(mapped[0].startswith("sets/"), out)
        self.assertIn("ANSWERS 1.0 2.0", out)

    def test_a_set_library_that_cannot_be_linked_or_loaded_leaves_the_package_libraries(self):
        self.box.write("packages/pa/mods/kc.mod", density("kc"))  # a set of its own
        # objcopy fails: the packages' own libraries load, nothing is said, and the link is not tried again.
        runs = self.box.path("objcopy-runs")
        tool = self.box.write("bin/objcopy", f"#!/bin/sh\necho run >> {runs}\necho 'objcopy: out of order' >&2\nexit 1\n")
        os.chmod(tool, os.stat(tool).st_mode | stat.S_IXUSR)
        env = dict(self.box.env, PATH=os.path.dirname(tool) + os.pathsep + self.box.env["PATH"])
        packages_own, out = self.start(env=env)
        self.assertGreaterEqual(len(packages_own), 2, out)
        self.assertTrue(all(m.startswith("libs/") for m in packages_own), out)
        self.assertIn("ANSWERS 1.0 2.0", out)
        self.assertNotIn("warning", out)
        tried = self.runs(runs)
        self.assertGreater(tried, 0)
        self.assertEqual(self.start(env=env)[0], packages_own)
        self.assertEqual(self.start(env=dict(env, GLIA_NOCOMPILE="1"))[0], packages_own)
        self.assertEqual(self.runs(runs), tried)  # remembered, and GLIA_NOCOMPILE never links
        # 'glia compile' tries again; a set library damaged after that does not load: told once, not tried again.
        self.box.glia("compile")
        library = glob.glob(os.path.join(self.cache, "sets", "*", "*.so"))[0]
        with open(library, "r+b") as f:
            f.seek(64)
            f.write(b"\0" * 4096)
        # A frozen cache (GLIA_NOCOMPILE) is not written: the start falls back and leaves the library alone.
        mapped, out = self.start(env=dict(self.box.env, GLIA_NOCOMPILE="1"))
        self.assertEqual(mapped, packages_own, out)
        self.assertIn("ANSWERS 1.0 2.0", out)
        self.assertIn("could not be loaded", out)
        self.assertIn("a start without it will try again", out, "nothing was remembered: no promise to the contrary")
        self.assertTrue(os.path.exists(library))
        # The next start tries, gives up on it and says so (a new problem: told in full, once).
        mapped, out = self.start()
        self.assertEqual(mapped, packages_own, out)
        self.assertIn("will not try it again until 'glia compile'", out)
        self.assertFalse(os.path.exists(library))
        mapped, out = self.start()
        self.assertEqual(mapped, packages_own, out)
        self.assertNotIn("could not be loaded", out)


if __name__ == "__main__":
    main()
