/* hist.c — see hist.h. */
#include "mmu/hist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

bool hist_init(hist *h)
{
    memset(h->dense, 0, sizeof h->dense);
    h->count = h->sum = h->max = 0;
    return u64map_init(&h->sparse, 16);
}

void hist_free(hist *h)
{
    for (size_t i = 0; i < h->sparse.cap; i++)
        free(h->sparse.vals ? h->sparse.vals[i] : NULL);
    u64map_free(&h->sparse);
}

bool hist_add(hist *h, uint64_t value)
{
    if (value < HIST_DENSE) {
        h->dense[value]++;
    } else {
        uint64_t *c = u64map_get(&h->sparse, value);
        if (!c) {
            c = calloc(1, sizeof *c);
            if (!c || !u64map_put(&h->sparse, value, c)) {
                free(c);
                return false;
            }
        }
        (*c)++;
    }
    h->count++;
    h->sum += value;
    if (value > h->max)
        h->max = value;
    return true;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

uint64_t hist_percentile(const hist *h, double q)
{
    if (h->count == 0)
        return 0;
    double want = ceil(q / 100.0 * (double)h->count);
    uint64_t rank = want < 1.0 ? 1 : (uint64_t)want;
    if (rank > h->count)
        rank = h->count;
    uint64_t seen = 0;
    for (uint64_t v = 0; v < HIST_DENSE; v++) {
        seen += h->dense[v];
        if (seen >= rank)
            return v;
    }
    size_t n = h->sparse.count, k = 0;
    uint64_t *keys = malloc((n ? n : 1) * sizeof *keys);
    if (!keys)
        return h->max;
    for (size_t i = 0; i < h->sparse.cap; i++)
        if (h->sparse.vals[i])
            keys[k++] = h->sparse.keys[i];
    qsort(keys, n, sizeof *keys, cmp_u64);
    uint64_t result = h->max;
    for (size_t i = 0; i < n; i++) {
        seen += *(uint64_t *)u64map_get(&h->sparse, keys[i]);
        if (seen >= rank) {
            result = keys[i];
            break;
        }
    }
    free(keys);
    return result;
}
