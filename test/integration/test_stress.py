"""Many NEURON processes on one stale cache: one build, every process gets every mechanism."""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import NEURON, PLUGIN, GliaTestCase, main, skip_unless_mpi  # noqa: E402

# Every asset of the test package is used, so a process that lacks one fails.
PROBE = f"""
nrn_load_dll("{PLUGIN}")
create soma
soma {{ glia_insert("Kv1")  glia_insert("Na")  glia_insert("Leak") }}
objref syn, gen
soma syn = new glia__example__AMPA__0(0.5)
gen = new glia__example__Spiker__0()
soma printf("rank %d ok %g %g %g\\n", pc.id, ismembrane("glia__example__Kv1__0"), ismembrane("glia__example__Na__0"), ismembrane("glia__example__Leak__0"))
quit()
"""


class Stress(GliaTestCase):
    def start_many(self, count, hoc_path):
        # Each nrniv leads its own process group (with the compilers it starts), which is killed
        # when the test ends: after a failure or a timeout nobody reads its pipe any more, and an
        # nrniv left behind spins on "writing to a broken pipe".
        procs = [subprocess.Popen(["nrniv", "-nogui", hoc_path], cwd=self.box.cwd, env=self.box.env,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, start_new_session=True) for _ in range(count)]
        self.children += procs
        return procs

    def setUp(self):
        super().setUp()
        self.children = []

    def tearDown(self):
        for p in self.children:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            p.wait()
            p.stdout.close()
        super().tearDown()

    def probe_file(self):
        return self.box.write("work/probe.hoc", "objref pc\npc = new ParallelContext()\n" + PROBE)

    def assert_all_ok(self, procs):
        outputs = []
        for p in procs:
            out, _ = p.communicate(timeout=600)
            self.assertEqual(p.returncode, 0, out)
            self.assertIn("ok 1 1 1", out)
            outputs.append(out)
        return outputs

    def builds_in(self, outputs):
        """How many processes compiled something (the plugin prints [k/n] lines only then)."""
        return sum(1 for out in outputs if "glia: [1/" in out)

    def test_32_processes_one_build(self):
        outputs = self.assert_all_ok(self.start_many(32, self.probe_file()))
        self.assertEqual(self.builds_in(outputs), 1)

    @skip_unless_mpi
    def test_mpi_ranks_one_build_one_report(self):
        hoc = self.probe_file()
        r = self.box.run(["mpiexec", "--allow-run-as-root", "--oversubscribe", "-n", "4", "nrniv", "-mpi",
                          "-nogui", hoc], timeout=600)
        for rank in range(4):
            self.assertIn(f"rank {rank} ok 1 1 1", r.stdout)
        # only rank 0 reports; whichever rank took the lock built, so rank 0 shows at most one build
        self.assertLessEqual(r.stdout.count("glia: [1/"), 1)

    def test_cache_deleted_midway(self):
        hoc = self.probe_file()
        cache = os.path.join(self.box.env["XDG_CACHE_HOME"], "glia")
        procs = self.start_many(8, hoc)
        time.sleep(1.5)  # builds are under way
        shutil.rmtree(cache, ignore_errors=True)
        procs += self.start_many(8, hoc)
        self.assert_all_ok(procs)
        # and the cache that is left is trusted by the next run: nothing to compile
        out = self.box.glia("compile").stdout
        self.assertIn("glia: 0 compiled", out)

    def test_package_changing_while_processes_start(self):
        pkg = self.box.path("pkgs", "example")
        from harness import EXAMPLE
        shutil.copytree(EXAMPLE, pkg)
        self.box.env["GLIA_PATH"] = pkg
        hoc = self.probe_file()
        kv1 = os.path.join(pkg, "mods", "Kv1.mod")
        with open(kv1) as f:
            original = f.read()
        stop = threading.Event()

        def edit():
            n = 0
            while not stop.is_set():
                n += 1
                with open(kv1 + ".tmp", "w") as f:
                    f.write(original + f"\n: edit {n}\n")
                os.replace(kv1 + ".tmp", kv1)
                time.sleep(0.3)

        editor = threading.Thread(target=edit)
        editor.start()
        try:
            procs = self.start_many(12, hoc)
            self.assert_all_ok(procs)
        finally:
            stop.set()
            editor.join()


if __name__ == "__main__":
    main()
