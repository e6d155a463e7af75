: AMPA -- dual-exponential (difference of exponentials) conductance synapse.
:
:   g(t) = w * f * (exp(-t/tau2) - exp(-t/tau1)),  tau1 < tau2,  i = g (v - e)
: implemented as two first-order decays A' = -A/tau1, B' = -B/tau2, g = B - A,
: each incoming event of weight w (uS) adding w*f to both A and B. The
: normalisation f = 1/(exp(-tp/tau2) - exp(-tp/tau1)), with the time of peak
: tp = tau1 tau2/(tau2 - tau1) ln(tau2/tau1), makes the peak conductance equal w.

NEURON {
    POINT_PROCESS AMPA
    RANGE tau1, tau2, e, i, g, factor
    NONSPECIFIC_CURRENT i
    THREADSAFE
}

UNITS {
    (nA) = (nanoamp)
    (mV) = (millivolt)
    (uS) = (microsiemens)
}

PARAMETER {
    tau1 = 0.2 (ms) <1e-9, 1e9>
    tau2 = 2 (ms) <1e-9, 1e9>
    e = 0 (mV)
}

ASSIGNED {
    v (mV)
    i (nA)
    g (uS)
    factor (1)
}

STATE {
    A (uS)
    B (uS)
}

INITIAL {
    LOCAL tp
    : keep the two time constants distinct (the formula is singular at tau1 = tau2)
    if (tau1/tau2 > 0.9999) {
        tau1 = 0.9999*tau2
    }
    A = 0
    B = 0
    tp = (tau1*tau2)/(tau2 - tau1)*log(tau2/tau1)
    factor = 1/(exp(-tp/tau2) - exp(-tp/tau1))
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = B - A
    i = g*(v - e)
}

DERIVATIVE states {
    A' = -A/tau1
    B' = -B/tau2
}

NET_RECEIVE(weight (uS)) {
    A = A + weight*factor
    B = B + weight*factor
}
