#include "base/hash.hpp"

#include <cstdio>

namespace glia {

namespace {
uint64_t mix(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}
} // namespace

void Hasher::bytes(std::string_view data) {
    // Lane a is FNV-1a; lane b multiplies by a different odd constant after a rotation,
    // so a collision would have to happen in both at once.
    for (unsigned char c : data) {
        a_ = (a_ ^ c) * 0x100000001b3ull;
        b_ = ((b_ << 5 | b_ >> 59) ^ c) * 0x9e3779b97f4a7c15ull;
    }
}

std::string field_length(std::string_view data) { return ":" + std::to_string(data.size()) + ":"; }

Hasher& Hasher::field(std::string_view tag, std::string_view data) {
    bytes(tag);
    bytes(field_length(data));
    bytes(data);
    return *this;
}

std::string Hasher::hex() const {
    char text[33];
    std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(mix(a_)),
                  static_cast<unsigned long long>(mix(b_ ^ a_)));
    return text;
}

} // namespace glia
