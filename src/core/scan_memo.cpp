#include "glia/scan_memo.hpp"

#include "glia/cache.hpp"
#include "glia/error.hpp"
#include "glia/text.hpp"

#include "record_text.hpp"

#include <algorithm>

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

// Checks the `scan` record `line` and reads its path, time and stamp. False if it is none.
bool check_record(std::string_view line, std::string_view& path, int64_t& recorded_ns, FileStamp& stamp) {
    std::array<std::string_view, 14> f;
    int kind = 0;
    size_t name_offset = 0;
    int name_line = 0;
    if (!record::fields_exactly(line, f) || (f[13] != "0" && f[13] != "1") || f[0] != "scan" ||
        !record::number(f[2], recorded_ns) || !FileStamp::parse(f[3], stamp) || !record::number(f[4], kind) ||
        kind < 0 || kind > int(MechanismKind::nothing) || !record::number(f[6], name_offset) ||
        !record::number(f[7], name_line)) {
        return false;
    }
    path = f[1];
    return true;
}

// The scan in a record that check_record accepted (its time and stamp are not read again).
NmodlInfo scan_of(std::string_view record) {
    std::array<std::string_view, 14> f;
    record::fields_exactly(record, f);
    NmodlInfo info{MechanismKind::density, std::string(f[5]), 0, 0, split_list(f[8]), split_list(f[11]),
                   split_list(f[12]), f[13] == "1", split_list(f[9]), split_list(f[10])};
    int kind = 0;
    record::number(f[4], kind);
    info.kind = MechanismKind(kind);
    record::number(f[6], info.name_offset);
    record::number(f[7], info.line);
    return info;
}

std::string record_of(std::string_view path, int64_t recorded_ns, const FileStamp& stamp, const NmodlInfo& info) {
    return "scan\t" + std::string(path) + "\t" + std::to_string(recorded_ns) + "\t" + stamp.text() + "\t" +
           std::to_string(int(info.kind)) + "\t" + info.name + "\t" + std::to_string(info.name_offset) + "\t" +
           std::to_string(info.line) + "\t" + join_list(info.ions) + "\t" + join_list(info.functions) + "\t" +
           join_list(info.includes) + "\t" + join_list(info.writes) + "\t" + join_list(info.nonspecific_currents) +
           "\t" + (info.net_receive ? "1" : "0");
}

} // namespace

fs::path scan_memo_path(const fs::path& root) { return root / "scans"; }

ScanMemo ScanMemo::load(const fs::path& file) {
    ScanMemo memo;
    auto text = std::make_unique<std::string>();
    try {
        *text = read_file(file);
    } catch (const Error&) {
        return memo; // none yet
    }
    record::Lines lines(*text);
    std::string_view line;
    if (!lines.next(line) || line != kHeader) {
        return memo;
    }
    ScanMemo parsed;
    while (lines.next(line)) {
        Entry entry;
        std::string_view path;
        if (!check_record(line, path, entry.recorded_ns, entry.stamp)) {
            return memo;
        }
        entry.record = line;
        parsed.entries_.insert_or_assign(path, std::move(entry));
    }
    if (!lines.complete()) {
        return memo;
    }
    parsed.text_ = std::move(text); // the records point into it: its characters stay where they are
    return parsed;
}

ScanMemo::Entry* ScanMemo::vouched(const std::string& path, const FileStamp& now) {
    auto it = entries_.find(path);
    if (it == entries_.end() || !now.exists || !it->second.stamp.vouches(it->second.recorded_ns, now)) {
        ++misses_;
        return nullptr;
    }
    it->second.used = true;
    return &it->second;
}

const NmodlInfo* ScanMemo::find(const std::string& path, const FileStamp& now) {
    Entry* entry = vouched(path, now);
    if (entry && !entry->info) {
        entry->info = std::make_unique<NmodlInfo>(scan_of(entry->record));
    }
    return entry ? entry->info.get() : nullptr;
}

std::optional<NmodlInfo> ScanMemo::take(const std::string& path, const FileStamp& now) {
    Entry* entry = vouched(path, now);
    if (!entry || entry->info) {
        return entry ? std::optional<NmodlInfo>(*entry->info) : std::nullopt; // one put: kept for saving
    }
    return scan_of(entry->record); // its record is what gets saved
}

void ScanMemo::put(const std::string& path, const FileStamp& stamp, int64_t recorded_ns, NmodlInfo info) {
    if (!stamp.exists || !record::fits(path) || !record::fits(info.name) || !fits_all(info.ions) ||
        !fits_all(info.functions) || !fits_all(info.includes) || !fits_all(info.writes) ||
        !fits_all(info.nonspecific_currents)) {
        return;
    }
    auto it = entries_.find(path);
    if (it == entries_.end()) {
        it = entries_.emplace(put_paths_.emplace_back(path), Entry{}).first;
    }
    Entry& entry = it->second;
    entry.recorded_ns = recorded_ns;
    entry.stamp = stamp;
    entry.record = {};
    entry.used = true;
    if (entry.info) {
        *entry.info = std::move(info); // in place: a scan `find` handed out stays valid
    } else {
        entry.info = std::make_unique<NmodlInfo>(std::move(info));
    }
    changed_ = true;
}

void ScanMemo::save_if_changed(const fs::path& file) const {
    if (!changed_) {
        return;
    }
    std::vector<std::pair<std::string_view, const Entry*>> kept;
    for (const auto& [path, e] : entries_) {
        if (e.used || FileStamp::of(std::string(path)) == e.stamp) {
            kept.emplace_back(path, &e); // not a file changed or gone since, in some other environment
        }
    }
    std::sort(kept.begin(), kept.end());
    std::string out = std::string(kHeader) + "\n";
    for (const auto& [path, e] : kept) {
        out += e->record.empty() ? record_of(path, e->recorded_ns, e->stamp, *e->info) : std::string(e->record);
        out += "\n";
    }
    try {
        make_dirs(file.parent_path());
        write_file_atomic(file, out);
    } catch (const std::exception&) {
        // Only a shortcut: the next run reads the mods again.
    }
}

} // namespace glia
