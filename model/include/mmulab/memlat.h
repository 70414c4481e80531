/*
 * memlat.h — latency of one PTE memory access, seen by the walker. One
 * model serves the C walker and the RTL's PTE port in cosimulation, so
 * both see the same latency for the same access at the same cycle.
 *   MEMLAT_FIXED   every access costs `fixed_cycles`.
 *   MEMLAT_CACHE   a deterministic hierarchy of PTE-line caches (e.g. L1D,
 *                  L2, LLC; true LRU, 64-byte lines, write-allocate) in
 *                  front of DRAM: latency = hit latency of the first level
 *                  that holds the line, or dram_cycles; every level missed
 *                  is filled. Levels are probed in order.
 *   MEMLAT_RANDOM  seeded uniform latency in [min_cycles, max_cycles] drawn
 *                  from a 64-bit xorshift64* stream, one draw per access
 *                  (regressions: find ordering bugs fixed latency hides).
 */
#ifndef MMULAB_MEMLAT_H
#define MMULAB_MEMLAT_H

#include "mmulab/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MEMLAT_MAX_LEVELS 4

typedef enum {
    MEMLAT_FIXED = 0,
    MEMLAT_CACHE = 1,
    MEMLAT_RANDOM = 2
} memlat_kind;

typedef struct {
    char name[16];       /* "l1d", "l2", "llc" */
    uint64_t size_bytes; /* sets = size / (line * ways), a power of two */
    uint32_t ways;
    uint32_t hit_cycles;
} memlat_level;

typedef struct {
    memlat_kind kind;
    uint32_t fixed_cycles;
    uint32_t line_bytes;          /* power of two, 8..4096 */
    unsigned n_levels;
    memlat_level levels[MEMLAT_MAX_LEVELS];
    uint32_t dram_cycles;
    uint32_t min_cycles, max_cycles;
    uint64_t seed;
} memlat_config;

typedef struct {
    uint64_t accesses;
    uint64_t hits[MEMLAT_MAX_LEVELS];
    uint64_t dram;
} memlat_stats;

typedef struct memlat memlat;

memlat *memlat_create(const memlat_config *cfg, mm_error *err);
void memlat_destroy(memlat *m);
/* Latency in cycles (>= 1) of an access to pa issued at `cycle`. */
uint32_t memlat_access(memlat *m, uint64_t pa, bool is_write, uint64_t cycle);
const memlat_stats *memlat_get_stats(const memlat *m);

#ifdef __cplusplus
}
#endif
#endif
