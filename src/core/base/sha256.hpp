#pragma once
/// \file
/// SHA-256 (OpenSSL's libcrypto, opened on first use) for lock files, which are a security artefact:
/// a lock must not be satisfiable by a crafted collision. Fields are framed as in Hasher (tagged, length-prefixed).
/// The build cache keeps its own faster non-cryptographic Hasher (base/hash.hpp).

#include <memory>
#include <string>
#include <string_view>

namespace glia {

/// An incremental SHA-256, printed as 64 lowercase hex digits.
class Sha256 {
  public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    /// Adds raw bytes.
    Sha256& bytes(std::string_view data);
    /// Adds one named field, framed like Hasher::field.
    Sha256& field(std::string_view tag, std::string_view data);
    /// The digest of everything added; the hasher cannot be used afterwards.
    std::string hex();

  private:
    struct Context;
    std::unique_ptr<Context> context_;
};

/// The SHA-256 of `data`, as 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);

} // namespace glia
