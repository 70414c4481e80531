/*
 * stat.c — what `mmulab trace stat` reports, accumulated record by
 * record: record and operation mix, instructions, processes and events,
 * distinct pages per page size, and reuse (same page as the previous
 * access of the stream; distinct pages per window of accesses). Pages
 * are counted per process since each has its own address space.
 */
#include <stdlib.h>
#include <string.h>

#include "base/u64map.h"
#include "convert.h"

#define STAT_SHIFT_4K 12u
#define STAT_SHIFT_2M 21u
#define STAT_SHIFT_1G 30u

typedef struct {
    u64map pages_4k;      /* vpn -> (void *)(window + 1) of its latest touch */
    u64map pages_2m;      /* value (void *)1: a set */
    u64map pages_1g;
    uint64_t last_2m, last_1g;   /* the latest large pages inserted, to skip the map */
    bool has_last_large;
    uint64_t prev_page[2];       /* reuse streams: 0 ifetch, 1 data */
    bool has_prev[2];
} pid_state;

struct trace_stat {
    trace_stat_summary sum;
    u64map pids;          /* pid -> pid_state * */
    uint32_t last_pid;
    pid_state *last_state;
    uint64_t window;      /* index of the current window */
    uint64_t window_accesses, window_pages;
    uint64_t full_windows_pages;
};

trace_stat *trace_stat_create(mm_error *err)
{
    trace_stat *s = calloc(1, sizeof *s);
    if (!s || !u64map_init(&s->pids, 16)) {
        free(s);
        mm_fail(err, MM_ERR_NOMEM, "out of memory for trace statistics");
        return NULL;
    }
    return s;
}

static void free_pid_state(pid_state *ps)
{
    u64map_free(&ps->pages_4k);
    u64map_free(&ps->pages_2m);
    u64map_free(&ps->pages_1g);
    free(ps);
}

void trace_stat_destroy(trace_stat *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->pids.cap; i++)
        if (s->pids.vals[i])
            free_pid_state(s->pids.vals[i]);
    u64map_free(&s->pids);
    free(s);
}

static pid_state *state_of(trace_stat *s, uint32_t pid, mm_error *err)
{
    if (s->last_state && s->last_pid == pid)
        return s->last_state;
    pid_state *ps = u64map_get(&s->pids, pid);
    if (!ps) {
        ps = calloc(1, sizeof *ps);
        if (!ps || !u64map_init(&ps->pages_4k, 1024) || !u64map_init(&ps->pages_2m, 64) ||
            !u64map_init(&ps->pages_1g, 16) || !u64map_put(&s->pids, pid, ps)) {
            if (ps)
                free_pid_state(ps);
            mm_fail(err, MM_ERR_NOMEM, "out of memory for trace statistics");
            return NULL;
        }
        if (s->sum.processes < TRACE_STAT_PIDS_SHOWN)
            s->sum.pids[s->sum.processes] = pid;
        s->sum.processes++;
    }
    s->last_pid = pid;
    s->last_state = ps;
    return ps;
}

static bool set_insert(u64map *m, uint64_t key, uint64_t *count)
{
    if (u64map_get(m, key))
        return true;
    (*count)++;
    return u64map_put(m, key, (void *)1);
}

static bool touch_page(trace_stat *s, pid_state *ps, uint64_t vpn)
{
    void *stamp = (void *)(uintptr_t)(s->window + 1);
    void *seen = u64map_get(&ps->pages_4k, vpn);
    if (seen == stamp)
        return true;
    if (!seen)
        s->sum.pages[TRACE_STAT_4K]++;
    s->window_pages++;
    if (!u64map_put(&ps->pages_4k, vpn, stamp))
        return false;
    uint64_t p2m = vpn >> (STAT_SHIFT_2M - STAT_SHIFT_4K);
    uint64_t p1g = vpn >> (STAT_SHIFT_1G - STAT_SHIFT_4K);
    if (ps->has_last_large && ps->last_2m == p2m && ps->last_1g == p1g)
        return true;
    ps->has_last_large = true;
    ps->last_2m = p2m;
    ps->last_1g = p1g;
    return set_insert(&ps->pages_2m, p2m, &s->sum.pages[TRACE_STAT_2M]) &&
           set_insert(&ps->pages_1g, p1g, &s->sum.pages[TRACE_STAT_1G]);
}

static int add_access(trace_stat *s, pid_state *ps, const trace_record *rec, mm_error *err)
{
    if (rec->access >= MM_ACCESS_COUNT)
        return mm_fail(err, MM_ERR_INVALID, "record %llu: access type %u is unknown",
                       (unsigned long long)(s->sum.records - 1), (unsigned)rec->access);
    s->sum.accesses[rec->access]++;
    s->sum.instructions += rec->instructions;
    s->sum.access_bytes += rec->size;
    uint64_t first = rec->va >> STAT_SHIFT_4K;
    uint64_t span = rec->size ? rec->size - 1u : 0u;
    uint64_t last_byte = rec->va > UINT64_MAX - span ? UINT64_MAX : rec->va + span;
    uint64_t last = last_byte >> STAT_SHIFT_4K;
    if (last != first)
        s->sum.page_crossings++;
    for (uint64_t vpn = first;; vpn++) {
        if (!touch_page(s, ps, vpn))
            return mm_fail(err, MM_ERR_NOMEM, "out of memory for trace statistics");
        if (vpn == last)
            break;
    }
    unsigned stream = rec->access == MM_ACCESS_IFETCH ? 0 : 1;
    if (ps->has_prev[stream]) {
        s->sum.same_page_eligible++;
        s->sum.same_page += ps->prev_page[stream] == first;
    }
    ps->has_prev[stream] = true;
    ps->prev_page[stream] = first;
    if (++s->window_accesses == TRACE_STAT_WINDOW) {
        s->sum.windows++;
        s->full_windows_pages += s->window_pages;
        s->window++;
        s->window_accesses = s->window_pages = 0;
    }
    return MM_OK;
}

int trace_stat_add(trace_stat *s, const trace_record *rec, mm_error *err)
{
    if ((unsigned)rec->kind >= TRACE_KIND_COUNT)
        return mm_fail(err, MM_ERR_INVALID, "record %llu: kind %u is unknown",
                       (unsigned long long)s->sum.records, (unsigned)rec->kind);
    s->sum.records++;
    s->sum.by_kind[rec->kind]++;
    pid_state *ps = state_of(s, rec->pid, err);
    if (!ps)
        return MM_ERR_NOMEM;
    if (rec->kind == TRACE_FORK && !state_of(s, rec->child, err))
        return MM_ERR_NOMEM;
    return rec->kind == TRACE_ACCESS ? add_access(s, ps, rec, err) : MM_OK;
}

void trace_stat_summarize(const trace_stat *s, trace_stat_summary *out)
{
    *out = s->sum;
    if (s->sum.windows)
        out->pages_per_window = (double)s->full_windows_pages / (double)s->sum.windows;
    else
        out->pages_per_window = (double)s->window_pages;
}

static int stat_put(void *ctx, const trace_record *rec, mm_error *err)
{
    return trace_stat_add(ctx, rec, err);
}

trace_record_sink trace_record_sink_for_stat(trace_stat *s)
{
    trace_record_sink sink = {stat_put, s};
    return sink;
}
