/*
 * sweep_grid.h — the pieces of `mmulab sweep SPEC` (docs/sweeps-grid.md):
 * a small JSON reader (for the SPEC and the points' reports), the SPEC and
 * its expansion into points, the tidy results.csv, and the text pieces of
 * the Slurm backend (its batch script, what sbatch and squeue print).
 */
#ifndef MMULAB_SWEEP_GRID_H
#define MMULAB_SWEEP_GRID_H

#include <stdbool.h>
#include <stddef.h>

#include "cli_util.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- JSON --------------------------------------------------------------- */

typedef enum { SG_NULL, SG_BOOL, SG_NUMBER, SG_STRING, SG_ARRAY, SG_OBJECT } sg_json_type;

typedef struct sg_json sg_json;
struct sg_json {
    sg_json_type type;
    char *text;        /* number: the token as written; string: decoded; bool: "true"/"false" */
    char *key;         /* the member name when the parent is an object */
    sg_json **items;   /* array elements / object members, in document order */
    size_t n_items;
};

/* Parses a whole document; NULL with a one-line message in msg (naming
 * the line) on a syntax error or when memory runs out. */
sg_json *sg_json_parse(const char *text, char *msg, size_t msg_len);
void sg_json_free(sg_json *v);
/* The member named key of an object, or NULL. */
const sg_json *sg_json_get(const sg_json *obj, const char *key);


/* ---- SPEC and points ------------------------------------------------------ */

typedef struct {
    char *key;
    char **values;     /* as passed to --set KEY=VALUE */
    size_t n_values;
} sg_axis;

typedef struct {
    char *name;
    char *out_dir;
    char **presets;    /* NULL entry: no --preset */
    size_t n_presets;
    char **configs;    /* NULL entry: no --config */
    size_t n_configs;
    sg_axis *grid;
    size_t n_grid;
    char **traces;     /* globs expanded, in SPEC order, each glob sorted */
    size_t n_traces;
} sg_spec;

/* Reads and checks the SPEC file; nonzero with a one-line message. */
int sg_spec_load(const char *path, sg_spec *spec, char *msg, size_t msg_len);
void sg_spec_free(sg_spec *spec);

typedef struct {
    const char *preset, *config, *trace;  /* preset/config may be NULL */
    size_t *value_index;                  /* one per grid axis */
    char *id;                             /* stable file name stem */
} sg_point;

/* Every point, presets outermost, then configs, the grid axes in SPEC
 * order (last fastest), traces innermost. */
sg_point *sg_points_make(const sg_spec *spec, size_t *n_points);
void sg_points_free(sg_point *points, size_t n_points);
/* The `mmulab run` arguments of a point (after "run"), NULL-terminated;
 * free with sg_argv_free. */
char **sg_point_argv(const sg_spec *spec, const sg_point *pt);
void sg_argv_free(char **argv);

/* ---- results.csv ---------------------------------------------------------- */

/* Reads points_dir/<id>.json of every point and writes out_path atomically;
 * nonzero with a one-line message. */
int sg_csv_write(const sg_spec *spec, const sg_point *points, size_t n_points,
                 const char *points_dir, const char *out_path, char *msg, size_t msg_len);

/* ---- Slurm text (cmd_sweep_grid_sbatch.c) ----------------------------------- */

typedef struct {
    const char *job_name;     /* "mmulab-NAME" */
    const char *partition;    /* NULL: the cluster's default partition */
    const char *time_limit;   /* NULL: the partition's default limit */
    long max_parallel;        /* 0: no array throttle */
    size_t n_tasks;           /* array tasks 0..n_tasks-1 */
    const char *work_dir;     /* absolute; the tasks run there */
    const char *log_dir;      /* absolute; one log per task */
    const char *mmulab;       /* absolute path of the executable */
    const char *points_list;  /* absolute path of the list of point ids */
    const char *spec_path;    /* as given on the command line */
} sg_sbatch;

/* The text of array.sbatch; NULL with a one-line message when a path holds
 * a character an #SBATCH line cannot carry (", \, a line break) or memory
 * runs out. */
char *sg_sbatch_script(const sg_sbatch *b, char *msg, size_t msg_len);
/* A --slurm-partition or --slurm-time value: non-empty, letters, digits
 * and . _ - , : only, so it cannot break the #SBATCH line it goes on. */
bool sg_slurm_word_ok(const char *s);
/* The job id `sbatch --parsable` printed ("ID" or "ID;CLUSTER"), 0 if none. */
unsigned long sg_sbatch_job_id(const char *out);
/* Counts the lines of `squeue --format=%T` output: PENDING, RUNNING and
 * any other state (CONFIGURING, COMPLETING, ...). */
void sg_squeue_count(const char *out, size_t *pending, size_t *running, size_t *other);
/* A tool's stderr on one line: its lines joined with "; ", the tool's
 * "TOOL: error: " and "slurm_load_jobs error: " prefixes dropped. */
void sg_tool_message(const char *text, char *out, size_t len);

#ifdef __cplusplus
}
#endif

#endif
