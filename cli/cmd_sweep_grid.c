/*
 * cmd_sweep_grid.c — `mmulab sweep SPEC` (docs/sweeps-grid.md): runs every
 * point of a grid sweep (preset x config x grid values x trace) as a child
 * `mmulab run --json`, a pool of them at a time, keeps each report in
 * OUT/points/<id>.json as it finishes (so a rerun redoes only what is
 * missing), then writes the tidy OUT/results.csv.
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
#include "sweep_grid.h"

#define MAX_JOBS 1024
#define PATH_LEN 4096

typedef struct {
    const char *spec_path;
    long jobs;
    bool dry_run, progress;
} grid_options;

typedef struct {
    pid_t pid;
    size_t point;
} worker;

typedef struct {
    const sg_spec *spec;
    const sg_point *points;
    char points_dir[PATH_LEN];
    size_t total, done, run_now, to_run;
    struct timespec started;
    bool progress;
    int failure;               /* exit status of the first failed point */
} sweep_state;

static void usage_grid(FILE *f)
{
    fprintf(f,
            "usage: mmulab sweep [--jobs N] [--dry-run] [--no-progress] SPEC\n"
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
            "exit status: 0 success, 1 a point or the output failed, 2 bad command line,\n"
            "SPEC or config (the failing point's own status)\n");
}

static int parse_grid(int argc, char **argv, grid_options *o)
{
    memset(o, 0, sizeof *o);
    o->progress = true;
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
            char *end;
            const char *v = i + 1 < argc ? argv[++i] : "";
            errno = 0;
            o->jobs = strtol(v, &end, 10);
            if (!*v || *end || errno || o->jobs < 1 || o->jobs > MAX_JOBS) {
                fprintf(stderr, "mmulab sweep: --jobs needs a number from 1 to %d\n", MAX_JOBS);
                return EXIT_USAGE;
            }
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
    return 0;
}

static int make_dirs(const char *path)
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

/* The file of a point; points_dir is short enough (checked) that it fits. */
static void point_path(const sweep_state *s, size_t point, const char *suffix, char *out)
{
    if (snprintf(out, PATH_LEN, "%s/%s%s", s->points_dir, s->points[point].id, suffix) >= PATH_LEN)
        out[0] = '\0';
}

static bool point_done(const sweep_state *s, size_t point)
{
    char path[PATH_LEN];
    point_path(s, point, ".json", path);
    return access(path, F_OK) == 0;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + 1e-9 * (double)(now.tv_nsec - t0->tv_nsec);
}

static void draw_progress(const sweep_state *s)
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
    fprintf(stderr, "\rmmulab sweep: [%s] %zu/%zu points  %s  ", bar, s->done, s->total, eta);
    fflush(stderr);
}

/* In the child: stdout to the point's .json.tmp, stderr to its .err, then
 * the same executable as `mmulab run`. Never returns. */
static void exec_point(const sweep_state *s, size_t point, char **run_argv, pid_t sweep_pid)
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

static pid_t start_point(const sweep_state *s, size_t point)
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
    char *text = sg_read_file(err_path);
    char silent[64];
    snprintf(silent, sizeof silent, "exit status %d without a message", exit_status);
    const char *line = text && *text ? text : silent;
    if (!strncmp(line, "mmulab: ", 8))
        line += 8;
    size_t n = strcspn(line, "\r\n");
    snprintf(out, len, "%.*s", (int)n, line);
    free(text);
}

static void finish_point(sweep_state *s, size_t point, int status)
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
        draw_progress(s);
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

/* Runs the points not done yet, jobs at a time; after a failure starts no
 * new point but lets the running ones finish (and keeps their results). */
static int run_points(sweep_state *s, long jobs)
{
    size_t *pending = calloc(s->total ? s->total : 1, sizeof *pending);
    worker *workers = calloc((size_t)jobs, sizeof *workers);
    if (!pending || !workers) {
        free(pending);
        free(workers);
        fprintf(stderr, "mmulab sweep: out of memory\n");
        return EXIT_RUN_FAILED;
    }
    for (size_t i = 0; i < s->total; i++) {
        if (point_done(s, i))
            s->done++;
        else
            pending[s->to_run++] = i;
    }
    clock_gettime(CLOCK_MONOTONIC, &s->started);
    draw_progress(s);
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
    free(pending);
    free(workers);
    return s->failure;
}

static void print_points(const sweep_state *s)
{
    printf("%zu points, output in %s\n", s->total, s->spec->out_dir);
    for (size_t i = 0; i < s->total; i++) {
        char **args = sg_point_argv(s->spec, &s->points[i]);
        printf("%s\t%s\tmmulab", s->points[i].id, point_done(s, i) ? "done" : "pending");
        for (size_t k = 0; args && args[k]; k++)
            printf(" %s", args[k]);
        printf("\n");
        sg_argv_free(args);
    }
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
    sweep_state s = {.spec = &spec, .progress = o.progress};
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
    } else if (make_dirs(s.points_dir)) {
        fprintf(stderr, "mmulab sweep: cannot create %s: %s\n", s.points_dir, strerror(errno));
        rc = EXIT_RUN_FAILED;
    } else if (!(rc = run_points(&s, o.jobs))) {
        char csv[PATH_LEN];
        snprintf(csv, sizeof csv, "%s/results.csv", spec.out_dir);
        if (sg_csv_write(&spec, points, s.total, s.points_dir, csv, msg, sizeof msg)) {
            fprintf(stderr, "mmulab sweep: %s\n", msg);
            rc = EXIT_RUN_FAILED;
        } else {
            fprintf(stderr, "mmulab sweep: %zu points (%zu run now) -> %s\n", s.total, s.run_now,
                    csv);
        }
    }
    sg_points_free(points, s.total);
    sg_spec_free(&spec);
    return rc;
}
