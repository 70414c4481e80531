/*
 * pwc_peek.c — test access to a C page-table cache's storage and
 * replacement state (pwc_peek.h).
 */
#include "pwc_peek.h"

#include "pwc/pwc_internal.h"

static const pwc_array *pte_array(const pwc *c)
{
    return c->design == PWC_PTE ? &c->arrays[0] : NULL;
}

uint32_t pwc_peek_pte_slots(const pwc *c)
{
    const pwc_array *a = pte_array(c);
    return a ? a->sets * a->ways : 0;
}

uint32_t pwc_peek_pte_ways(const pwc *c)
{
    const pwc_array *a = pte_array(c);
    return a ? a->ways : 0;
}

uint32_t pwc_peek_pte_set(const pwc *c, uint64_t pte_pa)
{
    const pwc_array *a = pte_array(c);
    return a ? (uint32_t)(pte_pa >> 3) & a->set_mask : 0;
}

bool pwc_peek_pte_slot(const pwc *c, uint32_t slot, uint64_t *tag, uint64_t *value)
{
    const pwc_entry *e = &pte_array(c)->e[slot];
    *tag = e->tag;
    *value = e->value;
    return e->state != 0;
}

void pwc_peek_pte_outside_hit(pwc *c, uint32_t set, uint32_t way, unsigned level)
{
    c->stats.lookups[0]++;
    c->stats.hits[level]++;
    repl_touch(c->arrays[0].repl, set, way);
}
