/*
 * os_fault.c — the page-fault handler: segfaults, minor faults (a zeroed
 * frame, a huge page where the THP policy allows), major faults (the page
 * read back from its swap slot), copy-on-write, and spurious faults; and
 * the user loads and stores that take faults through the real walker.
 */
#include "os/os_internal.h"

#include <string.h>

#include "mmulab/walk.h"
#include "pt/pte.h"

static uint64_t frames_in(unsigned level)
{
    return 1ull << (9u * level);
}

static bool thp_eligible(os *o, os_proc *p, const os_region *r, uint64_t va, unsigned level)
{
    if (o->cfg.thp == OS_THP_NEVER || (o->cfg.thp == OS_THP_ON_REQUEST && !(r->flags & OS_MAP_HUGE)))
        return false;
    if (!(o->info->leaf_levels & (1u << level)))
        return false;
    uint64_t size = os_page_size(level);
    uint64_t base = va & ~(size - 1);
    if (base < r->start || base + size > r->end)
        return false;
    uint64_t slot;
    if (pt_pte_addr(p->table, base, level, &slot, NULL) != MM_OK)
        return true; /* no table down to this level: nothing below is mapped */
    return pmem_read64(o->mem, slot) == 0;
}

static int map_new(os *o, os_proc *p, os_frame *f, uint64_t va, unsigned level, uint32_t attrs,
                   os_fault_result *out, mm_error *err)
{
    int rc = pt_map(p->table, va, f->pa, level, attrs, err);
    /* The tables on the path need frames too: reclaim makes room for them
     * as it does for the page (which is pinned meanwhile). */
    f->pinned = true;
    while (rc == MM_ERR_FULL &&
           os_reclaim_one(o, OS_NO_GROUP, &out->cycles, &out->swap_outs, err) == MM_OK)
        rc = pt_map(p->table, va, f->pa, level, attrs, err);
    f->pinned = false;
    if (rc == MM_OK) {
        rc = os_frame_add_mapper(o, f, p->pid, va, err);
        if (rc != MM_OK)
            pt_unmap(p->table, va, level, NULL);
    }
    if (rc != MM_OK)
        os_frame_drop_mapper(o, f, p->pid, va); /* no mapper: frees the frame */
    return rc;
}

static int minor_fault(os *o, os_proc *p, const os_region *r, uint64_t va, bool store,
                       os_fault_result *out, mm_error *err)
{
    uint32_t attrs = os_leaf_attrs(o, r->prot, true, true, store);
    for (unsigned level = o->cfg.thp_max_level; level >= 1; level--) {
        if (!thp_eligible(o, p, r, va, level))
            continue;
        os_frame *f;
        uint64_t base = va & ~(os_page_size(level) - 1);
        if (os_frame_alloc(o, p->group, level, &f, &out->cycles, &out->swap_outs, NULL) != MM_OK ||
            map_new(o, p, f, base, level, attrs, out, NULL) != MM_OK) {
            o->stats.thp_fallbacks++;
            continue;
        }
        o->stats.thp_allocs++;
        out->level = level;
        out->cycles += o->cfg.minor_cycles + (uint64_t)o->cfg.zero_cycles * frames_in(level);
        return MM_OK;
    }
    os_frame *f;
    int rc = os_frame_alloc(o, p->group, 0, &f, &out->cycles, &out->swap_outs, err);
    if (rc == MM_OK)
        rc = map_new(o, p, f, va & ~(uint64_t)(PMEM_FRAME_SIZE - 1), 0, attrs, out, err);
    if (rc != MM_OK)
        return rc;
    out->cycles += o->cfg.minor_cycles + o->cfg.zero_cycles;
    return MM_OK;
}

static int major_fault(os *o, os_proc *p, const os_region *r, uint64_t va, bool store,
                       uint64_t pte_pa, uint64_t slot, os_fault_result *out, mm_error *err)
{
    os_frame *f;
    int rc = os_frame_alloc(o, p->group, 0, &f, &out->cycles, &out->swap_outs, err);
    if (rc != MM_OK)
        return rc;
    rc = os_frame_add_mapper(o, f, p->pid, va & ~(uint64_t)(PMEM_FRAME_SIZE - 1), err);
    if (rc != MM_OK) {
        os_frame_drop_mapper(o, f, p->pid, va);
        return rc;
    }
    os_slot_read(o, slot, f->pa);
    /* The PTE's reference to the slot becomes the frame's: while the page
     * stays clean its swap copy is valid and eviction need not write it. */
    f->swap_slot = slot;
    uint32_t attrs = os_leaf_attrs(o, r->prot, true, true, store);
    pmem_write64(o->mem, pte_pa, pt_encode_leaf(o->format, 0, f->pa, attrs));
    out->cycles += o->cfg.major_cycles;
    o->stats.swap_ins++;
    return MM_OK;
}

static int cow_fault(os *o, os_proc *p, const os_region *r, uint64_t va, os_fault_result *out,
                     mm_error *err)
{
    unsigned level;
    uint64_t pte_pa, pte;
    os_frame *f;
    /* A shared huge page is split; only the written 4 KiB is copied. */
    for (;;) {
        os_find_leaf(o, p, va, &level, &pte_pa);
        pte = pmem_read64(o->mem, pte_pa);
        f = os_frame_of(o, pt_decode_pa(o->format, pte));
        if (!f)
            return mm_fail(err, MM_ERR_INVALID, "os: pid %u va 0x%llx maps no OS frame", p->pid,
                           (unsigned long long)va);
        if (f->level == 0 || f->n_mappers == 1)
            break;
        int rc = os_frame_split(o, f, &out->cycles, err);
        if (rc != MM_OK)
            return rc;
    }
    uint64_t base = va & ~(os_page_size(level) - 1);
    uint32_t attrs = os_leaf_attrs(o, r->prot, true, true, true);
    out->level = level;
    if (f->n_mappers == 1) {
        pmem_write64(o->mem, pte_pa, pt_encode_leaf(o->format, level, f->pa, attrs));
        out->cycles += o->cfg.minor_cycles;
    } else {
        os_frame *copy;
        f->pinned = true;
        int rc = os_frame_alloc(o, p->group, 0, &copy, &out->cycles, &out->swap_outs, err);
        f->pinned = false;
        if (rc != MM_OK)
            return rc;
        rc = os_frame_add_mapper(o, copy, p->pid, base, err);
        if (rc != MM_OK) {
            os_frame_drop_mapper(o, copy, p->pid, base);
            return rc;
        }
        os_frame_copy(o, copy->pa, f->pa);
        pmem_write64(o->mem, pte_pa, pt_encode_leaf(o->format, 0, copy->pa, attrs));
        os_frame_drop_mapper(o, f, p->pid, base);
        out->cycles += o->cfg.cow_cycles;
        o->stats.cow_copies++;
    }
    out->cycles += o->cfg.shootdown_cycles;
    return os_note_shootdown(o, p, base, level, err);
}

static int handle(os *o, os_proc *p, uint64_t va, mm_access access, os_fault_result *out,
                  mm_error *err)
{
    static const uint32_t needed[MM_ACCESS_COUNT] = {MM_PERM_X, MM_PERM_R, MM_PERM_W};
    const os_region *r = os_region_find(p, va);
    if (!r || !(r->prot & needed[access])) {
        out->segv = r ? OS_SEGV_ACCERR : OS_SEGV_MAPERR;
        out->cycles = o->cfg.minor_cycles;
        o->stats.segfaults++;
        return MM_OK;
    }
    bool store = access == MM_ACCESS_STORE;
    unsigned level = 0;
    uint64_t pte_pa = 0, pte = 0;
    if (os_find_leaf(o, p, va, &level, &pte_pa))
        pte = pmem_read64(o->mem, pte_pa);
    out->resolved = true;
    if (pte_present(pte) && store && !os_pte_writable(o, pte)) {
        out->kind = OS_FAULT_KIND_COW;
        o->stats.cow_faults++;
        return cow_fault(o, p, r, va, out, err);
    }
    if (pte_present(pte)) {
        /* Already mapped (another fault won, or a stale TLB entry): set the
         * A/D bits a Svade walk asks for and let the access retry. */
        pmem_write64(o->mem, pte_pa, os_pte_set_ad(o, pte, store));
        out->level = level;
        out->cycles = o->cfg.minor_cycles;
        o->stats.spurious_faults++;
        return MM_OK;
    }
    if (os_pte_is_swap(pte)) {
        out->kind = OS_FAULT_KIND_MAJOR;
        o->stats.major_faults++;
        return major_fault(o, p, r, va, store, pte_pa, os_pte_swap_slot(pte), out, err);
    }
    out->kind = OS_FAULT_KIND_MINOR;
    o->stats.minor_faults++;
    return minor_fault(o, p, r, va, store, out, err);
}

int os_handle_fault(os *o, uint32_t pid, uint64_t va, mm_access access, mm_fault cause,
                    os_fault_result *out, mm_error *err)
{
    if (!o || !out)
        return mm_fail(err, MM_ERR_INVALID, "os_handle_fault: os or out is NULL");
    memset(out, 0, sizeof *out);
    o->n_sd = 0;
    os_proc *p = os_proc_get(o, pid);
    if (!p)
        return mm_fail(err, MM_ERR_INVALID, "os_handle_fault: no process %u", pid);
    if ((unsigned)access >= MM_ACCESS_COUNT)
        return mm_fail(err, MM_ERR_INVALID, "os_handle_fault: access %d is not an access type",
                       (int)access);
    if ((unsigned)cause >= MM_FAULT_COUNT || cause == MM_FAULT_NONE)
        return mm_fail(err, MM_ERR_INVALID, "os_handle_fault: cause %d is not a fault", (int)cause);
    int rc = handle(o, p, va, access, out, err);
    if (rc != MM_OK) {
        /* The failed attempt's work is lost: no retry will follow. */
        out->resolved = false;
    }
    out->n_shootdowns = o->n_sd;
    out->shootdowns = o->sd;
    o->stats.fault_cycles += out->cycles;
    return rc;
}

static int user_access(os *o, uint32_t pid, uint64_t va, mm_access access, uint64_t *pa,
                       mm_error *err)
{
    const char *what = access == MM_ACCESS_STORE ? "os_store" : "os_load";
    if (!o)
        return mm_fail(err, MM_ERR_INVALID, "%s: os is NULL", what);
    os_proc *p = os_proc_get(o, pid);
    if (!p)
        return mm_fail(err, MM_ERR_INVALID, "%s: no process %u", what, pid);
    if (va & 7)
        return mm_fail(err, MM_ERR_INVALID, "%s: va 0x%llx is not 8-byte aligned", what,
                       (unsigned long long)va);
    walk_ctx ctx;
    walk_ctx_init(&ctx, o->format, pt_root(p->table), p->asid);
    if (o->info->is_x86)
        ctx.pa_bits = pmem_pa_bits(o->mem);
    walk_mem wm;
    walk_mem_from_pmem(&wm, o->mem);
    walk_result r;
    /* A fault that the OS resolves is retried; at most a COW after a
     * minor fault after a spurious one can happen in a row. */
    for (int tries = 0; tries < 4; tries++) {
        walk_run(&ctx, &wm, va, access, MM_PRIV_USER, NULL, &r);
        if (r.fault == MM_FAULT_NONE) {
            *pa = r.pa;
            return MM_OK;
        }
        os_fault_result res;
        int rc = os_handle_fault(o, pid, va, access, r.fault, &res, err);
        if (rc != MM_OK)
            return rc;
        if (!res.resolved)
            return mm_fail(err, MM_ERR_INVALID, "%s: segfault in pid %u at va 0x%llx (%s)", what,
                           pid, (unsigned long long)va,
                           res.segv == OS_SEGV_MAPERR ? "not in a region" : "not permitted");
    }
    return mm_fail(err, MM_ERR_INVALID, "%s: pid %u va 0x%llx still faults (%s) after the OS resolved it",
                   what, pid, (unsigned long long)va, mm_fault_name(r.fault));
}

int os_store(os *o, uint32_t pid, uint64_t va, uint64_t value, mm_error *err)
{
    uint64_t pa;
    int rc = user_access(o, pid, va, MM_ACCESS_STORE, &pa, err);
    if (rc == MM_OK)
        pmem_write64(o->mem, pa, value);
    return rc;
}

int os_load(os *o, uint32_t pid, uint64_t va, uint64_t *value, mm_error *err)
{
    if (!value)
        return mm_fail(err, MM_ERR_INVALID, "os_load: value is NULL");
    uint64_t pa;
    int rc = user_access(o, pid, va, MM_ACCESS_LOAD, &pa, err);
    if (rc == MM_OK)
        *value = pmem_read64(o->mem, pa);
    return rc;
}
