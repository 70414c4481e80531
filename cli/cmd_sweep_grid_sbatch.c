/*
 * cmd_sweep_grid_sbatch.c — the text side of `mmulab sweep --backend slurm`
 * (docs/sweeps-grid.md, "Slurm"): the array.sbatch script, and reading
 * what sbatch and squeue print. No processes here, so all of it is unit
 * tested without a cluster.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep_grid.h"

typedef struct {
    char *buf;
    size_t len, cap;
    bool failed;
} script_buf;

static void sb_add(script_buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *grown = realloc(b->buf, cap);
        if (!grown) {
            b->failed = true;
            return;
        }
        b->buf = grown;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

static void sb_str(script_buf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static void sb_printf(script_buf *b, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof line)
        b->failed = true;
    else
        sb_add(b, line, (size_t)n);
}

/* `#SBATCH --OPTION=VALUE` for a value of safe characters (a SPEC name,
 * sg_slurm_word_ok) */
static void sb_option(script_buf *b, const char *option, const char *value)
{
    sb_str(b, "#SBATCH --");
    sb_str(b, option);
    sb_str(b, "=");
    sb_str(b, value);
    sb_str(b, "\n");
}

/* One word for sh: single quotes, each ' written as '\'' */
static void sb_shell_word(script_buf *b, const char *s)
{
    sb_str(b, "'");
    for (const char *q; (q = strchr(s, '\'')); s = q + 1) {
        sb_add(b, s, (size_t)(q - s));
        sb_str(b, "'\\''");
    }
    sb_str(b, s);
    sb_str(b, "'");
}

/* `#SBATCH --OPTION="PATH"`: sbatch takes the double quotes off; a '%'
 * would start one of its file name patterns, so it is doubled when asked;
 * a '\' would switch those patterns off and a '"' or line break would end
 * the value, so such a path is refused. */
static bool sb_path_option(script_buf *b, const char *option, const char *path, bool patterns,
                           char *msg, size_t msg_len)
{
    if (strpbrk(path, "\"\\\n\r")) {
        snprintf(msg, msg_len,
                 "%s cannot go on an #SBATCH line (it holds a '\"', '\\' or line break): %.300s",
                 option, path);
        return false;
    }
    sb_str(b, "#SBATCH --");
    sb_str(b, option);
    sb_str(b, "=\"");
    for (const char *q; patterns && (q = strchr(path, '%')); path = q + 1) {
        sb_add(b, path, (size_t)(q - path));
        sb_str(b, "%%");
    }
    sb_str(b, path);
    return true;
}

char *sg_sbatch_script(const sg_sbatch *b, char *msg, size_t msg_len)
{
    script_buf s = {0};
    sb_str(&s, "#!/bin/sh\n"
               "# array.sbatch, written by `mmulab sweep --backend slurm` (docs/sweeps-grid.md).\n"
               "# Array task I runs the point named on line I+1 of the points list, exactly\n"
               "# as `mmulab sweep` runs a point locally, and leaves OUT/points/<id>.json.\n");
    sb_option(&s, "job-name", b->job_name);
    if (b->max_parallel > 0)
        sb_printf(&s, "#SBATCH --array=0-%zu%%%ld\n", b->n_tasks - 1, b->max_parallel);
    else
        sb_printf(&s, "#SBATCH --array=0-%zu\n", b->n_tasks - 1);
    /* `mmulab run` is one process; its trace-decoding thread shares the core */
    sb_str(&s, "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n");
    if (!sb_path_option(&s, "chdir", b->work_dir, false, msg, msg_len))
        goto refused;
    sb_str(&s, "\"\n");
    if (!sb_path_option(&s, "output", b->log_dir, true, msg, msg_len))
        goto refused;
    sb_str(&s, "/%A_%a.out\"\n");
    if (b->partition)
        sb_option(&s, "partition", b->partition);
    if (b->time_limit)
        sb_option(&s, "time", b->time_limit);
    sb_str(&s, "exec ");
    sb_shell_word(&s, b->mmulab);
    sb_str(&s, " sweep --slurm-task ");
    sb_shell_word(&s, b->points_list);
    sb_str(&s, " ");
    sb_shell_word(&s, b->spec_path);
    sb_str(&s, "\n");
    if (s.failed) {
        snprintf(msg, msg_len, "out of memory writing array.sbatch");
        free(s.buf);
        return NULL;
    }
    return s.buf;
refused:
    free(s.buf);
    return NULL;
}

bool sg_slurm_word_ok(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              strchr("._-,:", *s)))
            return false;
    return true;
}

unsigned long sg_sbatch_job_id(const char *out)
{
    while (*out == ' ' || *out == '\n')
        out++;
    unsigned long id = 0;
    const char *p = out;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (id > (~0ul - 9) / 10)
            return 0;
        id = id * 10 + (unsigned long)(*p - '0');
    }
    if (p == out || (*p && *p != ';' && *p != '\n' && *p != '\r' && *p != ' '))
        return 0;
    return id;
}

void sg_squeue_count(const char *out, size_t *pending, size_t *running, size_t *other)
{
    *pending = *running = *other = 0;
    while (*out) {
        size_t n = strcspn(out, "\n");
        size_t end = n;
        while (end && (out[end - 1] == ' ' || out[end - 1] == '\r'))
            end--;
        const char *word = out;
        while (end && *word == ' ') {
            word++;
            end--;
        }
        if (end == 7 && !strncmp(word, "PENDING", 7))
            ++*pending;
        else if (end == 7 && !strncmp(word, "RUNNING", 7))
            ++*running;
        else if (end)
            ++*other;
        out += n + (out[n] == '\n');
    }
}

void sg_tool_message(const char *text, char *out, size_t len)
{
    static const char *const noise[] = {"sbatch: error: ", "squeue: error: ",
                                        "slurm_load_jobs error: ", "sbatch: ", "squeue: "};
    size_t used = 0;
    out[0] = '\0';
    while (text && *text) {
        size_t n = strcspn(text, "\r\n");
        const char *line = text;
        text += n;
        text += strspn(text, "\r\n");
        for (size_t i = 0; i < sizeof noise / sizeof *noise; i++) {
            size_t k = strlen(noise[i]);
            if (n >= k && !strncmp(line, noise[i], k)) {
                line += k;
                n -= k;
                break;
            }
        }
        if (!n || used + 1 >= len)
            continue;
        int w = snprintf(out + used, len - used, "%s%.*s", used ? "; " : "", (int)n, line);
        used = w < 0 ? len : used + (size_t)w;
        if (used >= len)
            used = len - 1;
    }
}
