#!/usr/bin/env python3
"""Finds the NEURON glia builds against (meson.build runs this at configure time).

Usage: find_neuron.py PREFIX
  PREFIX ""      NEURON of `nrniv` on PATH (bin/nrniv's prefix), else Debian's (/usr)
  PREFIX "auto"  the NEURON of `python3`'s `neuron` module: a pip wheel keeps its tree in
                 site-packages/neuron/.data/{bin,include,lib,share}
  PREFIX other   that installation (/usr for Debian, /opt/nrn-9.0.2, ...)

Prints `key<TAB>value` lines (prefix, bin_dir, include_dir, lib_dir, python_path, header_version, mpi), or one
line `error<TAB>...` saying what is wrong and how to fix it. It looks only inside the chosen NEURON:
headers from anywhere else (Debian's /usr/include beside a NEURON 9) are what it must never mix in.
"""

import importlib.util
import os
import re
import shutil
import sys


class Refused(Exception):
    pass


def prefix_of_nrniv():
    nrniv = shutil.which("nrniv")
    if not nrniv:
        return "/usr"
    # /opt/nrn-9.0.2/bin/nrniv -> /opt/nrn-9.0.2; a symlinked nrniv counts where it really lives
    return os.path.dirname(os.path.dirname(os.path.realpath(nrniv)))


def prefix_of_python_module():
    python = shutil.which("python3") or sys.executable
    spec = importlib.util.find_spec("neuron")
    if spec is None or not spec.submodule_search_locations:
        raise Refused(f"-Dneuron_prefix=auto: {python} has no module 'neuron' (pip install neuron, or set "
                      "PYTHONPATH); or give the installation: -Dneuron_prefix=/path/to/nrn")
    package = list(spec.submodule_search_locations)[0]
    data = os.path.join(package, ".data")
    if not os.path.isdir(data):
        raise Refused(f"-Dneuron_prefix=auto: the module 'neuron' at {package} is not a pip wheel (it has no .data "
                      "folder); give its installation instead: -Dneuron_prefix=/path/to/nrn")
    return data


def header_version(include_dir):
    path = os.path.join(include_dir, "nrnsemanticversion.h")
    try:
        text = open(path).read()
    except OSError:
        raise Refused(f"NEURON's headers are not in {include_dir} (no nrnsemanticversion.h): install its development "
                      "files (Debian: apt-get install neuron-dev) or choose another -Dneuron_prefix")
    parts = [re.search(r"#define\s+NRN_VERSION_%s\s+(\d+)" % p, text) for p in ("MAJOR", "MINOR", "PATCH")]
    if not all(parts):
        raise Refused(f"{path} does not define NRN_VERSION_MAJOR/MINOR/PATCH")
    return ".".join(m.group(1) for m in parts)


def has_mpi(include_dir):
    """'1' if this NEURON was built with MPI (nrnmpiuse.h defines NRNMPI), else '0'."""
    try:
        text = open(os.path.join(include_dir, "nrnmpiuse.h")).read()
    except OSError:
        return "0"
    return "1" if re.search(r"^#define\s+NRNMPI\s+1\b", text, re.M) else "0"


def python_path(prefix, lib_dir):
    """What to put on PYTHONPATH so /usr/bin/python3 imports this NEURON's `neuron` ('' if it already does)."""
    if os.path.basename(prefix) == ".data":  # a wheel: site-packages/neuron/.data
        return os.path.dirname(os.path.dirname(prefix))
    for candidate in (os.path.join(prefix, "lib", "python"), os.path.join(os.path.dirname(lib_dir), "python")):
        if os.path.isfile(os.path.join(candidate, "neuron", "__init__.py")):
            return candidate
    return ""


def find(option):
    if option == "":
        prefix = prefix_of_nrniv()
    elif option == "auto":
        prefix = prefix_of_python_module()
    else:
        prefix = option
    prefix = os.path.abspath(prefix)
    if not os.path.isdir(prefix):
        raise Refused(f"-Dneuron_prefix={prefix}: no such directory")
    include_dir = os.path.join(prefix, "include")
    version = header_version(include_dir)
    lib_dir = next((d for d in (os.path.join(prefix, "lib"), os.path.join(prefix, "lib", "nrn"))
                    if os.path.isfile(os.path.join(d, "libnrniv.so"))), None)
    if lib_dir is None:
        raise Refused(f"NEURON {version}'s library libnrniv.so is in neither {prefix}/lib nor {prefix}/lib/nrn")
    bin_dir = os.path.join(prefix, "bin")
    if not os.access(os.path.join(bin_dir, "nocmodl"), os.X_OK):
        raise Refused(f"NEURON {version} at {prefix} has no {bin_dir}/nocmodl")
    return {"prefix": prefix, "bin_dir": bin_dir, "include_dir": include_dir, "lib_dir": lib_dir,
            "python_path": python_path(prefix, lib_dir), "header_version": version, "mpi": has_mpi(include_dir)}


def main():
    try:
        found = find(sys.argv[1] if len(sys.argv) > 1 else "")
    except Refused as e:
        print(f"error\t{e}")
        return
    for key, value in found.items():
        print(f"{key}\t{value}")


if __name__ == "__main__":
    main()
