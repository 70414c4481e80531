/*
 * bench_run.c — end-to-end `mmulab run` speed on native traces (issue #3):
 * for each trace, in zlib and in zstd form, the time to merely decompress
 * and decode it (one thread, the baseline) and the time of a full run with
 * the skylake preset (trace_run: decoding on a second thread, exactly what
 * `mmulab run` does), both measured in the same process; prints
 * records/s, bytes/record and the run/decode ratio (target <= 1.3), and
 * each thread's CPU time in the run over the decode-only time: the busier
 * thread is the one that bounds the ratio.
 * Usage: bench_run TRACE... (CI passes the bundled traces of traces/data)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mmulab/sim.h"
#include "mmulab/trace.h"
#include "trace_run.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Decode-only pass; returns seconds, or a negative value on error. */
static double decode_only(const char *path, uint64_t *records, trace_compression *kind)
{
    enum { BATCH = 65536 };
    static trace_record recs[BATCH];
    mm_error err = {0};
    double t0 = now_seconds();
    trace_reader *r = trace_reader_open(path, &err);
    if (!r) {
        fprintf(stderr, "bench_run: %s\n", err.msg);
        return -1;
    }
    *kind = trace_reader_compression(r);
    long n;
    uint64_t total = 0, sink = 0;
    while ((n = trace_read(r, recs, BATCH, &err)) > 0) {
        total += (uint64_t)n;
        sink += recs[n - 1].va;
    }
    trace_reader_close(r);
    if (n < 0) {
        fprintf(stderr, "bench_run: %s\n", err.msg);
        return -1;
    }
    *records = total + (sink & 0);
    return now_seconds() - t0;
}

/* Rewrites src at dst in the other compression (zlib <-> zstd). */
static int transcode(const char *src, const char *dst)
{
    enum { BATCH = 65536 };
    static trace_record recs[BATCH];
    mm_error err = {0};
    trace_reader *r = trace_reader_open(src, &err);
    trace_compression other =
        r && trace_reader_compression(r) == TRACE_ZSTD ? TRACE_ZLIB : TRACE_ZSTD;
    trace_writer *w = r ? trace_writer_open(dst, trace_reader_header(r), other, 0, &err) : NULL;
    long n = -1;
    if (w) {
        while ((n = trace_read(r, recs, BATCH, &err)) > 0)
            for (long i = 0; i < n; i++)
                if (trace_write(w, &recs[i], &err)) {
                    n = -1;
                    break;
                }
    }
    int rc = n == 0 && w && trace_writer_close(w, &err) == MM_OK ? 0 : 1;
    if (rc) {
        fprintf(stderr, "bench_run: %s\n", err.msg);
        if (w && n != 0)
            trace_writer_abort(w);
    }
    if (r)
        trace_reader_close(r);
    return rc;
}

static int bench_file(const mmu_config *cfg, const char *label, const char *path)
{
    struct stat st;
    if (stat(path, &st)) {
        fprintf(stderr, "bench_run: cannot stat %s\n", path);
        return 1;
    }
    uint64_t records = 0;
    trace_compression kind = TRACE_ZLIB;
    double t_decode = decode_only(path, &records, &kind);
    if (t_decode < 0)
        return 1;
    mm_error err = {0};
    sim *s = NULL;
    trace_run_times times = {0, 0};
    double t0 = now_seconds();
    if (trace_run_timed(cfg, path, &s, &times, &err)) {
        fprintf(stderr, "bench_run: %s\n", err.msg);
        return 1;
    }
    double t_run = now_seconds() - t0;
    sim_destroy(s);
    printf("%-28s %-4s %9llu records %6.3f B/record  decode %7.1f M rec/s  run %6.1f M rec/s"
           "  run/decode %5.2fx (target <= 1.30: %s)  threads' CPU/decode: decoder %.2f,"
           " simulator %.2f\n",
           label, kind == TRACE_ZSTD ? "zstd" : "zlib", (unsigned long long)records,
           records ? (double)st.st_size / (double)records : 0.0,
           (double)records / t_decode / 1e6, (double)records / t_run / 1e6, t_run / t_decode,
           t_run / t_decode <= 1.3 ? "met" : "NOT met", times.decode_cpu_seconds / t_decode,
           times.simulate_cpu_seconds / t_decode);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_run TRACE...\n");
        return 2;
    }
    mmu_config cfg;
    mm_error err = {0};
    if (cfg_load("skylake", NULL, NULL, 0, &cfg, &err)) {
        fprintf(stderr, "bench_run: %s\n", err.msg);
        return 1;
    }
    printf("mmulab end-to-end run vs decode, skylake preset (two threads for the run)\n");
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        const char *base = strrchr(argv[i], '/');
        base = base ? base + 1 : argv[i];
        rc |= bench_file(&cfg, base, argv[i]);
        char tmp[64];
        snprintf(tmp, sizeof tmp, "/tmp/mmulab_bench_%d.mmt", (int)getpid());
        if (transcode(argv[i], tmp) == 0) {
            rc |= bench_file(&cfg, base, tmp);
            remove(tmp);
        } else {
            rc = 1;
        }
    }
    return rc;
}
