/*
 * tlb_flush.c — TLB invalidation: whole-TLB, per-ASID and per-VA flushes
 * and the exact-page back-invalidation used for inclusion. Every removal
 * goes through tlb_drop_way so replacement state and the valid count
 * follow.
 */
#include "tlb/tlb_internal.h"

void tlb_drop_way(tlb *t, unsigned array, uint32_t set, uint32_t way)
{
    tlb_array *a = &t->arrays[array];
    a->key[(size_t)set * a->ways + way] = 0;
    repl_invalidate(a->repl, set, way);
    t->valid_count--;
}

typedef bool (*tag_filter)(uint32_t asid_tag, uint16_t asid);

/* Drops every valid entry the filter accepts, in every array. */
static void drop_where(tlb *t, tag_filter keep_out, uint16_t asid)
{
    for (unsigned i = 0; i < t->n_arrays; i++) {
        const tlb_array *a = &t->arrays[i];
        for (uint32_t set = 0; set < a->sets; set++) {
            size_t first_cell = (size_t)set * a->ways;
            for (uint32_t w = 0; w < a->ways; w++) {
                if (a->key[first_cell + w] && keep_out(a->data[first_cell + w].asid_tag, asid))
                    tlb_drop_way(t, i, set, w);
            }
        }
    }
}

static bool any_entry(uint32_t asid_tag, uint16_t asid)
{
    (void)asid_tag;
    (void)asid;
    return true;
}

static bool nonglobal_entry(uint32_t asid_tag, uint16_t asid)
{
    (void)asid;
    return !tlb_tag_global(asid_tag);
}

static bool nonglobal_of_asid(uint32_t asid_tag, uint16_t asid)
{
    return !tlb_tag_global(asid_tag) && (uint16_t)asid_tag == asid;
}

void tlb_flush_all(tlb *t)
{
    drop_where(t, any_entry, 0);
}

void tlb_flush_nonglobal(tlb *t)
{
    drop_where(t, nonglobal_entry, 0);
}

void tlb_flush_asid(tlb *t, uint16_t asid)
{
    drop_where(t, nonglobal_of_asid, asid);
}

/* Which entries covering va a per-VA flush removes. */
typedef enum {
    VA_ANY_ASID,          /* every asid, global too */
    VA_ASID,              /* non-global entries of asid */
    VA_ASID_AND_GLOBAL    /* non-global entries of asid and global entries */
} va_scope;

static void drop_covering(tlb *t, uint64_t va, uint16_t asid, va_scope scope)
{
    for (unsigned p = 0; p < t->n_probes; p++) {
        const tlb_probe_step *step = &t->probes[p];
        uint64_t vpn = va >> step->shift;
        uint64_t key = tlb_make_key(vpn, step->level);
        uint32_t set = (uint32_t)vpn & step->set_mask;
        size_t first_cell = (size_t)set * step->ways;
        for (uint32_t w = 0; w < step->ways; w++) {
            if (step->key[first_cell + w] != key)
                continue;
            uint32_t asid_tag = step->data[first_cell + w].asid_tag;
            bool global = tlb_tag_global(asid_tag);
            bool own = !global && (uint16_t)asid_tag == asid;
            if (scope == VA_ANY_ASID || own || (global && scope == VA_ASID_AND_GLOBAL))
                tlb_drop_way(t, step->array, set, w);
        }
    }
}

void tlb_flush_va(tlb *t, uint64_t va)
{
    drop_covering(t, va, 0, VA_ANY_ASID);
}

void tlb_flush_asid_va(tlb *t, uint16_t asid, uint64_t va, bool include_global)
{
    drop_covering(t, va, asid, include_global ? VA_ASID_AND_GLOBAL : VA_ASID);
}

/* Removes every entry that tlb_insert would treat as the same page as e
 * (same size and vpn; same asid, or either global), so no copy of the
 * evicted translation survives in a level that must stay included. */
bool tlb_invalidate_entry(tlb *t, const tlb_entry *e)
{
    if (!tlb_holds_level(t, e->level) || !tlb_vpn_fits(e->vpn, e->level))
        return false;
    unsigned index = (unsigned)t->array_of_level[e->level];
    const tlb_array *a = &t->arrays[index];
    bool global = (e->perm & MM_PERM_G) != 0;
    uint64_t key = tlb_make_key(e->vpn, e->level);
    uint32_t set = (uint32_t)e->vpn & a->set_mask;
    size_t first_cell = (size_t)set * a->ways;
    bool removed = false;
    for (uint32_t w = 0; w < a->ways; w++) {
        size_t cell = first_cell + w;
        if (tlb_same_page(a->key[cell], a->data[cell].asid_tag, key, e->asid, global)) {
            tlb_drop_way(t, index, set, w);
            removed = true;
        }
    }
    return removed;
}
