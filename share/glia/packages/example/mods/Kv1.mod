: Kv1 -- delayed-rectifier potassium current, Hodgkin-Huxley (1952) n^4 kinetics.
:
: Rate functions (squid giant axon, modern sign convention, rest near -65 mV):
:   alpha_n(v) = 0.01 (v + 55) / (1 - exp(-(v + 55)/10))   [1/ms]
:   beta_n(v)  = 0.125 exp(-(v + 65)/80)                      [1/ms]
: measured at 6.3 degC and scaled by phi = q10^((celsius - 6.3)/10), q10 = 3.
:   dn/dt = (ninf - n)/ntau,  ninf = a/(a+b),  ntau = 1/(phi (a+b))
:   ik = gbar n^4 (v - ek)

NEURON {
    SUFFIX Kv1
    USEION k READ ek WRITE ik
    RANGE gbar, g, i, ninf, ntau
    THREADSAFE
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S)  = (siemens)
}

PARAMETER {
    gbar = 0.036 (S/cm2)
    q10 = 3 (1)
    tbase = 6.3 (degC)
}

ASSIGNED {
    v (mV)
    ek (mV)
    celsius (degC)
    ik (mA/cm2)
    i (mA/cm2)
    g (S/cm2)
    ninf (1)
    ntau (ms)
}

STATE {
    n
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar*n*n*n*n
    i = g*(v - ek)
    ik = i
}

INITIAL {
    rates(v)
    n = ninf
}

DERIVATIVE states {
    rates(v)
    n' = (ninf - n)/ntau
}

PROCEDURE rates(v (mV)) {
    LOCAL a, b, phi
    phi = q10^((celsius - tbase)/(10 (degC)))
    a = alpha_n(v)
    b = beta_n(v)
    ninf = a/(a + b)
    ntau = 1/(phi*(a + b))
}

FUNCTION alpha_n(v (mV)) (/ms) {
    alpha_n = (0.01 (/ms-mV))*expm1ratio(-(v + 55), 10)
}

FUNCTION beta_n(v (mV)) (/ms) {
    beta_n = (0.125 (/ms))*exp(-(v + 65)/(80 (mV)))
}

: x/(exp(x/y) - 1), with its limit y(1 - x/(2y)) near the removable singularity x = 0
FUNCTION expm1ratio(x (mV), y (mV)) (mV) {
    if (fabs(x/y) < 1e-6) {
        expm1ratio = y*(1 - x/y/2)
    } else {
        expm1ratio = x/(exp(x/y) - 1)
    }
}
