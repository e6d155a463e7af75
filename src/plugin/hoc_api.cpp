#include "hoc_api.hpp"

#include "advice.hpp"

namespace glia::plugin {

std::string rendered(const Message& message) { return advice::render(message); }

std::string rendered(const Diagnostic& problem) { return advice::render(problem); }

std::string rendered(const std::exception& e) {
    const auto* error = dynamic_cast<const Error*>(&e);
    return error ? rendered(error->diagnostic()) : std::string(e.what());
}

void raise_if(const std::string& error) {
    static std::string message; // outlives the longjmp
    if (!error.empty()) {
        message = error;
        hoc_execerror(message.c_str(), nullptr);
    }
}

Constraint call_constraint(int first) {
    Constraint c;
    if (ifarg(first)) {
        c.package = hoc_gargstr(first);
    }
    if (ifarg(first + 1)) {
        c.variant = hoc_gargstr(first + 1);
    }
    return c;
}

short mechanism_symbol_type() {
    static short type = hoc_lookup("hh")->type;
    return type;
}

void return_string(const std::string& value) {
    static std::string ring[16];
    static char* pointers[16];
    static int next = 0;
    next = (next + 1) % 16;
    ring[next] = value;
    pointers[next] = ring[next].data();
    hoc_ret();
    hoc_pushstr(&pointers[next]);
}

void return_object(Object* object) {
    hoc_ret();
    hoc_push_object(object);
    hoc_obj_unref(object); // the stack's temporary now holds the only reference
}

void make_string_builtin(const char* name) { hoc_lookup(name)->type = hoc_lookup("secname")->type; }

void make_object_builtin(const char* name) { hoc_lookup(name)->type = hoc_lookup("object_pushed")->type; }

bool name_taken(const char* name) {
    return hoc_lookup(name) || hoc_table_lookup(name, hoc_top_level_symlist) ||
           (hoc_built_in_symlist && hoc_table_lookup(name, hoc_built_in_symlist)) ||
           (nrn_load_dll_called_ && hoc_table_lookup(name, nrn_load_dll_called_));
}

std::unordered_set<std::string> taken_names() {
    std::unordered_set<std::string> names;
    for (Symlist* list : {hoc_p_symlist, hoc_symlist, hoc_built_in_symlist, hoc_top_level_symlist,
                          nrn_load_dll_called_}) {
        for (Symbol* sp = list ? list->first : nullptr; sp; sp = sp->next) {
            names.insert(sp->name);
        }
    }
    return names;
}

void register_as_nrn_load_dll(const std::function<void()>& body) {
    // NEURON's own swap (hoc_nrn_load_dll): nrn_load_dll_called_ keeps the list to return to, and
    // NEURON's recovery from a hoc error raised while registering restores the lists from it.
    nrn_load_dll_called_ = hoc_symlist;
    hoc_symlist = hoc_built_in_symlist;
    hoc_built_in_symlist = nullptr;
    auto restore = [] {
        if (nrn_load_dll_called_) { // else NEURON's recovery restored them already
            hoc_built_in_symlist = hoc_symlist;
            hoc_symlist = nrn_load_dll_called_;
            nrn_load_dll_called_ = nullptr;
        }
    };
    try {
        body();
    } catch (...) {
        restore();
        throw;
    }
    restore();
}

void put_first_in_lookup(const std::vector<VoidFunc>& table) {
    // While nrn_load_dll runs modl_reg, hoc_symlist is NEURON's built-in list, where hoc_register_var
    // appended them.
    Symlist* list = hoc_symlist;
    if (!list) {
        return;
    }
    std::unordered_set<std::string> ours;
    for (const auto& entry : table) {
        if (entry.name) {
            ours.insert(entry.name);
        }
    }
    Symbol* moved_first = nullptr;
    Symbol* moved_last = nullptr;
    Symbol* previous = nullptr;
    for (Symbol* sp = list->first; sp;) {
        Symbol* next = sp->next;
        if (ours.count(sp->name)) {
            (previous ? previous->next : list->first) = next; // unlink, keeping their order
            if (list->last == sp) {
                list->last = previous;
            }
            sp->next = nullptr;
            (moved_last ? moved_last->next : moved_first) = sp;
            moved_last = sp;
        } else {
            previous = sp;
        }
        sp = next;
    }
    if (moved_first) {
        moved_last->next = list->first;
        if (!list->first) {
            list->last = moved_last;
        }
        list->first = moved_first;
    }
}

} // namespace glia::plugin
