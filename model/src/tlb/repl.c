/*
 * repl.c — replacement state of a set-associative structure (repl.h) and
 * the geometry check shared by every such structure (repl_internal.h).
 * The RTL reproduces these rules bit for bit:
 *
 * Every policy first returns the lowest-numbered invalid way of the set.
 * Only when every way is valid does the policy decide:
 *
 * LRU   Each way carries the value of a per-structure counter taken when it
 *       was last filled or touched (the counter increments first, so the
 *       first stamp is 1). Victim = the way with the smallest stamp, the
 *       lowest index on a tie (ties only arise for ways the caller marked
 *       valid without ever filling them). Invalidation zeroes the stamp.
 *
 * FIFO  Same stamps, taken at fill only: hits do not reorder. Victim = the
 *       way filled longest ago.
 *
 * PLRU  Tree pseudo-LRU over a power-of-two number of ways W, W-1 node bits
 *       per set in heap order: node 0 is the root; node n has children
 *       2n+1 (the lower half of its ways) and 2n+2 (the upper half); way w
 *       is leaf W-1+w. Node bit 0 means "the victim is in the lower half",
 *       1 "in the upper half". The victim is found by following the bits
 *       from the root. A touch or fill of way w sets every node on w's path
 *       to point at the half that does NOT contain w. Creation and reset
 *       clear every bit (victim way 0). Invalidation changes nothing.
 *       Node n of set s is bit n % 64 of word s * words_per_set + n / 64.
 *
 * RANDOM victim = lfsr % W, then the LFSR takes one repl_lfsr_next step;
 *       the LFSR moves only when the victim is chosen among valid ways.
 */
#include "tlb/repl_internal.h"

#include <stdlib.h>
#include <string.h>

int repl_check_geometry(uint32_t entries, uint32_t ways, repl_policy policy, const char *field,
                        mm_error *err)
{
    if (entries == 0)
        return mm_fail(err, MM_ERR_CONFIG, "%s: entries must be at least 1", field);
    if (ways == 0)
        return mm_fail(err, MM_ERR_CONFIG, "%s: ways must be at least 1", field);
    if (ways > entries)
        return mm_fail(err, MM_ERR_CONFIG, "%s: ways %u > entries %u", field, ways, entries);
    if (entries % ways != 0)
        return mm_fail(err, MM_ERR_CONFIG, "%s: entries %u not a multiple of ways %u", field, entries, ways);
    uint32_t sets = entries / ways;
    if (!repl_is_power_of_two(sets))
        return mm_fail(err, MM_ERR_CONFIG, "%s: sets %u (entries %u / ways %u) not a power of two", field,
                       sets, entries, ways);
    if (ways > REPL_MAX_WAYS)
        return mm_fail(err, MM_ERR_CONFIG, "%s: ways %u > %u", field, ways, REPL_MAX_WAYS);
    if (policy == REPL_PLRU && !repl_is_power_of_two(ways))
        return mm_fail(err, MM_ERR_CONFIG, "%s: plru needs a power-of-two number of ways, got %u", field,
                       ways);
    return MM_OK;
}

/* Fills path_mask/path_value for a tree of at most 64 ways by walking the
 * same path repl_plru_walk walks in the general case. */
static bool plru_build_paths(repl *r)
{
    r->path_mask = calloc(r->ways, sizeof *r->path_mask);
    r->path_value = calloc(r->ways, sizeof *r->path_value);
    if (!r->path_mask || !r->path_value)
        return false;
    for (uint32_t way = 0; way < r->ways; way++) {
        uint32_t node = 0;
        for (unsigned level = r->tree_depth; level-- > 0;) {
            uint32_t upper = (way >> level) & 1u;
            r->path_mask[way] |= 1ull << node;
            r->path_value[way] |= (uint64_t)(upper ^ 1u) << node;
            node = 2u * node + 1u + upper;
        }
    }
    return true;
}

repl *repl_create(repl_policy policy, uint32_t sets, uint32_t ways, uint16_t lfsr_seed, mm_error *err)
{
    if ((unsigned)policy >= REPL_COUNT) {
        mm_fail(err, MM_ERR_INVALID, "repl: unknown replacement policy %d", (int)policy);
        return NULL;
    }
    if (sets == 0) {
        mm_fail(err, MM_ERR_INVALID, "repl: sets must be at least 1");
        return NULL;
    }
    if (ways == 0 || ways > REPL_MAX_WAYS) {
        mm_fail(err, MM_ERR_INVALID, "repl: ways %u not in 1..%u", ways, REPL_MAX_WAYS);
        return NULL;
    }
    if (policy == REPL_PLRU && !repl_is_power_of_two(ways)) {
        mm_fail(err, MM_ERR_INVALID, "repl: plru needs a power-of-two number of ways, got %u", ways);
        return NULL;
    }
    repl *r = calloc(1, sizeof *r);
    if (!r) {
        mm_fail(err, MM_ERR_NOMEM, "repl: out of memory");
        return NULL;
    }
    r->policy = policy;
    r->sets = sets;
    r->ways = ways;
    r->valid_words = (ways + 63u) / 64u;
    r->last_word_mask = (ways % 64u) ? (1ull << (ways % 64u)) - 1u : ~0ull;
    r->seed = lfsr_seed ? lfsr_seed : (uint16_t)REPL_LFSR_DEFAULT_SEED;
    size_t cells = (size_t)sets * ways;
    if (policy == REPL_LRU || policy == REPL_FIFO) {
        r->stamp = calloc(cells, sizeof *r->stamp);
        if (!r->stamp)
            goto nomem;
    } else if (policy == REPL_PLRU) {
        while ((1u << r->tree_depth) < ways)
            r->tree_depth++;
        r->tree_words = (ways + 63u) / 64u; /* ways - 1 node bits */
        r->tree = calloc((size_t)sets * r->tree_words, sizeof *r->tree);
        if (!r->tree)
            goto nomem;
        if (r->tree_words == 1 && !plru_build_paths(r))
            goto nomem;
    }
    repl_reset(r);
    return r;
nomem:
    repl_destroy(r);
    mm_fail(err, MM_ERR_NOMEM, "repl: out of memory for %u sets x %u ways", sets, ways);
    return NULL;
}

void repl_destroy(repl *r)
{
    if (!r)
        return;
    free(r->stamp);
    free(r->tree);
    free(r->path_mask);
    free(r->path_value);
    free(r);
}

void repl_reset(repl *r)
{
    size_t cells = (size_t)r->sets * r->ways;
    if (r->stamp)
        memset(r->stamp, 0, cells * sizeof *r->stamp);
    if (r->tree)
        memset(r->tree, 0, (size_t)r->sets * r->tree_words * sizeof *r->tree);
    r->clock = 0;
    r->lfsr = r->seed;
}

/* Points every node on way's path away from it (trees wider than one
 * word; narrower ones use the precomputed paths). */
void repl_plru_walk(repl *r, uint32_t set, uint32_t way)
{
    uint64_t *bits = r->tree + (size_t)set * r->tree_words;
    uint32_t node = 0;
    for (unsigned level = r->tree_depth; level-- > 0;) {
        uint32_t upper = (way >> level) & 1u;
        uint64_t *word = &bits[node / 64u];
        /* Branch-free: which half a touched way lies in is unpredictable. */
        *word = (*word & ~(1ull << (node % 64u))) | ((uint64_t)(upper ^ 1u) << (node % 64u));
        node = 2u * node + 1u + upper;
    }
}

static uint32_t plru_victim(const repl *r, uint32_t set)
{
    const uint64_t *bits = r->tree + (size_t)set * r->tree_words;
    uint32_t node = 0, way = 0;
    for (unsigned level = 0; level < r->tree_depth; level++) {
        uint32_t upper = (uint32_t)(bits[node / 64u] >> (node % 64u)) & 1u;
        way = (way << 1) | upper;
        node = 2u * node + 1u + upper;
    }
    return way;
}

static uint32_t oldest_stamp(const repl *r, uint32_t set)
{
    const uint64_t *stamp = r->stamp + (size_t)set * r->ways;
    uint32_t best = 0;
    for (uint32_t w = 1; w < r->ways; w++) {
        if (stamp[w] < stamp[best])
            best = w;
    }
    return best;
}

void repl_touch(repl *r, uint32_t set, uint32_t way)
{
    if (set >= r->sets || way >= r->ways)
        return;
    repl_touch_unchecked(r, set, way);
}

uint32_t repl_victim_full(repl *r, uint32_t set)
{
    switch (r->policy) {
    case REPL_LRU:
    case REPL_FIFO:
        return oldest_stamp(r, set);
    case REPL_PLRU:
        return plru_victim(r, set);
    case REPL_RANDOM:
    default: {
        uint32_t way = r->lfsr % r->ways;
        r->lfsr = repl_lfsr_next(r->lfsr);
        return way;
    }
    }
}

uint32_t repl_victim(repl *r, uint32_t set, const uint64_t *valid)
{
    if (set >= r->sets)
        return 0;
    for (uint32_t i = 0; i < r->valid_words; i++) {
        uint64_t present = i + 1u == r->valid_words ? r->last_word_mask : ~0ull;
        uint64_t invalid = ~valid[i] & present;
        if (invalid)
            return i * 64u + mm_lowest_set_bit(invalid);
    }
    return repl_victim_full(r, set);
}

void repl_fill(repl *r, uint32_t set, uint32_t way)
{
    if (set >= r->sets || way >= r->ways)
        return;
    repl_fill_unchecked(r, set, way);
}

void repl_invalidate(repl *r, uint32_t set, uint32_t way)
{
    if (set >= r->sets || way >= r->ways)
        return;
    if (r->stamp)
        r->stamp[(size_t)set * r->ways + way] = 0;
}
