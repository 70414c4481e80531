/*
 * cmd_run.c — `mmulab run` and `mmulab config` (docs/cli.md). A run builds
 * the MMU from a preset/config/overrides and drives it with traces (through
 * sim.h, decoding on a second thread; optionally from an address-space
 * image, os_image.h) or with a built-in workload, then prints the report as
 * a table, JSON or CSV.
 */
#define _POSIX_C_SOURCE 200809L
#include "cmd_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mmulab/mmu.h"
#include "mmulab/sim.h"
#include "mmulab/trace.h"
#include "cli_util.h"
#include "cmd_trace.h"
#include "os_image.h"
#include "run_report.h"
#include "trace_run.h"
#include "workload.h"

#define MAX_SETS 256
#define MAX_TRACES 256

typedef struct {
    const char *preset, *config_file, *out_file;
    const char *image_file;   /* --image: an address-space image (docs/image-format.md) */
    uint32_t image_pid;       /* --image-pid, else SIM_IMAGE_FIRST_PROCESS */
    const char *sets[MAX_SETS];
    size_t n_sets;
    const char *traces[MAX_TRACES];
    size_t n_traces;
    workload_params wl;
    bool json, csv, progress;
} run_options;

static void usage_run(FILE *f)
{
    fprintf(f,
            "usage: mmulab run [--preset NAME | --config FILE] [--set KEY=VALUE]...\n"
            "                  [--image FILE [--image-pid N]] [--json | --csv] [--out FILE]\n"
            "                  [--no-progress] TRACE...\n"
            "       mmulab run [--preset NAME | --config FILE] [--set KEY=VALUE]...\n"
            "                  [--workload NAME] [--requests N] [--footprint BYTES] [--seed N]\n"
            "                  [--json | --csv] [--out FILE]\n"
            "\n"
            "Runs traces (native mmulab traces, docs/trace-format.md) or a built-in workload\n"
            "through the MMU model and prints the report; each trace is a separate run.\n"
            "  --preset NAME      start from a compiled-in preset (mmulab presets lists them)\n"
            "  --config FILE      a JSON config (docs/config.md); may name a preset in \"extends\"\n"
            "  --set KEY=VALUE    override one key, e.g. --set l2tlb.entries=2048 (repeatable)\n"
            "  --workload NAME    without TRACE: mixed (default), random, sequential, l1hit, loop\n"
            "  --requests N       workload requests (default 1000000)\n"
            "  --footprint BYTES  data footprint of random/sequential (suffixes K, M, G)\n"
            "  --seed N           workload seed (default 1)\n"
            "  --image FILE       start the trace's first process from an address-space image\n"
            "                     (mmulab os import): its pages map to the imported frames\n"
            "  --image-pid N      give the image to trace process N instead of the first one\n"
            "  --json / --csv     machine-readable report on stdout instead of the table\n"
            "  --out FILE         also write the JSON report to FILE (atomically)\n"
            "  --no-progress      no progress line on stderr (it only appears on a terminal)\n"
            "exit status: 0 success, 1 run failed (bad trace, simulated memory full), 2 bad\n"
            "command line or config\n");
}

static int parse_run(int argc, char **argv, run_options *o)
{
    memset(o, 0, sizeof *o);
    o->wl.name = "mixed";
    o->wl.requests = 1000000;
    o->wl.seed = 1;
    o->progress = true;
    o->image_pid = SIM_IMAGE_FIRST_PROCESS;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (a[0] != '-' || !strcmp(a, "-")) {
            if (o->n_traces == MAX_TRACES) {
                fprintf(stderr, "mmulab run: more than %d traces\n", MAX_TRACES);
                return EXIT_USAGE;
            }
            o->traces[o->n_traces++] = a;
            continue;
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage_run(stdout);
            return -1;
        }
        if (!strcmp(a, "--json")) {
            o->json = true;
            continue;
        }
        if (!strcmp(a, "--csv")) {
            o->csv = true;
            continue;
        }
        if (!strcmp(a, "--no-progress")) {
            o->progress = false;
            continue;
        }
        if (!v) {
            fprintf(stderr, "mmulab run: %s needs a value (or is unknown); see --help\n", a);
            return EXIT_USAGE;
        }
        i++;
        if (!strcmp(a, "--preset")) {
            o->preset = v;
        } else if (!strcmp(a, "--config")) {
            o->config_file = v;
        } else if (!strcmp(a, "--set")) {
            if (o->n_sets == MAX_SETS) {
                fprintf(stderr, "mmulab run: more than %d --set options\n", MAX_SETS);
                return EXIT_USAGE;
            }
            o->sets[o->n_sets++] = v;
        } else if (!strcmp(a, "--workload")) {
            o->wl.name = v;
        } else if (!strcmp(a, "--out")) {
            o->out_file = v;
        } else if (!strcmp(a, "--image")) {
            o->image_file = v;
        } else if (!strcmp(a, "--image-pid")) {
            uint64_t n;
            if (!cmd_trace_parse_u64(v, &n) || n >= SIM_IMAGE_FIRST_PROCESS) {
                fprintf(stderr, "mmulab run: --image-pid: \"%s\" is not a process id\n", v);
                return EXIT_USAGE;
            }
            o->image_pid = (uint32_t)n;
        } else if (!strcmp(a, "--requests") || !strcmp(a, "--footprint") || !strcmp(a, "--seed")) {
            uint64_t n;
            if (!cmd_trace_parse_u64(v, &n)) {
                fprintf(stderr, "mmulab run: %s: \"%s\" is not a non-negative number\n", a, v);
                return EXIT_USAGE;
            }
            if (a[2] == 'r')
                o->wl.requests = n;
            else if (a[2] == 'f')
                o->wl.footprint = n;
            else
                o->wl.seed = n;
        } else {
            fprintf(stderr, "mmulab run: unknown option %s; see --help\n", a);
            return EXIT_USAGE;
        }
    }
    if (o->json && o->csv) {
        fprintf(stderr, "mmulab run: --json and --csv exclude each other\n");
        return EXIT_USAGE;
    }
    if (o->image_pid != SIM_IMAGE_FIRST_PROCESS && !o->image_file) {
        fprintf(stderr, "mmulab run: --image-pid needs --image\n");
        return EXIT_USAGE;
    }
    if (!isatty(STDERR_FILENO))
        o->progress = false;
    return 0;
}


static void print_csv_header(void)
{
    printf("run,structure,access,accesses,hits,misses,miss_rate,mpki\n");
}

static void print_csv(const mmu *m, const char *label, uint64_t instructions)
{
    const mmu_config *cfg = mmu_get_config(m);
    const mmu_stats *s = mmu_get_stats(m);
    for (unsigned i = 0; i < cfg->n_tlbs; i++)
        for (unsigned a = 0; a < MM_ACCESS_COUNT; a++) {
            const mmu_tlb_stats *t = &s->tlb[i];
            printf("%s,%s,%s,%llu,%llu,%llu,%.6f,%.6f\n", label, cfg->tlbs[i].name,
                   mm_access_name((mm_access)a), (unsigned long long)t->accesses[a],
                   (unsigned long long)t->hits[a], (unsigned long long)t->misses[a],
                   t->accesses[a] ? (double)t->misses[a] / (double)t->accesses[a] : 0.0,
                   instructions ? 1000.0 * (double)t->misses[a] / (double)instructions : 0.0);
        }
    printf("%s,walks,all,%llu,%llu,%llu,%.6f,%.6f\n", label, (unsigned long long)s->walks,
           (unsigned long long)s->walks_merged, (unsigned long long)s->pte_reads,
           s->walks ? (double)s->pte_reads / (double)s->walks : 0.0,
           instructions ? 1000.0 * (double)s->walks / (double)instructions : 0.0);
}

static int emit_report(const run_options *o, const char *json, bool first, bool last)
{
    if (o->out_file && o->n_traces <= 1 && cli_write_atomically(o->out_file, json, strlen(json))) {
        fprintf(stderr, "mmulab: cannot write %s: %s\n", o->out_file, strerror(errno));
        return EXIT_RUN_FAILED;
    }
    if (o->json) {
        bool many = o->n_traces > 1;
        if (many && first)
            fputs("[\n", stdout);
        fputs(json, stdout);
        if (many)
            fputs(last ? "]\n" : ",\n", stdout);
    }
    return 0;
}

static int run_workload(const run_options *o, const mmu_config *cfg)
{
    mm_error err = {0};
    pmem *mem = pmem_create(&cfg->mem, &err);
    mmu *m = mem ? mmu_create(cfg, mem, &err) : NULL;
    workload *w = m ? workload_create(&o->wl, m, mem, &err) : NULL;
    if (!w) {
        fprintf(stderr, "mmulab: %s\n", err.msg);
        mmu_destroy(m);
        pmem_destroy(mem);
        return err.code == MM_ERR_CONFIG || err.code == MM_ERR_INVALID ? EXIT_USAGE
                                                                       : EXIT_RUN_FAILED;
    }
    mmu_request req;
    int rc = 0;
    while (workload_next(w, &req)) {
        if (mmu_issue(m, &req, &err)) {
            fprintf(stderr, "mmulab: %s\n", err.msg);
            rc = EXIT_RUN_FAILED;
            break;
        }
    }
    mmu_drain(m);
    char *json = rc ? NULL : mmu_report_json(m);
    if (!rc && !json) {
        fprintf(stderr, "mmulab: out of memory building the report\n");
        rc = EXIT_RUN_FAILED;
    }
    if (!rc) {
        rc = emit_report(o, json, true, true);
        if (o->csv) {
            print_csv_header();
            print_csv(m, o->wl.name, 0);
        } else if (!o->json) {
            run_report_table(m, workload_describe(w), NULL);
        }
    }
    free(json);
    workload_destroy(w);
    mmu_destroy(m);
    pmem_destroy(mem);
    return rc;
}

/* Each trace on a fresh machine (starting from img when given), reported. */
static int run_traces(const run_options *o, const mmu_config *cfg, const sim_image *img)
{
    int rc = 0;
    mm_error err = {0};
    if (o->csv)
        print_csv_header();
    for (size_t i = 0; i < o->n_traces; i++) {
        sim *s = NULL;
        if (trace_run_image(cfg, o->traces[i], img, o->image_pid, o->progress, &s, &err)) {
            fprintf(stderr, "mmulab: %s\n", err.msg);
            return err.code == MM_ERR_CONFIG ? EXIT_USAGE : EXIT_RUN_FAILED;
        }
        const sim_image_stats *im = sim_get_image_stats(s);
        if (im->loaded && !im->applied)
            fprintf(stderr, "mmulab run: warning: %s has no process %u: the image %s was not used\n",
                    o->traces[i], im->pid, o->image_file);
        char *json = sim_report_json(s, o->traces[i]);
        if (!json) {
            fprintf(stderr, "mmulab: out of memory building the report\n");
            sim_destroy(s);
            return EXIT_RUN_FAILED;
        }
        rc = emit_report(o, json, i == 0, i + 1 == o->n_traces);
        if (!rc && o->csv)
            print_csv(sim_mmu(s), o->traces[i], sim_get_stats(s)->instructions);
        else if (!rc && !o->json) {
            run_report_trace(s, o->traces[i], o->image_file);
            if (i + 1 < o->n_traces)
                printf("\n");
        }
        free(json);
        sim_destroy(s);
        if (rc)
            return rc;
    }
    return 0;
}

int cmd_run(int argc, char **argv, bool config_only)
{
    run_options o;
    int rc = parse_run(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    mm_error err = {0};
    mmu_config cfg;
    if (cfg_load(o.preset, o.config_file, o.sets, o.n_sets, &cfg, &err)) {
        fprintf(stderr, "mmulab: %s\n", err.msg);
        return EXIT_USAGE;
    }
    if (config_only) {
        char *json = cfg_to_json(&cfg);
        if (!json)
            return EXIT_RUN_FAILED;
        fputs(json, stdout);
        free(json);
        return 0;
    }
    if (o.n_traces == 0 && o.image_file) {
        fprintf(stderr, "mmulab run: --image needs a TRACE (the built-in workloads have no "
                        "processes)\n");
        return EXIT_USAGE;
    }
    if (o.n_traces == 0)
        return run_workload(&o, &cfg);
    sim_image img = {0};
    if (o.image_file && os_image_read(o.image_file, &img, &err)) {
        fprintf(stderr, "mmulab: %s\n", err.msg);
        return EXIT_RUN_FAILED;
    }
    rc = run_traces(&o, &cfg, o.image_file ? &img : NULL);
    os_image_free(&img);
    return rc;
}
