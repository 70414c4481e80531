/*
 * tlb.h — one TLB: one or more set-associative arrays, each holding a set
 * of page sizes, tagged with ASID and a global bit. A lookup probes every
 * array, and in an array that holds several sizes it probes the set each
 * size indexes (index = (va >> page_shift) % sets); all probes of one
 * lookup happen in the same cycle. A fill goes to the first array (in
 * config order) that holds the entry's page size.
 */
#ifndef MMULAB_TLB_H
#define MMULAB_TLB_H

#include "mmulab/common.h"
#include "mmulab/repl.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TLB_MAX_ARRAYS 4

typedef struct {
    uint32_t entries;
    uint32_t ways;          /* 1..entries; entries/ways must be a power of two */
    uint32_t level_mask;    /* page sizes held: bit i = level i (0: 4K, 1: 2M, ...) */
} tlb_array_config;

typedef struct {
    const char *name;
    unsigned n_arrays;
    tlb_array_config arrays[TLB_MAX_ARRAYS];
    repl_policy replacement;
    uint16_t lfsr_seed;
} tlb_config;

/* A cached translation. vpn/ppn are in units of the entry's page size. */
typedef struct {
    uint64_t vpn;     /* va >> MM_LEVEL_SHIFT(level) */
    uint64_t ppn;     /* pa >> MM_LEVEL_SHIFT(level) */
    uint16_t asid;
    uint8_t level;    /* page size */
    uint8_t perm;     /* MM_PERM_*; MM_PERM_G marks a global entry */
} tlb_entry;

/* Where an entry lives, for inclusion bookkeeping. */
typedef struct {
    uint8_t array;
    uint32_t set;
    uint32_t way;
} tlb_slot;

typedef struct tlb tlb;

/* MM_ERR_CONFIG naming the array for: zero entries or ways, ways > entries,
 * entries not a multiple of ways, sets not a power of two, no sizes, or a
 * size held by two arrays. */
tlb *tlb_create(const tlb_config *cfg, mm_error *err);
void tlb_destroy(tlb *t);

/* Looks va up for asid (global entries match any asid). On a hit copies
 * the entry to *out, updates replacement state and returns true. */
bool tlb_lookup(tlb *t, uint64_t va, uint16_t asid, tlb_entry *out, tlb_slot *slot);
/* Same match without touching replacement state. */
bool tlb_probe(const tlb *t, uint64_t va, uint16_t asid, tlb_entry *out, tlb_slot *slot);

/* Inserts e (replacing an existing entry for the same page and asid, else a
 * victim). When a valid entry was evicted, copies it to *victim and returns
 * true. MM_ERR_INVALID-free: an entry of a size no array holds is ignored
 * and false is returned (tlb_holds_level tells beforehand). */
bool tlb_insert(tlb *t, const tlb_entry *e, tlb_entry *victim);
bool tlb_holds_level(const tlb *t, unsigned level);

/* Invalidation. "nonglobal" variants keep global entries. */
void tlb_flush_all(tlb *t);
void tlb_flush_nonglobal(tlb *t);
void tlb_flush_asid(tlb *t, uint16_t asid);              /* non-global entries of asid */
void tlb_flush_va(tlb *t, uint64_t va);                  /* every entry covering va, any asid, global too */
void tlb_flush_asid_va(tlb *t, uint16_t asid, uint64_t va, bool include_global);
/* Removes the entry for exactly this page (inclusion back-invalidation). */
bool tlb_invalidate_entry(tlb *t, const tlb_entry *e);

uint32_t tlb_valid_count(const tlb *t);
const char *tlb_name(const tlb *t);

#ifdef __cplusplus
}
#endif
#endif
