/*
 * cmd_rtl.c — `mmulab rtl-params`: the RTL's elaboration-time parameters
 * (package mmu_cfg_pkg) for a config, from the same loader the model uses;
 * and `mmulab cosim`, which hands its arguments to the lockstep harness
 * (mmulab-cosim, built beside this executable when the RTL is built).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_util.h"
#include "cmd_run.h"
#include "commands.h"
#include "mmulab/config.h"

#define MAX_SETS 64

static void rtl_usage(FILE *f)
{
    fprintf(f, "usage: mmulab rtl-params [--preset NAME | --config FILE] [--set KEY=VALUE]... "
               "[-o FILE]\n"
               "Prints package mmu_cfg_pkg: the parameters mmu_top is elaborated with for this\n"
               "config (docs/rtl.md). -o writes it to FILE atomically instead.\n");
}

int cmd_rtl_params(int argc, char **argv)
{
    const char *preset = NULL, *config_file = NULL, *out = NULL;
    const char *sets[MAX_SETS];
    size_t n_sets = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            rtl_usage(stdout);
            return 0;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "mmulab rtl-params: %s needs a value (or is unknown); see --help\n", a);
            return EXIT_USAGE;
        }
        const char *v = argv[++i];
        if (!strcmp(a, "--preset")) {
            preset = v;
        } else if (!strcmp(a, "--config")) {
            config_file = v;
        } else if (!strcmp(a, "-o")) {
            out = v;
        } else if (!strcmp(a, "--set")) {
            if (n_sets == MAX_SETS) {
                fprintf(stderr, "mmulab rtl-params: more than %d --set options\n", MAX_SETS);
                return EXIT_USAGE;
            }
            sets[n_sets++] = v;
        } else {
            fprintf(stderr, "mmulab rtl-params: unknown option %s; see --help\n", a);
            return EXIT_USAGE;
        }
    }
    mmu_config cfg;
    mm_error err;
    if (cfg_load(preset, config_file, sets, n_sets, &cfg, &err)) {
        fprintf(stderr, "mmulab rtl-params: %s\n", err.msg);
        return EXIT_USAGE;
    }
    char *text = cfg_rtl_package(&cfg, &err);
    if (!text) {
        fprintf(stderr, "mmulab rtl-params: %s\n", err.msg);
        return EXIT_USAGE;
    }
    int rc = 0;
    if (out) {
        if (cli_write_atomically(out, text, strlen(text))) {
            fprintf(stderr, "mmulab rtl-params: %s: %s\n", out, strerror(errno));
            rc = EXIT_FAILURE;
        }
    } else {
        fputs(text, stdout);
    }
    free(text);
    return rc;
}

int cmd_cosim(int argc, char **argv)
{
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        fprintf(stderr, "mmulab cosim: cannot find this executable: %s\n", strerror(errno));
        return EXIT_FAILURE;
    }
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    const char *name = "mmulab-cosim";
    if (!slash || (size_t)(slash + 1 - self) + strlen(name) >= sizeof self) {
        fprintf(stderr, "mmulab cosim: cannot find the harness beside %s\n", self);
        return EXIT_FAILURE;
    }
    strcpy(slash + 1, name);
    char **args = calloc((size_t)argc + 2, sizeof *args);
    if (!args) {
        fprintf(stderr, "mmulab cosim: out of memory\n");
        return EXIT_FAILURE;
    }
    args[0] = self;
    for (int i = 0; i < argc; i++)
        args[i + 1] = argv[i];
    execv(self, args);
    fprintf(stderr,
            "mmulab cosim: %s: %s (the RTL cross-check is built with -DMMULAB_RTL=ON, the default; "
            "it needs Verilator)\n",
            self, strerror(errno));
    free(args);
    return EXIT_FAILURE;
}
