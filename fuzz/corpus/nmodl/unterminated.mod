NEURON { SUFFIX open
COMMENT never closed
