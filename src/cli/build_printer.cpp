#include "build_printer.hpp"

#include "advice.hpp"

#include "base/process.hpp"

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <unistd.h>

namespace glia::cli {

BuildPrinter::BuildPrinter() {
    const char* term = std::getenv("TERM");
    smart_ = ::isatty(STDOUT_FILENO) && term && std::strcmp(term, "dumb") != 0;
}

void BuildPrinter::mod_finished(const ModFile& mod, size_t done, size_t total, bool ok) {
    std::string line = progress_line(mod, done, total, ok);
    if (smart_) {
        std::cout << "\r" << line << "\x1b[K" << std::flush;
        pending_ = true;
    } else {
        std::cout << line << std::endl;
    }
}

void BuildPrinter::command(const std::vector<std::string>& argv) { message(command_line(argv)); }

void BuildPrinter::warning(const BuildWarning& warning) { message(warning_line(advice::render(warning))); }

void BuildPrinter::note(const Message& text) { message(advice::render(text)); }

void BuildPrinter::finish() {
    if (pending_) {
        std::cout << std::endl;
        pending_ = false;
    }
}

void BuildPrinter::message(const std::string& line) {
    finish();
    std::cout << line << std::endl;
}

} // namespace glia::cli
