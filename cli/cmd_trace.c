/*
 * cmd_trace.c — `mmulab trace`: dispatches to convert, gen and stat
 * (docs/trace-tools.md) and prints the overview help.
 */
#include <string.h>

#include "cmd_trace.h"
#include "commands.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: mmulab trace SUBCOMMAND [ARGS]\n"
            "Tools for memory-access traces (docs/trace-tools.md).\n"
            "subcommands:\n"
            "  convert   lackey, din, ChampSim or native input to a native or din trace\n"
            "  gen       write a seeded synthetic trace (sequential, strided, uniform, zipf,\n"
            "            gups, chase, mix)\n"
            "  stat      operation mix, processes, footprint and reuse of a trace\n"
            "  help      this text\n"
            "Each subcommand takes --help.\n"
            "exit status: 0 success, 1 input or output failed, 2 bad command line\n");
}

int cmd_trace(int argc, char **argv)
{
    if (argc < 1) {
        usage(stderr);
        return CMD_TRACE_USAGE;
    }
    const char *sub = argv[0];
    if (!strcmp(sub, "convert"))
        return cmd_trace_convert(argc - 1, argv + 1);
    if (!strcmp(sub, "gen"))
        return cmd_trace_gen(argc - 1, argv + 1);
    if (!strcmp(sub, "stat"))
        return cmd_trace_stat(argc - 1, argv + 1);
    if (!strcmp(sub, "help") || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
        usage(stdout);
        return CMD_TRACE_OK;
    }
    fprintf(stderr, "mmulab trace: unknown subcommand \"%s\" (convert, gen, stat, help)\n", sub);
    return CMD_TRACE_USAGE;
}
