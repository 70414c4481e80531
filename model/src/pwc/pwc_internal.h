/*
 * pwc_internal.h — storage of the page-walk caches, shared by pwc.c
 * (create, stats), pwc_lookup.c (lookups and fills) and pwc_flush.c.
 *
 * Every design stores the same 24-byte record per way:
 *   translation caches: tag = va >> MM_LEVEL_SHIFT(level), value = base
 *                       of the level-1 table, asid_tag = asid | mask << 16
 *                       (mask 0 for a global entry, else 0xffff);
 *   page-table cache:   tag = PTE physical address, value = PTE word.
 * state is 0 for an invalid way, else the entry's level + 1, so a unified
 * cache compares level and validity in one byte.
 */
#ifndef MMULAB_PWC_INTERNAL_H
#define MMULAB_PWC_INTERNAL_H

#include "mmulab/pwc.h"

#define PWC_ASID_MATCH_ALL 0xffffu

typedef struct {
    uint64_t tag;
    uint64_t value;
    uint32_t asid_tag;
    uint8_t state;
    uint8_t perm;
} pwc_entry;

typedef struct {
    uint32_t sets;      /* 0: no array */
    uint32_t ways;
    uint32_t set_mask;
    pwc_entry *e;       /* sets * ways */
    repl *repl;
} pwc_array;

struct pwc {
    pwc_design design;
    unsigned levels;
    /* PWC_SPLIT: arrays[L] caches level L; other designs use arrays[0]. */
    pwc_array arrays[MM_MAX_LEVELS];
    pwc_stats stats;
};

static inline uint8_t pwc_state(unsigned level)
{
    return (uint8_t)(level + 1u);
}

static inline uint32_t pwc_make_asid_tag(uint16_t asid, bool global)
{
    return (uint32_t)asid | ((global ? 0u : PWC_ASID_MATCH_ALL) << 16);
}

static inline bool pwc_entry_global(const pwc_entry *e)
{
    return (e->asid_tag >> 16) == 0;
}

static inline uint16_t pwc_entry_asid(const pwc_entry *e)
{
    return (uint16_t)e->asid_tag;
}

static inline bool pwc_asid_matches(uint32_t asid_tag, uint16_t asid)
{
    return ((asid_tag ^ asid) & (asid_tag >> 16)) == 0;
}

/* The array holding level-`level` translation entries, or NULL. */
static inline pwc_array *pwc_array_of(pwc *c, unsigned level)
{
    pwc_array *a = NULL;
    if (c->design == PWC_SPLIT && level >= 1 && level < c->levels)
        a = &c->arrays[level];
    else if (c->design == PWC_UNIFIED && level >= 1 && level < c->levels)
        a = &c->arrays[0];
    return a && a->sets ? a : NULL;
}

/* Invalidates way `way` of `set` of array a. */
static inline void pwc_drop_way(pwc_array *a, uint32_t set, uint32_t way)
{
    a->e[(size_t)set * a->ways + way].state = 0;
    repl_invalidate(a->repl, set, way);
}

#endif
