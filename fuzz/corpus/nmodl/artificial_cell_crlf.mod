NEURON { ARTIFICIAL_CELL Ticker RANGE interval }
PARAMETER { interval = 10 (ms) }
NET_RECEIVE(w) {
    net_event(t)
}
