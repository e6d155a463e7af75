: Spiker -- deterministic regular spike generator (artificial cell).
:
: Emits `number` events at t = start + k*interval, k = 0 .. number-1, using a
: self-event (flag 1) that is re-armed after each output event. Events arriving
: from NetCons (flag 0) are ignored.

NEURON {
    ARTIFICIAL_CELL Spiker
    RANGE interval, start, number, remaining
    THREADSAFE
}

UNITS {
    : only ms is used, which NMODL predefines
}

PARAMETER {
    interval = 10 (ms) <1e-9, 1e9>
    start = 5 (ms)
    number = 10 (1)
}

ASSIGNED {
    remaining (1)
}

INITIAL {
    remaining = number
    if (remaining > 0) {
        net_send(start, 1)
    }
}

NET_RECEIVE(w) {
    if (flag == 1) {
        net_event(t)
        remaining = remaining - 1
        if (remaining > 0) {
            net_send(interval, 1)
        }
    }
}
