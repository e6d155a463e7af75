"""The protocols of `glia diff`, run in a real NEURON: one `nrniv -python` process per mechanism.

  glia_diff.py run PLUGIN NAME KIND PROTOCOL[,PROTOCOL...] [--ion-currents ik,..]
                  [--currents i,..] [--concentrations cai,..] [--celsius DEGREES] [--set NAME=VALUE ...]
      runs each protocol on mechanism NAME (its full glia name) at `celsius` DEGREES (default 6.3)
      and prints, one line each,
        protocol <tab> PROTOCOL                              (a protocol starts)
        error <tab> PROTOCOL <tab> MESSAGE                   (it failed; the others still run)
        feature <tab> PROTOCOL <tab> LABEL <tab> UNIT <tab> VALUE
        curve <tab> PROTOCOL <tab> TITLE <tab> XLABEL <tab> YLABEL <tab> X,X,... <tab> Y,Y,...
      Numbers are printed with repr(): the shortest text that reads back to the same double, so
      equal text means bit-identical values.
      It runs as `nrniv -nogui -nobanner -pyexe /usr/bin/python3 -python glia_diff.py run ...` in the
      NEURON glia is built for (the arguments follow this file's path in sys.argv).
  glia_diff.py plot OUT.png NAME_A OUTPUT_A NAME_B OUTPUT_B
      draws both sides' curves overlaid, one panel per curve, from two saved outputs of `run`
      (by /usr/bin/python3, which has matplotlib).

The protocols are the same for every mechanism of a kind (tools/mechanism_diff.hpp chooses them):
  vclamp         single compartment holding only the mechanism; SEClamp from -80 mV to steps of
                 -100..+40 mV: peak and steady-state current against voltage, time to peak, for
                 each current it writes (ik and ina are different features: K is not Na)
  states         the same compartment clamped at each voltage for 300 ms: each STATE's steady state
  concentration  the written concentrations' time course after a step to 5 times their resting value
  synapse        the point process in a compartment clamped at -65 mV: current (and g) after one
                 event of weight 0.001 and after a 10-event 20 Hz train
  spikes         an artificial cell (created as NEURON's are, with no argument and no section)
                 driven by events of weight 0.5 every 10 ms: its spike times
  membrane       a standard passive compartment holding the mechanism: v under a 0.1 nA step
"""

import math
import sys

VOLTAGES = list(range(-100, 41, 10))
HOLD = -80.0


def num(x):
    return repr(float(x))


def emit(*fields):
    print("\t".join(str(f).replace("\t", " ").replace("\n", " ") for f in fields), flush=True)


class Mechanism:
    """How to place one mechanism, set its parameters and read its variables, whatever its kind."""

    def __init__(self, h, name, kind, settings):
        self.h, self.name, self.kind, self.settings = h, name, kind, settings
        self.placed = []  # every object placed, kept alive until the protocol ends (release())

    def compartment(self, passive=False):
        h = self.h
        sec = h.Section(name="glia_diff_soma")
        sec.L = sec.diam = 17.841242  # area ~1000 um2
        sec.nseg = 1
        sec.cm = 1
        if passive:
            sec.insert("pas")
            sec.g_pas = 1e-4
            sec.e_pas = -65
        return sec

    def place(self, sec):
        """Inserts (density) or creates (point process, artificial cell) the mechanism; returns the
        object to read from (the segment's mechanism or the point process). An artificial cell is
        created as NEURON creates one, h.X() with no argument: its CONSTRUCTOR may read one."""
        h = self.h
        if self.kind == "density":
            sec.insert(self.name)
            target = getattr(sec(0.5), self.name)
        elif self.kind == "artificial_cell":
            target = getattr(h, self.name)()
        else:
            target = getattr(h, self.name)(sec(0.5))
        self.placed.append(target)  # a point process nobody holds is freed before the run
        for key, value in self.settings:
            try:
                setattr(target, key, value)
            except (AttributeError, LookupError, RuntimeError, TypeError):
                try:
                    setattr(h, key + "_" + self.name, value)  # a GLOBAL parameter
                except (AttributeError, LookupError, RuntimeError, TypeError):
                    raise RuntimeError(f"{self.name} has no parameter '{key}' (--set {key}=...)")
        return target

    def release(self):
        self.placed = []

    def states(self):
        ms = self.h.MechanismStandard(self.name, 3)
        names = []
        suffix = "_" + self.name
        for i in range(int(ms.count())):
            s = self.h.ref("")
            size = ms.name(s, i)
            if size == 1:
                full = s[0]
                names.append(full[: -len(suffix)] if self.kind == "density" and full.endswith(suffix) else full)
        return names


def run_to(h, tstop):
    h.dt = 0.025
    h.tstop = tstop
    h.continuerun(tstop)


def density_currents(seg, mech, ion_currents, currents):
    """Range references to the currents the mechanism writes, by name: ion currents as the segment's
    totals (the mechanism is alone in its section), nonspecific ones as the mechanism's own variables."""
    refs = [(c, getattr(seg, "_ref_" + c)) for c in ion_currents]
    return refs + [(c, getattr(getattr(seg, mech), "_ref_" + c)) for c in currents]


def vclamp(h, mech, ion_currents, currents):
    sec = mech.compartment()
    mech.place(sec)
    seg = sec(0.5)
    refs = density_currents(seg, mech.name, ion_currents, currents)
    clamp = h.SEClamp(seg)
    clamp.rs = 1e-3
    clamp.dur1, clamp.amp1 = 20, HOLD
    clamp.dur2 = 100
    clamp.dur3 = 0
    vecs = []
    for _, ref in refs:
        v = h.Vector()
        v.record(ref, 0.025)
        vecs.append(v)
    # Each current on its own: a K current is not a Na current of the same size.
    peaks, steadies, times = ([[] for _ in refs] for _ in range(3))
    start = int(round(20 / 0.025)) + 1
    for V in VOLTAGES:
        clamp.amp2 = V
        h.finitialize(HOLD)
        run_to(h, 120)
        for i, vec in enumerate(vecs):
            step = list(vec)[start:]
            if not all(math.isfinite(x) for x in step):
                raise RuntimeError(f"{refs[i][0]} is not finite during the step to {V} mV")
            k = max(range(len(step)), key=lambda j: abs(step[j]))
            peaks[i].append(step[k])
            times[i].append((k + 1) * 0.025)
            steadies[i].append(step[-1])
    for i, (c, _) in enumerate(refs):
        for what, unit, ys in (("peak", "mA/cm2", peaks[i]), ("steady", "mA/cm2", steadies[i]),
                               ("time to peak", "ms", times[i])):
            for V, y in zip(VOLTAGES, ys):
                emit("feature", "vclamp", f"{what} {c} at {V} mV", unit, num(y))
        xs = ",".join(map(num, VOLTAGES))
        emit("curve", "vclamp", f"peak {c}", "V (mV)", f"{c} (mA/cm2)", xs, ",".join(map(num, peaks[i])))
        emit("curve", "vclamp", f"steady-state {c}", "V (mV)", f"{c} (mA/cm2)", xs, ",".join(map(num, steadies[i])))
        emit("curve", "vclamp", f"time to peak {c}", "V (mV)", "t (ms)", xs, ",".join(map(num, times[i])))


def states(h, mech):
    names = mech.states()
    if not names:
        return  # nothing to measure (a leak): not a failure
    sec = mech.compartment()
    target = mech.place(sec)
    clamp = h.SEClamp(sec(0.5))
    clamp.rs = 1e-3
    clamp.dur1 = 1e9
    curves = {n: [] for n in names}
    for V in VOLTAGES:
        clamp.amp1 = V
        h.finitialize(V)
        run_to(h, 300)
        for n in names:
            curves[n].append(getattr(target, n))
    for n in names:
        for V, x in zip(VOLTAGES, curves[n]):
            emit("feature", "states", f"{n} steady state at {V} mV", "1", num(x))
        emit("curve", "states", f"steady state of {n}", "V (mV)", n, ",".join(map(num, VOLTAGES)), ",".join(map(num, curves[n])))


def concentration(h, mech, written):
    sec = mech.compartment()
    mech.place(sec)
    seg = sec(0.5)
    vecs = {}
    for c in written:
        vecs[c] = h.Vector()
        vecs[c].record(getattr(seg, "_ref_" + c), 0.025)
    tv = h.Vector()
    tv.record(h._ref_t, 0.025)
    h.finitialize(-65)
    run_to(h, 5)
    rest = {c: getattr(seg, c) for c in written}
    for c in written:
        setattr(seg, c, rest[c] * 5 if rest[c] > 0 else 1e-3)
    run_to(h, 205)
    first = int(round(5 / 0.025)) + 1  # the first sample after the step
    t = [x - 5 for x in tv][first:]
    for c in written:
        y = list(vecs[c])[first:]
        emit("feature", "concentration", f"{c} at rest", "mM", num(rest[c]))
        for after in (1, 5, 20, 50, 100, 200):
            k = min(range(len(t)), key=lambda j: abs(t[j] - after))
            emit("feature", "concentration", f"{c} {after} ms after the step", "mM", num(y[k]))
        emit("curve", "concentration", f"{c} after a step to 5x rest", "t (ms)", f"{c} (mM)", ",".join(map(num, t[::8])), ",".join(map(num, y[::8])))


def synapse(h, mech, currents):
    sec = mech.compartment()
    syn = mech.place(sec)
    clamp = h.SEClamp(sec(0.5))
    clamp.rs = 1e-3
    clamp.dur1, clamp.amp1 = 1e9, -65
    if not currents:
        raise RuntimeError(f"{mech.name} declares no NONSPECIFIC_CURRENT to record")
    names = [c for c in currents] + (["g"] if hasattr(syn, "g") else [])
    for label, number, interval in (("one event", 1, 50), ("20 Hz train", 10, 50)):
        stim = h.NetStim()
        stim.start, stim.number, stim.interval, stim.noise = 5, number, interval, 0
        nc = h.NetCon(stim, syn)
        nc.weight[0] = 0.001
        nc.delay = 0
        vecs = {}
        for n in names:
            vecs[n] = h.Vector()
            vecs[n].record(getattr(syn, "_ref_" + n), 0.025)
        h.finitialize(-65)
        run_to(h, 5 + number * stim.interval + 50)
        for n in names:
            y = list(vecs[n])
            k = max(range(len(y)), key=lambda j: abs(y[j]))
            emit("feature", "synapse", f"{label}: peak {n}", "", num(y[k]))
            emit("feature", "synapse", f"{label}: time to peak {n}", "ms", num(k * 0.025 - 5))
            emit("feature", "synapse", f"{label}: integral of {n}", "ms", num(sum(y) * 0.025))
            emit("curve", "synapse", f"{n} after {label}", "t (ms)", n, ",".join(num(j * 0.025) for j in range(0, len(y), 4)), ",".join(map(num, y[::4])))
        del nc, stim


def spikes(h, mech):
    cell = mech.place(None)
    stim = h.NetStim()
    stim.start, stim.number, stim.interval, stim.noise = 5, 20, 10, 0
    nc_in = h.NetCon(stim, cell)
    nc_in.weight[0] = 0.5
    out = h.Vector()
    nc_out = h.NetCon(cell, None)
    nc_out.record(out)
    h.finitialize(-65)
    run_to(h, 300)
    times = list(out)
    emit("feature", "spikes", "spike count", "1", num(len(times)))
    for i, t in enumerate(times[:20]):
        emit("feature", "spikes", f"spike {i + 1} time", "ms", num(t))
    emit("curve", "spikes", "spike times", "spike", "t (ms)", ",".join(num(i + 1) for i in range(len(times))), ",".join(map(num, times)))
    del nc_in, nc_out


def membrane(h, mech):
    sec = mech.compartment(passive=True)
    mech.place(sec)
    stim = h.IClamp(sec(0.5))
    stim.delay, stim.dur, stim.amp = 10, 100, 0.1
    v = h.Vector()
    v.record(sec(0.5)._ref_v, 0.025)
    h.finitialize(-65)
    run_to(h, 150)
    y = list(v)
    for at in (9, 20, 60, 109, 149):
        emit("feature", "membrane", f"v at {at} ms", "mV", num(y[int(round(at / 0.025))]))
    emit("feature", "membrane", "max v", "mV", num(max(y)))
    emit("feature", "membrane", "min v", "mV", num(min(y)))
    emit("curve", "membrane", "v under a 0.1 nA step", "t (ms)", "v (mV)", ",".join(num(j * 0.025) for j in range(0, len(y), 4)), ",".join(map(num, y[::4])))


def run(argv):
    plugin, name, kind, protocols = argv[:4]
    ion_currents, currents, written, settings = [], [], [], []
    celsius = 6.3
    rest = argv[4:]
    while rest:
        flag, value, rest = rest[0], rest[1], rest[2:]
        if flag == "--ion-currents":
            ion_currents = [c for c in value.split(",") if c]
        elif flag == "--currents":
            currents = [c for c in value.split(",") if c]
        elif flag == "--concentrations":
            written = [c for c in value.split(",") if c]
        elif flag == "--set":
            key, _, text = value.partition("=")
            settings.append((key, float(text)))
        elif flag == "--celsius":
            celsius = float(value)
    from neuron import h

    h.load_file("stdrun.hoc")
    h.nrn_load_dll(plugin)
    h.celsius = celsius
    mech = Mechanism(h, name, kind, settings)
    for protocol in protocols.split(","):
        emit("protocol", protocol)
        try:
            if protocol == "vclamp":
                vclamp(h, mech, ion_currents, currents)
            elif protocol == "states":
                states(h, mech)
            elif protocol == "concentration":
                concentration(h, mech, written)
            elif protocol == "synapse":
                synapse(h, mech, currents)
            elif protocol == "spikes":
                spikes(h, mech)
            else:
                membrane(h, mech)
        except Exception as e:  # a NEURON error fails this protocol only
            emit("error", protocol, str(e) or type(e).__name__)
        mech.release()
        for sec in list(h.allsec()):
            h.delete_section(sec=sec)


def read_output(path):
    curves = {}
    with open(path) as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if fields[0] == "curve" and len(fields) == 7:
                x = [float(a) for a in fields[5].split(",") if a]
                y = [float(a) for a in fields[6].split(",") if a]
                curves[(fields[1], fields[2])] = (fields[3], fields[4], x, y)
    return curves


def plot(argv):
    out, name_a, path_a, name_b, path_b = argv
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    a, b = read_output(path_a), read_output(path_b)
    keys = list(a) + [k for k in b if k not in a]
    if not keys:
        keys = [("none", "no protocol produced a curve")]
    cols = min(3, len(keys))
    rows = (len(keys) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, 3.6 * rows), squeeze=False)
    for ax in axes.flat[len(keys):]:
        ax.axis("off")
    for ax, key in zip(axes.flat, keys):
        ax.set_title(f"{key[0]}: {key[1]}", fontsize=10)
        for side, name, style in ((a, name_a, "-"), (b, name_b, "--")):
            if key in side:
                xlabel, ylabel, x, y = side[key]
                ax.plot(x, y, style, marker="o" if len(x) < 40 else None, markersize=3, label=name)
                ax.set_xlabel(xlabel)
                ax.set_ylabel(ylabel)
        ax.legend(fontsize=7)
    fig.suptitle(f"{name_a}  vs  {name_b}", fontsize=11)
    fig.tight_layout()
    fig.savefig(out, dpi=80)


if __name__ == "__main__":
    # nrniv puts its own options before this file in sys.argv; python3 puts only this file.
    args = sys.argv[sys.argv.index(__file__) + 1:] if __file__ in sys.argv else sys.argv[1:]
    if args and args[0] == "run":
        run(args[1:])
    elif args and args[0] == "plot":
        plot(args[1:])
    else:
        sys.exit("usage: glia_diff.py run PLUGIN NAME KIND PROTOCOLS [...] | plot OUT.png NAME_A OUT_A NAME_B OUT_B")
