#include "packages/scan_memo.hpp"

#include "store/cache.hpp"
#include "base/error.hpp"
#include "base/text.hpp"

#include "base/record_text.hpp"

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

// The fields of a `scan` record, in the order of the grammar above: one list for reading and writing.
enum Field : size_t {
    kTag, kPath, kRecordedNs, kStamp, kKind, kName, kNameOffset, kLine, kIons, kFunctions, kIncludes, kWrites,
    kNonspecificCurrents, kNetReceive, kFieldCount
};
using Fields = std::array<std::string_view, kFieldCount>;

bool fits_all(const std::vector<std::string>& items) {
    for (const auto& item : items) {
        if (item.empty() || !record::fits(item)) {
            return false;
        }
    }
    return true;
}

// Checks the `scan` record `line`, split into `f`, and reads its path, time and stamp. False if it is none.
bool check_record(std::string_view line, Fields& f, std::string_view& path, int64_t& recorded_ns, FileStamp& stamp) {
    int kind = 0;
    size_t name_offset = 0;
    int name_line = 0;
    if (!record::fields_exactly(line, f) || (f[kNetReceive] != "0" && f[kNetReceive] != "1") || f[kTag] != "scan" ||
        !record::number(f[kRecordedNs], recorded_ns) || !FileStamp::parse(f[kStamp], stamp) ||
        !record::number(f[kKind], kind) || kind < 0 || kind > int(MechanismKind::nothing) ||
        !record::number(f[kNameOffset], name_offset) || !record::number(f[kLine], name_line)) {
        return false;
    }
    path = f[kPath];
    return true;
}

// The scan in the fields of a record that check_record accepted (its time and stamp are not read again).
NmodlInfo scan_of(const Fields& f) {
    NmodlInfo info;
    int kind = 0;
    record::number(f[kKind], kind);
    info.kind = MechanismKind(kind);
    info.name = f[kName];
    record::number(f[kNameOffset], info.name_offset);
    record::number(f[kLine], info.line);
    info.ions = split_list(f[kIons]);
    info.writes = split_list(f[kWrites]);
    info.nonspecific_currents = split_list(f[kNonspecificCurrents]);
    info.net_receive = f[kNetReceive] == "1";
    info.functions = split_list(f[kFunctions]);
    info.includes = split_list(f[kIncludes]);
    return info;
}

NmodlInfo scan_of(std::string_view record) {
    Fields f;
    record::fields_exactly(record, f);
    return scan_of(f);
}

std::string record_of(std::string_view path, int64_t recorded_ns, const FileStamp& stamp, const NmodlInfo& info) {
    std::array<std::string, kFieldCount> f;
    f[kTag] = "scan";
    f[kPath] = path;
    f[kRecordedNs] = std::to_string(recorded_ns);
    f[kStamp] = stamp.text();
    f[kKind] = std::to_string(int(info.kind));
    f[kName] = info.name;
    f[kNameOffset] = std::to_string(info.name_offset);
    f[kLine] = std::to_string(info.line);
    f[kIons] = join_list(info.ions);
    f[kFunctions] = join_list(info.functions);
    f[kIncludes] = join_list(info.includes);
    f[kWrites] = join_list(info.writes);
    f[kNonspecificCurrents] = join_list(info.nonspecific_currents);
    f[kNetReceive] = info.net_receive ? "1" : "0";
    std::string line = f[0];
    for (size_t i = 1; i < kFieldCount; ++i) {
        line += '\t' + f[i];
    }
    return line;
}

// True if `path` and `info` can be written as a record (no TAB or newline, no empty list item).
bool writable(std::string_view path, const NmodlInfo& info) {
    return record::fits(path) && record::fits(info.name) && fits_all(info.ions) && fits_all(info.functions) &&
           fits_all(info.includes) && fits_all(info.writes) && fits_all(info.nonspecific_currents);
}

} // namespace

std::string scan_record(std::string_view path, int64_t recorded_ns, const FileStamp& stamp, const NmodlInfo& info) {
    return writable(path, info) ? record_of(path, recorded_ns, stamp, info) : std::string();
}

bool read_scan_record(std::string_view line, std::string_view& path, int64_t& recorded_ns, FileStamp& stamp,
                      NmodlInfo& info) {
    Fields f;
    if (!check_record(line, f, path, recorded_ns, stamp)) {
        return false;
    }
    info = scan_of(f);
    return true;
}

fs::path scan_memo_path(const fs::path& root) { return root / "scans"; }

const CacheFormat& scan_memo_format() {
    static const CacheFile format("scans", "glia-scans");
    return format;
}

ScanMemo ScanMemo::load(const fs::path& file) {
    ScanMemo memo;
    auto text = std::make_unique<std::string>(read_memo_text(file));
    record::Lines lines(*text);
    std::string_view line;
    if (!lines.next(line) || line != kHeader) {
        return memo;
    }
    ScanMemo parsed;
    while (lines.next(line)) {
        Entry entry;
        std::string_view path;
        Fields f;
        if (!check_record(line, f, path, entry.recorded_ns, entry.stamp)) {
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
    if (!stamp.exists || !writable(path, info)) {
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
        make_dirs(file.parent_path(), cache_advice());
        write_file_atomic(file, out);
    } catch (const std::exception&) {
        // Only a shortcut: the next run reads the mods again.
    }
}

} // namespace glia
