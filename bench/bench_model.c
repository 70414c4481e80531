/*
 * bench_model.c — translations per second of the model alone, on requests
 * held in memory, one core (issue #2's targets: >= 100 M/s on an L1-hit
 * stream, >= 10 M/s on uniform random accesses over a 4 GiB footprint with
 * walk caches on). The TLB-hit streams replay a block of 65 536 generated
 * requests (2 MiB, cache-resident) with the cycles shifted on each pass, so
 * the figure is the model's cost rather than DRAM streaming of the input;
 * the random stream is one array of fresh requests. The baseline, measured
 * in the same run, is a loop that only reads the same requests; the ratio
 * shows the model's cost per request relative to touching the request.
 * Prints figures; never fails on speed.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mmulab/mmu.h"
#include "workload.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int bench_one(const char *preset, const char *set, const char *wl_name, uint64_t n,
                     uint64_t block, uint64_t footprint, double target)
{
    mm_error err = {0};
    mmu_config cfg;
    if (cfg_load(preset, NULL, &set, set ? 1 : 0, &cfg, &err)) {
        fprintf(stderr, "bench: %s\n", err.msg);
        return 1;
    }
    pmem *mem = pmem_create(&cfg.mem, &err);
    mmu *m = mem ? mmu_create(&cfg, mem, &err) : NULL;
    if (block > n)
        block = n;
    workload_params p = {wl_name, block, footprint, 7};
    double t_setup = now_seconds();
    workload *w = m ? workload_create(&p, m, mem, &err) : NULL;
    mmu_request *reqs = malloc(block * sizeof *reqs);
    if (!w || !reqs) {
        fprintf(stderr, "bench: %s\n", w ? "out of memory" : err.msg);
        return 1;
    }
    t_setup = now_seconds() - t_setup;
    uint64_t filled = 0;
    while (filled < block && workload_next(w, &reqs[filled]))
        filled++;
    uint64_t passes = n / filled, count = passes * filled;
    uint64_t span = reqs[filled - 1].cycle + 1;
    /* no response callback: as in `mmulab run`, results go to the statistics */

    /* baseline: read every request as often as the model will */
    double t0 = now_seconds();
    uint64_t acc = 0;
    for (uint64_t pass = 0; pass < passes; pass++)
        for (uint64_t i = 0; i < filled; i++)
            acc += reqs[i].va ^ (reqs[i].cycle + pass * span);
    double t_base = now_seconds() - t0;

    t0 = now_seconds();
    for (uint64_t pass = 0; pass < passes; pass++) {
        for (uint64_t i = 0; i < filled; i++) {
            mmu_request r = reqs[i];
            r.cycle += pass * span;
            if (mmu_issue(m, &r, &err)) {
                fprintf(stderr, "bench: %s\n", err.msg);
                return 1;
            }
        }
    }
    mmu_drain(m);
    double t_model = now_seconds() - t0;
    const mmu_stats *s = mmu_get_stats(m);
    double rate = (double)count / t_model;
    char name[96];
    snprintf(name, sizeof name, "%s%s%s", preset, set ? " " : "", set ? set : "");
    printf("%-40s %-7s %9llu requests %7.2f M translations/s (target %5.1f M/s: %s)"
           "  walks %5.1f%%  baseline %.0f M/s, model/baseline time %.1fx  [setup %.2fs, chk %llu]\n",
           name, wl_name, (unsigned long long)count, rate / 1e6, target / 1e6,
           rate >= target ? "met" : "NOT met", 100.0 * (double)s->walks / (double)count,
           (double)count / (t_base > 0 ? t_base : 1e-9) / 1e6, t_model / (t_base > 0 ? t_base : 1e-9),
           t_setup, (unsigned long long)((acc & 1) + s->translation_cycles % 2));
    free(reqs);
    workload_destroy(w);
    mmu_destroy(m);
    pmem_destroy(mem);
    return 0;
}

int main(int argc, char **argv)
{
    bool quick = false;
    const char *only = NULL; /* run only the cases of this workload */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            quick = true;
        else
            only = argv[i];
    }
    uint64_t n = quick ? 5000000 : 50000000;
    int rc = 0;
    printf("mmulab model benchmark, one core%s\n", quick ? " (--quick)" : "");
    if (!only || strcmp(only, "l1hit") == 0) {
        rc |= bench_one("skylake", NULL, "l1hit", n, 65536, 0, 100e6);
        rc |= bench_one("skylake", NULL, "loop", n, 65536, 0, 100e6);
    }
    if (!only || strcmp(only, "random") == 0) {
        rc |= bench_one("skylake", NULL, "random", n / 5, n / 5, 4ull << 30, 10e6);
        rc |= bench_one("champsim", NULL, "random", n / 5, n / 5, 4ull << 30, 10e6);
        /* the same without simulating the PTE-line caches */
        rc |= bench_one("skylake", "memory_latency={\"model\":\"fixed\",\"latency\":100}",
                        "random", n / 5, n / 5, 4ull << 30, 10e6);
    }
    return rc;
}
