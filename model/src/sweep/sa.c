/*
 * sa.c — every (sets, ways) of a set-associative true-LRU TLB in one pass
 * (sweep.h, docs/sweeps.md), for sets = 2^k, k = 0..log2(max_sets), and
 * ways = 1..max_ways, with bit-selection indexing (set = key % sets).
 *
 * Each level k keeps, per set, the keys of its max_ways most recently
 * referenced pages, most recent first: a reference's index in that list
 * is its LRU depth in the set, and it hits in (2^k, w) exactly when that
 * depth is <= w (Mattson's stack property per set). Levels share one
 * fact (Hill & Smith's set refinement): the set of (2^(k+1), W) receives a
 * subset of the references of the set of (2^k, W) containing it, so a
 * page's depth at level k+1 is at most its depth at level k. The levels
 * are therefore visited from the most sets down: once a page is absent at
 * one level it is absent at every coarser one (no search), and where it is
 * present the next search starts at the depth just found.
 */
#include "mmulab/sweep.h"

#include <stdlib.h>
#include <string.h>

struct sweep_sa {
    uint32_t max_sets;
    uint32_t ways;
    unsigned levels;      /* log2(max_sets) + 1 */
    uint64_t references;
    uint64_t repeats;     /* references to the previous reference's page: depth 1 everywhere */
    uint64_t *hits_at;    /* [levels][ways + 1]: references at depth d in their set */
    uint64_t *keys;       /* level k's 2^k sets from row 2^k - 1, `ways` keys a row */
    uint32_t *filled;     /* valid keys of each row */
    uint64_t last_key;
    bool has_last;
};

static bool is_power_of_two(uint32_t x)
{
    return x && !(x & (x - 1u));
}

sweep_sa *sweep_sa_create(uint32_t max_sets, uint32_t max_ways, mm_error *err)
{
    if (!is_power_of_two(max_sets) || max_sets > SWEEP_SA_MAX_SETS)
        return mm_fail(err, MM_ERR_INVALID, "sweep: max_sets %u is not a power of two in 1..%u",
                       max_sets, SWEEP_SA_MAX_SETS),
               NULL;
    if (max_ways == 0 || max_ways > SWEEP_SA_MAX_WAYS)
        return mm_fail(err, MM_ERR_INVALID, "sweep: max_ways %u is outside 1..%u", max_ways,
                       SWEEP_SA_MAX_WAYS),
               NULL;
    size_t rows = 2u * (size_t)max_sets - 1u;
    if (rows * max_ways > SWEEP_SA_MAX_CELLS)
        return mm_fail(err, MM_ERR_INVALID,
                       "sweep: max_sets %u x max_ways %u needs %zu list entries, more than %u",
                       max_sets, max_ways, rows * max_ways, SWEEP_SA_MAX_CELLS),
               NULL;
    sweep_sa *s = calloc(1, sizeof *s);
    if (!s)
        return mm_fail(err, MM_ERR_NOMEM, "sweep: out of host memory"), NULL;
    s->max_sets = max_sets;
    s->ways = max_ways;
    while ((1u << s->levels) <= max_sets)
        s->levels++;
    s->hits_at = calloc((size_t)s->levels * (max_ways + 1u), sizeof *s->hits_at);
    s->keys = calloc(rows * max_ways, sizeof *s->keys);
    s->filled = calloc(rows, sizeof *s->filled);
    if (!s->hits_at || !s->keys || !s->filled) {
        sweep_sa_destroy(s);
        return mm_fail(err, MM_ERR_NOMEM, "sweep: out of host memory for %u sets x %u ways",
                       max_sets, max_ways),
               NULL;
    }
    return s;
}

void sweep_sa_destroy(sweep_sa *s)
{
    if (!s)
        return;
    free(s->hits_at);
    free(s->keys);
    free(s->filled);
    free(s);
}

void sweep_sa_reference(sweep_sa *s, uint64_t key)
{
    s->references++;
    if (key == s->last_key && s->has_last) {
        s->repeats++;
        return;
    }
    s->last_key = key;
    s->has_last = true;
    uint32_t ways = s->ways;
    uint32_t from = 0;   /* the depth - 1 found at the finer level: no shallower here */
    bool held = true;    /* still present at the levels visited so far */
    for (unsigned k = s->levels; k-- > 0;) {
        uint32_t mask = (1u << k) - 1u;
        size_t row = (size_t)mask + ((uint32_t)key & mask);
        uint64_t *list = s->keys + row * ways;
        uint32_t n = s->filled[row];
        uint32_t at = n;
        if (held) {
            for (at = from; at < n && list[at] != key; at++)
                ;
            if (at < n) {
                s->hits_at[(size_t)k * (ways + 1u) + at + 1u]++;
                from = at;
            } else {
                held = false;
            }
        }
        if (at == n) {
            /* a miss: the list grows, or its least recent key drops out */
            if (n < ways)
                s->filled[row] = n + 1u;
            else
                at = ways - 1u;
        }
        memmove(list + 1, list, (size_t)at * sizeof *list);
        list[0] = key;
    }
}

uint64_t sweep_sa_references(const sweep_sa *s)
{
    return s->references;
}

uint32_t sweep_sa_max_sets(const sweep_sa *s)
{
    return s->max_sets;
}

uint32_t sweep_sa_max_ways(const sweep_sa *s)
{
    return s->ways;
}

/* The level of `sets` sets, or -1 when sets is not swept. */
static int level_of(const sweep_sa *s, uint32_t sets)
{
    if (!is_power_of_two(sets) || sets > s->max_sets)
        return -1;
    int k = 0;
    while ((1u << k) < sets)
        k++;
    return k;
}

int sweep_sa_miss_curve(const sweep_sa *s, uint32_t sets, uint64_t *misses, uint32_t n,
                        mm_error *err)
{
    int k = level_of(s, sets);
    if (k < 0)
        return mm_fail(err, MM_ERR_INVALID, "sweep: sets %u is not a power of two in 1..%u", sets,
                       s->max_sets);
    if (n > s->ways)
        return mm_fail(err, MM_ERR_INVALID, "sweep: a curve of %u ways exceeds max_ways %u", n,
                       s->ways);
    const uint64_t *at = s->hits_at + (size_t)k * (s->ways + 1u);
    uint64_t hits = s->repeats;
    for (uint32_t w = 1; w <= n; w++) {
        hits += at[w];
        misses[w - 1u] = s->references - hits;
    }
    return MM_OK;
}

uint64_t sweep_sa_misses(const sweep_sa *s, uint32_t sets, uint32_t ways)
{
    int k = level_of(s, sets);
    if (k < 0 || ways == 0 || ways > s->ways)
        return UINT64_MAX;
    const uint64_t *at = s->hits_at + (size_t)k * (s->ways + 1u);
    uint64_t hits = s->repeats;
    for (uint32_t w = 1; w <= ways; w++)
        hits += at[w];
    return s->references - hits;
}
