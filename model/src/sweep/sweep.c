/*
 * sweep.c — a trace through the one-pass engines (sweep.h): records become
 * references of the instruction-fetch and data streams, keyed by process
 * and page with mmulab run's rules (current process, page-crossing
 * accesses touch both pages), and each stream feeds one engine.
 */
#include "mmulab/sweep.h"

#include <stdlib.h>
#include <string.h>

#include "base/u64map.h"

#define SWEEP_PID_SHIFT 52u
#define SWEEP_READ_BATCH 4096u

struct sweep {
    sweep_config cfg;
    unsigned page_shift;
    sweep_fa *fa[SWEEP_STREAM_COUNT];
    sweep_sa *sa[SWEEP_STREAM_COUNT];
    u64map process_ids;    /* pid + 1 -> dense id 1..SWEEP_MAX_PROCESSES */
    bool has_current;
    uint32_t current_pid;
    uint64_t current_tag;  /* id << SWEEP_PID_SHIFT of the current pid, 0 until it accesses */
    sweep_totals totals;
};

const char *sweep_stream_name(sweep_stream stream)
{
    return stream == SWEEP_IFETCH ? "ifetch" : stream == SWEEP_DATA ? "data" : "?";
}

sweep *sweep_create(const sweep_config *cfg, mm_error *err)
{
    if (!cfg)
        return mm_fail(err, MM_ERR_INVALID, "sweep_create: no config"), NULL;
    if (cfg->kind != SWEEP_FA && cfg->kind != SWEEP_SA)
        return mm_fail(err, MM_ERR_INVALID, "sweep: kind %d is neither fa (0) nor sa (1)",
                       (int)cfg->kind),
               NULL;
    if (cfg->page_level > 1)
        return mm_fail(err, MM_ERR_INVALID, "sweep: page_level %u is neither 0 (4K) nor 1 (2M)",
                       cfg->page_level),
               NULL;
    sweep *s = calloc(1, sizeof *s);
    if (!s || !u64map_init(&s->process_ids, 16)) {
        free(s);
        return mm_fail(err, MM_ERR_NOMEM, "sweep: out of host memory"), NULL;
    }
    s->cfg = *cfg;
    s->page_shift = MM_LEVEL_SHIFT(cfg->page_level);
    for (unsigned st = 0; st < SWEEP_STREAM_COUNT; st++) {
        bool ok = cfg->kind == SWEEP_FA
                      ? (s->fa[st] = sweep_fa_create(cfg->max_entries, err)) != NULL
                      : (s->sa[st] = sweep_sa_create(cfg->max_sets, cfg->max_ways, err)) != NULL;
        if (!ok) {
            sweep_destroy(s);
            return NULL;
        }
    }
    return s;
}

void sweep_destroy(sweep *s)
{
    if (!s)
        return;
    for (unsigned st = 0; st < SWEEP_STREAM_COUNT; st++) {
        sweep_fa_destroy(s->fa[st]);
        sweep_sa_destroy(s->sa[st]);
    }
    u64map_free(&s->process_ids);
    free(s);
}

const sweep_config *sweep_get_config(const sweep *s)
{
    return &s->cfg;
}

const sweep_totals *sweep_get_totals(const sweep *s)
{
    return &s->totals;
}

/* The key bits naming the current process, assigned at its first access. */
static int current_tag(sweep *s, uint64_t *tag, mm_error *err)
{
    void *id = u64map_get(&s->process_ids, (uint64_t)s->current_pid + 1u);
    if (!id) {
        if (s->process_ids.count >= SWEEP_MAX_PROCESSES)
            return mm_fail(err, MM_ERR_INVALID, "process %u: more than %u processes",
                           s->current_pid, SWEEP_MAX_PROCESSES);
        id = (void *)(uintptr_t)(s->process_ids.count + 1u);
        if (!u64map_put(&s->process_ids, (uint64_t)s->current_pid + 1u, id))
            return mm_fail(err, MM_ERR_NOMEM, "sweep: out of host memory");
        s->totals.processes++;
    }
    *tag = (uint64_t)(uintptr_t)id << SWEEP_PID_SHIFT;
    return MM_OK;
}

static inline void reference(sweep *s, sweep_stream stream, uint64_t key)
{
    s->totals.references[stream]++;
    if (s->fa[stream])
        sweep_fa_reference(s->fa[stream], key);
    else
        sweep_sa_reference(s->sa[stream], key);
}

static int do_access(sweep *s, const trace_record *r, mm_error *err)
{
    if (r->access >= MM_ACCESS_COUNT)
        return mm_fail(err, MM_ERR_FORMAT, "access type %u is not ifetch/load/store", r->access);
    if (!s->has_current) {
        s->has_current = true;
        s->current_pid = r->pid;
        s->current_tag = 0;
    }
    if (!s->current_tag) {
        int rc = current_tag(s, &s->current_tag, err);
        if (rc != MM_OK)
            return rc;
    }
    s->totals.accesses++;
    s->totals.instructions += r->instructions;
    sweep_stream stream = r->access == MM_ACCESS_IFETCH ? SWEEP_IFETCH : SWEEP_DATA;
    uint64_t page = r->va >> s->page_shift;
    reference(s, stream, s->current_tag | page);
    uint64_t last = r->va + (r->size ? r->size - 1u : 0u);
    if ((last >> s->page_shift) != page && last > r->va) {
        s->totals.page_crossings++;
        reference(s, stream, s->current_tag | (last >> s->page_shift));
    }
    return MM_OK;
}

static int do_record(sweep *s, const trace_record *r, mm_error *err)
{
    switch (r->kind) {
    case TRACE_ACCESS:
        return do_access(s, r, err);
    case TRACE_CONTEXT_SWITCH:
        if (!s->has_current || s->current_pid != r->pid) {
            s->has_current = true;
            s->current_pid = r->pid;
            s->current_tag = 0;
        }
        return MM_OK;
    case TRACE_EXIT:
        if (s->has_current && s->current_pid == r->pid)
            s->has_current = false;
        return MM_OK;
    case TRACE_FORK:
    case TRACE_MMAP:
    case TRACE_MUNMAP:
    case TRACE_MPROTECT:
    case TRACE_FLUSH:
    case TRACE_MARKER:
        return MM_OK;
    default:
        return mm_fail(err, MM_ERR_FORMAT, "unknown record kind %u", (unsigned)r->kind);
    }
}

int sweep_feed(sweep *s, const trace_record *recs, size_t n, mm_error *err)
{
    for (size_t i = 0; i < n; i++) {
        int rc = do_record(s, &recs[i], err);
        if (rc != MM_OK) {
            if (err) {
                char msg[sizeof err->msg];
                memcpy(msg, err->msg, sizeof msg);
                mm_fail(err, rc, "record %llu: %.280s", (unsigned long long)s->totals.records, msg);
            }
            return rc;
        }
        s->totals.records++;
    }
    return MM_OK;
}

int sweep_feed_trace(sweep *s, const char *path, mm_error *err)
{
    trace_reader *reader = trace_reader_open(path, err);
    if (!reader)
        return err && err->code ? err->code : MM_ERR_IO;
    trace_record *batch = malloc(SWEEP_READ_BATCH * sizeof *batch);
    if (!batch) {
        trace_reader_close(reader);
        return mm_fail(err, MM_ERR_NOMEM, "sweep: out of host memory");
    }
    int rc = MM_OK;
    for (;;) {
        long n = trace_read(reader, batch, SWEEP_READ_BATCH, err);
        if (n < 0) {
            rc = (int)n;
            break;
        }
        if (n == 0)
            break;
        rc = sweep_feed(s, batch, (size_t)n, err);
        if (rc != MM_OK) {
            if (err) {
                char msg[sizeof err->msg];
                memcpy(msg, err->msg, sizeof msg);
                mm_fail(err, rc, "%s: %.280s", path, msg);
            }
            break;
        }
    }
    free(batch);
    trace_reader_close(reader);
    return rc;
}

uint64_t sweep_misses(const sweep *s, sweep_stream stream, uint32_t sets, uint32_t ways)
{
    if ((unsigned)stream >= SWEEP_STREAM_COUNT)
        return UINT64_MAX;
    if (s->fa[stream])
        return sets == 1 ? sweep_fa_misses(s->fa[stream], ways) : UINT64_MAX;
    return sweep_sa_misses(s->sa[stream], sets, ways);
}

int sweep_miss_curve(const sweep *s, sweep_stream stream, uint32_t sets, uint64_t *misses,
                     uint32_t n, mm_error *err)
{
    if ((unsigned)stream >= SWEEP_STREAM_COUNT)
        return mm_fail(err, MM_ERR_INVALID, "sweep: stream %d is neither ifetch nor data",
                       (int)stream);
    if (s->fa[stream]) {
        if (sets != 1)
            return mm_fail(err, MM_ERR_INVALID, "sweep: a fully associative sweep has 1 set, not %u",
                           sets);
        return sweep_fa_miss_curve(s->fa[stream], misses, n, err);
    }
    return sweep_sa_miss_curve(s->sa[stream], sets, misses, n, err);
}
