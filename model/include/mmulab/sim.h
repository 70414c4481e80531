/*
 * sim.h — a whole simulated machine driven by trace records: physical
 * memory, the MMU, and one address space per process, with the rules that
 * turn a trace into timed translation requests (docs/architecture.md,
 * "Running a trace"):
 *   - issue cycles follow the instruction counts (core.issue "open"),
 *     never earlier than the MMU's request port accepted the previous
 *     request (a core stalls with a stalled port), or also wait for the
 *     previous translation to complete ("blocking");
 *   - an access whose bytes cross a page boundary translates both pages;
 *   - a page is mapped the first time it is touched (4 KiB, a fresh frame,
 *     the permissions of its mmap'ed region, else read/write/execute), so
 *     a trace never faults for want of a mapping;
 *   - context switches, fork, exit, mmap/munmap/mprotect and TLB flushes in
 *     the trace act on the address spaces and the MMU.
 * The command line, the SystemC wrapper and the cosimulation all run traces
 * through this one module.
 */
#ifndef MMULAB_SIM_H
#define MMULAB_SIM_H

#include "mmulab/config.h"
#include "mmulab/mmu.h"
#include "mmulab/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint64_t records;        /* trace records consumed */
    uint64_t accesses;       /* access records */
    uint64_t instructions;   /* sum of the access records' instruction counts */
    uint64_t translations;   /* requests issued (a page-crossing access issues two) */
    uint64_t page_crossings; /* accesses that touched two pages */
    uint64_t pages_mapped;   /* pages mapped on first touch */
    uint64_t processes;      /* address spaces created */
    uint64_t events[TRACE_KIND_COUNT];
    uint64_t last_cycle;     /* issue cycle of the last request */
} sim_stats;

typedef struct sim sim;

sim *sim_create(const mmu_config *cfg, mm_error *err);
void sim_destroy(sim *s);

/* Feeds records in trace order. Errors (out of simulated memory, an event
 * naming an unknown process) name the record index. */
int sim_feed(sim *s, const trace_record *recs, size_t n, mm_error *err);
/* Completes every translation still in flight. */
void sim_finish(sim *s);

const sim_stats *sim_get_stats(const sim *s);
mmu *sim_mmu(sim *s);
/* Optional observer of every response (cosimulation, tests). */
void sim_set_response_fn(sim *s, mmu_response_fn fn, void *opaque);

/* The report: mmu_report_json plus a "run" section (records, instructions,
 * MPKI per TLB and access type, page crossings, pages mapped); the caller
 * frees it. label names the trace. */
char *sim_report_json(const sim *s, const char *label);

#ifdef __cplusplus
}
#endif
#endif
