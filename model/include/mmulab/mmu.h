/*
 * mmu.h — the whole MMU: TLB hierarchy, page-walk cache, walkers and the
 * timing engine (docs/timing.md). Requests go in with their issue cycle
 * in non-decreasing order; responses come out through a callback, each
 * with its completion cycle. Time only moves forward: the engine runs
 * every internal event (walk start, walk completion, fill) due before a
 * request's cycle when that request is issued, and mmu_drain runs the rest.
 */
#ifndef MMULAB_MMU_H
#define MMULAB_MMU_H

#include "mmulab/common.h"
#include "mmulab/config.h"
#include "mmulab/pmem.h"
#include "mmulab/walk.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint64_t id;      /* caller's tag, echoed in the response */
    uint64_t cycle;   /* issue cycle; non-decreasing across calls */
    uint64_t va;
    uint16_t asid;
    uint8_t access;   /* mm_access */
    uint8_t priv;     /* mm_priv */
} mmu_request;

#define MMU_HIT_WALK 0xffu /* response.hit: translated by a page walk */

typedef struct {
    uint64_t id;
    uint64_t va;
    uint64_t pa;              /* valid when fault == MM_FAULT_NONE */
    uint64_t issue_cycle;
    uint64_t completion_cycle;
    uint16_t asid;
    uint8_t access;
    uint8_t fault;            /* mm_fault */
    uint8_t level;            /* page size of the translation */
    uint8_t hit;              /* index of the TLB that hit (config order) or MMU_HIT_WALK */
    uint8_t pwc_level;        /* level of the walk-cache entry the walk started from; 0: none */
    uint8_t pte_reads;        /* PTE reads the walk sent to memory (walk-cache hits excluded) */
    uint8_t pte_writes;       /* A/D updates the walk wrote */
    uint8_t merged;           /* 1: joined a walk already under way for the same page */
} mmu_response;

typedef void (*mmu_response_fn)(void *opaque, const mmu_response *resp);

/* What an OS does about a walk that faulted (docs/timing.md, "Faults"). */
typedef struct {
    bool retry;         /* the page table was fixed: walk again */
    uint64_t cycles;    /* the fault's cost, before the retried walk is ready */
} mmu_fault_action;

/* Called at the completion cycle of a faulting walk with the request and
 * the cause; it may change page tables (and issue no requests). */
typedef mmu_fault_action (*mmu_fault_fn)(void *opaque, const mmu_request *req, mm_fault cause,
                                         uint64_t cycle);

#define MMU_MAX_FAULT_RETRIES 64

typedef enum {
    MMU_FLUSH_ALL = 0,           /* every TLB and walk-cache entry, global too */
    MMU_FLUSH_ASID = 1,          /* non-global entries of asid, TLBs and walk caches */
    MMU_FLUSH_VA = 2,            /* entries covering va in every asid, global too */
    MMU_FLUSH_ASID_VA = 3,       /* non-global entries of asid covering va */
    MMU_FLUSH_X86_INVLPG = 4,    /* va in asid + global entries for va; all walk-cache entries of asid */
    MMU_FLUSH_X86_CR3 = 5,       /* CR3 write (cr3 field); no-flush bit 63 keeps everything */
    MMU_FLUSH_X86_INVPCID = 6,   /* invpcid_type 0..3 with asid/va */
    MMU_FLUSH_RV_SFENCE_VMA = 7  /* has_va (rs1 != x0), has_asid (rs2 != x0) */
} mmu_flush_kind;

typedef struct {
    mmu_flush_kind kind;
    uint64_t cycle;
    uint16_t asid;
    uint64_t va;
    uint64_t cr3;            /* MMU_FLUSH_X86_CR3: new CR3 (base | PCID | no-flush bit) */
    uint8_t invpcid_type;    /* 0 address, 1 single context, 2 all incl. global, 3 all but global */
    bool has_va, has_asid;   /* SFENCE.VMA operands */
} mmu_flush;

typedef struct {
    uint64_t accesses[MM_ACCESS_COUNT];
    uint64_t hits[MM_ACCESS_COUNT];
    uint64_t misses[MM_ACCESS_COUNT];
    uint64_t evictions;
} mmu_tlb_stats;

typedef struct {
    uint64_t requests[MM_ACCESS_COUNT];
    mmu_tlb_stats tlb[CFG_MAX_TLBS];
    uint64_t walks;                 /* walks performed */
    uint64_t walks_merged;          /* misses that joined a walk under way */
    uint64_t walks_by_access[MM_ACCESS_COUNT];
    uint64_t pte_reads;             /* from memory */
    uint64_t pte_writes;            /* A/D updates */
    uint64_t pte_reads_hist[MM_MAX_LEVELS + 1]; /* walks by number of memory PTE reads */
    uint64_t pwc_lookups[MM_MAX_LEVELS]; /* per level for split; [0] otherwise */
    uint64_t pwc_hits[MM_MAX_LEVELS];    /* by level of the entry that hit */
    uint64_t pwc_pte_lookups, pwc_pte_hits; /* page-table cache probes */
    uint64_t faults[MM_FAULT_COUNT];
    uint64_t flushes;
    uint64_t fills_dropped;         /* fills cancelled by a flush during the walk */
    uint64_t translation_cycles;    /* sum over requests of completion - issue */
    uint64_t walk_cycles;           /* sum over walks of (completion - walk start) */
    uint64_t walk_queue_cycles;     /* sum over walks of (start - ready to walk) */
    uint64_t walker_stall_cycles;   /* cycles misses waited for a free queue slot */
    uint64_t last_completion_cycle;
    uint64_t fault_retries;         /* walks retried after the fault handler fixed the fault */
    uint64_t fault_cycles;          /* cycles the fault handler charged */
    uint64_t shootdowns;            /* mmu_shootdown calls */
} mmu_stats;

/* Everything the MMU takes in and every PTE access its walks make, in the
 * order the model processes them: the cosimulation replays the inputs into
 * the RTL and serves the RTL's PTE port from the accesses (harness/). */
typedef enum {
    MMU_EVENT_REQUEST = 0,   /* a request was accepted at `cycle` (req->cycle: issue) */
    MMU_EVENT_FLUSH = 1,     /* a flush took effect at `cycle` */
    MMU_EVENT_CONTEXT = 2,   /* an address space's context was set (ctx) */
    MMU_EVENT_PTE = 3,       /* one PTE memory access of req's walk, issued at `cycle` */
    MMU_EVENT_FAULT = 4,     /* the fault handler decided about req's walk at `cycle` */
    MMU_EVENT_SHOOTDOWN = 5  /* mmu_shootdown(asid, va) */
} mmu_event_kind;

typedef struct {
    mmu_event_kind kind;
    uint64_t cycle;
    const mmu_request *req;   /* REQUEST, PTE, FAULT */
    const mmu_flush *flush;   /* FLUSH */
    const walk_ctx *ctx;      /* CONTEXT */
    uint64_t pa, value;       /* PTE: address; value read, or value written */
    uint32_t latency;         /* PTE: the memory-latency model's answer */
    uint8_t level, is_write;  /* PTE */
    uint8_t error;            /* PTE: the read was a bus error */
    uint8_t fault;            /* FAULT: mm_fault */
    bool retry;               /* FAULT: walk again after fault_cycles */
    uint64_t fault_cycles;
    uint16_t asid;            /* SHOOTDOWN */
    uint64_t va;              /* SHOOTDOWN */
} mmu_event;

typedef void (*mmu_event_fn)(void *opaque, const mmu_event *event);

typedef struct mmu mmu;

/* The MMU uses mem for page tables (it does not own it). */
mmu *mmu_create(const mmu_config *cfg, pmem *mem, mm_error *err);
void mmu_destroy(mmu *m);
void mmu_set_response_fn(mmu *m, mmu_response_fn fn, void *opaque);
/* Installs the fault handler (NULL: faults are answered as they are). */
void mmu_set_fault_fn(mmu *m, mmu_fault_fn fn, void *opaque);
/* Observer of every mmu_event (NULL: none; the default). */
void mmu_set_event_fn(mmu *m, mmu_event_fn fn, void *opaque);
/* A TLB shootdown from inside the fault handler: removes every TLB and
 * walk-cache entry for va in asid at once (no time passes) and cancels
 * in-flight fills of that address space. */
void mmu_shootdown(mmu *m, uint16_t asid, uint64_t va);

/* Registers (or replaces) the translation context of ctx->asid. */
int mmu_set_context(mmu *m, const walk_ctx *ctx, mm_error *err);
/* The defaults of the config applied to a context for root_pa/asid. */
void mmu_context_defaults(const mmu *m, walk_ctx *ctx, uint64_t root_pa, uint16_t asid);

/* Issues one request. MM_ERR_INVALID for a cycle earlier than the last
 * one issued, an unknown asid or a bad access type. */
int mmu_issue(mmu *m, const mmu_request *req, mm_error *err);
/* The same as mmu_issue for the most common request — a hit in the first
 * TLB of its path on the entry that TLB returned last, with nothing else
 * in flight and no response callback — at a fraction of the cost. Returns
 * false, having changed nothing, when the request is not such a hit; the
 * caller then uses mmu_issue. Statistics and timing are identical. */
bool mmu_issue_repeat_hit(mmu *m, uint64_t cycle, uint64_t va, uint16_t asid, mm_access access,
                          mm_priv priv);
/* Applies a flush at flush->cycle (same ordering rule as requests). */
int mmu_flush_issue(mmu *m, const mmu_flush *flush, mm_error *err);
/* Runs events up to and including `cycle`. */
void mmu_advance(mmu *m, uint64_t cycle);
/* Completes everything outstanding. */
void mmu_drain(mmu *m);
/* The cycle the request port accepted the last request or flush: later
 * than its issue cycle when the port stalled (all walk slots taken). A
 * driver modelling a core that stalls with its MMU issues no earlier. */
uint64_t mmu_port_cycle(const mmu *m);
/* Requests issued but not yet answered. */
uint64_t mmu_outstanding(const mmu *m);

const mmu_stats *mmu_get_stats(const mmu *m);
const mmu_config *mmu_get_config(const mmu *m);
/* Exact walk-latency percentile (q in 0..100) over completed walks. */
uint64_t mmu_walk_latency_percentile(const mmu *m, double q);

/* The report (docs/report-schema.md): config, stats, percentiles. Caller
 * frees. Byte-identical for identical inputs. */
char *mmu_report_json(const mmu *m);
/* The same document with one more member, "key": json (already valid
 * JSON text), right after "report_version". */
char *mmu_report_json_with(const mmu *m, const char *key, const char *json);

#ifdef __cplusplus
}
#endif
#endif
