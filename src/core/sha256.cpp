#include "glia/sha256.hpp"

#include "glia/error.hpp"
#include "glia/hash.hpp"

#include <openssl/evp.h>

namespace glia {

struct Sha256::Context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
    if (!context_->ctx || EVP_DigestInit_ex(context_->ctx, EVP_sha256(), nullptr) != 1) {
        throw InternalError("OpenSSL could not start a SHA-256 digest");
    }
}

Sha256::~Sha256() = default;

Sha256& Sha256::bytes(std::string_view data) {
    if (EVP_DigestUpdate(context_->ctx, data.data(), data.size()) != 1) {
        throw InternalError("OpenSSL could not hash with SHA-256");
    }
    return *this;
}

Sha256& Sha256::field(std::string_view tag, std::string_view data) {
    return bytes(tag).bytes(field_length(data)).bytes(data);
}

std::string Sha256::hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_DigestFinal_ex(context_->ctx, digest, &size) != 1) {
        throw InternalError("OpenSSL could not finish a SHA-256 digest");
    }
    static const char* digits = "0123456789abcdef";
    std::string text;
    for (unsigned int i = 0; i < size; ++i) {
        text += digits[digest[i] >> 4];
        text += digits[digest[i] & 15];
    }
    return text;
}

std::string sha256_hex(std::string_view data) { return Sha256().bytes(data).hex(); }

} // namespace glia
