/*
 * trace_run.c — one trace through a fresh simulated machine (sim.h), with
 * the decoding on a second thread: the decoder fills batches of records,
 * PIPE_DEPTH of them in flight, while the caller's thread simulates. Used
 * by `mmulab run` and bench/bench_run.c, so the benchmark measures exactly
 * what users run.
 *
 * Every batch crosses from the decoding core to the simulating one, and a
 * trace_record is a whole 64-byte cache line: moving them was what a run
 * waited for (a trace decodes at ~190 M records/s on one core, but ran at
 * ~55 M/s on two). So a batch carries an access as 16 bytes (packed_record)
 * when it can — same process as the access before, instruction count below
 * 2^32, no other field set — and anything else whole, in the batch's side
 * array; each side unpacks into a small buffer of its own.
 */
#define _POSIX_C_SOURCE 200809L
#include "trace_run.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* 8 batches of 8192 records (1 MiB packed) stay in the shared cache
 * between the decoding core and the simulating core */
#define BATCH_RECORDS 8192
#define PIPE_DEPTH 8
/* records decoded (or unpacked) at a time on one side: 64 KiB, in L2 */
#define LOCAL_RECORDS 1024

typedef struct {
    uint64_t va;
    uint32_t instructions;
    uint16_t size;
    uint8_t access;
    uint8_t whole;       /* 1: the record is the batch's next whole one */
} packed_record;

typedef struct {
    packed_record *recs;
    trace_record *whole; /* the records that do not pack, in order */
    long n;              /* > 0 records; 0 end of trace; < 0 error (err) */
    uint64_t bytes_in;   /* compressed bytes consumed after this batch */
} batch;

typedef struct {
    trace_reader *reader;
    batch slots[PIPE_DEPTH];
    unsigned head, count;   /* filled slots, FIFO */
    bool stop;              /* the consumer gave up */
    mm_error err;
    pthread_mutex_t lock;
    pthread_cond_t changed;
} pipeline;

/* The process of the last access, on either side: a packed access belongs
 * to it. UINT64_MAX before the first. */
typedef struct {
    uint64_t access_pid;
} pack_state;

static bool packs(const pack_state *st, const trace_record *r)
{
    return r->kind == TRACE_ACCESS && r->pid == st->access_pid && r->instructions <= UINT32_MAX &&
           r->child == 0 && r->length == 0 && r->prot == 0 && r->flush_kind == 0 &&
           r->flush_flags == 0 && r->asid == 0 && r->marker == 0;
}

/* Decodes up to BATCH_RECORDS records into b; the reader's status when it
 * gave none (0 at the end, < 0 an error, which it repeats on later reads). */
static long fill_batch(pipeline *p, pack_state *st, trace_record *local, batch *b)
{
    long n = 0, n_whole = 0;
    while (n < BATCH_RECORDS) {
        size_t want = BATCH_RECORDS - (size_t)n < LOCAL_RECORDS ? BATCH_RECORDS - (size_t)n
                                                                : LOCAL_RECORDS;
        long got = trace_read(p->reader, local, want, &p->err);
        if (got <= 0)
            return n ? n : got;
        for (long i = 0; i < got; i++) {
            const trace_record *r = &local[i];
            packed_record *out = &b->recs[n++];
            if (packs(st, r)) {
                *out = (packed_record){r->va, (uint32_t)r->instructions, r->size, r->access, 0};
            } else {
                *out = (packed_record){0, 0, 0, 0, 1};
                b->whole[n_whole++] = *r;
                if (r->kind == TRACE_ACCESS)
                    st->access_pid = r->pid;
            }
        }
    }
    return n;
}

static void *decode_thread(void *arg)
{
    pipeline *p = arg;
    pack_state st = {UINT64_MAX};
    trace_record *local = malloc(LOCAL_RECORDS * sizeof *local);
    for (;;) {
        pthread_mutex_lock(&p->lock);
        while (p->count == PIPE_DEPTH && !p->stop)
            pthread_cond_wait(&p->changed, &p->lock);
        bool stop = p->stop;
        /* the slot after the filled ones is free: slots go back in FIFO order */
        batch *b = &p->slots[(p->head + p->count) % PIPE_DEPTH];
        pthread_mutex_unlock(&p->lock);
        if (stop)
            break;
        if (local) {
            b->n = fill_batch(p, &st, local, b);
        } else {
            b->n = mm_fail(&p->err, MM_ERR_NOMEM, "out of host memory for the decoder");
        }
        b->bytes_in = trace_reader_bytes_in(p->reader);
        pthread_mutex_lock(&p->lock);
        p->count++;
        pthread_cond_broadcast(&p->changed);
        pthread_mutex_unlock(&p->lock);
        if (b->n <= 0)
            break;
    }
    free(local);
    return NULL;
}

/* Unpacks b's records into local (LOCAL_RECORDS, all zero on entry and on
 * return, so a packed access writes only its own fields) and feeds them to
 * s, LOCAL_RECORDS at a time. */
static int feed_batch(sim *s, pack_state *st, trace_record *local, const batch *b,
                      mm_error *err)
{
    long n_whole = 0;
    for (long i = 0; i < b->n;) {
        long first = i, whole_before = n_whole;
        size_t k = 0;
        for (; k < LOCAL_RECORDS && i < b->n; k++, i++) {
            const packed_record *pr = &b->recs[i];
            trace_record *r = &local[k];
            if (pr->whole) {
                *r = b->whole[n_whole++];
                if (r->kind == TRACE_ACCESS)
                    st->access_pid = r->pid;
                continue;
            }
            r->kind = TRACE_ACCESS;
            r->access = pr->access;
            r->size = pr->size;
            r->pid = (uint32_t)st->access_pid;
            r->va = pr->va;
            r->instructions = pr->instructions;
        }
        int rc = sim_feed(s, local, k, err);
        if (n_whole > whole_before)
            for (size_t j = 0; j < k; j++)
                if (b->recs[first + (long)j].whole)
                    local[j] = (trace_record){0};
        if (rc)
            return rc;
    }
    return 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void show_progress(const char *path, uint64_t records, uint64_t bytes_in, uint64_t size,
                          double t0)
{
    double elapsed = now_seconds() - t0;
    double rate = elapsed > 0 ? (double)records / elapsed : 0;
    fprintf(stderr, "\r%s: %.1f M records, %.1f M records/s", path, (double)records / 1e6,
            rate / 1e6);
    if (size && bytes_in <= size && bytes_in) {
        double done = (double)bytes_in / (double)size;
        double eta = elapsed * (1.0 - done) / done;
        fprintf(stderr, ", %.0f%%, ETA %d:%02d   ", 100.0 * done, (int)eta / 60, (int)eta % 60);
    }
    fflush(stderr);
}

int trace_run(const mmu_config *cfg, const char *path, bool progress, sim **out, mm_error *err)
{
    return trace_run_image(cfg, path, NULL, 0, progress, out, err);
}

int trace_run_image(const mmu_config *cfg, const char *path, const sim_image *img,
                    uint32_t image_pid, bool progress, sim **out, mm_error *err)
{
    trace_reader *reader = trace_reader_open(path, err);
    if (!reader)
        return err->code;
    sim *s = sim_create(cfg, err);
    if (!s || (img && sim_load_image(s, img, image_pid, err))) {
        sim_destroy(s);
        trace_reader_close(reader);
        return err->code;
    }
    pipeline p;
    memset(&p, 0, sizeof p);
    p.reader = reader;
    int rc = 0;
    for (unsigned k = 0; k < PIPE_DEPTH; k++)
        if (!(p.slots[k].recs = malloc(BATCH_RECORDS * sizeof(packed_record))) ||
            !(p.slots[k].whole = malloc(BATCH_RECORDS * sizeof(trace_record))))
            rc = MM_ERR_NOMEM;
    pack_state st = {UINT64_MAX};
    trace_record *local = calloc(LOCAL_RECORDS, sizeof *local);
    if (!local)
        rc = MM_ERR_NOMEM;
    pthread_t thread;
    if (rc || pthread_mutex_init(&p.lock, NULL) || pthread_cond_init(&p.changed, NULL) ||
        pthread_create(&thread, NULL, decode_thread, &p)) {
        for (unsigned k = 0; k < PIPE_DEPTH; k++) {
            free(p.slots[k].recs);
            free(p.slots[k].whole);
        }
        free(local);
        sim_destroy(s);
        trace_reader_close(reader);
        return mm_fail(err, MM_ERR_NOMEM, "%s: cannot start the decoder thread", path);
    }
    uint64_t size = trace_reader_file_size(reader), records = 0;
    double t0 = now_seconds(), last_shown = t0;
    for (;;) {
        pthread_mutex_lock(&p.lock);
        while (p.count == 0)
            pthread_cond_wait(&p.changed, &p.lock);
        batch *b = &p.slots[p.head];
        pthread_mutex_unlock(&p.lock);
        if (b->n < 0) {
            *err = p.err;
            rc = err->code ? err->code : MM_ERR_FORMAT;
            break;
        }
        if (b->n == 0)
            break;
        if (feed_batch(s, &st, local, b, err)) {
            char msg[sizeof err->msg];
            memcpy(msg, err->msg, sizeof msg);
            rc = mm_fail(err, err->code, "%s: %.280s", path, msg);
            break;
        }
        records += (uint64_t)b->n;
        if (progress && now_seconds() - last_shown > 0.5) {
            show_progress(path, records, b->bytes_in, size, t0);
            last_shown = now_seconds();
        }
        pthread_mutex_lock(&p.lock);
        p.head = (p.head + 1) % PIPE_DEPTH;
        p.count--;
        pthread_cond_broadcast(&p.changed);
        pthread_mutex_unlock(&p.lock);
    }
    pthread_mutex_lock(&p.lock);
    p.stop = true;
    pthread_cond_broadcast(&p.changed);
    pthread_mutex_unlock(&p.lock);
    pthread_join(thread, NULL);
    if (progress)
        fprintf(stderr, "\r%*s\r", 78, "");
    pthread_mutex_destroy(&p.lock);
    pthread_cond_destroy(&p.changed);
    for (unsigned k = 0; k < PIPE_DEPTH; k++) {
        free(p.slots[k].recs);
        free(p.slots[k].whole);
    }
    free(local);
    trace_reader_close(reader);
    if (rc) {
        sim_destroy(s);
        return rc;
    }
    sim_finish(s);
    *out = s;
    return 0;
}

