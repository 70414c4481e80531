/* u64map.c — see u64map.h. */
#include "base/u64map.h"

#include <stdlib.h>

bool u64map_init(u64map *m, size_t initial_cap)
{
    size_t cap = 16;
    while (cap < initial_cap)
        cap <<= 1;
    m->keys = calloc(cap, sizeof *m->keys);
    m->vals = calloc(cap, sizeof *m->vals);
    m->cap = cap;
    m->count = 0;
    if (!m->keys || !m->vals) {
        u64map_free(m);
        return false;
    }
    return true;
}

void u64map_free(u64map *m)
{
    free(m->keys);
    free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
    m->cap = m->count = 0;
}

void *u64map_get(const u64map *m, uint64_t key)
{
    size_t mask = m->cap - 1;
    for (size_t i = u64map_hash(key) & mask;; i = (i + 1) & mask) {
        if (!m->vals[i])
            return NULL;
        if (m->keys[i] == key)
            return m->vals[i];
    }
}

static bool grow(u64map *m)
{
    u64map bigger;
    if (!u64map_init(&bigger, m->cap * 2))
        return false;
    for (size_t i = 0; i < m->cap; i++)
        if (m->vals[i])
            u64map_put(&bigger, m->keys[i], m->vals[i]);
    u64map_free(m);
    *m = bigger;
    return true;
}

bool u64map_put(u64map *m, uint64_t key, void *val)
{
    if ((m->count + 1) * 4 > m->cap * 3 && !grow(m))
        return false;
    size_t mask = m->cap - 1;
    size_t i = u64map_hash(key) & mask;
    while (m->vals[i] && m->keys[i] != key)
        i = (i + 1) & mask;
    if (!m->vals[i])
        m->count++;
    m->keys[i] = key;
    m->vals[i] = val;
    return true;
}

void *u64map_remove(u64map *m, uint64_t key)
{
    size_t mask = m->cap - 1;
    size_t i = u64map_hash(key) & mask;
    while (m->vals[i] && m->keys[i] != key)
        i = (i + 1) & mask;
    void *val = m->vals[i];
    if (!val)
        return NULL;
    m->vals[i] = NULL;
    m->count--;
    /* Backward-shift: move later members of the probe run into the hole
     * when their home slot is not between the hole and themselves. */
    for (size_t j = (i + 1) & mask; m->vals[j]; j = (j + 1) & mask) {
        size_t home = u64map_hash(m->keys[j]) & mask;
        bool stays = (i <= j) ? (i < home && home <= j) : (i < home || home <= j);
        if (stays)
            continue;
        m->keys[i] = m->keys[j];
        m->vals[i] = m->vals[j];
        m->vals[j] = NULL;
        i = j;
    }
    return val;
}
