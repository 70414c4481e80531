/*
 * sweep_grid_run.h — running the points of `mmulab sweep SPEC`, shared by
 * its two backends (docs/sweeps-grid.md): the local process pool and the
 * progress bar (cmd_sweep_grid.c), and the Slurm job array, whose tasks
 * run their point with that same local runner (cmd_sweep_grid_slurm.c,
 * running sbatch and squeue with cmd_sweep_grid_tool.c).
 */
#ifndef MMULAB_SWEEP_GRID_RUN_H
#define MMULAB_SWEEP_GRID_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "sweep_grid.h"

#define SG_PATH_LEN 4096

typedef struct {
    const sg_spec *spec;
    const char *spec_path;         /* as given, for messages */
    const sg_point *points;
    char points_dir[SG_PATH_LEN];  /* short enough that <id>.json.tmp fits */
    size_t total, done;            /* points of the SPEC; those with a report */
    size_t to_run, run_now;        /* points this run started; those finished */
    struct timespec started;
    bool progress;
    char queue_note[64];           /* Slurm: "1 running, 2 queued" after the bar */
    int failure;                   /* exit status of the first failed point */
} sg_sweep;

/* mkdir -p; 0, or -1 with errno. */
int sg_make_dirs(const char *path);
/* The file "<points_dir>/<id><suffix>" in out (SG_PATH_LEN bytes). */
void sg_point_file(const sg_sweep *s, const char *id, const char *suffix, char *out);
/* Whether the point's report exists. */
bool sg_point_done(const sg_sweep *s, const char *id);
/* How many points of the SPEC have their report. */
size_t sg_count_done(const sg_sweep *s);
/* Redraws the progress bar on stderr (when s->progress). */
void sg_draw_progress(const sg_sweep *s);
/* The local backend: runs the points pending[0..n_pending), jobs at a
 * time, each as its own `mmulab run --json`; after a failure starts no
 * new point. 0, or the exit status of the first failure. */
int sg_run_points(sg_sweep *s, const size_t *pending, size_t n_pending, long jobs);

/* Runs argv[0] (found on PATH) with stdin from /dev/null, catching its
 * stdout and stderr in *out and *err (malloc'd, NUL-terminated, "" when
 * empty). Its exit status (128 + signal when killed), or -1 with errno
 * when it cannot start. */
int sg_run_tool(char *const argv[], char **out, char **err);

typedef struct {
    const char *partition;   /* NULL: the cluster's default */
    const char *time_limit;  /* NULL: the partition's default */
    long max_parallel;       /* 0: no throttle */
    bool wait;               /* false: submit and return */
} sg_slurm_options;

/* sg_slurm_follow's status when the recorded job is still running and
 * wait is false */
#define SG_SLURM_IN_FLIGHT (-1)

/* Writes OUT/slurm/array.sbatch and its points list for the points
 * pending[0..n_pending), submits them with sbatch and records the job;
 * then, when o->wait, follows it (sg_slurm_follow). 0 or an exit status. */
int sg_slurm_submit(sg_sweep *s, const size_t *pending, size_t n_pending,
                    const sg_slurm_options *o);
/* When OUT/slurm/job records a job: waits for it (or, without wait, only
 * looks), showing progress, then reports each of its points that left no
 * report and forgets the job. 0 when nothing is recorded or every point
 * of the job succeeded, SG_SLURM_IN_FLIGHT, or an exit status. */
int sg_slurm_follow(sg_sweep *s, bool wait);
/* One array task (`mmulab sweep --slurm-task LIST SPEC`): runs the point
 * named on line $SLURM_ARRAY_TASK_ID+1 of LIST with sg_run_points. */
int sg_slurm_task(sg_sweep *s, const char *points_list);

#endif
