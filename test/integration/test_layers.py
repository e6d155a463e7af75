#!/usr/bin/python3
"""The folders of src/core show the architecture and keep to it: each folder's README says what it may use,
every include of a core header names the folder it is in and stays within what the including folder may use
(so no include runs up the layers and no two folders include each other), and each README lists every file
of its folder.

Plain text parsing; needs neither NEURON nor a build. Runs on its own:
    /usr/bin/python3 test/integration/test_layers.py
"""

import os
import re
import unittest

SOURCE_DIR = os.environ.get("GLIA_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
CORE = os.path.join(SOURCE_DIR, "src", "core")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
SOURCE_SUFFIXES = (".cpp", ".hpp")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def folders():
    """The core's folders, bottom-up, as src/core/README.md's table lists them."""
    return re.findall(r"^\| \[(\w+)/\]", read(os.path.join(CORE, "README.md")), re.M)


def may_use(folder):
    """The folders `folder`'s README says it may use."""
    line = re.search(r"^May use: (.*)$", read(os.path.join(CORE, folder, "README.md")), re.M)
    if not line:
        raise AssertionError(f"src/core/{folder}/README.md has no 'May use:' line")
    return set(re.findall(r"\b(\w+)\b", line.group(1).split("(")[0])) - {"nothing", "of", "glia", "and"}


def sources(directory):
    for place, _, names in os.walk(directory):
        for name in sorted(names):
            if name.endswith(SOURCE_SUFFIXES):
                yield os.path.join(place, name)


def core_includes(path):
    """(line number, folder, include) of each include of a core header in the file at `path`."""
    text = read(path)
    for match in INCLUDE.finditer(text):
        include = match.group(1)
        folder = include.split("/")[0]
        if "/" in include and os.path.isdir(os.path.join(CORE, folder)):
            yield text.count("\n", 0, match.start()) + 1, folder, include


class Layers(unittest.TestCase):
    def test_the_readme_lists_every_folder(self):
        listed = folders()
        present = sorted(d for d in os.listdir(CORE) if os.path.isdir(os.path.join(CORE, d)))
        self.assertEqual(sorted(listed), present)
        self.assertEqual([f for f in os.listdir(CORE) if f.endswith(SOURCE_SUFFIXES)], [],
                         "every core source is in a subsystem's folder")

    def test_uses_only_folders_below(self):
        order = folders()
        for folder in order:
            below = set(order[:order.index(folder)])
            self.assertLessEqual(may_use(folder), below,
                                 f"src/core/{folder}/README.md may use only folders listed before it")

    def test_every_include_keeps_to_the_readmes(self):
        wrong = []
        for folder in folders():
            allowed = may_use(folder) | {folder}
            for path in sources(os.path.join(CORE, folder)):
                for line, used, include in core_includes(path):
                    where = f"{os.path.relpath(path, SOURCE_DIR)}:{line}: {include}"
                    if not os.path.exists(os.path.join(CORE, include)):
                        wrong.append(where + " (no such header)")
                    elif used not in allowed:
                        wrong.append(where + f" ({folder} may not use {used})")
        self.assertEqual(wrong, [])

    def test_no_header_is_included_by_its_bare_name(self):
        # A bare name would hide which folder a header is in (and could find another folder's namesake).
        bare = []
        for tree in ("src", "test/unit", "fuzz", "bench"):
            for path in sources(os.path.join(SOURCE_DIR, tree)):
                for match in INCLUDE.finditer(read(path)):
                    name = match.group(1)
                    if "/" not in name and any(os.path.exists(os.path.join(CORE, f, name)) for f in folders()):
                        bare.append(f"{os.path.relpath(path, SOURCE_DIR)}: {name}")
        self.assertEqual(bare, [])

    def test_each_readme_lists_its_files(self):
        missing = []
        for folder in folders():
            readme = read(os.path.join(CORE, folder, "README.md"))
            for path in sources(os.path.join(CORE, folder)):
                if f"`{os.path.basename(path)}`" not in readme:
                    missing.append(os.path.relpath(path, SOURCE_DIR))
        self.assertEqual(missing, [])


if __name__ == "__main__":
    unittest.main()
