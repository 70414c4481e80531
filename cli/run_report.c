/*
 * run_report.c — the table `mmulab run` prints (run_report.h): TLB hits and
 * misses per access type with MPKI, walks and their latency percentiles,
 * the walk cache, faults, translation cycles; for a trace also the image it
 * started from and the OS layer's part. Shared with the SystemC platform
 * (harness/systemc/), which prints the same report.
 */
#include "run_report.h"

#include <stdio.h>

#include "mmulab/os.h"

static double pct(uint64_t num, uint64_t den)
{
    return den ? 100.0 * (double)num / (double)den : 0.0;
}

void run_report_table(const mmu *m, const char *what, const sim_stats *run)
{
    const mmu_config *cfg = mmu_get_config(m);
    const mmu_stats *s = mmu_get_stats(m);
    uint64_t total = s->requests[0] + s->requests[1] + s->requests[2];
    uint64_t instructions = run ? run->instructions : 0;
    printf("mmulab run: config %s (%s), %s\n", cfg->name, pt_format_get(cfg->format)->name, what);
    printf("requests: %llu (ifetch %llu, load %llu, store %llu)", (unsigned long long)total,
           (unsigned long long)s->requests[0], (unsigned long long)s->requests[1],
           (unsigned long long)s->requests[2]);
    if (run)
        printf("; %llu instructions, %llu page-crossing accesses, %llu pages mapped",
               (unsigned long long)run->instructions, (unsigned long long)run->page_crossings,
               (unsigned long long)run->pages_mapped);
    printf("\n\n%-10s %-7s %12s %12s %12s %9s %9s\n", "tlb", "access", "accesses", "hits", "misses",
           "miss%", "MPKI");
    for (unsigned i = 0; i < cfg->n_tlbs; i++) {
        const mmu_tlb_stats *t = &s->tlb[i];
        for (unsigned a = 0; a < MM_ACCESS_COUNT; a++) {
            if (!t->accesses[a])
                continue;
            printf("%-10s %-7s %12llu %12llu %12llu %8.3f%%", cfg->tlbs[i].name,
                   mm_access_name((mm_access)a), (unsigned long long)t->accesses[a],
                   (unsigned long long)t->hits[a], (unsigned long long)t->misses[a],
                   pct(t->misses[a], t->accesses[a]));
            if (instructions)
                printf(" %9.3f", 1000.0 * (double)t->misses[a] / (double)instructions);
            else
                printf(" %9s", "-");
            printf("\n");
        }
    }
    printf("\nwalks: %llu (+%llu merged into a walk under way), PTE reads/walk %.3f, "
           "A/D writes %llu\n",
           (unsigned long long)s->walks, (unsigned long long)s->walks_merged,
           s->walks ? (double)s->pte_reads / (double)s->walks : 0.0,
           (unsigned long long)s->pte_writes);
    printf("walk latency (cycles): mean %.1f  p50 %llu  p90 %llu  p99 %llu  max %llu\n",
           s->walks ? (double)(s->walk_cycles + s->walk_queue_cycles) / (double)s->walks : 0.0,
           (unsigned long long)mmu_walk_latency_percentile(m, 50),
           (unsigned long long)mmu_walk_latency_percentile(m, 90),
           (unsigned long long)mmu_walk_latency_percentile(m, 99),
           (unsigned long long)mmu_walk_latency_percentile(m, 100));
    static const char *const designs[] = {"none", "split", "unified", "pte"};
    printf("walk cache (%s):", designs[cfg->pwc.geom.design]);
    bool any = false;
    for (unsigned l = 1; l < MM_MAX_LEVELS; l++) {
        uint64_t lookups = cfg->pwc.geom.design == PWC_SPLIT ? s->pwc_lookups[l] : s->pwc_lookups[0];
        if (!lookups || (cfg->pwc.geom.design == PWC_SPLIT && !cfg->pwc.geom.level[l].entries))
            continue;
        printf("  level %u %.1f%% (%llu hits)", l, pct(s->pwc_hits[l], lookups),
               (unsigned long long)s->pwc_hits[l]);
        any = true;
    }
    printf("%s\n", any ? "" : "  no lookups");
    printf("faults:");
    uint64_t faults = 0;
    for (unsigned f = 1; f < MM_FAULT_COUNT; f++)
        if (s->faults[f]) {
            printf("  %s %llu", mm_fault_name((mm_fault)f), (unsigned long long)s->faults[f]);
            faults += s->faults[f];
        }
    printf("%s\n", faults ? "" : "  none");
    printf("translation cycles: %llu total, %.3f per request; request port stalled %llu cycles\n",
           (unsigned long long)s->translation_cycles,
           total ? (double)s->translation_cycles / (double)total : 0.0,
           (unsigned long long)s->walker_stall_cycles);
}

/* Which process the image went to, and what it built. */
static void print_image(const sim *s, const char *file)
{
    const sim_image_stats *im = sim_get_image_stats(s);
    if (!im->loaded)
        return;
    if (!im->applied) {
        printf("image: %s (pid %u) not used: no process %u in the trace\n", file, im->source_pid,
               im->pid);
        return;
    }
    printf("image: %s (pid %u) -> process %u: %llu mappings (%llu 4K, %llu 2M, %llu 1G), %llu "
           "pages, %llu frames reserved",
           file, im->source_pid, im->pid,
           (unsigned long long)(im->mappings[0] + im->mappings[1] + im->mappings[2]),
           (unsigned long long)im->mappings[0], (unsigned long long)im->mappings[1],
           (unsigned long long)im->mappings[2], (unsigned long long)im->pages,
           (unsigned long long)im->frames_reserved);
    if (im->skipped)
        printf(", %llu without access rights not mapped", (unsigned long long)im->skipped);
    printf("\n");
}

#define SHOWN_PROCESSES 16

/* The OS layer's part of the report (os.enabled): faults and their cost,
 * swap, shootdowns, huge pages, and each process's resident set. */
static void print_os(const sim *s)
{
    const os *o = sim_os(s);
    if (!o)
        return;
    const os_stats *st = os_get_stats(o);
    uint64_t faults = st->minor_faults + st->major_faults + st->cow_faults + st->segfaults +
                      st->spurious_faults;
    printf("os faults: minor %llu, major %llu, cow %llu (%llu copies), segv %llu, spurious %llu; "
           "fault cycles %llu (%.1f per fault)\n",
           (unsigned long long)st->minor_faults, (unsigned long long)st->major_faults,
           (unsigned long long)st->cow_faults, (unsigned long long)st->cow_copies,
           (unsigned long long)st->segfaults, (unsigned long long)st->spurious_faults,
           (unsigned long long)st->fault_cycles,
           faults ? (double)st->fault_cycles / (double)faults : 0.0);
    printf("os memory: %llu frames in use; swap-ins %llu, swap-outs %llu (+%llu skipped, clean), "
           "%llu slots in use; shootdowns %llu; THP allocs %llu, splits %llu, fallbacks %llu\n",
           (unsigned long long)st->frames_used, (unsigned long long)st->swap_ins,
           (unsigned long long)st->swap_outs, (unsigned long long)st->swap_out_skipped,
           (unsigned long long)st->swap_used, (unsigned long long)st->shootdowns,
           (unsigned long long)st->thp_allocs, (unsigned long long)st->thp_splits,
           (unsigned long long)st->thp_fallbacks);
    sim_process_info procs[SHOWN_PROCESSES];
    size_t n = sim_list_processes(s, procs, SHOWN_PROCESSES);
    printf("resident set (4 KiB frames):");
    for (size_t i = 0; i < n && i < SHOWN_PROCESSES; i++)
        printf("  pid %u %llu", procs[i].pid, (unsigned long long)procs[i].resident);
    if (n > SHOWN_PROCESSES)
        printf("  (+%zu more processes)", n - SHOWN_PROCESSES);
    printf("%s\n", n ? "" : "  no process");
}

void run_report_trace(sim *s, const char *trace, const char *image_file)
{
    char what[512];
    snprintf(what, sizeof what, "trace %s", trace);
    run_report_table(sim_mmu(s), what, sim_get_stats(s));
    print_image(s, image_file);
    print_os(s);
}
