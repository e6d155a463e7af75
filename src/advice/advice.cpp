#include "advice.hpp"

#include <streambuf>
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
    }
    return "";
}

// Passes characters on to `out` unchanged, except a remedy's token (STX ... ETX, glia/remedy.hpp),
// which it holds until the token is whole and then writes worded.
class WordingBuffer : public std::streambuf {
  public:
    WordingBuffer(std::streambuf* out, Wording word) : out_(out), word_(std::move(word)) {}

  protected:
    int_type overflow(int_type c) override {
        if (traits_type::eq_int_type(c, traits_type::eof())) {
            return traits_type::not_eof(c);
        }
        char ch = traits_type::to_char_type(c);
        if (pending_.empty() && ch != kTokenOpen) {
            return out_->sputc(ch);
        }
        pending_ += ch;
        if (ch == kTokenClose) {
            std::string worded = words(pending_, word_);
            pending_.clear();
            out_->sputn(worded.data(), static_cast<std::streamsize>(worded.size()));
        }
        return c;
    }
    int sync() override { return out_->pubsync(); } // a token cut by a flush waits for its end

  private:
    std::streambuf* out_;
    Wording word_;
    std::string pending_;
};

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

std::string words(std::string_view text, const Wording& word) {
    std::string worded;
    for (const auto& part : message_parts(text)) {
        worded += part.is_remedy ? word(part.remedy) : part.text;
    }
    return worded;
}

} // namespace glia::advice

namespace glia::advice {

WordedStream::WordedStream(std::ostream& stream, Wording word)
    : stream_(stream), original_(stream.rdbuf()),
      filter_(std::make_unique<WordingBuffer>(original_, std::move(word))) {
    stream_.rdbuf(filter_.get());
}

WordedStream::~WordedStream() {
    stream_.flush();
    stream_.rdbuf(original_); // a token never finished is dropped with the filter: it was never whole text
}

} // namespace glia::advice
