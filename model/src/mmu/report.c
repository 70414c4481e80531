/*
 * report.c — the JSON report of a run (schema: docs/report-schema.md).
 * Keys come in a fixed order and numbers in fixed formats, so identical
 * runs give byte-identical reports.
 */
#include "mmu/mmu_internal.h"

#include <stdlib.h>

#include "mmu/strbuf.h"

static double ratio(uint64_t num, uint64_t den)
{
    return den ? (double)num / (double)den : 0.0;
}

static void counts(strbuf *sb, uint64_t accesses, uint64_t hits, uint64_t misses)
{
    sb_printf(sb, "{\"accesses\": %llu, \"hits\": %llu, \"misses\": %llu, \"miss_rate\": %.6f}",
              (unsigned long long)accesses, (unsigned long long)hits, (unsigned long long)misses,
              ratio(misses, accesses));
}

static void tlb_section(strbuf *sb, const mmu *m, const mmu_stats *s)
{
    sb_printf(sb, "  \"tlbs\": [");
    for (unsigned i = 0; i < m->cfg.n_tlbs; i++) {
        const mmu_tlb_stats *t = &s->tlb[i];
        sb_printf(sb, "%s\n    {\"name\": \"%s\", \"level\": %u, \"latency\": %u", i ? "," : "",
                  m->cfg.tlbs[i].name, m->cfg.tlbs[i].level, m->cfg.tlbs[i].latency);
        uint64_t ta = 0, th = 0, tm = 0;
        for (unsigned a = 0; a < MM_ACCESS_COUNT; a++) {
            sb_printf(sb, ", \"%s\": ", mm_access_name((mm_access)a));
            counts(sb, t->accesses[a], t->hits[a], t->misses[a]);
            ta += t->accesses[a];
            th += t->hits[a];
            tm += t->misses[a];
        }
        sb_printf(sb, ", \"total\": ");
        counts(sb, ta, th, tm);
        sb_printf(sb, ", \"evictions\": %llu}", (unsigned long long)t->evictions);
    }
    sb_printf(sb, "\n  ],\n");
}

static void walk_section(strbuf *sb, const mmu *m, const mmu_stats *s)
{
    sb_printf(sb, "  \"walks\": {\"count\": %llu, \"merged\": %llu", (unsigned long long)s->walks,
              (unsigned long long)s->walks_merged);
    for (unsigned a = 0; a < MM_ACCESS_COUNT; a++)
        sb_printf(sb, ", \"%s\": %llu", mm_access_name((mm_access)a),
                  (unsigned long long)s->walks_by_access[a]);
    sb_printf(sb, ",\n    \"pte_reads\": %llu, \"pte_writes\": %llu, \"pte_reads_per_walk\": %.6f,",
              (unsigned long long)s->pte_reads, (unsigned long long)s->pte_writes,
              ratio(s->pte_reads, s->walks));
    sb_printf(sb, " \"walks_by_pte_reads\": [");
    for (unsigned k = 0; k <= MM_MAX_LEVELS; k++)
        sb_printf(sb, "%s%llu", k ? ", " : "", (unsigned long long)s->pte_reads_hist[k]);
    sb_printf(sb, "],\n");
    const hist *h = &m->walk_latency;
    sb_printf(sb,
              "    \"latency\": {\"mean\": %.6f, \"p50\": %llu, \"p90\": %llu, \"p99\": %llu, "
              "\"max\": %llu,\n      \"percentiles\": [",
              ratio(h->sum, h->count), (unsigned long long)hist_percentile(h, 50),
              (unsigned long long)hist_percentile(h, 90), (unsigned long long)hist_percentile(h, 99),
              (unsigned long long)h->max);
    /* every whole percent, p0 = the shortest walk: a latency CDF for plots */
    for (unsigned q = 0; q <= 100; q++)
        sb_printf(sb, "%s%llu", q ? ", " : "", (unsigned long long)hist_percentile(h, q));
    sb_printf(sb, "]},\n");
    sb_printf(sb, "    \"walk_cycles\": %llu, \"queue_cycles\": %llu, \"fills_dropped\": %llu},\n",
              (unsigned long long)s->walk_cycles, (unsigned long long)s->walk_queue_cycles,
              (unsigned long long)s->fills_dropped);
}

static void pwc_section(strbuf *sb, const mmu *m, const mmu_stats *s)
{
    static const char *const designs[] = {"none", "split", "unified", "pte"};
    pwc_design design = pwc_get_design(m->walk_cache);
    sb_printf(sb, "  \"walk_cache\": {\"design\": \"%s\", \"levels\": [", designs[design]);
    bool first = true;
    for (unsigned level = 1; level < MM_MAX_LEVELS; level++) {
        uint64_t lookups = design == PWC_SPLIT ? s->pwc_lookups[level] : s->pwc_lookups[0];
        bool configured = design == PWC_SPLIT ? m->cfg.pwc.geom.level[level].entries > 0
                                              : design != PWC_NONE && level < m->cfg.pwc.geom.levels;
        if (!configured)
            continue;
        sb_printf(sb, "%s\n    {\"level\": %u, \"lookups\": %llu, \"hits\": %llu, \"hit_rate\": %.6f}",
                  first ? "" : ",", level, (unsigned long long)lookups,
                  (unsigned long long)s->pwc_hits[level], ratio(s->pwc_hits[level], lookups));
        first = false;
    }
    uint64_t hits = 0;
    for (unsigned level = 0; level < MM_MAX_LEVELS; level++)
        hits += s->pwc_hits[level];
    sb_printf(sb, "%s], \"walks_helped\": %llu, \"walk_hit_rate\": %.6f},\n", first ? "" : "\n  ",
              (unsigned long long)hits, ratio(hits, s->walks));
}

char *mmu_report_json(const mmu *m)
{
    return mmu_report_json_with(m, NULL, NULL);
}

char *mmu_report_json_with(const mmu *m, const char *key, const char *json)
{
    const mmu_stats *s = mmu_get_stats(m);
    strbuf sb;
    sb_init(&sb);
    char *config = cfg_to_json(&m->cfg);
    sb_printf(&sb, "{\n  \"report_version\": 1,\n");
    if (key && json)
        sb_printf(&sb, "  \"%s\": %s,\n", key, json);
    sb_printf(&sb, "  \"config\": %s,\n", config ? config : "null");
    free(config);
    uint64_t total = 0;
    sb_printf(&sb, "  \"requests\": {");
    for (unsigned a = 0; a < MM_ACCESS_COUNT; a++) {
        sb_printf(&sb, "\"%s\": %llu, ", mm_access_name((mm_access)a),
                  (unsigned long long)s->requests[a]);
        total += s->requests[a];
    }
    sb_printf(&sb, "\"total\": %llu},\n", (unsigned long long)total);
    tlb_section(&sb, m, s);
    walk_section(&sb, m, s);
    pwc_section(&sb, m, s);
    sb_printf(&sb, "  \"faults\": {");
    uint64_t faults = 0;
    for (unsigned f = 1; f < MM_FAULT_COUNT; f++) {
        sb_printf(&sb, "\"%s\": %llu, ", mm_fault_name((mm_fault)f), (unsigned long long)s->faults[f]);
        faults += s->faults[f];
    }
    sb_printf(&sb, "\"total\": %llu, \"retried\": %llu, \"handler_cycles\": %llu},\n",
              (unsigned long long)faults, (unsigned long long)s->fault_retries,
              (unsigned long long)s->fault_cycles);
    const memlat_stats *ms = memlat_get_stats(m->latency);
    sb_printf(&sb, "  \"pte_memory\": {\"accesses\": %llu, \"hits\": [",
              (unsigned long long)ms->accesses);
    for (unsigned l = 0; l < m->cfg.memlat.n_levels; l++)
        sb_printf(&sb, "%s%llu", l ? ", " : "", (unsigned long long)ms->hits[l]);
    sb_printf(&sb, "], \"dram\": %llu},\n", (unsigned long long)ms->dram);
    sb_printf(&sb,
              "  \"cycles\": {\"translation_total\": %llu, \"translation_mean\": %.6f, "
              "\"walker_stall\": %llu, \"last_completion\": %llu},\n",
              (unsigned long long)s->translation_cycles, ratio(s->translation_cycles, total),
              (unsigned long long)s->walker_stall_cycles,
              (unsigned long long)s->last_completion_cycle);
    sb_printf(&sb, "  \"flushes\": %llu\n}\n", (unsigned long long)s->flushes);
    return sb_finish(&sb);
}
