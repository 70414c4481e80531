/*
 * trace_run.c — one trace through a fresh simulated machine (sim.h), with
 * the decoding on a second thread: the decoder fills batches of records,
 * PIPE_DEPTH of them in flight, while the caller's thread simulates. Used
 * by `mmulab run` and bench/bench_run.c, so the benchmark measures exactly
 * what users run.
 */
#define _POSIX_C_SOURCE 200809L
#include "trace_run.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* 8 batches of 8192 records (about 3.5 MiB) stay in the shared cache
 * between the decoding core and the simulating core */
#define BATCH_RECORDS 8192
#define PIPE_DEPTH 8

typedef struct {
    trace_record *recs;
    long n;              /* > 0 records; 0 end of trace; < 0 error (err) */
    uint64_t bytes_in;   /* compressed bytes consumed after this batch */
} batch;

typedef struct {
    trace_reader *reader;
    batch slots[PIPE_DEPTH];
    unsigned head, count;   /* filled slots, FIFO */
    bool stop;              /* the consumer gave up */
    double decode_cpu;      /* the decoder thread's CPU seconds, set when it returns */
    mm_error err;
    pthread_mutex_t lock;
    pthread_cond_t changed;
} pipeline;

static double thread_cpu_seconds(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts))
        return 0.0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void *decode_thread(void *arg)
{
    pipeline *p = arg;
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
        b->n = trace_read(p->reader, b->recs, BATCH_RECORDS, &p->err);
        b->bytes_in = trace_reader_bytes_in(p->reader);
        pthread_mutex_lock(&p->lock);
        p->count++;
        pthread_cond_broadcast(&p->changed);
        pthread_mutex_unlock(&p->lock);
        if (b->n <= 0)
            break;
    }
    p->decode_cpu = thread_cpu_seconds();
    return NULL;
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

static int run_pipeline(const mmu_config *cfg, const char *path, const sim_image *img,
                        uint32_t image_pid, bool progress, sim **out, trace_run_times *times,
                        mm_error *err);

int trace_run(const mmu_config *cfg, const char *path, bool progress, sim **out, mm_error *err)
{
    return run_pipeline(cfg, path, NULL, 0, progress, out, NULL, err);
}

int trace_run_image(const mmu_config *cfg, const char *path, const sim_image *img,
                    uint32_t image_pid, bool progress, sim **out, mm_error *err)
{
    return run_pipeline(cfg, path, img, image_pid, progress, out, NULL, err);
}

int trace_run_timed(const mmu_config *cfg, const char *path, sim **out, trace_run_times *times,
                    mm_error *err)
{
    return run_pipeline(cfg, path, NULL, 0, false, out, times, err);
}

static int run_pipeline(const mmu_config *cfg, const char *path, const sim_image *img,
                        uint32_t image_pid, bool progress, sim **out, trace_run_times *times,
                        mm_error *err)
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
        if (!(p.slots[k].recs = malloc(BATCH_RECORDS * sizeof(trace_record))))
            rc = MM_ERR_NOMEM;
    pthread_t thread;
    if (rc || pthread_mutex_init(&p.lock, NULL) || pthread_cond_init(&p.changed, NULL) ||
        pthread_create(&thread, NULL, decode_thread, &p)) {
        for (unsigned k = 0; k < PIPE_DEPTH; k++)
            free(p.slots[k].recs);
        sim_destroy(s);
        trace_reader_close(reader);
        return mm_fail(err, MM_ERR_NOMEM, "%s: cannot start the decoder thread", path);
    }
    uint64_t size = trace_reader_file_size(reader), records = 0;
    double t0 = now_seconds(), last_shown = t0, cpu0 = thread_cpu_seconds();
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
        if (sim_feed(s, b->recs, (size_t)b->n, err)) {
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
    if (times) {
        times->simulate_cpu_seconds = thread_cpu_seconds() - cpu0;
        times->decode_cpu_seconds = p.decode_cpu;
    }
    if (progress)
        fprintf(stderr, "\r%*s\r", 78, "");
    pthread_mutex_destroy(&p.lock);
    pthread_cond_destroy(&p.changed);
    for (unsigned k = 0; k < PIPE_DEPTH; k++)
        free(p.slots[k].recs);
    trace_reader_close(reader);
    if (rc) {
        sim_destroy(s);
        return rc;
    }
    sim_finish(s);
    *out = s;
    return 0;
}

