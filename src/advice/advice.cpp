#include "advice.hpp"

#include "base/text.hpp"

#include <utility>

namespace glia::advice {
namespace {

using Kind = Remedy::Kind;
using Modifier = Remedy::Modifier;

std::string joined(const std::vector<std::string>& args, size_t from = 0) {
    std::string text;
    for (size_t i = from; i < args.size(); ++i) {
        text += " " + args[i];
    }
    return text;
}

std::string arg(const Remedy& remedy, size_t i) { return i < remedy.args.size() ? remedy.args[i] : std::string(); }

// The option that changes an act, as the command that does the act spells it.
std::string option(Kind kind, Modifier modifier) {
    switch (modifier) {
    case Modifier::none: return "";
    case Modifier::replace: return "--replace";
    case Modifier::name_asset: return "--asset <Name>";
    case Modifier::name_variant: return "--asset <Name> --variant <variant>";
    case Modifier::other_place: return kind == Kind::create_package ? "--dir <folder>" : "--out FOLDER";
    case Modifier::other_name: return "--name NAME";
    case Modifier::without_packages: return "--no-glia";
    case Modifier::help: return "--help";
    case Modifier::verbose: return "--verbose";
    }
    return "";
}

// `command FIRST` then the second and third arguments (if given) after their option names.
std::string with_options(const Remedy& r, const std::string& command, const char* second, const char* third) {
    if (r.args.empty()) {
        return command;
    }
    std::string text = command + " " + arg(r, 0) + second + arg(r, 1);
    return r.args.size() > 2 ? text + third + arg(r, 2) : text;
}

// The glia command's subcommand and arguments for an act, without its option.
std::string command_line(const Remedy& r) {
    switch (r.kind) {
    case Kind::build: return "glia compile" + joined(r.args);
    case Kind::build_model_folder: return "glia nrnivmodl" + joined(r.args);
    case Kind::list_packages: return "glia list";
    case Kind::show_package: return "glia show-pkg" + joined(r.args);
    case Kind::choose: return with_options(r, "glia select", " --pkg=", " --variant=");
    case Kind::lock: return "glia lock" + joined(r.args);
    case Kind::create_package: return "glia new" + joined(r.args);
    case Kind::import_folder: return with_options(r, "glia import", " --name ", " --out ");
    case Kind::add_mod: return "glia add" + joined(r.args);
    case Kind::check_package: return "glia check" + joined(r.args);
    case Kind::install: return "glia install" + joined(r.args);
    case Kind::uninstall: return "glia uninstall" + joined(r.args);
    case Kind::check_setup: return "glia doctor";
    case Kind::clear_cache: return "glia cache --clear";
    case Kind::load_plugin_by_path: return "nrn_load_dll(\"/path/to/libglia.so\")";
    case Kind::compiling_off_setting: return "GLIA_NOCOMPILE";
    case Kind::choose_for_script: return "glia_select";
    case Kind::open_context: return "glia_context_push()";
    case Kind::close_context: return "glia_context_pop()";
    case Kind::reload_preferences: return "glia_reload_preferences()";
    case Kind::package_path_setting: return "GLIA_PATH";
    case Kind::cache_dir_setting: return "GLIA_CACHE_DIR";
    case Kind::compiler_setting: return arg(r, 0) == "C++" ? "GLIA_CXX" : "GLIA_CC";
    case Kind::load_list_setting: return r.args.empty() ? "GLIA_LOAD" : "GLIA_LOAD=" + join(r.args, ",");
    case Kind::neuron_prefix_setting: return "GLIA_NEURON_PREFIX";
    case Kind::model_dir_setting: return "GLIA_MODEL_DIR" + (r.args.empty() ? std::string() : "=" + r.args[0]);
    case Kind::set_cache_dir: return "export GLIA_CACHE_DIR=" + (r.args.empty() ? std::string("<folder>") : r.args[0]);
    }
    return "";
}

} // namespace

std::string shell_command(const Remedy& remedy) {
    std::string flag = option(remedy.kind, remedy.modifier);
    if (flag.empty()) {
        return command_line(remedy);
    }
    if (remedy.args.empty() && remedy.modifier != Modifier::help) {
        return flag; // the act the user is doing, done again with this option
    }
    if (remedy.kind == Kind::install) { // 'glia install --replace DIR': the option before the source
        return "glia install " + flag + joined(remedy.args);
    }
    return command_line(remedy) + " " + flag;
}

std::string render(const Message& message, const Wording& word) {
    std::string worded;
    for (const auto& part : message.parts()) {
        const auto* text = std::get_if<std::string>(&part);
        worded += text ? *text : word(std::get<Remedy>(part));
    }
    return worded;
}

std::string render(const Diagnostic& diagnostic, const Wording& word) {
    std::string worded = render(diagnostic.message, word);
    for (const auto& note : diagnostic.notes) {
        worded += "\n" + render(note, word);
    }
    return worded;
}

} // namespace glia::advice
