NEURON {
  SUFFIX cad  : calcium pool
  USEION ca READ ica WRITE cai
}
INCLUDE "units.inc"
VERBATIM
#include "helpers.h"
static double clamp(double x) { return x < 0 ? 0 : x; } /* NEURON { SUFFIX notme } */
ENDVERBATIM
? old-style comment with SUFFIX fake
FUNCTION f(x) { VERBATIM
  _lf = clamp(_lx);
ENDVERBATIM }
