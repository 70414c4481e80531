/* hist.h — exact histogram of walk latencies: dense counts for small
 * values, a sparse map above, so percentiles are exact, not bucketed. */
#ifndef MMULAB_HIST_H
#define MMULAB_HIST_H

#include <stdbool.h>
#include <stdint.h>

#include "base/u64map.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HIST_DENSE 4096u

typedef struct {
    uint64_t dense[HIST_DENSE];
    u64map sparse;   /* value -> heap-allocated uint64_t count */
    uint64_t count;
    uint64_t sum;
    uint64_t max;
} hist;

bool hist_init(hist *h);
void hist_free(hist *h);
bool hist_add(hist *h, uint64_t value);
/* Nearest-rank percentile: smallest v with at least ceil(q/100 * count)
 * samples <= v; 0 when empty. */
uint64_t hist_percentile(const hist *h, double q);

#ifdef __cplusplus
}
#endif
#endif
