/*
 * repl.h — replacement policies for set-associative structures (TLBs and
 * walk caches), specified exactly so the RTL picks the same victims:
 *   - every policy first takes the lowest-numbered invalid way;
 *   - LRU: true LRU (victim = least recently touched valid way);
 *   - PLRU: tree pseudo-LRU over a power-of-two number of ways;
 *   - FIFO: victim = valid way filled longest ago (hits do not reorder);
 *   - RANDOM: victim = lfsr % ways, then the LFSR steps once. The LFSR is
 *     one per structure, 16 bits, Galois form, taps 0xB400
 *     (x^16 + x^14 + x^13 + x^11 + 1), seeded from the config (non-zero).
 *     It steps only when a victim is chosen among valid ways.
 */
#ifndef MMULAB_REPL_H
#define MMULAB_REPL_H

#include "mmulab/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    REPL_LRU = 0,
    REPL_PLRU = 1,
    REPL_FIFO = 2,
    REPL_RANDOM = 3,
    REPL_COUNT
} repl_policy;

#define REPL_LFSR_TAPS 0xB400u
#define REPL_LFSR_DEFAULT_SEED 0xACE1u

const char *repl_name(repl_policy policy);
int repl_parse(const char *name, repl_policy *out, const char *what, mm_error *err);

/* One LFSR step (Galois, shift right, xor taps when the bit shifted out is 1). */
uint16_t repl_lfsr_next(uint16_t state);

/* Replacement state of `sets` sets of `ways` ways. */
typedef struct repl repl;

#define REPL_MAX_WAYS 1024u

/* MM_ERR_INVALID when ways is 0 or > REPL_MAX_WAYS, or PLRU with ways not a
 * power of two. */
repl *repl_create(repl_policy policy, uint32_t sets, uint32_t ways, uint16_t lfsr_seed, mm_error *err);
void repl_destroy(repl *r);
void repl_reset(repl *r); /* back to the just-created state, LFSR reseeded */

/* A lookup hit way `way` of `set` (LRU/PLRU update; FIFO/RANDOM ignore). */
void repl_touch(repl *r, uint32_t set, uint32_t way);
/* Chooses the victim way in `set`; bit w of the bitmap valid (word w / 64,
 * bit w % 64) set means way w holds a valid entry. Steps the LFSR when the
 * RANDOM policy chooses among valid ways; otherwise changes no state:
 * call repl_fill after writing the way. */
uint32_t repl_victim(repl *r, uint32_t set, const uint64_t *valid);
/* Way `way` of `set` was just filled (LRU/PLRU: most recent; FIFO: newest). */
void repl_fill(repl *r, uint32_t set, uint32_t way);
/* Way `way` was invalidated (FIFO/LRU bookkeeping may forget it). */
void repl_invalidate(repl *r, uint32_t set, uint32_t way);

#ifdef __cplusplus
}
#endif
#endif
