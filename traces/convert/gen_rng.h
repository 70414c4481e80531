/*
 * gen_rng.h — the generators' randomness: a seeded xoshiro256** stream,
 * unbiased bounded integers, and a keyed bijection on [0, n) that gives a
 * random-looking permutation without storing it (pointer chase order,
 * zipf rank scrambling).
 */
#ifndef MMULAB_GEN_RNG_H
#define MMULAB_GEN_RNG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint64_t s[4];
} gen_rng;

/* Expands seed with splitmix64 so that nearby seeds give unrelated streams. */
void gen_rng_seed(gen_rng *r, uint64_t seed);
uint64_t gen_rng_next(gen_rng *r);
/* Uniform in [0, n), n >= 1. */
uint64_t gen_rng_below(gen_rng *r, uint64_t n);
/* Uniform in [0, 1) with 53 random bits. */
double gen_rng_unit(gen_rng *r);
uint64_t gen_splitmix64(uint64_t *state);

/* A permutation of [0, n): a balanced Feistel network on the smallest
 * even bit width covering n, walking the cycle until it lands below n. */
typedef struct {
    uint64_t n;
    unsigned half_bits;
    uint64_t half_mask;
    uint64_t keys[4];
} gen_perm;

void gen_perm_init(gen_perm *p, uint64_t n, gen_rng *r);
uint64_t gen_perm_apply(const gen_perm *p, uint64_t x);

#ifdef __cplusplus
}
#endif
#endif
