// glia doctor: what glia needs from this machine, and how to fix what is missing.

#include "commands.hpp"
#include "options.hpp"

#include "glia/doctor.hpp"

#include <iostream>

namespace glia::cli {

int cmd_doctor(const Args& args) {
    po::options_description options("options");
    po::variables_map vm;
    if (!parse_options(args, "glia doctor", options, vm)) {
        return 0;
    }
    DoctorOptions doctor;
    doctor.plugin = plugin_path();
    int failed = 0;
    for (const auto& check : run_doctor(doctor)) {
        std::string status = status_name(check.status);
        std::cout << "[" << status << "]" << std::string(status.size() < 7 ? 8 - status.size() : 1, ' ')
                  << check.what << ": " << check.detail << "\n";
        if (!check.fix.empty()) {
            std::cout << "          fix: " << check.fix << "\n";
        }
        failed += check.status == DoctorCheck::Status::failed;
    }
    if (failed) {
        std::cout << failed << (failed == 1 ? " problem" : " problems") << " to fix (see 'fix:' above)\n";
    } else {
        std::cout << "everything glia needs is in place\n";
    }
    return failed ? 1 : 0;
}

} // namespace glia::cli
