: Leak -- passive (ohmic) leak current:  i = g (v - e)
: Defaults are the Hodgkin-Huxley (1952) squid-axon leak: g = 0.3 mS/cm2, e = -54.3 mV.

NEURON {
    SUFFIX Leak
    NONSPECIFIC_CURRENT i
    RANGE g, e
    THREADSAFE
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S)  = (siemens)
}

PARAMETER {
    g = 0.0003 (S/cm2)
    e = -54.3 (mV)
}

ASSIGNED {
    v (mV)
    i (mA/cm2)
}

BREAKPOINT {
    i = g*(v - e)
}
