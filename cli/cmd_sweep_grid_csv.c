/*
 * cmd_sweep_grid_csv.c — results.csv of `mmulab sweep SPEC`: one tidy row
 * per point (preset, config, grid values, trace, then every metric of the
 * point's JSON report flattened to a column), written atomically.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"
#include "sweep_grid.h"

typedef struct {
    size_t column;
    const char *value;   /* points into the point's parsed report */
} cell;

typedef struct {
    sg_json *report;
    cell *cells;
    size_t n_cells, cap_cells;
} row;

typedef struct {
    char **names;
    size_t n, cap;
    size_t hint;         /* rows mostly repeat the previous row's columns */
    row *current;
    bool out_of_memory;
} table;

static long find_or_add_column(table *t, const char *name)
{
    if (t->hint < t->n && !strcmp(t->names[t->hint], name))
        return (long)t->hint++;
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->names[i], name)) {
            t->hint = i + 1;
            return (long)i;
        }
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        char **grown = realloc(t->names, cap * sizeof *grown);
        if (!grown)
            return -1;
        t->names = grown;
        t->cap = cap;
    }
    if (!(t->names[t->n] = strdup(name)))
        return -1;
    t->hint = t->n + 1;
    return (long)t->n++;
}

static void add_cell(table *t, const char *name, const char *value)
{
    row *r = t->current;
    long column = find_or_add_column(t, name);
    if (column < 0) {
        t->out_of_memory = true;
        return;
    }
    if (r->n_cells == r->cap_cells) {
        size_t cap = r->cap_cells ? 2 * r->cap_cells : 256;
        cell *grown = realloc(r->cells, cap * sizeof *grown);
        if (!grown) {
            t->out_of_memory = true;
            return;
        }
        r->cells = grown;
        r->cap_cells = cap;
    }
    r->cells[r->n_cells++] = (cell){(size_t)column, value ? value : ""};
}

/* The path component of an array element: its "name" (tlbs), "l" and its
 * "level" (walk-cache levels), else its index. */
static void element_label(const sg_json *item, size_t index, char *out, size_t len,
                          const char **skip_member)
{
    const sg_json *name = sg_json_get(item, "name");
    const sg_json *level = sg_json_get(item, "level");
    *skip_member = NULL;
    if (name && name->type == SG_STRING) {
        snprintf(out, len, "%s", name->text);
        *skip_member = "name";
    } else if (level && level->type == SG_NUMBER) {
        snprintf(out, len, "l%s", level->text);
        *skip_member = "level";
    } else {
        snprintf(out, len, "%zu", index);
    }
}

/* Column names: "run." and "tlbs." are dropped (l1dtlb.load.misses,
 * instructions) and run.mpki.TLB.ACCESS becomes TLB.ACCESS.mpki. */
static void emit_leaf(table *t, const char *path, const char *value)
{
    char name[512];
    if (!strncmp(path, "run.mpki.", 9))
        snprintf(name, sizeof name, "%s.mpki", path + 9);
    else if (!strncmp(path, "run.", 4))
        snprintf(name, sizeof name, "%s", path + 4);
    else if (!strncmp(path, "tlbs.", 5))
        snprintf(name, sizeof name, "%s", path + 5);
    else
        snprintf(name, sizeof name, "%s", path);
    add_cell(t, name, value);
}

static void flatten(table *t, const sg_json *v, const char *path)
{
    if (v->type != SG_OBJECT && v->type != SG_ARRAY) {
        emit_leaf(t, path, v->text);
        return;
    }
    for (size_t i = 0; i < v->n_items; i++) {
        const sg_json *item = v->items[i];
        char label[128], sub[512];
        const char *skip = NULL;
        if (v->type == SG_OBJECT) {
            if (!*path && (!strcmp(item->key, "report_version") || !strcmp(item->key, "config")))
                continue;
            if (!strcmp(path, "run") && !strcmp(item->key, "label"))
                continue;
            /* 101 latency percentiles are a curve, not metrics: plots read
             * them from the point's JSON report */
            if (!strcmp(path, "walks.latency") && !strcmp(item->key, "percentiles"))
                continue;
            snprintf(label, sizeof label, "%s", item->key);
        } else {
            element_label(item, i, label, sizeof label, &skip);
        }
        if (snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", label) >= (int)sizeof sub)
            continue; /* a report is never nested this deep */
        if (skip) {
            for (size_t k = 0; k < item->n_items; k++)
                if (strcmp(item->items[k]->key, skip)) {
                    char leaf[512];
                    if (snprintf(leaf, sizeof leaf, "%s.%s", sub, item->items[k]->key) <
                        (int)sizeof leaf)
                        flatten(t, item->items[k], leaf);
                }
        } else {
            flatten(t, item, sub);
        }
    }
}


static int csv_fail(char *msg, size_t msg_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, msg_len, fmt, ap);
    va_end(ap);
    return -1;
}

static int load_rows(const sg_point *points, size_t n_points, const char *points_dir, table *t,
                     row *rows, char *msg, size_t msg_len)
{
    for (size_t i = 0; i < n_points; i++) {
        char path[4096], why[256];
        snprintf(path, sizeof path, "%s/%s.json", points_dir, points[i].id);
        char *text = cli_read_file(path);
        if (!text)
            return csv_fail(msg, msg_len, "%s: %s", path, strerror(errno));
        rows[i].report = sg_json_parse(text, why, sizeof why);
        free(text);
        if (!rows[i].report || rows[i].report->type != SG_OBJECT)
            return csv_fail(msg, msg_len, "%s: %s", path,
                            rows[i].report ? "not a report object" : why);
        t->current = &rows[i];
        t->hint = 0;
        flatten(t, rows[i].report, "");
        if (t->out_of_memory)
            return csv_fail(msg, msg_len, "out of memory");
    }
    return 0;
}

static void write_table(FILE *f, const sg_spec *spec, const sg_point *points, size_t n_points,
                        const table *t, const row *rows, const char **line)
{
    bool with_config = spec->configs[0] != NULL;
    fputs("preset", f);
    if (with_config)
        fputs(",config", f);
    for (size_t a = 0; a < spec->n_grid; a++) {
        fputc(',', f);
        cli_put_csv_field(f, spec->grid[a].key);
    }
    fputs(",trace,point", f);
    for (size_t c = 0; c < t->n; c++) {
        fputc(',', f);
        cli_put_csv_field(f, t->names[c]);
    }
    fputc('\n', f);
    for (size_t i = 0; i < n_points; i++) {
        const sg_point *pt = &points[i];
        cli_put_csv_field(f, pt->preset ? pt->preset : "");
        if (with_config) {
            fputc(',', f);
            cli_put_csv_field(f, pt->config ? pt->config : "");
        }
        for (size_t a = 0; a < spec->n_grid; a++) {
            fputc(',', f);
            cli_put_csv_field(f, spec->grid[a].values[pt->value_index[a]]);
        }
        fputc(',', f);
        cli_put_csv_field(f, pt->trace);
        fputc(',', f);
        cli_put_csv_field(f, pt->id);
        for (size_t c = 0; c < t->n; c++)
            line[c] = NULL;
        for (size_t k = 0; k < rows[i].n_cells; k++)
            line[rows[i].cells[k].column] = rows[i].cells[k].value;
        for (size_t c = 0; c < t->n; c++) {
            fputc(',', f);
            if (line[c])
                cli_put_csv_field(f, line[c]);
        }
        fputc('\n', f);
    }
}

int sg_csv_write(const sg_spec *spec, const sg_point *points, size_t n_points,
                 const char *points_dir, const char *out_path, char *msg, size_t msg_len)
{
    table t = {0};
    row *rows = calloc(n_points ? n_points : 1, sizeof *rows);
    int rc = rows ? load_rows(points, n_points, points_dir, &t, rows, msg, msg_len)
                  : csv_fail(msg, msg_len, "out of memory");
    const char **line = rc ? NULL : calloc(t.n + 1, sizeof *line);
    char *text = NULL;
    size_t len = 0;
    FILE *f = line ? open_memstream(&text, &len) : NULL;
    if (!rc && !f)
        rc = csv_fail(msg, msg_len, "out of memory");
    if (f) {
        write_table(f, spec, points, n_points, &t, rows, line);
        if (fclose(f))
            rc = csv_fail(msg, msg_len, "out of memory");
        else if (cli_write_atomically(out_path, text, len))
            rc = csv_fail(msg, msg_len, "cannot write %s: %s", out_path, strerror(errno));
    }
    free(text);
    free(line);
    for (size_t i = 0; rows && i < n_points; i++) {
        sg_json_free(rows[i].report);
        free(rows[i].cells);
    }
    free(rows);
    for (size_t c = 0; c < t.n; c++)
        free(t.names[c]);
    free(t.names);
    return rc;
}
