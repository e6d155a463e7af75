#include "neuron_api.hpp"

#if NRN_VERSION_LT(9, 0, 0)
// Not in 8.2's installed headers; C++ linkage (nrnoc/cabcode.cpp). Unlike nrn_rangepointer it
// returns nullptr instead of raising a hoc error when the mechanism is not in the section.
extern double* nrnpy_rangepointer(Section*, Symbol*, double x, int* err);
#endif

namespace glia::plugin {

int segment_count(Section* sec) {
#if NRN_VERSION_GTEQ(9, 0, 0)
    return nrn_nseg_get(sec);
#else
    return sec->nnode - 1;
#endif
}

double* range_pointer(Section* sec, Symbol* range, double x) {
    int err = 0;
#if NRN_VERSION_GTEQ(9, 0, 0)
    // A handle into NEURON's mechanism data; an empty one converts to nullptr.
    auto handle = nrnpy_rangepointer(sec, range, x, &err, 0);
    double* p = err ? nullptr : handle.get<double*>();
#else
    double* p = nrnpy_rangepointer(sec, range, x, &err);
#endif
    return err ? nullptr : p;
}

void pass_neuron_errors([[maybe_unused]] const std::exception& e) {
#if NRN_VERSION_GTEQ(9, 0, 0)
    if (dynamic_cast<const neuron::oc::runtime_error*>(&e)) {
        throw; // the exception being handled, unchanged
    }
#endif
}

} // namespace glia::plugin
