/*
 * config_tlbs.c — the TLB hierarchy of a config: the "tlbs" list, each TLB
 * object (a main array plus named extra arrays), the set-associative
 * geometry rules shared with the walk caches, and the rules that tie the
 * TLBs into levels (one TLB per access type and level, no gaps).
 */
#include "config/cfg_internal.h"

#include <stdio.h>
#include <string.h>

static const char *const tlb_keys[] = {"level",     "serves",  "latency", "replacement",
                                       "lfsr_seed", "inclusion", "entries", "ways",
                                       "page_sizes", "arrays", NULL};
static const char *const array_keys[] = {"entries", "ways", "page_sizes", NULL};

static bool is_pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

int cfg_read_geometry(const cfg_obj *o, uint64_t dflt_entries, bool zero_ok, repl_policy policy,
                      const char *repl_path, uint32_t *entries, uint32_t *ways)
{
    uint64_t e, w;
    char epath[CFG_PATH_LEN], wpath[CFG_PATH_LEN];
    cfg_key_path(epath, o->path, "entries");
    cfg_key_path(wpath, o->path, "ways");
    int rc = cfg_read_uint(o, "entries", dflt_entries, zero_ok ? 0 : 1, CFG_MAX_ENTRIES, &e);
    if (rc != MM_OK)
        return rc;
    if ((rc = cfg_read_uint(o, "ways", e, 0, CFG_MAX_ENTRIES, &w)) != MM_OK)
        return rc;
    if (e == 0) { /* an uncached walk-cache level: its ways mean nothing */
        *entries = *ways = 0;
        return MM_OK;
    }
    if (w == 0)
        return cfg_fail(o->ctx, wpath, "0 is out of range 1..%llu", (unsigned long long)e);
    if (w > e) {
        cfg_blame(o->ctx, epath);
        return cfg_fail(o->ctx, wpath, "%llu > entries %llu", (unsigned long long)w,
                        (unsigned long long)e);
    }
    if (w > REPL_MAX_WAYS)
        return cfg_fail(o->ctx, wpath, "%llu ways; a structure has at most %u ways",
                        (unsigned long long)w, REPL_MAX_WAYS);
    if (e % w) {
        cfg_blame(o->ctx, wpath);
        return cfg_fail(o->ctx, epath, "%llu entries / %llu ways is not a whole number of sets",
                        (unsigned long long)e, (unsigned long long)w);
    }
    if (!is_pow2(e / w)) {
        cfg_blame(o->ctx, wpath);
        return cfg_fail(o->ctx, epath, "%llu entries / %llu ways = %llu sets, not a power of two",
                        (unsigned long long)e, (unsigned long long)w,
                        (unsigned long long)(e / w));
    }
    if (policy == REPL_PLRU && !is_pow2(w)) {
        cfg_blame(o->ctx, repl_path);
        return cfg_fail(o->ctx, wpath, "plru needs a power-of-two number of ways, got %llu",
                        (unsigned long long)w);
    }
    *entries = (uint32_t)e;
    *ways = (uint32_t)w;
    return MM_OK;
}

/* A list of distinct names from table, as a bitmask; dflt when absent
 * (CFG_REQUIRED: the key must be present). */
static int read_name_set(const cfg_obj *o, const char *key, const char *const *table,
                         const char *what, uint64_t dflt, uint32_t *mask)
{
    const cJSON *list, *item;
    char path[CFG_PATH_LEN];
    cfg_key_path(path, o->path, key);
    int rc = cfg_read_array(o, key, dflt == CFG_REQUIRED, &list);
    if (rc != MM_OK)
        return rc;
    if (!list) {
        *mask = (uint32_t)dflt;
        return MM_OK;
    }
    if (cJSON_GetArraySize(list) == 0)
        return cfg_fail(o->ctx, path, "must list at least one %s", what);
    const char *article = strchr("aeiou", what[0]) ? "an" : "a";
    uint32_t m = 0;
    unsigned i = 0;
    cJSON_ArrayForEach(item, list)
    {
        char ipath[CFG_PATH_LEN];
        const char *s;
        cfg_index_path(ipath, path, i++);
        if ((rc = cfg_item_string(o->ctx, item, ipath, &s)) != MM_OK)
            return rc;
        int v = cfg_lookup_name(table, s);
        if (v < 0) {
            char list_text[96] = "";
            size_t used = 0;
            for (size_t k = 0; table[k]; k++)
                used += (size_t)snprintf(list_text + used, sizeof list_text - used, "%s%s",
                                         k ? ", " : "", table[k]);
            return cfg_fail(o->ctx, path, "\"%s\" is not %s %s (%s)", s, article, what, list_text);
        }
        if (m & (1u << v))
            return cfg_fail(o->ctx, path, "\"%s\" is listed twice", s);
        m |= 1u << v;
    }
    *mask = m;
    return MM_OK;
}

static int read_page_sizes(const cfg_obj *o, const pt_format_info *fmt, uint64_t dflt,
                           uint32_t *mask)
{
    int rc = read_name_set(o, "page_sizes", cfg_page_size_names, "page size", dflt, mask);
    if (rc != MM_OK)
        return rc;
    uint32_t bad = *mask & ~fmt->leaf_levels;
    if (bad) {
        char path[CFG_PATH_LEN];
        cfg_key_path(path, o->path, "page_sizes");
        cfg_blame(o->ctx, "format");
        unsigned level = 0;
        while (!(bad & (1u << level)))
            level++;
        return cfg_fail(o->ctx, path, "\"%s\" is not a page size of %s",
                        cfg_page_size_names[level], fmt->name);
    }
    return MM_OK;
}

int cfg_read_tlb_names(const cfg_obj *top, const char *const *schema_keys, mmu_config *out)
{
    const cJSON *list, *item;
    int rc = cfg_read_array(top, "tlbs", true, &list);
    if (rc != MM_OK)
        return rc;
    int n = cJSON_GetArraySize(list);
    if (n == 0)
        return cfg_fail(top->ctx, "tlbs", "must name at least one TLB");
    if (n > CFG_MAX_TLBS)
        return cfg_fail(top->ctx, "tlbs", "%d TLBs; at most %d", n, CFG_MAX_TLBS);
    unsigned i = 0;
    cJSON_ArrayForEach(item, list)
    {
        char path[CFG_PATH_LEN];
        const char *s;
        cfg_index_path(path, "tlbs", i);
        if ((rc = cfg_item_string(top->ctx, item, path, &s)) != MM_OK)
            return rc;
        size_t len = strlen(s);
        bool ok = len > 0 && len < CFG_NAME_LEN &&
                  ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'));
        for (size_t k = 0; ok && k < len; k++)
            ok = (s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
                 (s[k] >= '0' && s[k] <= '9') || s[k] == '_' || s[k] == '-';
        if (!ok)
            return cfg_fail(top->ctx, path,
                            "\"%s\" is not a TLB name (a letter, then letters, digits, _ or -; "
                            "at most %d characters)",
                            s, CFG_NAME_LEN - 1);
        if (cfg_lookup_name(schema_keys, s) >= 0)
            return cfg_fail(top->ctx, path, "\"%s\" is a schema key, not a TLB name", s);
        for (unsigned k = 0; k < i; k++)
            if (strcmp(out->tlbs[k].name, s) == 0)
                return cfg_fail(top->ctx, path, "\"%s\" is listed twice", s);
        memcpy(out->tlbs[i].name, s, len + 1);
        i++;
    }
    out->n_tlbs = i;
    return MM_OK;
}

/* The named extra arrays of a TLB, after its main array (arrays[0]). */
static int read_extra_arrays(const cfg_obj *o, const pt_format_info *fmt, const char *repl_path,
                             cfg_tlb *t)
{
    cfg_obj arrays;
    int rc = cfg_obj_child(o, "arrays", &arrays);
    if (rc != MM_OK || !arrays.json)
        return rc;
    /* key paths of the page sizes each array holds, to name a conflict */
    char sizes_path[TLB_MAX_ARRAYS][CFG_PATH_LEN];
    cfg_key_path(sizes_path[0], o->path, "page_sizes");
    const cJSON *item;
    cJSON_ArrayForEach(item, arrays.json)
    {
        cfg_obj a;
        if ((rc = cfg_obj_child(&arrays, item->string, &a)) != MM_OK)
            return rc;
        if (item->string[0] == '\0' || strchr(item->string, '.'))
            return cfg_fail(o->ctx, a.path, "an array name must be non-empty and without dots");
        unsigned n = t->tlb.n_arrays;
        if (n == TLB_MAX_ARRAYS)
            return cfg_fail(o->ctx, arrays.path, "a TLB has at most %d arrays besides its main one",
                            TLB_MAX_ARRAYS - 1);
        tlb_array_config *ac = &t->tlb.arrays[n];
        cfg_key_path(sizes_path[n], a.path, "page_sizes");
        if ((rc = cfg_obj_check_keys(&a, array_keys, NULL)) != MM_OK ||
            (rc = cfg_read_geometry(&a, CFG_REQUIRED, false, t->tlb.replacement, repl_path,
                                    &ac->entries, &ac->ways)) != MM_OK ||
            (rc = read_page_sizes(&a, fmt, CFG_REQUIRED, &ac->level_mask)) != MM_OK)
            return rc;
        for (unsigned k = 0; k < n; k++) {
            uint32_t shared = ac->level_mask & t->tlb.arrays[k].level_mask;
            if (shared) {
                unsigned level = 0;
                while (!(shared & (1u << level)))
                    level++;
                cfg_blame(o->ctx, sizes_path[k]);
                return cfg_fail(o->ctx, sizes_path[n],
                                "\"%s\" is also in %s; each page size lives in one array",
                                cfg_page_size_names[level], sizes_path[k]);
            }
        }
        t->tlb.n_arrays++;
    }
    return MM_OK;
}

static int convert_tlb(const cfg_obj *top, const pt_format_info *fmt, cfg_tlb *t)
{
    cfg_obj o;
    int rc = cfg_obj_child(top, t->name, &o);
    if (rc != MM_OK)
        return rc;
    if (!o.json) {
        cfg_blame(top->ctx, "tlbs");
        return cfg_fail(top->ctx, t->name, "named in \"tlbs\" but there is no \"%s\" object",
                        t->name);
    }
    uint64_t level, seed;
    int policy = 0, inclusion = 0;
    char repl_path[CFG_PATH_LEN];
    cfg_key_path(repl_path, o.path, "replacement");
    if ((rc = cfg_obj_check_keys(&o, tlb_keys, NULL)) != MM_OK ||
        (rc = cfg_read_uint(&o, "level", CFG_REQUIRED, 1, CFG_MAX_TLBS, &level)) != MM_OK ||
        (rc = read_name_set(&o, "serves", cfg_access_names, "access type",
                            (1u << MM_ACCESS_COUNT) - 1, &t->serves)) != MM_OK ||
        (rc = cfg_read_u32(&o, "latency", 1, 1, CFG_MAX_CYCLES, &t->latency)) != MM_OK ||
        (rc = cfg_read_enum(&o, "replacement", cfg_repl_names, REPL_LRU, &policy)) != MM_OK ||
        (rc = cfg_read_uint(&o, "lfsr_seed", REPL_LFSR_DEFAULT_SEED, 1, UINT16_MAX, &seed)) !=
            MM_OK ||
        (rc = cfg_read_enum(&o, "inclusion", cfg_inclusion_names, CFG_NON_INCLUSIVE,
                            &inclusion)) != MM_OK)
        return rc;
    t->level = (unsigned)level;
    t->inclusion = (cfg_inclusion)inclusion;
    t->tlb.name = t->name;
    t->tlb.replacement = (repl_policy)policy;
    t->tlb.lfsr_seed = (uint16_t)seed;
    if (t->level == 1 && t->inclusion != CFG_NON_INCLUSIVE) {
        char path[CFG_PATH_LEN];
        cfg_key_path(path, o.path, "level");
        cfg_blame(top->ctx, path);
        cfg_key_path(path, o.path, "inclusion");
        return cfg_fail(top->ctx, path,
                        "\"%s\" describes the levels above a TLB, and level 1 has none",
                        cfg_inclusion_names[inclusion]);
    }
    tlb_array_config *main_array = &t->tlb.arrays[0];
    if ((rc = cfg_read_geometry(&o, 64, false, t->tlb.replacement, repl_path, &main_array->entries,
                                &main_array->ways)) != MM_OK ||
        (rc = read_page_sizes(&o, fmt, 1u << 0, &main_array->level_mask)) != MM_OK)
        return rc;
    t->tlb.n_arrays = 1;
    return read_extra_arrays(&o, fmt, repl_path, t);
}

/* Per access type, the TLBs serving it must sit at levels 1, 2, ... with
 * one TLB per level: the lookup order is then unambiguous. */
static int check_hierarchy(const cfg_obj *top, const mmu_config *out)
{
    for (unsigned a = 0; a < MM_ACCESS_COUNT; a++) {
        int at_level[CFG_MAX_TLBS + 1];
        unsigned top_level = 0;
        for (unsigned l = 0; l <= CFG_MAX_TLBS; l++)
            at_level[l] = -1;
        for (unsigned i = 0; i < out->n_tlbs; i++) {
            const cfg_tlb *t = &out->tlbs[i];
            if (!(t->serves & (1u << a)))
                continue;
            if (at_level[t->level] >= 0) {
                const char *other = out->tlbs[at_level[t->level]].name;
                cfg_blame(top->ctx, other);
                return cfg_fail(top->ctx, t->name, "%s and %s both serve %s at level %u", other,
                                t->name, cfg_access_names[a], t->level);
            }
            at_level[t->level] = (int)i;
            if (t->level > top_level)
                top_level = t->level;
        }
        unsigned missing = 1;
        while (missing <= top_level && at_level[missing] >= 0)
            missing++;
        if (top_level > 0 && missing > top_level)
            continue;
        for (unsigned i = 0; i < out->n_tlbs; i++)
            cfg_blame(top->ctx, out->tlbs[i].name);
        if (top_level == 0)
            return cfg_fail(top->ctx, "tlbs", "no TLB serves %s", cfg_access_names[a]);
        unsigned above = missing + 1;
        while (at_level[above] < 0)
            above++;
        const cfg_tlb *t = &out->tlbs[at_level[above]];
        char path[CFG_PATH_LEN];
        cfg_key_path(path, t->name, "level");
        return cfg_fail(top->ctx, path, "%s serves %s at level %u but no TLB serves it at level %u",
                        t->name, cfg_access_names[a], t->level, missing);
    }
    return MM_OK;
}

int cfg_convert_tlbs(const cfg_obj *top, const pt_format_info *fmt, mmu_config *out)
{
    for (unsigned i = 0; i < out->n_tlbs; i++) {
        int rc = convert_tlb(top, fmt, &out->tlbs[i]);
        if (rc != MM_OK)
            return rc;
    }
    return check_hierarchy(top, out);
}
