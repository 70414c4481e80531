/*
 * bench_sweep.c — the one-pass TLB-size sweeps (sweep.h) against ordinary
 * per-configuration simulation with the model's TLB (tlb_lookup, and
 * tlb_insert on a miss), on in-memory streams of page references (zipf +
 * sequential mixes, 20 M references by default), each pass over the same
 * stream measured in the same run:
 *   - a 64-point fully associative sweep, sizes 1..64, vs one model pass of
 *     a 64-entry fully associative LRU TLB (target: <= 2x);
 *   - a 64-point sweep of sizes 64, 128, ..., 4096 vs the same model pass;
 *   - the all-associativity pass (sets 1..1024 x ways 1..16) vs one model
 *     pass of 128 sets x 12 ways;
 * on three mixes: many misses, few misses, few misses with no reference
 * repeating the previous one's page.
 * Each time is the best of three; every sweep's count at the model's
 * geometry must equal the model's (exit status 1 otherwise). Prints the
 * figures; never fails on speed.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mmulab/sweep.h"
#include "mmulab/tlb.h"

#define REPEATS 3

/* A reference mix: runs of 32 zipf-distributed pages (ranks scattered
 * over the page space) alternate at random (3:1) with sequential runs of
 * 16 pages touched twice each, walking a loop of loop_pages pages. With
 * distinct, a reference never repeats the previous one's page (the
 * sweeps count such repeats without touching their structures). */
typedef struct {
    const char *name;
    double alpha;
    uint32_t zipf_pages;
    uint32_t loop_pages;
    bool distinct;
} mix;

static const mix mixes[] = {
    {"wide", 0.9, 256u * 1024u, 1u << 20, false},
    {"hot", 2.0, 4096u, 48u, false},
    {"hot-distinct", 2.0, 4096u, 48u, true},
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t next_random(uint64_t *state)
{
    /* splitmix64 */
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double next_unit(uint64_t *state)
{
    return (double)(next_random(state) >> 11) * (1.0 / 9007199254740992.0);
}

/* keys are (process 1 << 52) | page */
static uint64_t *make_stream(const mix *m, size_t n, uint64_t seed)
{
    uint64_t *keys = malloc(n * sizeof *keys);
    double *cdf = malloc(m->zipf_pages * sizeof *cdf);
    if (!keys || !cdf) {
        free(keys);
        free(cdf);
        return NULL;
    }
    double sum = 0;
    for (uint32_t r = 0; r < m->zipf_pages; r++)
        cdf[r] = (sum += 1.0 / pow((double)r + 1.0, m->alpha));
    uint64_t state = seed, cursor = 0;
    size_t i = 0;
    while (i < n) {
        if (next_random(&state) % 4u) {
            for (unsigned k = 0; k < 32u && i < n; k++) {
                double u = next_unit(&state) * sum;
                uint32_t lo = 0, hi = m->zipf_pages - 1u;
                while (lo < hi) {
                    uint32_t mid = (lo + hi) / 2u;
                    if (cdf[mid] < u)
                        lo = mid + 1u;
                    else
                        hi = mid;
                }
                uint64_t page = ((uint64_t)lo * 0x9e3779b1u) & ((1u << 22) - 1u);
                keys[i] = (1ull << 52) | page;
                i += !m->distinct || i == 0 || keys[i] != keys[i - 1];
            }
        } else {
            for (unsigned k = 0; k < 32u && i < n; k++) {
                keys[i] = (1ull << 52) | (1u << 24) | ((cursor + k / 2u) % m->loop_pages);
                i += !m->distinct || i == 0 || keys[i] != keys[i - 1];
            }
            cursor += 16u;
        }
    }
    free(cdf);
    return keys;
}

/* One ordinary simulation: the model TLB, one LRU array of 4 KiB pages. */
static double model_pass(const uint64_t *keys, size_t n, uint32_t entries, uint32_t ways,
                         uint64_t *misses_out)
{
    tlb_config c;
    memset(&c, 0, sizeof c);
    c.name = "bench";
    c.n_arrays = 1;
    c.arrays[0] = (tlb_array_config){entries, ways, 1u};
    c.replacement = REPL_LRU;
    c.lfsr_seed = REPL_LFSR_DEFAULT_SEED;
    mm_error err = {0};
    tlb *t = tlb_create(&c, &err);
    if (!t) {
        fprintf(stderr, "bench_sweep: %s\n", err.msg);
        exit(1);
    }
    uint64_t misses = 0;
    double t0 = now_seconds();
    for (size_t i = 0; i < n; i++) {
        uint64_t page = keys[i] & ((1ull << 52) - 1u);
        uint16_t asid = (uint16_t)(keys[i] >> 52);
        tlb_entry e;
        if (tlb_lookup(t, page << 12, asid, &e, NULL))
            continue;
        misses++;
        e = (tlb_entry){.vpn = page, .ppn = page, .asid = asid, .level = 0, .perm = MM_PERM_R};
        tlb_insert(t, &e, NULL);
    }
    double elapsed = now_seconds() - t0;
    tlb_destroy(t);
    *misses_out = misses;
    return elapsed;
}

static double fa_pass(const uint64_t *keys, size_t n, uint32_t max_entries, uint32_t check_entries,
                      uint64_t *misses_out)
{
    mm_error err = {0};
    sweep_fa *f = sweep_fa_create(max_entries, &err);
    if (!f) {
        fprintf(stderr, "bench_sweep: %s\n", err.msg);
        exit(1);
    }
    double t0 = now_seconds();
    for (size_t i = 0; i < n; i++)
        sweep_fa_reference(f, keys[i]);
    double elapsed = now_seconds() - t0;
    *misses_out = sweep_fa_misses(f, check_entries);
    sweep_fa_destroy(f);
    return elapsed;
}

static double sa_pass(const uint64_t *keys, size_t n, uint32_t max_sets, uint32_t max_ways,
                      uint32_t check_sets, uint32_t check_ways, uint64_t *misses_out)
{
    mm_error err = {0};
    sweep_sa *s = sweep_sa_create(max_sets, max_ways, &err);
    if (!s) {
        fprintf(stderr, "bench_sweep: %s\n", err.msg);
        exit(1);
    }
    double t0 = now_seconds();
    for (size_t i = 0; i < n; i++)
        sweep_sa_reference(s, keys[i]);
    double elapsed = now_seconds() - t0;
    *misses_out = sweep_sa_misses(s, check_sets, check_ways);
    sweep_sa_destroy(s);
    return elapsed;
}

static double min2(double a, double b)
{
    return a < b ? a : b;
}

static bool report(const char *what, double t_sweep, double t_model, uint64_t sweep_misses,
                   uint64_t model_misses, size_t n, double target)
{
    bool same = sweep_misses == model_misses;
    printf("%-44s %7.3f s  %6.1f M refs/s  %5.2fx one model pass%s%s\n", what, t_sweep,
           (double)n / t_sweep / 1e6, t_sweep / t_model,
           target > 0 ? (t_sweep / t_model <= target ? "  (target <= 2x: met)"
                                                     : "  (target <= 2x: NOT met)")
                      : "",
           same ? "" : "  MISMATCH");
    if (!same)
        fprintf(stderr, "bench_sweep: %s: %llu misses, the model TLB %llu\n", what,
                (unsigned long long)sweep_misses, (unsigned long long)model_misses);
    return same;
}

/* Every pass over one mix; false when a sweep disagrees with the model. */
static bool bench_mix(const mix *m, size_t n)
{
    double t_gen = now_seconds();
    uint64_t *keys = make_stream(m, n, 42);
    if (!keys) {
        fprintf(stderr, "bench_sweep: out of memory for %zu references\n", n);
        exit(1);
    }
    t_gen = now_seconds() - t_gen;
    size_t repeats = 0;
    for (size_t i = 1; i < n; i++)
        repeats += keys[i] == keys[i - 1];
    printf("\nmix \"%s\": %zu references, zipf %.2f over %u pages + sequential runs over %u "
           "pages;\n%.1f%% repeat the previous page; generated in %.1f s; times are the best of %d\n",
           m->name, n, m->alpha, m->zipf_pages, m->loop_pages,
           100.0 * (double)repeats / (double)n, t_gen, REPEATS);

    double t_fa64 = 1e30, t_sa1 = 1e30, t_sweep64 = 1e30, t_sweep4096 = 1e30, t_all = 1e30;
    uint64_t m_fa64 = 0, m_sa1 = 0, s_64 = 0, s_4096 = 0, s_all = 0;
    for (int r = 0; r < REPEATS; r++) {
        t_fa64 = min2(t_fa64, model_pass(keys, n, 64, 64, &m_fa64));
        t_sweep64 = min2(t_sweep64, fa_pass(keys, n, 64, 64, &s_64));
        t_sweep4096 = min2(t_sweep4096, fa_pass(keys, n, 4096, 64, &s_4096));
        t_sa1 = min2(t_sa1, model_pass(keys, n, 128 * 12, 12, &m_sa1));
        t_all = min2(t_all, sa_pass(keys, n, 1024, 16, 128, 12, &s_all));
    }
    free(keys);
    printf("%-44s %7.3f s  %6.1f M refs/s  (%.2f%% misses)\n", "model TLB, 64 entries fully assoc.",
           t_fa64, (double)n / t_fa64 / 1e6, 100.0 * (double)m_fa64 / (double)n);
    bool ok = report("one-pass FA, sizes 1..64", t_sweep64, t_fa64, s_64, m_fa64, n, 2.0);
    ok &= report("one-pass FA, sizes 64, 128, ..., 4096", t_sweep4096, t_fa64, s_4096, m_fa64, n, 2.0);
    printf("%-44s %7.3f s  %6.1f M refs/s  (%.2f%% misses)\n", "model TLB, 128 sets x 12 ways",
           t_sa1, (double)n / t_sa1 / 1e6, 100.0 * (double)m_sa1 / (double)n);
    ok &= report("all-associativity, sets 1..1024 x ways 1..16", t_all, t_sa1, s_all, m_sa1, n, 0);
    return ok;
}

int main(int argc, char **argv)
{
    size_t n = 20u * 1000u * 1000u;
    if (argc > 1)
        n = (size_t)strtoull(argv[1], NULL, 0);
    if (n == 0 || argc > 2) {
        fprintf(stderr, "usage: bench_sweep [REFERENCES]\n");
        return 2;
    }
    printf("bench_sweep: one-pass sweeps vs one model-TLB pass on the same references "
           "(the all-associativity pass covers 11 x 16 = 176 geometries)\n");
    bool ok = true;
    for (size_t i = 0; i < sizeof mixes / sizeof mixes[0]; i++)
        ok &= bench_mix(&mixes[i], n);
    return ok ? 0 : 1;
}
