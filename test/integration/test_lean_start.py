"""A NEURON start loads only what it uses: OpenSSL's libcrypto (SHA-256) only when a lock file is checked."""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import GliaTestCase, density, main  # noqa: E402

# nrniv's own memory map, read by the shell its system() starts ($PPID is nrniv).
COUNT_LIBCRYPTO = """
strdef maps
system("grep -c libcrypto /proc/$PPID/maps", maps)
print "libcrypto mappings: ", maps
create soma
soma glia_insert("Kv1")
print "inserted"
"""


class LeanStart(GliaTestCase):
    def mappings(self, out):
        self.assertIn("inserted", out)
        return int(out.split("libcrypto mappings: ")[1].split()[0])

    def test_libcrypto_is_loaded_only_to_check_a_lock_file(self):
        # A broken mod too: its problem is remembered (known problems) without SHA-256.
        self.box.package("shaky", {"Bad.mod": density("Bad", extra="BROKEN {")})
        self.box.env["GLIA_PATH"] = os.pathsep.join([self.box.env["GLIA_PATH"], self.box.path("packages")])
        for start in ("first", "second"):
            with self.subTest(start=start):
                self.assertEqual(self.mappings(self.box.nrniv(COUNT_LIBCRYPTO).stdout), 0)

        self.box.glia("lock", "Kv1")  # the working directory is the model folder: its lock is checked
        self.assertGreater(self.mappings(self.box.nrniv(COUNT_LIBCRYPTO).stdout), 0)


if __name__ == "__main__":
    main()
