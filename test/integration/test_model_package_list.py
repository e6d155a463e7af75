"""A model that lists its packages (glia.yaml's `load:`, or GLIA_LOAD) builds and loads only those."""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import GliaTestCase, density, main  # noqa: E402

PROBE = """
create soma
soma glia_insert("A")
print "A ", ismembrane("glia__alpha__A__0")
print "B declared ", name_declared("glia__beta__B__0")
"""


class ModelPackageList(GliaTestCase):
    def setUp(self):
        super().setUp()
        self.box.package("alpha", {"A.mod": density("A")})
        # beta does not even translate: built, it would be reported at every start.
        self.box.package("beta", {"B.mod": density("B", extra="BROKEN {")})
        # gamma's manifest is broken after its name: a package not listed is not even parsed.
        self.box.package("gamma", {"G.mod": density("G")})
        self.box.write("packages/gamma/glia-package.yaml", "name: gamma\nversion: [1\n")
        self.box.env["GLIA_PATH"] = self.box.path("packages")

    def assert_only_alpha(self, output):
        self.assertIn("A 1", output)
        self.assertIn("B declared 0", output)
        self.assertNotIn("beta", output.replace("glia__beta__B__0", ""))  # neither built nor loaded
        self.assertNotIn("gamma", output)
        objects = os.path.join(self.box.env["XDG_CACHE_HOME"], "glia", "objects")
        built = [name for _, _, files in os.walk(objects) for name in files]
        self.assertEqual(1, len([name for name in built if name.endswith(".o")]), built)

    def test_glia_yaml_load_list(self):
        self.box.write("work/glia.yaml", "load:\n  - alpha\n")
        self.assert_only_alpha(self.box.nrniv(PROBE).stdout)
        unknown = self.box.nrniv('create s\ns glia_insert("B")', check=False).stdout
        self.assertIn("'B'", unknown)
        self.assertIn("unknown", unknown.lower())

    def test_a_name_a_left_out_package_provides_says_so(self):
        """Not "no installed package provides it": which package does, and how to add it to the list."""
        yaml = self.box.write("work/glia.yaml", "load:\n  - alpha\n")
        out = self.box.nrniv('create s\ns glia_insert("B")', check=False).stdout
        self.assertIn(f"unknown mechanism 'B': package 'beta' provides it, but the `load:` list of {yaml} leaves "
                      "beta out, so glia did not load it. Add beta to the list (load: [alpha, beta]) and start "
                      "NEURON again", out)
        self.assertNotIn("no installed package provides it", out)
        # Through GLIA_LOAD, the same; a name no package provides is still unknown.
        os.remove(yaml)
        self.box.env["GLIA_LOAD"] = "alpha"
        out = self.box.nrniv('create s\ns glia_insert("B")', check=False).stdout
        self.assertIn("package 'beta' provides it, but GLIA_LOAD leaves beta out, so glia did not load it. Add beta "
                      "to the list (GLIA_LOAD=alpha,beta)", out)
        out = self.box.nrniv('create s\ns glia_insert("Zzz")', check=False).stdout
        self.assertIn("unknown mechanism 'Zzz': no installed package provides it", out)

    def test_environment_variable(self):
        self.box.env["GLIA_LOAD"] = "alpha"
        self.assert_only_alpha(self.box.nrniv(PROBE).stdout)

    def test_listed_package_not_installed_names_file_and_line(self):
        yaml = self.box.write("work/glia.yaml", "# this model's packages\nload:\n  - alpha\n  - gama\n")
        output = self.box.nrniv(PROBE).stdout
        self.assertIn(f"{yaml}:4:5: package 'gama' is listed to load but not installed", output)
        self.assertIn("A 1", output)  # the listed packages that are there still load


if __name__ == "__main__":
    main()
