: Na -- fast sodium current, Hodgkin-Huxley (1952) m^3 h kinetics.
:
: Rate functions (squid giant axon, modern sign convention, rest near -65 mV):
:   alpha_m(v) = 0.1 (v + 40) / (1 - exp(-(v + 40)/10))   [1/ms]
:   beta_m(v)  = 4 exp(-(v + 65)/18)                        [1/ms]
:   alpha_h(v) = 0.07 exp(-(v + 65)/20)                     [1/ms]
:   beta_h(v)  = 1 / (1 + exp(-(v + 35)/10))                [1/ms]
: measured at 6.3 degC and scaled by phi = q10^((celsius - 6.3)/10), q10 = 3.
:   ina = gbar m^3 h (v - ena)

NEURON {
    SUFFIX Na
    USEION na READ ena WRITE ina
    RANGE gbar, g, i, minf, mtau, hinf, htau
    THREADSAFE
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S)  = (siemens)
}

PARAMETER {
    gbar = 0.12 (S/cm2)
    q10 = 3 (1)
    tbase = 6.3 (degC)
}

ASSIGNED {
    v (mV)
    ena (mV)
    celsius (degC)
    ina (mA/cm2)
    i (mA/cm2)
    g (S/cm2)
    minf (1)
    hinf (1)
    mtau (ms)
    htau (ms)
}

STATE {
    m
    h
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar*m*m*m*h
    i = g*(v - ena)
    ina = i
}

INITIAL {
    rates(v)
    m = minf
    h = hinf
}

DERIVATIVE states {
    rates(v)
    m' = (minf - m)/mtau
    h' = (hinf - h)/htau
}

PROCEDURE rates(v (mV)) {
    LOCAL a, b, phi
    phi = q10^((celsius - tbase)/(10 (degC)))
    a = (0.1 (/ms-mV))*expm1ratio(-(v + 40), 10)
    b = (4 (/ms))*exp(-(v + 65)/(18 (mV)))
    minf = a/(a + b)
    mtau = 1/(phi*(a + b))
    a = (0.07 (/ms))*exp(-(v + 65)/(20 (mV)))
    b = (1 (/ms))/(1 + exp(-(v + 35)/(10 (mV))))
    hinf = a/(a + b)
    htau = 1/(phi*(a + b))
}

: x/(exp(x/y) - 1), with its limit y(1 - x/(2y)) near the removable singularity x = 0
FUNCTION expm1ratio(x (mV), y (mV)) (mV) {
    if (fabs(x/y) < 1e-6) {
        expm1ratio = y*(1 - x/y/2)
    } else {
        expm1ratio = x/(exp(x/y) - 1)
    }
}
