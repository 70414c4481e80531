/*
 * cmd_sweep_grid.c — `mmulab sweep SPEC` (docs/sweeps-grid.md): runs every
 * point of a grid sweep (preset x config x grid values x trace) as a child
 * `mmulab run --json`, a pool of them at a time, keeps each report in
 * OUT/points/<id>.json as it finishes (so a rerun redoes only what is
 * missing), then writes the tidy OUT/results.csv. With --backend slurm the
 * pending points go to a Slurm job array instead (cmd_sweep_grid_slurm.c),
 * whose tasks come back here to run their point with the same runner.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "cmd_run.h"
#include "commands.h"
#include "cli_util.h"
#include "sweep_grid_run.h"

#define MAX_JOBS 1024
#define MAX_ARRAY_THROTTLE 1000000
#define PATH_LEN SG_PATH_LEN

typedef struct {
    const char *spec_path;
    long jobs;
    bool jobs_given, dry_run, progress;
    bool slurm;                 /* --backend slurm */
    const char *slurm_only;     /* the first Slurm option given, for the error */
    sg_slurm_options slurm_opt;
    const char *slurm_task;     /* --slurm-task LIST: run as one array task */
} grid_options;

typedef struct {
    pid_t pid;
    size_t point;
} worker;

static void usage_grid(FILE *f)
{
    fprintf(f,
            "usage: mmulab sweep [--jobs N] [--dry-run] [--no-progress] SPEC\n"
            "       mmulab sweep --backend slurm [--slurm-partition P] [--slurm-time T]\n"
            "                    [--slurm-max-parallel N] [--no-wait] [--no-progress] SPEC\n"
            "       mmulab sweep --one-pass ... (docs/sweeps.md)\n"
            "\n"
            "Runs every point of the grid sweep described by the JSON file SPEC (every\n"
            "preset x config x grid combination x trace; docs/sweeps-grid.md), each as\n"
            "`mmulab run --json` in its own process, and writes OUT/points/<id>.json per\n"
            "point and OUT/results.csv (OUT: the SPEC's \"out\", default results/NAME).\n"
            "Points whose JSON already exists are not run again.\n"
            "  --jobs N        processes at a time (default: the online cores)\n"
            "  --dry-run       list the points (id, done or to do, arguments) and stop\n"
            "  --no-progress   no progress bar on stderr (it only appears on a terminal)\n"
            "  --backend B     local (default) or slurm: the pending points become a Slurm\n"
            "                  job array (OUT/slurm/array.sbatch), waited for with squeue\n"
            "  --slurm-partition P     sbatch --partition (default: the cluster's)\n"
            "  --slurm-time T          sbatch --time per point, e.g. 00:30:00\n"
            "  --slurm-max-parallel N  at most N array tasks at a time (--array=...%%N)\n"
            "  --no-wait       submit and exit; a later `mmulab sweep SPEC` collects\n"
            "exit status: 0 success, 1 a point, Slurm or the output failed, 2 bad command\n"
            "line, SPEC or config (the failing point's own status)\n");
}

static bool parse_count(const char *v, long max, long *out)
{
    char *end;
    errno = 0;
    *out = strtol(v, &end, 10);
    return *v && !*end && !errno && *out >= 1 && *out <= max;
}

/* The value of option argv[*i]; "" when it is the last argument. */
static const char *option_value(int argc, char **argv, int *i)
{
    return *i + 1 < argc ? argv[++*i] : "";
}

static int parse_slurm_option(int argc, char **argv, int *i, grid_options *o)
{
    const char *a = argv[*i];
    if (!o->slurm_only)
        o->slurm_only = a;
    if (!strcmp(a, "--no-wait")) {
        o->slurm_opt.wait = false;
        return 0;
    }
    const char *v = option_value(argc, argv, i);
    if (!strcmp(a, "--slurm-max-parallel")) {
        if (parse_count(v, MAX_ARRAY_THROTTLE, &o->slurm_opt.max_parallel))
            return 0;
        fprintf(stderr, "mmulab sweep: --slurm-max-parallel needs a number from 1 to %d\n",
                MAX_ARRAY_THROTTLE);
        return EXIT_USAGE;
    }
    if (!sg_slurm_word_ok(v)) {
        fprintf(stderr,
                "mmulab sweep: %s needs a value of letters, digits and . _ - , : (got \"%s\")\n", a,
                v);
        return EXIT_USAGE;
    }
    if (!strcmp(a, "--slurm-partition"))
        o->slurm_opt.partition = v;
    else
        o->slurm_opt.time_limit = v;
    return 0;
}

/* Options that only make sense with the other backend. */
static int check_backend(grid_options *o)
{
    if (!o->slurm && o->slurm_only) {
        fprintf(stderr, "mmulab sweep: %s is for --backend slurm\n", o->slurm_only);
        return EXIT_USAGE;
    }
    if (o->slurm && o->jobs_given) {
        fprintf(stderr, "mmulab sweep: --jobs is for --backend local; Slurm runs as many array "
                        "tasks as it schedules (limit them with --slurm-max-parallel)\n");
        return EXIT_USAGE;
    }
    return 0;
}

static int parse_grid(int argc, char **argv, grid_options *o)
{
    memset(o, 0, sizeof *o);
    o->progress = true;
    o->slurm_opt.wait = true;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = cores > 0 ? cores : 1;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage_grid(stdout);
            return -1;
        }
        if (!strcmp(a, "--dry-run")) {
            o->dry_run = true;
        } else if (!strcmp(a, "--no-progress")) {
            o->progress = false;
        } else if (!strcmp(a, "--jobs")) {
            o->jobs_given = true;
            if (!parse_count(option_value(argc, argv, &i), MAX_JOBS, &o->jobs)) {
                fprintf(stderr, "mmulab sweep: --jobs needs a number from 1 to %d\n", MAX_JOBS);
                return EXIT_USAGE;
            }
        } else if (!strcmp(a, "--backend")) {
            const char *v = option_value(argc, argv, &i);
            if (strcmp(v, "local") && strcmp(v, "slurm")) {
                fprintf(stderr, "mmulab sweep: --backend takes local or slurm (got \"%s\")\n", v);
                return EXIT_USAGE;
            }
            o->slurm = !strcmp(v, "slurm");
        } else if (!strcmp(a, "--slurm-partition") || !strcmp(a, "--slurm-time") ||
                   !strcmp(a, "--slurm-max-parallel") || !strcmp(a, "--no-wait")) {
            int rc = parse_slurm_option(argc, argv, &i, o);
            if (rc)
                return rc;
        } else if (!strcmp(a, "--slurm-task")) {
            /* not in the usage: array.sbatch runs it */
            o->slurm_task = option_value(argc, argv, &i);
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "mmulab sweep: unknown option %s; see --help\n", a);
            return EXIT_USAGE;
        } else if (o->spec_path) {
            fprintf(stderr, "mmulab sweep: one SPEC only (got \"%s\" and \"%s\")\n", o->spec_path, a);
            return EXIT_USAGE;
        } else {
            o->spec_path = a;
        }
    }
    if (!o->spec_path) {
        fprintf(stderr, "mmulab sweep: SPEC missing; see --help\n");
        return EXIT_USAGE;
    }
    if (!isatty(STDERR_FILENO))
        o->progress = false;
    return check_backend(o);
}

int sg_make_dirs(const char *path)
{
    char buf[PATH_LEN];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *c = buf + 1;; c++) {
        if (*c != '/' && *c)
            continue;
        char saved = *c;
        *c = '\0';
        if (mkdir(buf, 0777) && errno != EEXIST)
            return -1;
        *c = saved;
        if (!saved)
            return 0;
    }
}

/* points_dir is short enough (checked) that an id fits */
void sg_point_file(const sg_sweep *s, const char *id, const char *suffix, char *out)
{
    if (snprintf(out, PATH_LEN, "%s/%s%s", s->points_dir, id, suffix) >= PATH_LEN)
        out[0] = '\0';
}

static void point_path(const sg_sweep *s, size_t point, const char *suffix, char *out)
{
    sg_point_file(s, s->points[point].id, suffix, out);
}

bool sg_point_done(const sg_sweep *s, const char *id)
{
    char path[PATH_LEN];
    sg_point_file(s, id, ".json", path);
    return access(path, F_OK) == 0;
}

size_t sg_count_done(const sg_sweep *s)
{
    size_t done = 0;
    for (size_t i = 0; i < s->total; i++)
        done += sg_point_done(s, s->points[i].id);
    return done;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + 1e-9 * (double)(now.tv_nsec - t0->tv_nsec);
}

void sg_draw_progress(const sg_sweep *s)
{
    if (!s->progress)
        return;
    enum { WIDTH = 30 };
    size_t filled = s->total ? s->done * WIDTH / s->total : WIDTH;
    char bar[WIDTH + 1];
    for (size_t i = 0; i < WIDTH; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[WIDTH] = '\0';
    char eta[32] = "ETA --";
    if (s->run_now) {
        double left = seconds_since(&s->started) / (double)s->run_now *
                      (double)(s->to_run - s->run_now);
        long secs = (long)(left + 0.5);
        snprintf(eta, sizeof eta, "ETA %ldm%02lds", secs / 60, secs % 60);
    }
    /* padded, so a shorter note overwrites a longer one */
    fprintf(stderr, "\rmmulab sweep: [%s] %zu/%zu points  %s  ", bar, s->done, s->total, eta);
    if (s->queue_note[0])
        fprintf(stderr, "%-28s", s->queue_note);
    fflush(stderr);
}

/* In the child: stdout to the point's .json.tmp, stderr to its .err, then
 * the same executable as `mmulab run`. Never returns. */
static void exec_point(const sg_sweep *s, size_t point, char **run_argv, pid_t sweep_pid)
{
#ifdef __linux__
    /* a killed sweep takes its points along; the check covers a sweep that
     * died before the request was made */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != sweep_pid)
        _exit(126);
#else
    (void)sweep_pid;
#endif
    char tmp[PATH_LEN], err[PATH_LEN];
    point_path(s, point, ".json.tmp", tmp);
    point_path(s, point, ".err", err);
    int out_fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    int err_fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    int in_fd = open("/dev/null", O_RDONLY);
    if (out_fd < 0 || err_fd < 0 || in_fd < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
        dup2(err_fd, STDERR_FILENO) < 0 || dup2(in_fd, STDIN_FILENO) < 0)
        _exit(126);
    execv("/proc/self/exe", run_argv);
    dprintf(STDERR_FILENO, "cannot run /proc/self/exe: %s\n", strerror(errno));
    _exit(127);
}

static pid_t start_point(const sg_sweep *s, size_t point)
{
    char **args = sg_point_argv(s->spec, &s->points[point]);
    if (!args)
        return -1;
    size_t n = 0;
    while (args[n])
        n++;
    char **run_argv = calloc(n + 2, sizeof *run_argv);
    pid_t pid = -1;
    if (run_argv) {
        run_argv[0] = "mmulab";
        memcpy(run_argv + 1, args, n * sizeof *args);
        pid_t sweep_pid = getpid();
        fflush(NULL);
        pid = fork();
        if (pid == 0)
            exec_point(s, point, run_argv, sweep_pid);
    }
    free(run_argv);
    sg_argv_free(args);
    return pid;
}

/* The first line the failed point wrote on stderr, without "mmulab: ". */
static void first_error_line(const char *err_path, int exit_status, char *out, size_t len)
{
    char *text = cli_read_file(err_path);
    char silent[64];
    snprintf(silent, sizeof silent, "exit status %d without a message", exit_status);
    const char *line = text && *text ? text : silent;
    if (!strncmp(line, "mmulab: ", 8))
        line += 8;
    size_t n = strcspn(line, "\r\n");
    snprintf(out, len, "%.*s", (int)n, line);
    free(text);
}

static void finish_point(sg_sweep *s, size_t point, int status)
{
    char tmp[PATH_LEN], json[PATH_LEN], err[PATH_LEN];
    point_path(s, point, ".json.tmp", tmp);
    point_path(s, point, ".json", json);
    point_path(s, point, ".err", err);
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (ok && rename(tmp, json) == 0) {
        remove(err);
        s->done++;
        s->run_now++;
        sg_draw_progress(s);
        return;
    }
    char why[512];
    if (ok)
        snprintf(why, sizeof why, "cannot rename %.400s: %s", tmp, strerror(errno));
    else if (WIFSIGNALED(status))
        snprintf(why, sizeof why, "killed by signal %d", WTERMSIG(status));
    else
        first_error_line(err, WEXITSTATUS(status), why, sizeof why);
    remove(tmp);
    remove(err);
    if (s->progress)
        fputc('\n', stderr);
    fprintf(stderr, "mmulab sweep: point %s: %s\n", s->points[point].id, why);
    if (!s->failure)
        s->failure = WIFEXITED(status) && WEXITSTATUS(status) == EXIT_USAGE ? EXIT_USAGE
                                                                            : EXIT_RUN_FAILED;
}

/* After a failure starts no new point but lets the running ones finish
 * (and keeps their results). */
int sg_run_points(sg_sweep *s, const size_t *pending, size_t n_pending, long jobs)
{
    worker *workers = calloc((size_t)jobs, sizeof *workers);
    if (!workers) {
        fprintf(stderr, "mmulab sweep: out of memory\n");
        return EXIT_RUN_FAILED;
    }
    s->to_run = n_pending;
    clock_gettime(CLOCK_MONOTONIC, &s->started);
    sg_draw_progress(s);
    size_t next = 0, running = 0;
    while (running || (next < s->to_run && !s->failure)) {
        while (next < s->to_run && !s->failure && running < (size_t)jobs) {
            pid_t pid = start_point(s, pending[next]);
            if (pid < 0) {
                fprintf(stderr, "%smmulab sweep: point %s: cannot start: %s\n",
                        s->progress ? "\n" : "", s->points[pending[next]].id, strerror(errno));
                s->failure = EXIT_RUN_FAILED;
                break;
            }
            for (long w = 0; w < jobs; w++)
                if (!workers[w].pid) {
                    workers[w] = (worker){pid, pending[next]};
                    break;
                }
            next++;
            running++;
        }
        if (!running)
            break;
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "mmulab sweep: waitpid: %s\n", strerror(errno));
            s->failure = EXIT_RUN_FAILED;
            break;
        }
        for (long w = 0; w < jobs; w++)
            if (workers[w].pid == pid) {
                workers[w].pid = 0;
                running--;
                finish_point(s, workers[w].point, status);
                break;
            }
    }
    if (s->progress && !s->failure)
        fputc('\n', stderr);
    free(workers);
    return s->failure;
}

static void print_points(const sg_sweep *s)
{
    printf("%zu points, output in %s\n", s->total, s->spec->out_dir);
    for (size_t i = 0; i < s->total; i++) {
        char **args = sg_point_argv(s->spec, &s->points[i]);
        printf("%s\t%s\tmmulab", s->points[i].id,
               sg_point_done(s, s->points[i].id) ? "done" : "pending");
        for (size_t k = 0; args && args[k]; k++)
            printf(" %s", args[k]);
        printf("\n");
        sg_argv_free(args);
    }
}

/* The points without a report, in SPEC order, in *pending (NULL when
 * memory runs out); counts the others in s->done. */
static size_t *find_pending(sg_sweep *s, size_t *n_pending)
{
    size_t *pending = calloc(s->total ? s->total : 1, sizeof *pending);
    *n_pending = 0;
    s->done = 0;
    for (size_t i = 0; pending && i < s->total; i++) {
        if (sg_point_done(s, s->points[i].id))
            s->done++;
        else
            pending[(*n_pending)++] = i;
    }
    return pending;
}

static int write_results(sg_sweep *s, size_t done_before)
{
    char csv[PATH_LEN], msg[512];
    snprintf(csv, sizeof csv, "%s/results.csv", s->spec->out_dir);
    if (sg_csv_write(s->spec, s->points, s->total, s->points_dir, csv, msg, sizeof msg)) {
        fprintf(stderr, "mmulab sweep: %s\n", msg);
        return EXIT_RUN_FAILED;
    }
    fprintf(stderr, "mmulab sweep: %zu points (%zu run now) -> %s\n", s->total,
            s->total - done_before, csv);
    return 0;
}

/* A Slurm job of an earlier `mmulab sweep` may still be filling the
 * points: it is followed first, whatever the backend, so no point runs
 * twice. Then the pending points run here or become a job array. */
static int run_sweep(sg_sweep *s, const grid_options *o)
{
    size_t done_before = sg_count_done(s), n_pending;
    int rc = sg_slurm_follow(s, o->slurm_opt.wait);
    if (rc)
        return rc == SG_SLURM_IN_FLIGHT ? 0 : rc;
    size_t *pending = find_pending(s, &n_pending);
    if (!pending) {
        fprintf(stderr, "mmulab sweep: out of memory\n");
        return EXIT_RUN_FAILED;
    }
    s->run_now = 0;
    s->queue_note[0] = '\0';
    if (n_pending && o->slurm)
        rc = sg_slurm_submit(s, pending, n_pending, &o->slurm_opt);
    else if (n_pending)
        rc = sg_run_points(s, pending, n_pending, o->jobs);
    free(pending);
    if (rc)
        return rc == SG_SLURM_IN_FLIGHT ? 0 : rc;
    return write_results(s, done_before);
}

int cmd_sweep_grid(int argc, char **argv)
{
    grid_options o;
    int rc = parse_grid(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    sg_spec spec;
    char msg[512];
    if (sg_spec_load(o.spec_path, &spec, msg, sizeof msg)) {
        fprintf(stderr, "mmulab sweep: %s\n", msg);
        return EXIT_USAGE;
    }
    sg_sweep s = {.spec = &spec, .spec_path = o.spec_path,
                  .progress = o.progress && !o.slurm_task};
    sg_point *points = sg_points_make(&spec, &s.total);
    s.points = points;
    if (!points) {
        fprintf(stderr, "mmulab sweep: %s: too many points or out of memory\n", o.spec_path);
        sg_spec_free(&spec);
        return EXIT_RUN_FAILED;
    }
    if (snprintf(s.points_dir, sizeof s.points_dir, "%s/points", spec.out_dir) >= PATH_LEN - 256) {
        fprintf(stderr, "mmulab sweep: output directory name too long: %s\n", spec.out_dir);
        rc = EXIT_USAGE;
    } else if (o.dry_run) {
        print_points(&s);
    } else if (sg_make_dirs(s.points_dir)) {
        fprintf(stderr, "mmulab sweep: cannot create %s: %s\n", s.points_dir, strerror(errno));
        rc = EXIT_RUN_FAILED;
    } else if (o.slurm_task) {
        rc = sg_slurm_task(&s, o.slurm_task);
    } else {
        rc = run_sweep(&s, &o);
    }
    sg_points_free(points, s.total);
    sg_spec_free(&spec);
    return rc;
}
