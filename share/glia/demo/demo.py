"""glia demo in Python: the model of demo.hoc through the `glia` module, plus a plot.

Two one-compartment cells get their channels (Na, Kv1, Leak), an AMPA synapse and a shared
Spiker input from the glia package `example`, by abstract name; the second cell gets the fast
variant of Kv1 through a preference context. The voltage traces are written side by side to a
PNG, by default glia-demo.png in the current directory (or the path given as argument).
Run with: /usr/bin/python3 demo.py [out.png]   (after installing glia; scripts/demo.sh does both)
"""

import os
import sys

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402
from neuron import h  # noqa: E402

import glia  # noqa: E402  (loads glia's plugin into NEURON)

h.load_file("stdrun.hoc")


class DemoCell:
    def __init__(self, name):
        self.soma = h.Section(name=name)
        self.soma.L = self.soma.diam = 20
        glia.insert(self.soma, "Na")
        glia.insert(self.soma, "Kv1")
        glia.insert(self.soma, "Leak", attributes={"e": -65})
        self.syn = glia.insert(self.soma, "AMPA", x=0.5, attributes={"tau2": 3})
        self.kv1 = glia.resolve("Kv1")
        self.spikes = h.Vector()
        self.detector = h.NetCon(self.soma(0.5)._ref_v, None, sec=self.soma)
        self.detector.threshold = 0
        self.detector.record(self.spikes)
        self.trace = h.Vector().record(self.soma(0.5)._ref_v)


default_cell = DemoCell("default")
with glia.context(assets="Kv1", variant="fast"):  # inside this block Kv1 means its fast variant
    fast_cell = DemoCell("fast")

spiker = glia.insert(None, "Spiker", attributes={"start": 10, "interval": 25, "number": 6})
inputs = h.Vector()
netcons = []
for cell in (default_cell, fast_cell):
    nc = h.NetCon(spiker, cell.syn)
    nc.weight[0] = 0.01
    nc.delay = 1
    netcons.append(nc)
netcons[0].record(inputs)
time = h.Vector().record(h._ref_t)

h.tstop = 170
h.run()


def show(label, spikes):
    print("Python %-26s %d spikes at %s ms" % (label, len(spikes), " ".join("%.2f" % t for t in spikes)))


show("Spiker (input)", inputs)
show(default_cell.kv1, default_cell.spikes)
show(fast_cell.kv1, fast_cell.spikes)

out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "glia-demo.png")
fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
for ax, cell, color in zip(axes, (default_cell, fast_cell), ("tab:blue", "tab:red")):
    ax.plot(list(time), list(cell.trace), color=color, linewidth=1)
    for t in inputs:
        ax.axvline(t, color="grey", linestyle=":", linewidth=0.8)
    ax.set_title("Kv1 = %s\n%d spikes" % (cell.kv1, len(cell.spikes)), fontsize=10)
    ax.set_xlabel("time (ms)")
axes[0].set_ylabel("soma v (mV)")
fig.suptitle("glia demo: Spiker -> NetCon -> AMPA; Na, Kv1, Leak from package 'example' (glia %s)" % glia.__version__,
             fontsize=10)
fig.tight_layout()
fig.savefig(out, dpi=110)
print("PNG written to %s" % out)
