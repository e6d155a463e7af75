"""Problems met at every start are printed in full once; later starts sum up the unchanged ones in one line."""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import GliaTestCase, density, main  # noqa: E402


class KnownProblems(GliaTestCase):
    def test_second_start_prints_one_line_and_a_new_problem_in_full(self):
        self.box.package("shaky", {"Bad.mod": density("Bad", extra="BROKEN {"), "Good.mod": density("Good")})
        self.box.env["GLIA_PATH"] = self.box.path("packages")
        first = self.box.nrniv("print \"started\"").stdout
        self.assertIn("glia__shaky__Bad__0", first)
        self.assertNotIn("known problem", first)

        second = self.box.nrniv("print \"started\"").stdout
        self.assertNotIn("glia__shaky__Bad__0", second)
        self.assertIn("glia: 1 known problem, unchanged since an earlier start, not repeated "
                      "('glia compile' lists them all)", second)
        self.assertIn("glia__shaky__Bad__0", self.box.glia("compile", check=False).stdout)

        self.box.package("wobbly", {"Worse.mod": density("Worse", extra="BROKEN {")})
        third = self.box.nrniv("print \"started\"").stdout
        self.assertIn("glia__wobbly__Worse__0", third)  # new: in full
        self.assertNotIn("glia__shaky__Bad__0", third)
        self.assertIn("glia: 1 known problem,", third)

    def test_a_start_does_not_retry_a_mod_that_failed_unchanged_but_glia_compile_does(self):
        # The mod needs a header from the compiler's search path (CPATH), which its key does not cover.
        self.box.package("needy", {"Needy.mod": density("Needy") + 'VERBATIM\n#include "glia_test_needed.h"\nENDVERBATIM\n'})
        self.box.env["GLIA_PATH"] = self.box.path("packages")
        check = 'print "needy: ", glia_resolve("Needy")'
        self.assertIn("glia_test_needed.h", self.box.nrniv(check, check=False).stdout)

        self.box.write("include/glia_test_needed.h", "#define GLIA_TEST_NEEDED 1\n")
        self.box.env["CPATH"] = self.box.path("include")
        second = self.box.nrniv(check, check=False).stdout
        self.assertIn("glia: 1 known problem,", second)  # remembered, the tools not run again
        self.assertNotIn("needy: glia__needy__Needy__0", second)

        self.assertIn("1 compiled", self.box.glia("compile").stdout)  # tries again, and builds
        self.assertIn("needy: glia__needy__Needy__0", self.box.nrniv(check).stdout)


if __name__ == "__main__":
    main()
