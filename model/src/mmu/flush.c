/*
 * flush.c — what each architectural flush removes from the TLBs and the
 * page-walk cache (docs/timing.md, "Flushes"):
 *   x86 INVLPG      TLB entries for va in the current PCID and global ones
 *                   for va; every walk-cache entry of the PCID (SDM 4.10.4.1).
 *   x86 MOV CR3     sets the root of the PCID; unless bit 63 (no-flush) is
 *                   set, drops its non-global TLB and walk-cache entries.
 *   x86 INVPCID     type 0: va in PCID (non-global) + walk cache of PCID;
 *                   1: PCID non-global; 2: everything; 3: all non-global.
 *   SFENCE.VMA      rs1=x0,rs2=x0: everything; rs1=x0,rs2=asid: non-global
 *                   entries of asid (TLB and walk cache); rs1=va,rs2=x0: leaf
 *                   entries for va in every asid; rs1=va,rs2=asid: leaf
 *                   entries for va in asid, global kept. With rs1 != x0 the
 *                   spec orders only leaf PTE updates, so walk caches stay.
 */
#include "mmu/mmu_internal.h"

static void tlbs_all(mmu *m)
{
    for (unsigned i = 0; i < m->cfg.n_tlbs; i++)
        tlb_flush_all(m->tlbs[i]);
}

static void tlbs_nonglobal(mmu *m)
{
    for (unsigned i = 0; i < m->cfg.n_tlbs; i++)
        tlb_flush_nonglobal(m->tlbs[i]);
}

static void tlbs_asid(mmu *m, uint16_t asid)
{
    for (unsigned i = 0; i < m->cfg.n_tlbs; i++)
        tlb_flush_asid(m->tlbs[i], asid);
}

static void tlbs_va(mmu *m, uint64_t va)
{
    for (unsigned i = 0; i < m->cfg.n_tlbs; i++)
        tlb_flush_va(m->tlbs[i], va);
}

static void tlbs_asid_va(mmu *m, uint16_t asid, uint64_t va, bool include_global)
{
    for (unsigned i = 0; i < m->cfg.n_tlbs; i++)
        tlb_flush_asid_va(m->tlbs[i], asid, va, include_global);
}

static void cr3_write(mmu *m, uint64_t cr3)
{
    uint16_t pcid = (uint16_t)(cr3 & PT_X86_CR3_PCID_MASK);
    uint64_t root = cr3 & PT_X86_ADDR_MASK;
    mmu_ctx *known = mmu_context(m, pcid);
    walk_ctx updated;
    if (known)
        updated = known->walk;
    else
        mmu_context_defaults(m, &updated, root, pcid);
    updated.root_pa = root;
    mmu_set_context(m, &updated, NULL);
    if (!(cr3 & PT_X86_CR3_NOFLUSH)) {
        tlbs_asid(m, pcid);
        pwc_flush_asid(m->walk_cache, pcid, false);
    }
}

void flush_apply(mmu *m, const mmu_flush *f)
{
    pwc *c = m->walk_cache;
    for (unsigned i = 0; i < m->cfg.n_tlbs; i++)
        mmu_memo_forget(m, i);
    switch (f->kind) {
    case MMU_FLUSH_ALL:
        tlbs_all(m);
        pwc_flush_all(c);
        break;
    case MMU_FLUSH_ASID:
        tlbs_asid(m, f->asid);
        pwc_flush_asid(c, f->asid, false);
        break;
    case MMU_FLUSH_VA:
        tlbs_va(m, f->va);
        pwc_flush_va(c, f->asid, f->va, true);
        break;
    case MMU_FLUSH_ASID_VA:
        tlbs_asid_va(m, f->asid, f->va, false);
        pwc_flush_va(c, f->asid, f->va, false);
        break;
    case MMU_FLUSH_X86_INVLPG:
        tlbs_asid_va(m, f->asid, f->va, true);
        pwc_flush_asid(c, f->asid, true);
        break;
    case MMU_FLUSH_X86_CR3:
        cr3_write(m, f->cr3);
        break;
    case MMU_FLUSH_X86_INVPCID:
        switch (f->invpcid_type) {
        case 0:
            tlbs_asid_va(m, f->asid, f->va, false);
            pwc_flush_asid(c, f->asid, true);
            break;
        case 1:
            tlbs_asid(m, f->asid);
            pwc_flush_asid(c, f->asid, true);
            break;
        case 2:
            tlbs_all(m);
            pwc_flush_all(c);
            break;
        default:
            tlbs_nonglobal(m);
            pwc_flush_all(c);
            break;
        }
        break;
    case MMU_FLUSH_RV_SFENCE_VMA:
        if (!f->has_va && !f->has_asid) {
            tlbs_all(m);
            pwc_flush_all(c);
        } else if (!f->has_va) {
            tlbs_asid(m, f->asid);
            pwc_flush_asid(c, f->asid, false);
        } else if (!f->has_asid) {
            tlbs_va(m, f->va);
        } else {
            tlbs_asid_va(m, f->asid, f->va, false);
        }
        break;
    }
}

void mmu_shootdown(mmu *m, uint16_t asid, uint64_t va)
{
    if (m->on_event) {
        mmu_event e = {.kind = MMU_EVENT_SHOOTDOWN, .cycle = m->now, .asid = asid, .va = va};
        mmu_notify(m, &e);
    }
    for (unsigned i = 0; i < m->cfg.n_tlbs; i++)
        mmu_memo_forget(m, i);
    tlbs_asid_va(m, asid, va, true);
    pwc_flush_va(m->walk_cache, asid, va, false);
    /* a fill still in flight for this address space may carry the old
     * mapping: a walk's by its request, a promotion's by its entry */
    for (size_t i = 0; i < m->heap_len; i++) {
        pending_fill *f = &m->fills[m->heap[i].slot];
        if ((f->kind == FILL_WALK && f->asid == asid) ||
            (f->kind == FILL_TLB_PROMOTE && f->entry.asid == asid))
            f->dropped = true;
    }
    engine_drop_walk_fills(m, asid);
    for (unsigned j = 0; j < m->max_jobs; j++)
        if (m->jobs[j].state != JOB_FREE && m->jobs[j].req.asid == asid)
            m->job_key[j] = MMU_NO_JOB;
    m->stats->shootdowns++;
}
