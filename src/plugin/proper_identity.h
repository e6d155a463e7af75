#pragma once
// Which build a libglia_nrn.so belongs to, as plain bytes in the file. The front (loader.cpp) reads
// them before it opens a plugin proper found in the install's library folder rather than beside
// itself: that folder may hold another build's (one for another NEURON, installed under the same
// prefix), whose libnrniv would be pulled into the running NEURON.

#if !defined(GLIA_VERSION) || !defined(GLIA_NEURON_VERSION) || !defined(GLIA_NEURON_PREFIX)
#error "glia's version and the NEURON this build targets must be defined by the build (meson.build)"
#endif

#define GLIA_PLUGIN_BUILD "glia " GLIA_VERSION " for NEURON " GLIA_NEURON_VERSION " (" GLIA_NEURON_PREFIX ")"
#define GLIA_PLUGIN_PROPER_IDENTITY "glia-plugin-proper=" GLIA_PLUGIN_BUILD
