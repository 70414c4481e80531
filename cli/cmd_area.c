/*
 * cmd_area.c — `mmulab area` (docs/cli.md): synthesizes the MMU a config
 * describes with Yosys to generic gates and reports cells, flip-flop bits
 * and memory bits per block of mmu_top, so a sweep can set miss rates
 * against hardware cost. The parameters are cfg_rtl_package's (the text
 * `mmulab rtl-params` prints); scripts/yosys_prep.py rewrites rtl/ into what
 * Debian's Yosys 0.23 reads; `uniquify` gives every instance its own module
 * named by its path, so Yosys's per-module `stat` is per instance.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_util.h"
#include "cmd_run.h"
#include "commands.h"
#include "mmulab/config.h"

#ifndef MMULAB_SOURCE_DIR
#define MMULAB_SOURCE_DIR "."
#endif

#define MAX_SETS 64
#define MAX_BLOCKS 32
#define PATH_MAX_LEN 4096
/* TLB arrays above this many entries make memories and gates synthesis
 * slow and big (docs/cli.md: 384 entries, 10 min and 7.6 GB) */
#define BIG_ARRAY 256

typedef enum { OUT_TABLE, OUT_JSON, OUT_CSV } out_format;

/* How arrays are counted (docs/cli.md, "mmulab area"). `gates` is synth
 * whole: every array becomes flip-flops and read multiplexers. `memories`
 * is synth's script without memory_map: the arrays Yosys infers stay RAMs,
 * counted in bits (memory_unpack turns them back into memories for stat,
 * each port one cell); without ROMs (-norom: a case table stays logic) and
 * without wide ports (-nowiden: merging them rounds a 384-entry RAM up to
 * 512). `storage` stops once the processes' registers and memories are
 * known, before proc_mux, which spends minutes on a big TLB's dynamically
 * indexed valid bits: the bits as declared, before optimization, no cells;
 * the registers proc_dff makes of the frontend's temporaries (memory-write
 * operands, loop variables: internal `$` names) are not storage. */
typedef struct {
    const char *name;
    const char *synth; /* the Yosys commands after elaboration */
    bool has_cells;
    const char *note;  /* the table's last lines */
} area_mode;

static const area_mode MODES[] = {
    {"memories",
     /* synth -top mmu_top (Yosys 0.23's script), memory options changed */
     "proc -norom\nopt_expr\nopt_clean\ncheck\nopt -nodffe -nosdff\nfsm\nopt\nwreduce\n"
     "peepopt\nopt_clean\nalumacc\nshare\nopt\nmemory -nomap -norom -nowiden\nopt_clean\n"
     "opt -fast -full\nopt -full\ntechmap\nopt -fast\nabc -fast\nopt -fast\n"
     "hierarchy -check\ncheck\nmemory_unpack\n",
     true,
     "cells: Yosys's generic gates and flip-flops, one per RAM port; memory bits: the\n"
     "arrays kept as RAMs\n"},
    {"gates", "synth -top mmu_top\n", true,
     "cells: Yosys's generic gates and flip-flops; every array is in flip-flops\n"},
    {"storage",
     "proc_clean\nproc_rmdead\nproc_prune\nproc_init\nproc_arst\nproc_dff\nproc_memwr\n"
     "delete w:$* %ci1:+[Q] t:$dff t:$adff t:$dffe t:$adffe t:$sdff t:$sdffe t:$sdffce t:$aldff "
     "t:$aldffe t:$dffsr t:$dffsre %u %u %u %u %u %u %u %u %u %u %i\n",
     false,
     "storage only: flip-flop and array (memory) bits as the RTL declares them,\n"
     "before optimization; --mode memories synthesizes the logic\n"},
};
#define N_MODES (sizeof MODES / sizeof MODES[0])

typedef struct {
    const char *preset, *config_file, *out;
    const char *sets[MAX_SETS];
    size_t n_sets;
    out_format format;
    const area_mode *mode;
    bool keep;
} area_options;

/* one row of the report: an instance of mmu_top with everything below it */
typedef struct {
    char block[CFG_NAME_LEN + 8]; /* "tlb.l1dtlb", "walker" (or "walker.1"), ..., "top" */
    char instance[128];           /* its instance name in mmu_top ("" for the glue) */
    uint64_t cells, flops, mem_bits;
} area_row;

typedef struct {
    area_row rows[MAX_BLOCKS];
    size_t n;
    area_row total;
    char yosys[128]; /* Yosys's version line, for the record */
} area_report;

static void area_usage(FILE *f)
{
    fprintf(f,
            "usage: mmulab area [--preset NAME | --config FILE] [--set KEY=VALUE]...\n"
            "                   [--mode memories|gates|storage] [--json | --csv] [-o FILE]\n"
            "                   [--keep]\n"
            "Synthesizes mmu_top for this config with Yosys to generic gates (hierarchy\n"
            "kept) and prints cells, flip-flop bits and memory bits per block and in\n"
            "total (docs/cli.md, \"mmulab area\").\n"
            "  --mode memories  arrays kept as RAMs (memory bits), the rest in gates\n"
            "                   (default; minutes, half an hour for a 1536-entry TLB)\n"
            "  --mode gates     every array in flip-flops and multiplexers too (small\n"
            "                   TLBs only: a 1536-entry one needs more than 22 GB)\n"
            "  --mode storage   seconds: register and array bits as the RTL declares\n"
            "                   them, before optimization; no cells\n"
            "  --json, --csv    machine-readable report; -o FILE writes it atomically\n"
            "  --keep           keep the work directory (sources, script, Yosys log)\n"
            "Sources: $MMULAB_RTL_DIR (else $MMULAB_SOURCE_DIR/rtl, else the source\n"
            "tree this mmulab was built from) and scripts/yosys_prep.py under\n"
            "$MMULAB_SOURCE_DIR (else that tree).\n");
}

static int parse_args(int argc, char **argv, area_options *o)
{
    memset(o, 0, sizeof *o);
    o->mode = &MODES[0];
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            area_usage(stdout);
            return -1;
        }
        if (!strcmp(a, "--json") || !strcmp(a, "--csv")) {
            if (o->format != OUT_TABLE) {
                fprintf(stderr, "mmulab area: --json and --csv exclude each other\n");
                return EXIT_USAGE;
            }
            o->format = a[2] == 'j' ? OUT_JSON : OUT_CSV;
            continue;
        }
        if (!strcmp(a, "--keep")) {
            o->keep = true;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "mmulab area: %s needs a value (or is unknown); see --help\n", a);
            return EXIT_USAGE;
        }
        const char *v = argv[++i];
        if (!strcmp(a, "--preset")) {
            o->preset = v;
        } else if (!strcmp(a, "--config")) {
            o->config_file = v;
        } else if (!strcmp(a, "-o")) {
            o->out = v;
        } else if (!strcmp(a, "--mode")) {
            o->mode = NULL;
            for (size_t m = 0; m < N_MODES; m++)
                if (!strcmp(v, MODES[m].name))
                    o->mode = &MODES[m];
            if (!o->mode) {
                fprintf(stderr, "mmulab area: --mode %s: expected memories, gates or storage\n", v);
                return EXIT_USAGE;
            }
        } else if (!strcmp(a, "--set")) {
            if (o->n_sets == MAX_SETS) {
                fprintf(stderr, "mmulab area: more than %d --set options\n", MAX_SETS);
                return EXIT_USAGE;
            }
            o->sets[o->n_sets++] = v;
        } else {
            fprintf(stderr, "mmulab area: unknown option %s; see --help\n", a);
            return EXIT_USAGE;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ files */

static bool join_path(char *dst, const char *dir, const char *name)
{
    int n = snprintf(dst, PATH_MAX_LEN, "%s/%s", dir, name);
    return n > 0 && n < PATH_MAX_LEN;
}

/* path made absolute in place (the tools run in the work directory) */
static bool absolute(char *path)
{
    char *abs = realpath(path, NULL);
    if (!abs || strlen(abs) >= PATH_MAX_LEN) {
        free(abs);
        return false;
    }
    strcpy(path, abs);
    free(abs);
    return true;
}

/* The first directory of $PATH holding an executable name, as an absolute
 * path, or false. */
static bool find_in_path(const char *name, char *found)
{
    const char *path = getenv("PATH");
    if (!path)
        return false;
    while (*path) {
        size_t len = strcspn(path, ":");
        char dir[PATH_MAX_LEN];
        if (len == 0 || len >= sizeof dir) {
            if (len == 0)
                snprintf(dir, sizeof dir, ".");
            else
                dir[0] = '\0';
        } else {
            memcpy(dir, path, len);
            dir[len] = '\0';
        }
        if (dir[0] && join_path(found, dir, name) && access(found, X_OK) == 0 && absolute(found))
            return true;
        path += len;
        if (*path == ':')
            path++;
    }
    return false;
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t len = strlen(text);
    bool ok = fwrite(text, 1, len, f) == len;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* ------------------------------------------------------------------ tools */

/* Ctrl-C or a kill during a long synthesis: passed on to the tool, so that
 * mmulab can still remove its work directory before it exits. */
static volatile sig_atomic_t area_signal, area_child;

static void forward_signal(int sig)
{
    area_signal = sig;
    if (area_child > 0)
        kill((pid_t)area_child, sig);
}

/* Yosys's memory: $MMULAB_AREA_MEMORY MiB, else three quarters of the
 * machine's, so a synthesis that would need more fails on its own
 * (std::bad_alloc) instead of waking the OOM killer, which may pick another
 * process. 0 when unknown. */
static uint64_t memory_limit(void)
{
    const char *mib = getenv("MMULAB_AREA_MEMORY");
    if (mib && *mib)
        return strtoull(mib, NULL, 10) << 20;
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size / 4 * 3 : 0;
}

/* Runs argv (argv[0] an absolute path) in dir with stdin from /dev/null and
 * stdout, stderr into the files out_name, err_name there (one file when the
 * names are equal), its address space limited to limit bytes (0: no
 * limit). The exit status, 128 + signal, or -1 with errno. */
static int run_in(const char *dir, char *const argv[], const char *out_name, const char *err_name,
                  uint64_t limit)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(126);
        int in = open("/dev/null", O_RDONLY);
        int out = open(out_name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = strcmp(out_name, err_name) ? open(err_name, O_WRONLY | O_CREAT | O_TRUNC, 0644)
                                             : out;
        if (in < 0 || out < 0 || err < 0 || dup2(in, STDIN_FILENO) < 0 ||
            dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0)
            _exit(126);
        struct rlimit as = {(rlim_t)limit, (rlim_t)limit};
        if (limit)
            setrlimit(RLIMIT_AS, &as);
        execv(argv[0], argv);
        _exit(127);
    }
    area_child = pid;
    if (area_signal)
        kill(pid, area_signal);
    int raw, rc;
    while ((rc = waitpid(pid, &raw, 0)) < 0 && errno == EINTR)
        ;
    area_child = 0;
    if (rc < 0)
        return -1;
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
}

/* The first line of text holding needle (or the first non-empty line when
 * needle is NULL), trimmed, into line. */
static void first_line(const char *text, const char *needle, char *line, size_t size)
{
    line[0] = '\0';
    for (const char *p = text; p && *p;) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && (p[len - 1] == '\r' || p[len - 1] == ' '))
            len--;
        bool match = len > 0;
        if (needle) {
            size_t nlen = strlen(needle);
            match = false;
            for (size_t k = 0; k + nlen <= len && !match; k++)
                match = !memcmp(p + k, needle, nlen);
        }
        if (match) {
            while (len && *p == ' ') {
                p++;
                len--;
            }
            if (len >= size)
                len = size - 1;
            memcpy(line, p, len);
            line[len] = '\0';
            return;
        }
        p = end ? end + 1 : NULL;
    }
}

/* ------------------------------------------------------------------ report */

/* Flip-flop (or latch) bits of count cells of a `stat -width` type: one
 * per gate-level cell ($_DFF_PN0_, $_SDFFE_PP0P_, $_DLATCH_N_ ...), WIDTH
 * per word-level one ($adff_52, $dffe_8 ...). */
static uint64_t storage_bits(const char *type, uint64_t count)
{
    static const char *const gate[] = {"$_DFF", "$_SDFF", "$_ALDFF", "$_FF_", "$_DLATCH"};
    static const char *const word[] = {"$dff",  "$adff",  "$sdff", "$aldff",
                                       "$ff_",  "$dlatch", "$adlatch"};
    for (size_t i = 0; i < sizeof gate / sizeof gate[0]; i++)
        if (!strncmp(type, gate[i], strlen(gate[i])))
            return count;
    for (size_t i = 0; i < sizeof word / sizeof word[0]; i++)
        if (!strncmp(type, word[i], strlen(word[i]))) {
            const char *w = strrchr(type, '_');
            return w ? count * strtoull(w + 1, NULL, 10) : 0;
        }
    return 0;
}

/* The report row of the instance inst of mmu_top (the name `uniquify`
 * gives its module, less "mmu_top."): the config's name for a TLB, "walker"
 * (with several, "walker.K" for the K-th), else the block's. */
static void name_block(const mmu_config *cfg, const char *inst, char *block, size_t size)
{
    static const struct {
        const char *inst, *block;
    } fixed[] = {{"u_pwc", "walk_cache"},           {"u_perm", "perm_check"},
                 {"u_flush_decode", "flush_decode"}, {"u_ctx", "ctx_table"}};
    unsigned k;
    int used = 0;
    if (sscanf(inst, "g_walker[%u].u_walker%n", &k, &used) == 1 && inst[used] == '\0') {
        if (cfg->walker.count > 1)
            snprintf(block, size, "walker.%u", k);
        else
            snprintf(block, size, "walker");
        return;
    }
    used = 0;
    if (sscanf(inst, "g_tlb[%u].u_tlb%n", &k, &used) == 1 && inst[used] == '\0') {
        /* g_tlb[k] is the k-th TLB in lookup order: by level, then config
         * order (cfg_rtl_package's CfgTlbIndex) */
        unsigned n = 0;
        for (unsigned level = 1; level <= CFG_MAX_TLBS; level++)
            for (unsigned i = 0; i < cfg->n_tlbs; i++)
                if (cfg->tlbs[i].level == level && n++ == k) {
                    snprintf(block, size, "tlb.%s", cfg->tlbs[i].name);
                    return;
                }
    }
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (!strcmp(inst, fixed[i].inst)) {
            snprintf(block, size, "%s", fixed[i].block);
            return;
        }
    snprintf(block, size, "%s", inst);
}

/* Report order: TLBs in lookup order, the blocks above, then any other. */
static int block_rank(const area_row *r)
{
    static const char *const order[] = {"walker", "walk_cache", "perm_check", "flush_decode",
                                        "ctx_table"};
    if (!strncmp(r->instance, "g_tlb[", 6))
        return 0;
    if (!strncmp(r->instance, "g_walker[", 9))
        return 1;
    for (int i = 0; i < 5; i++)
        if (!strcmp(r->block, order[i]))
            return 1 + i;
    return r->instance[0] ? 6 : 7;
}

static int compare_rows(const void *a, const void *b)
{
    const area_row *x = a, *y = b;
    int rx = block_rank(x), ry = block_rank(y);
    if (rx != ry)
        return rx - ry;
    /* g_tlb[2] before g_tlb[10]: by length, then by name */
    size_t lx = strlen(x->instance), ly = strlen(y->instance);
    if (lx != ly)
        return lx < ly ? -1 : 1;
    return strcmp(x->instance, y->instance);
}

/* One module of Yosys's `stat -width` text. */
typedef struct {
    char name[256];
    uint64_t cells, flops, mem_bits; /* cells exclude submodule instances */
} stat_module;

#define MAX_MODULES 256

/* Parses the per-module sections of `stat -width` ("=== NAME ===", then
 * "   Number of cells: N", "   Number of memory bits: N" and a line
 * "     TYPE COUNT" per cell type, a submodule being a type). After
 * `uniquify` every module below mmu_top is named "mmu_top.PATH"; the
 * instances of mmu_top go to children. Returns the number of modules, or
 * -1 with msg. */
static int parse_stat(const char *text, stat_module *mods, char children[][128],
                      size_t *n_children, char *msg, size_t msg_size)
{
    int n = 0;
    *n_children = 0;
    for (const char *p = text; p && *p;) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char line[512];
        if (len >= sizeof line)
            len = sizeof line - 1;
        memcpy(line, p, len);
        line[len] = '\0';
        p = end ? end + 1 : NULL;
        char type[256];
        unsigned long long count;
        if (!strncmp(line, "=== ", 4) && len > 8 && !strcmp(line + len - 4, " ===")) {
            line[len - 4] = '\0';
            if (!strcmp(line + 4, "design hierarchy"))
                break;
            if (n == MAX_MODULES) {
                snprintf(msg, msg_size, "Yosys's design has more than %d modules", MAX_MODULES);
                return -1;
            }
            memset(&mods[n], 0, sizeof mods[n]);
            snprintf(mods[n].name, sizeof mods[n].name, "%s", line + 4);
            n++;
        } else if (n == 0) {
            continue;
        } else if (sscanf(line, "   Number of cells: %llu", &count) == 1) {
            mods[n - 1].cells += count;
        } else if (sscanf(line, "   Number of memory bits: %llu", &count) == 1) {
            mods[n - 1].mem_bits = count;
        } else if (!strncmp(line, "     ", 5) && sscanf(line, "%255s %llu", type, &count) == 2) {
            if (!strncmp(type, "mmu_top.", 8)) {
                mods[n - 1].cells -= count; /* counted in its own module */
                if (!strcmp(mods[n - 1].name, "mmu_top")) {
                    if (*n_children == MAX_BLOCKS - 1) {
                        snprintf(msg, msg_size, "mmu_top has more than %d instances",
                                 MAX_BLOCKS - 1);
                        return -1;
                    }
                    snprintf(children[(*n_children)++], 128, "%s", type + 8);
                }
            } else {
                mods[n - 1].flops += storage_bits(type, count);
            }
        }
    }
    return n;
}

/* Fills rep from `stat -width` text: a row per instance of mmu_top summing
 * every module at or below it, and a row for mmu_top's own logic. */
static int build_report(const char *stat, const mmu_config *cfg, area_report *rep, char *msg,
                        size_t msg_size)
{
    static stat_module mods[MAX_MODULES];
    char children[MAX_BLOCKS][128];
    size_t n_children;
    memset(rep, 0, sizeof *rep);
    int n = parse_stat(stat, mods, children, &n_children, msg, msg_size);
    if (n < 0)
        return -1;
    for (size_t i = 0; i < n_children; i++) {
        area_row *r = &rep->rows[rep->n++];
        snprintf(r->instance, sizeof r->instance, "%s", children[i]);
        name_block(cfg, r->instance, r->block, sizeof r->block);
    }
    area_row *glue = &rep->rows[rep->n++];
    snprintf(glue->block, sizeof glue->block, "top");
    bool have_top = false;
    for (int m = 0; m < n; m++) {
        const char *name = mods[m].name;
        area_row *row = NULL;
        if (!strcmp(name, "mmu_top")) {
            row = glue;
            have_top = true;
        } else if (!strncmp(name, "mmu_top.", 8)) {
            /* the instance of mmu_top whose path starts the module's */
            for (size_t i = 0; i + 1 < rep->n; i++) {
                size_t len = strlen(rep->rows[i].instance);
                if (!strncmp(name + 8, rep->rows[i].instance, len) &&
                    (name[8 + len] == '\0' || name[8 + len] == '.') &&
                    (!row || strlen(row->instance) < len))
                    row = &rep->rows[i];
            }
        }
        if (!row) {
            snprintf(msg, msg_size, "Yosys kept module %s, which is not below mmu_top", name);
            return -1;
        }
        row->cells += mods[m].cells;
        row->flops += mods[m].flops;
        row->mem_bits += mods[m].mem_bits;
    }
    if (!have_top) {
        snprintf(msg, msg_size, "Yosys's statistics have no module mmu_top");
        return -1;
    }
    return 0;
}

static void finish_report(area_report *rep)
{
    qsort(rep->rows, rep->n, sizeof rep->rows[0], compare_rows);
    memset(&rep->total, 0, sizeof rep->total);
    snprintf(rep->total.block, sizeof rep->total.block, "total");
    for (size_t i = 0; i < rep->n; i++) {
        rep->total.cells += rep->rows[i].cells;
        rep->total.flops += rep->rows[i].flops;
        rep->total.mem_bits += rep->rows[i].mem_bits;
    }
}

/* ------------------------------------------------------------------ output */

/* KEY of a KEY=VALUE (into key), and VALUE */
static const char *split_set(const char *set, char *key, size_t size)
{
    const char *eq = strchr(set, '=');
    size_t len = eq ? (size_t)(eq - set) : strlen(set);
    if (len >= size)
        len = size - 1;
    memcpy(key, set, len);
    key[len] = '\0';
    return eq ? eq + 1 : "";
}

static void format_json(FILE *f, const area_options *o, const area_report *rep)
{
    fprintf(f, "{\n  \"preset\": ");
    if (o->preset)
        cli_put_json_string(f, o->preset);
    else
        fprintf(f, "null");
    fprintf(f, ",\n  \"config\": ");
    if (o->config_file)
        cli_put_json_string(f, o->config_file);
    else
        fprintf(f, "null");
    fprintf(f, ",\n  \"set\": [");
    for (size_t i = 0; i < o->n_sets; i++) {
        fprintf(f, i ? ", " : "");
        cli_put_json_string(f, o->sets[i]);
    }
    fprintf(f, "],\n  \"mode\": \"%s\",\n  \"yosys\": ", o->mode->name);
    cli_put_json_string(f, rep->yosys);
    fprintf(f, ",\n  \"blocks\": [\n");
    for (size_t i = 0; i <= rep->n; i++) {
        const area_row *r = i < rep->n ? &rep->rows[i] : &rep->total;
        if (i == rep->n)
            fprintf(f, "  ],\n  \"total\": ");
        else
            fprintf(f, "    ");
        fprintf(f, "{\"block\": ");
        cli_put_json_string(f, r->block);
        fprintf(f, ", \"instance\": ");
        cli_put_json_string(f, r->instance);
        if (o->mode->has_cells)
            fprintf(f, ", \"cells\": %llu", (unsigned long long)r->cells);
        else
            fprintf(f, ", \"cells\": null");
        fprintf(f, ", \"flip_flops\": %llu, \"memory_bits\": %llu}", (unsigned long long)r->flops,
                  (unsigned long long)r->mem_bits);
        fprintf(f, i + 1 < rep->n ? ",\n" : "\n");
    }
    fprintf(f, "}\n");
}

/* One row per block and one for the total; the config's identifying
 * columns first (as in a sweep's results.csv: preset, config, then each
 * --set key), so the file joins a sweep's on them. */
static void format_csv(FILE *f, const area_options *o, const area_report *rep)
{
    char key[256];
    fprintf(f, "preset,config");
    for (size_t i = 0; i < o->n_sets; i++) {
        split_set(o->sets[i], key, sizeof key);
        fprintf(f, ",");
        cli_put_csv_field(f, key);
    }
    fprintf(f, ",mode,block,instance,cells,flip_flops,memory_bits\n");
    for (size_t i = 0; i <= rep->n; i++) {
        const area_row *r = i < rep->n ? &rep->rows[i] : &rep->total;
        cli_put_csv_field(f, o->preset ? o->preset : "");
        fprintf(f, ",");
        cli_put_csv_field(f, o->config_file ? o->config_file : "");
        for (size_t s = 0; s < o->n_sets; s++) {
            fprintf(f, ",");
            cli_put_csv_field(f, split_set(o->sets[s], key, sizeof key));
        }
        fprintf(f, ",%s,", o->mode->name);
        cli_put_csv_field(f, r->block);
        fprintf(f, ",");
        cli_put_csv_field(f, r->instance);
        fprintf(f, ",");
        if (o->mode->has_cells)
            fprintf(f, "%llu", (unsigned long long)r->cells);
        fprintf(f, ",%llu,%llu\n", (unsigned long long)r->flops, (unsigned long long)r->mem_bits);
    }
}

static void format_table(FILE *f, const mmu_config *cfg, const area_options *o,
                         const area_report *rep)
{
    fprintf(f, "area of mmu_top for config \"%s\" (%s, mode %s)\n", cfg->name, rep->yosys,
              o->mode->name);
    fprintf(f, "%-20s %-18s %12s %12s %12s\n", "block", "instance", "cells", "flip-flops",
              "memory bits");
    for (size_t i = 0; i <= rep->n; i++) {
        const area_row *r = i < rep->n ? &rep->rows[i] : &rep->total;
        char cells[24] = "-";
        if (o->mode->has_cells)
            snprintf(cells, sizeof cells, "%llu", (unsigned long long)r->cells);
        fprintf(f, "%-20s %-18s %12s %12llu %12llu\n", r->block,
                  r->instance[0] ? r->instance : i < rep->n ? "(mmu_top)" : "", cells,
                  (unsigned long long)r->flops, (unsigned long long)r->mem_bits);
    }
    fprintf(f, "%s", o->mode->note);
}

/* ------------------------------------------------------------------ command */

/* A note on stderr before a long synthesis: the biggest TLB array. */
static void warn_big_arrays(const mmu_config *cfg, const area_mode *mode)
{
    const cfg_tlb *big = NULL;
    uint32_t entries = 0;
    for (unsigned i = 0; i < cfg->n_tlbs; i++)
        for (unsigned a = 0; a < cfg->tlbs[i].tlb.n_arrays; a++)
            if (cfg->tlbs[i].tlb.arrays[a].entries > entries) {
                entries = cfg->tlbs[i].tlb.arrays[a].entries;
                big = &cfg->tlbs[i];
            }
    if (mode->has_cells && big && entries > BIG_ARRAY)
        fprintf(stderr,
                "mmulab area: note: %s has a %u-entry array: synthesis takes tens of minutes and "
                "many GB (docs/cli.md); --mode storage takes seconds\n",
                big->name, (unsigned)entries);
}

typedef struct {
    char dir[PATH_MAX_LEN];
    char yosys[PATH_MAX_LEN], python[PATH_MAX_LEN];
    char rtl[PATH_MAX_LEN], prep[PATH_MAX_LEN];
} area_env;

/* Where the sources are: the environment, else the compiled-in tree. */
static int locate_sources(area_env *env)
{
    const char *src = getenv("MMULAB_SOURCE_DIR");
    if (!src || !*src)
        src = MMULAB_SOURCE_DIR;
    const char *rtl = getenv("MMULAB_RTL_DIR");
    char probe[PATH_MAX_LEN];
    bool ok = (rtl && *rtl) ? snprintf(env->rtl, sizeof env->rtl, "%s", rtl) < (int)sizeof env->rtl
                            : join_path(env->rtl, src, "rtl");
    if (!ok || !join_path(probe, env->rtl, "mmu_top.sv") || access(probe, R_OK) != 0 ||
        !absolute(env->rtl)) {
        fprintf(stderr,
                "mmulab area: %s: no mmu_top.sv there (set MMULAB_RTL_DIR or MMULAB_SOURCE_DIR)\n",
                env->rtl);
        return EXIT_FAILURE;
    }
    if (!join_path(env->prep, src, "scripts/yosys_prep.py") || access(env->prep, R_OK) != 0 ||
        !absolute(env->prep)) {
        fprintf(stderr, "mmulab area: %s: not found (set MMULAB_SOURCE_DIR to the source tree)\n",
                env->prep);
        return EXIT_FAILURE;
    }
    return 0;
}

/* Writes the Yosys script to f: read the prepared sources (one per line of
 * list, in that order), elaborate, make every instance its own module,
 * synthesize, and write the statistics. Paths are relative to the work
 * directory. 0, or -1 with msg. */
static int yosys_script(FILE *f, const char *list, const area_mode *mode, char *msg,
                        size_t msg_size)
{
    fprintf(f, "read_verilog -sv");
    for (const char *p = list; *p;) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *base = p;
        for (const char *q = p; q < p + len; q++)
            if (*q == '/')
                base = q + 1;
        size_t blen = (size_t)(p + len - base);
        static const char name_chars[] = "abcdefghijklmnopqrstuvwxyz"
                                         "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
        if (blen && strspn(base, name_chars) < blen) {
            snprintf(msg, msg_size, "yosys_prep.py wrote an unexpected file name: %.*s", (int)len,
                     p);
            return -1;
        }
        if (blen)
            fprintf(f, " src/%.*s", (int)blen, base);
        p = end ? end + 1 : p + len;
    }
    fprintf(f, "\nhierarchy -check -top mmu_top\n"
               "uniquify\n"
               "hierarchy -top mmu_top\n"
               "%s"
               /* no design-hierarchy summary: only the modules */
               "setattr -mod -unset top mmu_top\n"
               "tee -q -o stat.txt stat -width\n",
            mode->synth);
    return 0;
}

/* Everything after the config: runs the tools in env->dir and fills rep.
 * 0, or the exit status with the message printed. */
static int synthesize(area_env *env, const mmu_config *cfg, const char *pkg,
                      const area_options *o, area_report *rep)
{
    char path[PATH_MAX_LEN], cfg_dir[PATH_MAX_LEN], msg[512] = "";
    if (!join_path(cfg_dir, env->dir, "cfg") || mkdir(cfg_dir, 0755) ||
        !join_path(path, env->dir, "src") || mkdir(path, 0755) ||
        !join_path(path, cfg_dir, "mmu_cfg_pkg.sv") || write_file(path, pkg)) {
        fprintf(stderr, "mmulab area: %s: %s\n", env->dir, strerror(errno));
        return EXIT_FAILURE;
    }
    char *prep_argv[] = {env->python, env->prep, "-o", "src", env->rtl, "cfg/mmu_cfg_pkg.sv", NULL};
    int st = run_in(env->dir, prep_argv, "files.txt", "prep.err", 0);
    if (st != 0 && area_signal)
        return EXIT_FAILURE; /* cmd_area says so */
    if (st != 0) {
        char *err = join_path(path, env->dir, "prep.err") ? cli_read_file(path) : NULL;
        first_line(err ? err : "", NULL, msg, sizeof msg);
        fprintf(stderr, "mmulab area: %s\n", msg[0] ? msg : "yosys_prep.py failed");
        free(err);
        return EXIT_FAILURE;
    }
    char *list = join_path(path, env->dir, "files.txt") ? cli_read_file(path) : NULL;
    FILE *script = list && join_path(path, env->dir, "area.ys") ? fopen(path, "w") : NULL;
    bool written = script && yosys_script(script, list, o->mode, msg, sizeof msg) == 0;
    written = (script && fclose(script) == 0) && written;
    free(list);
    if (!written) {
        fprintf(stderr, "mmulab area: %s\n", msg[0] ? msg : strerror(errno));
        return EXIT_FAILURE;
    }
    char *version_argv[] = {env->yosys, "-V", NULL};
    char *yosys_argv[] = {env->yosys, "-q", "-s", "area.ys", NULL};
    st = run_in(env->dir, version_argv, "version.txt", "version.txt", 0);
    if (st == 0) {
        if (isatty(STDERR_FILENO))
            fprintf(stderr, "mmulab area: running Yosys (mode %s)%s\n", o->mode->name,
                    o->mode->has_cells ? ": minutes, more for big TLBs; --mode storage: seconds"
                                       : "");
        st = run_in(env->dir, yosys_argv, "yosys.log", "yosys.log", memory_limit());
    }
    if (st != 0 && area_signal)
        return EXIT_FAILURE;
    if (st != 0) {
        char *log = join_path(path, env->dir, "yosys.log") ? cli_read_file(path) : NULL;
        first_line(log ? log : "", "ERROR", msg, sizeof msg);
        if (!msg[0] && log && strstr(log, "bad_alloc"))
            snprintf(msg, sizeof msg,
                     "ran out of memory (limit %llu MiB; MMULAB_AREA_MEMORY sets it); "
                     "--mode storage needs little",
                     (unsigned long long)(memory_limit() >> 20));
        if (!msg[0])
            snprintf(msg, sizeof msg, "exited with status %d", st);
        /* the copies keep the sources' line numbers: name the source */
        if (!strncmp(msg, "src/", 4))
            fprintf(stderr, "mmulab area: yosys: %s/%s\n", env->rtl, msg + 4);
        else
            fprintf(stderr, "mmulab area: yosys: %s\n", msg);
        free(log);
        return EXIT_FAILURE;
    }
    char *stat = join_path(path, env->dir, "stat.txt") ? cli_read_file(path) : NULL;
    int rc = 0;
    if (!stat) {
        fprintf(stderr, "mmulab area: %s: %s\n", path, strerror(errno));
        rc = EXIT_FAILURE;
    } else if (build_report(stat, cfg, rep, msg, sizeof msg)) {
        fprintf(stderr, "mmulab area: %s\n", msg);
        rc = EXIT_FAILURE;
    } else {
        finish_report(rep);
        char *version = join_path(path, env->dir, "version.txt") ? cli_read_file(path) : NULL;
        first_line(version ? version : "", NULL, rep->yosys, sizeof rep->yosys);
        free(version);
    }
    free(stat);
    return rc;
}

int cmd_area(int argc, char **argv)
{
    area_options o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    mmu_config cfg;
    mm_error err;
    if (cfg_load(o.preset, o.config_file, o.sets, o.n_sets, &cfg, &err)) {
        fprintf(stderr, "mmulab area: %s\n", err.msg);
        return EXIT_USAGE;
    }
    char *pkg = cfg_rtl_package(&cfg, &err);
    if (!pkg) {
        fprintf(stderr, "mmulab area: %s\n", err.msg);
        return EXIT_USAGE;
    }
    /* the MMU proper: the cross-check's OS shootdown lanes tied off (the
     * same length of text, so the package is rewritten in place) */
    char *sd = strstr(pkg, "CfgShootdowns = 1;");
    if (!sd) {
        fprintf(stderr, "mmulab area: the RTL package has no CfgShootdowns\n");
        free(pkg);
        return EXIT_FAILURE;
    }
    sd[strlen("CfgShootdowns = ")] = '0';
    area_env env;
    memset(&env, 0, sizeof env);
    if (!find_in_path("yosys", env.yosys)) {
        fprintf(stderr, "mmulab area: yosys not found; scripts/deps.sh installs it\n");
        free(pkg);
        return EXIT_FAILURE;
    }
    if (!find_in_path("python3", env.python)) {
        fprintf(stderr, "mmulab area: python3 not found; scripts/deps.sh installs it\n");
        free(pkg);
        return EXIT_FAILURE;
    }
    if ((rc = locate_sources(&env))) {
        free(pkg);
        return rc;
    }
    warn_big_arrays(&cfg, o.mode);
    const char *tmp = getenv("TMPDIR");
    if (snprintf(env.dir, sizeof env.dir, "%s/mmulab-area.XXXXXX", tmp && *tmp ? tmp : "/tmp") >=
            (int)sizeof env.dir ||
        !mkdtemp(env.dir)) {
        fprintf(stderr, "mmulab area: cannot make a work directory in %s: %s\n",
                tmp && *tmp ? tmp : "/tmp", strerror(errno));
        free(pkg);
        return EXIT_FAILURE;
    }
    area_report rep;
    static const int caught[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction forward = {0}, saved[3];
    forward.sa_handler = forward_signal;
    sigemptyset(&forward.sa_mask);
    for (int i = 0; i < 3; i++) {
        sigaction(caught[i], NULL, &saved[i]);
        if (saved[i].sa_handler != SIG_IGN) /* nohup's SIGHUP stays ignored */
            sigaction(caught[i], &forward, NULL);
    }
    rc = synthesize(&env, &cfg, pkg, &o, &rep);
    free(pkg);
    if (o.keep)
        fprintf(stderr, "mmulab area: work directory kept: %s\n", env.dir);
    else
        nftw(env.dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    for (int i = 0; i < 3; i++)
        sigaction(caught[i], &saved[i], NULL);
    if (area_signal) {
        fprintf(stderr, "mmulab area: interrupted by signal %d\n", (int)area_signal);
        return 128 + area_signal;
    }
    if (rc)
        return rc;

    /* the whole report in memory first: -o writes it at once */
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out) {
        fprintf(stderr, "mmulab area: %s\n", strerror(errno));
        return EXIT_FAILURE;
    }
    if (o.format == OUT_JSON)
        format_json(out, &o, &rep);
    else if (o.format == OUT_CSV)
        format_csv(out, &o, &rep);
    else
        format_table(out, &cfg, &o, &rep);
    if (fclose(out) != 0) {
        fprintf(stderr, "mmulab area: out of memory\n");
        free(text);
        return EXIT_FAILURE;
    }
    if (o.out) {
        if (cli_write_atomically(o.out, text, len)) {
            fprintf(stderr, "mmulab area: %s: %s\n", o.out, strerror(errno));
            rc = EXIT_FAILURE;
        }
    } else {
        fwrite(text, 1, len, stdout);
    }
    free(text);
    return rc;
}
