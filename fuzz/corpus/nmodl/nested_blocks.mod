INDEPENDENT { t FROM 0 TO 1 WITH 1 (ms) }
NEURON { { SUFFIX deep } }
KINETIC scheme { ~ c <-> o (a, b) CONSERVE c + o = 1 }
