/*
 * sweep.h — exact TLB miss counts for many TLB geometries from one pass
 * over a reference stream (docs/sweeps.md):
 *   - sweep_fa: every size 1..max_entries of a fully associative true-LRU
 *     TLB (Mattson et al. 1970 stack distances, O(log max_entries) per
 *     reference);
 *   - sweep_sa: every (sets, ways) of a set-associative true-LRU TLB with
 *     bit-selection indexing (set = key % sets), sets a power of two
 *     1..max_sets and ways 1..max_ways (Hill & Smith 1989
 *     all-associativity, using the inclusion of (S, W) in (2S, W));
 *   - sweep: a native trace (trace.h) turned into two reference streams,
 *     instruction fetches and data (loads and stores), keyed by process
 *     and page, each fed to one engine of the chosen kind.
 * A reference is a 64-bit key; the low bits of the key select the set.
 * The engines model capacity only: there are no invalidations.
 */
#ifndef MMULAB_SWEEP_H
#define MMULAB_SWEEP_H

#include "mmulab/common.h"
#include "mmulab/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SWEEP_FA_MAX_ENTRIES (1u << 22)
#define SWEEP_SA_MAX_SETS (1u << 20)
#define SWEEP_SA_MAX_WAYS 1024u
#define SWEEP_SA_MAX_CELLS (1u << 25) /* (2 max_sets - 1) * max_ways */
/* Processes are told apart by a dense id in key bits 52..63. */
#define SWEEP_MAX_PROCESSES 4095u

/* ---- fully associative: every size at once ---- */
typedef struct sweep_fa sweep_fa;

/* MM_ERR_INVALID unless 1 <= max_entries <= SWEEP_FA_MAX_ENTRIES. */
sweep_fa *sweep_fa_create(uint32_t max_entries, mm_error *err);
void sweep_fa_destroy(sweep_fa *f);
void sweep_fa_reference(sweep_fa *f, uint64_t key);
uint64_t sweep_fa_references(const sweep_fa *f);
uint32_t sweep_fa_max_entries(const sweep_fa *f);
/* Misses of an LRU TLB of `entries` entries, 1..max_entries; UINT64_MAX
 * for a size outside the sweep. */
uint64_t sweep_fa_misses(const sweep_fa *f, uint32_t entries);
/* misses[e - 1] = misses of e entries for e = 1..n, n <= max_entries, in
 * O(n); MM_ERR_INVALID naming n otherwise. */
int sweep_fa_miss_curve(const sweep_fa *f, uint64_t *misses, uint32_t n, mm_error *err);

/* ---- set associative: every (power-of-two sets, ways) at once ---- */
typedef struct sweep_sa sweep_sa;

/* MM_ERR_INVALID unless max_sets is a power of two <= SWEEP_SA_MAX_SETS,
 * 1 <= max_ways <= SWEEP_SA_MAX_WAYS and the grid fits SWEEP_SA_MAX_CELLS. */
sweep_sa *sweep_sa_create(uint32_t max_sets, uint32_t max_ways, mm_error *err);
void sweep_sa_destroy(sweep_sa *s);
void sweep_sa_reference(sweep_sa *s, uint64_t key);
uint64_t sweep_sa_references(const sweep_sa *s);
uint32_t sweep_sa_max_sets(const sweep_sa *s);
uint32_t sweep_sa_max_ways(const sweep_sa *s);
/* Misses of `sets` sets of `ways` ways; UINT64_MAX outside the grid. */
uint64_t sweep_sa_misses(const sweep_sa *s, uint32_t sets, uint32_t ways);
/* misses[w - 1] = misses of (sets, w) for w = 1..n; MM_ERR_INVALID naming
 * sets or n when they are outside the grid. */
int sweep_sa_miss_curve(const sweep_sa *s, uint32_t sets, uint64_t *misses, uint32_t n,
                        mm_error *err);

/* ---- a trace through one engine per stream ---- */
typedef enum {
    SWEEP_FA = 0, /* fully associative, every size 1..max_entries */
    SWEEP_SA = 1  /* set associative, every (sets, ways) of the grid */
} sweep_kind;

typedef enum {
    SWEEP_IFETCH = 0, /* instruction fetches */
    SWEEP_DATA = 1,   /* loads and stores */
    SWEEP_STREAM_COUNT
} sweep_stream;

typedef struct {
    sweep_kind kind;
    uint32_t max_entries; /* SWEEP_FA */
    uint32_t max_sets;    /* SWEEP_SA */
    uint32_t max_ways;    /* SWEEP_SA */
    uint8_t page_level;   /* 0: 4 KiB pages, 1: 2 MiB pages */
} sweep_config;

typedef struct {
    uint64_t records;        /* trace records consumed */
    uint64_t accesses;       /* access records */
    uint64_t instructions;   /* sum of the access records' instruction counts */
    uint64_t page_crossings; /* accesses that touched two pages (two references) */
    uint64_t processes;      /* distinct pids that made accesses */
    uint64_t references[SWEEP_STREAM_COUNT];
} sweep_totals;

typedef struct sweep sweep;

/* MM_ERR_INVALID naming the field for a bad kind, page level or geometry. */
sweep *sweep_create(const sweep_config *cfg, mm_error *err);
void sweep_destroy(sweep *s);
const sweep_config *sweep_get_config(const sweep *s);

/* Feeds records in trace order, with mmulab run's rules (sim.h): an
 * access is made by the current process (the last context switch's pid,
 * else the access's own pid, which becomes current; an exit of the current
 * process clears it), and an access whose bytes cross a page boundary
 * references both pages. Keys are (process id << 52) | page number. Other
 * events (fork, mmap, flushes, ...) change no TLB state here. Errors name
 * the record index: access type out of range, unknown record kind, more
 * than SWEEP_MAX_PROCESSES processes. */
int sweep_feed(sweep *s, const trace_record *recs, size_t n, mm_error *err);
/* Feeds a whole native trace (path "-": standard input); errors name it. */
int sweep_feed_trace(sweep *s, const char *path, mm_error *err);

const sweep_totals *sweep_get_totals(const sweep *s);
/* Misses on stream of a TLB of `sets` sets (SWEEP_FA: 1) and `ways` ways;
 * UINT64_MAX outside the sweep. */
uint64_t sweep_misses(const sweep *s, sweep_stream stream, uint32_t sets, uint32_t ways);
/* misses[w - 1] for w = 1..n as sweep_fa_miss_curve / sweep_sa_miss_curve. */
int sweep_miss_curve(const sweep *s, sweep_stream stream, uint32_t sets, uint64_t *misses,
                     uint32_t n, mm_error *err);
const char *sweep_stream_name(sweep_stream stream);

#ifdef __cplusplus
}
#endif
#endif
