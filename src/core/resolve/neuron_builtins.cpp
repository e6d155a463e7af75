#include "resolve/index.hpp"

namespace glia {

const std::vector<BuiltinMechanism>& neuron_builtins() {
    // Read off NEURON 8.2 with MechanismType(0) and MechanismType(1); the morphology and
    // capacitance pseudo-mechanisms are left out because nobody inserts them by name.
    static const std::vector<BuiltinMechanism> builtins = {
        {"pas", MechanismKind::density},
        {"extracellular", MechanismKind::density},
        {"fastpas", MechanismKind::density},
        {"na_ion", MechanismKind::density},
        {"k_ion", MechanismKind::density},
        {"hh", MechanismKind::density},
        {"IClamp", MechanismKind::point_process},
        {"AlphaSynapse", MechanismKind::point_process},
        {"ExpSyn", MechanismKind::point_process},
        {"Exp2Syn", MechanismKind::point_process},
        {"SEClamp", MechanismKind::point_process},
        {"VClamp", MechanismKind::point_process},
        {"OClamp", MechanismKind::point_process},
        {"APCount", MechanismKind::point_process},
        {"PointProcessMark", MechanismKind::point_process},
        {"NetStim", MechanismKind::artificial_cell},
        {"IntFire1", MechanismKind::artificial_cell},
        {"IntFire2", MechanismKind::artificial_cell},
        {"IntFire4", MechanismKind::artificial_cell},
        {"PatternStim", MechanismKind::artificial_cell},
    };
    return builtins;
}

} // namespace glia
