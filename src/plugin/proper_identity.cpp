// The build identity of libglia_nrn.so (proper_identity.h). `retain` keeps it through --gc-sections:
// nothing in the plugin refers to it, and the version script exports only glia_register.

#include "proper_identity.h"

extern "C" [[gnu::used, gnu::retain]] const char glia_plugin_proper_identity[] = GLIA_PLUGIN_PROPER_IDENTITY;
