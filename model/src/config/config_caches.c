/*
 * config_caches.c — the caches a walk goes through, as configured: the
 * page-walk cache ("pwc", one of three designs) and the memory-latency
 * model of PTE reads ("memory_latency"). Keys that belong to a design or
 * model other than the selected one are accepted and ignored, so switching
 * designs with one --set works on any preset.
 */
#include "config/cfg_internal.h"

#include <stdio.h>

static const char *const pwc_keys[] = {"design", "replacement", "lfsr_seed", "levels",
                                       "entries", "ways",       "latency",   NULL};
static const char *const pwc_level_keys[] = {"entries", "ways", "latency", NULL};
static const char *const memlat_keys[] = {"model",        "latency", "line_bytes", "levels",
                                          "dram_latency", "min",     "max",        "seed", NULL};
static const char *const cache_level_keys[] = {"name", "size", "ways", "latency", NULL};

/* Split design: "levels" maps the level number of the cached entry to its
 * geometry; levels not listed are not cached. */
static int read_split_levels(const cfg_obj *o, const pt_format_info *fmt, const char *repl_path,
                             cfg_pwc *c)
{
    cfg_obj levels;
    int rc = cfg_obj_child(o, "levels", &levels);
    if (rc != MM_OK)
        return rc;
    const cJSON *item;
    cJSON_ArrayForEach(item, levels.json)
    {
        char path[CFG_PATH_LEN];
        const char *k = item->string;
        unsigned level = 0;
        bool numeric = k[0] >= '1' && k[0] <= '9' && k[1] == '\0';
        cfg_key_path(path, levels.path, k);
        if (numeric)
            level = (unsigned)(k[0] - '0');
        if (!numeric || level >= fmt->levels) {
            cfg_blame(o->ctx, "format");
            return cfg_fail(o->ctx, path,
                            "not a level a split walk cache holds; %s has levels 1..%u "
                            "(1 = the entry mapping 2 MiB)",
                            fmt->name, fmt->levels - 1);
        }
    }
    bool any = false;
    for (unsigned level = 1; level < fmt->levels; level++) {
        char key[12];
        cfg_obj lo;
        snprintf(key, sizeof key, "%u", level);
        if ((rc = cfg_obj_child(&levels, key, &lo)) != MM_OK)
            return rc;
        if (!lo.json) {
            c->latency[level] = 1;
            continue;
        }
        if ((rc = cfg_obj_check_keys(&lo, pwc_level_keys, NULL)) != MM_OK ||
            (rc = cfg_read_geometry(&lo, CFG_REQUIRED, true, c->geom.replacement, repl_path,
                                    &c->geom.level[level].entries, &c->geom.level[level].ways)) !=
                MM_OK ||
            (rc = cfg_read_u32(&lo, "latency", 1, 1, CFG_MAX_CYCLES, &c->latency[level])) != MM_OK)
            return rc;
        any |= c->geom.level[level].entries > 0;
    }
    if (!any)
        return cfg_fail(o->ctx, levels.path,
                        "the split design needs at least one level with entries (or design "
                        "\"none\")");
    return MM_OK;
}

int cfg_convert_pwc(const cfg_obj *top, const pt_format_info *fmt, mmu_config *out)
{
    cfg_obj o;
    cfg_pwc *c = &out->pwc;
    uint64_t seed;
    int design = 0, policy = 0, rc;
    if ((rc = cfg_obj_child(top, "pwc", &o)) != MM_OK ||
        (rc = cfg_obj_check_keys(&o, pwc_keys, NULL)) != MM_OK ||
        (rc = cfg_read_enum(&o, "design", cfg_pwc_design_names, PWC_NONE, &design)) != MM_OK ||
        (rc = cfg_read_enum(&o, "replacement", cfg_repl_names, REPL_LRU, &policy)) != MM_OK ||
        (rc = cfg_read_uint(&o, "lfsr_seed", REPL_LFSR_DEFAULT_SEED, 1, UINT16_MAX, &seed)) !=
            MM_OK)
        return rc;
    c->geom.design = (pwc_design)design;
    c->geom.levels = fmt->levels;
    c->geom.replacement = (repl_policy)policy;
    c->geom.lfsr_seed = (uint16_t)seed;
    switch (c->geom.design) {
    case PWC_SPLIT:
        return read_split_levels(&o, fmt, "pwc.replacement", c);
    case PWC_UNIFIED:
    case PWC_PTE:
        if ((rc = cfg_read_geometry(&o, CFG_REQUIRED, false, c->geom.replacement, "pwc.replacement",
                                    &c->geom.unified.entries, &c->geom.unified.ways)) != MM_OK)
            return rc;
        return cfg_read_u32(&o, "latency", 1, 1, CFG_MAX_CYCLES, &c->latency[0]);
    case PWC_NONE:
        break;
    }
    return MM_OK;
}

static int read_cache_levels(const cfg_obj *o, memlat_config *m)
{
    const cJSON *list, *item;
    int rc = cfg_read_array(o, "levels", true, &list);
    if (rc != MM_OK)
        return rc;
    int n = cJSON_GetArraySize(list);
    if (n > MEMLAT_MAX_LEVELS)
        return cfg_fail(o->ctx, "memory_latency.levels", "%d levels; at most %d", n,
                        MEMLAT_MAX_LEVELS);
    unsigned i = 0;
    cJSON_ArrayForEach(item, list)
    {
        cfg_obj lo = {o->ctx, item, ""};
        char dflt_name[8];
        memlat_level *l = &m->levels[i];
        cfg_index_path(lo.path, "memory_latency.levels", i);
        snprintf(dflt_name, sizeof dflt_name, "l%u", i + 1);
        if (!cJSON_IsObject(item))
            return cfg_fail(o->ctx, lo.path, "expected an object, got %s", cfg_type_name(item));
        if ((rc = cfg_obj_check_keys(&lo, cache_level_keys, NULL)) != MM_OK ||
            (rc = cfg_read_string(&lo, "name", dflt_name, l->name, sizeof l->name)) != MM_OK ||
            (rc = cfg_read_size(&lo, "size", CFG_REQUIRED, 0, CFG_MAX_INT, &l->size_bytes)) !=
                MM_OK ||
            (rc = cfg_read_u32(&lo, "ways", CFG_REQUIRED, 0, UINT32_MAX, &l->ways)) != MM_OK ||
            (rc = cfg_read_u32(&lo, "latency", CFG_REQUIRED, 0, UINT32_MAX, &l->hit_cycles)) !=
                MM_OK)
            return rc;
        i++;
    }
    m->n_levels = i;
    return MM_OK;
}

int cfg_convert_memlat(const cfg_obj *top, mmu_config *out)
{
    cfg_obj o;
    memlat_config *m = &out->memlat;
    int model = 0, rc;
    if ((rc = cfg_obj_child(top, "memory_latency", &o)) != MM_OK ||
        (rc = cfg_obj_check_keys(&o, memlat_keys, NULL)) != MM_OK ||
        (rc = cfg_read_enum(&o, "model", cfg_memlat_model_names, MEMLAT_FIXED, &model)) != MM_OK)
        return rc;
    /* ranges are memlat_check's: one copy of the rules for the config and
     * for callers that fill a memlat_config themselves */
    m->kind = (memlat_kind)model;
    switch (m->kind) {
    case MEMLAT_FIXED:
        rc = cfg_read_u32(&o, "latency", 100, 0, UINT32_MAX, &m->fixed_cycles);
        break;
    case MEMLAT_CACHE:
        if ((rc = cfg_read_u32(&o, "line_bytes", 64, 0, UINT32_MAX, &m->line_bytes)) != MM_OK ||
            (rc = read_cache_levels(&o, m)) != MM_OK)
            return rc;
        rc = cfg_read_u32(&o, "dram_latency", 200, 0, UINT32_MAX, &m->dram_cycles);
        break;
    case MEMLAT_RANDOM:
        if ((rc = cfg_read_u32(&o, "min", 1, 0, UINT32_MAX, &m->min_cycles)) != MM_OK ||
            (rc = cfg_read_u32(&o, "max", 200, 0, UINT32_MAX, &m->max_cycles)) != MM_OK)
            return rc;
        rc = cfg_read_uint(&o, "seed", 1, 0, CFG_MAX_INT, &m->seed);
        break;
    }
    if (rc != MM_OK)
        return rc;
    return memlat_check(m, top->ctx);
}
