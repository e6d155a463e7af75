#include "build/elf_groups.hpp"

#include "base/error.hpp"
#include "base/hash.hpp"

#include <cstring>
#include <elf.h>
#include <functional>
#include <vector>

namespace glia {

namespace {

// A relocatable object's section headers over its bytes; every read is checked against its size.
struct ElfObject {
    const std::string& data;
    const fs::path& file;
    Elf64_Ehdr header{};
    std::vector<Elf64_Shdr> sections;

    Error bad() const { return Error(file.string() + " is not a whole 64-bit ELF object"); }

    // The bytes of `section`; none for a section that takes no space in the file (.bss).
    std::string_view bytes(const Elf64_Shdr& section) const {
        if (section.sh_type == SHT_NOBITS) {
            return {};
        }
        if (section.sh_offset > data.size() || section.sh_size > data.size() - section.sh_offset) {
            throw bad();
        }
        return std::string_view(data).substr(section.sh_offset, section.sh_size);
    }

    const Elf64_Shdr& section(uint64_t index) const {
        if (index >= sections.size()) {
            throw bad();
        }
        return sections[index];
    }

    // The NUL-terminated string at `offset` of string table `table`.
    std::string_view string_in(uint64_t table, uint64_t offset) const {
        std::string_view text = bytes(section(table));
        if (offset >= text.size()) {
            throw bad();
        }
        text = text.substr(offset);
        return text.substr(0, text.find('\0'));
    }

    std::string_view section_name(uint64_t index) const { return string_in(header.e_shstrndx, section(index).sh_name); }

    // The symbols of symbol table `table` (entry 0, the null symbol, included so indexes match).
    std::vector<Elf64_Sym> symbols(uint64_t table) const {
        std::string_view raw = bytes(section(table));
        std::vector<Elf64_Sym> list(raw.size() / sizeof(Elf64_Sym));
        std::memcpy(list.data(), raw.data(), list.size() * sizeof(Elf64_Sym));
        return list;
    }
};

ElfObject read_object(const std::string& data, const fs::path& file) {
    ElfObject object{data, file, {}, {}};
    if (data.size() < sizeof object.header) {
        throw object.bad();
    }
    std::memcpy(&object.header, data.data(), sizeof object.header);
    const Elf64_Ehdr& h = object.header;
    if (std::memcmp(h.e_ident, ELFMAG, SELFMAG) != 0 || h.e_ident[EI_CLASS] != ELFCLASS64 ||
        h.e_shentsize != sizeof(Elf64_Shdr) || h.e_shoff > data.size() ||
        uint64_t(h.e_shnum) * sizeof(Elf64_Shdr) > data.size() - h.e_shoff || h.e_shstrndx >= h.e_shnum) {
        throw object.bad();
    }
    object.sections.resize(h.e_shnum);
    std::memcpy(object.sections.data(), data.data() + h.e_shoff, object.sections.size() * sizeof(Elf64_Shdr));
    return object;
}

bool is_relocations(const Elf64_Shdr& section) { return section.sh_type == SHT_REL || section.sh_type == SHT_RELA; }

// The object's section groups, found in one pass over its sections.
struct Groups {
    std::vector<uint64_t> group_of; // for each section, the index of its group's section; 0 for none
    std::map<uint64_t, std::vector<uint64_t>> members;     // each group's sections but relocations, in order
    std::map<uint64_t, std::vector<uint64_t>> relocations; // the relocation sections that apply to its members
};

Groups find_groups(const ElfObject& object) {
    Groups groups;
    groups.group_of.assign(object.sections.size(), 0);
    for (uint64_t g = 0; g < object.sections.size(); ++g) {
        if (object.sections[g].sh_type != SHT_GROUP) {
            continue;
        }
        std::string_view words = object.bytes(object.sections[g]);
        for (size_t at = sizeof(Elf32_Word); at + sizeof(Elf32_Word) <= words.size(); at += sizeof(Elf32_Word)) {
            Elf32_Word member = 0;
            std::memcpy(&member, words.data() + at, sizeof member);
            if (member >= groups.group_of.size()) {
                throw object.bad();
            }
            groups.group_of[member] = g;
        }
    }
    for (uint64_t s = 0; s < object.sections.size(); ++s) {
        const Elf64_Shdr& section = object.sections[s];
        if (groups.group_of[s] != 0 && !is_relocations(section)) {
            groups.members[groups.group_of[s]].push_back(s);
        }
        bool applies_to_group = section.sh_info < groups.group_of.size() && groups.group_of[section.sh_info] != 0;
        if (is_relocations(section) && applies_to_group) {
            groups.relocations[groups.group_of[section.sh_info]].push_back(s);
        }
    }
    return groups;
}

// The bytes that define local symbol `symbol` outside the group: a section's whole contents for a
// section symbol, an object's own bytes when it has a size, a string literal up to its NUL.
std::string_view defining_bytes(const ElfObject& object, const Elf64_Sym& symbol) {
    const Elf64_Shdr& home = object.section(symbol.st_shndx);
    std::string_view bytes = object.bytes(home);
    if (ELF64_ST_TYPE(symbol.st_info) == STT_SECTION || bytes.empty()) {
        return bytes;
    }
    if (symbol.st_value > bytes.size()) {
        throw object.bad();
    }
    bytes = bytes.substr(symbol.st_value);
    if (symbol.st_size > 0) {
        return bytes.substr(0, symbol.st_size);
    }
    return (home.sh_flags & SHF_STRINGS) ? bytes.substr(0, bytes.find('\0')) : bytes;
}

// Adds to `h` the relocations of relocation section `table` (REL or RELA), which applies to a member.
void add_relocations(Hasher& h, const ElfObject& object, const Elf64_Shdr& table, const std::vector<uint64_t>& group_of,
                     uint64_t group) {
    std::vector<Elf64_Sym> symbols = object.symbols(table.sh_link);
    uint64_t strings = object.section(table.sh_link).sh_link;
    bool with_addend = table.sh_type == SHT_RELA;
    size_t entry = with_addend ? sizeof(Elf64_Rela) : sizeof(Elf64_Rel);
    std::string_view raw = object.bytes(table);
    h.field("relocations of", object.section_name(table.sh_info));
    for (size_t at = 0; at + entry <= raw.size(); at += entry) {
        Elf64_Rela r{};
        std::memcpy(&r, raw.data() + at, entry);
        uint64_t index = ELF64_R_SYM(r.r_info);
        if (index >= symbols.size()) {
            throw object.bad();
        }
        const Elf64_Sym& target = symbols[index];
        bool section_symbol = ELF64_ST_TYPE(target.st_info) == STT_SECTION;
        h.field("offset", std::to_string(r.r_offset)).field("type", std::to_string(ELF64_R_TYPE(r.r_info)));
        h.field("addend", std::to_string(with_addend ? r.r_addend : 0));
        h.field("target", section_symbol ? object.section_name(target.st_shndx) : object.string_in(strings, target.st_name));
        bool defined_here = target.st_shndx != SHN_UNDEF && target.st_shndx < SHN_LORESERVE;
        if (defined_here && ELF64_ST_BIND(target.st_info) == STB_LOCAL && group_of.at(target.st_shndx) != group) {
            h.field("defined as", defining_bytes(object, target));
        }
    }
}

// The fingerprint of group section `group`: its members' contents, then the relocations that apply to them.
std::string group_fingerprint(const ElfObject& object, const Groups& groups, uint64_t group) {
    Hasher h;
    if (auto members = groups.members.find(group); members != groups.members.end()) {
        for (uint64_t s : members->second) {
            const Elf64_Shdr& member = object.sections[s];
            h.field("section", object.section_name(s)).field("type", std::to_string(member.sh_type));
            h.field("flags", std::to_string(member.sh_flags)).field("size", std::to_string(member.sh_size));
            h.field("bytes", object.bytes(member));
        }
    }
    if (auto tables = groups.relocations.find(group); tables != groups.relocations.end()) {
        for (uint64_t t : tables->second) {
            add_relocations(h, object, object.sections[t], groups.group_of, group);
        }
    }
    return h.hex();
}

// Calls `each(name, group)` for every global symbol the object defines in a section of a group.
void for_each_group_symbol(const ElfObject& object, const Groups& groups,
                           const std::function<void(std::string_view, uint64_t)>& each) {
    for (uint64_t t = 0; t < object.sections.size(); ++t) {
        if (object.sections[t].sh_type != SHT_SYMTAB) {
            continue;
        }
        uint64_t strings = object.sections[t].sh_link;
        std::vector<Elf64_Sym> symbols = object.symbols(t);
        for (size_t i = 1; i < symbols.size(); ++i) {
            const Elf64_Sym& symbol = symbols[i];
            if (ELF64_ST_BIND(symbol.st_info) == STB_LOCAL || symbol.st_shndx == SHN_UNDEF ||
                symbol.st_shndx >= groups.group_of.size() || groups.group_of[symbol.st_shndx] == 0) {
                continue;
            }
            each(object.string_in(strings, symbol.st_name), groups.group_of[symbol.st_shndx]);
        }
    }
}

} // namespace

std::vector<std::string> group_symbols(const std::string& data, const fs::path& file) {
    ElfObject object = read_object(data, file);
    std::vector<std::string> names;
    for_each_group_symbol(object, find_groups(object), [&](std::string_view name, uint64_t) { names.emplace_back(name); });
    return names;
}

std::map<std::string, std::string> group_definitions(const std::string& data, const fs::path& file) {
    ElfObject object = read_object(data, file);
    Groups groups = find_groups(object);
    std::map<uint64_t, std::string> fingerprints; // by group, each made once
    std::map<std::string, std::string> definitions;
    for_each_group_symbol(object, groups, [&](std::string_view name, uint64_t group) {
        auto [at, fresh] = fingerprints.try_emplace(group);
        if (fresh) {
            at->second = group_fingerprint(object, groups, group);
        }
        definitions[std::string(name)] = at->second;
    });
    return definitions;
}

} // namespace glia
