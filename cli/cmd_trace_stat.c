/*
 * cmd_trace_stat.c — `mmulab trace stat [--json] TRACE`: reads a trace in
 * any supported format and prints its record and operation mix,
 * processes, footprint per page size, bytes per record and reuse, as a
 * table or as JSON for scripts.
 */
#include <string.h>
#include <sys/stat.h>

#include "cli_util.h"
#include "cmd_trace.h"

#define SUB "stat"

static const char *const kind_names[TRACE_KIND_COUNT] = {
    "access", "context_switch", "fork", "exit", "mmap", "munmap", "mprotect", "flush", "marker"};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: mmulab trace stat [--from FORMAT] [--json] TRACE\n"
            "\n"
            "Summarises a trace (native, lackey, din or ChampSim; \"-\" reads standard input):\n"
            "records by kind, operation mix, instructions, processes and events, distinct\n"
            "pages per page size (4K, 2M, 1G; counted per process), file bytes per record,\n"
            "and reuse: how often an access hits the 4 KiB page of the previous access of\n"
            "its stream (process, and instruction or data), and the distinct 4 KiB pages\n"
            "per window of 1 000 000 accesses.\n"
            "  --from FORMAT   lackey, din, champsim or native; default: guessed\n"
            "  --json          one JSON object on stdout instead of the table\n"
            "exit status: 0 success, 1 bad input or I/O error, 2 bad command line\n");
}

static double pct(uint64_t part, uint64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static double ratio(uint64_t part, uint64_t whole)
{
    return whole ? (double)part / (double)whole : 0.0;
}

static void print_table(const char *path, trace_format format, uint64_t file_bytes,
                        const trace_stat_summary *s)
{
    uint64_t accesses = s->by_kind[TRACE_ACCESS];
    printf("trace:            %s (%s)\n", path, trace_format_name(format));
    printf("records:          %llu\n", (unsigned long long)s->records);
    printf("operations:       ifetch %llu (%.2f%%)  load %llu (%.2f%%)  store %llu (%.2f%%)\n",
           (unsigned long long)s->accesses[MM_ACCESS_IFETCH],
           pct(s->accesses[MM_ACCESS_IFETCH], accesses),
           (unsigned long long)s->accesses[MM_ACCESS_LOAD],
           pct(s->accesses[MM_ACCESS_LOAD], accesses),
           (unsigned long long)s->accesses[MM_ACCESS_STORE],
           pct(s->accesses[MM_ACCESS_STORE], accesses));
    printf("instructions:     %llu\n", (unsigned long long)s->instructions);
    printf("bytes accessed:   %llu (mean %.2f per access), %llu accesses cross a 4K page\n",
           (unsigned long long)s->access_bytes, ratio(s->access_bytes, accesses),
           (unsigned long long)s->page_crossings);
    printf("processes:        %llu (pids", (unsigned long long)s->processes);
    for (uint64_t i = 0; i < s->processes && i < TRACE_STAT_PIDS_SHOWN; i++)
        printf(" %u", s->pids[i]);
    printf("%s)\n", s->processes > TRACE_STAT_PIDS_SHOWN ? " ..." : "");
    printf("context switches: %llu\n", (unsigned long long)s->by_kind[TRACE_CONTEXT_SWITCH]);
    printf("events:          ");
    bool any = false;
    for (unsigned k = TRACE_FORK; k < TRACE_KIND_COUNT; k++)
        if (s->by_kind[k]) {
            printf(" %s %llu", kind_names[k], (unsigned long long)s->by_kind[k]);
            any = true;
        }
    printf("%s\n", any ? "" : " none");
    printf("footprint:        4K pages %llu (%.1f MiB), 2M pages %llu, 1G pages %llu\n",
           (unsigned long long)s->pages[TRACE_STAT_4K],
           (double)s->pages[TRACE_STAT_4K] * 4096.0 / (1024.0 * 1024.0),
           (unsigned long long)s->pages[TRACE_STAT_2M],
           (unsigned long long)s->pages[TRACE_STAT_1G]);
    if (file_bytes)
        printf("file:             %llu bytes, %.3f bytes/record\n", (unsigned long long)file_bytes,
               ratio(file_bytes, s->records));
    else
        printf("file:             size unknown (standard input)\n");
    printf("reuse:            %.2f%% of accesses touch the 4K page of the previous access "
           "of their stream\n",
           pct(s->same_page, s->same_page_eligible));
    printf("                  %.1f distinct 4K pages per %u accesses (%s)\n", s->pages_per_window,
           TRACE_STAT_WINDOW,
           s->windows ? "mean over complete windows" : "fewer accesses than one window");
}

static void print_json(const char *path, trace_format format, uint64_t file_bytes,
                       const trace_stat_summary *s)
{
    printf("{\"file\": ");
    cli_put_json_string(stdout, path);
    printf(", \"format\": \"%s\", \"file_bytes\": %llu, \"bytes_per_record\": %.6g,\n",
           trace_format_name(format), (unsigned long long)file_bytes,
           ratio(file_bytes, s->records));
    printf(" \"records\": %llu, \"records_by_kind\": {", (unsigned long long)s->records);
    for (unsigned k = 0; k < TRACE_KIND_COUNT; k++)
        printf("%s\"%s\": %llu", k ? ", " : "", kind_names[k], (unsigned long long)s->by_kind[k]);
    printf("},\n \"accesses\": {\"ifetch\": %llu, \"load\": %llu, \"store\": %llu},\n",
           (unsigned long long)s->accesses[MM_ACCESS_IFETCH],
           (unsigned long long)s->accesses[MM_ACCESS_LOAD],
           (unsigned long long)s->accesses[MM_ACCESS_STORE]);
    printf(" \"instructions\": %llu, \"access_bytes\": %llu, \"page_crossings\": %llu,\n",
           (unsigned long long)s->instructions, (unsigned long long)s->access_bytes,
           (unsigned long long)s->page_crossings);
    printf(" \"processes\": %llu, \"pids\": [", (unsigned long long)s->processes);
    for (uint64_t i = 0; i < s->processes && i < TRACE_STAT_PIDS_SHOWN; i++)
        printf("%s%u", i ? ", " : "", s->pids[i]);
    printf("], \"context_switches\": %llu,\n",
           (unsigned long long)s->by_kind[TRACE_CONTEXT_SWITCH]);
    printf(" \"pages\": {\"4k\": %llu, \"2m\": %llu, \"1g\": %llu},\n",
           (unsigned long long)s->pages[TRACE_STAT_4K], (unsigned long long)s->pages[TRACE_STAT_2M],
           (unsigned long long)s->pages[TRACE_STAT_1G]);
    printf(" \"reuse\": {\"same_page_fraction\": %.6f, \"window_accesses\": %u, "
           "\"pages_per_window\": %.3f, \"complete_windows\": %llu}}\n",
           ratio(s->same_page, s->same_page_eligible), TRACE_STAT_WINDOW, s->pages_per_window,
           (unsigned long long)s->windows);
}

int cmd_trace_stat(int argc, char **argv)
{
    const char *from = NULL, *path = NULL;
    bool json = false;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            usage(stdout);
            return CMD_TRACE_OK;
        } else if (!strcmp(arg, "--json")) {
            json = true;
        } else if (!strcmp(arg, "--from")) {
            if (i + 1 == argc)
                return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "--from needs a value");
            from = argv[++i];
        } else if (arg[0] == '-' && strcmp(arg, "-")) {
            return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "unknown option %s; see --help", arg);
        } else if (path) {
            return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "unexpected argument \"%s\"", arg);
        } else {
            path = arg;
        }
    }
    if (!path)
        return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "needs a TRACE file; see --help");
    mm_error err = {0};
    trace_format format;
    if (from && trace_format_parse(from, &format, &err))
        return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "--from: %s", err.msg);
    trace_stat *st = trace_stat_create(&err);
    if (!st)
        return cmd_trace_fail(SUB, CMD_TRACE_FAILED, "%s", err.msg);
    trace_record_sink sink = trace_record_sink_for_stat(st);
    trace_convert_stats cs;
    int rc = cmd_trace_read_input(path, from, NULL, &sink, &format, &cs, NULL, &err);
    if (rc) {
        trace_stat_destroy(st);
        return cmd_trace_fail(SUB, CMD_TRACE_FAILED, "%s", err.msg);
    }
    trace_stat_summary s;
    trace_stat_summarize(st, &s);
    trace_stat_destroy(st);
    struct stat fs;
    uint64_t file_bytes = strcmp(path, "-") && !stat(path, &fs) ? (uint64_t)fs.st_size : 0;
    if (json)
        print_json(path, format, file_bytes, &s);
    else
        print_table(path, format, file_bytes, &s);
    return CMD_TRACE_OK;
}
