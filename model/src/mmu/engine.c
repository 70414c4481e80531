/*
 * engine.c — the time-ordered part of the MMU: walk jobs waiting for a
 * walker, walk starts (the functional walk, the walk-cache lookup and the
 * timing of every PTE access), the walks beside a page-table cache taken
 * one probe at a time, and the heap of fills due at future cycles.
 * Ordering at one cycle (docs/timing.md): the fault handler's decisions on
 * the walks finishing (shootdowns included), then fills due, then walk
 * starts, then page-table-cache probes in walker order, then the caller's
 * requests and flushes in call order.
 */
#include "mmu/mmu_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- fill heap, ordered by (cycle, seq) ---- */

static bool key_before(const fill_key *a, const fill_key *b)
{
    return a->cycle < b->cycle || (a->cycle == b->cycle && a->seq < b->seq);
}

static bool grow_fills(mmu *m)
{
    size_t cap = m->fills_cap ? m->fills_cap * 2 : 64;
    pending_fill *fills = realloc(m->fills, cap * sizeof *fills);
    if (!fills)
        return false;
    m->fills = fills;
    uint32_t *free_slots = realloc(m->fill_free, cap * sizeof *free_slots);
    fill_key *heap = realloc(m->heap, cap * sizeof *heap);
    if (free_slots)
        m->fill_free = free_slots;
    if (heap)
        m->heap = heap;
    if (!free_slots || !heap)
        return false;
    for (size_t i = cap; i-- > m->fills_cap;)
        m->fill_free[m->fill_free_len++] = (uint32_t)i;
    m->fills_cap = cap;
    m->heap_cap = cap;
    return true;
}

bool engine_push_fill(mmu *m, const pending_fill *f)
{
    return engine_push_fill_seq(m, f, m->fill_seq++);
}

bool engine_push_fill_seq(mmu *m, const pending_fill *f, uint64_t seq)
{
    if (m->fill_free_len == 0 && !grow_fills(m))
        return false;
    uint32_t slot = m->fill_free[--m->fill_free_len];
    m->fills[slot] = *f;
    fill_key item = {f->cycle, seq, slot};
    size_t i = m->heap_len++;
    while (i > 0 && key_before(&item, &m->heap[(i - 1) / 2])) {
        m->heap[i] = m->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    m->heap[i] = item;
    return true;
}

/* Removes the earliest fill from the heap; its slot is released by the caller. */
static uint32_t pop_fill(mmu *m)
{
    uint32_t slot = m->heap[0].slot;
    fill_key last = m->heap[--m->heap_len];
    size_t i = 0, n = m->heap_len;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && key_before(&m->heap[c + 1], &m->heap[c]))
            c++;
        if (!key_before(&m->heap[c], &last))
            break;
        m->heap[i] = m->heap[c];
        i = c;
    }
    if (n)
        m->heap[i] = last;
    return slot;
}

void engine_drop_pending_fills(mmu *m)
{
    for (size_t i = 0; i < m->heap_len; i++)
        m->fills[m->heap[i].slot].dropped = true;
    for (uint32_t mask = m->stepping_mask; mask; mask &= mask - 1)
        m->steps[__builtin_ctz(mask)].dropped = true;
}

/* ---- walk jobs ---- */

/* A host-side speed hint, no model effect: while the job waits for its
 * start, bring the leaf PTE it will read into the host's caches. The
 * upper levels are few and hot; the leaf tables of a large footprint are
 * not, and their load is what a walk-heavy run waits for. */
static void prefetch_leaf_pte(mmu *m, const mmu_request *req)
{
    const walk_ctx *ctx = &mmu_context(m, req->asid)->walk;
    const pt_format_info *fi = pt_format_get(ctx->format);
    uint64_t table = ctx->root_pa & ~0xfffull;
    for (unsigned level = fi->levels - 1; level > 0; level--) {
        uint64_t pte_pa = table + (((req->va >> MM_LEVEL_SHIFT(level)) & 511u) << 3);
        if (!pmem_valid_pa(m->mem, pte_pa))
            return;
        uint64_t pte = pmem_read64(m->mem, pte_pa);
        /* present (x86 P) / valid (RISC-V V) are both bit 0 */
        bool leaf = fi->is_x86 ? (pte & PT_X86_PS) != 0 : (pte & (PT_RV_R | PT_RV_X)) != 0;
        if (!(pte & 1u) || leaf)
            return;
        table = pt_decode_pa(ctx->format, pte);
    }
    uint64_t leaf_pa = table + (((req->va >> MM_PAGE_SHIFT) & 511u) << 3);
    if (pmem_valid_pa(m->mem, leaf_pa))
        pmem_prefetch64(m->mem, leaf_pa);
}

static void enqueue_waiting(mmu *m, int j)
{
    m->waiting[(m->wait_head + m->wait_len) % MMU_MAX_JOBS] = (int16_t)j;
    m->wait_len++;
}

void engine_init(mmu *m)
{
    m->faults_pending = 0;
    m->faults_decided_cycle = MMU_NEVER;
    m->job_free_len = 0;
    for (unsigned j = m->max_jobs; j-- > 0;) {
        m->job_key[j] = MMU_NO_JOB;
        m->job_free[m->job_free_len++] = (uint8_t)j;
    }
}

int engine_new_job(mmu *m, const mmu_request *req, uint64_t accept, uint64_t ready, uint8_t tlb_mask)
{
    if (m->job_free_len == 0)
        return -1;
    unsigned j = m->job_free[--m->job_free_len];
    walk_job *job = &m->jobs[j];
    job->state = JOB_WAITING;
    job->req = *req;
    job->accept = accept;
    job->ready = ready;
    job->start = job->done = 0;
    job->walker = 0;
    job->tlb_mask = tlb_mask;
    job->retries = 0;
    job->pending_fault = MM_FAULT_NONE;
    job->stepping = false;
    job->merged_head = job->merged_tail = -1;
    m->job_key[j] = mmu_job_key(req);
    prefetch_leaf_pte(m, req);
    enqueue_waiting(m, (int)j);
    m->jobs_live++;
    return (int)j;
}

/* The oldest live job for the same page (several exist when merge slots ran
 * out): jobs are created one per accept, so the oldest has the smallest
 * accept cycle (and the RTL finds it first in its FIFO). */
int engine_find_job(const mmu *m, const mmu_request *req)
{
    uint64_t key = mmu_job_key(req);
    int found = -1;
    for (unsigned j = 0; j < m->max_jobs; j++) {
        if (m->job_key[j] != key)
            continue;
        /* the key folds fields together: confirm */
        const mmu_request *r = &m->jobs[j].req;
        if (r->asid == req->asid && (r->va >> MM_PAGE_SHIFT) == (req->va >> MM_PAGE_SHIFT) &&
            r->access == req->access && r->priv == req->priv &&
            (found < 0 || m->jobs[j].accept < m->jobs[found].accept))
            found = (int)j;
    }
    return found;
}

bool engine_merge_slot_free(mmu *m, uint64_t accept)
{
    uint32_t slots = m->cfg.walker.merge_slots;
    if (slots == 0)
        return true;
    unsigned n = 0;
    for (unsigned i = 0; i < m->n_merge_release; i++)
        if (m->merge_release[i] >= accept)
            m->merge_release[n++] = m->merge_release[i];
    m->n_merge_release = n;
    return m->merged_waiting + n < slots;
}

static void answer_merged(mmu *m, const walk_job *job, const mmu_request *req, uint64_t ready)
{
    mmu_response r = job->resp;
    r.id = req->id;
    r.va = req->va;
    r.issue_cycle = req->cycle;
    r.completion_cycle = job->done > ready ? job->done : ready;
    r.merged = 1;
    if (m->cfg.walker.merge_slots && m->n_merge_release < CFG_MAX_MERGE_SLOTS)
        m->merge_release[m->n_merge_release++] = r.completion_cycle;
    r.pte_reads = 0;
    r.pte_writes = 0;
    if (r.fault == MM_FAULT_NONE) {
        uint64_t mask = (1ull << MM_LEVEL_SHIFT(r.level)) - 1;
        r.pa = (job->resp.pa & ~mask) | (req->va & mask);
    }
    mmu_emit(m, &r);
}

bool engine_merge(mmu *m, int j, const mmu_request *req, uint64_t ready)
{
    walk_job *job = &m->jobs[j];
    m->stats->walks_merged++;
    if (job->state == JOB_RUNNING && !job->pending_fault && !job->stepping) {
        answer_merged(m, job, req, ready);
        return true;
    }
    /* waiting, stepping towards a completion not known yet, or walked
     * into a fault the handler has yet to see: the answer comes with the
     * job's final one */
    if (m->merged_free < 0) {
        int32_t cap = m->merged_cap ? m->merged_cap * 2 : 64;
        merged_req *pool = realloc(m->merged, (size_t)cap * sizeof *pool);
        if (!pool)
            return false;
        for (int32_t i = m->merged_cap; i < cap; i++)
            pool[i].next = i + 1 < cap ? i + 1 : -1;
        m->merged = pool;
        m->merged_free = m->merged_cap;
        m->merged_cap = cap;
    }
    int32_t k = m->merged_free;
    m->merged_free = m->merged[k].next;
    m->merged_waiting++;
    m->merged[k].req = *req;
    m->merged[k].ready = ready;
    m->merged[k].next = -1;
    if (job->merged_tail >= 0)
        m->merged[job->merged_tail].next = k;
    else
        job->merged_head = k;
    job->merged_tail = k;
    return true;
}

/* ---- the walk ---- */

static bool read_pte(void *opaque, uint64_t pa, unsigned level, uint64_t *value)
{
    mmu *m = opaque;
    (void)level;
    if (!pmem_valid_pa(m->mem, pa))
        return false;
    *value = pmem_read64(m->mem, pa);
    return true;
}

static void write_pte(void *opaque, uint64_t pa, unsigned level, uint64_t value)
{
    mmu *m = opaque;
    (void)level;
    pmem_write64(m->mem, pa, value);
}

/* Cycles from the walk's first PTE access to its last, per docs/timing.md. */
static void notify_pte(const mmu *m, const walk_job *job, const walk_result *res, unsigned k,
                       uint64_t issue, uint32_t latency)
{
    const walk_access *a = &res->accesses[k];
    mmu_event e = {.kind = MMU_EVENT_PTE, .cycle = issue, .req = &job->req, .pa = a->pa,
                   .value = a->value, .latency = latency, .level = a->level,
                   .is_write = a->is_write};
    e.error = !a->is_write && k + 1 == res->n_accesses && res->fault == MM_FAULT_BUS_ERROR;
    mmu_notify(m, &e);
}

/* Times accesses `from`.. of the walk from cycle t (docs/timing.md, step 5);
 * hit_mask says which reads the page-table cache answered. */
static uint64_t time_accesses(mmu *m, const walk_job *job, const walk_result *res, unsigned from,
                              uint16_t hit_mask, uint64_t t, mmu_response *r)
{
    uint32_t step = m->cfg.walker.step_cycles;
    for (unsigned k = from; k < res->n_accesses; k++) {
        const walk_access *a = &res->accesses[k];
        if (!a->is_write) {
            if (m->pte_cache_latency && a->level >= 1) {
                t += m->pte_cache_latency;
                if (hit_mask & (1u << k)) {
                    if (r->pwc_level == 0 || a->level < r->pwc_level)
                        r->pwc_level = a->level;
                    continue;
                }
            }
            t += step;
            uint32_t latency = memlat_access(m->latency, a->pa, false, t);
            if (m->on_event)
                notify_pte(m, job, res, k, t, latency);
            t += latency;
            r->pte_reads++;
        } else {
            t += step;
            uint32_t latency = memlat_access(m->latency, a->pa, true, t);
            if (m->on_event)
                notify_pte(m, job, res, k, t, latency);
            t += latency;
            r->pte_writes++;
        }
    }
    return t;
}

/* Walk-cache fills the walk earns, applied when it completes: the non-leaf
 * levels it consumed, start_level down to just above leaf_level (the leaf,
 * or the level that faulted). walk_result fills its per-level arrays only
 * for those levels. */
static void collect_pwc_fills(const mmu *m, const walk_result *res, uint16_t hit_mask,
                              pending_fill *f)
{
    pwc_design design = pwc_get_design(m->walk_cache);
    if (design == PWC_SPLIT || design == PWC_UNIFIED) {
        for (unsigned level = res->leaf_level + 1; level <= res->start_level; level++) {
            if (level >= MM_MAX_LEVELS || !res->fillable[level])
                continue;
            f->pwc_level_mask |= (uint8_t)(1u << level);
            f->pwc_table[level] = res->next_table[level];
            f->pwc_perm[level] = res->perm_after[level];
            if (res->global_after[level])
                f->pwc_global_mask |= (uint8_t)(1u << level);
        }
    } else if (design == PWC_PTE) {
        for (unsigned k = 0; k < res->n_accesses; k++) {
            const walk_access *a = &res->accesses[k];
            if (a->is_write || a->level <= res->leaf_level || a->level > res->start_level ||
                !res->fillable[a->level])
                continue;
            if (hit_mask & (1u << k))
                continue;
            /* the value cached is the PTE as the walk left it (its A update
             * is the access right after the read, when it made one) */
            const walk_access *w = k + 1 < res->n_accesses ? &res->accesses[k + 1] : NULL;
            f->pwc_pte_mask |= (uint8_t)(1u << a->level);
            f->pwc_pte_pa[a->level] = a->pa;
            f->pwc_pte_val[a->level] = w && w->is_write && w->pa == a->pa ? w->value : a->value;
        }
    }
}

static void answer_job(mmu *m, walk_job *job);

/* The walk is timed to its last access, ending at t: its completion, its
 * fill, its statistics and (without a fault to hand to the handler) its
 * answer. */
static void finish_walk(mmu *m, int16_t j, const walk_result *res, uint16_t hit_mask, uint64_t t,
                        bool dropped)
{
    walk_job *job = &m->jobs[j];
    const mmu_request *req = &job->req;
    mmu_response *r = &job->resp;
    job->done = t + m->cfg.walker.fill_cycles;
    m->walker_busy_until[job->walker] = job->done;

    r->fault = (uint8_t)res->fault;
    r->completion_cycle = job->done;
    if (res->fault == MM_FAULT_NONE) {
        r->pa = res->pa;
        r->level = (uint8_t)res->leaf_level;
    }

    pending_fill f;
    memset(&f, 0, sizeof f);
    f.kind = FILL_WALK;
    f.cycle = job->done;
    f.job = j;
    f.asid = req->asid;
    f.va = req->va;
    f.dropped = dropped;
    if (res->fault == MM_FAULT_NONE) {
        unsigned shift = MM_LEVEL_SHIFT(res->leaf_level);
        f.tlb_mask = job->tlb_mask;
        f.entry.vpn = req->va >> shift;
        f.entry.ppn = res->pa >> shift;
        f.entry.asid = req->asid;
        f.entry.level = (uint8_t)res->leaf_level;
        f.entry.perm = res->perm;
    }
    collect_pwc_fills(m, res, hit_mask, &f);
    if (job->stepping) {
        job->stepping = false;
        engine_push_fill_seq(m, &f, job->fill_seq);
    } else {
        engine_push_fill(m, &f);
    }

    mmu_stats *s = m->stats;
    s->walks++;
    s->walks_by_access[req->access]++;
    s->pte_reads += r->pte_reads;
    s->pte_writes += r->pte_writes;
    s->pte_reads_hist[r->pte_reads <= MM_MAX_LEVELS ? r->pte_reads : MM_MAX_LEVELS]++;
    s->walk_cycles += job->done - job->start;
    s->walk_queue_cycles += job->start - job->ready;
    hist_add(&m->walk_latency, job->done - job->ready);

    if (res->fault != MM_FAULT_NONE && m->on_fault && job->retries < MMU_MAX_FAULT_RETRIES) {
        /* the handler decides at completion; the answer waits for it */
        job->pending_fault = (uint8_t)res->fault;
        m->faults_pending++;
        return;
    }
    answer_job(m, job);
}

/* Runs walker w's pte_walk up to its next page-table-cache probe, which it
 * schedules, or to its end. With probe_now the walk stands at a probe due
 * now (at its probe_cycle): the cache answers it as it is at this cycle. */
static void step_walk(mmu *m, unsigned w, bool probe_now)
{
    pte_walk *p = &m->steps[w];
    walk_job *job = &m->jobs[p->job];
    const mmu_request *req = &job->req;
    walk_mem mem = {read_pte, write_pte, m};
    while (!p->cur.done) {
        unsigned level = p->cur.level;
        uint64_t pa = walk_next_pte_pa(&p->cur, req->va);
        uint64_t pte = 0;
        bool ok;
        if (level >= 1 && !probe_now) {
            p->probe_cycle = p->t;
            return;
        }
        if (level >= 1 && pwc_pte_lookup(m->walk_cache, pa, level, &pte)) {
            p->hit_mask |= (uint16_t)(1u << p->res.n_accesses);
            ok = true;
        } else {
            ok = read_pte(m, pa, level, &pte);
        }
        probe_now = false;
        walk_step(&p->ctx, &mem, req->va, (mm_access)req->access, (mm_priv)req->priv, &p->cur, ok, pte,
                  &p->res);
        p->t = time_accesses(m, job, &p->res, p->timed, p->hit_mask, p->t, &job->resp);
        p->timed = p->res.n_accesses;
    }
    m->stepping_mask &= ~(1u << w);
    finish_walk(m, p->job, &p->res, p->hit_mask, p->t, p->dropped);
}

/* The walker whose probe comes first (the lowest-numbered at equal cycles,
 * the order the RTL's probe ports touch the cache in). */
static unsigned next_step_walker(const mmu *m, uint64_t *cycle)
{
    unsigned best = 0;
    uint64_t at = MMU_NEVER;
    for (uint32_t mask = m->stepping_mask; mask; mask &= mask - 1) {
        unsigned w = (unsigned)__builtin_ctz(mask);
        if (m->steps[w].probe_cycle < at) {
            at = m->steps[w].probe_cycle;
            best = w;
        }
    }
    *cycle = at;
    return best;
}

void engine_drop_walk_fills(mmu *m, uint16_t asid)
{
    for (uint32_t mask = m->stepping_mask; mask; mask &= mask - 1) {
        pte_walk *p = &m->steps[__builtin_ctz(mask)];
        if (m->jobs[p->job].req.asid == asid)
            p->dropped = true;
    }
}

static void start_walk(mmu *m, uint64_t start)
{
    int16_t j = m->waiting[m->wait_head];
    m->wait_head = (m->wait_head + 1) % MMU_MAX_JOBS;
    m->wait_len--;
    walk_job *job = &m->jobs[j];
    unsigned w = 0;
    while (m->walker_busy_until[w] > start)
        w++;
    job->walker = w;
    job->start = start;
    job->state = JOB_RUNNING;
    m->last_start = start;

    const mmu_request *req = &job->req;
    const walk_ctx *ctx = &mmu_context(m, req->asid)->walk;
    mmu_response *r = &job->resp;
    memset(r, 0, sizeof *r);
    r->id = req->id;
    r->va = req->va;
    r->asid = req->asid;
    r->access = req->access;
    r->issue_cycle = req->cycle;
    r->hit = MMU_HIT_WALK;

    if (m->pte_cache_latency) {
        /* busy until its last access is timed; it fills in start order */
        pte_walk *p = &m->steps[w];
        p->job = j;
        p->dropped = false;
        p->hit_mask = 0;
        p->timed = 0;
        p->t = start + m->pwc_probe_latency;
        p->ctx = *ctx;
        walk_begin(ctx, req->va, NULL, &p->cur, &p->res);
        job->stepping = true;
        job->fill_seq = m->fill_seq++;
        m->walker_busy_until[w] = MMU_NEVER;
        m->stepping_mask |= 1u << w;
        step_walk(m, w, false);
        return;
    }

    walk_start from;
    const walk_start *from_ptr = NULL;
    pwc_design design = pwc_get_design(m->walk_cache);
    if (walk_va_canonical(ctx->format, req->va) && (design == PWC_SPLIT || design == PWC_UNIFIED)) {
        pwc_hit hit;
        if (pwc_lookup(m->walk_cache, req->asid, req->va, &hit)) {
            from.level = hit.level - 1;
            from.table_pa = hit.table_pa;
            from.perm = hit.perm;
            from.global = hit.global;
            from_ptr = &from;
            r->pwc_level = (uint8_t)hit.level;
        }
    }
    walk_mem mem = {read_pte, write_pte, m};
    walk_result res;
    walk_run(ctx, &mem, req->va, (mm_access)req->access, (mm_priv)req->priv, from_ptr, &res);
    uint64_t t = time_accesses(m, job, &res, 0, 0, start + m->pwc_probe_latency, r);
    finish_walk(m, j, &res, 0, t, false);
}

/* Delivers the job's response and those of the requests merged into it. */
static void answer_job(mmu *m, walk_job *job)
{
    mmu_emit(m, &job->resp);
    for (int32_t k = job->merged_head; k >= 0;) {
        int32_t next = m->merged[k].next;
        m->merged_waiting--;
        answer_merged(m, job, &m->merged[k].req, m->merged[k].ready);
        m->merged[k].next = m->merged_free;
        m->merged_free = k;
        k = next;
    }
    job->merged_head = job->merged_tail = -1;
}

static void job_state_free(mmu *m, int j)
{
    m->jobs[j].state = JOB_FREE;
    m->job_key[j] = MMU_NO_JOB;
    m->job_free[m->job_free_len++] = (uint8_t)j;
    m->jobs_live--;
}

/* A faulting walk completes: the handler runs; the job either waits out
 * the fault's cost and walks again, or answers with the fault. */
static void handle_fault(mmu *m, int j, uint64_t cycle)
{
    walk_job *job = &m->jobs[j];
    mm_fault cause = (mm_fault)job->pending_fault;
    job->pending_fault = MM_FAULT_NONE;
    m->faults_pending--;
    mmu_fault_action act = m->on_fault(m->fault_opaque, &job->req, cause, cycle);
    if (m->on_event) {
        mmu_event e = {.kind = MMU_EVENT_FAULT, .cycle = cycle, .req = &job->req,
                       .fault = (uint8_t)cause, .retry = act.retry, .fault_cycles = act.cycles};
        mmu_notify(m, &e);
    }
    if (act.retry) {
        pending_fill f;
        memset(&f, 0, sizeof f);
        f.kind = FILL_RETRY;
        f.cycle = cycle + act.cycles;
        f.job = (int16_t)j;
        job->retries++;
        job->state = JOB_WAITING;
        m->stats->fault_retries++;
        m->stats->fault_cycles += act.cycles;
        if (engine_push_fill(m, &f))
            return;
    }
    answer_job(m, job);
    job_state_free(m, j);
}

/* Before the first fill due at `cycle`: the handler decides on every walk
 * faulting then, in fill order, so that a shootdown it makes takes effect
 * before any fill of the cycle and drops those of its address space
 * (docs/timing.md, Faults). */
static void decide_faults(mmu *m, uint64_t cycle)
{
    fill_key due[MMU_MAX_JOBS];
    size_t n = 0;
    m->faults_decided_cycle = cycle;
    for (size_t i = 0; i < m->heap_len && n < MMU_MAX_JOBS; i++) {
        const pending_fill *f = &m->fills[m->heap[i].slot];
        if (m->heap[i].cycle == cycle && f->kind == FILL_WALK && m->jobs[f->job].pending_fault)
            due[n++] = m->heap[i];
    }
    /* fill order: insertion by seq (a handful of walks) */
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && key_before(&due[k], &due[k - 1]); k--) {
            fill_key t = due[k];
            due[k] = due[k - 1];
            due[k - 1] = t;
        }
    for (size_t i = 0; i < n; i++) {
        pending_fill *f = &m->fills[due[i].slot];
        f->fault_decided = true;
        handle_fault(m, f->job, cycle);
    }
}

static void apply_fill(mmu *m, const pending_fill *f)
{
    if (f->kind == FILL_RETRY) {
        /* a retried walk is ready when the fault's cost has passed */
        m->jobs[f->job].ready = f->cycle;
        enqueue_waiting(m, f->job);
        return;
    }
    if (f->kind == FILL_WALK && !f->fault_decided) {
        if (m->jobs[f->job].pending_fault)
            handle_fault(m, f->job, f->cycle);
        else
            job_state_free(m, f->job);
    }
    if (f->dropped) {
        m->stats->fills_dropped++;
        return;
    }
    if (f->kind == FILL_TLB_PROMOTE) {
        if (m->tlb_inclusion[f->hit_tlb] == CFG_EXCLUSIVE)
        {
            mmu_memo_forget(m, f->hit_tlb);
            tlb_invalidate_entry(m->tlbs[f->hit_tlb], &f->entry);
        }
        mmu_fill_tlbs(m, f->tlb_mask, &f->entry);
        return;
    }
    if (f->tlb_mask)
        mmu_fill_tlbs(m, f->tlb_mask, &f->entry);
    for (unsigned level = 1; level < MM_MAX_LEVELS; level++) {
        if (f->pwc_level_mask & (1u << level))
            pwc_fill(m->walk_cache, f->asid, f->va, level, f->pwc_table[level], f->pwc_perm[level],
                     (f->pwc_global_mask >> level) & 1u);
        if (f->pwc_pte_mask & (1u << level))
            pwc_pte_fill(m->walk_cache, f->pwc_pte_pa[level], level, f->pwc_pte_val[level]);
    }
}

static uint64_t next_start_cycle(const mmu *m)
{
    if (m->wait_len == 0)
        return MMU_NEVER;
    const walk_job *head = &m->jobs[m->waiting[m->wait_head]];
    uint64_t free_at = MMU_NEVER;
    for (unsigned w = 0; w < m->cfg.walker.count; w++)
        if (m->walker_busy_until[w] < free_at)
            free_at = m->walker_busy_until[w];
    uint64_t t = head->ready > free_at ? head->ready : free_at;
    return t > m->last_start ? t : m->last_start;
}

uint64_t engine_next_event(const mmu *m)
{
    uint64_t fill = m->heap_len ? m->heap[0].cycle : MMU_NEVER;
    uint64_t start = next_start_cycle(m);
    uint64_t step = MMU_NEVER;
    if (m->stepping_mask)
        next_step_walker(m, &step);
    uint64_t next = fill < start ? fill : start;
    return step < next ? step : next;
}

/* Events up to `cycle`, in time order; at one cycle fills (after the
 * fault decisions), then walk starts, then page-table-cache probes. */
void engine_advance(mmu *m, uint64_t cycle)
{
    for (;;) {
        uint64_t fill = m->heap_len ? m->heap[0].cycle : MMU_NEVER;
        uint64_t start = next_start_cycle(m);
        uint64_t step = MMU_NEVER;
        unsigned step_walker = m->stepping_mask ? next_step_walker(m, &step) : 0;
        if (fill <= start && fill <= step) {
            if (fill == MMU_NEVER || fill > cycle)
                break;
            if (m->faults_pending && m->faults_decided_cycle != fill)
                decide_faults(m, fill);
            uint32_t slot = pop_fill(m);
            apply_fill(m, &m->fills[slot]);
            m->fill_free[m->fill_free_len++] = slot;
        } else if (start <= step) {
            if (start > cycle)
                break;
            start_walk(m, start);
        } else {
            if (step > cycle)
                break;
            step_walk(m, step_walker, true);
        }
    }
    if (cycle != MMU_NEVER && cycle > m->now)
        m->now = cycle;
}
