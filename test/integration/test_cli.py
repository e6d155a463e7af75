"""The glia command: compile and list, their help, and their errors."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import GliaTestCase, main  # noqa: E402


class Cli(GliaTestCase):
    def test_help(self):
        out = self.box.glia("--help").stdout
        self.assertIn("compile", out)
        self.assertIn("list", out)
        for command in ("compile", "list"):
            self.assertIn(f"usage: glia {command}", self.box.glia(command, "--help").stdout)

    def test_without_home_the_password_database_gives_the_home(self):
        import pwd
        env = dict(self.box.env)
        for var in ("HOME", "XDG_CACHE_HOME", "GLIA_CACHE_DIR"):
            env.pop(var, None)
        home = pwd.getpwuid(os.getuid()).pw_dir
        self.assertEqual(self.box.glia("cache", env=env).stdout.strip(), os.path.join(home, ".cache", "glia"))

    def test_unknown_command_suggests(self):
        r = self.box.glia("compil", check=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown command 'compil'; did you mean 'compile'?", r.stdout)

    def test_bad_option_names_the_command(self):
        r = self.box.glia("compile", "--jobs=x", check=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("glia compile:", r.stdout)

    def test_compile_then_nothing_to_do(self):
        first = self.box.glia("compile", "-j", "2").stdout
        self.assertRegex(first, r"\[\d+/\d+\] example\.Kv1\(0\)")
        self.assertIn("0 up to date, 1 linked", first)
        second = self.box.glia("compile").stdout
        self.assertIn("glia: 0 compiled", second)
        self.assertIn("0 linked", second)

    def test_list_json(self):
        data = json.loads(self.box.glia("list", "--json").stdout)
        example = [p for p in data if p["name"] == "example"][0]
        kinds = {m["asset"]: m["kind"] for m in example["mods"]}
        self.assertEqual(kinds["Kv1"], "density")
        self.assertEqual(kinds["AMPA"], "point_process")

    def test_broken_package_is_reported_and_others_still_listed(self):
        self.box.write("packages/bad/glia-package.yaml", "name: [oops\n")
        self.box.env["GLIA_PATH"] += ":" + self.box.path("packages")
        r = self.box.glia("list")
        self.assertRegex(r.stdout, r"bad/glia-package.yaml:\d+:\d+: malformed YAML")
        self.assertIn("glia__example__Kv1__0", r.stdout)


if __name__ == "__main__":
    main()
