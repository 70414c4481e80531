/*
 * repl_internal.h — what the model's set-associative structures (TLB
 * arrays, walk caches) share beyond repl.h: the replacement state's layout,
 * so the TLB lookup and fill (the hottest paths) can apply a touch or fill
 * inline and ask for a victim without building a valid bitmap when they
 * know every way is valid; the geometry check every such structure
 * applies; two bit helpers. The replacement rules themselves are in repl.c.
 */
#ifndef MMULAB_REPL_INTERNAL_H
#define MMULAB_REPL_INTERNAL_H

#include "base/bits.h"
#include "mmulab/repl.h"

static inline bool repl_is_power_of_two(uint32_t x)
{
    return x != 0 && (x & (x - 1)) == 0;
}


/* MM_ERR_CONFIG, with a message starting with `field`, unless entries and
 * ways describe a structure repl can manage under policy: entries and
 * ways >= 1, ways <= entries, entries a multiple of ways, a power-of-two
 * number of sets, ways <= REPL_MAX_WAYS, power-of-two ways for PLRU. */
int repl_check_geometry(uint32_t entries, uint32_t ways, repl_policy policy, const char *field,
                        mm_error *err);

struct repl {
    repl_policy policy;
    uint32_t sets;
    uint32_t ways;
    uint32_t valid_words;     /* 64-bit words in a valid bitmap of one set */
    uint64_t last_word_mask;  /* ways present in the last bitmap word */
    uint32_t tree_words;      /* PLRU: words of node bits per set */
    unsigned tree_depth;      /* PLRU: log2(ways) */
    uint16_t seed;
    uint16_t lfsr;
    uint64_t clock;           /* LRU/FIFO: the latest stamp handed out */
    uint64_t *stamp;          /* LRU/FIFO: sets * ways */
    uint64_t *tree;           /* PLRU: sets * tree_words */
    /* PLRU with ways <= 64 (one tree word): the node bits on each way's
     * path and the values a touch writes there, so a touch is one masked
     * store instead of a walk down the tree. */
    uint64_t *path_mask;
    uint64_t *path_value;
};

/* The general PLRU touch: walks way's path down the tree. */
void repl_plru_walk(repl *r, uint32_t set, uint32_t way);

/* repl_touch for a set and way known to be in range. */
static inline void repl_touch_unchecked(repl *r, uint32_t set, uint32_t way)
{
    if (r->policy == REPL_LRU) {
        r->stamp[(size_t)set * r->ways + way] = ++r->clock;
    } else if (r->path_mask) {
        uint64_t *bits = &r->tree[set]; /* one tree word per set */
        *bits = (*bits & ~r->path_mask[way]) | r->path_value[way];
    } else if (r->policy == REPL_PLRU) {
        repl_plru_walk(r, set, way);
    }
}

/* The victim of a set whose ways are all valid (repl_victim's rule once no
 * way is invalid; RANDOM steps the LFSR). */
uint32_t repl_victim_full(repl *r, uint32_t set);

/* repl_fill for a set and way known to be in range. */
static inline void repl_fill_unchecked(repl *r, uint32_t set, uint32_t way)
{
    if (r->policy == REPL_FIFO)
        r->stamp[(size_t)set * r->ways + way] = ++r->clock;
    else
        repl_touch_unchecked(r, set, way);
}

#endif
