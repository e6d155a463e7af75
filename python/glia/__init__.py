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

The plugin is loaded from $GLIA_PLUGIN if set, else from where Meson installed it.
"""

import contextlib
import ctypes
import os
import sys

from neuron import h

__all__ = ["GliaError", "insert", "select", "resolve", "context", "exists", "assets", "packages", "kind"]


class GliaError(RuntimeError):
    """A glia builtin refused a call; NEURON printed glia's message (what to do) just before."""


def _plugin_path():
    path = os.environ.get("GLIA_PLUGIN")
    if path:
        return path
    try:
        from ._install import PLUGIN
    except ImportError:  # running from the source tree
        PLUGIN = None
    # nrn_load_dll opens only existing paths: there is no search by bare library name
    return PLUGIN or "libglia.so"


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
