#pragma once
/// \file
/// The index of every resolvable mechanism: the assets of all discovered packages plus
/// NEURON's built-in mechanisms as package `NEURON`.

#include "base/names.hpp"
#include "packages/nmodl.hpp"
#include "packages/package.hpp"

#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace glia {

/// One concrete mechanism an asset name can mean.
struct Candidate {
    MechanismName name;
    MechanismKind kind = MechanismKind::density;
    /// The name NEURON knows it by: the full glia name, or a built-in's own name (`hh`).
    std::string neuron_name() const;
};

/// An installed mechanism that NEURON does not have: it failed to build or to load.
struct Unbuilt {
    Candidate candidate;
    fs::path file;      ///< its mod file
    Message reason;     ///< the failure's first line
    Message fix;        ///< what to do about it
};

/// A built-in mechanism of NEURON.
struct BuiltinMechanism {
    std::string name;
    MechanismKind kind;
};

/// NEURON's own mechanisms as of 8.2 (checked against a running NEURON by the tests).
const std::vector<BuiltinMechanism>& neuron_builtins();

/// Assets by name, each with its candidates sorted by (package, variant).
/// The candidates are one vector sorted by (asset, package, variant) rather than a map of vectors: the
/// index stays in memory for the whole NEURON run, and with thousands of mechanisms installed a map
/// node per asset was about half of it.
class Index {
  public:
    /// Indexes `packages` and `builtins`. SUFFIX-nothing mods are not resolvable and are left out, and
    /// so is every mod `included` refuses (if given).
    Index(const std::vector<Package>& packages, const std::vector<BuiltinMechanism>& builtins = neuron_builtins(),
          const std::function<bool(const ModFile&)>& included = {});

    /// The candidates for `asset`; none if no package provides it.
    std::span<const Candidate> find(std::string_view asset) const;
    /// The candidate with this full name (or built-in name), or nullptr.
    const Candidate* find_full(const MechanismName& name) const;
    /// Every asset name, sorted.
    std::vector<std::string> asset_names() const;
    /// Every package name (NEURON included), sorted.
    std::vector<std::string> package_names() const;
    /// True if some asset comes from `package`.
    bool has_package(std::string_view package) const;

    /// Records that `mod` is installed but did not load: it failed at `stage` ("translate",
    /// "compile", "link", "clash", "load") with `message`. Resolution then says so, instead of
    /// calling the mechanism unknown or quietly choosing another candidate.
    void add_unbuilt(const ModFile& mod, std::string_view stage, const Message& message);
    /// The installed candidates of `asset` that did not load, or nullptr if there are none.
    const std::vector<Unbuilt>* unbuilt(std::string_view asset) const;
    /// The installed mechanism with this full name that did not load, or nullptr.
    const Unbuilt* find_unbuilt(const MechanismName& name) const;

  private:
    std::vector<Candidate> candidates_; ///< by (asset, package, variant)
    std::map<std::string, std::vector<Unbuilt>, std::less<>> unbuilt_;
};

} // namespace glia
