/*
 * mmulab.c — the command line's entry point: dispatches to the commands
 * (docs/cli.md). Exit codes: 0 success, 1 the run failed, 2 bad command
 * line or config.
 */
#include <stdio.h>
#include <string.h>

#include "cmd_run.h"
#include "commands.h"
#include "mmulab/config.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: mmulab COMMAND [ARGS]\n"
            "commands:\n"
            "  run       run traces or a workload through the MMU model (mmulab run --help)\n"
            "  config    print the effective configuration as JSON (same options as run)\n"
            "  trace     convert, generate and describe traces (mmulab trace --help)\n"
            "  sweep     grid sweeps over presets, parameters and traces (mmulab sweep SPEC),\n"
            "            or every TLB size in one pass (mmulab sweep --one-pass TRACE)\n"
            "  cosim     run the RTL and the model in lockstep on a trace (mmulab cosim --help)\n"
            "  rtl-params  the RTL's parameters for a config (package mmu_cfg_pkg)\n"
            "  area      cells and flip-flops per RTL block, synthesized with Yosys\n"
            "  os        import a live process's address space as an image (mmulab os --help)\n"
            "  presets   list the compiled-in configuration presets\n"
            "  help      this text\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 2, argv + 2, false);
    if (!strcmp(cmd, "config"))
        return cmd_run(argc - 2, argv + 2, true);
    if (!strcmp(cmd, "trace"))
        return cmd_trace(argc - 2, argv + 2);
    if (!strcmp(cmd, "os"))
        return cmd_os(argc - 2, argv + 2);
    if (!strcmp(cmd, "sweep")) {
        /* one-pass size sweeps and grid sweeps share the command name */
        for (int i = 2; i < argc; i++)
            if (!strcmp(argv[i], "--one-pass"))
                return cmd_sweep(argc - 2, argv + 2);
        return cmd_sweep_grid(argc - 2, argv + 2);
    }
    if (!strcmp(cmd, "rtl-params"))
        return cmd_rtl_params(argc - 2, argv + 2);
    if (!strcmp(cmd, "cosim"))
        return cmd_cosim(argc - 2, argv + 2);
    if (!strcmp(cmd, "area"))
        return cmd_area(argc - 2, argv + 2);
    if (!strcmp(cmd, "presets")) {
        for (const char *const *p = cfg_preset_names(); *p; p++)
            printf("%s\n", *p);
        return 0;
    }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "mmulab: unknown command \"%s\"\n", cmd);
    usage(stderr);
    return EXIT_USAGE;
}
