"""Lock files: glia lock pins a model's mechanisms; a changed mechanism stops the model, named."""

import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import EXAMPLE, GliaTestCase, main  # noqa: E402


def read(path):
    with open(path) as f:
        return f.read()


USE_KV1 = """
create soma
soma glia_insert("Kv1")
soma glia_insert("Na")
print "inserted"
"""

WITH_INCLUDE = """\
NEURON { SUFFIX lk NONSPECIFIC_CURRENT i RANGE g }
INCLUDE "consts.inc"
PARAMETER { g = 0.001 (S/cm2) }
ASSIGNED { v (mV) i (mA/cm2) }
BREAKPOINT { i = g * (v - ELEAK) }
"""


class LockFile(GliaTestCase):
    def setUp(self):
        super().setUp()
        # A private copy of the example package, so the test can change its mods.
        self.pkg = self.box.path("packages", "example")
        shutil.copytree(EXAMPLE, self.pkg)
        self.box.env["GLIA_PATH"] = self.pkg

    def lock_text(self):
        with open(os.path.join(self.box.cwd, "glia.lock")) as f:
            return f.read()

    def test_lock_pass_then_refuse_a_changed_mod(self):
        out = self.box.glia("lock", "Kv1", "Na").stdout
        self.assertIn("locked Kv1 -> glia__example__Kv1__0", out)
        self.assertIn("locked Na -> glia__example__Na__0", out)
        text = self.lock_text()
        self.assertIn("version: 2\n", text)
        self.assertIn("  - asset: Kv1\n    name: glia__example__Kv1__0\n    hash: ", text)
        # Each file's hash is its SHA-256, the digits sha256sum prints.
        kv1_sum = self.box.run(["sha256sum", os.path.join(self.pkg, "mods", "Kv1.mod")]).stdout.split()[0]
        self.assertRegex(text, rf'\n      "?Kv1\.mod"?: {kv1_sum}\n')  # quoted only where YAML needs it

        # Unchanged: the model runs, and --check agrees.
        self.assertIn("inserted", self.box.nrniv(USE_KV1).stdout)
        self.assertIn("every locked mechanism is unchanged", self.box.glia("lock", "--check").stdout)

        # A changed mod: the model is refused, naming the mechanism, its file and the command.
        kv1 = os.path.join(self.pkg, "mods", "Kv1.mod")
        with open(kv1, "a") as f:
            f.write(": an edit\n")
        r = self.box.nrniv(USE_KV1, check=False)
        self.assertEqual(r.returncode, 1, r.stdout)  # a hoc error, not a crash
        self.assertNotIn("inserted", r.stdout)
        self.assertIn("1 of the model's 2 locked mechanisms changed since it was locked", r.stdout)
        self.assertIn(f"glia__example__Kv1__0 (asset Kv1): {kv1} changed", r.stdout)
        self.assertIn("'glia lock Kv1 Na'", r.stdout)
        self.assertNotIn("glia__example__Na__0 (asset Na)", r.stdout)

        # Python sees the same refusal as an exception.
        r = self.box.python("""
            soma = h.Section(name="soma")
            try:
                h.glia_insert("Kv1", sec=soma)
                print("inserted")
            except RuntimeError:
                print("refused")
        """, check=False)
        self.assertIn("refused", r.stdout)
        self.assertIn(f"{kv1} changed", r.stdout)

        r = self.box.glia("lock", "--check", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"glia__example__Kv1__0 (asset Kv1): {kv1} changed", r.stdout)

        # Accepting the change: lock again, and the model runs.
        self.box.glia("lock", "Kv1", "Na")
        self.assertIn("inserted", self.box.nrniv(USE_KV1).stdout)

        # Without the lock file nothing is checked.
        with open(kv1, "a") as f:
            f.write(": another edit\n")
        os.remove(os.path.join(self.box.cwd, "glia.lock"))
        self.assertIn("inserted", self.box.nrniv(USE_KV1).stdout)

    def test_changed_include_and_missing_package_are_named(self):
        extra = self.box.package("extra", {"lk.mod": WITH_INCLUDE, "consts.inc": "PARAMETER { ELEAK = -65 (mV) }\n"})
        self.box.env["GLIA_PATH"] += ":" + extra
        self.box.glia("lock", "lk", "Spiker")
        self.assertRegex(self.lock_text(), r'\n      "?consts\.inc"?: [0-9a-f]{64}\n')
        with open(os.path.join(extra, "mods", "consts.inc"), "w") as f:
            f.write("PARAMETER { ELEAK = -70 (mV) }\n")
        r = self.box.glia("lock", "--check", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("glia__extra__lk__0 (asset lk): " + os.path.join(extra, "mods", "consts.inc") + " changed",
                      r.stdout)
        self.assertNotIn("lk.mod changed", r.stdout)

        self.box.env["GLIA_PATH"] = self.pkg  # package extra is gone
        r = self.box.nrniv('print "loaded"', check=False)
        self.assertIn("glia__extra__lk__0 (asset lk): package 'extra' is not installed", r.stdout)

    def test_lock_without_assets_locks_every_unambiguous_one(self):
        other = self.box.package("other", {"Na.mod": read(os.path.join(EXAMPLE, "mods", "Na.mod"))})
        self.box.env["GLIA_PATH"] += ":" + other
        os.makedirs(self.box.path("model"))
        out = self.box.glia("lock", "--model", self.box.path("model")).stdout
        for asset in ("AMPA", "Kv1", "Leak", "Spiker"):
            self.assertIn(f"locked {asset} -> glia__example__{asset}__0", out)
        self.assertIn("not locked: Na: ambiguous", out)
        self.assertIn("wrote " + self.box.path("model", "glia.lock") + " (4 mechanisms)", out)
        # Naming it in full locks it.
        out = self.box.glia("lock", "glia__other__Na__0", "Kv1").stdout
        self.assertIn("locked glia__other__Na__0 -> glia__other__Na__0", out)

    def test_lock_follows_preferences(self):
        # The model's project preferences (glia.yaml beside it) decide what Kv1 is, for the lock too.
        self.box.write("work/glia.yaml", "assets:\n  Kv1: {package: example, variant: fast}\n")
        out = self.box.glia("lock", "Kv1").stdout
        self.assertIn("locked Kv1 -> glia__example__Kv1__fast", out)
        with open(os.path.join(self.pkg, "mods", "Kv1.mod"), "a") as f:
            f.write(": variant 0 changed, which the model does not use\n")
        r = self.box.nrniv('create soma\nsoma glia_insert("Kv1")\nprint "inserted"\n')
        self.assertIn("inserted", r.stdout)
        with open(os.path.join(self.pkg, "mods", "Kv1__fast.mod"), "a") as f:
            f.write(": now the one it uses\n")
        r = self.box.nrniv('create soma\nsoma glia_insert("Kv1")\nprint "inserted"\n', check=False)
        self.assertIn("glia__example__Kv1__fast (asset Kv1): " + os.path.join(self.pkg, "mods", "Kv1__fast.mod") +
                      " changed", r.stdout)

    def test_unknown_asset_and_bad_lock_file(self):
        r = self.box.glia("lock", "Kv2", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("Kv2", r.stdout)
        self.assertFalse(os.path.exists(os.path.join(self.box.cwd, "glia.lock")))
        self.box.write("work/glia.lock", "version: 7\nmechanisms: []\n")
        r = self.box.nrniv('print "loaded"', check=False)
        self.assertIn("glia.lock:1:10: unsupported lock file version", r.stdout)

    def test_a_version_1_lock_is_refused_until_relocked(self):
        # A lock written by glia before SHA-256: its 128-bit hashes are not trusted any more.
        self.box.write("work/glia.lock", """\
            version: 1
            mechanisms:
              - asset: Kv1
                name: glia__example__Kv1__0
                hash: 5d1b0e7c2f6a4b38a9c0d1e2f3a4b5c6
                files:
                  "Kv1.mod": 0f1e2d3c4b5a69788796a5b4c3d2e1f0
              - asset: Na
                name: glia__example__Na__0
                hash: 00112233445566778899aabbccddeeff
            """)
        relock = f"'glia lock Kv1 Na' in {self.box.cwd}"  # the folder as NEURON names it
        r = self.box.nrniv(USE_KV1, check=False)
        self.assertNotIn("inserted", r.stdout)
        self.assertIn("glia.lock:1:10: a version 1 lock file", r.stdout)
        self.assertIn(relock, r.stdout)
        r = self.box.glia("lock", "--check", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("'glia lock Kv1 Na' in .", r.stdout)  # and as the command was given it
        # The command it names re-locks (from the model folder, as it says), and the model runs.
        self.box.glia("lock", "Kv1", "Na")
        self.assertIn("version: 2\n", self.lock_text())
        self.assertIn("inserted", self.box.nrniv(USE_KV1).stdout)


if __name__ == "__main__":
    main()
