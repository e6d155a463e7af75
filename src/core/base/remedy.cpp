#include "base/remedy.hpp"

#include <array>
#include <utility>

namespace glia {
namespace {

constexpr std::array<std::pair<Remedy::Kind, std::string_view>, 27> kKindNames = {{
    {Remedy::Kind::build, "build"},
    {Remedy::Kind::build_model_folder, "build model folder"},
    {Remedy::Kind::list_packages, "list packages"},
    {Remedy::Kind::show_package, "show package"},
    {Remedy::Kind::choose, "choose"},
    {Remedy::Kind::lock, "lock"},
    {Remedy::Kind::create_package, "create package"},
    {Remedy::Kind::import_folder, "import folder"},
    {Remedy::Kind::add_mod, "add mod"},
    {Remedy::Kind::check_package, "check package"},
    {Remedy::Kind::install, "install"},
    {Remedy::Kind::uninstall, "uninstall"},
    {Remedy::Kind::check_setup, "check setup"},
    {Remedy::Kind::clear_cache, "clear cache"},
    {Remedy::Kind::load_plugin_by_path, "load plugin by path"},
    {Remedy::Kind::compiling_off_setting, "compiling-off setting"},
    {Remedy::Kind::choose_for_script, "choose for script"},
    {Remedy::Kind::open_context, "open context"},
    {Remedy::Kind::close_context, "close context"},
    {Remedy::Kind::reload_preferences, "reload preferences"},
    {Remedy::Kind::package_path_setting, "package path setting"},
    {Remedy::Kind::cache_dir_setting, "cache folder setting"},
    {Remedy::Kind::set_cache_dir, "set cache folder"},
    {Remedy::Kind::neuron_prefix_setting, "NEURON prefix setting"},
    {Remedy::Kind::model_dir_setting, "model folder setting"},
    {Remedy::Kind::compiler_setting, "compiler setting"},
    {Remedy::Kind::load_list_setting, "load list setting"},
}};

} // namespace

std::string_view modifier_name(Remedy::Modifier modifier) {
    switch (modifier) {
    case Remedy::Modifier::none: return "";
    case Remedy::Modifier::replace: return "replace";
    case Remedy::Modifier::name_asset: return "name asset";
    case Remedy::Modifier::name_variant: return "name variant";
    case Remedy::Modifier::other_place: return "other place";
    case Remedy::Modifier::other_name: return "other name";
    case Remedy::Modifier::without_packages: return "without packages";
    case Remedy::Modifier::help: return "help";
    case Remedy::Modifier::verbose: return "verbose";
    }
    return "";
}

std::string_view kind_name(Remedy::Kind kind) {
    for (const auto& [k, name] : kKindNames) {
        if (k == kind) {
            return name;
        }
    }
    return "unknown";
}

} // namespace glia
