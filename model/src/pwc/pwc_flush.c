/*
 * pwc_flush.c — invalidation of the page-walk caches. The page-table
 * cache (PWC_PTE) is keyed by PTE physical address: nothing in an entry
 * says which address space or VA it served, so its ASID and VA flushes
 * must drop every entry.
 */
#include "pwc/pwc_internal.h"

typedef enum {
    DROP_ALL,             /* every entry */
    DROP_ASID,            /* non-global entries of asid */
    DROP_ASID_AND_GLOBAL  /* non-global entries of asid and global entries */
} drop_scope;

static bool in_scope(const pwc_entry *e, uint16_t asid, drop_scope scope)
{
    if (scope == DROP_ALL)
        return true;
    if (pwc_entry_global(e))
        return scope == DROP_ASID_AND_GLOBAL;
    return pwc_entry_asid(e) == asid;
}

static void drop_where(pwc *c, uint16_t asid, drop_scope scope)
{
    for (unsigned i = 0; i < MM_MAX_LEVELS; i++) {
        pwc_array *a = &c->arrays[i];
        for (uint32_t set = 0; set < a->sets; set++) {
            const pwc_entry *row = a->e + (size_t)set * a->ways;
            for (uint32_t w = 0; w < a->ways; w++) {
                if (row[w].state && in_scope(&row[w], asid, scope))
                    pwc_drop_way(a, set, w);
            }
        }
    }
}

void pwc_flush_all(pwc *c)
{
    drop_where(c, 0, DROP_ALL);
}

void pwc_flush_asid(pwc *c, uint16_t asid, bool include_global)
{
    if (c->design == PWC_PTE)
        drop_where(c, 0, DROP_ALL);
    else
        drop_where(c, asid, include_global ? DROP_ASID_AND_GLOBAL : DROP_ASID);
}

/* For one asid only its non-global entries go (RISC-V SFENCE.VMA with an
 * ASID leaves global mappings alone); all_asids drops global ones too. */
void pwc_flush_va(pwc *c, uint16_t asid, uint64_t va, bool all_asids)
{
    if (c->design == PWC_PTE) {
        drop_where(c, 0, DROP_ALL);
        return;
    }
    drop_scope scope = all_asids ? DROP_ALL : DROP_ASID;
    for (unsigned level = 1; level < c->levels; level++) {
        pwc_array *a = pwc_array_of(c, level);
        if (!a)
            continue;
        uint64_t prefix = va >> MM_LEVEL_SHIFT(level);
        uint32_t set = (uint32_t)prefix & a->set_mask;
        const pwc_entry *row = a->e + (size_t)set * a->ways;
        uint8_t state = pwc_state(level);
        for (uint32_t w = 0; w < a->ways; w++) {
            if (row[w].state == state && row[w].tag == prefix && in_scope(&row[w], asid, scope))
                pwc_drop_way(a, set, w);
        }
    }
}
