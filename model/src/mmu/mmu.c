/*
 * mmu.c — the request side of the MMU: creation from a config, address
 * space contexts, the TLB lookup path of each request, TLB fills with the
 * inclusion policies, and response delivery. The walk queue and the
 * timing of walks live in engine.c; docs/timing.md specifies both.
 */
#include "mmu/mmu_internal.h"

#include <stdlib.h>
#include <string.h>

static void build_paths(mmu *m)
{
    for (unsigned a = 0; a < MM_ACCESS_COUNT; a++) {
        unsigned n = 0;
        for (unsigned level = 1; level <= CFG_MAX_TLBS; level++)
            for (unsigned i = 0; i < m->cfg.n_tlbs; i++)
                if (m->tlb_level[i] == level && (m->cfg.tlbs[i].serves & (1u << a)))
                    m->path[a][n++] = (uint8_t)i;
        m->path_len[a] = (uint8_t)n;
        m->path_mask[a] = 0;
        m->path_latency[a] = 0;
        for (unsigned k = 0; k < n; k++) {
            m->path_mask[a] |= (uint8_t)(1u << m->path[a][k]);
            m->path_latency[a] += m->tlb_latency[m->path[a][k]];
        }
    }
}

static void setup_walk_cache_latency(mmu *m)
{
    m->pwc_probe_latency = cfg_pwc_probe_cycles(&m->cfg);
    m->pte_cache_latency = cfg_pte_cache_cycles(&m->cfg);
}

mmu *mmu_create(const mmu_config *cfg, pmem *mem, mm_error *err)
{
    if (cfg->walker.count < 1 || cfg->walker.count > MMU_MAX_WALKERS)
        return mm_fail(err, MM_ERR_CONFIG, "walker.count: %u is outside 1..%u", cfg->walker.count,
                       MMU_MAX_WALKERS),
               NULL;
    if (cfg->walker.queue > MMU_MAX_QUEUE)
        return mm_fail(err, MM_ERR_CONFIG, "walker.queue: %u is above %u", cfg->walker.queue,
                       MMU_MAX_QUEUE),
               NULL;
    if (cfg->n_tlbs > CFG_MAX_TLBS)
        return mm_fail(err, MM_ERR_CONFIG, "tlbs: %u TLBs, at most %u", cfg->n_tlbs, CFG_MAX_TLBS),
               NULL;
    mmu *m = calloc(1, sizeof *m);
    if (!m)
        return mm_fail(err, MM_ERR_NOMEM, "mmu: out of host memory"), NULL;
    m->cfg = *cfg;
    m->mem = mem;
    m->stats = calloc(1, sizeof *m->stats);
    if (!m->stats || !u64map_init(&m->contexts, 16) || !hist_init(&m->walk_latency)) {
        mmu_destroy(m);
        return mm_fail(err, MM_ERR_NOMEM, "mmu: out of host memory"), NULL;
    }
    for (unsigned i = 0; i < cfg->n_tlbs; i++) {
        m->cfg.tlbs[i].tlb.name = m->cfg.tlbs[i].name;
        m->tlbs[i] = tlb_create(&m->cfg.tlbs[i].tlb, err);
        if (!m->tlbs[i]) {
            mmu_destroy(m);
            return NULL;
        }
        m->tlb_latency[i] = cfg->tlbs[i].latency;
        m->tlb_inclusion[i] = cfg->tlbs[i].inclusion;
        m->tlb_level[i] = cfg->tlbs[i].level;
    }
    build_paths(m);
    m->walk_cache = pwc_create(&m->cfg.pwc.geom, err);
    if (!m->walk_cache) {
        mmu_destroy(m);
        return NULL;
    }
    setup_walk_cache_latency(m);
    m->latency = memlat_create(&m->cfg.memlat, err);
    if (!m->latency) {
        mmu_destroy(m);
        return NULL;
    }
    m->max_jobs = cfg->walker.count + cfg->walker.queue;
    m->merged_free = -1;
    engine_init(m);
    unsigned n = 0;
    for (unsigned level = 1; level <= CFG_MAX_TLBS; level++)
        for (unsigned i = 0; i < cfg->n_tlbs; i++)
            if (m->tlb_level[i] == level)
                m->fill_order[n++] = (uint8_t)i;
    return m;
}

void mmu_destroy(mmu *m)
{
    if (!m)
        return;
    for (unsigned i = 0; i < CFG_MAX_TLBS; i++)
        tlb_destroy(m->tlbs[i]);
    pwc_destroy(m->walk_cache);
    memlat_destroy(m->latency);
    if (m->contexts.vals)
        for (size_t i = 0; i < m->contexts.cap; i++)
            free(m->contexts.vals[i]);
    u64map_free(&m->contexts);
    hist_free(&m->walk_latency);
    free(m->merged);
    free(m->heap);
    free(m->fills);
    free(m->fill_free);
    free(m->stats);
    free(m);
}

void mmu_set_response_fn(mmu *m, mmu_response_fn fn, void *opaque)
{
    m->respond = fn;
    m->respond_opaque = opaque;
}

void mmu_set_fault_fn(mmu *m, mmu_fault_fn fn, void *opaque)
{
    m->on_fault = fn;
    m->fault_opaque = opaque;
}

void mmu_set_event_fn(mmu *m, mmu_event_fn fn, void *opaque)
{
    m->on_event = fn;
    m->event_opaque = opaque;
}

void mmu_context_defaults(const mmu *m, walk_ctx *ctx, uint64_t root_pa, uint16_t asid)
{
    const mmu_config *c = &m->cfg;
    walk_ctx_init(ctx, c->format, root_pa, asid);
    ctx->pa_bits = c->pa_bits;
    ctx->ad = c->ad;
    ctx->nxe = c->nxe;
    ctx->wp = c->wp;
    ctx->smep = c->smep;
    ctx->smap = c->smap;
    ctx->sum = c->sum;
    ctx->mxr = c->mxr;
    ctx->svnapot = c->svnapot;
    ctx->svpbmt = c->svpbmt;
}

int mmu_set_context(mmu *m, const walk_ctx *ctx, mm_error *err)
{
    if (ctx->format != m->cfg.format)
        return mm_fail(err, MM_ERR_INVALID, "context for asid %u: format %s differs from the MMU's %s",
                       ctx->asid, pt_format_get(ctx->format)->name,
                       pt_format_get(m->cfg.format)->name);
    mmu_ctx *slot = u64map_get(&m->contexts, ctx->asid);
    if (!slot) {
        slot = malloc(sizeof *slot);
        if (!slot || !u64map_put(&m->contexts, ctx->asid, slot)) {
            free(slot);
            return mm_fail(err, MM_ERR_NOMEM, "mmu: out of host memory");
        }
    }
    slot->walk = *ctx;
    for (unsigned a = 0; a < MM_ACCESS_COUNT; a++)
        for (unsigned priv = 0; priv < 2; priv++)
            for (unsigned perm = 0; perm < MMU_PERM_VALUES; perm++)
                slot->hit_fault[a][priv][perm] =
                    (uint8_t)walk_check_perm(ctx, (uint8_t)perm, (mm_access)a, (mm_priv)priv);
    m->last_ctx = slot;
    m->last_asid = ctx->asid;
    if (m->on_event) {
        mmu_event e = {.kind = MMU_EVENT_CONTEXT, .cycle = m->port_cycle, .ctx = ctx};
        mmu_notify(m, &e);
    }
    return MM_OK;
}

mmu_ctx *mmu_context_lookup(mmu *m, uint16_t asid)
{
    mmu_ctx *ctx = u64map_get(&m->contexts, asid);
    if (ctx) {
        m->last_ctx = ctx;
        m->last_asid = asid;
    }
    return ctx;
}

/* The exclusive TLB one level below TLB i (serving some of the same
 * access types) that takes i's victims, or -1. */
static int exclusive_below(const mmu *m, unsigned i)
{
    for (unsigned j = 0; j < m->cfg.n_tlbs; j++)
        if (m->tlb_level[j] == m->tlb_level[i] + 1 && m->tlb_inclusion[j] == CFG_EXCLUSIVE &&
            (m->cfg.tlbs[j].serves & m->cfg.tlbs[i].serves))
            return (int)j;
    return -1;
}

static void back_invalidate(mmu *m, unsigned i, const tlb_entry *victim)
{
    for (unsigned j = 0; j < m->cfg.n_tlbs; j++)
        if (m->tlb_level[j] < m->tlb_level[i]) {
            mmu_memo_forget(m, j);
            tlb_invalidate_entry(m->tlbs[j], victim);
        }
}

static void insert_one(mmu *m, unsigned i, const tlb_entry *e)
{
    tlb_entry victim;
    mmu_memo_forget(m, i);
    if (!tlb_insert(m->tlbs[i], e, &victim))
        return;
    m->stats->tlb[i].evictions++;
    if (m->tlb_inclusion[i] == CFG_INCLUSIVE)
        back_invalidate(m, i, &victim);
    int below = exclusive_below(m, i);
    if (below >= 0 && tlb_holds_level(m->tlbs[below], victim.level)) {
        tlb_entry second;
        mmu_memo_forget(m, (unsigned)below);
        if (tlb_insert(m->tlbs[below], &victim, &second))
            m->stats->tlb[below].evictions++;
    }
}

/* Fills the TLBs of mask in level order. A TLB that is exclusive of the
 * levels above it receives only their victims (insert_one), never the
 * fill itself, unless it is the first level of the path. */
void mmu_fill_tlbs(mmu *m, uint8_t mask, const tlb_entry *e)
{
    for (unsigned k = 0; k < m->cfg.n_tlbs; k++) {
        unsigned i = m->fill_order[k];
        if (!(mask & (1u << i)))
            continue;
        if (m->tlb_inclusion[i] == CFG_EXCLUSIVE && m->tlb_level[i] > 1)
            continue;
        if (tlb_holds_level(m->tlbs[i], e->level))
            insert_one(m, i, e);
    }
}

static inline uint64_t translate(const tlb_entry *e, uint64_t va)
{
    unsigned shift = MM_LEVEL_SHIFT(e->level);
    return (e->ppn << shift) | (va & ((1ull << shift) - 1));
}

static int queue_walk(mmu *m, const mmu_request *req, uint64_t accept, uint64_t ready, mm_error *err)
{
    if (m->cfg.walker.merge) {
        int j = engine_find_job(m, req);
        if (j >= 0 && engine_merge_slot_free(m, accept)) {
            if (!engine_merge(m, j, req, ready))
                return mm_fail(err, MM_ERR_NOMEM, "mmu: out of host memory");
            return MM_OK;
        }
    }
    if (engine_new_job(m, req, accept, ready, m->path_mask[req->access]) < 0)
        return mm_fail(err, MM_ERR_INVALID, "mmu: no free walk slot (internal)");
    return MM_OK;
}

static int bad_request(mmu *m, const mmu_request *req, mm_error *err)
{
    if (req->cycle < m->last_issue)
        return mm_fail(err, MM_ERR_INVALID, "request %llu: issue cycle %llu is before cycle %llu",
                       (unsigned long long)req->id, (unsigned long long)req->cycle,
                       (unsigned long long)m->last_issue);
    if (req->access >= MM_ACCESS_COUNT || req->priv > MM_PRIV_SUPERVISOR)
        return mm_fail(err, MM_ERR_INVALID, "request %llu: bad access type %u or privilege %u",
                       (unsigned long long)req->id, req->access, req->priv);
    return mm_fail(err, MM_ERR_INVALID, "request %llu: no address space with asid %u",
                   (unsigned long long)req->id, req->asid);
}

static uint64_t stall_until_slot(mmu *m, uint64_t accept);

/* The accept cycle of a request issued at `cycle` (docs/timing.md, step 1). */
static inline uint64_t accept_cycle(mmu *m, uint64_t cycle)
{
    uint64_t accept = cycle > m->port_free ? cycle : m->port_free;
    if (!engine_idle(m)) {
        engine_advance(m, accept);
        if (m->jobs_live >= m->max_jobs)
            accept = stall_until_slot(m, accept);
    }
    mmu_port_took(m, accept);
    return accept;
}

/* Every walk slot is taken: the request port stalls until a walk
 * completes and frees one. */
static uint64_t stall_until_slot(mmu *m, uint64_t accept)
{
    uint64_t before = accept;
    while (m->jobs_live >= m->max_jobs)
        engine_advance(m, engine_next_event(m));
    accept = m->now > accept ? m->now : accept;
    m->stats->walker_stall_cycles += accept - before;
    return accept;
}

#if defined(__GNUC__)
#define MMU_HOT_INLINE static inline __attribute__((always_inline))
#else
#define MMU_HOT_INLINE static inline
#endif

/* Inlined into mmu_issue: a call here costs a tenth of a TLB hit. */
MMU_HOT_INLINE int hit_response(mmu *m, const mmu_request *req, uint64_t accept, uint32_t latency,
                                unsigned k, const tlb_entry *e, mm_fault fault, mm_error *err)
{
    const uint8_t *path = m->path[req->access];
    if (fault == MM_FAULT_NONE && k == 0 && !m->respond) {
        /* the common hit, nobody listening: account for it and go */
        uint64_t done = accept + latency;
        m->stats->translation_cycles += done - req->cycle;
        if (done > m->stats->last_completion_cycle)
            m->stats->last_completion_cycle = done;
        m->outstanding--;
        return MM_OK;
    }
    mmu_response r;
    r.id = req->id;
    r.va = req->va;
    r.pa = 0;
    r.issue_cycle = req->cycle;
    r.completion_cycle = accept + latency;
    r.asid = req->asid;
    r.access = req->access;
    r.fault = (uint8_t)fault;
    r.level = 0;
    r.hit = path[k];
    r.pwc_level = 0;
    r.pte_reads = 0;
    r.pte_writes = 0;
    r.merged = 0;
    if (fault == MM_FAULT_NONE) {
        r.pa = translate(e, req->va);
        r.level = e->level;
        if (k > 0) {
            /* refill the levels above at the cycle the hit answers */
            pending_fill f;
            memset(&f, 0, sizeof f);
            f.kind = FILL_TLB_PROMOTE;
            f.cycle = r.completion_cycle;
            f.entry = *e;
            f.hit_tlb = path[k];
            for (unsigned u = 0; u < k; u++)
                f.tlb_mask |= (uint8_t)(1u << path[u]);
            if (!engine_push_fill(m, &f))
                return mm_fail(err, MM_ERR_NOMEM, "mmu: out of host memory");
        }
    }
    mmu_emit(m, &r);
    return MM_OK;
}

bool mmu_issue_repeat_hit(mmu *m, uint64_t cycle, uint64_t va, uint16_t asid, mm_access access,
                          mm_priv priv)
{
    /* the conditions under which mmu_issue would do exactly this: no event
     * due (idle engine), a free walk slot, nobody to answer, a valid
     * request, and the first TLB's last hit is this page */
    if (cycle < m->last_issue || !engine_idle(m) || m->respond || m->on_event ||
        m->jobs_live >= m->max_jobs ||
        (unsigned)access >= MM_ACCESS_COUNT || (unsigned)priv > MM_PRIV_SUPERVISOR ||
        m->path_len[access] == 0 || !m->last_ctx || m->last_asid != asid)
        return false;
    unsigned ti = m->path[access][0];
    const tlb_memo *memo = &m->memo[ti];
    if (!memo->valid || memo->page != va >> MM_PAGE_SHIFT || memo->asid != asid ||
        m->last_ctx->hit_fault[access][priv][memo->perm & (MMU_PERM_VALUES - 1)] != MM_FAULT_NONE)
        return false;
    uint64_t accept = cycle > m->port_free ? cycle : m->port_free;
    uint64_t done = accept + m->tlb_latency[ti];
    mmu_stats *s = m->stats;
    m->last_issue = cycle;
    mmu_port_took(m, accept);
    s->requests[access]++;
    s->tlb[ti].accesses[access]++;
    s->tlb[ti].hits[access]++;
    s->translation_cycles += done - cycle;
    if (done > s->last_completion_cycle)
        s->last_completion_cycle = done;
    return true;
}

int mmu_issue(mmu *m, const mmu_request *req, mm_error *err)
{
    mmu_ctx *ctx = mmu_context(m, req->asid);
    if (req->cycle < m->last_issue || req->access >= MM_ACCESS_COUNT ||
        req->priv > MM_PRIV_SUPERVISOR || !ctx)
        return bad_request(m, req, err);
    m->last_issue = req->cycle;
    uint64_t accept = accept_cycle(m, req->cycle);
    m->outstanding++;
    if (m->on_event) {
        mmu_event e = {.kind = MMU_EVENT_REQUEST, .cycle = accept, .req = req};
        mmu_notify(m, &e);
    }

    mmu_stats *s = m->stats;
    unsigned a = req->access;
    s->requests[a]++;
    const uint8_t *hit_fault = ctx->hit_fault[a][req->priv];
    const uint8_t *path = m->path[a];
    uint32_t latency = 0;
    for (unsigned k = 0; k < m->path_len[a]; k++) {
        unsigned ti = path[k];
        tlb_entry e;
        mmu_tlb_stats *ts = &s->tlb[ti];
        tlb_memo *memo = &m->memo[ti];
        ts->accesses[a]++;
        latency += m->tlb_latency[ti];
        if (memo->valid && memo->page == req->va >> MM_PAGE_SHIFT && memo->asid == req->asid) {
            e.ppn = memo->ppn;
            e.level = memo->level;
            e.perm = memo->perm;
            e.vpn = req->va >> MM_LEVEL_SHIFT(e.level);
            e.asid = memo->entry_asid;
        } else if (__builtin_expect(tlb_lookup(m->tlbs[ti], req->va, req->asid, &e, NULL), 1)) {
            memo->valid = true;
            memo->page = req->va >> MM_PAGE_SHIFT;
            memo->asid = req->asid;
            memo->entry_asid = e.asid;
            memo->ppn = e.ppn;
            memo->level = e.level;
            memo->perm = e.perm;
        } else {
            ts->misses[a]++;
            continue;
        }
        ts->hits[a]++;
        mm_fault fault = (mm_fault)hit_fault[e.perm & (MMU_PERM_VALUES - 1)];
        if ((fault == MM_FAULT_DIRTY_CLEAR || fault == MM_FAULT_ACCESSED_CLEAR) &&
            ctx->walk.ad == WALK_AD_HARDWARE)
            /* the hardware must write the PTE's A/D bits: walk */
            return queue_walk(m, req, accept, accept + latency, err);
        return hit_response(m, req, accept, latency, k, &e, fault, err);
    }
    return queue_walk(m, req, accept, accept + latency, err);
}

int mmu_flush_issue(mmu *m, const mmu_flush *f, mm_error *err)
{
    if (f->cycle < m->last_issue)
        return mm_fail(err, MM_ERR_INVALID, "flush: cycle %llu is before cycle %llu",
                       (unsigned long long)f->cycle, (unsigned long long)m->last_issue);
    if ((unsigned)f->kind > MMU_FLUSH_RV_SFENCE_VMA)
        return mm_fail(err, MM_ERR_INVALID, "flush: unknown kind %u", (unsigned)f->kind);
    if (f->kind == MMU_FLUSH_X86_INVPCID && f->invpcid_type > 3)
        return mm_fail(err, MM_ERR_INVALID, "flush: INVPCID type %u is not 0..3", f->invpcid_type);
    m->last_issue = f->cycle;
    uint64_t at = f->cycle > m->port_free ? f->cycle : m->port_free;
    engine_advance(m, at);
    mmu_port_took(m, at);
    if (m->on_event) {
        mmu_event e = {.kind = MMU_EVENT_FLUSH, .cycle = at, .flush = f};
        mmu_notify(m, &e);
    }
    flush_apply(m, f);
    engine_drop_pending_fills(m);
    /* a walk under way read the page table before the flush: later misses
     * must not take its answer */
    for (unsigned j = 0; j < m->max_jobs; j++)
        m->job_key[j] = MMU_NO_JOB;
    m->stats->flushes++;
    return MM_OK;
}

void mmu_advance(mmu *m, uint64_t cycle)
{
    engine_advance(m, cycle);
}

void mmu_drain(mmu *m)
{
    engine_advance(m, MMU_NEVER);
}

uint64_t mmu_port_cycle(const mmu *m)
{
    return m->port_cycle;
}

uint64_t mmu_outstanding(const mmu *m)
{
    return m->outstanding;
}

const mmu_stats *mmu_get_stats(const mmu *m)
{
    const pwc_stats *ps = pwc_get_stats(m->walk_cache);
    mmu_stats *s = m->stats;
    if (pwc_get_design(m->walk_cache) == PWC_PTE) {
        s->pwc_pte_lookups = ps->lookups[0];
        s->pwc_pte_hits = 0;
        for (unsigned l = 0; l < MM_MAX_LEVELS; l++) {
            s->pwc_hits[l] = ps->hits[l];
            s->pwc_pte_hits += ps->hits[l];
            s->pwc_lookups[l] = ps->lookups[l];
        }
    } else {
        for (unsigned l = 0; l < MM_MAX_LEVELS; l++) {
            s->pwc_lookups[l] = ps->lookups[l];
            s->pwc_hits[l] = ps->hits[l];
        }
    }
    return s;
}

const mmu_config *mmu_get_config(const mmu *m)
{
    return &m->cfg;
}

uint64_t mmu_walk_latency_percentile(const mmu *m, double q)
{
    return hist_percentile(&m->walk_latency, q);
}
