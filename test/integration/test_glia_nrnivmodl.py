"""`glia nrnivmodl`: a model folder's mods built as NEURON's nrnivmodl builds them, from glia's cache.

The library lands where NEURON looks for it (x86_64/.libs/libnrnmech.so, x86_64/libnrnmech.so), under
the mods' own names; simulations give the bits of NEURON's own pipeline; objects come from the cache; a
failing mod is left out and named; files glia did not write are never replaced; two runs at once in one
folder are safe; a header found through -incflags -I is part of the key.
"""

import os
import shutil
import subprocess
import time

from harness import CLI, NEURON, NEURON_DEMO_MODS, PLUGIN, PYTHON, SETTLE, SharedCacheTestCase, main
from test_same_bits_as_nrnivmodl import current, neuron_makefile, run_nrnivmodl

# Density mods with nonlinear currents of their own sizes (their sum's rounding depends on the
# order NEURON registered them in), named so that the file order is neither the SUFFIX order nor
# the order of writing; and a synapse of our own for the network.
OWN_MODS = {
    "b_na.mod": current("na2", "0.0002", "50", "(1 + 0.3*sin(v/7))"),
    "a_leak.mod": current("zlk", "0.0003", "-54.3", "1"),
    "c_h.mod": current("hcn", "0.00011", "-30", "exp(-(v + 70)/20)"),
    "syn.mod": """
    NEURON {
        POINT_PROCESS Syn2
        RANGE tau, e, i
        NONSPECIFIC_CURRENT i
    }
    PARAMETER { tau = 2 (ms)  e = 0 (mV) }
    ASSIGNED { v (mV)  i (nA) }
    STATE { g (uS) }
    INITIAL { g = 0 }
    BREAKPOINT {
        SOLVE state METHOD cnexp
        i = g*(v - e)
    }
    DERIVATIVE state { g' = -g/tau }
    NET_RECEIVE(weight (uS)) { g = g + weight }
    """,
}
# A function whose value comes from a header found through -incflags -I.
KONST = """
NEURON { SUFFIX nothing }
VERBATIM
#include "myconst.h"
ENDVERBATIM
FUNCTION konst() {
VERBATIM
    _lkonst = MY_K;
ENDVERBATIM
}
"""
# NEURON's demo mods, used in place: two density channels, a pump, and an artificial cell.
DEMO = ["nachan.mod", "khhchan.mod", "cachan1.mod", "capump.mod", "invlfire.mod"]
DENSITY = ["na2", "zlk", "hcn", "HHna", "HHk", "cachan1", "capump"]

# A section with every density mechanism, driven by a clamp and by a synapse that artificial
# cells drive: v at every step, and the spike times of the section and of the cells.
SIMULATION = """
create soma
soma { L = 20  diam = 20  nseg = 1 }
%s
objref stim, syn, cells[2], links[2], watch, tv, tf, nil, fires
soma stim = new IClamp(0.5)
stim.del = 1
stim.dur = 60
stim.amp = 0.1
soma syn = new Syn2(0.5)
tv = new Vector()
tf = new Vector()
fires = new List()
for k = 0, 1 {
    cells[k] = new IntervalFire()
    cells[k].invl = 7 + 3*k
    links[k] = new NetCon(cells[k], syn)
    links[k].weight = 0.05
    links[k].delay = 1 + k
    fires.append(new NetCon(cells[k], nil))
    fires.o(k).record(tf)
}
soma watch = new NetCon(&v(0.5), nil)
watch.threshold = -20
watch.record(tv)
dt = 0.025
finitialize(-65)
while (t < 60) {
    fadvance()
    printf("V %%.17g\\n", soma.v(0.5))
}
for k = 0, tv.size() - 1 printf("S %%.17g\\n", tv.x[k])
for k = 0, tf.size() - 1 printf("F %%.17g\\n", tf.x[k])
""" % "\n".join(f"soma insert {suffix}" for suffix in DENSITY)


def demo_files():
    return [os.path.join(NEURON_DEMO_MODS, name) for name in DEMO]


class GliaNrnivmodl(SharedCacheTestCase):  # one cache: the same mods compile once per run
    def model(self, name, mods=OWN_MODS):
        folder = self.box.path(name)
        for file_name, text in mods.items():
            self.box.write(os.path.join(name, file_name), text)
        return folder

    def nrnivmodl(self, folder, *args, check=True):
        return self.box.run([CLI, "nrnivmodl", *args], cwd=folder, check=check)

    def simulate(self, folder):
        """nrniv in `folder`, which loads x86_64/.libs/libnrnmech.so by itself."""
        with open(os.path.join(folder, "sim.hoc"), "w") as f:
            f.write(SIMULATION + "\nquit()\n")
        out = self.box.run(["nrniv", "-nogui", "sim.hoc"], cwd=folder).stdout
        lines = [line for line in out.splitlines() if line[:2] in ("V ", "S ", "F ")]
        self.assertEqual(sum(line.startswith("V ") for line in lines), 2400, out[-2000:])
        return out, lines

    def test_same_bits_as_neuron_pipeline(self):
        if NEURON["version"].startswith("8.") and not neuron_makefile():
            self.skipTest("needs Debian's nrnivmodl makefile")
        args = [".", *demo_files()]
        neuron_folder = self.model("by_neuron")
        run_nrnivmodl(self.box, neuron_folder, args)
        glia_folder = self.model("by_glia")
        out = self.nrnivmodl(glia_folder, "--no-glia", *args).stdout
        self.assertIn("9 mods: ", out)
        for library in ("x86_64/.libs/libnrnmech.so", "x86_64/libnrnmech.so", "x86_64/special"):
            self.assertTrue(os.path.exists(os.path.join(glia_folder, library)), library)

        neuron_out, neuron_lines = self.simulate(neuron_folder)
        glia_out, glia_lines = self.simulate(glia_folder)
        self.assertGreater(sum(line.startswith("S ") for line in neuron_lines), 2, "the section should spike")
        self.assertGreater(sum(line.startswith("F ") for line in neuron_lines), 5, "the cells should fire")
        differing = [i for i, (a, b) in enumerate(zip(neuron_lines, glia_lines)) if a != b]
        self.assertEqual(len(neuron_lines), len(glia_lines))
        self.assertFalse(differing, differing and f"{len(differing)} lines differ; first: nrnivmodl "
                         f"{neuron_lines[differing[0]]}, glia {glia_lines[differing[0]]}")
        # The same banner as nrnivmodl's library, in the same order.
        banner = [line for line in neuron_out.splitlines() if line.startswith(" \"")]
        self.assertEqual(banner, [line for line in glia_out.splitlines() if line.startswith(" \"")])
        self.assertIn('"./a_leak.mod" "./b_na.mod" "./c_h.mod" "./syn.mod"', banner[0])

    def test_cache_second_folder_no_op_and_one_change(self):
        self.box.env["GLIA_CACHE_DIR"] = self.box.path("own-cache")  # counts what it compiles
        first = self.model("first")
        self.assertIn("4 mods: 4 compiled, 0 up to date, 1 linked; wrote x86_64/.libs/libnrnmech.so",
                      self.nrnivmodl(first, "--no-glia").stdout)
        # Another folder with the same mod files compiles nothing (and shares the library).
        second = self.model("second")
        self.assertIn("4 mods: 0 compiled, 4 up to date, 0 linked; wrote", self.nrnivmodl(second, "--no-glia").stdout)
        time.sleep(SETTLE)
        # Unchanged: nothing is compiled, linked or written.
        library = os.path.join(second, "x86_64", ".libs", "libnrnmech.so")
        before = os.stat(library)
        self.assertIn("0 compiled, 4 up to date, 0 linked; unchanged", self.nrnivmodl(second, "--no-glia").stdout)
        self.assertEqual(before.st_ino, os.stat(library).st_ino)
        # One changed mod: one compile, one link.
        with open(os.path.join(second, "a_leak.mod"), "a") as f:
            f.write(": edited\n")
        self.assertIn("1 compiled, 3 up to date, 1 linked; wrote",
                      self.nrnivmodl(second, "--no-glia").stdout)
        out = self.box.run(["nrniv", "-nogui", "-c", "create s\ns insert zlk\nprint s.g_zlk\nquit()"], cwd=second)
        self.assertIn("0.0003", out.stdout)

    def test_failing_mod_left_out_and_named(self):
        mods = {"good.mod": OWN_MODS["a_leak.mod"], "bad.mod": current("bad", "1", "0", "(1 +")}
        folder = self.model("broken", mods)
        r = self.nrnivmodl(folder, "--no-glia", check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn(f"FAILED: {folder}/bad.mod failed to translate:", r.stdout)
        self.assertIn("bad.mod", r.stdout.split("failed to translate:")[1])  # nocmodl's own message
        self.assertIn("1 failed; wrote", r.stdout)
        out = self.box.run(["nrniv", "-nogui", "-c", "create s\ns insert zlk\nprint s.g_zlk\nquit()"], cwd=folder)
        self.assertIn("0.0003", out.stdout)
        self.assertIn("glia: this library lacks bad.mod", out.stdout)
        # --strict fails as nrnivmodl does, and writes nothing.
        strict = self.model("strict", mods)
        r = self.nrnivmodl(strict, "--no-glia", "--strict", check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("--strict: nothing written", r.stdout)
        self.assertFalse(os.path.exists(os.path.join(strict, "x86_64")))

    def test_files_glia_did_not_write_are_not_replaced(self):
        folder = self.model("theirs", {"a_leak.mod": OWN_MODS["a_leak.mod"]})
        theirs = self.box.write("theirs/x86_64/.libs/libnrnmech.so", "made by nrnivmodl")
        mine = self.box.write("theirs/x86_64/leak.c", "nrnivmodl's translation")
        r = self.nrnivmodl(folder, "--no-glia", check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn(f"{theirs} was not written by glia", r.stdout)
        self.assertIn(f"rm -f '{theirs}'", r.stdout)
        with open(theirs) as f:
            self.assertEqual(f.read(), "made by nrnivmodl")
        self.assertFalse(os.path.exists(os.path.join(folder, "x86_64", "libnrnmech.so")))
        os.remove(theirs)
        self.assertIn("wrote", self.nrnivmodl(folder, "--no-glia").stdout)
        # Its own files it replaces; one changed behind its back it does not.
        with open(os.path.join(folder, "a_leak.mod"), "a") as f:
            f.write(": edited\n")
        self.assertIn("wrote", self.nrnivmodl(folder, "--no-glia").stdout)
        with open(os.path.join(folder, "x86_64", "special"), "a") as f:
            f.write("# mine\n")
        r = self.nrnivmodl(folder, "--no-glia", "--force", check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("special was not written by glia", r.stdout)
        with open(mine) as f:
            self.assertEqual(f.read(), "nrnivmodl's translation")

    def test_a_copy_of_a_built_folder_is_rebuilt(self):
        """After `cp -r`, glia knows its own files by their content and writes the copy's library; a file
        changed in the copy is not replaced, and the message says whose build the copy is."""
        first = self.model("original", {"a_leak.mod": OWN_MODS["a_leak.mod"]})
        self.nrnivmodl(first, "--no-glia")
        for name in ("copy", "edited"):
            self.box.run(["cp", "-r", first, self.box.path(name)])
        copy = self.box.path("copy")
        out = self.nrnivmodl(copy, "--no-glia", check=False).stdout
        self.assertNotIn("not written by glia", out)
        self.assertIn("; wrote x86_64/.libs/libnrnmech.so", out)
        self.assertIn("0 linked; unchanged", self.nrnivmodl(copy, "--no-glia").stdout)  # the record is the copy's
        out = self.box.run(["nrniv", "-nogui", "-c", "create s\ns insert zlk\nprint s.g_zlk\nquit()"], cwd=copy)
        self.assertIn("0.0003", out.stdout)
        # A file changed in a copy is someone else's: named, with the folder the build was made for.
        edited = self.box.path("edited")
        special = os.path.join(edited, "x86_64", "special")
        with open(special, "a") as f:
            f.write("# mine\n")
        r = self.nrnivmodl(edited, "--no-glia", check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn(f"{edited}/x86_64 is a copy of the build glia made for {first}, and {special} was changed "
                      "since", r.stdout)
        self.assertIn(f"rm -f '{special}'", r.stdout)
        with open(special) as f:
            self.assertTrue(f.read().endswith("# mine\n"))

    def test_a_read_only_model_folder_is_named(self):
        """Not blamed on the cache: the model folder is named as not writable, before anything is built."""
        folder = self.model("readonly", {"a_leak.mod": OWN_MODS["a_leak.mod"]})
        # Tests run as root, whom chmod does not stop: a read-only bind mount in a mount namespace of its own.
        probe = subprocess.run(["unshare", "-m", "sh", "-c", 'mount --bind "$1" "$1" && '
                                'mount -o remount,ro,bind "$1" "$1" && ! touch "$1/probe" 2>/dev/null', "sh", folder],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if probe.returncode != 0 or os.path.exists(os.path.join(folder, "probe")):
            self.skipTest("cannot make a folder read-only here (unshare -m and a read-only bind mount failed)")
        r = self.box.run(["unshare", "-m", "sh", "-c", 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" '
                          '&& cd "$1" && exec "$2" nrnivmodl --no-glia', "sh", folder, CLI], check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn(f"the model folder {folder} is not writable ({folder}: Read-only file system)", r.stdout)
        self.assertIn("Make the folder writable (or copy the model to a folder you can write), then run "
                      "'glia nrnivmodl' there", r.stdout)
        self.assertNotIn("cache", r.stdout.lower())
        self.assertNotIn("compiled", r.stdout)  # refused before any work

    def test_two_runs_at_once_in_one_folder(self):
        """Both succeed (one waits for the other) and the record stays in step with the files: a third
        run is a clean no-op, never a refusal of files glia wrote."""
        folder = self.model("twice", {"a_leak.mod": OWN_MODS["a_leak.mod"], "c_h.mod": OWN_MODS["c_h.mod"]})
        for attempt in range(4):
            with open(os.path.join(folder, "a_leak.mod"), "a") as f:
                f.write(f": edit {attempt}\n")  # a new library each time: both runs link and write
            runs = [subprocess.Popen([CLI, "nrnivmodl", "--no-glia"], cwd=folder, env=self.box.env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True) for _ in range(2)]
            outs = [run.communicate(timeout=300)[0] for run in runs]
            for run, out in zip(runs, outs):
                self.assertEqual(run.returncode, 0, f"attempt {attempt}: {out}")
            out = self.nrnivmodl(folder, "--no-glia", check=False).stdout
            self.assertNotIn("not written by glia", out, f"attempt {attempt}")
            self.assertIn("0 linked; unchanged", out, f"attempt {attempt}")

    def test_incflags_header_is_part_of_the_key(self):
        """Editing a header found only through -incflags -I recompiles the mods that include it."""
        folder = self.model("header", {"konst.mod": KONST})
        header = self.box.write("header/include/myconst.h", "#define MY_K 7.5\n")
        time.sleep(SETTLE)  # the stamps settle, so the rebuild trusts them: the edit must show in one
        for value in ("7.5", "2.25"):
            if value != "7.5":
                with open(header, "w") as f:
                    f.write(f"#define MY_K {value}\n")
            self.nrnivmodl(folder, "--no-glia", "-incflags", "-I../include")
            out = self.box.run(["nrniv", "-nogui", "-c", "print konst()\nquit()"], cwd=folder).stdout
            self.assertIn(value, out)

    def test_python_load_mechanisms_and_special(self):
        folder = self.model("loaded", {"a_leak.mod": OWN_MODS["a_leak.mod"], "konst.mod": KONST})
        self.box.write("loaded/include/myconst.h", "#define MY_K 7.5\n")
        # As nrnivmodl's make reads them: a relative -I is relative to x86_64/.
        self.nrnivmodl(folder, "--no-glia", "-incflags", "-I../include", "-loadflags", "-Wl,-z,now")
        out = self.box.run(["nrniv", "-nogui", "-c", "print konst()\nquit()"], cwd=folder).stdout
        self.assertIn("7.5", out)
        check = "s = h.Section(name='s')\ns.insert('zlk')\nprint('g', s(0.5).g_zlk)\n"
        # `from neuron import h` in the folder loads it by itself ...
        out = self.box.run([PYTHON, "-c", "from neuron import h\n" + check], cwd=folder).stdout
        self.assertIn("g 0.0003", out)
        # ... neuron.load_mechanisms(folder) from elsewhere ...
        out = self.box.run([PYTHON, "-c", f"import neuron\nfrom neuron import h\n"
                            f"neuron.load_mechanisms({folder!r})\n" + check]).stdout
        self.assertIn("g 0.0003", out)
        # ... and x86_64/special is nrniv with it, from any folder.
        out = self.box.run([os.path.join(folder, "x86_64", "special"), "-nogui", "-c",
                            "create s\ns insert zlk\nprint s.g_zlk\nquit()"]).stdout
        self.assertIn("0.0003", out)
        self.assertEqual(out.count("Additional mechanisms from files"), 1, out)

    def test_library_brings_glia_along(self):
        """Loading the library registers glia's builtins and installed packages, as libglia.so does; a name
        both the folder and a package define stays the folder's, and the package's mechanism is named."""
        functions = """
        NEURON { SUFFIX nothing }
        FUNCTION shared_f() { shared_f = %s }
        """
        folder = self.model("with_glia", {"a_leak.mod": OWN_MODS["a_leak.mod"], "fns.mod": functions % "1"})
        package = self.box.package("clashpkg", {"fns.mod": functions % "2"})
        self.box.env.update(GLIA_PLUGIN=PLUGIN, GLIA_PATH=os.pathsep.join([package, self.box.env["GLIA_PATH"]]))
        self.nrnivmodl(folder)
        hoc = 'create s\ns insert zlk\ns glia_insert("Kv1")\nprint "f", shared_f()\nprint "g", s.g_zlk\n'
        # No load line at all; then loading the plugin again changes nothing (a later start sums the
        # clash it has already told in one line).
        for load in ("", f'nrn_load_dll("{PLUGIN}")\n'):
            out = self.box.run(["nrniv", "-nogui", "-c", load + hoc + "quit()"], cwd=folder).stdout
            self.assertIn("f1 \ng0.0003", out)
            if not load:
                self.assertIn("name clash on 'shared_f': clashpkg.fns(0)", out)
                self.assertIn("is left out", out)
        out = self.box.run(["nrniv", "-nogui", "-c", "create s\ns glia_insert(\"Kv1\")\n"
                            "forall psection()\nquit()"], cwd=folder).stdout
        self.assertIn("glia__example__Kv1__0", out)
        # --no-glia: the folder's mods only.
        self.nrnivmodl(folder, "--no-glia")
        out = self.box.run(["nrniv", "-nogui", "-c", "print \"f\", shared_f()\nglia_insert(\"Kv1\")\nquit()"],
                           cwd=folder, check=False).stdout
        self.assertIn("f1 ", out)
        self.assertIn("glia_insert undefined function", out)


if __name__ == "__main__":
    main()
