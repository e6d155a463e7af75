#pragma once
// Parsing one subcommand's options with Boost.ProgramOptions, with a uniform --help.

#include "commands.hpp"

#include <boost/program_options.hpp>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>

namespace glia::cli {

namespace po = boost::program_options;

/// Parses `args` against `options` (plus --help) and `positional`; returns false after
/// printing help when --help was given.
inline bool parse_options(const Args& args, const std::string& usage, po::options_description options,
                          po::variables_map& vm, const po::positional_options_description& positional = {}) {
    options.add_options()("help,h", "show this help");
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
    if (vm.count("help")) {
        std::cout << "usage: " << usage << "\n\n" << options << "\n";
        return false;
    }
    po::notify(vm);
    return true;
}

/// The time limit of one child process, from --timeout SECONDS (whole seconds; 0: none).
inline std::chrono::seconds parse_timeout(const std::string& text) {
    char* end = nullptr;
    double seconds = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !(seconds >= 0) || seconds != std::floor(seconds) || seconds > 1e7) {
        throw po::error("--timeout '" + text + "' must be a whole number of seconds (0: no limit)");
    }
    return std::chrono::seconds(static_cast<long long>(seconds));
}

} // namespace glia::cli
