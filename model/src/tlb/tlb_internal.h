/*
 * tlb_internal.h — the TLB's storage layout, shared by tlb.c (create,
 * lookup, insert) and tlb_flush.c (invalidation).
 *
 * Each array keeps three parallel tables, set after set, ways contiguous:
 *   key[]   vpn << 8 | level << 1 | 1     (0: invalid way)
 *   data[]  ppn, perm and asid_tag = asid | match_mask << 16 (match_mask
 *           0xffff, or 0 when the entry is global)
 *   fp[]    a one-byte fingerprint per way, eight ways per 64-bit word
 *           (way w in bits 8 (w % 8) .. 8 (w % 8) + 7 of word w / 8)
 * An entry matches (va, asid) at level L when key == (va >> shift(L)) << 8
 * | L << 1 | 1 and ((asid_tag ^ asid) & match_mask) == 0: that is the
 * whole definition. The fingerprint (the low byte of the vpn bits above
 * the set index) only lets a lookup skip ways that cannot match, eight
 * ways per word compare, so large associativity stays cheap; it is never
 * trusted on its own and is left stale when a way is invalidated.
 */
#ifndef MMULAB_TLB_INTERNAL_H
#define MMULAB_TLB_INTERNAL_H

#include "mmulab/tlb.h"

#define TLB_NAME_LEN 64
#define TLB_ASID_MATCH_ALL 0xffffu
#define TLB_FP_ONES 0x0101010101010101ull
#define TLB_FP_HIGHS 0x8080808080808080ull

typedef struct {
    uint64_t ppn;
    uint32_t asid_tag;
    uint8_t perm;
} tlb_data;

typedef struct {
    uint32_t sets;
    uint32_t ways;
    uint32_t set_mask;
    uint32_t set_bits;   /* log2(sets) */
    uint32_t fp_words;   /* fingerprint words per set: ceil(ways / 8) */
    uint32_t level_mask;
    uint64_t *key;       /* sets * ways */
    tlb_data *data;      /* sets * ways */
    uint64_t *fp;        /* sets * fp_words */
    repl *repl;
} tlb_array;

/* One (array, page size) pair a lookup probes, with everything the probe
 * needs copied in so the hot loop reads one small record. */
typedef struct {
    const uint64_t *key;
    const tlb_data *data;
    const uint64_t *fp;
    repl *repl;
    uint64_t last_fp_mask; /* high bits of the bytes of real ways in a set's last fp word */
    uint32_t set_mask;
    uint32_t ways;
    uint32_t fp_words;
    uint8_t shift;         /* MM_LEVEL_SHIFT(level) */
    uint8_t set_bits;
    uint8_t level;
    uint8_t array;
} tlb_probe_step;

struct tlb {
    char name[TLB_NAME_LEN];
    unsigned n_arrays;
    unsigned n_probes;
    /* Ordered by page size, smallest first: when stale entries of two
     * sizes both cover va, the smaller page wins. */
    tlb_probe_step probes[MM_MAX_LEVELS];
    int8_t array_of_level[MM_MAX_LEVELS]; /* -1: size not held */
    uint32_t valid_count;
    tlb_array arrays[TLB_MAX_ARRAYS];
};

static inline uint64_t tlb_make_key(uint64_t vpn, unsigned level)
{
    return (vpn << 8) | ((uint64_t)level << 1) | 1u;
}

static inline unsigned tlb_key_level(uint64_t key)
{
    return (unsigned)(key & 0xffu) >> 1;
}

static inline uint8_t tlb_fingerprint(uint64_t vpn, unsigned set_bits)
{
    return (uint8_t)(vpn >> set_bits);
}

static inline uint32_t tlb_make_asid_tag(uint16_t asid, bool global)
{
    return (uint32_t)asid | ((global ? 0u : TLB_ASID_MATCH_ALL) << 16);
}

static inline bool tlb_tag_global(uint32_t asid_tag)
{
    return (asid_tag >> 16) == 0;
}

static inline bool tlb_asid_matches(uint32_t asid_tag, uint16_t asid)
{
    return ((asid_tag ^ asid) & (asid_tag >> 16)) == 0;
}

/* Two entries are the same page for insertion and back-invalidation when
 * they have the same size and vpn and either shares the other's asid or
 * one of them is global (a lookup could then hit either). */
static inline bool tlb_same_page(uint64_t cell_key, uint32_t cell_asid_tag, uint64_t key, uint16_t asid,
                                 bool global)
{
    return cell_key == key && (global || tlb_tag_global(cell_asid_tag) || (uint16_t)cell_asid_tag == asid);
}

/* A vpn whose page would lie above 2^64 can never be looked up (and would
 * not survive the shift into a key). */
static inline bool tlb_vpn_fits(uint64_t vpn, unsigned level)
{
    return (vpn >> (64u - MM_LEVEL_SHIFT(level))) == 0;
}

/* Invalidates one valid way (key, replacement state, valid count). */
void tlb_drop_way(tlb *t, unsigned array, uint32_t set, uint32_t way);

#endif
