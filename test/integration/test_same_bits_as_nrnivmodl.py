"""A package's mechanisms give the same bits as NEURON's own `nrnivmodl` build of the same files.

NEURON sums a section's currents in the order its mechanisms were registered, and floating-point
sums depend on their order: glia must register a package's mods in the order `nrnivmodl` does
(by file name, `*.mod` in the C locale). The package below names its assets so that neither the
asset order nor the order of the manifest's paths is the file-name order, and keeps one file in
a subfolder: the file name, not the path, decides.
"""

import os
import re
import shutil

from harness import NEURON, GliaTestCase, main, skip_unless_debian_neuron


def current(suffix, g, e, shape):
    """A density mod with a nonlinear current of its own size, so that their sum's rounding depends on order."""
    return f"""
    NEURON {{
        SUFFIX {suffix}
        NONSPECIFIC_CURRENT i
        RANGE g, e
    }}
    PARAMETER {{
        g = {g} (S/cm2)
        e = {e} (mV)
    }}
    ASSIGNED {{
        v (mV)
        i (mA/cm2)
    }}
    BREAKPOINT {{
        i = g*(v - e)*{shape}
    }}
    """


# [path in the package, asset, its own SUFFIX (what nrnivmodl registers), text]
MODS = [
    ("mods/b_na.mod", "Sodium", "na2", current("na2", "0.00371", "50", "(1 + 0.3*sin(v/7))")),
    ("mods/c_leak.mod", "Leakage", "lk", current("lk", "0.0003", "-54.3", "1")),
    ("mods/d_h.mod", "Hcn", "hcn", current("hcn", "0.00011", "-30", "exp(-(v + 70)/20)")),
    ("mods/z/a_k.mod", "Kz", "kz", current("kz", "0.00123", "-77", "(1 + 0.1*cos(v/5))")),
]

# A spiking section: hh plus every density mechanism of the package, driven by a current clamp.
SIMULATION = """
create soma
soma {{ L = 20  diam = 20  nseg = 1  insert hh }}
{insert}
objref stim
soma stim = new IClamp(0.5)
stim.del = 1
stim.dur = 40
stim.amp = 0.4
dt = 0.025
finitialize(-65)
while (t < 50) {{
    fadvance()
    printf("V %.17g\\n", soma.v(0.5))
}}
"""

NRNIVMODL = "/usr/bin/nrnivmodl"


def neuron_makefile():
    """Where Debian really puts nrnivmodl's makefile (the script looks for it in /usr/bin)."""
    for path in ("/usr/lib/nrn/nrnmech_makefile", "/usr/bin/nrnmech_makefile"):
        if os.path.exists(path):
            return path
    return None


def run_nrnivmodl(box, folder, args=()):
    """Runs NEURON's nrnivmodl in `folder` with `args`, as a user would in the C locale; returns the library.
    Debian's is run from a copy with its makefile path fixed; NEURON 9's as it is."""
    env = dict(box.env, LC_ALL="C")
    if not NEURON["version"].startswith("8."):
        out = box.run([os.path.join(NEURON["bin_dir"], "nrnivmodl"), *args], cwd=folder, env=env).stdout
    else:
        with open(NRNIVMODL) as f:
            script = f.read()
        broken = '"${bindir}/nrnmech_makefile"'
        if broken not in script:
            raise AssertionError("nrnivmodl changed: fix how this test repairs it")
        library_dir = os.path.dirname(os.path.realpath("/usr/lib/nrn/libnrniv.so"))
        script = script.replace(broken, f'"{neuron_makefile()}" "libdir={library_dir}"')
        # `special` needs ivstream.h, which no Debian package installs; nrniv loads the library alone.
        script = re.sub(r" special &&", " mech_lib_shared &&", script)
        fixed = box.write("nrnivmodl", script)
        os.chmod(fixed, 0o755)
        out = box.run([fixed, *args], cwd=folder, env=env).stdout
    library = os.path.join(folder, "x86_64", ".libs", "libnrnmech.so")
    if not os.path.exists(library):
        library = os.path.join(folder, "x86_64", "libnrnmech.so")  # NEURON 9 writes no .libs/
    if not os.path.exists(library):
        raise AssertionError(out)
    return library


class SameBitsAsNrnivmodl(GliaTestCase):
    def package(self):
        entries = []
        for path, asset, _suffix, text in MODS:
            self.box.write(os.path.join("packages", "bits", path), text)
            entries.append(f"  - {{file: {path}, asset: {asset}}}")
        self.box.write("packages/bits/glia-package.yaml", "name: bits\nmods:\n" + "\n".join(entries) + "\n")
        return self.box.path("packages", "bits")

    def nrnivmodl(self, folder):
        library = run_nrnivmodl(self.box, folder)
        self.assertTrue(os.path.exists(library))
        return library

    def voltages(self, output):
        trace = [line for line in output.splitlines() if line.startswith("V ")]
        self.assertEqual(len(trace), 2000, output[-2000:])
        return trace

    @skip_unless_debian_neuron  # the script repaired here is Debian's
    def test_every_density_mechanism_gives_the_same_bits(self):
        if not os.path.exists(NRNIVMODL) or not neuron_makefile():
            self.skipTest("needs Debian's nrnivmodl and its makefile")
        package = self.package()

        # NEURON's pipeline: the package's mod files in one folder, under their own SUFFIX names.
        flat = self.box.path("flat")
        os.makedirs(flat)
        for path, _asset, _suffix, _text in MODS:
            shutil.copy(os.path.join(package, path), flat)
        library = self.nrnivmodl(flat)
        own = SIMULATION.format(insert="\n".join(f"soma insert {suffix}" for _p, _a, suffix, _t in MODS))
        neuron = self.box.nrniv(f'nrn_load_dll("{library}")\n' + own, load=False).stdout

        # glia: the same files as a package, under their namespaced names.
        self.box.env["GLIA_PATH"] = package
        inserts = "\n".join(f'soma glia_insert("{asset}")' for _p, asset, _s, _t in MODS)
        glia = self.box.nrniv(SIMULATION.format(insert=inserts)).stdout

        neuron_v, glia_v = self.voltages(neuron), self.voltages(glia)
        self.assertGreater(max(float(line.split()[1]) for line in neuron_v), 0, "the section should spike")
        differing = [i for i, (a, b) in enumerate(zip(neuron_v, glia_v)) if a != b]
        if differing:
            first = differing[0]
            self.fail(f"{len(differing)} of {len(neuron_v)} steps differ; first at step {first}: "
                      f"nrnivmodl {neuron_v[first]}, glia {glia_v[first]}")


if __name__ == "__main__":
    main()
