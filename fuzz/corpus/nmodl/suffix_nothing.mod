: functions only, no mechanism
NEURON { SUFFIX nothing }
FUNCTION square(x) { square = x * x }
FUNCTION_TABLE tabled(v (mV)) (ms)
PROCEDURE noop() { }
