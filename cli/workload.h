/*
 * workload.h — built-in synthetic workloads for `mmulab run` and the
 * benchmarks: each builds real page tables for its address spaces and then
 * yields requests, one per cycle, from a seeded generator.
 */
#ifndef MMULAB_WORKLOAD_H
#define MMULAB_WORKLOAD_H

#include "mmulab/mmu.h"

typedef struct {
    const char *name;     /* mixed, random, sequential, l1hit */
    uint64_t requests;
    uint64_t footprint;   /* bytes of data touched (random, sequential); 0: the workload's default */
    uint64_t seed;
} workload_params;

typedef struct workload workload;

/* Names accepted by workload_create, NULL-terminated. */
const char *const *workload_names(void);

/* Maps the workload's address spaces into mem and registers them with m. */
workload *workload_create(const workload_params *p, mmu *m, pmem *mem, mm_error *err);
void workload_destroy(workload *w);
/* The next request; false when the workload is done. */
bool workload_next(workload *w, mmu_request *req);
/* A one-line description of what the workload does. */
const char *workload_describe(const workload *w);

#endif
