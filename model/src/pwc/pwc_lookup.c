/*
 * pwc_lookup.c — lookups and fills of the page-walk caches: the
 * translation caches (split per level, or unified) keyed by (asid, VA
 * prefix) and the page-table cache keyed by PTE physical address.
 */
#include "pwc/pwc_internal.h"

/* The way of `set` holding the level-`level` entry for prefix visible to
 * asid, or a->ways. */
static uint32_t find_translation(const pwc_array *a, uint32_t set, unsigned level, uint64_t prefix,
                                 uint16_t asid)
{
    const pwc_entry *row = a->e + (size_t)set * a->ways;
    uint8_t state = pwc_state(level);
    for (uint32_t w = 0; w < a->ways; w++) {
        if (row[w].state == state && row[w].tag == prefix && pwc_asid_matches(row[w].asid_tag, asid))
            return w;
    }
    return a->ways;
}

/*
 * All levels are probed in the same cycle, so every configured level
 * counts a lookup (unified: one lookup in lookups[0]); the deepest hit is
 * returned and only its entry is touched for replacement.
 */
bool pwc_lookup(pwc *c, uint16_t asid, uint64_t va, pwc_hit *hit)
{
    if (c->design == PWC_SPLIT) {
        for (unsigned level = 1; level < c->levels; level++)
            c->stats.lookups[level] += c->arrays[level].sets != 0;
    } else if (c->design == PWC_UNIFIED && c->arrays[0].sets) {
        c->stats.lookups[0]++;
    } else {
        return false;
    }
    for (unsigned level = 1; level < c->levels; level++) {
        pwc_array *a = pwc_array_of(c, level);
        if (!a)
            continue;
        uint64_t prefix = va >> MM_LEVEL_SHIFT(level);
        uint32_t set = (uint32_t)prefix & a->set_mask;
        uint32_t way = find_translation(a, set, level, prefix, asid);
        if (way == a->ways)
            continue;
        const pwc_entry *e = &a->e[(size_t)set * a->ways + way];
        repl_touch(a->repl, set, way);
        c->stats.hits[level]++;
        if (hit) {
            hit->level = level;
            hit->table_pa = e->value;
            hit->perm = e->perm;
            hit->global = pwc_entry_global(e);
        }
        return true;
    }
    return false;
}

/* Fills way `way` of `set`, choosing a victim when way == a->ways. */
static void write_way(pwc_array *a, uint32_t set, uint32_t way, const uint64_t *valid, const pwc_entry *value)
{
    if (way == a->ways)
        way = repl_victim(a->repl, set, valid);
    a->e[(size_t)set * a->ways + way] = *value;
    repl_fill(a->repl, set, way);
}

/*
 * A fill rewrites in place the lowest way already holding the same level
 * and prefix for the same asid (or where either entry is global), else
 * replaces the victim; both count as a fill. Levels outside the cached
 * ones are ignored.
 */
void pwc_fill(pwc *c, uint16_t asid, uint64_t va, unsigned level, uint64_t table_pa, uint8_t perm,
              bool global)
{
    pwc_array *a = pwc_array_of(c, level);
    if (!a)
        return;
    uint64_t prefix = va >> MM_LEVEL_SHIFT(level);
    uint32_t set = (uint32_t)prefix & a->set_mask;
    const pwc_entry *row = a->e + (size_t)set * a->ways;
    uint8_t state = pwc_state(level);
    uint64_t valid[REPL_MAX_WAYS / 64] = {0};
    uint32_t way = a->ways;
    for (uint32_t w = 0; w < a->ways; w++) {
        if (!row[w].state)
            continue;
        valid[w / 64u] |= 1ull << (w % 64u);
        if (way == a->ways && row[w].state == state && row[w].tag == prefix &&
            (global || pwc_entry_global(&row[w]) || pwc_entry_asid(&row[w]) == asid))
            way = w;
    }
    pwc_entry e = {
        .tag = prefix,
        .value = table_pa,
        .asid_tag = pwc_make_asid_tag(asid, global),
        .state = state,
        .perm = perm,
    };
    write_way(a, set, way, valid, &e);
    c->stats.fills[level]++;
}

static pwc_array *pte_array(pwc *c, unsigned level)
{
    if (c->design != PWC_PTE || !c->arrays[0].sets || level >= MM_MAX_LEVELS)
        return NULL;
    return &c->arrays[0];
}

bool pwc_pte_lookup(pwc *c, uint64_t pte_pa, unsigned level, uint64_t *value)
{
    pwc_array *a = pte_array(c, level);
    if (!a)
        return false;
    c->stats.lookups[0]++;
    uint32_t set = (uint32_t)(pte_pa >> 3) & a->set_mask;
    const pwc_entry *row = a->e + (size_t)set * a->ways;
    for (uint32_t w = 0; w < a->ways; w++) {
        if (row[w].state && row[w].tag == pte_pa) {
            repl_touch(a->repl, set, w);
            c->stats.hits[level]++;
            if (value)
                *value = row[w].value;
            return true;
        }
    }
    return false;
}

void pwc_pte_fill(pwc *c, uint64_t pte_pa, unsigned level, uint64_t value)
{
    pwc_array *a = pte_array(c, level);
    if (!a)
        return;
    uint32_t set = (uint32_t)(pte_pa >> 3) & a->set_mask;
    const pwc_entry *row = a->e + (size_t)set * a->ways;
    uint64_t valid[REPL_MAX_WAYS / 64] = {0};
    uint32_t way = a->ways;
    for (uint32_t w = 0; w < a->ways; w++) {
        if (!row[w].state)
            continue;
        valid[w / 64u] |= 1ull << (w % 64u);
        if (way == a->ways && row[w].tag == pte_pa)
            way = w;
    }
    pwc_entry e = {
        .tag = pte_pa,
        .value = value,
        .asid_tag = 0,
        .state = pwc_state(level),
        .perm = 0,
    };
    write_way(a, set, way, valid, &e);
    c->stats.fills[level]++;
}
