#include "build/build_events.hpp"

namespace glia {

BuildObserver& silent_observer() {
    static BuildObserver silent;
    return silent;
}

std::string shown_name(const ModFile& mod) {
    return mod.own_name ? mod.path.filename().string() : mod.name.pretty();
}

std::string progress_line(const ModFile& mod, size_t done, size_t total, bool ok) {
    return "[" + std::to_string(done) + "/" + std::to_string(total) + "] " + shown_name(mod) + (ok ? "" : " FAILED");
}

std::string warning_line(const std::string& rendered) { return "warning: " + rendered; }

} // namespace glia
