#pragma once
/// \file
/// What the user can do about a problem, as data: the core names the remedy by intent ("build these
/// packages", "replace the installed copy", "choose a variant") with its arguments, and the front
/// ends word it in their own terms (src/advice has the shell-command wording both use). The core never
/// writes a `glia <command>`, a CLI flag, a hoc builtin or an environment variable the plugin reads.
///
/// A remedy travels inside message text as a marked token, so the core's messages can pass through
/// every string channel they use today (errors, warnings, doctor findings, lists of problems) and still
/// be worded by the front end that finally prints them (`advice::words`). Unworded, a token reads as
/// `<build: hh>`: `plain()` shows what a front end forgot to word.

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
    };

    Kind kind;
    std::vector<std::string> args = {};
    Modifier modifier = Modifier::none;

    bool operator==(const Remedy&) const = default;
};

/// A token's first and last characters: control characters no message, name or sensible path holds.
constexpr char kTokenOpen = '\x02';
constexpr char kTokenClose = '\x03';

/// The marked token that stands for `remedy` inside message text.
std::string mention(const Remedy& remedy);
inline std::string operator+(std::string text, const Remedy& remedy) { return text + mention(remedy); }
inline std::string operator+(const Remedy& remedy, const std::string& text) { return mention(remedy) + text; }
inline std::string operator+(const char* text, const Remedy& remedy) { return text + mention(remedy); }
inline std::string operator+(const Remedy& remedy, const char* text) { return mention(remedy) + text; }

/// One piece of a message: text as written, or a remedy to word.
struct MessagePart {
    std::string text;
    bool is_remedy = false;
    Remedy remedy{Remedy::Kind::build};
};

/// `text` cut into its pieces; a damaged token stays text.
std::vector<MessagePart> message_parts(std::string_view text);

/// The remedies `text` mentions, in order.
std::vector<Remedy> remedies_in(std::string_view text);

/// `text` with each remedy shown by intent (`<choose: Kv1 pkg>`): for logs and for tests, never for users.
std::string plain(std::string_view text);

/// A short name for a remedy's kind, as `plain` shows it ("build", "choose").
std::string_view kind_name(Remedy::Kind kind);

} // namespace glia
