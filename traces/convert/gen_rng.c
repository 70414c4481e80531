/*
 * gen_rng.c — xoshiro256** (Blackman and Vigna), seeded through
 * splitmix64; Lemire's multiply-and-reject bounded integers; and a
 * four-round Feistel permutation with cycle walking.
 */
#include "gen_rng.h"

uint64_t gen_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void gen_rng_seed(gen_rng *r, uint64_t seed)
{
    for (unsigned i = 0; i < 4; i++)
        r->s[i] = gen_splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, unsigned k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t gen_rng_next(gen_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t gen_rng_below(gen_rng *r, uint64_t n)
{
    /* The high word of x * n is uniform once the low words that would
     * make some results more likely are rejected. */
    __uint128_t m = (__uint128_t)gen_rng_next(r) * n;
    uint64_t low = (uint64_t)m;
    if (low < n) {
        uint64_t threshold = (0 - n) % n;
        while (low < threshold) {
            m = (__uint128_t)gen_rng_next(r) * n;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

double gen_rng_unit(gen_rng *r)
{
    return (double)(gen_rng_next(r) >> 11) * 0x1.0p-53;
}

void gen_perm_init(gen_perm *p, uint64_t n, gen_rng *r)
{
    unsigned bits = 2;
    while (bits < 64 && (1ull << bits) < n)
        bits += 2;
    p->n = n;
    p->half_bits = bits / 2;
    p->half_mask = (1ull << p->half_bits) - 1;
    for (unsigned i = 0; i < 4; i++)
        p->keys[i] = gen_rng_next(r);
}

static uint64_t round_fn(uint64_t x, uint64_t key)
{
    x ^= key;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 32;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 29);
}

static uint64_t feistel(const gen_perm *p, uint64_t x)
{
    uint64_t left = x >> p->half_bits, right = x & p->half_mask;
    for (unsigned i = 0; i < 4; i++) {
        uint64_t next = left ^ (round_fn(right, p->keys[i]) & p->half_mask);
        left = right;
        right = next;
    }
    return left << p->half_bits | right;
}

uint64_t gen_perm_apply(const gen_perm *p, uint64_t x)
{
    /* The network permutes [0, 4^k); following x's cycle until it falls
     * below n again restricts it to a permutation of [0, n). */
    do
        x = feistel(p, x);
    while (x >= p->n);
    return x;
}
