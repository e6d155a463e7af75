"""The example package is found through each entry of the search path (docs/architecture.md, "Packages")."""

import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import EXAMPLE, SharedCacheTestCase, main  # noqa: E402

PROBE = """
create soma
soma glia_insert("Kv1")
soma print "found ", ismembrane("glia__example__Kv1__0")
"""


class SearchPath(SharedCacheTestCase):
    def assert_found(self):
        self.assertIn("found 1", self.box.nrniv(PROBE).stdout)
        listing = self.box.glia("list").stdout
        self.assertIn("glia__example__Kv1__fast", listing)

    def test_glia_path_entry_is_a_package(self):
        self.box.env["GLIA_PATH"] = EXAMPLE
        self.assert_found()

    def test_glia_path_entry_is_a_folder_of_packages(self):
        self.box.env["GLIA_PATH"] = "/nonexistent:" + os.path.dirname(EXAMPLE)
        self.assert_found()

    def test_user_data_dir(self):
        del self.box.env["GLIA_PATH"]
        shutil.copytree(EXAMPLE, os.path.join(self.box.env["XDG_DATA_HOME"], "glia", "packages", "example"))
        self.assert_found()

    def test_install_prefix(self):
        del self.box.env["GLIA_PATH"]
        listing = self.box.glia("list").stdout
        if "example" not in listing:
            self.skipTest("glia is not installed; the installed package dir is checked after 'meson install'")
        self.assert_found()

    def test_first_hit_wins(self):
        copy = self.box.path("copy", "example")
        shutil.copytree(EXAMPLE, copy)
        with open(os.path.join(copy, "glia-package.yaml"), "a") as f:
            f.write("")
        self.box.env["GLIA_PATH"] = f"{copy}:{EXAMPLE}"
        listing = self.box.glia("list").stdout
        self.assertIn(f"example 1.0.0  ({copy})", listing)
        self.assertIn(f"note: package 'example' in {EXAMPLE} is hidden by {copy}", listing)


if __name__ == "__main__":
    main()
