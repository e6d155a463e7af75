#include "base/containment.hpp"

namespace glia {

bool lies_in(const fs::path& inner, const fs::path& outer) {
    auto i = inner.begin();
    for (auto o = outer.begin(); o != outer.end(); ++o, ++i) {
        if (i == inner.end() || *i != *o) {
            return false;
        }
    }
    return true;
}

bool resolves_within(const fs::path& path, const fs::path& root) {
    boost::system::error_code ec_path, ec_root;
    fs::path target = fs::canonical(path, ec_path);
    fs::path base = fs::canonical(root, ec_root);
    return !ec_path && !ec_root && lies_in(target, base);
}

bool paths_overlap(const fs::path& a, const fs::path& b) {
    boost::system::error_code ec_a, ec_b;
    fs::path ca = fs::weakly_canonical(fs::absolute(a), ec_a);
    fs::path cb = fs::weakly_canonical(fs::absolute(b), ec_b);
    return !ec_a && !ec_b && (lies_in(ca, cb) || lies_in(cb, ca));
}

} // namespace glia
