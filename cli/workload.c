/*
 * workload.c — the built-in workloads. They stand in for a real trace
 * until one is given (traces/ brings those): every address they touch is
 * mapped in a real page table first, so walks read real PTEs.
 *   l1hit       random accesses to 16 hot data pages and 4 code pages: a TLB-hit
 *               stream with no page locality (the worst case for the model)
 *   loop        a loop over a 64 KiB array (8-byte strides) whose code is 4
 *               pages: a TLB-hit stream with a real loop's page locality
 *   sequential  8-byte strided loads through the footprint (default 1 GiB)
 *   random      uniform random loads/stores over the footprint (default 4 GiB)
 *   mixed       two processes (ASIDs 1 and 2) switched every 50 000 requests,
 *               each with code, stack, a zipf-like heap, a streamed array and
 *               a 2 MiB-page region, plus a global kernel page
 */
#include "workload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { KIND_L1HIT, KIND_SEQUENTIAL, KIND_RANDOM, KIND_MIXED, KIND_LOOP };

#define CODE_VA 0x400000ull
#define CODE_BYTES (256ull << 10)
#define STACK_VA 0x3000000000ull
#define STACK_BYTES (64ull << 10)
#define HEAP_VA 0x10000000ull
#define HEAP_BYTES (64ull << 20)
#define STREAM_VA 0x40000000ull
#define STREAM_BYTES (256ull << 20)
#define HUGE_VA 0x80000000ull
#define HUGE_BYTES (512ull << 20)
#define DATA_VA 0x100000000ull
#define QUANTUM 50000u

struct workload {
    int kind;
    uint64_t requests, issued;
    uint64_t cycle;
    uint64_t footprint;
    uint64_t rng;
    uint64_t kernel_va, kernel_pa; /* one global page, the same frame in every process */
    uint64_t pc[2], stream_pos[2];
    unsigned n_procs, proc;
    char describe[160];
};

static const char *const names[] = {"mixed", "random", "sequential", "l1hit", "loop", NULL};
static const int kinds[] = {KIND_MIXED, KIND_RANDOM, KIND_SEQUENTIAL, KIND_L1HIT, KIND_LOOP};

const char *const *workload_names(void)
{
    return names;
}

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dull;
}

static uint32_t data_attrs(void)
{
    return MM_PERM_R | MM_PERM_W | MM_PERM_U | MM_PERM_A | MM_PERM_D;
}

static int map_range(pt *table, pmem *mem, uint64_t va, uint64_t bytes, unsigned level,
                     uint32_t attrs, mm_error *err)
{
    uint64_t page = 1ull << MM_LEVEL_SHIFT(level);
    for (uint64_t off = 0; off < bytes; off += page) {
        uint64_t pa;
        int rc = pmem_alloc_frames(mem, 9 * level, &pa, err);
        if (rc)
            return rc;
        rc = pt_map(table, va + off, pa, level, attrs, err);
        if (rc)
            return rc;
    }
    return MM_OK;
}

static int build_process(workload *w, mmu *m, pmem *mem, uint16_t asid, mm_error *err)
{
    const mmu_config *cfg = mmu_get_config(m);
    pt *table = pt_create(cfg->format, mem, err);
    if (!table)
        return err ? err->code : MM_ERR_NOMEM;
    int rc = MM_OK;
    uint32_t code = MM_PERM_R | MM_PERM_X | MM_PERM_U | MM_PERM_A;
    switch (w->kind) {
    case KIND_L1HIT:
    case KIND_LOOP:
        rc = map_range(table, mem, CODE_VA, 4 * 4096, 0, code, err);
        if (!rc)
            rc = map_range(table, mem, HEAP_VA, 16 * 4096, 0, data_attrs(), err);
        break;
    case KIND_SEQUENTIAL:
    case KIND_RANDOM:
        rc = map_range(table, mem, DATA_VA, w->footprint, 0, data_attrs(), err);
        break;
    default:
        rc = map_range(table, mem, CODE_VA, CODE_BYTES, 0, code, err);
        if (!rc)
            rc = map_range(table, mem, STACK_VA, STACK_BYTES, 0, data_attrs(), err);
        if (!rc)
            rc = map_range(table, mem, HEAP_VA, HEAP_BYTES, 0, data_attrs(), err);
        if (!rc)
            rc = map_range(table, mem, STREAM_VA, STREAM_BYTES, 0, data_attrs(), err);
        if (!rc)
            rc = map_range(table, mem, HUGE_VA, HUGE_BYTES, 1, data_attrs(), err);
        if (!rc && !w->kernel_pa)
            rc = pmem_alloc_frame(mem, &w->kernel_pa, err);
        if (!rc)
            rc = pt_map(table, w->kernel_va, w->kernel_pa, 0,
                        MM_PERM_R | MM_PERM_W | MM_PERM_G | MM_PERM_A | MM_PERM_D, err);
        break;
    }
    if (!rc) {
        walk_ctx ctx;
        mmu_context_defaults(m, &ctx, pt_root(table), asid);
        rc = mmu_set_context(m, &ctx, err);
    }
    pt_destroy(table);
    return rc;
}

workload *workload_create(const workload_params *p, mmu *m, pmem *mem, mm_error *err)
{
    int kind = -1;
    for (int i = 0; names[i]; i++)
        if (strcmp(p->name, names[i]) == 0)
            kind = kinds[i];
    if (kind < 0)
        return mm_fail(err, MM_ERR_INVALID,
                       "--workload: unknown workload \"%s\" (mixed, random, sequential, l1hit, loop)",
                       p->name),
               NULL;
    workload *w = calloc(1, sizeof *w);
    if (!w)
        return mm_fail(err, MM_ERR_NOMEM, "workload: out of host memory"), NULL;
    w->kind = kind;
    w->requests = p->requests;
    w->rng = p->seed ? p->seed : 1;
    w->footprint = p->footprint ? p->footprint
                   : kind == KIND_RANDOM ? (4ull << 30)
                                         : (1ull << 30);
    w->footprint = (w->footprint + 4095) & ~4095ull;
    const pt_format_info *fi = pt_format_get(mmu_get_config(m)->format);
    w->kernel_va = ~0ull << (fi->va_bits - 1);
    w->n_procs = kind == KIND_MIXED ? 2 : 1;
    for (unsigned i = 0; i < w->n_procs; i++) {
        w->pc[i] = CODE_VA;
        if (build_process(w, m, mem, (uint16_t)(i + 1), err)) {
            free(w);
            return NULL;
        }
    }
    static const char *const what[] = {"random accesses to 16 hot data pages and 4 code pages",
                                       "8-byte strided loads", "uniform random loads/stores",
                                       "two processes: code, stack, heap, stream, 2M pages",
                                       "a loop over a 64 KiB array with 4 pages of code"};
    snprintf(w->describe, sizeof w->describe, "%s: %s, %llu requests, footprint %llu MiB, seed %llu",
             p->name, what[kind], (unsigned long long)w->requests,
             (unsigned long long)(w->footprint >> 20), (unsigned long long)w->rng);
    return w;
}

void workload_destroy(workload *w)
{
    free(w);
}

const char *workload_describe(const workload *w)
{
    return w->describe;
}

static void mixed_next(workload *w, mmu_request *req)
{
    unsigned p = w->proc;
    uint64_t r = rng_next(&w->rng);
    unsigned pick = (unsigned)(r % 100);
    req->priv = MM_PRIV_USER;
    if (pick < 30) {
        /* instruction fetch: straight-line code with occasional jumps */
        req->access = MM_ACCESS_IFETCH;
        w->pc[p] += 4;
        if (w->pc[p] >= CODE_VA + CODE_BYTES || ((r >> 8) & 63) == 0)
            w->pc[p] = CODE_VA + ((r >> 16) % CODE_BYTES & ~15ull);
        req->va = w->pc[p];
        return;
    }
    req->access = ((r >> 7) % 3 == 0) ? MM_ACCESS_STORE : MM_ACCESS_LOAD;
    if (pick < 55) {
        req->va = STACK_VA + STACK_BYTES - 8 - ((r >> 20) % 4096);
    } else if (pick < 75) {
        /* heap: 90 % to a hot set of 64 pages, the rest anywhere; the square
         * of a uniform variate makes low pages hotter in both */
        uint64_t u = (r >> 24) & 0xffff;
        uint64_t span = ((r >> 44) % 10) ? 64 : (HEAP_BYTES >> 12);
        uint64_t page = (u * u >> 16) * span >> 16;
        req->va = HEAP_VA + (page << 12) + ((r >> 40) & 0xff8);
    } else if (pick < 91) {
        w->stream_pos[p] = (w->stream_pos[p] + 8) % STREAM_BYTES;
        req->va = STREAM_VA + w->stream_pos[p];
    } else if (pick < 99) {
        req->va = HUGE_VA + ((r >> 20) % HUGE_BYTES & ~7ull);
    } else {
        req->va = w->kernel_va + ((r >> 20) & 0xff8);
        req->priv = MM_PRIV_SUPERVISOR;
    }
}

bool workload_next(workload *w, mmu_request *req)
{
    if (w->issued >= w->requests)
        return false;
    uint64_t i = w->issued++;
    memset(req, 0, sizeof *req);
    req->id = i;
    /* one request every 1-3 cycles (mean 2), except the TLB-hit stream,
     * which issues one per cycle */
    if (w->kind != KIND_L1HIT && w->kind != KIND_LOOP && i)
        w->cycle += 1 + rng_next(&w->rng) % 3;
    else if (i)
        w->cycle++;
    req->cycle = w->cycle;
    uint64_t r;
    switch (w->kind) {
    case KIND_L1HIT:
        r = rng_next(&w->rng);
        if ((r & 7) == 0) {
            req->access = MM_ACCESS_IFETCH;
            req->va = CODE_VA + ((r >> 8) & 3) * 4096 + ((r >> 16) & 0xff0);
        } else {
            req->access = (r >> 5) & 1 ? MM_ACCESS_STORE : MM_ACCESS_LOAD;
            req->va = HEAP_VA + ((r >> 8) & 15) * 4096 + ((r >> 16) & 0xff8);
        }
        req->asid = 1;
        break;
    case KIND_LOOP:
        /* one instruction fetch (4-byte steps through the loop body) per
         * three data accesses (8-byte steps through the array) */
        if (i % 4 == 0) {
            req->access = MM_ACCESS_IFETCH;
            req->va = CODE_VA + (i & 0x3fff);
        } else {
            req->access = (i % 4 == 3) ? MM_ACCESS_STORE : MM_ACCESS_LOAD;
            req->va = HEAP_VA + ((i * 2) & 0xfff8);
        }
        req->asid = 1;
        break;
    case KIND_SEQUENTIAL:
        req->access = MM_ACCESS_LOAD;
        req->va = DATA_VA + (i * 8) % w->footprint;
        req->asid = 1;
        break;
    case KIND_RANDOM:
        r = rng_next(&w->rng);
        req->access = (r & 3) == 0 ? MM_ACCESS_STORE : MM_ACCESS_LOAD;
        req->va = DATA_VA + ((r >> 8) % (w->footprint >> 3) << 3);
        req->asid = 1;
        break;
    default:
        if (i % QUANTUM == 0 && i)
            w->proc = (w->proc + 1) % w->n_procs;
        mixed_next(w, req);
        req->asid = (uint16_t)(w->proc + 1);
        break;
    }
    return true;
}
