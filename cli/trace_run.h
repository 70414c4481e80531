/* trace_run.h — run one trace through a fresh machine, decoding on a
 * second thread (trace_run.c). */
#ifndef MMULAB_TRACE_RUN_H
#define MMULAB_TRACE_RUN_H

#include <stdbool.h>

#include "mmulab/sim.h"

/* On success stores the finished machine in *out (the caller destroys it)
 * and returns 0; otherwise an mm_status with a one-line message naming the
 * trace. progress: a progress line on stderr every half second. */
int trace_run(const mmu_config *cfg, const char *path, bool progress, sim **out, mm_error *err);
/* The same on a machine whose trace process image_pid (or the first one,
 * SIM_IMAGE_FIRST_PROCESS) starts from an address-space image (sim_load_image). */
int trace_run_image(const mmu_config *cfg, const char *path, const sim_image *img,
                    uint32_t image_pid, bool progress, sim **out, mm_error *err);

/* CPU time of each of the two threads of a run (bench/bench_run.c): the
 * busier one bounds the run's wall time. */
typedef struct {
    double decode_cpu_seconds;   /* the decoder thread */
    double simulate_cpu_seconds; /* the simulating (calling) thread, its loop over batches */
} trace_run_times;

/* trace_run, also measuring both threads' CPU time into *times. */
int trace_run_timed(const mmu_config *cfg, const char *path, sim **out, trace_run_times *times,
                    mm_error *err);

#endif
