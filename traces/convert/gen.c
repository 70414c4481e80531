/*
 * gen.c — seeded synthetic traces: one address stream per process (each
 * of a pattern kind, with its own random stream), optional instruction
 * fetches walking a small code loop, and for `mix` a round robin over the
 * processes with a context switch every quantum. The same parameters give
 * the same records on every machine.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "convert.h"
#include "gen_rng.h"
#include "gen_zipf.h"

#define GEN_WORD 8u
#define GEN_PAGE 4096u
#define GEN_LINE 64u
#define GEN_IFETCH_BYTES 4u
#define GEN_MAX_FOOTPRINT (1ull << 56)
#define GEN_CREDIT_ONE (1ull << 32)

typedef struct {
    trace_gen_kind kind;
    uint32_t pid;
    gen_rng rng;
    uint64_t base, footprint, stride;
    uint64_t offset;        /* sequential, strided: next offset; chase: position in the cycle */
    gen_zipf zipf;          /* over the footprint's pages */
    gen_perm perm;          /* zipf: rank -> page; chase: cycle position -> line */
    bool store_due;         /* gups: the store half of an update */
    uint64_t gups_va;
    uint64_t pc;            /* offset of the next ifetch in the code loop */
    /* ifetch_ratio in 32.32 fixed point: integer sums do not drift, so the
     * ifetch count is floor(records * ratio) exactly. */
    uint64_t ifetch_step, ifetch_credit;
} gen_stream;

struct trace_gen {
    trace_gen_params p;
    gen_stream *streams;
    unsigned n_streams;
    unsigned current;
    uint64_t emitted;       /* access records so far */
    uint64_t in_quantum;
    bool switch_due;
};

static const char *const kind_names[TRACE_GEN_KIND_COUNT] = {
    "sequential", "strided", "uniform", "zipf", "gups", "chase", "mix"};

const char *trace_gen_kind_name(trace_gen_kind kind)
{
    return (unsigned)kind < TRACE_GEN_KIND_COUNT ? kind_names[kind] : "unknown";
}

int trace_gen_kind_parse(const char *name, trace_gen_kind *out, mm_error *err)
{
    for (unsigned k = 0; k < TRACE_GEN_KIND_COUNT; k++)
        if (!strcmp(name, kind_names[k])) {
            *out = (trace_gen_kind)k;
            return MM_OK;
        }
    return mm_fail(err, MM_ERR_INVALID,
                   "unknown generator \"%s\" (sequential, strided, uniform, zipf, gups, chase, "
                   "mix)",
                   name);
}

void trace_gen_defaults(trace_gen_params *p, trace_gen_kind kind)
{
    memset(p, 0, sizeof *p);
    p->kind = kind;
    p->records = 1000000;
    p->footprint = 64ull << 20;
    p->seed = 1;
    p->base = 0x10000000;
    p->stride = GEN_PAGE;
    p->alpha = 0.99;
    p->quantum = 10000;
    p->processes = 2;
    p->process_kind[0] = TRACE_GEN_UNIFORM;
    p->process_kind[1] = TRACE_GEN_ZIPF;
}

static int validate(const trace_gen_params *p, mm_error *err)
{
    if ((unsigned)p->kind >= TRACE_GEN_KIND_COUNT)
        return mm_fail(err, MM_ERR_INVALID, "generator kind %u is unknown", (unsigned)p->kind);
    if (!p->records)
        return mm_fail(err, MM_ERR_INVALID, "--records must be at least 1");
    if (p->footprint < GEN_PAGE || p->footprint % GEN_PAGE || p->footprint > GEN_MAX_FOOTPRINT)
        return mm_fail(err, MM_ERR_INVALID,
                       "--footprint %llu must be a multiple of 4K between 4K and 64P",
                       (unsigned long long)p->footprint);
    if (p->base > UINT64_MAX - p->footprint)
        return mm_fail(err, MM_ERR_INVALID, "--base 0x%llx + --footprint passes 2^64",
                       (unsigned long long)p->base);
    if (!p->stride)
        return mm_fail(err, MM_ERR_INVALID, "--stride must be at least 1");
    if (!(p->alpha >= 0.0) || !isfinite(p->alpha))
        return mm_fail(err, MM_ERR_INVALID, "--alpha %g must be a finite number >= 0", p->alpha);
    if (!(p->ifetch_ratio >= 0.0 && p->ifetch_ratio <= 1.0))
        return mm_fail(err, MM_ERR_INVALID, "--ifetch-ratio %g must be between 0 and 1",
                       p->ifetch_ratio);
    if (p->kind != TRACE_GEN_MIX)
        return MM_OK;
    if (!p->quantum)
        return mm_fail(err, MM_ERR_INVALID, "--quantum must be at least 1");
    if (!p->processes || p->processes > TRACE_GEN_MAX_PROCESSES)
        return mm_fail(err, MM_ERR_INVALID, "--processes %u must be between 1 and %u",
                       p->processes, TRACE_GEN_MAX_PROCESSES);
    for (unsigned i = 0; i < p->processes; i++)
        if ((unsigned)p->process_kind[i] >= TRACE_GEN_MIX)
            return mm_fail(err, MM_ERR_INVALID, "--mix: process %u cannot be of kind %s", i + 1,
                           trace_gen_kind_name(p->process_kind[i]));
    return MM_OK;
}

static void stream_init(gen_stream *s, const trace_gen_params *p, trace_gen_kind kind,
                        uint32_t pid)
{
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->pid = pid;
    gen_rng_seed(&s->rng, p->seed ^ ((uint64_t)pid * 0x9e3779b97f4a7c15ull));
    s->base = p->base;
    s->footprint = p->footprint;
    s->stride = p->stride % p->footprint;
    s->ifetch_step = (uint64_t)llround(p->ifetch_ratio * GEN_CREDIT_ONE);
    if (kind == TRACE_GEN_ZIPF) {
        gen_zipf_init(&s->zipf, p->footprint / GEN_PAGE, p->alpha);
        gen_perm_init(&s->perm, p->footprint / GEN_PAGE, &s->rng);
    } else if (kind == TRACE_GEN_CHASE) {
        gen_perm_init(&s->perm, p->footprint / GEN_LINE, &s->rng);
    }
}

trace_gen *trace_gen_create(const trace_gen_params *p, mm_error *err)
{
    if (validate(p, err))
        return NULL;
    trace_gen *g = calloc(1, sizeof *g);
    unsigned n = p->kind == TRACE_GEN_MIX ? p->processes : 1;
    if (g)
        g->streams = calloc(n, sizeof *g->streams);
    if (!g || !g->streams) {
        free(g);
        mm_fail(err, MM_ERR_NOMEM, "out of memory creating the %s generator",
                trace_gen_kind_name(p->kind));
        return NULL;
    }
    g->p = *p;
    g->n_streams = n;
    if (p->kind == TRACE_GEN_MIX) {
        for (unsigned i = 0; i < n; i++)
            stream_init(&g->streams[i], p, p->process_kind[i], i + 1);
        g->switch_due = true;
    } else {
        stream_init(&g->streams[0], p, p->kind, 0);
    }
    return g;
}

void trace_gen_destroy(trace_gen *g)
{
    if (!g)
        return;
    free(g->streams);
    free(g);
}

static uint64_t random_word(gen_stream *s)
{
    return s->base + gen_rng_below(&s->rng, s->footprint / GEN_WORD) * GEN_WORD;
}

static void data_access(gen_stream *s, trace_record *rec)
{
    rec->access = MM_ACCESS_LOAD;
    switch (s->kind) {
    case TRACE_GEN_SEQUENTIAL:
        rec->va = s->base + s->offset;
        s->offset = s->offset + GEN_WORD == s->footprint ? 0 : s->offset + GEN_WORD;
        break;
    case TRACE_GEN_STRIDED:
        rec->va = s->base + (s->offset & ~(uint64_t)(GEN_WORD - 1));
        s->offset += s->stride;
        if (s->offset >= s->footprint)
            s->offset -= s->footprint;
        break;
    case TRACE_GEN_UNIFORM:
        rec->va = random_word(s);
        break;
    case TRACE_GEN_ZIPF: {
        uint64_t page = gen_perm_apply(&s->perm, gen_zipf_draw(&s->zipf, &s->rng) - 1);
        uint64_t word = gen_rng_below(&s->rng, GEN_PAGE / GEN_WORD);
        rec->va = s->base + page * GEN_PAGE + word * GEN_WORD;
        break;
    }
    case TRACE_GEN_GUPS:
        if (s->store_due) {
            rec->access = MM_ACCESS_STORE;
            rec->va = s->gups_va;
        } else {
            s->gups_va = rec->va = random_word(s);
        }
        s->store_due = !s->store_due;
        break;
    default: /* TRACE_GEN_CHASE */
        rec->va = s->base + gen_perm_apply(&s->perm, s->offset) * GEN_LINE;
        s->offset = s->offset + 1 == s->perm.n ? 0 : s->offset + 1;
        break;
    }
}

static void stream_access(gen_stream *s, trace_record *rec)
{
    memset(rec, 0, sizeof *rec);
    rec->kind = TRACE_ACCESS;
    rec->pid = s->pid;
    rec->instructions = 1;
    s->ifetch_credit += s->ifetch_step;
    if (s->ifetch_credit >= GEN_CREDIT_ONE) {
        s->ifetch_credit -= GEN_CREDIT_ONE;
        rec->access = MM_ACCESS_IFETCH;
        rec->size = GEN_IFETCH_BYTES;
        rec->va = TRACE_GEN_CODE_BASE + s->pc;
        s->pc = (s->pc + GEN_IFETCH_BYTES) % TRACE_GEN_CODE_BYTES;
        return;
    }
    rec->size = GEN_WORD;
    data_access(s, rec);
}

int trace_gen_next(trace_gen *g, trace_record *out)
{
    if (g->emitted == g->p.records)
        return 0;
    if (g->switch_due) {
        memset(out, 0, sizeof *out);
        out->kind = TRACE_CONTEXT_SWITCH;
        out->pid = g->streams[g->current].pid;
        g->switch_due = false;
        return 1;
    }
    stream_access(&g->streams[g->current], out);
    g->emitted++;
    if (g->p.kind == TRACE_GEN_MIX && ++g->in_quantum == g->p.quantum) {
        g->in_quantum = 0;
        g->current = (g->current + 1) % g->n_streams;
        g->switch_due = true;
    }
    return 1;
}

int trace_gen_run(const trace_gen_params *p, const trace_record_sink *sink, uint64_t *records_out,
                  mm_error *err)
{
    trace_gen *g = trace_gen_create(p, err);
    if (!g)
        return err && err->code ? err->code : MM_ERR_INVALID;
    trace_record rec;
    uint64_t n = 0;
    int rc = MM_OK;
    while (trace_gen_next(g, &rec) > 0) {
        rc = sink->put(sink->ctx, &rec, err);
        if (rc)
            break;
        n++;
    }
    trace_gen_destroy(g);
    if (records_out)
        *records_out = n;
    return rc;
}
