#pragma once
/// \file
/// What the user can do about a problem, as data: the core names the remedy by intent ("build these
/// packages", "replace the installed copy", "choose a variant") with its arguments, and the front
/// ends word it in their own terms (src/advice has the shell-command wording both use). The core never
/// writes a `glia <command>`, a CLI flag, a hoc builtin or an environment variable the plugin reads.
///
/// A remedy takes its place in a message as a value (base/diagnostic.hpp), never as text: the front
/// end that renders the message words it (`advice::render`).

#include <string>
#include <string_view>
#include <vector>

namespace glia {

struct Remedy {
    /// The intents. Arguments are listed beside each; `<...>` in an argument is a placeholder for the user.
    enum class Kind : char {
        build = 'b',                 ///< build these packages (none: all) into the cache
        build_model_folder = 'm',    ///< build the model folder's mods as nrnivmodl does
        list_packages = 'l',         ///< see the installed packages and their assets
        show_package = 's',          ///< see one package: {package}
        choose = 'c',                ///< record a preference: {asset, package[, variant]}
        lock = 'k',                  ///< pin these assets (none: the model's) in the lock file
        create_package = 'n',        ///< make a new package: {name[, folder]}
        import_folder = 'i',         ///< turn a folder of mods into a package: {folder, name[, out folder]}
        add_mod = 'a',               ///< copy a mod into the current package: {file}
        check_package = 'p',         ///< validate a package folder: {folder}
        install = 'I',               ///< install a package: {source}
        uninstall = 'u',             ///< remove an installed package: {package}
        check_setup = 'd',           ///< check the NEURON toolchain and glia's setup
        clear_cache = 'x',           ///< empty the build cache
        load_plugin_by_path = 'L',   ///< load glia's plugin by its path (so its folder is known)
        compiling_off_setting = 'o', ///< the front end's setting that turns compiling off (a name, not an act)
        choose_for_script = 'S',     ///< record a preference for the rest of this NEURON run (the script scope)
        open_context = 'C',          ///< open a preference context in this NEURON run
        close_context = 'P',         ///< close the innermost context (a name, not an act)
        reload_preferences = 'R',    ///< read the preference files again in this NEURON run
        package_path_setting = 'G',  ///< the front end's setting that lists package folders (a name, not an act)
        cache_dir_setting = 'D',     ///< the front end's setting that names the cache folder (a name, not an act)
        set_cache_dir = 'E',         ///< name a writable cache folder for every later start
        neuron_prefix_setting = 'F', ///< the front end's setting that names NEURON's installation (a name, not an act)
        model_dir_setting = 'M',     ///< the front end's setting that names the model's folder ([folder]: set to it)
        compiler_setting = 'K',      ///< the setting that chooses a compiler: {"C" or "C++"} (a name, not an act)
        load_list_setting = 'Y',     ///< the setting that lists a script's packages ([packages]: set to them)
    };
    /// How the act is changed. With no arguments, a modified remedy means "the same act again, so".
    enum class Modifier : char {
        none = '-',
        replace = 'r',          ///< over the existing copy
        name_asset = 'A',       ///< under another asset name
        name_variant = 'V',     ///< under another asset and variant name
        other_place = 'O',      ///< into another folder
        other_name = 'N',       ///< under another package name
        without_packages = 'w', ///< without glia's packages
        help = 'h',             ///< not done: how to do it, with an example
        verbose = 'v',          ///< showing every command and the tools' whole output
    };

    Kind kind;
    std::vector<std::string> args = {};
    Modifier modifier = Modifier::none;

    bool operator==(const Remedy&) const = default;
};

/// A short name for a modifier ("replace", "other place"); "" for none.
std::string_view modifier_name(Remedy::Modifier modifier);

/// A short name for a remedy's kind ("build", "choose"), as `Message::plain` shows it.
std::string_view kind_name(Remedy::Kind kind);

} // namespace glia
