#include "glia/load_set.hpp"

#include "glia/cache.hpp"
#include "glia/failure_memo.hpp"
#include "glia/hash.hpp"
#include "glia/error.hpp"

#include <cstring>
#include <elf.h>

namespace glia {

namespace {

// Bumped whenever the way set libraries are made changes, so old ones are not reused.
constexpr const char* kLoadSetFormat = "glia-load-set-1";
constexpr std::string_view kMembersHeader = "glia-load-set-members 1\n";

// The key of a package library: the name of its folder in the cache (cache.hpp's libs/<key>/).
std::string library_key_of(const PackageLibrary& lib) { return lib.library.parent_path().filename().string(); }

// The libraries that go into the set: those that were built.
std::vector<const PackageLibrary*> members_of(const std::vector<PackageLibrary>& libraries) {
    std::vector<const PackageLibrary*> members;
    for (const auto& lib : libraries) {
        if (!lib.library.empty()) {
            members.push_back(&lib);
        }
    }
    return members;
}

} // namespace

std::string load_set_key(const std::vector<PackageLibrary>& libraries) {
    std::vector<const PackageLibrary*> members = members_of(libraries);
    if (members.size() < 2) {
        return {};
    }
    Hasher h;
    h.field("format", kLoadSetFormat);
    for (const PackageLibrary* lib : members) {
        h.field("package", lib->package).field("library", library_key_of(*lib));
    }
    return h.hex();
}

std::string load_set_members(const std::vector<PackageLibrary>& libraries) {
    std::string text(kMembersHeader);
    for (const PackageLibrary* lib : members_of(libraries)) {
        text += library_key_of(*lib) + "\n";
    }
    return text;
}

std::vector<std::string> read_load_set_members(const fs::path& file) {
    std::string text;
    try {
        text = read_file(file);
    } catch (const std::exception&) {
        return {};
    }
    if (!text.starts_with(kMembersHeader)) {
        return {};
    }
    std::vector<std::string> keys;
    for (size_t at = kMembersHeader.size(); at < text.size();) {
        size_t end = text.find('\n', at);
        if (end == std::string::npos) {
            return {}; // cut short
        }
        keys.push_back(text.substr(at, end - at));
        at = end + 1;
    }
    return keys;
}

LoadSetSteps load_set_steps(const std::vector<PackageLibrary>& libraries, const Toolchain& tc, const fs::path& work,
                            const fs::path& output) {
    LoadSetSteps steps;
    steps.link = tc.link;
    steps.link.insert(steps.link.end(), {"-o", output.string()});
    std::string driver = tc.link.empty() ? std::string("c++") : tc.link.front();
    std::vector<const PackageLibrary*> members = members_of(libraries);
    for (size_t p = 0; p < members.size(); ++p) {
        const PackageLibrary& lib = *members[p];
        LoadSetPart part;
        part.cached = load_set_part_path(lib.library);
        part.object = work / (std::to_string(p) + ".o");
        part.keep_file = work / (std::to_string(p) + ".keep");
        // -d: common symbols get their space now, so that they can be made local like the rest.
        part.partial_link = {driver, "-r", "-nostdlib", "-Wl,-d", "-o", part.object.string()};
        for (const auto& object : lib.objects) {
            part.partial_link.push_back(object.string());
        }
        for (const auto& name : lib.mechanisms) {
            part.registration.push_back(registration_symbol(name.full()));
        }
        part.localize = {"objcopy", "--keep-global-symbols=" + part.keep_file.string(), part.object.string()};
        steps.link.push_back(part.cached.string());
        steps.parts.push_back(std::move(part));
    }
    steps.link.insert(steps.link.end(), tc.libraries.begin(), tc.libraries.end());
    return steps;
}

namespace {

// The names of the global symbols relocatable ELF object `data` defines in sections of a group.
std::vector<std::string> symbols_in_groups(const std::string& data, const fs::path& file) {
    auto bad = [&] { return Error(file.string() + " is not a whole 64-bit ELF object"); };
    Elf64_Ehdr header{};
    if (data.size() < sizeof header) {
        throw bad();
    }
    std::memcpy(&header, data.data(), sizeof header);
    if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 || header.e_ident[EI_CLASS] != ELFCLASS64 ||
        header.e_shentsize != sizeof(Elf64_Shdr) || header.e_shoff + uint64_t(header.e_shnum) * sizeof(Elf64_Shdr) > data.size()) {
        throw bad();
    }
    std::vector<Elf64_Shdr> sections(header.e_shnum);
    std::memcpy(sections.data(), data.data() + header.e_shoff, sections.size() * sizeof(Elf64_Shdr));
    std::vector<std::string> names;
    for (const auto& table : sections) {
        if (table.sh_type != SHT_SYMTAB) {
            continue;
        }
        if (table.sh_link >= sections.size() || table.sh_offset + table.sh_size > data.size()) {
            throw bad();
        }
        const Elf64_Shdr& strings = sections[table.sh_link];
        if (strings.sh_offset + strings.sh_size > data.size()) {
            throw bad();
        }
        std::string_view text(data.data() + strings.sh_offset, strings.sh_size);
        for (uint64_t at = sizeof(Elf64_Sym); at + sizeof(Elf64_Sym) <= table.sh_size; at += sizeof(Elf64_Sym)) {
            Elf64_Sym symbol{};
            std::memcpy(&symbol, data.data() + table.sh_offset + at, sizeof symbol);
            if (ELF64_ST_BIND(symbol.st_info) == STB_LOCAL || symbol.st_shndx == SHN_UNDEF ||
                symbol.st_shndx >= sections.size() || !(sections[symbol.st_shndx].sh_flags & SHF_GROUP) ||
                symbol.st_name >= text.size()) {
                continue;
            }
            std::string_view name = text.substr(symbol.st_name);
            names.emplace_back(name.substr(0, name.find('\0')));
        }
    }
    return names;
}

} // namespace

std::string kept_global(const LoadSetPart& part) {
    std::string keep;
    for (const auto& name : part.registration) {
        keep += name + "\n";
    }
    for (const auto& name : symbols_in_groups(read_file(part.object), part.object)) {
        keep += name + "\n";
    }
    return keep;
}

void give_up_load_set(const fs::path& cache, const fs::path& library, const std::string& why) {
    try {
        CacheLock lock(cache);
        fs::path memo_file = failure_memo_path(cache);
        FailureMemo memo = FailureMemo::load(memo_file);
        memo.put_load_set(library.parent_path().filename().string(), why);
        memo.save_if_changed(memo_file);
        boost::system::error_code ec;
        fs::remove(library, ec);
    } catch (const std::exception&) {
        // A cache this process may not write: the next start tries the set library again, and falls back again.
    }
}

} // namespace glia
