#include "start/known_problems.hpp"

#include "store/cache.hpp"
#include "base/error.hpp"
#include "base/hash.hpp"
#include "base/remedy.hpp"

#include <map>
#include <sstream>

namespace glia {

namespace {

// 2: problems are told apart by glia's fast Hasher (a memo of what was printed, no security check; 1 used
// SHA-256, whose library a start then had to load). A file of version 1 is read as none: printed once more.
constexpr const char* kHeader = "glia-known-problems 2";
constexpr int64_t kForgetAfter = 30 * 24 * 3600;

} // namespace

fs::path known_problems_path() { return xdg_dir("XDG_STATE_HOME", ".local/state") / "glia" / "known-problems"; }

ProblemReport sort_out_problems(const std::vector<Diagnostic>& problems, const fs::path& file, int64_t now,
                                bool record) {
    if (problems.empty()) {
        return {}; // the usual start: the file is not even opened
    }
    std::map<std::string, int64_t> seen; // hash -> last start that met it
    bool readable = true;
    try {
        std::istringstream in(read_file(file));
        std::string line;
        if (std::getline(in, line) && line == kHeader) {
            std::string hash;
            int64_t when = 0;
            while (in >> hash >> when) {
                if (now - when < kForgetAfter) {
                    seen[hash] = when;
                }
            }
        }
    } catch (const Error&) {
        readable = !fs::exists(file); // none yet is fine; one we cannot read means we cannot tell
    }
    ProblemReport report;
    for (const auto& problem : problems) {
        std::string hash =
            Hasher().field("problem", std::string(severity_name(problem.severity)) + ": " + problem.plain()).hex();
        if (readable && seen.count(hash)) {
            ++report.known;
        } else {
            report.fresh.push_back(problem);
        }
        seen[hash] = now;
    }
    if (record) {
        std::string out = std::string(kHeader) + "\n";
        for (const auto& [hash, when] : seen) {
            out += hash + " " + std::to_string(when) + "\n";
        }
        try {
            make_dirs(file.parent_path(), cache_advice());
            write_file_atomic(file, out);
        } catch (const std::exception&) {
            // Then they are printed in full again next time: nothing is lost.
        }
    }
    return report;
}

Message known_problems_line(size_t known) {
    return std::to_string(known) + (known == 1 ? " known problem" : " known problems") +
           ", unchanged since an earlier start, not repeated ('" + Remedy{Remedy::Kind::build} + "' lists them all)";
}

} // namespace glia
