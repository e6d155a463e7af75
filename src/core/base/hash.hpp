#pragma once
/// \file
/// Content hashing for cache keys. Each field is tagged and length-prefixed, so fields
/// cannot run together ("ab"+"c" and "a"+"bc" hash differently).

#include <cstdint>
#include <string>
#include <string_view>

namespace glia {

/// The length prefix that frames a field of `data` after its tag (":<size>:"), shared by every hasher.
std::string field_length(std::string_view data);

/// A 128-bit non-cryptographic hash (two independent 64-bit lanes), printed as 32 hex digits: fast
/// cache keys, never a security check (lock files use base/sha256.hpp).
class Hasher {
  public:
    /// Adds one named field.
    Hasher& field(std::string_view tag, std::string_view data);
    /// The digest so far, as lowercase hex.
    std::string hex() const;

  private:
    void bytes(std::string_view data);
    uint64_t a_ = 0xcbf29ce484222325ull;
    uint64_t b_ = 0x84222325cbf29ce4ull;
};

} // namespace glia
