TITLE delayed rectifier written for glia's fuzz corpus

COMMENT
A made-up potassium current. The NEURON block below is what matters;
SUFFIX inside this comment must not count: SUFFIX fake
ENDCOMMENT

NEURON {
    SUFFIX kdr
    USEION k READ ek WRITE ik
    RANGE gbar, g
    GLOBAL ninf, ntau
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
}

PARAMETER { gbar = 0.036 (S/cm2) }

ASSIGNED { v (mV) ek (mV) ik (mA/cm2) g (S/cm2) ninf ntau (ms) }

STATE { n }

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar * n^4
    ik = g * (v - ek)
}

INITIAL { rates(v) n = ninf }

DERIVATIVE states {
    rates(v)
    n' = (ninf - n) / ntau
}

PROCEDURE rates(v (mV)) {
    ninf = 1 / (1 + exp(-(v + 40) / 10))
    ntau = 2 + 8 * exp(-((v + 50) / 20)^2) : a bell curve
}
