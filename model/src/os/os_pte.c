/*
 * os_pte.c — what the OS reads and writes in leaf PTEs: the accessed,
 * dirty and writable bits of each format, the swap-slot encoding of a
 * not-present entry, and the scans over a process's tables that let the
 * page tables (not a shadow structure) say what is mapped or swapped.
 */
#include "os/os_internal.h"

#include "pt/pte.h"

uint64_t os_page_size(unsigned level)
{
    return 1ull << MM_LEVEL_SHIFT(level);
}

uint32_t os_leaf_attrs(const os *o, uint32_t prot, bool writable, bool accessed, bool dirty)
{
    (void)o;
    uint32_t attrs = MM_PERM_U | (prot & (MM_PERM_R | MM_PERM_X));
    if (writable && (prot & MM_PERM_W))
        attrs |= MM_PERM_W;
    if (accessed)
        attrs |= MM_PERM_A;
    if (dirty)
        attrs |= MM_PERM_D;
    return attrs;
}

bool os_pte_accessed(const os *o, uint64_t pte)
{
    return (pte & (o->info->is_x86 ? PT_X86_A : PT_RV_A)) != 0;
}

bool os_pte_dirty(const os *o, uint64_t pte)
{
    return (pte & (o->info->is_x86 ? PT_X86_D : PT_RV_D)) != 0;
}

bool os_pte_writable(const os *o, uint64_t pte)
{
    return (pte & (o->info->is_x86 ? PT_X86_RW : PT_RV_W)) != 0;
}

uint64_t os_pte_clear_accessed(const os *o, uint64_t pte)
{
    return pte & ~(o->info->is_x86 ? PT_X86_A : PT_RV_A);
}

uint64_t os_pte_set_ad(const os *o, uint64_t pte, bool dirty)
{
    if (o->info->is_x86)
        return pte | PT_X86_A | (dirty ? PT_X86_D : 0);
    return pte | PT_RV_A | (dirty ? PT_RV_D : 0);
}

bool os_pte_is_swap(uint64_t pte)
{
    return !pte_present(pte) && (pte & OS_SWAP_MARK);
}

uint64_t os_pte_swap_slot(uint64_t pte)
{
    return (pte >> OS_SWAP_SHIFT) & (OS_SWAP_MAX_SLOTS - 1);
}

uint64_t os_pte_from_slot(uint64_t slot)
{
    return (slot << OS_SWAP_SHIFT) | OS_SWAP_MARK;
}

bool os_find_leaf(const os *o, const os_proc *p, uint64_t va, unsigned *level, uint64_t *pte_pa)
{
    bool is_x86 = o->info->is_x86;
    uint64_t base = pt_root(p->table);
    for (unsigned l = o->info->levels; l-- > 0;) {
        uint64_t slot = base + pte_slot_offset(va, l);
        uint64_t pte = pmem_read64(o->mem, slot);
        if (l == 0 || (pte_present(pte) && pte_is_leaf(is_x86, l, pte))) {
            *level = l;
            *pte_pa = slot;
            return true;
        }
        if (!pte_present(pte))
            return false;
        base = pte_table_base(is_x86, pte);
    }
    return false;
}

int os_leaf_slot(os *o, os_proc *p, uint64_t va, uint64_t *pte_pa, mm_error *err)
{
    if (pt_pte_addr(p->table, va, 0, pte_pa, NULL) == MM_OK)
        return MM_OK;
    /* The builder creates the tables on the path; the temporary leaf it
     * writes is replaced by the caller's entry at once. */
    int rc = pt_map(p->table, va, 0, 0, MM_PERM_R | MM_PERM_U, err);
    if (rc == MM_OK)
        rc = pt_pte_addr(p->table, va, 0, pte_pa, err);
    if (rc == MM_OK)
        pmem_write64(o->mem, *pte_pa, 0);
    return rc;
}

static int scan_table(os *o, os_proc *p, uint64_t table, unsigned level, uint64_t table_va,
                      uint64_t start, uint64_t end, os_leaf_fn fn, void *ctx)
{
    bool is_x86 = o->info->is_x86;
    unsigned shift = MM_LEVEL_SHIFT(level);
    uint64_t first = start > table_va ? (start - table_va) >> shift : 0;
    for (uint64_t i = first; i < 512; i++) {
        uint64_t va = table_va + (i << shift);
        if (va >= end)
            break;
        uint64_t slot = table + 8 * i;
        uint64_t pte = pmem_read64(o->mem, slot);
        if (pte == 0)
            continue;
        int rc = 0;
        if (pte_present(pte) && !pte_is_leaf(is_x86, level, pte)) {
            if (level > 0)
                rc = scan_table(o, p, pte_table_base(is_x86, pte), level - 1, va, start, end, fn, ctx);
        } else if (pte_present(pte) || (level == 0 && os_pte_is_swap(pte))) {
            rc = fn(o, p, va, level, slot, pte, ctx);
        }
        if (rc)
            return rc;
    }
    return 0;
}

int os_scan(os *o, os_proc *p, uint64_t start, uint64_t end, os_leaf_fn fn, void *ctx)
{
    return scan_table(o, p, pt_root(p->table), o->info->levels - 1, 0, start, end, fn, ctx);
}

static void free_table(os *o, uint64_t table, unsigned level)
{
    bool is_x86 = o->info->is_x86;
    for (unsigned i = 0; level > 0 && i < 512; i++) {
        uint64_t pte = pmem_read64(o->mem, table + 8u * i);
        if (pte_present(pte) && !pte_is_leaf(is_x86, level, pte))
            free_table(o, pte_table_base(is_x86, pte), level - 1);
    }
    pmem_free_frame(o->mem, table);
}

void os_free_tables(os *o, os_proc *p)
{
    free_table(o, pt_root(p->table), o->info->levels - 1);
}
