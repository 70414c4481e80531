/*
 * cmd_sweep_grid_spec.c — the SPEC of `mmulab sweep SPEC` (docs/sweeps-grid.md):
 * reading and checking it, expanding trace globs, and turning it into
 * points, each with a stable id and its `mmulab run` arguments.
 */
#define _POSIX_C_SOURCE 200809L
#include <glob.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"
#include "sweep_grid.h"

#define ID_READABLE_MAX 100

static int spec_fail(char *msg, size_t msg_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, msg_len, fmt, ap);
    va_end(ap);
    return -1;
}

static bool name_ok(const char *s)
{
    if (!*s || !strcmp(s, ".") || !strcmp(s, ".."))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '.' || *s == '_' || *s == '-'))
            return false;
    return true;
}

static bool in_list(char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] && s && !strcmp(list[i], s))
            return true;
    return false;
}

/* A list of distinct strings: key's value is a string or an array of them. */
static int string_list(const sg_json *v, const char *key, char ***out, size_t *n_out, char *msg,
                       size_t msg_len)
{
    size_t n = v->type == SG_ARRAY ? v->n_items : 1;
    const sg_json *const *items = v->type == SG_ARRAY ? (const sg_json *const *)v->items : &v;
    if (v->type == SG_ARRAY && n == 0)
        return spec_fail(msg, msg_len, "\"%s\" is an empty list", key);
    char **list = calloc(n, sizeof *list);
    if (!list)
        return spec_fail(msg, msg_len, "out of memory");
    *out = list;
    for (size_t i = 0; i < n; i++) {
        if (items[i]->type != SG_STRING || !items[i]->text[0])
            return spec_fail(msg, msg_len, "\"%s\" must be a non-empty string or a list of them", key);
        if (in_list(list, i, items[i]->text))
            return spec_fail(msg, msg_len, "\"%s\" lists \"%s\" twice", key, items[i]->text);
        if (!(list[i] = strdup(items[i]->text)))
            return spec_fail(msg, msg_len, "out of memory");
        *n_out = i + 1;
    }
    return 0;
}

static int load_grid(const sg_json *grid, sg_spec *spec, char *msg, size_t msg_len)
{
    if (grid->type != SG_OBJECT)
        return spec_fail(msg, msg_len, "\"grid\" must be an object of KEY: [VALUE, ...]");
    if (!(spec->grid = calloc(grid->n_items + 1, sizeof *spec->grid)))
        return spec_fail(msg, msg_len, "out of memory");
    for (size_t a = 0; a < grid->n_items; a++) {
        const sg_json *axis = grid->items[a];
        sg_axis *out = &spec->grid[a];
        spec->n_grid = a + 1;
        if (!(out->key = strdup(axis->key)))
            return spec_fail(msg, msg_len, "out of memory");
        if (!axis->key[0] || strchr(axis->key, '='))
            return spec_fail(msg, msg_len, "grid key \"%s\" is not a config key", axis->key);
        for (size_t b = 0; b < a; b++)
            if (!strcmp(spec->grid[b].key, axis->key))
                return spec_fail(msg, msg_len, "grid key \"%s\" appears twice", axis->key);
        size_t n = axis->type == SG_ARRAY ? axis->n_items : 1;
        const sg_json *const *items =
            axis->type == SG_ARRAY ? (const sg_json *const *)axis->items : &axis;
        if (n == 0)
            return spec_fail(msg, msg_len, "grid key \"%s\" has no values", axis->key);
        if (!(out->values = calloc(n, sizeof *out->values)))
            return spec_fail(msg, msg_len, "out of memory");
        for (size_t i = 0; i < n; i++) {
            const sg_json *v = items[i];
            if (v->type != SG_STRING && v->type != SG_NUMBER && v->type != SG_BOOL)
                return spec_fail(msg, msg_len,
                                 "grid key \"%s\": values must be strings, numbers or booleans",
                                 axis->key);
            if (in_list(out->values, i, v->text))
                return spec_fail(msg, msg_len, "grid key \"%s\" lists %s twice", axis->key, v->text);
            if (!(out->values[i] = strdup(v->text)))
                return spec_fail(msg, msg_len, "out of memory");
            out->n_values = i + 1;
        }
    }
    return 0;
}

static int add_trace(sg_spec *spec, const char *path, char *msg, size_t msg_len)
{
    if (in_list(spec->traces, spec->n_traces, path))
        return 0;
    char **grown = realloc(spec->traces, (spec->n_traces + 1) * sizeof *grown);
    if (!grown)
        return spec_fail(msg, msg_len, "out of memory");
    spec->traces = grown;
    if (!(spec->traces[spec->n_traces] = strdup(path)))
        return spec_fail(msg, msg_len, "out of memory");
    spec->n_traces++;
    return 0;
}

static int load_traces(const sg_json *v, sg_spec *spec, char *msg, size_t msg_len)
{
    char **patterns = NULL;
    size_t n_patterns = 0;
    int rc = string_list(v, "traces", &patterns, &n_patterns, msg, msg_len);
    for (size_t i = 0; !rc && i < n_patterns; i++) {
        glob_t g;
        int grc = glob(patterns[i], 0, NULL, &g);
        if (grc == GLOB_NOMATCH)
            rc = spec_fail(msg, msg_len, "traces: \"%s\" matches no file", patterns[i]);
        else if (grc)
            rc = spec_fail(msg, msg_len, "traces: cannot expand \"%s\"", patterns[i]);
        for (size_t k = 0; !grc && !rc && k < g.gl_pathc; k++)
            rc = add_trace(spec, g.gl_pathv[k], msg, msg_len);
        if (!grc || grc == GLOB_NOMATCH)
            globfree(&g);
    }
    for (size_t i = 0; i < n_patterns; i++)
        free(patterns[i]);
    free(patterns);
    return rc;
}

/* An absent list is one "nothing" entry, so the product still has a point. */
static int default_list(char ***list, size_t *n, char *msg, size_t msg_len)
{
    if (*n)
        return 0;
    if (!(*list = calloc(1, sizeof **list)))
        return spec_fail(msg, msg_len, "out of memory");
    *n = 1;
    return 0;
}

static int load_doc(const sg_json *doc, sg_spec *spec, char *msg, size_t msg_len)
{
    static const char *const known = "name, presets, configs, grid, traces, out";
    if (doc->type != SG_OBJECT)
        return spec_fail(msg, msg_len, "the SPEC must be a JSON object");
    for (size_t i = 0; i < doc->n_items; i++) {
        const char *k = doc->items[i]->key;
        if (strcmp(k, "name") && strcmp(k, "presets") && strcmp(k, "configs") && strcmp(k, "grid") &&
            strcmp(k, "traces") && strcmp(k, "out"))
            return spec_fail(msg, msg_len, "unknown key \"%s\" (known: %s)", k, known);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(doc->items[j]->key, k))
                return spec_fail(msg, msg_len, "key \"%s\" appears twice", k);
    }
    const sg_json *name = sg_json_get(doc, "name");
    if (!name || name->type != SG_STRING || !name_ok(name->text))
        return spec_fail(msg, msg_len,
                         "\"name\" is required: a string of letters, digits, '.', '_' and '-'");
    if (!(spec->name = strdup(name->text)))
        return spec_fail(msg, msg_len, "out of memory");
    const sg_json *v;
    if ((v = sg_json_get(doc, "presets")) &&
        string_list(v, "presets", &spec->presets, &spec->n_presets, msg, msg_len))
        return -1;
    if ((v = sg_json_get(doc, "configs")) &&
        string_list(v, "configs", &spec->configs, &spec->n_configs, msg, msg_len))
        return -1;
    if ((v = sg_json_get(doc, "grid")) && load_grid(v, spec, msg, msg_len))
        return -1;
    if (!(v = sg_json_get(doc, "traces")))
        return spec_fail(msg, msg_len, "\"traces\" is required: a list of trace paths or globs");
    if (load_traces(v, spec, msg, msg_len))
        return -1;
    v = sg_json_get(doc, "out");
    if (v && (v->type != SG_STRING || !v->text[0]))
        return spec_fail(msg, msg_len, "\"out\" must be a directory path");
    size_t n = strlen(spec->name) + 16;
    if (v)
        spec->out_dir = strdup(v->text);
    else if ((spec->out_dir = malloc(n)))
        snprintf(spec->out_dir, n, "results/%s", spec->name);
    if (!spec->out_dir)
        return spec_fail(msg, msg_len, "out of memory");
    if (default_list(&spec->presets, &spec->n_presets, msg, msg_len) ||
        default_list(&spec->configs, &spec->n_configs, msg, msg_len))
        return -1;
    return 0;
}

int sg_spec_load(const char *path, sg_spec *spec, char *msg, size_t msg_len)
{
    memset(spec, 0, sizeof *spec);
    char *text = cli_read_file(path);
    if (!text) {
        snprintf(msg, msg_len, "%s: cannot read the SPEC", path);
        return -1;
    }
    char why[256];
    sg_json *doc = sg_json_parse(text, why, sizeof why);
    free(text);
    if (!doc) {
        snprintf(msg, msg_len, "%s: %s", path, why);
        return -1;
    }
    int rc = load_doc(doc, spec, why, sizeof why);
    sg_json_free(doc);
    if (rc) {
        snprintf(msg, msg_len, "%s: %s", path, why);
        sg_spec_free(spec);
    }
    return rc;
}

static void free_list(char **list, size_t n)
{
    for (size_t i = 0; list && i < n; i++)
        free(list[i]);
    free(list);
}

void sg_spec_free(sg_spec *spec)
{
    free(spec->name);
    free(spec->out_dir);
    free_list(spec->presets, spec->n_presets);
    free_list(spec->configs, spec->n_configs);
    for (size_t a = 0; spec->grid && a < spec->n_grid; a++) {
        free(spec->grid[a].key);
        free_list(spec->grid[a].values, spec->grid[a].n_values);
    }
    free(spec->grid);
    free_list(spec->traces, spec->n_traces);
    memset(spec, 0, sizeof *spec);
}

/* ---- points ------------------------------------------------------------- */

typedef struct {
    char *buf;
    size_t len, cap;
    bool failed;
} text_buf;

static void tb_add(text_buf *t, const char *s, size_t n)
{
    if (t->failed)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = (t->len + n + 1) * 2;
        char *grown = realloc(t->buf, cap);
        if (!grown) {
            t->failed = true;
            return;
        }
        t->buf = grown;
        t->cap = cap;
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

static void tb_str(text_buf *t, const char *s)
{
    tb_add(t, s, strlen(s));
}

/* One readable component of an id: s's characters outside [A-Za-z0-9.+-]
 * become '-', so the id is a plain file name whatever the values are. */
static void tb_readable(text_buf *t, const char *s)
{
    if (t->len)
        tb_add(t, "_", 1);
    for (; *s; s++) {
        char c = *s;
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '.' || c == '+' || c == '-';
        tb_add(t, plain ? &c : "-", 1);
    }
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Grid axes in key order, so reordering the SPEC's grid keeps every id. */
static void sorted_axes(const sg_spec *spec, size_t *order)
{
    for (size_t a = 0; a < spec->n_grid; a++) {
        size_t k = a;
        while (k && strcmp(spec->grid[order[k - 1]].key, spec->grid[a].key) > 0) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = a;
    }
}

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
    return h;
}

/* The id: a readable stem (preset, config, values, trace name) and a hash
 * of the exact arguments, which tells apart points whose stems agree. */
static char *point_id(const sg_spec *spec, const sg_point *pt, const size_t *order)
{
    text_buf readable = {0}, exact = {0};
    tb_readable(&readable, pt->preset ? pt->preset : "default");
    tb_str(&exact, pt->preset ? pt->preset : "");
    tb_add(&exact, "\x1f", 1);
    if (pt->config) {
        char stem[256];
        snprintf(stem, sizeof stem, "%s", base_name(pt->config));
        char *dot = strrchr(stem, '.');
        if (dot && dot != stem)
            *dot = '\0';
        tb_readable(&readable, stem);
        tb_str(&exact, pt->config);
    }
    for (size_t i = 0; i < spec->n_grid; i++) {
        const sg_axis *axis = &spec->grid[order[i]];
        const char *value = axis->values[pt->value_index[order[i]]];
        tb_readable(&readable, value);
        tb_add(&exact, "\x1f", 1);
        tb_str(&exact, axis->key);
        tb_add(&exact, "=", 1);
        tb_str(&exact, value);
    }
    char stem[256];
    snprintf(stem, sizeof stem, "%s", base_name(pt->trace));
    char *dot = strrchr(stem, '.');
    if (dot && dot != stem)
        *dot = '\0';
    tb_readable(&readable, stem);
    tb_add(&exact, "\x1f", 1);
    tb_str(&exact, pt->trace);
    char *id = NULL;
    if (!readable.failed && !exact.failed) {
        size_t keep = readable.len < ID_READABLE_MAX ? readable.len : ID_READABLE_MAX;
        id = malloc(keep + 18);
        if (id)
            snprintf(id, keep + 18, "%.*s-%016llx", (int)keep, readable.buf,
                     (unsigned long long)fnv1a(exact.buf, exact.len));
    }
    free(readable.buf);
    free(exact.buf);
    return id;
}

sg_point *sg_points_make(const sg_spec *spec, size_t *n_points)
{
    size_t n = spec->n_presets * spec->n_configs * spec->n_traces;
    for (size_t a = 0; a < spec->n_grid; a++) {
        if (n > SIZE_MAX / 2 / spec->grid[a].n_values)
            return NULL;
        n *= spec->grid[a].n_values;
    }
    sg_point *points = calloc(n ? n : 1, sizeof *points);
    size_t *order = calloc(spec->n_grid + 1, sizeof *order);
    size_t *digit = calloc(spec->n_grid + 1, sizeof *digit);
    if (!points || !order || !digit) {
        free(points);
        free(order);
        free(digit);
        return NULL;
    }
    sorted_axes(spec, order);
    size_t made = 0;
    bool ok = true;
    for (size_t p = 0; ok && p < spec->n_presets; p++)
        for (size_t c = 0; ok && c < spec->n_configs; c++) {
            memset(digit, 0, (spec->n_grid + 1) * sizeof *digit);
            for (;;) {
                for (size_t t = 0; ok && t < spec->n_traces; t++) {
                    sg_point *pt = &points[made++];
                    pt->preset = spec->presets[p];
                    pt->config = spec->configs[c];
                    pt->trace = spec->traces[t];
                    pt->value_index = malloc((spec->n_grid + 1) * sizeof *pt->value_index);
                    if (pt->value_index)
                        memcpy(pt->value_index, digit, (spec->n_grid + 1) * sizeof *digit);
                    ok = pt->value_index && (pt->id = point_id(spec, pt, order));
                }
                /* the next grid combination, last axis fastest */
                size_t a = spec->n_grid;
                while (a && ++digit[a - 1] == spec->grid[a - 1].n_values)
                    digit[--a] = 0;
                if (!a)
                    break;
            }
        }
    free(order);
    free(digit);
    if (!ok) {
        sg_points_free(points, made);
        return NULL;
    }
    *n_points = made;
    return points;
}

void sg_points_free(sg_point *points, size_t n_points)
{
    for (size_t i = 0; points && i < n_points; i++) {
        free(points[i].value_index);
        free(points[i].id);
    }
    free(points);
}

char **sg_point_argv(const sg_spec *spec, const sg_point *pt)
{
    size_t cap = 10 + 2 * spec->n_grid, n = 0;
    char **argv = calloc(cap, sizeof *argv);
    if (!argv)
        return NULL;
    bool ok = true;
#define ARG(s) (ok = ok && (argv[n++] = strdup(s)) != NULL)
    ARG("run");
    ARG("--json");
    ARG("--no-progress");
    if (pt->preset) {
        ARG("--preset");
        ARG(pt->preset);
    }
    if (pt->config) {
        ARG("--config");
        ARG(pt->config);
    }
    for (size_t a = 0; ok && a < spec->n_grid; a++) {
        const char *key = spec->grid[a].key, *value = spec->grid[a].values[pt->value_index[a]];
        size_t len = strlen(key) + strlen(value) + 2;
        ARG("--set");
        if (ok && (argv[n] = malloc(len)))
            snprintf(argv[n++], len, "%s=%s", key, value);
        else
            ok = false;
    }
    /* a trace named like an option must not be taken for one */
    if (pt->trace[0] == '-') {
        size_t len = strlen(pt->trace) + 3;
        if (ok && (argv[n] = malloc(len)))
            snprintf(argv[n++], len, "./%s", pt->trace);
        else
            ok = false;
    } else {
        ARG(pt->trace);
    }
#undef ARG
    if (!ok) {
        sg_argv_free(argv);
        return NULL;
    }
    return argv;
}

void sg_argv_free(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++)
        free(argv[i]);
    free(argv);
}
