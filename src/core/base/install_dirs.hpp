#pragma once
/// \file
/// Where glia's own installed files are. An install with `meson install` has them where the build
/// was configured to put them; one made with pip (`-Dpython_wheel=true`, pyproject.toml) keeps them
/// in its Python package's folder, wherever pip put that, found at run time from the file of the
/// running plugin or command.

#include "base/fs.hpp"

namespace glia {

/// The data folder that holds glia/packages, glia/diff and glia/hoc: `<prefix>/share`, or
/// `<site-packages>/glia/share` in a pip install.
fs::path installed_data_dir();

/// The installed plugin: `<prefix>/<libdir>/libglia.so`, or `<site-packages>/glia/libglia.so`.
fs::path installed_plugin();

} // namespace glia
