/*
 * pwc.c — page-walk cache construction (geometry validation per design),
 * destruction and statistics. Lookups and fills are in pwc_lookup.c,
 * invalidation in pwc_flush.c, the storage in pwc_internal.h.
 */
#include "pwc/pwc_internal.h"
#include "tlb/repl_internal.h"

#include <stdio.h>
#include <stdlib.h>

/* entries 0 means "not cached" and is always valid. */
static int check_geometry(const pwc_geometry *g, repl_policy policy, const char *field, mm_error *err)
{
    return g->entries ? repl_check_geometry(g->entries, g->ways, policy, field, err) : MM_OK;
}

static int check_config(const pwc_config *cfg, mm_error *err)
{
    if ((unsigned)cfg->design > PWC_PTE)
        return mm_fail(err, MM_ERR_CONFIG, "pwc.design: unknown design %d", (int)cfg->design);
    if (cfg->design == PWC_NONE)
        return MM_OK;
    if (cfg->levels < 2 || cfg->levels > MM_MAX_LEVELS)
        return mm_fail(err, MM_ERR_CONFIG, "pwc.levels: %u page-table levels, need 2..%u", cfg->levels,
                       MM_MAX_LEVELS);
    if ((unsigned)cfg->replacement >= REPL_COUNT)
        return mm_fail(err, MM_ERR_CONFIG, "pwc.replacement: unknown policy %d", (int)cfg->replacement);
    if (cfg->design != PWC_SPLIT)
        return check_geometry(&cfg->unified, cfg->replacement, "pwc", err); /* keys pwc.entries, pwc.ways */
    /* Levels outside 1..levels-1 have no non-leaf entries to cache in
     * this format; their geometry is ignored, so one preset serves
     * formats of different depths. */
    for (unsigned level = 1; level < cfg->levels; level++) {
        char field[32];
        snprintf(field, sizeof field, "pwc.levels.%u", level);
        int rc = check_geometry(&cfg->level[level], cfg->replacement, field, err);
        if (rc != MM_OK)
            return rc;
    }
    return MM_OK;
}

static int build_array(pwc_array *a, const pwc_geometry *g, const pwc_config *cfg, mm_error *err)
{
    if (g->entries == 0)
        return MM_OK;
    a->ways = g->ways;
    a->sets = g->entries / g->ways;
    a->set_mask = a->sets - 1;
    a->e = calloc(g->entries, sizeof *a->e);
    if (!a->e)
        return mm_fail(err, MM_ERR_NOMEM, "pwc: out of memory for %u entries", g->entries);
    a->repl = repl_create(cfg->replacement, a->sets, a->ways, cfg->lfsr_seed, err);
    return a->repl ? MM_OK : MM_ERR_NOMEM;
}

pwc *pwc_create(const pwc_config *cfg, mm_error *err)
{
    if (!cfg) {
        mm_fail(err, MM_ERR_INVALID, "pwc_create: no config");
        return NULL;
    }
    if (check_config(cfg, err) != MM_OK)
        return NULL;
    pwc *c = calloc(1, sizeof *c);
    if (!c) {
        mm_fail(err, MM_ERR_NOMEM, "pwc: out of memory");
        return NULL;
    }
    c->design = cfg->design;
    c->levels = cfg->design == PWC_NONE ? 0 : cfg->levels;
    int rc = MM_OK;
    if (c->design == PWC_SPLIT) {
        /* Each level's cache is its own structure with its own LFSR. */
        for (unsigned level = 1; level < c->levels && rc == MM_OK; level++)
            rc = build_array(&c->arrays[level], &cfg->level[level], cfg, err);
    } else if (c->design != PWC_NONE) {
        rc = build_array(&c->arrays[0], &cfg->unified, cfg, err);
    }
    if (rc != MM_OK) {
        pwc_destroy(c);
        return NULL;
    }
    return c;
}

void pwc_destroy(pwc *c)
{
    if (!c)
        return;
    for (unsigned i = 0; i < MM_MAX_LEVELS; i++) {
        free(c->arrays[i].e);
        repl_destroy(c->arrays[i].repl);
    }
    free(c);
}

pwc_design pwc_get_design(const pwc *c)
{
    return c->design;
}

const pwc_stats *pwc_get_stats(const pwc *c)
{
    return &c->stats;
}

void pwc_reset_stats(pwc *c)
{
    c->stats = (pwc_stats){0};
}
