/*
 * config_rtl.c — the RTL's view of a config (docs/rtl.md): the
 * elaboration-time parameters as the text of package mmu_cfg_pkg, and the
 * configuration inputs (latencies, inclusion, merge) the RTL takes at run
 * time. Both come from the same mmu_config the model runs, so the RTL has
 * no second copy of the schema. Features the RTL does not build are
 * refused here, by key.
 */
#include "config/cfg_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RTL_MAX_TLBS 4
#define RTL_MAX_ENTRIES 4096u
#define RTL_MAX_LATENCY 255u
#define RTL_CONTEXTS 16u
#define RTL_MAX_WALKERS 8u

uint32_t cfg_pwc_probe_cycles(const mmu_config *cfg)
{
    const cfg_pwc *p = &cfg->pwc;
    uint32_t cycles = 0;
    if (p->geom.design == PWC_SPLIT) {
        /* all levels are probed at once; the deepest hit is known when the
         * slowest configured level has answered */
        for (unsigned level = 1; level < MM_MAX_LEVELS; level++)
            if (p->geom.level[level].entries && p->latency[level] > cycles)
                cycles = p->latency[level];
    } else if (p->geom.design == PWC_UNIFIED && p->geom.unified.entries) {
        cycles = p->latency[0];
    }
    return cycles;
}

uint32_t cfg_pte_cache_cycles(const mmu_config *cfg)
{
    const cfg_pwc *p = &cfg->pwc;
    return p->geom.design == PWC_PTE && p->geom.unified.entries ? p->latency[0] : 0;
}

/* TLB indices in lookup order: by level, then config order (mmu.c's paths). */
static unsigned lookup_order(const mmu_config *cfg, unsigned order[CFG_MAX_TLBS])
{
    unsigned n = 0;
    for (unsigned level = 1; level <= CFG_MAX_TLBS; level++)
        for (unsigned i = 0; i < cfg->n_tlbs; i++)
            if (cfg->tlbs[i].level == level)
                order[n++] = i;
    return n;
}

static int check_supported(const mmu_config *cfg, mm_error *err)
{
    if (cfg->walker.count < 1 || cfg->walker.count > RTL_MAX_WALKERS)
        return mm_fail(err, MM_ERR_CONFIG, "walker.count: the RTL builds 1..%u walkers, the config has %u",
                       RTL_MAX_WALKERS, cfg->walker.count);
    if (cfg->walker.fill_cycles < 1)
        return mm_fail(err, MM_ERR_CONFIG,
                       "walker.fill_cycles: the RTL needs at least 1 (fills are written the cycle before)");
    if (cfg->walker.merge && cfg->walker.merge_slots == 0)
        return mm_fail(err, MM_ERR_CONFIG,
                       "walker.merge_slots: the RTL holds merged requests in a bounded buffer: set "
                       "walker.merge_slots (1..%u), or walker.merge=false",
                       CFG_MAX_MERGE_SLOTS);
    if (cfg->n_tlbs > RTL_MAX_TLBS)
        return mm_fail(err, MM_ERR_CONFIG, "tlbs: the RTL builds at most %d TLBs, the config has %u",
                       RTL_MAX_TLBS, cfg->n_tlbs);
    unsigned deepest = 0;
    for (unsigned i = 0; i < cfg->n_tlbs; i++)
        if (cfg->tlbs[i].level > deepest)
            deepest = cfg->tlbs[i].level;
    for (unsigned i = 0; i < cfg->n_tlbs; i++) {
        const cfg_tlb *t = &cfg->tlbs[i];
        /* a config built in code, not by cfg_load, may hold anything */
        if ((unsigned)t->inclusion > CFG_EXCLUSIVE)
            return mm_fail(err, MM_ERR_CONFIG, "%s.inclusion: policy %d is not built in the RTL (docs/rtl.md)",
                           t->name, (int)t->inclusion);
        if (t->inclusion != CFG_NON_INCLUSIVE && deepest > 2)
            return mm_fail(err, MM_ERR_CONFIG,
                           "%s.inclusion: the RTL moves victims between two TLB levels only; this "
                           "hierarchy has %u (docs/rtl.md)",
                           t->name, deepest);
        if (t->latency > RTL_MAX_LATENCY)
            return mm_fail(err, MM_ERR_CONFIG, "%s.latency: %u is above the RTL's %u", t->name,
                           t->latency, RTL_MAX_LATENCY);
        for (unsigned a = 0; a < t->tlb.n_arrays; a++)
            if (t->tlb.arrays[a].entries > RTL_MAX_ENTRIES)
                return mm_fail(err, MM_ERR_CONFIG, "%s: %u entries in one array, the RTL builds up to %u",
                               t->name, t->tlb.arrays[a].entries, RTL_MAX_ENTRIES);
    }
    if (cfg->walker.step_cycles > RTL_MAX_LATENCY || cfg->walker.fill_cycles > RTL_MAX_LATENCY ||
        cfg_pwc_probe_cycles(cfg) > RTL_MAX_LATENCY || cfg_pte_cache_cycles(cfg) > RTL_MAX_LATENCY)
        return mm_fail(err, MM_ERR_CONFIG, "walker/pwc: a latency above the RTL's %u cycles",
                       RTL_MAX_LATENCY);
    return MM_OK;
}

int cfg_rtl_inputs_get(const mmu_config *cfg, cfg_rtl_inputs *out, mm_error *err)
{
    int rc = check_supported(cfg, err);
    if (rc != MM_OK)
        return rc;
    memset(out, 0, sizeof *out);
    unsigned order[CFG_MAX_TLBS];
    unsigned n = lookup_order(cfg, order);
    for (unsigned k = 0; k < n; k++) {
        out->tlb_latency[k] = (uint8_t)cfg->tlbs[order[k]].latency;
        out->tlb_inclusion[k] = (uint8_t)cfg->tlbs[order[k]].inclusion;
    }
    out->pwc_probe_cycles = (uint8_t)cfg_pwc_probe_cycles(cfg);
    out->pte_cache_cycles = (uint8_t)cfg_pte_cache_cycles(cfg);
    out->step_cycles = (uint8_t)cfg->walker.step_cycles;
    out->fill_cycles = (uint8_t)cfg->walker.fill_cycles;
    out->merge = cfg->walker.merge;
    return MM_OK;
}

typedef struct {
    char *buf;
    size_t len, cap;
    bool failed;
} text;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void put(text *t, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        size_t room = t->cap - t->len;
        va_start(ap, fmt);
        int n = t->failed ? 0 : vsnprintf(t->buf ? t->buf + t->len : NULL, room, fmt, ap);
        va_end(ap);
        if (t->failed || n < 0) {
            t->failed = true;
            return;
        }
        if ((size_t)n < room) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = t->cap ? t->cap * 2 : 4096;
        while (cap - t->len <= (size_t)n)
            cap *= 2;
        char *grown = realloc(t->buf, cap);
        if (!grown) {
            t->failed = true;
            return;
        }
        t->buf = grown;
        t->cap = cap;
    }
}

/* A packed vector parameter: `fields` values of `width` bits, element 0 in
 * the least significant bits, written most significant first. */
static void put_vector(text *t, const char *name, unsigned count, unsigned width,
                       const uint32_t *values, const char *comment)
{
    put(t, "  // %s\n  localparam logic [%u*%u-1:0] %s = {", comment, count, width, name);
    for (unsigned i = count; i-- > 0;)
        put(t, "%u'd%u%s", width, values[i], i ? ", " : "};\n");
}

static unsigned next_pow2(unsigned v)
{
    unsigned p = 1;
    while (p < v)
        p <<= 1;
    return p;
}

char *cfg_rtl_package(const mmu_config *cfg, mm_error *err)
{
    if (check_supported(cfg, err) != MM_OK)
        return NULL;
    unsigned order[CFG_MAX_TLBS];
    unsigned n = lookup_order(cfg, order);
    uint32_t index[RTL_MAX_TLBS] = {0}, serves[RTL_MAX_TLBS] = {0}, arrays[RTL_MAX_TLBS] = {0},
             policy[RTL_MAX_TLBS] = {0}, seed[RTL_MAX_TLBS] = {0};
    uint32_t entries[RTL_MAX_TLBS * TLB_MAX_ARRAYS] = {0}, ways[RTL_MAX_TLBS * TLB_MAX_ARRAYS] = {0},
             sizes[RTL_MAX_TLBS * TLB_MAX_ARRAYS] = {0};
    unsigned longest_path = 0;
    for (unsigned k = 0; k < n; k++) {
        const cfg_tlb *t = &cfg->tlbs[order[k]];
        index[k] = order[k];
        serves[k] = t->serves;
        arrays[k] = t->tlb.n_arrays;
        policy[k] = (uint32_t)t->tlb.replacement;
        seed[k] = t->tlb.lfsr_seed;
        for (unsigned a = 0; a < t->tlb.n_arrays; a++) {
            entries[k * TLB_MAX_ARRAYS + a] = t->tlb.arrays[a].entries;
            ways[k * TLB_MAX_ARRAYS + a] = t->tlb.arrays[a].ways;
            sizes[k * TLB_MAX_ARRAYS + a] = t->tlb.arrays[a].level_mask;
        }
    }
    /* Hits answering in one cycle were accepted in different cycles, so they
     * come from different (path, hit TLB) latencies: one lane per TLB of each
     * distinct path; promotions, one per TLB below the first of a path. */
    unsigned hit_lanes = 0, promo_lanes = 0;
    uint32_t paths_seen[MM_ACCESS_COUNT];
    unsigned n_paths = 0;
    for (unsigned a = 0; a < MM_ACCESS_COUNT; a++) {
        uint32_t path = 0;
        unsigned len = 0;
        for (unsigned k = 0; k < n; k++)
            if (serves[k] & (1u << a)) {
                path |= 1u << k;
                len++;
            }
        bool seen = false;
        for (unsigned p = 0; p < n_paths; p++)
            seen = seen || paths_seen[p] == path;
        if (seen || !len)
            continue;
        paths_seen[n_paths++] = path;
        hit_lanes += len;
        promo_lanes += len - 1;
    }
    for (unsigned a = 0; a < MM_ACCESS_COUNT; a++) {
        unsigned sum = 0;
        for (unsigned k = 0; k < n; k++)
            if (serves[k] & (1u << a))
                sum += cfg->tlbs[order[k]].latency;
        if (sum > longest_path)
            longest_path = sum;
    }
    const pwc_config *p = &cfg->pwc.geom;
    uint32_t pwc_entries[MM_MAX_LEVELS] = {0}, pwc_ways[MM_MAX_LEVELS] = {0};
    if (p->design == PWC_SPLIT)
        for (unsigned level = 1; level < MM_MAX_LEVELS; level++) {
            pwc_entries[level] = p->level[level].entries;
            pwc_ways[level] = p->level[level].ways;
        }
    const pt_format_info *fi = pt_format_get(cfg->format);

    text t = {0};
    put(&t, "// mmu_cfg_pkg.sv — generated by `mmulab rtl-params` from the config \"%s\";\n"
            "// do not edit: regenerate (docs/rtl.md). Elaboration-time parameters of\n"
            "// mmu_top; latencies and modes are configuration inputs.\n"
            "package mmu_cfg_pkg;\n",
        cfg->name);
    put(&t, "  // TLBs in lookup order (level, then config order)\n"
            "  localparam int unsigned CfgNumTlbs = %u;\n", n);
    put_vector(&t, "CfgTlbIndex", RTL_MAX_TLBS, 4, index, "config index of each TLB");
    put_vector(&t, "CfgTlbServes", RTL_MAX_TLBS, 3, serves, "access types served (bit a)");
    put_vector(&t, "CfgTlbNumArrays", RTL_MAX_TLBS, 4, arrays, "arrays per TLB");
    put_vector(&t, "CfgTlbArrayEntries", RTL_MAX_TLBS * TLB_MAX_ARRAYS, 32, entries,
               "entries of array a of TLB i at [32*(4*i+a)]");
    put_vector(&t, "CfgTlbArrayWays", RTL_MAX_TLBS * TLB_MAX_ARRAYS, 32, ways, "ways, same layout");
    put_vector(&t, "CfgTlbArrayLevelMask", RTL_MAX_TLBS * TLB_MAX_ARRAYS, 8, sizes,
               "page sizes held (bit L = level L), same layout");
    put_vector(&t, "CfgTlbReplacement", RTL_MAX_TLBS, 32, policy, "repl_policy of each TLB");
    put_vector(&t, "CfgTlbLfsrSeed", RTL_MAX_TLBS, 16, seed, "LFSR seed of each TLB");
    /* The victim paths cost a non-inclusive build its speed in Verilator
     * (docs/rtl.md, "Inclusion"): only a config that uses a policy builds
     * them; which policy is still a configuration input. */
    bool victim_paths = false;
    for (unsigned i = 0; i < cfg->n_tlbs; i++)
        victim_paths = victim_paths || cfg->tlbs[i].inclusion != CFG_NON_INCLUSIVE;
    put(&t, "  // victim moves between TLB levels (inclusive or exclusive TLBs; the policy\n"
            "  // of each is a configuration input)\n"
            "  localparam logic CfgTlbVictimPaths = 1'b%u;\n",
        victim_paths ? 1u : 0u);
    put(&t, "  // walk cache\n"
            "  localparam int unsigned CfgPwcDesign = %u;\n"
            "  localparam int unsigned CfgPwcLevels = %u;\n",
        (unsigned)p->design, fi->levels);
    put_vector(&t, "CfgPwcLevelEntries", MM_MAX_LEVELS, 32, pwc_entries, "split: entries per level");
    put_vector(&t, "CfgPwcLevelWays", MM_MAX_LEVELS, 32, pwc_ways, "split: ways per level");
    put(&t, "  localparam int unsigned CfgPwcEntries = %u;\n"
            "  localparam int unsigned CfgPwcWays = %u;\n"
            "  localparam int unsigned CfgPwcReplacement = %u;\n"
            "  localparam logic [15:0] CfgPwcLfsrSeed = 16'd%u;\n",
        p->design == PWC_SPLIT ? 0 : p->unified.entries, p->design == PWC_SPLIT ? 0 : p->unified.ways,
        (unsigned)p->replacement, p->lfsr_seed);
    put(&t, "  // walkers and bounded resources\n"
            "  localparam int unsigned CfgNumWalkers = %u;\n"
            "  localparam int unsigned CfgWalkQueue = %u;\n"
            "  localparam int unsigned CfgMergeSlots = %u;\n"
            "  localparam int unsigned CfgHitBuckets = %u;\n"
            "  localparam int unsigned CfgHitLanes = %u;\n"
            "  localparam int unsigned CfgPromoLanes = %u;\n"
            "  localparam int unsigned CfgNumCtx = %u;\n"
            "  // the OS shootdown lanes (a cross-check port; mmulab area sets 0)\n"
            "  localparam int unsigned CfgShootdowns = 1;\n"
            "endpackage\n",
        cfg->walker.count, cfg->walker.queue, cfg->walker.merge_slots ? cfg->walker.merge_slots : 1, next_pow2(longest_path + 1 > 32 ? longest_path + 1 : 32),
        hit_lanes, promo_lanes, RTL_CONTEXTS);
    if (t.failed) {
        free(t.buf);
        mm_fail(err, MM_ERR_NOMEM, "rtl-params: out of host memory");
        return NULL;
    }
    return t.buf;
}
