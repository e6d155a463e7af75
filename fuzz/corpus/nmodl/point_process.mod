NEURON {
	POINT_PROCESS DualExp
	RANGE tau1, tau2, e, i
	NONSPECIFIC_CURRENT i
}
PARAMETER { tau1 = 0.2 (ms) tau2 = 3 (ms) e = 0 (mV) }
ASSIGNED { v (mV) i (nA) factor }
STATE { A B }
INITIAL { A = 0 B = 0 factor = 1 }
BREAKPOINT { SOLVE state METHOD cnexp i = (B - A) * (v - e) }
DERIVATIVE state { A' = -A / tau1 B' = -B / tau2 }
NET_RECEIVE(weight) { A = A + weight * factor B = B + weight * factor }
