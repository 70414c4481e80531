/* u64map.h — internal open-addressing hash map from a 64-bit key to a
 * pointer (linear probing, backward-shift deletion, power-of-two size).
 * Used for sparse frames, allocated-frame sets and per-ASID contexts. */
#ifndef MMULAB_U64MAP_H
#define MMULAB_U64MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint64_t *keys;
    void **vals;   /* NULL marks an empty slot: values must be non-NULL */
    size_t cap;    /* power of two */
    size_t count;
} u64map;

bool u64map_init(u64map *m, size_t initial_cap);
void u64map_free(u64map *m);
void *u64map_get(const u64map *m, uint64_t key);
/* Inserts or replaces; false only when growing the table failed. */
bool u64map_put(u64map *m, uint64_t key, void *val);
/* Removes key and returns its value (NULL if absent). */
void *u64map_remove(u64map *m, uint64_t key);

static inline uint64_t u64map_hash(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    return k;
}

#ifdef __cplusplus
}
#endif
#endif
