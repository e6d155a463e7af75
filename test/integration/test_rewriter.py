"""Real-world NMODL through the rewriter, with a real nocmodl translation and nrniv behind every case:
each mod below is a shape found in published models, built into one package and used from HOC."""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import GliaTestCase, main  # noqa: E402

PASSIVE_BODY = """
PARAMETER { g = {g} (S/cm2) }
ASSIGNED { v (mV)  i (mA/cm2) }
BREAKPOINT { i = g*(v + 65) }
"""


def body(g):
    return PASSIVE_BODY.replace("{g}", g)


# file name -> (text, check). Each check is a HOC expression printed after the section `s_<asset>`
# got the mechanism; it must print the expected number.
TRICKY = {
    # A comment on the declaration line, and a commented-out second declaration after it.
    "commented.mod": ("""
NEURON {
    SUFFIX commented : was SUFFIX kdr_old
    : SUFFIX commented_v2
    ? SUFFIX ancient
    NONSPECIFIC_CURRENT i
    RANGE g
}
""" + body("0.0011"), "g_glia__tricky__commented__0", "0.0011"),
    # The NEURON block split in two, the declaration in the second.
    "split.mod": ("""
NEURON {
    NONSPECIFIC_CURRENT i
    RANGE g
}
NEURON { SUFFIX split }
""" + body("0.0012"), "g_glia__tricky__split__0", "0.0012"),
    # CRLF line ends.
    "crlf.mod": (("NEURON {\n    SUFFIX crlf\n    NONSPECIFIC_CURRENT i\n    RANGE g\n}\n" + body("0.0013"))
                 .replace("\n", "\r\n"), "g_glia__tricky__crlf__0", "0.0013"),
    # Old Mac line ends: CR alone.
    "cronly.mod": (("NEURON {\n    SUFFIX cronly\n    NONSPECIFIC_CURRENT i\n    RANGE g\n}\n" + body("0.0014"))
                   .replace("\n", "\r"), "g_glia__tricky__cronly__0", "0.0014"),
    # No newline at the end of the file.
    "nonl.mod": (("NEURON { SUFFIX nonl NONSPECIFIC_CURRENT i RANGE g }\n" + body("0.0015")).rstrip(),
                 "g_glia__tricky__nonl__0", "0.0015"),
    # A TITLE with colons, after the NEURON block; the title also names a mechanism.
    "titled.mod": ("""
NEURON { SUFFIX titled NONSPECIFIC_CURRENT i RANGE g }
TITLE titled: a channel: SUFFIX fake { with braces
""" + body("0.0016"), "g_glia__tricky__titled__0", "0.0016"),
    # SUFFIX equal to the ion it uses.
    "ca.mod": ("""
NEURON {
    SUFFIX ca
    USEION ca READ cai WRITE ica
    RANGE gca
}
PARAMETER { gca = 0.0017 (S/cm2) }
ASSIGNED { v (mV)  ica (mA/cm2)  cai (mM) }
BREAKPOINT { ica = gca*(v - 120) }
""", "gca_glia__tricky__ca__0", "0.0017"),
    # The name appears in longer identifiers, a procedure name, a string (the INCLUDE) and as the
    # INCLUDE's file name; the file's name differs from the mechanism's.
    "Potassium.mod": ("""
NEURON {
    SUFFIX kdr
    USEION k READ ek WRITE ik
    RANGE gkdr, kdr_scale
}
INCLUDE "kdr.inc"
PARAMETER { gkdr = 0.0018 (S/cm2)  kdr_scale = 1 }
ASSIGNED { v (mV)  ek (mV)  ik (mA/cm2) }
BREAKPOINT { ik = gkdr*kdr_scale*(v - ek) }
PROCEDURE kdr() { kdr_scale = kdr_value() }
""", "kdr_value_glia__tricky__Potassium__0()", "1.5"),
    # A header included from VERBATIM, found in the mod's own directory.
    "verb.mod": ("""
NEURON { SUFFIX verb RANGE x }
VERBATIM
#include "answer.h"
ENDVERBATIM
ASSIGNED { x }
FUNCTION answer() {
VERBATIM
    _lanswer = ANSWER;
ENDVERBATIM
}
""", "answer_glia__tricky__verb__0()", "42"),
    # FUNCTION_TABLE, filled from HOC.
    "table.mod": ("""
NEURON { SUFFIX table RANGE x }
FUNCTION_TABLE tautab(v(mV)) (ms)
ASSIGNED { x  v (mV) }
FUNCTION look(vv) { look = tautab(vv) }
""", "look_glia__tricky__table__0(0)", "7"),
    # SUFFIX nothing: kept as it is, its functions keep their names.
    "lib.mod": ("""
NEURON { SUFFIX nothing }
FUNCTION triple(x) { triple = 3*x }
""", "triple(5)", "15"),
    # POINT_PROCESS and ARTIFICIAL_CELL declared with comments around them.
    "syn.mod": ("""
NEURON { POINT_PROCESS syn : a synapse
         RANGE w }
PARAMETER { w = 0.0019 }
""", None, None),
}

INCLUDES = {
    "kdr.inc": "FUNCTION kdr_value() { kdr_value = 1.5 }\n",
    "answer.h": "#define ANSWER 42\n",
}


class Rewriter(GliaTestCase):
    def test_tricky_mods_translate_build_and_work(self):
        files = {name: text for name, (text, _, _) in TRICKY.items()}
        files.update(INCLUDES)
        root = self.box.package("tricky", {})
        for name, text in files.items():
            path = os.path.join(root, "mods", name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", newline="") as f:  # keep CR and CRLF as written
                f.write(text)
        self.box.env["GLIA_PATH"] = root
        out = self.box.glia("compile", "-j", "2", "tricky").stdout
        self.assertIn(f"{len(TRICKY)} compiled", out)
        hoc = ["create s", "objref vec, sy", "vec = new Vector(2)", "vec.x[0] = 7", "vec.x[1] = 7",
               "objref vv", "vv = new Vector(2)", "vv.x[0] = -100", "vv.x[1] = 100"]
        for name, (text, expr, expected) in TRICKY.items():
            asset = name[:-4]
            if "SUFFIX nothing" not in text and "POINT_PROCESS" not in text:
                hoc.append(f"s insert glia__tricky__{asset}__0")
        hoc.append("table_tautab_glia__tricky__table__0(&vec.x[0], 2, &vv.x[0])")
        hoc.append("s sy = new glia__tricky__syn__0(0.5)")
        hoc.append('printf("syn %g\\n", sy.w)')
        hoc.append("finitialize(-65)")
        hoc.append("fadvance()")
        # NEURON 9 calls a density FUNCTION whose VERBATIM may touch the instance only after setdata
        hoc.append("s setdata_glia__tricky__verb__0(0.5)")
        for name, (text, expr, expected) in TRICKY.items():
            if expr:
                hoc.append(f's printf("{name[:-4]} %g\\n", {expr})')
        r = self.box.nrniv("\n".join(hoc))
        for name, (text, expr, expected) in TRICKY.items():
            if expr:
                self.assertIn(f"{name[:-4]} {expected}\n", r.stdout, name)
        self.assertIn("syn 0.0019", r.stdout)
        self.assertNotIn("warning", r.stdout)

    def test_lowercase_keywords_are_found_and_nocmodls_verdict_is_reported(self):
        # The scanner reads keywords in either case (it must not miss a declaration), but NEURON
        # 8.2's nocmodl rejects a lower-case NEURON block: glia reports nocmodl's own words.
        self.box.env["GLIA_PATH"] = self.box.package("lower", {"low.mod": "neuron {\n  suffix low\n}\n"})
        r = self.box.glia("compile", "lower", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("lower.low(0) (package 'lower', asset 'low', file ", r.stdout)
        self.assertIn("Illegal block at line 1", r.stdout)


if __name__ == "__main__":
    main()
