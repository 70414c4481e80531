/*
 * cmd_trace_convert.c — `mmulab trace convert`: any supported input to a
 * native or din trace. The output is opened when the first record
 * arrives, so that a native input's description and format hint can be
 * carried into the new header, and it only gets its final name once the
 * whole input converted cleanly.
 */
#include <string.h>

#include "cmd_trace.h"

#define SUB "convert"

typedef struct {
    const char *from, *to, *description, *input, *output;
    bool zstd;
    int level;
    trace_convert_options opt;
} convert_args;

typedef struct {
    const convert_args *args;
    int argc;
    char **argv;
    trace_format format;         /* of the input, set before records flow */
    trace_header input_header;   /* native input only */
    bool opened;
    trace_writer *writer;
    trace_din_writer *din;
} output;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: mmulab trace convert [--from FORMAT] [--to native|din] [--zstd] [--level N]\n"
            "                            [--description TEXT] [--pid N] [--no-ifetch]\n"
            "                            [--din-size N] INPUT OUTPUT\n"
            "\n"
            "Converts a trace to the native format (or to Dinero din text). INPUT may be\n"
            "plain, gzip or xz compressed; \"-\" reads standard input.\n"
            "  --from FORMAT     lackey, din, champsim or native; default: guessed from the\n"
            "                    first bytes (an explicit --from always wins)\n"
            "  --to FORMAT       native (default) or din\n"
            "  --zstd            compress the native output with zstd instead of gzip\n"
            "  --level N         compression level: 1-9 (gzip), 1-19 (zstd); 0 the default\n"
            "  --description T   free text for the header; the command line is always added\n"
            "  --pid N           process id of every access (default 0)\n"
            "  --no-ifetch       drop instruction fetches (they still count as instructions)\n"
            "  --din-size N      size of din accesses that give none (default 4)\n"
            "The output is written to OUTPUT.tmp and renamed when complete.\n"
            "exit status: 0 success, 1 bad input or I/O error, 2 bad command line\n");
}

static int parse_number(const char *opt, const char *v, uint64_t max, uint64_t *out)
{
    if (!cmd_trace_parse_u64(v, out) || *out > max)
        return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "%s: \"%s\" is not a number in 0..%llu", opt,
                              v, (unsigned long long)max);
    return CMD_TRACE_OK;
}

/* Returns -1 after --help, else an exit status (0: go on). */
static int parse_args(int argc, char **argv, convert_args *a)
{
    memset(a, 0, sizeof *a);
    a->to = "native";
    const char *positional[2];
    int n_pos = 0;
    bool options_done = false;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (options_done || arg[0] != '-' || !strcmp(arg, "-")) {
            if (n_pos == 2)
                return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "unexpected argument \"%s\"", arg);
            positional[n_pos++] = arg;
            continue;
        }
        if (!strcmp(arg, "--")) {
            options_done = true;
            continue;
        }
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            usage(stdout);
            return -1;
        }
        if (!strcmp(arg, "--zstd")) {
            a->zstd = true;
            continue;
        }
        if (!strcmp(arg, "--no-ifetch")) {
            a->opt.no_ifetch = true;
            continue;
        }
        const char *v = i + 1 < argc ? argv[++i] : NULL;
        uint64_t n;
        int rc = CMD_TRACE_OK;
        if (!v)
            return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "%s needs a value (or is unknown); see "
                                  "--help", arg);
        if (!strcmp(arg, "--from"))
            a->from = v;
        else if (!strcmp(arg, "--to"))
            a->to = v;
        else if (!strcmp(arg, "--description"))
            a->description = v;
        else if (!strcmp(arg, "--level")) {
            if (!(rc = parse_number(arg, v, 19, &n)))
                a->level = (int)n;
        } else if (!strcmp(arg, "--pid")) {
            if (!(rc = parse_number(arg, v, UINT32_MAX, &n)))
                a->opt.pid = (uint32_t)n;
        } else if (!strcmp(arg, "--din-size")) {
            if (!(rc = parse_number(arg, v, UINT16_MAX, &n)))
                a->opt.din_size = (uint16_t)n;
        } else
            return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "unknown option %s; see --help", arg);
        if (rc)
            return rc;
    }
    if (n_pos != 2)
        return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "needs INPUT and OUTPUT; see --help");
    a->input = positional[0];
    a->output = positional[1];
    trace_format f;
    mm_error err = {0};
    if (a->from && trace_format_parse(a->from, &f, &err))
        return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "--from: %s", err.msg);
    if (strcmp(a->to, "native") && strcmp(a->to, "din"))
        return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "--to: \"%s\" is not native or din", a->to);
    bool to_din = !strcmp(a->to, "din");
    if (!to_din && !strcmp(a->output, "-"))
        return cmd_trace_fail(SUB, CMD_TRACE_USAGE,
                              "a native trace cannot go to standard output (it is written to "
                              "OUTPUT.tmp and renamed when complete)");
    if (to_din && (a->zstd || a->level))
        return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "--zstd and --level apply to native output");
    if (!a->zstd && a->level > 9)
        return cmd_trace_fail(SUB, CMD_TRACE_USAGE, "--level %d: gzip levels are 1-9", a->level);
    return CMD_TRACE_OK;
}

static int output_open(output *o, mm_error *err)
{
    const convert_args *a = o->args;
    o->opened = true;
    if (!strcmp(a->to, "din")) {
        o->din = trace_din_writer_open(a->output, err);
        return o->din ? MM_OK : MM_ERR_IO;
    }
    trace_header h;
    memset(&h, 0, sizeof h);
    h.version = TRACE_VERSION;
    h.format_hint = 0xff;
    const char *text = a->description;
    if (o->format == TRACE_FORMAT_NATIVE) {
        h.format_hint = o->input_header.format_hint;
        if (!text && o->input_header.description[0])
            text = o->input_header.description;
    }
    cmd_trace_description(h.description, text, SUB, o->argc, o->argv);
    o->writer = trace_writer_open(a->output, &h, a->zstd ? TRACE_ZSTD : TRACE_ZLIB, a->level, err);
    return o->writer ? MM_OK : (err->code ? err->code : MM_ERR_IO);
}

static int output_put(void *ctx, const trace_record *rec, mm_error *err)
{
    output *o = ctx;
    if (!o->opened) {
        int rc = output_open(o, err);
        if (rc)
            return rc;
    }
    return o->writer ? trace_write(o->writer, rec, err) : trace_din_write(o->din, rec, err);
}

static int output_close(output *o, mm_error *err)
{
    if (!o->opened && output_open(o, err))
        return err->code;
    if (o->writer)
        return trace_writer_close(o->writer, err);
    return trace_din_writer_close(o->din, err);
}

static void output_abort(output *o)
{
    if (o->writer)
        trace_writer_abort(o->writer);
    if (o->din)
        trace_din_writer_abort(o->din);
}

static void report(const convert_args *a, const output *o, const trace_convert_stats *st,
                   uint64_t dropped)
{
    const char *unit = o->format == TRACE_FORMAT_LACKEY || o->format == TRACE_FORMAT_DIN
                           ? "lines"
                           : "records";
    fprintf(stderr, "mmulab trace convert: %s %s -> %s %s: %llu %s in, %llu records out",
            trace_format_name(o->format), a->input, a->to, a->output,
            (unsigned long long)st->units, unit, (unsigned long long)st->records);
    if (st->skipped)
        fprintf(stderr, ", %llu skipped", (unsigned long long)st->skipped);
    fprintf(stderr, ", %llu instructions", (unsigned long long)st->instructions);
    if (st->trailing_instructions)
        fprintf(stderr, " (+%llu after the last record)",
                (unsigned long long)st->trailing_instructions);
    if (dropped)
        fprintf(stderr, "; %llu records with no din form dropped", (unsigned long long)dropped);
    fputc('\n', stderr);
}

int cmd_trace_convert(int argc, char **argv)
{
    convert_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? CMD_TRACE_OK : rc;
    output o;
    memset(&o, 0, sizeof o);
    o.args = &a;
    o.argc = argc;
    o.argv = argv;
    trace_record_sink sink = {output_put, &o};
    trace_convert_stats st;
    memset(&st, 0, sizeof st);
    mm_error err = {0};
    rc = cmd_trace_read_input(a.input, a.from, &a.opt, &sink, &o.format, &st, &o.input_header,
                              &err);
    uint64_t dropped = o.din ? trace_din_writer_dropped(o.din) : 0;
    if (!rc)
        rc = output_close(&o, &err);
    else
        output_abort(&o);
    if (rc)
        return cmd_trace_fail(SUB, rc == MM_ERR_INVALID ? CMD_TRACE_USAGE : CMD_TRACE_FAILED, "%s",
                              err.msg);
    report(&a, &o, &st, dropped);
    return CMD_TRACE_OK;
}
