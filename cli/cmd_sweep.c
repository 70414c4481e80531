/*
 * cmd_sweep.c — `mmulab sweep --one-pass ...` (docs/sweeps.md): exact TLB
 * miss counts for many sizes from one pass over a trace — every chosen
 * size of a fully associative LRU TLB, or every (sets, ways) of a
 * set-associative one — for the instruction-fetch and data streams, as a
 * table, JSON or tidy CSV, on stdout or atomically into a file.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"
#include "cmd_trace.h"
#include "commands.h"
#include "mmulab/sweep.h"

#define SWEEP_EXIT_FAILED 1
#define SWEEP_EXIT_USAGE 2
#define DEFAULT_FA_LARGEST 4096u
#define DEFAULT_SA_SETS 256u
#define DEFAULT_SA_WAYS 16u

typedef enum { FORMAT_TABLE, FORMAT_JSON, FORMAT_CSV } output_format;

typedef struct {
    bool one_pass;
    sweep_config cfg;
    uint32_t *sizes;        /* FA: the sizes reported, as given */
    uint32_t n_sizes;
    const char *sizes_arg, *max_entries_arg, *ways_arg, *max_sets_arg;
    output_format format;
    const char *out_file;
    const char *trace;
} sweep_options;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: mmulab sweep --one-pass [--kind fa|sa] [--sizes N,N,... | --max-entries N]\n"
            "                    [--max-sets S] [--ways W] [--page-size 4K|2M]\n"
            "                    [--json | --csv] [--out FILE] TRACE\n"
            "\n"
            "Exact miss counts of many true-LRU TLB geometries from one pass over a native\n"
            "trace (\"-\": standard input), for instruction fetches and for data (loads and\n"
            "stores) separately; pages are keyed by process, and an access crossing a page\n"
            "boundary touches both pages (as in mmulab run). TLB flushes are not modelled.\n"
            "  --one-pass          the single-pass algorithms (docs/sweeps.md); required\n"
            "  --kind fa|sa        fully associative (default) or set associative, set =\n"
            "                      page number mod sets\n"
            "  --sizes LIST        fa: the sizes to report (default 1,2,4,...,4096)\n"
            "  --max-entries N     fa: every size 1..N\n"
            "  --max-sets S        sa: sets 1,2,4,...,S, a power of two (default %u)\n"
            "  --ways W            sa: ways 1..W (default %u)\n"
            "  --page-size 4K|2M   the page size of every reference (default 4K)\n"
            "  --json / --csv      JSON, or tidy CSV (one row per stream and geometry)\n"
            "  --out FILE          write the output to FILE (atomically) instead of stdout\n"
            "exit status: 0 success, 1 the trace could not be read or the output written,\n"
            "2 bad command line\n",
            DEFAULT_SA_SETS, DEFAULT_SA_WAYS);
}

static int fail(int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int fail(int status, const char *fmt, ...)
{
    fputs("mmulab sweep: ", stderr);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return status;
}

/* A whole number 1..max in cmd_trace_parse_u64's syntax (0x hex, K/M/G suffixes). */
static bool parse_count(const char *s, uint32_t max, uint32_t *out)
{
    uint64_t v;
    if (!cmd_trace_parse_u64(s, &v) || v == 0 || v > max)
        return false;
    *out = (uint32_t)v;
    return true;
}

static int parse_sizes(sweep_options *o, const char *list)
{
    uint32_t n = 1;
    for (const char *c = list; *c; c++)
        n += *c == ',';
    o->sizes = calloc(n, sizeof *o->sizes);
    if (!o->sizes)
        return fail(SWEEP_EXIT_FAILED, "out of memory");
    char item[32];
    const char *p = list;
    for (uint32_t i = 0; i < n; i++) {
        size_t len = strcspn(p, ",");
        snprintf(item, sizeof item, "%.*s", (int)(len < sizeof item ? len : sizeof item - 1), p);
        if (len >= sizeof item || !parse_count(item, SWEEP_FA_MAX_ENTRIES, &o->sizes[i]))
            return fail(SWEEP_EXIT_USAGE, "--sizes: \"%.*s\" is not a size in 1..%u",
                        (int)(len > 40 ? 40 : len), p, SWEEP_FA_MAX_ENTRIES);
        p += len + 1;
    }
    o->n_sizes = n;
    return 0;
}

static int parse_args(int argc, char **argv, sweep_options *o)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || !strcmp(a, "-")) {
            if (o->trace)
                return fail(SWEEP_EXIT_USAGE, "one trace at a time (\"%s\" and \"%s\")", o->trace, a);
            o->trace = a;
            continue;
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return -1;
        }
        if (!strcmp(a, "--one-pass")) {
            o->one_pass = true;
            continue;
        }
        if (!strcmp(a, "--json") || !strcmp(a, "--csv")) {
            output_format format = !strcmp(a, "--json") ? FORMAT_JSON : FORMAT_CSV;
            if (o->format != FORMAT_TABLE && o->format != format)
                return fail(SWEEP_EXIT_USAGE, "--json and --csv exclude each other");
            o->format = format;
            continue;
        }
        const char *v = i + 1 < argc ? argv[++i] : NULL;
        bool known = !strcmp(a, "--kind") || !strcmp(a, "--sizes") || !strcmp(a, "--max-entries") ||
                     !strcmp(a, "--max-sets") || !strcmp(a, "--ways") ||
                     !strcmp(a, "--page-size") || !strcmp(a, "--out");
        if (!known)
            return fail(SWEEP_EXIT_USAGE, "unknown option %s; see --help", a);
        if (!v)
            return fail(SWEEP_EXIT_USAGE, "%s needs a value", a);
        if (!strcmp(a, "--kind")) {
            if (strcmp(v, "fa") && strcmp(v, "sa"))
                return fail(SWEEP_EXIT_USAGE, "--kind: \"%s\" is neither fa nor sa", v);
            o->cfg.kind = v[0] == 'f' ? SWEEP_FA : SWEEP_SA;
        } else if (!strcmp(a, "--page-size")) {
            if (!strcmp(v, "4K") || !strcmp(v, "4k") || !strcmp(v, "4096"))
                o->cfg.page_level = 0;
            else if (!strcmp(v, "2M") || !strcmp(v, "2m") || !strcmp(v, "2097152"))
                o->cfg.page_level = 1;
            else
                return fail(SWEEP_EXIT_USAGE, "--page-size: \"%s\" is neither 4K nor 2M", v);
        } else if (!strcmp(a, "--out")) {
            o->out_file = v;
        } else if (!strcmp(a, "--sizes")) {
            o->sizes_arg = v;
        } else if (!strcmp(a, "--max-entries")) {
            o->max_entries_arg = v;
        } else if (!strcmp(a, "--max-sets")) {
            o->max_sets_arg = v;
        } else {
            o->ways_arg = v;
        }
    }
    return 0;
}

/* Checks the options against each other and fills the engine geometry. */
static int settle_geometry(sweep_options *o)
{
    if (!o->one_pass)
        return fail(SWEEP_EXIT_USAGE, "--one-pass is required (it selects the single-pass "
                                      "algorithms of docs/sweeps.md)");
    if (!o->trace)
        return fail(SWEEP_EXIT_USAGE, "no trace given; see --help");
    if (o->cfg.kind == SWEEP_FA) {
        if (o->max_sets_arg || o->ways_arg)
            return fail(SWEEP_EXIT_USAGE, "%s is for --kind sa; a fully associative sweep takes "
                        "--sizes or --max-entries", o->max_sets_arg ? "--max-sets" : "--ways");
        if (o->sizes_arg && o->max_entries_arg)
            return fail(SWEEP_EXIT_USAGE, "--sizes and --max-entries exclude each other");
        uint32_t largest = DEFAULT_FA_LARGEST;
        if (o->sizes_arg) {
            int rc = parse_sizes(o, o->sizes_arg);
            if (rc)
                return rc;
        } else {
            if (o->max_entries_arg &&
                !parse_count(o->max_entries_arg, SWEEP_FA_MAX_ENTRIES, &largest))
                return fail(SWEEP_EXIT_USAGE, "--max-entries: \"%s\" is not a size in 1..%u",
                            o->max_entries_arg, SWEEP_FA_MAX_ENTRIES);
            uint32_t n = 0;
            for (uint32_t e = 1; e <= largest; e = o->max_entries_arg ? e + 1 : e * 2)
                n++;
            if (!(o->sizes = calloc(n, sizeof *o->sizes)))
                return fail(SWEEP_EXIT_FAILED, "out of memory");
            for (uint32_t e = 1; e <= largest; e = o->max_entries_arg ? e + 1 : e * 2)
                o->sizes[o->n_sizes++] = e;
        }
        o->cfg.max_entries = 0;
        for (uint32_t i = 0; i < o->n_sizes; i++)
            if (o->sizes[i] > o->cfg.max_entries)
                o->cfg.max_entries = o->sizes[i];
        return 0;
    }
    if (o->sizes_arg || o->max_entries_arg)
        return fail(SWEEP_EXIT_USAGE, "%s is for --kind fa; a set-associative sweep takes "
                    "--max-sets and --ways", o->sizes_arg ? "--sizes" : "--max-entries");
    o->cfg.max_sets = DEFAULT_SA_SETS;
    o->cfg.max_ways = DEFAULT_SA_WAYS;
    if (o->max_sets_arg && (!parse_count(o->max_sets_arg, SWEEP_SA_MAX_SETS, &o->cfg.max_sets) ||
                            (o->cfg.max_sets & (o->cfg.max_sets - 1u))))
        return fail(SWEEP_EXIT_USAGE, "--max-sets: \"%s\" is not a power of two in 1..%u",
                    o->max_sets_arg, SWEEP_SA_MAX_SETS);
    if (o->ways_arg && !parse_count(o->ways_arg, SWEEP_SA_MAX_WAYS, &o->cfg.max_ways))
        return fail(SWEEP_EXIT_USAGE, "--ways: \"%s\" is not a number of ways in 1..%u",
                    o->ways_arg, SWEEP_SA_MAX_WAYS);
    return 0;
}

/* ---- output ---- */

typedef struct {
    uint32_t sets, ways;
    uint64_t misses;
} sweep_row;

static double rate(uint64_t misses, uint64_t references)
{
    return references ? (double)misses / (double)references : 0.0;
}


/* The rows of one stream: the chosen sizes (FA) or the whole grid (SA). */
static sweep_row *collect_rows(const sweep *s, const sweep_options *o, sweep_stream stream,
                               uint32_t *n_rows)
{
    const sweep_config *c = sweep_get_config(s);
    uint32_t width = c->kind == SWEEP_FA ? c->max_entries : c->max_ways;
    uint64_t *curve = malloc((size_t)width * sizeof *curve);
    uint32_t levels = 0;
    while (c->kind == SWEEP_SA && (1u << levels) <= c->max_sets)
        levels++;
    uint32_t n = c->kind == SWEEP_FA ? o->n_sizes : levels * c->max_ways;
    sweep_row *rows = malloc((size_t)n * sizeof *rows);
    if (!curve || !rows) {
        free(curve);
        free(rows);
        return NULL;
    }
    if (c->kind == SWEEP_FA) {
        sweep_miss_curve(s, stream, 1, curve, width, NULL);
        for (uint32_t i = 0; i < n; i++)
            rows[i] = (sweep_row){1, o->sizes[i], curve[o->sizes[i] - 1u]};
    } else {
        uint32_t at = 0;
        for (uint32_t sets = 1; sets <= c->max_sets; sets *= 2) {
            sweep_miss_curve(s, stream, sets, curve, width, NULL);
            for (uint32_t w = 1; w <= width; w++)
                rows[at++] = (sweep_row){sets, w, curve[w - 1u]};
        }
    }
    free(curve);
    *n_rows = n;
    return rows;
}

static void print_mpki(FILE *f, uint64_t misses, uint64_t instructions, const char *none,
                       const char *fmt)
{
    if (instructions)
        fprintf(f, fmt, 1000.0 * (double)misses / (double)instructions);
    else
        fputs(none, f);
}

static void write_header(FILE *f, const sweep *s, const sweep_options *o)
{
    const sweep_totals *t = sweep_get_totals(s);
    const sweep_config *c = sweep_get_config(s);
    unsigned page = c->page_level ? 2097152u : 4096u;
    if (o->format == FORMAT_JSON) {
        fputs("{\"trace\": ", f);
        cli_put_json_string(f, o->trace);
        fprintf(f,
                ", \"kind\": \"%s\", \"page_size\": %u, \"records\": %llu, \"accesses\": %llu, "
                "\"instructions\": %llu, \"page_crossings\": %llu, \"processes\": %llu,\n"
                " \"streams\": {",
                c->kind == SWEEP_FA ? "fa" : "sa", page, (unsigned long long)t->records,
                (unsigned long long)t->accesses, (unsigned long long)t->instructions,
                (unsigned long long)t->page_crossings, (unsigned long long)t->processes);
    } else if (o->format == FORMAT_CSV) {
        fputs("trace,stream,kind,page_size,sets,ways,entries,references,misses,miss_rate,mpki\n", f);
    } else {
        fprintf(f, "mmulab sweep: %s, %s true-LRU TLB, %s pages, one pass\n", o->trace,
                c->kind == SWEEP_FA ? "fully associative" : "set-associative",
                c->page_level ? "2M" : "4K");
        fprintf(f,
                "records %llu, accesses %llu, instructions %llu, page crossings %llu, "
                "processes %llu\nreferences: ifetch %llu, data %llu\n",
                (unsigned long long)t->records, (unsigned long long)t->accesses,
                (unsigned long long)t->instructions, (unsigned long long)t->page_crossings,
                (unsigned long long)t->processes, (unsigned long long)t->references[SWEEP_IFETCH],
                (unsigned long long)t->references[SWEEP_DATA]);
    }
}

static void write_stream(FILE *f, const sweep *s, const sweep_options *o, sweep_stream stream,
                         const sweep_row *rows, uint32_t n)
{
    const sweep_totals *t = sweep_get_totals(s);
    const sweep_config *c = sweep_get_config(s);
    uint64_t refs = t->references[stream];
    const char *name = sweep_stream_name(stream);
    if (o->format == FORMAT_JSON) {
        fprintf(f, "%s\n  \"%s\": {\"references\": %llu, \"results\": [", stream ? "," : "", name,
                (unsigned long long)refs);
        for (uint32_t i = 0; i < n; i++) {
            fprintf(f,
                    "%s\n    {\"sets\": %u, \"ways\": %u, \"entries\": %llu, \"misses\": %llu, "
                    "\"miss_rate\": %.6f, \"mpki\": ",
                    i ? "," : "", rows[i].sets, rows[i].ways,
                    (unsigned long long)rows[i].sets * rows[i].ways,
                    (unsigned long long)rows[i].misses, rate(rows[i].misses, refs));
            print_mpki(f, rows[i].misses, t->instructions, "null", "%.6f");
            fputc('}', f);
        }
        fputs("]}", f);
        return;
    }
    if (o->format == FORMAT_CSV) {
        for (uint32_t i = 0; i < n; i++) {
            cli_put_csv_field(f, o->trace);
            fprintf(f, ",%s,%s,%u,%u,%u,%llu,%llu,%llu,%.6f,", name,
                    c->kind == SWEEP_FA ? "fa" : "sa", c->page_level ? 2097152u : 4096u,
                    rows[i].sets, rows[i].ways, (unsigned long long)rows[i].sets * rows[i].ways,
                    (unsigned long long)refs, (unsigned long long)rows[i].misses,
                    rate(rows[i].misses, refs));
            print_mpki(f, rows[i].misses, t->instructions, "", "%.6f");
            fputc('\n', f);
        }
        return;
    }
    bool sa = c->kind == SWEEP_SA;
    fprintf(f, "\n%-7s ", "stream");
    if (sa)
        fprintf(f, "%7s %5s ", "sets", "ways");
    fprintf(f, "%9s %14s %9s %10s\n", "entries", "misses", "miss%", "MPKI");
    for (uint32_t i = 0; i < n; i++) {
        fprintf(f, "%-7s ", name);
        if (sa)
            fprintf(f, "%7u %5u ", rows[i].sets, rows[i].ways);
        fprintf(f, "%9llu %14llu %8.3f%% ", (unsigned long long)rows[i].sets * rows[i].ways,
                (unsigned long long)rows[i].misses, 100.0 * rate(rows[i].misses, refs));
        print_mpki(f, rows[i].misses, t->instructions, "         -", "%10.3f");
        fputc('\n', f);
    }
}

/* Writes the whole report to f; false when out of memory. */
static bool write_report(FILE *f, const sweep *s, const sweep_options *o)
{
    write_header(f, s, o);
    for (unsigned st = 0; st < SWEEP_STREAM_COUNT; st++) {
        uint32_t n;
        sweep_row *rows = collect_rows(s, o, (sweep_stream)st, &n);
        if (!rows)
            return false;
        write_stream(f, s, o, (sweep_stream)st, rows, n);
        free(rows);
    }
    if (o->format == FORMAT_JSON)
        fputs("}}\n", f);
    return true;
}

/* To stdout, or to out_file through out_file.tmp renamed on success. */
static int emit(const sweep *s, const sweep_options *o)
{
    if (!o->out_file) {
        bool ok = write_report(stdout, s, o);
        if (fflush(stdout) || !ok)
            return fail(SWEEP_EXIT_FAILED, "%s", ok ? "cannot write the output" : "out of memory");
        return 0;
    }
    size_t len = strlen(o->out_file) + 5;
    char *tmp = malloc(len);
    if (!tmp)
        return fail(SWEEP_EXIT_FAILED, "out of memory");
    snprintf(tmp, len, "%s.tmp", o->out_file);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        int rc = fail(SWEEP_EXIT_FAILED, "cannot write %s: %s", tmp, strerror(errno));
        free(tmp);
        return rc;
    }
    bool ok = write_report(f, s, o);
    bool written = !ferror(f);
    written = fclose(f) == 0 && written;
    int rc = 0;
    if (!ok || !written || rename(tmp, o->out_file) != 0) {
        rc = fail(SWEEP_EXIT_FAILED, "cannot write %s: %s", o->out_file,
                  ok ? strerror(errno) : "out of memory");
        remove(tmp);
    }
    free(tmp);
    return rc;
}

int cmd_sweep(int argc, char **argv)
{
    sweep_options o;
    memset(&o, 0, sizeof o);
    o.cfg.kind = SWEEP_FA;
    int rc = parse_args(argc, argv, &o);
    if (rc == 0)
        rc = settle_geometry(&o);
    if (rc) {
        free(o.sizes);
        return rc < 0 ? 0 : rc;
    }
    mm_error err = {0};
    sweep *s = sweep_create(&o.cfg, &err);
    if (!s) {
        free(o.sizes);
        /* the library's messages already start with "sweep: " */
        const char *msg = strncmp(err.msg, "sweep: ", 7) ? err.msg : err.msg + 7;
        return fail(err.code == MM_ERR_NOMEM ? SWEEP_EXIT_FAILED : SWEEP_EXIT_USAGE, "%s", msg);
    }
    if (sweep_feed_trace(s, o.trace, &err) != MM_OK)
        rc = fail(SWEEP_EXIT_FAILED, "%s", err.msg);
    else
        rc = emit(s, &o);
    sweep_destroy(s);
    free(o.sizes);
    return rc;
}
