"""A package is self-contained, and installing one never copies what lies outside it: links out of a
package, hard links, devices and FIFOs are refused (archives and folders alike), installed files get
ordinary permissions, discovery and `glia check` refuse mods that lead outside their package, and
`glia install --replace` and `glia uninstall` remove only what `glia install` put in place."""

import os
import stat
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import EXAMPLE, GliaTestCase, main  # noqa: E402

with open(os.path.join(EXAMPLE, "mods", "Leak.mod")) as f:
    LEAK = f.read()


class SelfContained(GliaTestCase):
    def setUp(self):
        super().setUp()
        box = self.box
        # What a hostile package would like to copy: a secret folder and file of the user's.
        self.secret_dir = box.path("home", ".ssh")
        self.secret = box.write("home/.ssh/id_rsa", "PRIVATE KEY\n")
        self.packages = os.path.join(box.env["XDG_DATA_HOME"], "glia", "packages")

    def make_package(self, name):
        return self.box.package(name, {"Leak.mod": LEAK}, where="src")

    def archive(self, name):
        path = self.box.path(name + ".tar.gz")
        self.box.run(["tar", "czf", path, "-C", self.box.path("src"), name])
        return path

    def assert_refused(self, source, entry, words):
        r = self.box.glia("install", source, check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn(f"'{entry}' {words}", r.stdout)
        self.assertIn("nothing was installed", r.stdout)
        self.assertFalse(os.path.exists(self.packages) and os.listdir(self.packages), os.listdir(self.packages))
        staging = os.path.join(os.path.dirname(self.packages), ".install-tmp")
        self.assertEqual(os.listdir(staging), [])

    def test_links_out_of_a_package_are_refused(self):
        cases = {
            "absdir": ("evil/ssh", self.secret_dir),
            "absfile": ("evil/key", self.secret),
            "upwards": ("evil/key", os.path.join("..", "..", "..", "home", ".ssh", "id_rsa")),
            "etc": ("mods/etc", "/etc"),
        }
        for name, (entry, target) in cases.items():
            with self.subTest(name):
                pkg = self.make_package(name)
                os.makedirs(os.path.dirname(os.path.join(pkg, entry)), exist_ok=True)
                os.symlink(target, os.path.join(pkg, entry))
                self.assert_refused(self.archive(name), entry, f"is a symbolic link to '{target}'")
                self.assert_refused(pkg, entry, f"is a symbolic link to '{target}'")

    def test_a_link_inside_the_package_is_kept(self):
        pkg = self.make_package("inner")
        os.makedirs(os.path.join(pkg, "docs"))
        os.symlink(os.path.join("..", "mods", "Leak.mod"), os.path.join(pkg, "docs", "leak.mod"))
        self.box.glia("install", self.archive("inner"))
        self.assertEqual(os.readlink(os.path.join(self.packages, "inner", "docs", "leak.mod")),
                         os.path.join("..", "mods", "Leak.mod"))

    def test_hard_links_fifos_and_devices_are_refused(self):
        pkg = self.make_package("hard")
        os.link(os.path.join(pkg, "mods", "Leak.mod"), os.path.join(pkg, "mods", "Copy.mod"))
        self.assert_refused(self.archive("hard"), "mods/Copy.mod", "is a hard link")
        self.assert_refused(pkg, "mods/Copy.mod", "is a hard link")
        pkg = self.make_package("fifo")
        os.mkfifo(os.path.join(pkg, "pipe"))
        self.assert_refused(self.archive("fifo"), "pipe", "is a FIFO")
        self.assert_refused(pkg, "pipe", "is a FIFO")
        if os.geteuid() == 0:  # only root can make a device node, and only root's tar restores one
            pkg = self.make_package("device")
            os.mknod(os.path.join(pkg, "null"), stat.S_IFCHR | 0o666, os.makedev(1, 3))
            self.assert_refused(self.archive("device"), "null", "is a device")
            self.assert_refused(pkg, "null", "is a device")

    def test_installed_files_get_ordinary_permissions(self):
        pkg = self.make_package("modes")
        tool = self.box.write("src/modes/bin/tool.sh", "#!/bin/sh\necho hi\n")
        os.chmod(tool, 0o6777)
        os.chmod(os.path.join(pkg, "mods", "Leak.mod"), 0o4666)
        os.chmod(os.path.join(pkg, "mods"), 0o1777)
        for source in (self.archive("modes"), pkg):
            self.box.glia("install", "--replace", source)
            installed = os.path.join(self.packages, "modes")
            modes = {}
            for root, dirs, files in os.walk(installed):
                for leaf in dirs + files:
                    path = os.path.join(root, leaf)
                    modes[os.path.relpath(path, installed)] = stat.S_IMODE(os.lstat(path).st_mode)
            self.assertEqual(modes["bin/tool.sh"], 0o755)
            self.assertEqual(modes["mods/Leak.mod"], 0o644)
            self.assertEqual(modes["mods"], 0o755)
            for path, mode in modes.items():
                self.assertFalse(mode & (stat.S_ISUID | stat.S_ISGID | stat.S_ISVTX | stat.S_IWOTH), path)

    def test_replace_and_uninstall_remove_only_what_install_put_there(self):
        box = self.box
        # A package copied into the package directory by hand, and one linked there.
        mine = box.package("mine", {"Leak.mod": LEAK}, where=os.path.relpath(self.packages, box.root))
        box.write(os.path.relpath(os.path.join(mine, "notes.txt"), box.root), "my notes\n")
        linked = self.make_package("linked")
        os.symlink(linked, os.path.join(self.packages, "linked"))
        for name in ("mine", "linked"):
            r = box.glia("uninstall", name, check=False)
            self.assertEqual(r.returncode, 1, r.stdout)
            self.assertIn("was not put there by 'glia install'", r.stdout)
            src = self.box.package(name, {"Leak.mod": LEAK}, where="newer")
            r = box.glia("install", "--replace", src, check=False)
            self.assertEqual(r.returncode, 1, r.stdout)
            self.assertIn("was not put there by 'glia install'", r.stdout)
        self.assertTrue(os.path.isfile(os.path.join(mine, "notes.txt")))
        self.assertTrue(os.path.isfile(os.path.join(linked, "mods", "Leak.mod")))
        # What glia install put there, it replaces and removes.
        box.glia("install", self.make_package("ours"))
        box.glia("install", "--replace", box.path("src", "ours"))
        box.glia("uninstall", "ours")
        self.assertFalse(os.path.exists(os.path.join(self.packages, "ours")))

    def test_discovery_and_check_refuse_mods_that_lead_outside(self):
        box = self.box
        outside = box.write("elsewhere/x.mod", LEAK.replace("SUFFIX Leak", "SUFFIX xout"))
        cases = {
            "linkedmod": None,
            "linkedfolder": None,
            "relative": "name: relative\nmods:\n  - {file: ../../elsewhere/x.mod, asset: X}\n",
            "absolute": f"name: absolute\nmods:\n  - {{file: {outside}, asset: X}}\n",
        }
        dirs = []
        for name, manifest in cases.items():
            pkg = box.package(name, {"Leak.mod": LEAK})
            dirs.append(pkg)
            if name == "linkedmod":
                os.symlink(outside, os.path.join(pkg, "mods", "X.mod"))
            elif name == "linkedfolder":
                os.rename(os.path.join(pkg, "mods"), box.path("elsewhere", "mods"))
                os.symlink(box.path("elsewhere", "mods"), os.path.join(pkg, "mods"))
            else:
                box.write(os.path.join("packages", name, "glia-package.yaml"), manifest)
        box.env["GLIA_PATH"] = ":".join(dirs)
        listed = box.glia("list").stdout
        for name, manifest in cases.items():
            with self.subTest(name):
                pkg = box.path("packages", name)
                if manifest:
                    message = f"{pkg}/glia-package.yaml:3:12: mod file '"
                    self.assertIn(message, listed)
                    self.assertIn("' lies outside the package", listed)
                else:
                    self.assertIn(f"package in {pkg} skipped: ", listed)
                    self.assertIn(f"leads outside the package {pkg}", listed)
                r = box.glia("check", pkg, check=False)
                self.assertEqual(r.returncode, 1, r.stdout)
                self.assertIn("outside the package", r.stdout)
                r = box.glia("install", pkg, check=False)
                self.assertEqual(r.returncode, 1, r.stdout)
        self.assertFalse(os.path.exists(self.packages) and os.listdir(self.packages))

    def test_check_refuses_an_include_that_leads_outside(self):
        box = self.box
        box.write("elsewhere/consts.inc", "PARAMETER { ELEAK = -65 (mV) }\n")
        pkg = box.package("inc", {"Leak.mod": LEAK})
        os.symlink(box.path("elsewhere", "consts.inc"), os.path.join(pkg, "mods", "consts.inc"))
        with open(os.path.join(pkg, "mods", "Leak.mod"), "a") as f:
            f.write('INCLUDE "consts.inc"\n')
        r = box.glia("check", pkg, check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn('Leak.mod: INCLUDE "consts.inc" leads outside the package', r.stdout)


if __name__ == "__main__":
    main()
