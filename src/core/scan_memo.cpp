#include "glia/scan_memo.hpp"

#include "glia/cache.hpp"
#include "glia/error.hpp"
#include "glia/text.hpp"

#include "record_text.hpp"

// One record per line, fields separated by TAB (record_text.hpp); lists joined by US (0x1f):
//
//   memo   := "glia-scans" TAB version NL scan*
//   scan   := "scan" TAB path TAB recorded_ns TAB stamp TAB kind TAB name TAB name_offset TAB line
//             TAB ions TAB functions TAB includes TAB writes TAB nonspecific_currents
//             TAB net_receive NL
//
// Entries whose path, names or includes cannot be written this way are simply not remembered.

namespace glia {

namespace {

constexpr const char* kHeader = "glia-scans\t2"; // 2: writes, nonspecific currents, NET_RECEIVE
constexpr char kListSeparator = '\x1f';

std::string join_list(const std::vector<std::string>& items) {
    return join(items, std::string_view(&kListSeparator, 1));
}

std::vector<std::string> split_list(std::string_view text) {
    return text.empty() ? std::vector<std::string>() : split(text, kListSeparator);
}

bool fits_all(const std::vector<std::string>& items) {
    for (const auto& item : items) {
        if (item.empty() || !record::fits(item)) {
            return false;
        }
    }
    return true;
}

} // namespace

fs::path scan_memo_path(const fs::path& root) { return root / "scans"; }

ScanMemo ScanMemo::load(const fs::path& file) {
    ScanMemo memo;
    std::string text;
    try {
        text = read_file(file);
    } catch (const Error&) {
        return memo; // none yet
    }
    record::Lines lines(text);
    std::string_view line;
    if (!lines.next(line) || line != kHeader) {
        return memo;
    }
    ScanMemo parsed;
    while (lines.next(line)) {
        auto f = record::fields(line);
        Entry entry;
        int kind = 0;
        if (f.size() != 14 || (f[13] != "0" && f[13] != "1") || f[0] != "scan" || !record::number(f[2], entry.recorded_ns) ||
            !FileStamp::parse(f[3], entry.stamp) || !record::number(f[4], kind) || kind < 0 ||
            kind > int(MechanismKind::nothing) || !record::number(f[6], entry.info.name_offset) ||
            !record::number(f[7], entry.info.line)) {
            return memo;
        }
        entry.info.kind = MechanismKind(kind);
        entry.info.name = f[5];
        entry.info.ions = split_list(f[8]);
        entry.info.functions = split_list(f[9]);
        entry.info.includes = split_list(f[10]);
        entry.info.writes = split_list(f[11]);
        entry.info.nonspecific_currents = split_list(f[12]);
        entry.info.net_receive = f[13] == "1";
        parsed.entries_[std::string(f[1])] = std::move(entry);
    }
    if (!lines.complete()) {
        return memo;
    }
    return parsed; // moved, not copied as a conditional expression would
}

const NmodlInfo* ScanMemo::find(const std::string& path, const FileStamp& now) {
    auto it = entries_.find(path);
    if (it == entries_.end() || !now.exists || !it->second.stamp.vouches(it->second.recorded_ns, now)) {
        ++misses_;
        return nullptr;
    }
    it->second.used = true;
    return &it->second.info;
}

void ScanMemo::put(const std::string& path, const FileStamp& stamp, int64_t recorded_ns, NmodlInfo info) {
    if (!stamp.exists || !record::fits(path) || !record::fits(info.name) || !fits_all(info.ions) ||
        !fits_all(info.functions) || !fits_all(info.includes) || !fits_all(info.writes) ||
        !fits_all(info.nonspecific_currents)) {
        return;
    }
    entries_[path] = Entry{recorded_ns, stamp, std::move(info), true};
    changed_ = true;
}

void ScanMemo::save_if_changed(const fs::path& file) const {
    if (!changed_) {
        return;
    }
    std::string out = std::string(kHeader) + "\n";
    for (const auto& [path, e] : entries_) {
        if (!e.used && !(FileStamp::of(path) == e.stamp)) {
            continue; // a file changed or gone since, in some other environment: forget it
        }
        out += "scan\t" + path + "\t" + std::to_string(e.recorded_ns) + "\t" + e.stamp.text() + "\t" +
               std::to_string(int(e.info.kind)) + "\t" + e.info.name + "\t" + std::to_string(e.info.name_offset) +
               "\t" + std::to_string(e.info.line) + "\t" + join_list(e.info.ions) + "\t" + join_list(e.info.functions) +
               "\t" + join_list(e.info.includes) + "\t" + join_list(e.info.writes) + "\t" +
               join_list(e.info.nonspecific_currents) + "\t" + (e.info.net_receive ? "1" : "0") + "\n";
    }
    try {
        make_dirs(file.parent_path());
        write_file_atomic(file, out);
    } catch (const std::exception&) {
        // Only a shortcut: the next run reads the mods again.
    }
}

} // namespace glia
