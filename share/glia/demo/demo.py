"""glia demo in Python: the same cell as demo.hoc, channels from glia packages."""

from neuron import h

h.nrn_load_dll("libglia.so")
h.load_file("stdrun.hoc")

soma = h.Section(name="soma")
soma.L = soma.diam = 20
for asset in ("Na", "Kv1", "Leak"):
    h.glia_insert(asset, sec=soma)

stim = h.IClamp(soma(0.5))
stim.delay, stim.dur, stim.amp = 5, 80, 0.3
spikes = h.Vector()
nc = h.NetCon(soma(0.5)._ref_v, None, sec=soma)
nc.threshold = 0
nc.record(spikes)

h.tstop = 100
h.run()
print("Python: %d spikes at t = %s ms" % (len(spikes), " ".join("%.1f" % t for t in spikes)))
print("mechanisms in soma:", ", ".join(sorted(m.name() for m in soma(0.5))))
