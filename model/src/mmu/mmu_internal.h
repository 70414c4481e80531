/*
 * mmu_internal.h — the MMU's state, shared by the files of the mmu module:
 * mmu.c (requests, TLB lookups, fills), engine.c (walk queue, walkers, the
 * time-ordered fill heap), flush.c (architectural flush semantics) and
 * report.c. docs/timing.md is the specification these files implement.
 */
#ifndef MMULAB_MMU_INTERNAL_H
#define MMULAB_MMU_INTERNAL_H

#include "mmulab/memlat.h"
#include "mmulab/mmu.h"
#include "mmulab/pwc.h"
#include "mmulab/tlb.h"

#include "base/u64map.h"
#include "mmu/hist.h"

#define MMU_MAX_WALKERS 16
#define MMU_MAX_QUEUE 64
#define MMU_MAX_JOBS (MMU_MAX_WALKERS + MMU_MAX_QUEUE)
#define MMU_NEVER UINT64_MAX

/* One address space: its walk context and the permission check of a TLB
 * hit tabulated for every cached perm value (walk_check_perm's result for
 * perm bits R W X U G A D), so a hit costs a table load. */
#define MMU_PERM_VALUES 128u
typedef struct {
    walk_ctx walk;
    uint8_t hit_fault[MM_ACCESS_COUNT][2][MMU_PERM_VALUES];
} mmu_ctx;

/* The entry the last hit of one TLB returned. Touching the most recently
 * used way again leaves every replacement policy's state as it is, so a
 * lookup of the same 4 KiB page and ASID can reuse the entry without
 * probing, until anything else touches or changes that TLB. */
typedef struct {
    uint64_t page;      /* va >> 12 */
    uint64_t ppn;
    uint16_t asid;        /* of the lookup */
    uint16_t entry_asid;  /* of the entry (differs for a global entry) */
    uint8_t level;
    uint8_t perm;
    bool valid;
} tlb_memo;

/* A request that joined a walk already under way (walker.merge). */
typedef struct merged_req {
    mmu_request req;
    uint64_t ready;            /* cycle its miss reached the walker */
    int32_t next;              /* next merged request of the same job, -1 ends */
} merged_req;

typedef enum { JOB_FREE = 0, JOB_WAITING, JOB_RUNNING } job_state;

/* One walk: allocated when a request misses every TLB on its path. */
typedef struct {
    job_state state;
    mmu_request req;           /* the request that caused the walk */
    uint64_t accept;           /* cycle the request was looked up */
    uint64_t ready;            /* cycle the miss reaches the walker */
    uint64_t start, done;      /* walk start; completion (fills, response) */
    unsigned walker;
    int32_t merged_head, merged_tail;
    mmu_response resp;         /* filled at walk start */
    uint8_t tlb_mask;          /* TLBs on the request's path (fill targets) */
    uint8_t retries;           /* walks retried after a handled fault */
    uint8_t pending_fault;     /* mm_fault the handler sees at completion; 0: none */
    bool stepping;             /* running as a pte_walk: its completion is not known yet */
    uint64_t fill_seq;         /* a pte_walk's place in fill order, taken at its start */
} walk_job;

/* A walk beside the page-table cache (pwc.design = pte), taken one PTE at
 * a time: each probe of the cache is made at its own cycle and sees the
 * cache as it is then (docs/timing.md, step 5). One per busy walker. */
typedef struct {
    int16_t job;
    bool dropped;              /* a flush or shootdown came while it ran */
    uint16_t hit_mask;         /* bit k: access k came from the cache */
    unsigned timed;            /* accesses of res already timed */
    uint64_t t;                /* the timing cursor (engine.c, time_accesses) */
    uint64_t probe_cycle;      /* cycle of its next probe */
    walk_ctx ctx;              /* the address space's context at the start */
    walk_cursor cur;
    walk_result res;
} pte_walk;

typedef enum {
    FILL_TLB_PROMOTE = 0,  /* a lower-level TLB hit refills the levels above */
    FILL_WALK = 1,         /* a walk completes: TLBs, walk cache, walker freed */
    FILL_RETRY = 2         /* a handled fault's cost has passed: the job walks again */
} fill_kind;

/* A state change due at a future cycle; kept in a heap ordered by
 * (cycle, seq) so equal cycles apply in the order they were created. */
typedef struct {
    uint64_t cycle;
    uint64_t seq;
    fill_kind kind;
    bool dropped;              /* a flush or shootdown happened while it was in flight */
    bool fault_decided;        /* FILL_WALK: its fault was handled before the cycle's fills */
    int16_t job;               /* FILL_WALK: job index */
    uint8_t tlb_mask;          /* TLBs to fill */
    uint8_t hit_tlb;           /* FILL_TLB_PROMOTE: the TLB that hit */
    tlb_entry entry;
    /* walk-cache fills: levels with fill_level_mask bit L set */
    uint8_t pwc_level_mask;
    uint64_t pwc_table[MM_MAX_LEVELS];
    uint8_t pwc_perm[MM_MAX_LEVELS];
    uint8_t pwc_global_mask;
    uint64_t pwc_pte_pa[MM_MAX_LEVELS];  /* PTE design: non-leaf PTEs read from memory */
    uint64_t pwc_pte_val[MM_MAX_LEVELS];
    uint8_t pwc_pte_mask;
    uint16_t asid;
    uint64_t va;
} pending_fill;

typedef struct {
    uint64_t cycle;
    uint64_t seq;
    uint32_t slot;   /* index into mmu.fills */
} fill_key;

#define MMU_NO_JOB UINT64_MAX

static inline uint64_t mmu_job_key(const mmu_request *r)
{
    return ((r->va >> MM_PAGE_SHIFT) << 20) ^ ((uint64_t)r->asid << 4) ^
           ((uint64_t)r->access << 1) ^ r->priv;
}

struct mmu {
    mmu_config cfg;
    pmem *mem;
    tlb *tlbs[CFG_MAX_TLBS];
    tlb_memo memo[CFG_MAX_TLBS];
    uint32_t tlb_latency[CFG_MAX_TLBS];
    cfg_inclusion tlb_inclusion[CFG_MAX_TLBS];
    unsigned tlb_level[CFG_MAX_TLBS];
    /* per access type: TLB indices in lookup order (by level) */
    uint8_t path[MM_ACCESS_COUNT][CFG_MAX_TLBS];
    uint8_t path_len[MM_ACCESS_COUNT];
    uint8_t path_mask[MM_ACCESS_COUNT];
    uint32_t path_latency[MM_ACCESS_COUNT]; /* sum of all lookups: cycle of a walk's ready */
    pwc *walk_cache;
    uint32_t pwc_probe_latency;   /* translation caches: cycles before the first PTE read */
    uint32_t pte_cache_latency;   /* PTE design: cycles per probe */
    memlat *latency;

    mmu_response_fn respond;
    void *respond_opaque;
    mmu_event_fn on_event;
    void *event_opaque;
    mmu_fault_fn on_fault;
    void *fault_opaque;

    u64map contexts;              /* asid -> mmu_ctx* */
    uint16_t last_asid;
    mmu_ctx *last_ctx;

    uint64_t now;                 /* events up to here have been applied */
    uint64_t port_cycle;          /* last request/flush accept cycle */
    uint64_t port_free;           /* earliest cycle the port can take the next operation */
    uint64_t last_issue;          /* last issue cycle given by the caller */
    uint64_t outstanding;         /* requests not yet answered */

    walk_job jobs[MMU_MAX_JOBS];
    unsigned max_jobs;            /* walker.count + walker.queue */
    unsigned jobs_live;           /* waiting + running */
    int16_t waiting[MMU_MAX_JOBS];/* FIFO of waiting job indices */
    unsigned wait_head, wait_len;
    uint64_t walker_busy_until[MMU_MAX_WALKERS];
    uint64_t last_start;

    merged_req *merged;
    int32_t merged_cap, merged_free;
    /* walker.merge_slots: merged requests still waiting for a job's answer,
     * and the answer cycles of those answered (a slot is busy up to and
     * including its answer cycle) */
    unsigned merged_waiting;
    unsigned n_merge_release;
    uint64_t merge_release[CFG_MAX_MERGE_SLOTS];

    /* the heap orders small keys; the fills themselves stay put in a pool */
    fill_key *heap;
    size_t heap_len, heap_cap;
    pending_fill *fills;
    uint32_t *fill_free;          /* stack of free pool slots */
    size_t fills_cap, fill_free_len;
    uint64_t fill_seq;
    /* walks waiting for the fault handler's decision, and the last fill
     * cycle whose faults were decided (engine.c, decide_faults) */
    unsigned faults_pending;
    uint64_t faults_decided_cycle;
    /* TLB indices in level order, for fills */
    uint8_t fill_order[CFG_MAX_TLBS];
    /* per job slot: (asid, 4K page, access, priv) of a live job, else ~0 */
    uint64_t job_key[MMU_MAX_JOBS];
    uint8_t job_free[MMU_MAX_JOBS];
    unsigned job_free_len;

    /* walkers running a pte_walk (bit per walker) and their walks */
    uint32_t stepping_mask;
    pte_walk steps[MMU_MAX_WALKERS];

    mmu_stats *stats;
    hist walk_latency;
};

/* engine.c */
void engine_init(mmu *m);
void engine_advance(mmu *m, uint64_t cycle);
bool engine_push_fill(mmu *m, const pending_fill *f);
/* ... in the place `seq` (taken from fill_seq earlier) gives it. */
bool engine_push_fill_seq(mmu *m, const pending_fill *f, uint64_t seq);
/* Allocates a walk job for req; false when none is free (caller waits). */
int engine_new_job(mmu *m, const mmu_request *req, uint64_t accept, uint64_t ready,
                   uint8_t tlb_mask);
/* A waiting or running job walking the same page for the same access. */
int engine_find_job(const mmu *m, const mmu_request *req);
bool engine_merge(mmu *m, int job, const mmu_request *req, uint64_t ready);
/* A merge slot is free at cycle `accept` (always, with walker.merge_slots 0). */
bool engine_merge_slot_free(mmu *m, uint64_t accept);
void engine_drop_pending_fills(mmu *m);
/* A shootdown of asid: the walks under way of that address space will not fill. */
void engine_drop_walk_fills(mmu *m, uint16_t asid);
static inline bool engine_idle(const mmu *m)
{
    return (m->heap_len | m->wait_len | m->stepping_mask) == 0;
}
/* Cycle of the next internal event, MMU_NEVER when there is none. */
uint64_t engine_next_event(const mmu *m);

/* mmu.c */
void mmu_fill_tlbs(mmu *m, uint8_t tlb_mask, const tlb_entry *e);
mmu_ctx *mmu_context_lookup(mmu *m, uint16_t asid);

static inline mmu_ctx *mmu_context(mmu *m, uint16_t asid)
{
    if (m->last_ctx && m->last_asid == asid)
        return m->last_ctx;
    return mmu_context_lookup(m, asid);
}

/* Delivers a response and accounts for it. */
static inline void mmu_emit(mmu *m, const mmu_response *resp)
{
    mmu_stats *s = m->stats;
    s->translation_cycles += resp->completion_cycle - resp->issue_cycle;
    if (resp->completion_cycle > s->last_completion_cycle)
        s->last_completion_cycle = resp->completion_cycle;
    if (resp->fault)
        s->faults[resp->fault]++;
    m->outstanding--;
    if (m->respond)
        m->respond(m->respond_opaque, resp);
}

static inline void mmu_memo_forget(mmu *m, unsigned tlb_index)
{
    m->memo[tlb_index].valid = false;
}

/* flush.c */
void flush_apply(mmu *m, const mmu_flush *f);

/* The port took an operation at `cycle`: with core.port_ops_per_cycle 1
 * the next one waits for the following cycle. */
static inline void mmu_port_took(mmu *m, uint64_t cycle)
{
    m->port_cycle = cycle;
    m->port_free = cycle + m->cfg.core.port_ops_per_cycle;
}

static inline void mmu_notify(const mmu *m, const mmu_event *e)
{
    if (m->on_event)
        m->on_event(m->event_opaque, e);
}

#endif
