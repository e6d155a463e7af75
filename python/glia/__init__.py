"""glia for Python: NEURON mechanisms from glia packages, by abstract name.

A thin layer over the builtins of glia's NEURON plugin (libglia.so), which it loads on import;
every rule (resolution, preferences, kinds, parameters) lives in the plugin and its core.

    from neuron import h
    import glia

    soma = h.Section(name="soma")
    glia.insert(soma, "Kv1", attributes={"gbar": 0.02})          # a density mechanism
    syn = glia.insert(soma, "AMPA", x=0.5)                         # a point process: the object
    gen = glia.insert(None, "Spiker")                              # an artificial cell
    glia.select("Kv1", variant="fast")                             # for the rest of the script
    with glia.context(pkg="example", variant="fast"):             # for a block of code
        glia.insert(soma, "Kv1")
    glia.resolve("Kv1")                                            # 'glia__example__Kv1__fast'

Like Glia 4.x's module it also offers compile(), test(), get_packages(), package(name),
get_cache_path() and load_library(), and the classes Package and Mod with which Glia 4.x packages
declare their mods (docs/manual/coming-from-glia.md).

The plugin is loaded from $GLIA_PLUGIN if set, else from where Meson (or pip) installed it; the
glia command these functions run is $GLIA_CLI if set, else the installed one.
"""

import contextlib
import ctypes
import json
import os
import shutil
import subprocess
import sys

from neuron import h

__all__ = ["GliaError", "insert", "select", "resolve", "context", "exists", "assets", "packages", "kind", "compile",
           "test", "get_packages", "package", "get_cache_path", "load_library", "catalogue", "Package", "Mod"]


class GliaError(RuntimeError):
    """A glia builtin refused a call; NEURON printed glia's message (what to do) just before."""


def _installed(variable, name):
    """$`variable` if set, else what Meson wrote into _install.py as `name` (None in the source tree)."""
    path = os.environ.get(variable)
    if path:
        return path
    try:
        from . import _install
    except ImportError:  # running from the source tree
        return None
    return getattr(_install, name, None)


def _plugin_path():
    # nrn_load_dll opens only existing paths: there is no search by bare library name
    return _installed("GLIA_PLUGIN", "PLUGIN") or "libglia.so"


def _load():
    if hasattr(h, "glia_insert"):
        return  # already loaded, by this module or by the script
    if sys.prefix != sys.base_prefix and not os.environ.get("VIRTUAL_ENV"):
        # This interpreter is a virtual environment's, run without activating it: the plugin then
        # finds the Glia packages pip installed there, as if it were active.
        os.environ["VIRTUAL_ENV"] = sys.prefix
    path = _plugin_path()
    if not h.nrn_load_dll(path):
        raise ImportError(f"glia: NEURON could not load its plugin {path}; set GLIA_PLUGIN to the path of libglia.so")
    if not hasattr(h, "glia_insert"):  # the plugin refused this NEURON, and said why just above
        raise ImportError(f"glia: the plugin {path} did not load into this NEURON: glia's message above says why "
                          "(a plugin runs only in the NEURON release it was built for)")


_load()
__version__, _, _target = h.glia_version().partition(" ")  # "0.1.0 (NEURON 9.0.2)"
neuron_version = _target.strip("()").replace("NEURON ", "")  # the NEURON the plugin was built for


def _call(name, *args, **kwargs):
    try:
        return getattr(h, name)(*args, **kwargs)
    except RuntimeError as e:
        shown = ", ".join(repr(a) for a in args)
        raise GliaError(f"{name}({shown}) failed; glia's message above says why") from e


def _tail(pkg, variant):
    return (pkg or "", variant or "")


def resolve(asset, pkg=None, variant=None):
    """The NEURON name `asset` resolves to under the preferences in force and `pkg`/`variant`."""
    return _call("glia_resolve", asset, *_tail(pkg, variant))


def kind(asset, pkg=None, variant=None):
    """'density', 'point_process' or 'artificial_cell': what `asset` resolves to."""
    return _call("glia_kind", asset, *_tail(pkg, variant))


def exists(asset, pkg=None, variant=None):
    """True if some package provides `asset` (from `pkg`, in `variant`, when given)."""
    return bool(_call("glia_exists", asset, *_tail(pkg, variant)))


def assets(pkg=None):
    """The asset names (of package `pkg`, when given), sorted."""
    return _call("glia_assets", *([pkg] if pkg else [])).split()


def packages():
    """The package names, NEURON's built-in mechanisms included."""
    return _call("glia_packages").split()


def select(asset, pkg=None, variant=None):
    """Chooses the package and/or variant of `asset` for the rest of the script."""
    _call("glia_select", asset, *_tail(pkg, variant))


# Resolution cache of insert: key -> (kind, full name, constructor or None). It only remembers
# what the plugin resolved, and only while the plugin's preference scopes are unchanged: their
# generation counter grows with every change (select from Python or HOC, contexts,
# glia_reload_preferences), and reading it through ctypes costs far less than a call through h.
_resolved = {}
_resolved_generation = None


class _AskedGeneration:
    """The generation through a call, for a plugin that does not say where it lives."""

    @property
    def value(self):
        return h.glia_generation() if hasattr(h, "glia_generation") else object()  # never cache


def _generation_counter():
    try:
        address = int(h.glia_generation_address())
    except (AttributeError, RuntimeError):
        return _AskedGeneration()
    return ctypes.c_uint64.from_address(address)


_generation = _generation_counter()


def _lookup(key):
    """The cached resolution of `key`, or None; drops every entry once the scopes changed."""
    global _resolved_generation
    generation = _generation.value
    if generation != _resolved_generation:
        _resolved.clear()
        _resolved_generation = generation
        return None
    return _resolved.get(key)


def _remember(key, generation, what, full):
    # `generation` was read before the builtins ran: if they changed the scopes, the next
    # lookup sees it and nothing stale is kept.
    if generation == _resolved_generation:
        maker = None if what == "density" else getattr(h, full)
        _resolved[key] = (what, full, maker)


def _key(asset, pkg, variant):
    return asset if pkg is None and variant is None else (asset, pkg or "", variant or "")


def insert(section, asset, variant=None, pkg=None, attributes=None, x=None):
    """Inserts `asset` into `section`, resolved under the preferences in force and `pkg`/`variant`.

    A density mechanism is inserted into every segment and `attributes` sets its range
    parameters (at `x` only, when given); nothing is returned. A point process is created at
    `x` (default 0.5) of `section`, an artificial cell without a section; `attributes` are set
    on the new object, which is returned.
    """
    # The common case, kept to a few operations: a density mechanism already resolved under
    # the preferences in force goes in with NEURON's own insert, as glia_insert would put it.
    if _generation.value == _resolved_generation and not attributes and section is not None:
        hit = _resolved.get(asset if pkg is None and variant is None else (asset, pkg or "", variant or ""))
        if hit is not None and hit[0] == "density":
            try:
                section.insert(hit[1])
                return None
            except _NEURON_REFUSED:
                pass  # the builtins below raise glia's own error for it
    return _insert(section, asset, _key(asset, pkg, variant), pkg, variant, attributes, x)


# What NEURON's insert and constructors raise when they refuse (a deleted section, x out of
# range, ...), having created nothing.
_NEURON_REFUSED = (RuntimeError, ValueError, TypeError, ReferenceError)


def _insert(section, asset, key, pkg, variant, attributes, x):
    hit = _lookup(key)
    if hit is not None:
        what, full, maker = hit
        obj = None
        try:
            if what == "density" and section is not None:
                obj = section.insert(full)  # returns the section
            elif what == "point_process" and section is not None:
                obj = maker(section(0.5 if x is None else x))
            elif what == "artificial_cell" and x is None:
                obj = maker()
        except _NEURON_REFUSED:
            obj = None
        if obj is not None and what == "density":
            where = () if x is None else (x,)
            for param, value in (attributes or {}).items():  # glia_set checks the names
                _call("glia_set", asset, param, value, *where, *_tail(pkg, variant), sec=section)
            return None
        if obj is not None:
            for param, value in (attributes or {}).items():
                setattr(obj, param, value)
            return obj
    return _insert_through_builtins(section, asset, key, _tail(pkg, variant), attributes, x)


def _insert_through_builtins(section, asset, key, tail, attributes, x):
    generation = _generation.value  # tail: the builtins resolve with the preferences in force plus these
    what = _call("glia_kind", asset, *tail)
    attributes = attributes or {}
    if what == "density":
        _call("glia_insert", asset, *tail, sec=section)
        where = () if x is None else (x,)
        for param, value in attributes.items():
            _call("glia_set", asset, param, value, *where, *tail, sec=section)
        _remember(key, generation, what, _call("glia_resolve", asset, *tail))
        return None
    if what == "artificial_cell":
        if x is not None:
            raise GliaError(f"{asset} is an artificial cell, which has no location; insert it without x")
        obj = _call("glia_new", asset, *tail)
    else:
        if section is None:
            raise GliaError(f"{asset} is a point process; give the section to place it on")
        obj = _call("glia_new", asset, 0.5 if x is None else x, *tail, sec=section)
    _remember(key, generation, what, _call("glia_resolve", asset, *tail))
    for param, value in attributes.items():
        setattr(obj, param, value)
    return obj


@contextlib.contextmanager
def context(assets=None, pkg=None, variant=None):
    """Preferences for the duration of a `with` block, stronger than select's.

    Without `assets`, the preference is package-wide: every asset of `pkg` (which the plugin
    then requires), in `variant` if given. With `assets` (a name or a list of names),
    `pkg` and/or `variant` apply to those assets only.
    """
    if isinstance(assets, str):
        assets = [assets]
    if assets is None:
        _call("glia_context_push", *_tail(pkg, variant))
    else:
        _call("glia_context_push")
    try:
        for asset in assets or ():
            _call("glia_context_select", asset, *_tail(pkg, variant))
        yield
    finally:
        _call("glia_context_pop")


# Glia 4.x's other public functions. They run the glia command, which shares the plugin's core, so
# each answers as `glia compile`, `glia test`, `glia list` and `glia cache` do.


def _cli():
    path = _installed("GLIA_CLI", "CLI")
    return path if path and os.path.exists(path) else shutil.which("glia") or "glia"


def _run_cli(*args, echo=False):
    command = [_cli(), *args]
    try:
        result = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=None if echo else subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
    except OSError as e:
        raise GliaError(f"cannot run the glia command {command[0]} ({e.strerror}); set GLIA_CLI to its path") from e
    if result.returncode != 0:
        raise GliaError(f"{' '.join(command)} failed (status {result.returncode})" +
                        (f":\n{result.stdout}" if result.stdout else "; its message is above"))
    return result.stdout


class Mod:
    """A mechanism of a package, as Glia 4.x declares it: `Mod(relpath, asset_name, variant="0")`.

    Glia 4.x packages write `Mod(...)` entries into their `Package(...)`; glia reads those
    declarations itself. Objects returned by get_packages() also carry the mechanism's `kind`
    and its NEURON name `mod_name`."""

    def __init__(self, relpath, asset_name, *, variant="0", is_point_process=False, is_artificial_cell=False,
                 dialect=None, builtin=False):
        self.relpath = str(relpath)
        self.asset_name = asset_name
        self.variant = str(variant)
        self.is_point_process = is_point_process
        self.is_artificial_cell = is_artificial_cell
        self.dialect = dialect
        self.builtin = builtin
        self.pkg = None
        self.kind = "point_process" if is_point_process else "artificial_cell" if is_artificial_cell else None

    @property
    def pkg_name(self):
        return self.pkg.name if self.pkg else None

    @property
    def mod_name(self):
        """The full NEURON name: glia__<package>__<asset>__<variant>."""
        return f"glia__{self.pkg_name}__{self.asset_name}__{self.variant}"

    @property
    def path(self):
        return os.path.join(self.pkg.root, self.relpath) if self.pkg else self.relpath

    def __repr__(self):
        return f"Mod({self.relpath!r}, {self.asset_name!r}, variant={self.variant!r})"


class Package:
    """A package, as Glia 4.x declares it: `Package(name, root, mods=[Mod(...), ...])`.

    Objects returned by get_packages() and package() also say where the package came from:
    `version`, `origin` (GLIA_PATH, user, python, install) and, for one installed with pip,
    `distribution` ({name, version, path})."""

    def __init__(self, name, root, *, mods=None, builtin=False):
        self.name = name
        self.root = str(root)
        self.builtin = builtin
        self.version = None
        self.origin = None
        self.distribution = None
        self.mods = []
        for mod in mods or []:
            mod.pkg = self
            self.mods.append(mod)

    @property
    def path(self):
        return self.root

    def __repr__(self):
        return f"Package({self.name!r}, {self.root!r}, mods=[{len(self.mods)} mods])"


def _package_from_listing(entry):
    mods = []
    for m in entry["mods"]:
        mod = Mod(os.path.relpath(m["file"], entry["path"]), m["asset"], variant=m["variant"])
        mod.kind = m["kind"]
        mods.append(mod)
    pkg = Package(entry["name"], entry["path"], mods=mods)
    pkg.version = entry.get("version") or None
    pkg.origin = entry.get("origin")
    pkg.distribution = entry.get("distribution")
    return pkg


def get_packages():
    """Every installed package (as `glia list` shows them), with its mechanisms in `mods`."""
    return [_package_from_listing(entry) for entry in json.loads(_run_cli("list", "--json"))]


def package(name):
    """The installed package `name`; GliaError naming the installed ones if there is none."""
    found = get_packages()
    for pkg in found:
        if pkg.name == name:
            return pkg
    raise GliaError(f"package '{name}' is not installed; installed: {', '.join(p.name for p in found) or 'none'}")


def compile(*packages, force=False, jobs=None, verbose=False):
    """Builds every package (or those named) into the cache, as `glia compile` does; GliaError if a
    mechanism failed to build (the message names it and the compiler's words)."""
    args = ["compile", *packages] + (["--force"] if force else []) + (["-j", str(jobs)] if jobs else [])
    return _run_cli(*args, *(["--verbose"] if verbose else []), echo=verbose)


def test(*assets, verbose=False):
    """Tries mechanisms in a real nrniv, one process each, as `glia test` does (every asset without
    arguments); returns its report, GliaError if one failed."""
    return _run_cli("test", *assets, echo=verbose)


def get_cache_path():
    """The folder of glia's build cache (`glia cache`)."""
    return _run_cli("cache").strip()


def load_library():
    """Loads the plugin into NEURON if it is not loaded yet (importing glia already did)."""
    _load()


def catalogue(name):
    """Glia 4.x built Arbor catalogues; glia is for NEURON only."""
    raise GliaError(f"catalogue({name!r}): glia builds mechanisms for NEURON only, not Arbor catalogues; "
                    "use Arbor's arbor-build-catalogue for those")
