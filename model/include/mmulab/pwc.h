/*
 * pwc.h — page-walk caches, three designs (Barr, Cox, Rixner, ISCA 2010):
 *   PWC_SPLIT   translation caches, one per non-leaf level, tagged by
 *               (ASID, VA prefix above that level): Intel's PML4E/PDPTE/PDE
 *               caches. An entry for level L maps VA bits above
 *               MM_LEVEL_SHIFT(L) to the base of the level L-1 table and
 *               carries the rights accumulated down to level L.
 *   PWC_UNIFIED one translation cache holding entries of every level,
 *               tagged by (level, ASID, VA prefix): Barr's "UTC".
 *   PWC_PTE     a page-table cache tagged by the physical address of a
 *               non-leaf PTE, holding the PTE word (AMD, Rocket). Not
 *               ASID-tagged: PTEs are physical.
 * Translation-cache lookup probes all levels at once and reports the
 * deepest (lowest-level) hit; the walk starts in the table it points to.
 */
#ifndef MMULAB_PWC_H
#define MMULAB_PWC_H

#include "mmulab/common.h"
#include "mmulab/repl.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    PWC_NONE = 0,
    PWC_SPLIT = 1,
    PWC_UNIFIED = 2,
    PWC_PTE = 3
} pwc_design;

typedef struct {
    uint32_t entries; /* 0: this level is not cached */
    uint32_t ways;    /* 1..entries, entries/ways a power of two */
} pwc_geometry;

typedef struct {
    pwc_design design;
    unsigned levels;                    /* page-table levels of the format */
    /* PWC_SPLIT: level[L] caches entries of level L (1..levels-1). */
    pwc_geometry level[MM_MAX_LEVELS];
    /* PWC_UNIFIED and PWC_PTE: one array. */
    pwc_geometry unified;
    repl_policy replacement;
    uint16_t lfsr_seed;
} pwc_config;

typedef struct {
    unsigned level;     /* level of the cached entry (>= 1) */
    uint64_t table_pa;  /* base of the level-1 table below it */
    uint8_t perm;       /* accumulated rights after this level */
    bool global;
} pwc_hit;

typedef struct {
    uint64_t lookups[MM_MAX_LEVELS]; /* split: per level; unified/pte: [0] */
    uint64_t hits[MM_MAX_LEVELS];    /* hits by level of the entry that hit */
    uint64_t fills[MM_MAX_LEVELS];
} pwc_stats;

typedef struct pwc pwc;

/* MM_ERR_CONFIG naming the offending field for impossible geometry. */
pwc *pwc_create(const pwc_config *cfg, mm_error *err);
void pwc_destroy(pwc *c);
pwc_design pwc_get_design(const pwc *c);

/* Translation caches (SPLIT, UNIFIED): deepest hit for (asid, va).
 * Global entries match any asid. Updates replacement state and stats. */
bool pwc_lookup(pwc *c, uint16_t asid, uint64_t va, pwc_hit *hit);
/* Caches the level-`level` entry on va's path. Replaces a matching entry. */
void pwc_fill(pwc *c, uint16_t asid, uint64_t va, unsigned level, uint64_t table_pa,
              uint8_t perm, bool global);

/* Page-table cache (PTE): the PTE word cached for the PTE at pte_pa. */
bool pwc_pte_lookup(pwc *c, uint64_t pte_pa, unsigned level, uint64_t *value);
void pwc_pte_fill(pwc *c, uint64_t pte_pa, unsigned level, uint64_t value);

/* Invalidation, any design. For PWC_PTE entries carry no ASID: the ASID
 * and VA forms drop every entry (the hardware cannot tell). */
void pwc_flush_all(pwc *c);
void pwc_flush_asid(pwc *c, uint16_t asid, bool include_global);
/* Entries on va's path (translation caches) for asid, or for every asid
 * when all_asids. */
void pwc_flush_va(pwc *c, uint16_t asid, uint64_t va, bool all_asids);

const pwc_stats *pwc_get_stats(const pwc *c);
void pwc_reset_stats(pwc *c);

#ifdef __cplusplus
}
#endif
#endif
