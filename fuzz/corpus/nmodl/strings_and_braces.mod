NEURON {
  THREADSAFE
  POINT_PROCESS "not this" Quoted
}
