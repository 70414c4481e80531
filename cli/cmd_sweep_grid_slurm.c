/*
 * cmd_sweep_grid_slurm.c — `mmulab sweep --backend slurm SPEC`
 * (docs/sweeps-grid.md, "Slurm"): the pending points become one Slurm job
 * array. It writes OUT/slurm/points.txt (task I runs the point on line
 * I+1) and OUT/slurm/array.sbatch, submits it with `sbatch --parsable`,
 * records the job in OUT/slurm/job, follows it by polling squeue while
 * counting the points' reports, and names every point the job left
 * without one. Each array task is `mmulab sweep --slurm-task`, which runs
 * its point with the local backend's runner (sg_run_points).
 */
#define _XOPEN_SOURCE 700  /* realpath */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd_run.h"
#include "cli_util.h"
#include "sweep_grid_run.h"

#define FAILURES_SHOWN 10
#define SQUEUE_MAX_INTERVAL 30.0  /* seconds; polls start at 1 s and double */
#define FILE_POLL_NS 500000000L

typedef struct {
    char dir[SG_PATH_LEN];     /* OUT/slurm */
    char job[SG_PATH_LEN];     /* OUT/slurm/job: the id of the job in flight */
    char list[SG_PATH_LEN];    /* OUT/slurm/points.txt */
    char script[SG_PATH_LEN];  /* OUT/slurm/array.sbatch */
    char logs[SG_PATH_LEN];    /* OUT/slurm/logs */
} slurm_files;

static void files_of(const sg_sweep *s, slurm_files *f)
{
    /* out_dir is shorter than SG_PATH_LEN - 256 (checked by the caller) */
    snprintf(f->dir, sizeof f->dir, "%s/slurm", s->spec->out_dir);
    snprintf(f->job, sizeof f->job, "%s/slurm/job", s->spec->out_dir);
    snprintf(f->list, sizeof f->list, "%s/slurm/points.txt", s->spec->out_dir);
    snprintf(f->script, sizeof f->script, "%s/slurm/array.sbatch", s->spec->out_dir);
    snprintf(f->logs, sizeof f->logs, "%s/slurm/logs", s->spec->out_dir);
}

/* ---- files ---------------------------------------------------------------- */

/* The lines of a file, split in place: lines[i] point into *text. */
static char **read_lines(const char *path, char **text, size_t *n_lines)
{
    *n_lines = 0;
    if (!(*text = cli_read_file(path)))
        return NULL;
    size_t cap = 1;
    for (const char *c = *text; *c; c++)
        cap += *c == '\n';
    char **lines = calloc(cap, sizeof *lines);
    if (!lines) {
        free(*text);
        *text = NULL;
        errno = ENOMEM;
        return NULL;
    }
    for (char *line = *text; *line;) {
        char *end = line + strcspn(line, "\n");
        bool last = !*end;
        *end = '\0';
        lines[(*n_lines)++] = line;
        if (last)
            break;
        line = end + 1;
    }
    return lines;
}

/* The last non-empty line of a task's log, in out ("" when none). */
static void last_log_line(const char *path, char *out, size_t len)
{
    char *text = cli_read_file(path);
    out[0] = '\0';
    if (!text)
        return;
    size_t end = strlen(text);
    while (end && (text[end - 1] == '\n' || text[end - 1] == '\r'))
        end--;
    size_t start = end;
    while (start && text[start - 1] != '\n')
        start--;
    snprintf(out, len, "%.*s", (int)(end - start), text + start);
    free(text);
}

/* ---- following a job ------------------------------------------------------- */

typedef struct {
    unsigned long job;
    char **ids;               /* the job's points, by array index */
    size_t n_ids;
} job_record;

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static size_t job_points_done(const sg_sweep *s, const job_record *r)
{
    size_t done = 0;
    for (size_t i = 0; i < r->n_ids; i++)
        done += sg_point_done(s, r->ids[i]);
    return done;
}

/* Asks squeue for the job's array tasks still queued or running: 1 some
 * are (counted in queue_note), 0 none are left, -1 squeue failed (said). */
static int job_in_queue(sg_sweep *s, unsigned long job)
{
    char id[32];
    snprintf(id, sizeof id, "--jobs=%lu", job);
    char *argv[] = {"squeue", "--noheader", "--array", id, "--format=%T", NULL};
    char *out, *err;
    int status = sg_run_tool(argv, &out, &err);
    int in_queue = -1;
    char why[512];
    if (status < 0) {
        fprintf(stderr, "%smmulab sweep: cannot run squeue: %s\n", s->progress ? "\n" : "",
                strerror(errno));
    } else if (status != 0) {
        /* a job that ended long ago is forgotten by slurmctld (MinJobAge) */
        if (strstr(err, "Invalid job id")) {
            in_queue = 0;
        } else {
            sg_tool_message(err, why, sizeof why);
            fprintf(stderr, "%smmulab sweep: squeue: %s\n", s->progress ? "\n" : "",
                    why[0] ? why : "failed without a message");
        }
    } else {
        size_t pending, running, other;
        sg_squeue_count(out, &pending, &running, &other);
        in_queue = pending + running + other > 0;
        snprintf(s->queue_note, sizeof s->queue_note, "%zu running, %zu queued", running + other,
                 pending);
    }
    free(out);
    free(err);
    return in_queue;
}

/* Names each point of the job without a report, with the last line of its
 * task's log: the point's own error, or what Slurm said (time limit, ...). */
static int report_missing(const sg_sweep *s, const job_record *r, const slurm_files *f)
{
    size_t missing = 0;
    for (size_t i = 0; i < r->n_ids; i++) {
        if (sg_point_done(s, r->ids[i]))
            continue;
        if (++missing > FAILURES_SHOWN)
            continue;
        char log[SG_PATH_LEN + 64], line[512], prefix[256];
        snprintf(log, sizeof log, "%s/%lu_%zu.out", f->logs, r->job, i);
        last_log_line(log, line, sizeof line);
        int n = snprintf(prefix, sizeof prefix, "mmulab sweep: point %s: ", r->ids[i]);
        if (n > 0 && !strncmp(line, prefix, (size_t)n))
            fprintf(stderr, "%s\n", line);
        else if (line[0])
            fprintf(stderr, "%sSlurm task %lu_%zu left no report: %s\n", prefix, r->job, i, line);
        else
            fprintf(stderr, "%sSlurm task %lu_%zu left no report and no log (%s)\n", prefix,
                    r->job, i, log);
    }
    if (missing > FAILURES_SHOWN)
        fprintf(stderr,
                "mmulab sweep: %zu more points of Slurm job %lu left no report (logs in %s)\n",
                missing - FAILURES_SHOWN, r->job, f->logs);
    return missing ? EXIT_RUN_FAILED : 0;
}

static bool load_record(const slurm_files *f, job_record *r, char **list_text, int *rc)
{
    char *text = cli_read_file(f->job);
    *rc = 0;
    if (!text) {
        if (errno != ENOENT) {
            fprintf(stderr, "mmulab sweep: cannot read %s: %s\n", f->job, strerror(errno));
            *rc = EXIT_RUN_FAILED;
        }
        return false;
    }
    r->job = sg_sbatch_job_id(text);
    free(text);
    if (!r->job) {
        fprintf(stderr, "mmulab sweep: %s holds no job id; delete it if no job of this sweep is "
                        "queued\n", f->job);
        *rc = EXIT_RUN_FAILED;
        return false;
    }
    if (!(r->ids = read_lines(f->list, list_text, &r->n_ids))) {
        fprintf(stderr, "mmulab sweep: cannot read %s: %s\n", f->list, strerror(errno));
        *rc = EXIT_RUN_FAILED;
        return false;
    }
    return true;
}

int sg_slurm_follow(sg_sweep *s, bool wait)
{
    slurm_files f;
    files_of(s, &f);
    job_record r = {0};
    char *list_text = NULL;
    int rc;
    if (!load_record(&f, &r, &list_text, &rc))
        return rc;
    size_t job_done = job_points_done(s, &r);
    s->to_run = r.n_ids - job_done;
    s->run_now = 0;
    s->queue_note[0] = '\0';
    clock_gettime(CLOCK_MONOTONIC, &s->started);
    double interval = 1.0, next_squeue = now_seconds();
    bool drawn = false;
    while (job_done < r.n_ids) {
        if (now_seconds() >= next_squeue) {
            int queued = job_in_queue(s, r.job);
            if (queued < 0) {
                fprintf(stderr, "mmulab sweep: Slurm job %lu stays recorded in %s; `mmulab sweep "
                                "%s` again follows it\n", r.job, f.job, s->spec_path);
                rc = EXIT_RUN_FAILED;
                goto out;
            }
            if (!queued) {
                job_done = job_points_done(s, &r);  /* the last tasks may have just finished */
                break;
            }
            if (!wait) {
                fprintf(stderr, "mmulab sweep: Slurm job %lu is not finished: %zu of its %zu "
                                "points done (%s); `mmulab sweep %s` again collects\n",
                        r.job, job_done, r.n_ids, s->queue_note, s->spec_path);
                rc = SG_SLURM_IN_FLIGHT;
                goto out;
            }
            next_squeue = now_seconds() + interval;
            interval = interval * 2 > SQUEUE_MAX_INTERVAL ? SQUEUE_MAX_INTERVAL : interval * 2;
        }
        if (s->progress) {
            s->done = sg_count_done(s);
            s->run_now = job_done - (r.n_ids - s->to_run);
            sg_draw_progress(s);
            drawn = true;
        }
        struct timespec pause = {0, FILE_POLL_NS};
        nanosleep(&pause, NULL);
        job_done = job_points_done(s, &r);
    }
    if (drawn) {
        s->done = sg_count_done(s);
        s->run_now = job_done - (r.n_ids - s->to_run);
        snprintf(s->queue_note, sizeof s->queue_note, "job %lu finished", r.job);
        sg_draw_progress(s);
        fputc('\n', stderr);
    }
    rc = report_missing(s, &r, &f);
    if (remove(f.job)) {
        fprintf(stderr, "mmulab sweep: cannot remove %s: %s\n", f.job, strerror(errno));
        rc = EXIT_RUN_FAILED;
    }
out:
    free(r.ids);
    free(list_text);
    return rc;
}

/* ---- submitting -------------------------------------------------------- */

static int write_file(const char *path, const char *text)
{
    if (cli_write_atomically(path, text, strlen(text)) == 0)
        return 0;
    fprintf(stderr, "mmulab sweep: cannot write %s: %s\n", path, strerror(errno));
    return EXIT_RUN_FAILED;
}

static int write_points_list(const sg_sweep *s, const size_t *pending, size_t n,
                             const slurm_files *f)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(s->points[pending[i]].id) + 1;
    char *text = malloc(len), *at = text;
    if (!text) {
        fprintf(stderr, "mmulab sweep: out of memory\n");
        return EXIT_RUN_FAILED;
    }
    for (size_t i = 0; i < n; i++)
        at += sprintf(at, "%s\n", s->points[pending[i]].id);
    int rc = write_file(f->list, text);
    free(text);
    return rc;
}

/* The absolute paths the script needs: where the tasks run, the logs, the
 * executable and the points list. */
static int absolute_paths(const slurm_files *f, char *work, char *logs, char *exe, char *list)
{
    char real_exe[PATH_MAX], slurm_dir[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", real_exe, sizeof real_exe - 1);
    if (n <= 0) {
        fprintf(stderr, "mmulab sweep: cannot find the mmulab executable: %s\n", strerror(errno));
        return EXIT_RUN_FAILED;
    }
    real_exe[n] = '\0';
    if (!getcwd(work, SG_PATH_LEN) || !realpath(f->dir, slurm_dir)) {
        fprintf(stderr, "mmulab sweep: cannot resolve %s: %s\n", f->dir, strerror(errno));
        return EXIT_RUN_FAILED;
    }
    snprintf(exe, SG_PATH_LEN, "%s", real_exe);
    if (snprintf(logs, SG_PATH_LEN, "%s/logs", slurm_dir) >= SG_PATH_LEN ||
        snprintf(list, SG_PATH_LEN, "%s/points.txt", slurm_dir) >= SG_PATH_LEN) {
        fprintf(stderr, "mmulab sweep: path too long: %s\n", slurm_dir);
        return EXIT_RUN_FAILED;
    }
    return 0;
}

static int write_script(const sg_sweep *s, size_t n, const sg_slurm_options *o,
                        const slurm_files *f)
{
    char work[SG_PATH_LEN], logs[SG_PATH_LEN], exe[SG_PATH_LEN], list[SG_PATH_LEN];
    int rc = absolute_paths(f, work, logs, exe, list);
    if (rc)
        return rc;
    char job_name[300], msg[512];
    snprintf(job_name, sizeof job_name, "mmulab-%s", s->spec->name);
    sg_sbatch b = {.job_name = job_name, .partition = o->partition, .time_limit = o->time_limit,
                   .max_parallel = o->max_parallel, .n_tasks = n, .work_dir = work,
                   .log_dir = logs, .mmulab = exe, .points_list = list,
                   .spec_path = s->spec_path};
    char *script = sg_sbatch_script(&b, msg, sizeof msg);
    if (!script) {
        fprintf(stderr, "mmulab sweep: %s\n", msg);
        return EXIT_USAGE;
    }
    rc = write_file(f->script, script);
    free(script);
    return rc;
}

static int submit(const slurm_files *f, unsigned long *job)
{
    char *argv[] = {"sbatch", "--parsable", (char *)f->script, NULL};
    char *out, *err, why[512];
    int status = sg_run_tool(argv, &out, &err);
    int rc = 0;
    if (status < 0) {
        fprintf(stderr, "mmulab sweep: cannot run sbatch: %s\n", strerror(errno));
        rc = EXIT_RUN_FAILED;
    } else if (status != 0) {
        sg_tool_message(err, why, sizeof why);
        fprintf(stderr, "mmulab sweep: sbatch: %s\n", why[0] ? why : "failed without a message");
        rc = EXIT_RUN_FAILED;
    } else if (!(*job = sg_sbatch_job_id(out))) {
        sg_tool_message(out, why, sizeof why);
        fprintf(stderr, "mmulab sweep: sbatch printed no job id: \"%s\"\n", why);
        rc = EXIT_RUN_FAILED;
    }
    free(out);
    free(err);
    return rc;
}

int sg_slurm_submit(sg_sweep *s, const size_t *pending, size_t n_pending,
                    const sg_slurm_options *o)
{
    slurm_files f;
    files_of(s, &f);
    if (sg_make_dirs(f.logs)) {
        fprintf(stderr, "mmulab sweep: cannot create %s: %s\n", f.logs, strerror(errno));
        return EXIT_RUN_FAILED;
    }
    int rc;
    unsigned long job = 0;
    if ((rc = write_points_list(s, pending, n_pending, &f)) ||
        (rc = write_script(s, n_pending, o, &f)) || (rc = submit(&f, &job)))
        return rc;
    char record[32];
    snprintf(record, sizeof record, "%lu\n", job);
    if ((rc = write_file(f.job, record))) {
        fprintf(stderr, "mmulab sweep: Slurm job %lu runs unrecorded; scancel %lu\n", job, job);
        return rc;
    }
    fprintf(stderr, "mmulab sweep: Slurm job %lu: %zu point%s as array tasks 0-%zu of %s\n", job,
            n_pending, n_pending == 1 ? "" : "s", n_pending - 1, f.script);
    if (!o->wait) {
        fprintf(stderr, "mmulab sweep: not waiting; `mmulab sweep %s` collects the results\n",
                s->spec_path);
        return SG_SLURM_IN_FLIGHT;
    }
    return sg_slurm_follow(s, true);
}

/* ---- one array task ---------------------------------------------------- */

int sg_slurm_task(sg_sweep *s, const char *points_list)
{
    const char *task = getenv("SLURM_ARRAY_TASK_ID");
    char *end;
    errno = 0;
    unsigned long index = task ? strtoul(task, &end, 10) : 0;
    if (!task || !*task || *end || errno) {
        fprintf(stderr, "mmulab sweep: --slurm-task runs inside a Slurm array task "
                        "(SLURM_ARRAY_TASK_ID is %s)\n", task ? "not a number" : "not set");
        return EXIT_USAGE;
    }
    char *text;
    size_t n_ids;
    char **ids = read_lines(points_list, &text, &n_ids);
    if (!ids) {
        fprintf(stderr, "mmulab sweep: cannot read %s: %s\n", points_list, strerror(errno));
        return EXIT_RUN_FAILED;
    }
    int rc = EXIT_USAGE;
    if (index >= n_ids) {
        fprintf(stderr, "mmulab sweep: array task %lu: %s has %zu points\n", index, points_list,
                n_ids);
        goto out;
    }
    size_t point = 0;
    while (point < s->total && strcmp(s->points[point].id, ids[index]))
        point++;
    if (point == s->total) {
        fprintf(stderr, "mmulab sweep: point %s: not in the SPEC any more (changed after "
                        "submitting?)\n", ids[index]);
        goto out;
    }
    /* a local sweep may have run it since the submission */
    rc = sg_point_done(s, ids[index]) ? 0 : sg_run_points(s, &point, 1, 1);
out:
    free(ids);
    free(text);
    return rc;
}
