#include "build/failure_memo.hpp"

#include "store/cache.hpp"
#include "base/error.hpp"
#include "base/fs.hpp"

namespace glia {

namespace {

// Then one record per failure: "failure\t<key>\t<stage>\t<bytes>\n", the message's bytes, "\n".
constexpr std::string_view kHeader = "glia-failures 1\n";

bool remembered_stage(const std::string& stage) { return stage == "translate" || stage == "compile"; }

// The stage of a set library's failure: never a mod's, so find() never reports it for one.
constexpr const char* kLoadSetStage = "load-set";

} // namespace

fs::path failure_memo_path(const fs::path& root) { return root / "failures"; }

const CacheFormat& failure_memo_format() {
    static const CacheFile format("failures", "glia-failures");
    return format;
}

FailureMemo FailureMemo::load(const fs::path& file) {
    FailureMemo memo;
    std::string text = read_memo_text(file); // none yet: the usual case
    if (!text.starts_with(kHeader)) {
        return memo;
    }
    FailureMemo parsed;
    for (size_t at = kHeader.size(); at < text.size();) {
        size_t end = text.find('\n', at);
        if (end == std::string::npos) {
            return memo;
        }
        size_t tab1 = text.find('\t', at);
        size_t tab2 = tab1 < end ? text.find('\t', tab1 + 1) : end;
        size_t tab3 = tab2 < end ? text.find('\t', tab2 + 1) : end;
        if (tab3 >= end || text.compare(at, tab1 - at, "failure") != 0) {
            return memo;
        }
        size_t bytes = 0;
        try {
            bytes = std::stoul(text.substr(tab3 + 1, end - tab3 - 1));
        } catch (const std::exception&) {
            return memo;
        }
        if (end + 1 + bytes + 1 > text.size() || text[end + 1 + bytes] != '\n') {
            return memo; // cut short
        }
        std::string stage = text.substr(tab2 + 1, tab3 - tab2 - 1);
        parsed.failures_[text.substr(tab1 + 1, tab2 - tab1 - 1)] = {stage, text.substr(end + 1, bytes)};
        at = end + 1 + bytes + 1;
    }
    return parsed;
}

std::optional<ModFailure> FailureMemo::find(const std::string& key, const ModFile& mod) const {
    auto known = failures_.find(key);
    if (known == failures_.end() || !remembered_stage(known->second.first)) {
        return std::nullopt;
    }
    return ModFailure{mod.name, mod.path, known->second.first, known->second.second};
}

void FailureMemo::put(const std::string& key, const ModFailure& failure) {
    if (remembered_stage(failure.stage)) {
        failures_[key] = {failure.stage, failure.message.plain()}; // the tools' output: no remedies
        changed_ = true;
    }
}

void FailureMemo::put_load_set(const std::string& key, const std::string& message) {
    failures_[key] = {kLoadSetStage, message};
    changed_ = true;
}

bool FailureMemo::load_set_failed(const std::string& key) const {
    auto known = failures_.find(key);
    return known != failures_.end() && known->second.first == kLoadSetStage;
}

void FailureMemo::forget(const std::string& key) { changed_ = failures_.erase(key) > 0 || changed_; }

void FailureMemo::save_if_changed(const fs::path& file) const {
    if (!changed_) {
        return;
    }
    std::string out(kHeader);
    for (const auto& [key, failure] : failures_) {
        out += "failure\t" + key + "\t" + failure.first + "\t" + std::to_string(failure.second.size()) + "\n" +
               failure.second + "\n";
    }
    try {
        write_file_atomic(file, out);
    } catch (const std::exception&) {
        // Then the next start runs the tools again: slower, nothing lost.
    }
}

} // namespace glia
