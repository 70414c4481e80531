/*
 * cmd_trace_gen.c — `mmulab trace gen KIND [options] OUTPUT`: writes a
 * seeded synthetic trace; the same arguments give the same file.
 */
#include <string.h>

#include "cmd_trace.h"

#define SUB "gen"

typedef struct {
    trace_gen_params p;
    const char *output, *description, *mix;
    bool zstd;
    int level;
    bool processes_set;
    const char *kind_option[TRACE_GEN_KIND_COUNT]; /* an option given that only kind k uses */
} gen_args;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: mmulab trace gen KIND [options] OUTPUT\n"
            "\n"
            "Writes a seeded synthetic native trace. KIND:\n"
            "  sequential  8-byte loads through the footprint, wrapping\n"
            "  strided     loads every --stride bytes, wrapping\n"
            "  uniform     loads of uniformly random 8-byte words\n"
            "  zipf        loads of zipfian(--alpha) 4 KiB pages (hot pages scattered)\n"
            "  gups        random read-modify-write: a load and a store of the same word\n"
            "  chase       loads following one random cycle through every 64-byte line\n"
            "  mix         --processes processes (pids 1..N) of the --mix kinds, switched\n"
            "              round robin every --quantum accesses\n"
            "options:\n"
            "  --records N         access records to write (default 1M; K, M, G suffixes)\n"
            "  --footprint BYTES   data region per process, a multiple of 4K (default 64M)\n"
            "  --base VA           start of the data region (default 0x10000000)\n"
            "  --seed N            random seed (default 1)\n"
            "  --stride BYTES      strided: the step (default 4096)\n"
            "  --alpha X           zipf: the exponent, >= 0 (default 0.99)\n"
            "  --ifetch-ratio X    fraction of records that are instruction fetches,\n"
            "                      sequential through a 64 KiB loop at 0x400000 (default 0)\n"
            "  --mix K1,K2,...     mix: the processes' kinds (default uniform,zipf)\n"
            "  --processes N       mix: number of processes, cycling through --mix\n"
            "  --quantum N         mix: accesses between context switches (default 10000)\n"
            "  --zstd              compress with zstd instead of gzip\n"
            "  --level N           compression level: 1-9 (gzip), 1-19 (zstd); 0 the default\n"
            "  --description TEXT  free text for the header; the command line is always added\n"
            "exit status: 0 success, 1 I/O error, 2 bad command line\n");
}

static int parse_mix(gen_args *a, mm_error *err)
{
    trace_gen_kind kinds[TRACE_GEN_MAX_PROCESSES];
    unsigned n = 0;
    const char *p = a->mix;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char name[32];
        if (len >= sizeof name || n == TRACE_GEN_MAX_PROCESSES)
            return mm_fail(err, MM_ERR_INVALID, "--mix: \"%s\" has a name too long or more "
                           "than %u kinds", a->mix, TRACE_GEN_MAX_PROCESSES);
        memcpy(name, p, len);
        name[len] = '\0';
        if (trace_gen_kind_parse(name, &kinds[n], err))
            return MM_ERR_INVALID;
        if (kinds[n] == TRACE_GEN_MIX)
            return mm_fail(err, MM_ERR_INVALID, "--mix: a process cannot itself be a mix");
        n++;
        if (!comma)
            break;
        p = comma + 1;
    }
    if (!a->processes_set)
        a->p.processes = n;
    for (unsigned i = 0; i < a->p.processes && i < TRACE_GEN_MAX_PROCESSES; i++)
        a->p.process_kind[i] = kinds[i % n];
    return MM_OK;
}

/* Kinds that use an option: the option's kind or a mix holding one. */
static bool kind_uses(const trace_gen_params *p, trace_gen_kind k)
{
    if (p->kind == k)
        return true;
    if (p->kind != TRACE_GEN_MIX)
        return false;
    for (unsigned i = 0; i < p->processes && i < TRACE_GEN_MAX_PROCESSES; i++)
        if (p->process_kind[i] == k)
            return true;
    return false;
}

static int set_option(gen_args *a, const char *opt, const char *v)
{
    trace_gen_params *p = &a->p;
    uint64_t n;
    double x;
    bool is_double = !strcmp(opt, "--alpha") || !strcmp(opt, "--ifetch-ratio");
    if (!strcmp(opt, "--description")) {
        a->description = v;
        return CMD_TRACE_OK;
    }
    if (!strcmp(opt, "--mix")) {
        a->mix = v;
        return CMD_TRACE_OK;
    }
    if (is_double ? !cmd_trace_parse_double(v, &x) : !cmd_trace_parse_u64(v, &n))
        return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "%s: \"%s\" is not a %s", opt, v,
                              is_double ? "number" : "non-negative integer");
    if (!strcmp(opt, "--records"))
        p->records = n;
    else if (!strcmp(opt, "--footprint"))
        p->footprint = n;
    else if (!strcmp(opt, "--seed"))
        p->seed = n;
    else if (!strcmp(opt, "--base"))
        p->base = n;
    else if (!strcmp(opt, "--stride"))
        p->stride = n, a->kind_option[TRACE_GEN_STRIDED] = opt;
    else if (!strcmp(opt, "--alpha"))
        p->alpha = x, a->kind_option[TRACE_GEN_ZIPF] = opt;
    else if (!strcmp(opt, "--ifetch-ratio"))
        p->ifetch_ratio = x;
    else if (!strcmp(opt, "--quantum"))
        p->quantum = n, a->kind_option[TRACE_GEN_MIX] = opt;
    else if (!strcmp(opt, "--processes")) {
        if (n > TRACE_GEN_MAX_PROCESSES || !n)
            return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "--processes %s must be 1..%u", v,
                                  TRACE_GEN_MAX_PROCESSES);
        p->processes = (unsigned)n, a->processes_set = true;
        a->kind_option[TRACE_GEN_MIX] = opt;
    } else if (!strcmp(opt, "--level")) {
        if (n > 19)
            return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "--level %s must be 0..19", v);
        a->level = (int)n;
    } else
        return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "unknown option %s; see --help", opt);
    return CMD_TRACE_OK;
}

/* Returns -1 after --help, else an exit status (0: go on). */
static int parse_args(int argc, char **argv, gen_args *a)
{
    memset(a, 0, sizeof *a);
    if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
        usage(stdout);
        return -1;
    }
    if (argc < 1)
        return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "needs KIND and OUTPUT; see --help");
    mm_error err = {0};
    trace_gen_kind kind;
    if (trace_gen_kind_parse(argv[0], &kind, &err))
        return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "%s", err.msg);
    trace_gen_defaults(&a->p, kind);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] != '-' || !strcmp(arg, "-")) {
            if (a->output)
                return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "unexpected argument \"%s\"", arg);
            a->output = arg;
        } else if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            usage(stdout);
            return -1;
        } else if (!strcmp(arg, "--zstd")) {
            a->zstd = true;
        } else if (i + 1 == argc) {
            return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "%s needs a value (or is unknown); see "
                                  "--help", arg);
        } else {
            int rc = set_option(a, arg, argv[++i]);
            if (rc)
                return rc;
        }
    }
    if (!a->output)
        return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "needs an OUTPUT file; see --help");
    if (!strcmp(a->output, "-"))
        return cmd_trace_fail(SUB, CMD_TRACE_USAGE,
                              "a native trace cannot go to standard output (it is written to "
                              "OUTPUT.tmp and renamed when complete)");
    if (a->mix)
        a->kind_option[TRACE_GEN_MIX] = "--mix";
    if (kind == TRACE_GEN_MIX && (a->mix || a->processes_set)) {
        if (!a->mix)
            a->mix = "uniform,zipf";
        if (parse_mix(a, &err))
            return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "%s", err.msg);
    }
    for (unsigned k = 0; k < TRACE_GEN_KIND_COUNT; k++)
        if (a->kind_option[k] && !kind_uses(&a->p, (trace_gen_kind)k))
            return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "%s applies to %s traces only (this is %s)",
                                  a->kind_option[k], trace_gen_kind_name((trace_gen_kind)k),
                                  trace_gen_kind_name(kind));
    if (!a->zstd && a->level > 9)
        return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "--level %d: gzip levels are 1-9", a->level);
    return CMD_TRACE_OK;
}

int cmd_trace_gen(int argc, char **argv)
{
    gen_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? CMD_TRACE_OK : rc;
    mm_error err = {0};
    trace_gen *probe = trace_gen_create(&a.p, &err);
    if (!probe)
        return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "%s", err.msg);
    trace_gen_destroy(probe);
    trace_header h;
    memset(&h, 0, sizeof h);
    h.version = TRACE_VERSION;
    h.format_hint = 0xff;
    cmd_trace_description(h.description, a.description, SUB, argc, argv);
    trace_writer *w = trace_writer_open(a.output, &h, a.zstd ? TRACE_ZSTD : TRACE_ZLIB, a.level,
                                        &err);
    if (!w)
        return cmd_trace_fail(SUB, CMD_TRACE_FAILED, "%s", err.msg);
    trace_record_sink sink = trace_record_sink_for_writer(w);
    uint64_t records = 0;
    rc = trace_gen_run(&a.p, &sink, &records, &err);
    if (rc) {
        trace_writer_abort(w);
        return cmd_trace_fail(SUB, CMD_TRACE_FAILED, "%s", err.msg);
    }
    if (trace_writer_close(w, &err))
        return cmd_trace_fail(SUB, CMD_TRACE_FAILED, "%s", err.msg);
    fprintf(stderr, "mmulab trace gen: %s -> %s: %llu records\n", trace_gen_kind_name(a.p.kind),
            a.output, (unsigned long long)records);
    return CMD_TRACE_OK;
}
