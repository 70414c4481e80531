/*
 * os.h — the operating-system layer of the model (docs/os-model.md):
 * processes with their own page tables and ASIDs, anonymous memory
 * regions reserved by mmap (overcommitted: no frame until first touch),
 * the page-fault handler (minor, major and copy-on-write faults), a frame
 * budget with per-group limits (cgroup memory.max), page replacement over
 * the PTE accessed bits, a swap device whose slots live in not-present
 * PTEs, transparent huge pages, and the TLB shootdowns all of this needs.
 * Every page table is real: the walker (walk.h) reads what the OS wrote.
 */
#ifndef MMULAB_OS_H
#define MMULAB_OS_H

#include "mmulab/common.h"
#include "mmulab/pmem.h"
#include "mmulab/pt.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    OS_REPL_CLOCK = 0, /* second chance: a set A bit buys one more turn of the hand */
    OS_REPL_AGING = 1  /* LRU approximation: 8-bit age counters shifted in from the A bits */
} os_repl_policy;

typedef enum {
    OS_THP_NEVER = 0,      /* 4 KiB pages only */
    OS_THP_ALWAYS = 1,     /* a huge page wherever an aligned range of a region is untouched */
    OS_THP_ON_REQUEST = 2  /* only in regions mapped with OS_MAP_HUGE (madvise) */
} os_thp_policy;

typedef struct {
    uint64_t budget_frames;     /* frames the OS may give to user pages, 1..pmem's */
    uint64_t swap_slots;        /* capacity of the swap device in 4 KiB pages */
    os_repl_policy repl;
    os_thp_policy thp;
    unsigned thp_max_level;     /* largest huge page: 1 = 2 MiB, 2 = 1 GiB (if the format has it) */
    bool keep_content;          /* the swap device stores page contents (else timing only) */
    /* costs in cycles */
    uint32_t minor_cycles;      /* trap, allocate a frame, map it */
    uint32_t zero_cycles;       /* zeroing one 4 KiB page (a 2 MiB fault zeroes 512) */
    uint32_t major_cycles;      /* trap plus the swap device's read latency */
    uint32_t swap_out_cycles;   /* writing one victim page to the swap device */
    uint32_t cow_cycles;        /* trap plus copying one 4 KiB page */
    uint32_t shootdown_cycles;  /* one TLB shootdown (IPI and invalidation) per changed mapping */
} os_config;

/* Defaults: budget 0 (must be set), 1 Mi swap slots, clock, THP never,
 * thp_max_level 1, content kept; minor 1000, zero 250, major 100000,
 * swap-out 20000, COW 2000, shootdown 500 cycles. */
void os_config_init(os_config *cfg);

/* mmap protection (MM_PERM_R/W/X) and flags. */
enum {
    OS_MAP_HUGE = 1u << 0 /* the region asks for huge pages (OS_THP_ON_REQUEST) */
};

typedef enum {
    OS_FAULT_KIND_NONE = 0,  /* nothing to do (spurious, A/D update) or a segfault */
    OS_FAULT_KIND_MINOR = 1, /* a zeroed frame was allocated */
    OS_FAULT_KIND_MAJOR = 2, /* the page was read back from swap */
    OS_FAULT_KIND_COW = 3    /* a write to a shared page: copied, or taken over */
} os_fault_kind;

typedef enum {
    OS_SEGV_NONE = 0,
    OS_SEGV_MAPERR = 1, /* va outside every region */
    OS_SEGV_ACCERR = 2  /* the region does not allow the access */
} os_segv;

/* A mapping the OS removed or changed: the MMU must drop (asid, va) from
 * its TLBs and walk caches. level is the size of the old mapping. */
typedef struct {
    uint32_t pid;
    uint16_t asid;
    uint8_t level;
    uint64_t va;
} os_shootdown;

typedef struct {
    bool resolved;          /* true: retry the access; false: a real fault (segv says why) */
    os_fault_kind kind;
    os_segv segv;
    unsigned level;         /* size of the page now mapping va (resolved faults) */
    uint64_t cycles;        /* fault cost + swap-outs + shootdowns */
    uint32_t swap_outs;     /* victims written to swap to make room */
    size_t n_shootdowns;
    const os_shootdown *shootdowns; /* valid until the next call that changes the os */
} os_fault_result;

typedef struct os os;

/* The os allocates page tables and user frames from mem (which it does not
 * own). MM_ERR_INVALID/MM_ERR_CONFIG name the bad argument or field. */
os *os_create(const os_config *cfg, pmem *mem, pt_format format, mm_error *err);
void os_destroy(os *o);
pt_format os_format(const os *o);

/* Groups (cgroup memory.max): group 0 exists from creation with no limit
 * beyond the budget. limit_frames 0 means unlimited. */
int os_group_create(os *o, uint64_t limit_frames, uint32_t *group_out, mm_error *err);
uint64_t os_group_resident(const os *o, uint32_t group);

/* Processes. pids start at 1; each has its own page table and ASID. */
int os_process_create(os *o, uint32_t group, uint32_t *pid_out, mm_error *err);
/* Copy-on-write fork: the child shares every resident frame read-only and
 * every swap slot; the parent's writable pages become read-only (shootdowns
 * listed by os_last_shootdowns). The child joins the parent's group. */
int os_fork(os *o, uint32_t parent, uint32_t *child_out, mm_error *err);
/* Frees the process's frames and swap slots (shared ones lose a reference). */
int os_exit(os *o, uint32_t pid, mm_error *err);
uint64_t os_root(const os *o, uint32_t pid);   /* page-table root pa, 0 for no such pid */
uint16_t os_asid(const os *o, uint32_t pid);   /* 0 for no such pid */
uint64_t os_resident(const os *o, uint32_t pid); /* frames mapped (a shared frame counts in each) */

/* Regions: page-aligned, in the canonical lower half, not overlapping an
 * existing region (MM_ERR_EXISTS). prot is MM_PERM_R/W/X (W needs R). */
int os_mmap(os *o, uint32_t pid, uint64_t va, uint64_t len, uint32_t prot, uint32_t flags,
            mm_error *err);
/* Removes [va, va+len) from the regions it overlaps, splitting huge pages
 * that straddle its ends; MM_ERR_NOT_FOUND when nothing is mapped there. */
int os_munmap(os *o, uint32_t pid, uint64_t va, uint64_t len, mm_error *err);
int os_mprotect(os *o, uint32_t pid, uint64_t va, uint64_t len, uint32_t prot, mm_error *err);

/* The fault handler: the MMU reports a translation fault of (pid, va,
 * access) with the walker's cause. MM_ERR_INVALID for a bad pid/access;
 * MM_ERR_FULL when nothing can be reclaimed to make room. */
int os_handle_fault(os *o, uint32_t pid, uint64_t va, mm_access access, mm_fault cause,
                    os_fault_result *out, mm_error *err);

/* Shootdowns of the last call that changed the os (fault, fork, exit,
 * munmap, mprotect, store/load); valid until the next such call. */
const os_shootdown *os_last_shootdowns(const os *o, size_t *count);

/* A user access through the real page-table walk, taking faults as the
 * hardware would: content-mode tests write and read 8-byte words.
 * A segfault is MM_ERR_INVALID naming the va. va must be 8-byte aligned. */
int os_store(os *o, uint32_t pid, uint64_t va, uint64_t value, mm_error *err);
int os_load(os *o, uint32_t pid, uint64_t va, uint64_t *value, mm_error *err);

typedef struct {
    uint64_t minor_faults, major_faults, cow_faults, cow_copies, segfaults, spurious_faults;
    uint64_t swap_ins, swap_outs, swap_out_skipped; /* skipped: clean page with a valid swap copy */
    uint64_t shootdowns, thp_allocs, thp_splits, thp_fallbacks;
    uint64_t fault_cycles;
    uint64_t frames_used, swap_used;
} os_stats;

const os_stats *os_get_stats(const os *o);
/* {"faults":{...},"swap":{...},"thp":{...},"frames":{...},"processes":[{"pid":..,"rss":..}]};
 * the caller frees it; NULL when host memory runs out. */
char *os_stats_json(const os *o);

#ifdef __cplusplus
}
#endif
#endif
