"""A start whose files have all settled is recorded (start/start_record.hpp); the next start takes its packages
and libraries from the record, and any change to a mod or to the search path makes a start look again."""

import glob
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import GliaTestCase, density, main  # noqa: E402

SHOW_G = """
create s
s glia_insert("Gk")
print "g ", s.g_glia__rec__Gk__0(0.5)
"""
SETTLE = 2.2  # the stamp margin (file_stamp.hpp: 2 s) and a little


class StartRecord(GliaTestCase):
    def record(self):
        """The one start record of the sandbox's cache: (inode, mtime in ns), or None."""
        found = glob.glob(self.box.path("cache", "glia", "starts", "*"))
        self.assertLessEqual(len(found), 1, found)
        if not found:
            return None
        stat = os.stat(found[0])
        return stat.st_ino, stat.st_mtime_ns

    def g(self, hoc=SHOW_G):
        return self.values(self.box.nrniv(hoc).stdout, "g")[0][0]

    def test_a_recorded_start_is_used_until_a_mod_or_the_search_path_changes(self):
        self.box.package("rec", {"Gk.mod": density("Gk", g="0.001")})
        self.box.env["GLIA_PATH"] = self.box.path("packages")
        self.assertEqual(self.g(), 0.001)
        self.assertIsNone(self.record(), "files written just before a start leave no record")

        time.sleep(SETTLE)
        self.assertEqual(self.g(), 0.001)
        recorded = self.record()
        self.assertIsNotNone(recorded, "a start after everything settled is recorded")
        self.assertEqual(self.g(), 0.001)
        self.assertEqual(self.record(), recorded, "the next start takes the record and does not write it again")

        # In place and the same size (only the mod: not its folder, not the manifest), so only the mod's own
        # stamp tells the edit.
        self.box.write("packages/rec/mods/Gk.mod", density("Gk", g="0.002"))
        self.assertEqual(self.g(), 0.002)
        time.sleep(SETTLE)
        self.assertEqual(self.g(), 0.002)
        self.assertNotEqual(self.record(), recorded, "the start after the edit records anew")
        recorded = self.record()
        self.assertEqual(self.g(), 0.002)
        self.assertEqual(self.record(), recorded)

        # A package added beside it: the search folder changed, so the start looks again.
        self.box.package("more", {"Na2.mod": density("Na2")})
        out = self.box.nrniv('create s\ns glia_insert("Na2")\nprint "inserted"').stdout
        self.assertIn("inserted", out)

    def test_a_record_is_not_taken_for_another_package_list(self):
        self.box.package("rec", {"Gk.mod": density("Gk")})
        self.box.package("other", {"Na2.mod": density("Na2")})
        self.box.env["GLIA_PATH"] = self.box.path("packages")
        self.box.nrniv("")  # builds both packages
        time.sleep(SETTLE)
        self.box.nrniv("")  # recorded, with every package
        self.assertIsNotNone(self.record())
        listed = dict(self.box.env, GLIA_LOAD="rec")
        out = self.box.nrniv('create s\ns glia_insert("Na2")\nprint "inserted"', env=listed, check=False).stdout
        self.assertNotIn("inserted", out)  # package 'other' is not loaded: not taken from the record
        self.assertIn("Na2", out)


if __name__ == "__main__":
    main()
