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
import os

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
    path = _plugin_path()
    if not h.nrn_load_dll(path):
        raise ImportError(f"glia: NEURON could not load its plugin {path}; set GLIA_PLUGIN to the path of libglia.so")


_load()
__version__ = h.glia_version()


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


def insert(section, asset, variant=None, pkg=None, attributes=None, x=None):
    """Inserts `asset` into `section`, resolved under the preferences in force and `pkg`/`variant`.

    A density mechanism is inserted into every segment and `attributes` sets its range
    parameters (at `x` only, when given); nothing is returned. A point process is created at
    `x` (default 0.5) of `section`, an artificial cell without a section; `attributes` are set
    on the new object, which is returned.
    """
    tail = _tail(pkg, variant)  # the builtins resolve with the preferences in force plus these
    what = kind(asset, pkg, variant)
    attributes = attributes or {}
    if what == "density":
        _call("glia_insert", asset, *tail, sec=section)
        where = () if x is None else (x,)
        for param, value in attributes.items():
            _call("glia_set", asset, param, value, *where, *tail, sec=section)
        return None
    if what == "artificial_cell":
        if x is not None:
            raise GliaError(f"{asset} is an artificial cell, which has no location; insert it without x")
        obj = _call("glia_new", asset, *tail)
    else:
        if section is None:
            raise GliaError(f"{asset} is a point process; give the section to place it on")
        obj = _call("glia_new", asset, 0.5 if x is None else x, *tail, sec=section)
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
