#include "base/sha256.hpp"

#include "base/error.hpp"
#include "base/hash.hpp"

#include <dlfcn.h>
#include <openssl/evp.h>

#ifndef GLIA_LIBCRYPTO_SONAME
#error "the build names OpenSSL's libcrypto (GLIA_LIBCRYPTO_SONAME, meson.build)"
#endif

namespace glia {

namespace {

/// OpenSSL's digest functions, found in libcrypto when the first SHA-256 is made. libcrypto is opened
/// then, not linked: it was the largest part of glia's fixed start-up cost in NEURON (about 21,000
/// relocations and 400 KB of data written at every load), and a start needs it only to check a lock file.
struct Crypto {
    EVP_MD_CTX* (*ctx_new)() = nullptr;
    void (*ctx_free)(EVP_MD_CTX*) = nullptr;
    const EVP_MD* (*sha256)() = nullptr;
    int (*init)(EVP_MD_CTX*, const EVP_MD*, ENGINE*) = nullptr;
    int (*update)(EVP_MD_CTX*, const void*, size_t) = nullptr;
    int (*final)(EVP_MD_CTX*, unsigned char*, unsigned int*) = nullptr;
};

template <class F> void find(void* library, const char* name, F*& function) {
    function = reinterpret_cast<F*>(dlsym(library, name));
    if (!function) {
        throw Error(std::string("OpenSSL's " GLIA_LIBCRYPTO_SONAME " has no ") + name +
                            "; reinstall OpenSSL (Debian: libssl3)");
    }
}

Crypto open_crypto() {
    void* library = dlopen(GLIA_LIBCRYPTO_SONAME, RTLD_NOW | RTLD_LOCAL); // kept open: never closed
    if (!library) {
        throw Error(std::string("cannot load OpenSSL for SHA-256: ") + dlerror() +
                            "; install OpenSSL's library (Debian: libssl3)");
    }
    Crypto c;
    find(library, "EVP_MD_CTX_new", c.ctx_new);
    find(library, "EVP_MD_CTX_free", c.ctx_free);
    find(library, "EVP_sha256", c.sha256);
    find(library, "EVP_DigestInit_ex", c.init);
    find(library, "EVP_DigestUpdate", c.update);
    find(library, "EVP_DigestFinal_ex", c.final);
    return c;
}

const Crypto& crypto() {
    static const Crypto c = open_crypto(); // thread-safe once; a failure throws and is retried next time
    return c;
}

} // namespace

struct Sha256::Context {
    EVP_MD_CTX* ctx = crypto().ctx_new();
    ~Context() { crypto().ctx_free(ctx); }
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
    if (!context_->ctx || crypto().init(context_->ctx, crypto().sha256(), nullptr) != 1) {
        throw InternalError("OpenSSL could not start a SHA-256 digest");
    }
}

Sha256::~Sha256() = default;

Sha256& Sha256::bytes(std::string_view data) {
    if (crypto().update(context_->ctx, data.data(), data.size()) != 1) {
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
    if (crypto().final(context_->ctx, digest, &size) != 1) {
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
