#pragma once
// NEURON's C API as the plugin uses it, for NEURON 8.2 and 9 alike: the one file that includes
// NEURON's headers, and with neuron_api.cpp the only place that knows how the two differ.
// The headers come from the NEURON Meson chose (its include dir only); the check below catches a
// header of another NEURON found on the system path instead (9 installs no section.h; Debian's
// 8.2 does, in /usr/include).

#include "nrnversionmacros.h"

#if !defined(GLIA_NEURON_MAJOR) || !defined(GLIA_NEURON_MINOR)
#error "GLIA_NEURON_MAJOR and GLIA_NEURON_MINOR must be defined by the build (meson.build)"
#endif
#if NRN_VERSION_MAJOR != GLIA_NEURON_MAJOR || NRN_VERSION_MINOR != GLIA_NEURON_MINOR
#error "NEURON's headers here are not those of the NEURON this build targets: check -Dneuron_prefix"
#endif

#include "hocdec.h"

#include <exception>
#include <string>

#if NRN_VERSION_GTEQ(9, 0, 0)
#include "cabcode.h"   // chk_access, mech_insert1, nrn_noerr_access, secname
#include "neuronapi.h" // nrn_nseg_get: Section is opaque in 9
#include "oc_ansi.h"   // neuron::oc::runtime_error, what hoc_execerror throws in 9
#else
#include "section.h"
// Not in 8.2's installed headers; C++ linkage like the rest of nrnoc (cabcode.cpp).
extern Section* nrn_noerr_access();
#endif

// Not in an installed header of either; C++ linkage (oc/hoc_oop.cpp, nrnoc).
extern Object* hoc_newobj1(Symbol*, int);
extern short* nrn_is_artificial_;
extern Symbol** pointsym;
extern Symlist* nrn_load_dll_called_;
extern Symlist* hoc_p_symlist; // hocparse.h, which drags in the parser's declarations
extern int nrnmpi_myid;

namespace glia::plugin {

/// The number of segments of `sec`.
int segment_count(Section* sec);

/// Where the range variable `range` of a mechanism lives in `sec` at `x`, or nullptr if that
/// mechanism is not inserted there (never raises a hoc error, unlike NEURON's rangepointer).
double* range_pointer(Section* sec, Symbol* range, double x);

/// For catch blocks that turn glia's errors into text: rethrows the exception being handled when
/// it is NEURON's own error (in 9, hoc_execerror throws neuron::oc::runtime_error where 8.2 jumps),
/// so it reaches NEURON as NEURON raised it. Call only inside the catch block that caught `e`.
void pass_neuron_errors(const std::exception& e);

} // namespace glia::plugin
