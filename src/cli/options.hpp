#pragma once
// Parsing one subcommand's options with Boost.ProgramOptions, with a uniform --help.

#include "commands.hpp"

#include <boost/program_options.hpp>

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

} // namespace glia::cli
