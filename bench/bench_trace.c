/*
 * bench_trace.c — cost of the native trace format on one core: writes a
 * synthetic lackey-like trace (sequential ifetch runs through a few hundred
 * basic blocks, loads and stores near a few hot pointers, some random
 * ones, occasional events) with zlib and zstd, and reports bytes/record,
 * write speed and decode speed. The baseline, measured in the same run on
 * the same file, is the bare decompressor (gzread with a 1 MiB buffer;
 * ZSTD_decompressStream with 1 MiB chunks): the ratio shows what the record
 * decoder itself costs. --levels also compares compression levels.
 * Prints figures; never fails on speed.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "mmulab/trace.h"

#define BATCH 4096
#define CHUNK (1u << 20)

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The synthetic program: NBLOCKS basic blocks, each a run of instructions
 * of 1..15 bytes; about a third of the instructions touch memory, mostly
 * with a per-instruction stride from one of four hot pointers (stack,
 * two arrays, a heap object), 1 in 64 at a random address. */
#define NBLOCKS 512
#define NHOT 4

typedef struct {
    uint64_t rng;
    uint64_t block_va[NBLOCKS];
    uint8_t block_len[NBLOCKS];
    uint64_t hot[NHOT];
    uint32_t block, insn;     /* position in the current block */
    uint64_t pc;
    int data_pending;         /* the current instruction's access is next */
    uint64_t emitted;
} generator;

static uint64_t next_random(generator *g)
{
    g->rng ^= g->rng << 13;
    g->rng ^= g->rng >> 7;
    g->rng ^= g->rng << 17;
    return g->rng;
}

static void generator_init(generator *g)
{
    memset(g, 0, sizeof *g);
    g->rng = 0x9e3779b97f4a7c15ull;
    for (unsigned i = 0; i < NBLOCKS; i++) {
        g->block_va[i] = 0x401000 + (next_random(g) % 0x80000);
        g->block_len[i] = (uint8_t)(4 + next_random(g) % 24);
    }
    uint64_t hot[NHOT] = {0x7ffd5000, 0x602000, 0x10000000, 0x55555555a000};
    memcpy(g->hot, hot, sizeof hot);
    g->pc = g->block_va[0];
}

static void generate(generator *g, trace_record *r)
{
    memset(r, 0, sizeof *r);
    g->emitted++;
    if (g->emitted % 1000000 == 0) {
        r->kind = TRACE_MARKER;
        r->marker = g->emitted / 1000000;
        return;
    }
    uint64_t x = next_random(g);
    if (g->data_pending) {
        g->data_pending = 0;
        r->kind = TRACE_ACCESS;
        r->access = (uint8_t)((x & 3) == 0 ? MM_ACCESS_STORE : MM_ACCESS_LOAD);
        r->size = (uint16_t)(1u << ((x >> 2) % 4));
        uint64_t *hot = &g->hot[(g->pc >> 2) % NHOT];
        if ((x >> 8) % 64 == 0) {
            r->va = 0x7f0000000000ull + ((x >> 16) % (1ull << 32));
        } else {
            *hot += 8 * ((g->pc >> 4) % 3);
            if ((*hot & 0xfffff) == 0)
                *hot -= 0x80000;
            r->va = *hot + 8 * ((x >> 20) % 4);
        }
        return;
    }
    r->kind = TRACE_ACCESS;
    r->access = MM_ACCESS_IFETCH;
    r->size = (uint16_t)(1 + (g->pc * 0x2545f491) % 7);
    r->va = g->pc;
    r->instructions = 1;
    g->data_pending = x % 3 == 0;
    g->pc += r->size;
    if (++g->insn >= g->block_len[g->block]) {
        g->insn = 0;
        /* loops: mostly the same or the next block, sometimes far away */
        uint32_t pick = (uint32_t)(x >> 32) % 16;
        g->block = pick < 10 ? g->block : pick < 15 ? (g->block + 1) % NBLOCKS : (uint32_t)(x >> 40) % NBLOCKS;
        g->pc = g->block_va[g->block];
    }
}

typedef struct {
    double write_s, read_s, raw_s;
    uint64_t bytes, records, checksum;
} result;

static int write_trace(const char *path, trace_compression c, int level, uint64_t n, result *res)
{
    mm_error err = {0};
    trace_header h = {TRACE_VERSION, 0, 0xff, "bench_trace synthetic lackey-like trace"};
    generator g;
    generator_init(&g);
    double t = now_seconds();
    trace_writer *w = trace_writer_open(path, &h, c, level, &err);
    if (!w) {
        fprintf(stderr, "bench_trace: %s\n", err.msg);
        return 1;
    }
    trace_record rec;
    for (uint64_t i = 0; i < n; i++) {
        generate(&g, &rec);
        if (trace_write(w, &rec, &err) != MM_OK) {
            fprintf(stderr, "bench_trace: %s\n", err.msg);
            trace_writer_abort(w);
            return 1;
        }
    }
    if (trace_writer_close(w, &err) != MM_OK) {
        fprintf(stderr, "bench_trace: %s\n", err.msg);
        return 1;
    }
    res->write_s = now_seconds() - t;
    return 0;
}

static int read_trace(const char *path, result *res)
{
    static trace_record batch[BATCH];
    mm_error err = {0};
    double t = now_seconds();
    trace_reader *r = trace_reader_open(path, &err);
    if (!r) {
        fprintf(stderr, "bench_trace: %s\n", err.msg);
        return 1;
    }
    long got;
    uint64_t sum = 0;
    while ((got = trace_read(r, batch, BATCH, &err)) > 0)
        for (long i = 0; i < got; i++)
            sum += batch[i].va ^ batch[i].size;
    res->read_s = now_seconds() - t;
    res->records = trace_reader_records(r);
    res->bytes = trace_reader_bytes_in(r);
    res->checksum = sum;
    trace_reader_close(r);
    if (got < 0) {
        fprintf(stderr, "bench_trace: %s\n", err.msg);
        return 1;
    }
    return 0;
}

/* The bare decompressor over the same file, output discarded. */
static int raw_decompress(const char *path, trace_compression c, result *res)
{
    uint8_t *out = malloc(CHUNK), *in = malloc(CHUNK);
    int rc = 1;
    double t = now_seconds();
    if (!out || !in)
        goto done;
    if (c == TRACE_ZLIB) {
        gzFile f = gzopen(path, "rb");
        if (!f)
            goto done;
        gzbuffer(f, CHUNK);
        int n;
        while ((n = gzread(f, out, CHUNK)) > 0)
            ;
        rc = n < 0;
        gzclose(f);
    } else {
        FILE *f = fopen(path, "rb");
        ZSTD_DStream *zd = ZSTD_createDStream();
        size_t n;
        rc = !f || !zd;
        while (!rc && (n = fread(in, 1, CHUNK, f)) > 0) {
            ZSTD_inBuffer ib = {in, n, 0};
            while (ib.pos < ib.size) {
                ZSTD_outBuffer ob = {out, CHUNK, 0};
                if (ZSTD_isError(ZSTD_decompressStream(zd, &ob, &ib))) {
                    rc = 1;
                    break;
                }
            }
        }
        ZSTD_freeDStream(zd);
        if (f)
            fclose(f);
    }
    res->raw_s = now_seconds() - t;
done:
    free(out);
    free(in);
    if (rc)
        fprintf(stderr, "bench_trace: raw decompression of %s failed\n", path);
    return rc;
}

static int bench_one(const char *dir, trace_compression c, int level, uint64_t n, int with_raw)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/bench_trace_%ld.%s", dir, (long)getpid(), c == TRACE_ZLIB ? "gz" : "zst");
    result res = {0};
    int rc = write_trace(path, c, level, n, &res) || read_trace(path, &res) ||
             (with_raw && raw_decompress(path, c, &res));
    if (!rc) {
        double mrec = (double)res.records / 1e6;
        printf("  %-4s level %2d  %6.3f bytes/record  write %6.1f M rec/s  decode %6.1f M rec/s  "
               "%7.1f MB/s compressed",
               c == TRACE_ZLIB ? "zlib" : "zstd", level, (double)res.bytes / (double)res.records,
               mrec / res.write_s, mrec / res.read_s, (double)res.bytes / 1e6 / res.read_s);
        if (with_raw)
            printf("  | bare decompressor %6.1f MB/s, decoder overhead x%.2f",
                   (double)res.bytes / 1e6 / res.raw_s, res.read_s / res.raw_s);
        printf("\n");
        if (res.records != n)
            rc = fprintf(stderr, "bench_trace: read %llu of %llu records\n", (unsigned long long)res.records,
                         (unsigned long long)n) > 0;
    }
    remove(path);
    return rc;
}

int main(int argc, char **argv)
{
    uint64_t n = 20000000;
    int levels = 0;
    const char *dir = "/tmp";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            n = 2000000;
        else if (strcmp(argv[i], "--levels") == 0)
            levels = 1;
        else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (strcmp(argv[i], "--records") == 0 && i + 1 < argc)
            n = strtoull(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "usage: bench_trace [--quick] [--levels] [--records N] [--dir DIR]\n");
            return 2;
        }
    }
    printf("mmulab trace benchmark, one core, %llu synthetic lackey-like records\n", (unsigned long long)n);
    /* the writer's defaults (docs/trace-format.md says why these) */
    int rc = bench_one(dir, TRACE_ZLIB, 6, n, 1) || bench_one(dir, TRACE_ZSTD, 3, n, 1);
    if (levels && !rc) {
        printf("compression levels:\n");
        static const int zlib_levels[] = {1, 9}, zstd_levels[] = {1, 9, 19};
        for (size_t i = 0; i < sizeof zlib_levels / sizeof *zlib_levels && !rc; i++)
            rc = bench_one(dir, TRACE_ZLIB, zlib_levels[i], n, 0);
        for (size_t i = 0; i < sizeof zstd_levels / sizeof *zstd_levels && !rc; i++)
            rc = bench_one(dir, TRACE_ZSTD, zstd_levels[i], n, 0);
    }
    return rc;
}
