#!/usr/bin/python3
"""The man page and the manual do not disagree: man/glia.1 lists the same commands, with the same options, as
the README's command table, and the same environment variables as docs/manual/environment.md.

Plain text parsing; needs neither NEURON nor a build. Runs on its own:
    /usr/bin/python3 test/integration/test_docs_agree.py
"""

import os
import re
import unittest

SOURCE_DIR = os.environ.get("GLIA_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
MAN_PAGE = os.path.join(SOURCE_DIR, "man", "glia.1")
README = os.path.join(SOURCE_DIR, "README.md")
ENVIRONMENT = os.path.join(SOURCE_DIR, "docs", "manual", "environment.md")

VARIABLE = re.compile(r"[A-Z][A-Z0-9_]*")
OPTION = re.compile(r"(?<![\w-])(--?[a-z][a-z0-9-]*)")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def man_section(text, name):
    """The lines of the man page's section `.SH name`, up to the next `.SH`."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == ".SH " + name) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith(".SH ")), len(lines))
    return lines[start:end]


def roff_plain(line):
    """A roff line without font escapes, with `\\-` as `-`."""
    line = re.sub(r"\\f[BIRP]", "", line)
    return line.replace("\\-", "-").replace("\\(em", "-")


def man_variables(text):
    """The variables of ENVIRONMENT: each `.TP` entry's tag line (`.B NAME`)."""
    lines = man_section(text, "ENVIRONMENT")
    names = set()
    for i, line in enumerate(lines[:-1]):
        if line.strip() == ".TP":
            match = VARIABLE.search(roff_plain(lines[i + 1]).replace(".B ", "", 1))
            if match:
                names.add(match.group(0))
    return names


def man_commands(text):
    """{command: options} from COMMANDS: each `.TP` entry's tag line, `\\fBname\\fR [options] ...`."""
    lines = man_section(text, "COMMANDS")
    commands = {}
    for i, line in enumerate(lines[:-1]):
        if line.strip() == ".TP":
            tag = roff_plain(lines[i + 1])
            name = tag.split()[0]
            commands.setdefault(name, set()).update(o.rstrip("=") for o in OPTION.findall(tag))
    return commands


def table_rows(text):
    """The cells of every Markdown table row (header and rule lines included), split on unescaped `|`."""
    for line in text.splitlines():
        if line.startswith("|"):
            yield [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]


def manual_variables(text):
    """The variables named in the first column of environment.md's tables (`NAME` or `NAME=1`)."""
    names = set()
    for cells in table_rows(text):
        match = re.fullmatch(r"`([A-Z][A-Z0-9_]*)(=[^`]*)?`", cells[0])
        if match:
            names.add(match.group(1))
    return names


def manual_commands(text):
    """{command: options} from the README's command table: first cells holding `glia <command> ...`."""
    commands = {}
    for cells in table_rows(text):
        spans = re.findall(r"`([^`]*)`", cells[0])
        named = [m.group(1) for s in spans for m in [re.match(r"glia ([a-z][a-z-]*)", s)] if m]
        if not named:
            continue
        options = {o for s in spans for o in OPTION.findall(s.replace("\\|", "|"))}
        for name in named:
            commands.setdefault(name, set()).update(options)
    return commands


class DocsAgree(unittest.TestCase):
    def test_same_environment_variables(self):
        man = man_variables(read(MAN_PAGE))
        manual = manual_variables(read(ENVIRONMENT))
        self.assertGreater(len(manual), 5, "environment.md's tables were not found")
        self.assertEqual(
            sorted(manual - man), [], "in docs/manual/environment.md but not in man/glia.1's ENVIRONMENT section"
        )
        self.assertEqual(
            sorted(man - manual), [], "in man/glia.1's ENVIRONMENT section but not in docs/manual/environment.md"
        )

    def test_same_commands_and_options(self):
        man = man_commands(read(MAN_PAGE))
        manual = manual_commands(read(README))
        self.assertGreater(len(manual), 5, "the README's command table was not found")
        self.assertEqual(sorted(set(manual) - set(man)), [], "in the README's command table but not in man/glia.1")
        self.assertEqual(sorted(set(man) - set(manual)), [], "in man/glia.1 but not in the README's command table")
        for name in sorted(manual):
            with self.subTest(command=name):
                self.assertEqual(
                    sorted(manual[name] ^ man[name]),
                    [],
                    f"options of 'glia {name}' differ: README {sorted(manual[name])}, man page {sorted(man[name])}",
                )

    def test_manual_links_resolve(self):
        """Every relative link of the README and the manual leads to a file that exists."""
        pages = [README, os.path.join(SOURCE_DIR, "docs", "development.md"),
                 os.path.join(SOURCE_DIR, "bench", "RESULTS.md")]
        manual_dir = os.path.join(SOURCE_DIR, "docs", "manual")
        pages += [os.path.join(manual_dir, name) for name in sorted(os.listdir(manual_dir)) if name.endswith(".md")]
        for page in pages:
            for target in re.findall(r"\]\(([^)\s]+)\)", read(page)):
                if re.match(r"[a-z]+:", target) or target.startswith("#"):
                    continue
                path = os.path.normpath(os.path.join(os.path.dirname(page), target.split("#")[0]))
                with self.subTest(page=os.path.relpath(page, SOURCE_DIR), link=target):
                    self.assertTrue(os.path.exists(path), f"{target} does not exist")


if __name__ == "__main__":
    unittest.main()
