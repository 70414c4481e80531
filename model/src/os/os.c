/*
 * os.c — the OS object: configuration and its checks, groups, the process
 * table and ASIDs, the shootdown list of the last operation, and the
 * statistics report.
 */
#include "os/os_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void os_config_init(os_config *cfg)
{
    *cfg = (os_config){
        .budget_frames = 0,
        .swap_slots = 1u << 20,
        .repl = OS_REPL_CLOCK,
        .thp = OS_THP_NEVER,
        .thp_max_level = 1,
        .keep_content = true,
        .minor_cycles = 1000,
        .zero_cycles = 250,
        .major_cycles = 100000,
        .swap_out_cycles = 20000,
        .cow_cycles = 2000,
        .shootdown_cycles = 500,
    };
}

bool os_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t grown = *cap ? *cap * 2 : 4;
    if (grown < need)
        grown = need;
    void *p = realloc(*arr, grown * elem);
    if (!p)
        return false;
    *arr = p;
    *cap = grown;
    return true;
}

static int check_config(const os_config *cfg, pmem *mem, pt_format format, mm_error *err)
{
    if (!cfg)
        return mm_fail(err, MM_ERR_INVALID, "os_create: cfg is NULL");
    if (!mem)
        return mm_fail(err, MM_ERR_INVALID, "os_create: mem is NULL");
    if (!pt_format_get(format))
        return mm_fail(err, MM_ERR_INVALID, "os_create: format %d is not a page-table format",
                       (int)format);
    uint64_t addressable = 1ull << (pmem_pa_bits(mem) - MM_PAGE_SHIFT);
    if (cfg->budget_frames == 0 || cfg->budget_frames > addressable)
        return mm_fail(err, MM_ERR_CONFIG, "os.budget_frames %llu: must be 1..%llu",
                       (unsigned long long)cfg->budget_frames, (unsigned long long)addressable);
    if (cfg->swap_slots > OS_SWAP_MAX_SLOTS)
        return mm_fail(err, MM_ERR_CONFIG, "os.swap_slots %llu: at most 2^40",
                       (unsigned long long)cfg->swap_slots);
    if ((unsigned)cfg->repl > OS_REPL_AGING)
        return mm_fail(err, MM_ERR_CONFIG, "os.repl %d: not clock (0) or aging (1)", (int)cfg->repl);
    if ((unsigned)cfg->thp > OS_THP_ON_REQUEST)
        return mm_fail(err, MM_ERR_CONFIG, "os.thp %d: not never (0), always (1) or on request (2)",
                       (int)cfg->thp);
    const pt_format_info *info = pt_format_get(format);
    if (cfg->thp_max_level < 1 || cfg->thp_max_level > 2 ||
        !(info->leaf_levels & (1u << cfg->thp_max_level)))
        return mm_fail(err, MM_ERR_CONFIG, "os.thp_max_level %u: %s maps huge pages at levels 1..2",
                       cfg->thp_max_level, info->name);
    return MM_OK;
}

os *os_create(const os_config *cfg, pmem *mem, pt_format format, mm_error *err)
{
    if (check_config(cfg, mem, format, err) != MM_OK)
        return NULL;
    os *o = calloc(1, sizeof *o);
    if (!o || !u64map_init(&o->frames, 256) ||
        !os_grow((void **)&o->groups, &o->cap_groups, 1, sizeof *o->groups)) {
        if (o)
            u64map_free(&o->frames);
        free(o);
        return mm_fail(err, MM_ERR_NOMEM, "os_create: out of host memory"), NULL;
    }
    o->cfg = *cfg;
    o->mem = mem;
    o->format = format;
    o->info = pt_format_get(format);
    o->groups[0] = (os_group){0, 0};
    o->n_groups = 1;
    o->next_asid = 1;
    return o;
}

static void proc_free(os_proc *p)
{
    pt_destroy(p->table);
    free(p->regions);
    free(p);
}

void os_destroy(os *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->n_procs; i++)
        if (o->procs[i])
            os_exit(o, (uint32_t)(i + 1), NULL);
    for (size_t i = 0; i < o->n_slots; i++)
        free(o->slots[i].data);
    u64map_free(&o->frames);
    free(o->procs);
    free(o->groups);
    free(o->ring);
    free(o->slots);
    free(o->free_slots);
    free(o->sd);
    free(o);
}

pt_format os_format(const os *o)
{
    return o->format;
}

int os_group_create(os *o, uint64_t limit_frames, uint32_t *group_out, mm_error *err)
{
    if (!o || !group_out)
        return mm_fail(err, MM_ERR_INVALID, "os_group_create: os or group_out is NULL");
    if (!os_grow((void **)&o->groups, &o->cap_groups, o->n_groups + 1, sizeof *o->groups))
        return mm_fail(err, MM_ERR_NOMEM, "os_group_create: out of host memory");
    o->groups[o->n_groups] = (os_group){limit_frames, 0};
    *group_out = (uint32_t)o->n_groups++;
    return MM_OK;
}

uint64_t os_group_resident(const os *o, uint32_t group)
{
    return group < o->n_groups ? o->groups[group].used : 0;
}

os_proc *os_proc_get(const os *o, uint32_t pid)
{
    if (pid == 0 || pid > o->n_procs)
        return NULL;
    return o->procs[pid - 1];
}

/* The next ASID no live process holds (PCIDs are 12 bits, RISC-V ASIDs 16;
 * 0 is left to the kernel). */
static int alloc_asid(os *o, uint16_t *asid, mm_error *err)
{
    unsigned limit = o->info->is_x86 ? 4096u : 65536u;
    for (unsigned tries = 0; tries < limit; tries++) {
        unsigned a = o->next_asid;
        o->next_asid = (uint16_t)(a + 1 >= limit ? 1 : a + 1);
        bool taken = false;
        for (size_t i = 0; i < o->n_procs && !taken; i++)
            taken = o->procs[i] && o->procs[i]->asid == a;
        if (!taken) {
            *asid = (uint16_t)a;
            return MM_OK;
        }
    }
    return mm_fail(err, MM_ERR_FULL, "os: all %u ASIDs are in use", limit - 1);
}

int os_process_create(os *o, uint32_t group, uint32_t *pid_out, mm_error *err)
{
    if (!o || !pid_out)
        return mm_fail(err, MM_ERR_INVALID, "os_process_create: os or pid_out is NULL");
    if (group >= o->n_groups)
        return mm_fail(err, MM_ERR_INVALID, "os_process_create: no group %u", group);
    uint16_t asid = 0;
    int rc = alloc_asid(o, &asid, err);
    if (rc != MM_OK)
        return rc;
    if (!os_grow((void **)&o->procs, &o->cap_procs, o->n_procs + 1, sizeof *o->procs))
        return mm_fail(err, MM_ERR_NOMEM, "os_process_create: out of host memory");
    os_proc *p = calloc(1, sizeof *p);
    if (!p)
        return mm_fail(err, MM_ERR_NOMEM, "os_process_create: out of host memory");
    p->table = pt_create(o->format, o->mem, err);
    if (!p->table) {
        free(p);
        return err ? err->code : MM_ERR_FULL;
    }
    p->group = group;
    p->asid = asid;
    p->pid = (uint32_t)o->n_procs + 1;
    o->procs[o->n_procs++] = p;
    *pid_out = p->pid;
    return MM_OK;
}

void os_proc_remove(os *o, os_proc *p)
{
    o->procs[p->pid - 1] = NULL;
    proc_free(p);
}

uint64_t os_root(const os *o, uint32_t pid)
{
    const os_proc *p = o ? os_proc_get(o, pid) : NULL;
    return p ? pt_root(p->table) : 0;
}

uint16_t os_asid(const os *o, uint32_t pid)
{
    const os_proc *p = o ? os_proc_get(o, pid) : NULL;
    return p ? p->asid : 0;
}

uint64_t os_resident(const os *o, uint32_t pid)
{
    const os_proc *p = o ? os_proc_get(o, pid) : NULL;
    return p ? p->rss : 0;
}

int os_note_shootdown(os *o, const os_proc *p, uint64_t va, unsigned level, mm_error *err)
{
    if (!os_grow((void **)&o->sd, &o->cap_sd, o->n_sd + 1, sizeof *o->sd))
        return mm_fail(err, MM_ERR_NOMEM, "os: out of host memory for the shootdown list");
    o->sd[o->n_sd++] = (os_shootdown){p->pid, p->asid, (uint8_t)level, va};
    o->stats.shootdowns++;
    return MM_OK;
}

const os_shootdown *os_last_shootdowns(const os *o, size_t *count)
{
    *count = o->n_sd;
    return o->sd;
}

const os_stats *os_get_stats(const os *o)
{
    return &o->stats;
}

typedef struct {
    char *buf;
    size_t len, cap;
    bool failed;
} json_buf;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void json_put(json_buf *b, const char *fmt, ...)
{
    for (int pass = 0; pass < 2 && !b->failed; pass++) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->buf ? b->buf + b->len : NULL, b->buf ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = true;
        } else if (b->buf && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        } else if (!os_grow((void **)&b->buf, &b->cap, b->len + (size_t)n + 256, 1)) {
            b->failed = true;
        }
    }
}

char *os_stats_json(const os *o)
{
    const os_stats *s = &o->stats;
    json_buf b = {0};
    json_put(&b,
             "{\"faults\":{\"minor\":%llu,\"major\":%llu,\"cow\":%llu,\"cow_copies\":%llu,"
             "\"segv\":%llu,\"spurious\":%llu,\"cycles\":%llu},",
             (unsigned long long)s->minor_faults, (unsigned long long)s->major_faults,
             (unsigned long long)s->cow_faults, (unsigned long long)s->cow_copies,
             (unsigned long long)s->segfaults, (unsigned long long)s->spurious_faults,
             (unsigned long long)s->fault_cycles);
    json_put(&b, "\"swap\":{\"ins\":%llu,\"outs\":%llu,\"outs_skipped\":%llu,\"slots_used\":%llu},",
             (unsigned long long)s->swap_ins, (unsigned long long)s->swap_outs,
             (unsigned long long)s->swap_out_skipped, (unsigned long long)s->swap_used);
    json_put(&b, "\"thp\":{\"allocs\":%llu,\"splits\":%llu,\"fallbacks\":%llu},",
             (unsigned long long)s->thp_allocs, (unsigned long long)s->thp_splits,
             (unsigned long long)s->thp_fallbacks);
    json_put(&b, "\"shootdowns\":%llu,\"frames\":{\"used\":%llu,\"budget\":%llu},\"groups\":[",
             (unsigned long long)s->shootdowns, (unsigned long long)s->frames_used,
             (unsigned long long)o->cfg.budget_frames);
    for (size_t g = 0; g < o->n_groups; g++)
        json_put(&b, "%s{\"group\":%zu,\"used\":%llu,\"limit\":%llu}", g ? "," : "", g,
                 (unsigned long long)o->groups[g].used, (unsigned long long)o->groups[g].limit);
    json_put(&b, "],\"processes\":[");
    bool first = true;
    for (size_t i = 0; i < o->n_procs; i++) {
        const os_proc *p = o->procs[i];
        if (!p)
            continue;
        json_put(&b, "%s{\"pid\":%u,\"asid\":%u,\"group\":%u,\"rss\":%llu}", first ? "" : ",",
                 p->pid, p->asid, p->group, (unsigned long long)p->rss);
        first = false;
    }
    json_put(&b, "]}");
    if (b.failed) {
        free(b.buf);
        return NULL;
    }
    return b.buf;
}
