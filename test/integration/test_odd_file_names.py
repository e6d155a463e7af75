"""File and folder names full of YAML's special characters go through import, check, NEURON and
glia lock: every YAML file glia writes quotes them, so they read back as they are."""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import GliaTestCase, density, main  # noqa: E402

# file name -> SUFFIX (the asset it is imported as)
ODD_FILES = {"a, b.mod": "ab", "x: y.mod": "xy", "[v2].mod": "v2", "a #b.mod": "hashed",
             "{c}.mod": "braced", " 'q\".mod": "quoted", "back\\slash.mod": "slashed"}


class OddFileNames(GliaTestCase):
    def test_import_check_run_and_lock_files_with_odd_names_in_an_odd_folder(self):
        box = self.box
        folder = "Smith: 2019 #1"
        for name, suffix in ODD_FILES.items():
            box.write(os.path.join(folder, name), density(suffix))
        out = box.glia("import", box.path(folder), "--name", "smith").stdout
        pkg = os.path.join(box.cwd, "smith")
        self.assertIn(f"created package 'smith' in {pkg} with {len(ODD_FILES)} mechanisms", out)
        for name, suffix in ODD_FILES.items():
            self.assertIn(f"  {suffix}  variant 0  density  from " + box.path(folder, name), out)
            self.assertTrue(os.path.isfile(os.path.join(pkg, "mods", name)), name)
        self.assertIn(f"package 'smith' is valid: {len(ODD_FILES)} mechanisms translate", box.glia("check", pkg).stdout)
        shown = box.glia("show-pkg", "smith", env=dict(box.env, GLIA_PATH=pkg)).stdout
        self.assertIn("imported from " + box.path(folder), shown)

        # NEURON runs them, and a lock file naming them is read back on every load.
        box.env["GLIA_PATH"] = pkg
        inserts = " ".join(f'glia_insert("{suffix}")' for suffix in ODD_FILES.values())
        hoc = f"create soma\nsoma {{ {inserts} }}\nfinitialize(-65)\nprintf(\"inserted %d\\n\", {len(ODD_FILES)})\n"
        self.assertIn(f"inserted {len(ODD_FILES)}", box.nrniv(hoc).stdout)
        box.glia("lock")
        self.assertIn(f"inserted {len(ODD_FILES)}", box.nrniv(hoc).stdout)
        # The lock still catches a change in a file with an odd name.
        with open(os.path.join(pkg, "mods", "a #b.mod"), "a") as f:
            f.write("\n: changed\n")
        r = box.nrniv(hoc, check=False)
        self.assertIn(os.path.join(pkg, "mods", "a #b.mod") + " changed", r.stdout)


if __name__ == "__main__":
    main()
