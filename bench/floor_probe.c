/* floor_probe.so: the least any glia start could cost, for bench/packages.py. Loaded with nrn_load_dll,
 * its modl_reg does only what no start of glia can leave out, and nothing to plan it:
 *   1. loads glia's own plugin (GLIA_FLOOR_PLUGIN; the bench sets GLIA_NOLOAD=1): the plugin's libraries and
 *      its builtins, with no package loaded;
 *   2. stats each path a "stat <path>" line of the plan (GLIA_FLOOR_PLAN) names: every package folder,
 *      manifest, mods folder and mod, the least a start must look at to know that no mod changed;
 *   3. opens the library a "library <path>" line names (the set library glia's start opens) and calls,
 *      in order, the registration function each "register <symbol>" line names.
 * No discovery, no build manifest, no preflight against NEURON's names, no index for glia_insert: a
 * record of the whole plan, checked with one stat per input, would still cost all of the above. It prints
 * "floor_probe: <stats> stats, <registered> registered" last, so the bench can check it did its work. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void fail(const char* what, const char* detail) {
    fprintf(stderr, "floor_probe: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(2);
}

void modl_reg(void) {
    const char* plugin = getenv("GLIA_FLOOR_PLUGIN");
    const char* plan_file = getenv("GLIA_FLOOR_PLAN");
    if (!plugin || !plan_file) {
        fail("set GLIA_FLOOR_PLUGIN (libglia.so) and GLIA_FLOOR_PLAN", NULL);
    }
    void* glia = dlopen(plugin, RTLD_NOW | RTLD_LOCAL);
    void (*glia_reg)(void) = glia ? (void (*)(void))dlsym(glia, "modl_reg") : NULL;
    if (!glia_reg) {
        fail("cannot load glia's plugin", dlerror());
    }
    glia_reg();

    FILE* plan = fopen(plan_file, "r");
    if (!plan) {
        fail("cannot read the plan", plan_file);
    }
    char line[8192];
    void* library = NULL;
    unsigned stats = 0, registered = 0;
    struct stat st;
    while (fgets(line, sizeof line, plan)) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "stat ", 5) == 0) {
            stat(line + 5, &st); /* what it finds does not matter: only its cost */
            ++stats;
        } else if (strncmp(line, "library ", 8) == 0) {
            library = dlopen(line + 8, RTLD_NOW | RTLD_LOCAL);
            if (!library) {
                fail("cannot open the set library", dlerror());
            }
        } else if (strncmp(line, "register ", 9) == 0) {
            void (*reg)(void) = library ? (void (*)(void))dlsym(library, line + 9) : NULL;
            if (!reg) {
                fail("no registration function", line + 9);
            }
            reg();
            ++registered;
        }
    }
    fclose(plan);
    fprintf(stderr, "floor_probe: %u stats, %u registered\n", stats, registered);
}
