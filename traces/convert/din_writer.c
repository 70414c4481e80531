/*
 * din_writer.c — native records to Dinero din text, one "label address
 * size" line per access, written to path.tmp and renamed on close so a
 * partial file never has the final name. Records other than accesses
 * (context switches, mmap, flushes...) have no din form and are counted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert.h"

struct trace_din_writer {
    FILE *file;
    char *path;      /* final name; NULL for standard output */
    char *tmp_path;
    uint64_t dropped;
};

static const unsigned din_label_of[MM_ACCESS_COUNT] = {2, 0, 1}; /* ifetch, load, store */

trace_din_writer *trace_din_writer_open(const char *path, mm_error *err)
{
    trace_din_writer *w = calloc(1, sizeof *w);
    if (!w) {
        mm_fail(err, MM_ERR_NOMEM, "%s: out of memory", path);
        return NULL;
    }
    if (!strcmp(path, "-")) {
        w->file = stdout;
        return w;
    }
    size_t n = strlen(path);
    w->path = malloc(n + 1);
    w->tmp_path = malloc(n + 5);
    if (!w->path || !w->tmp_path) {
        trace_din_writer_abort(w);
        mm_fail(err, MM_ERR_NOMEM, "%s: out of memory", path);
        return NULL;
    }
    memcpy(w->path, path, n + 1);
    memcpy(w->tmp_path, path, n);
    memcpy(w->tmp_path + n, ".tmp", 5);
    w->file = fopen(w->tmp_path, "w");
    if (!w->file) {
        mm_fail(err, MM_ERR_IO, "%s: cannot create: %s", w->tmp_path, strerror(errno));
        trace_din_writer_abort(w);
        return NULL;
    }
    return w;
}

static const char *shown_name(const trace_din_writer *w)
{
    return w->path ? w->tmp_path : "<stdout>";
}

int trace_din_write(trace_din_writer *w, const trace_record *rec, mm_error *err)
{
    if (rec->kind != TRACE_ACCESS) {
        w->dropped++;
        return MM_OK;
    }
    if (rec->access >= MM_ACCESS_COUNT)
        return mm_fail(err, MM_ERR_INVALID, "%s: access type %u has no din label", shown_name(w),
                       (unsigned)rec->access);
    if (fprintf(w->file, "%u %llx %u\n", din_label_of[rec->access], (unsigned long long)rec->va,
                (unsigned)rec->size) < 0)
        return mm_fail(err, MM_ERR_IO, "%s: write error: %s", shown_name(w), strerror(errno));
    return MM_OK;
}

int trace_din_writer_close(trace_din_writer *w, mm_error *err)
{
    int rc = MM_OK;
    if (w->path) {
        bool ok = fflush(w->file) == 0 && !ferror(w->file);
        ok = fclose(w->file) == 0 && ok;
        w->file = NULL;
        if (!ok)
            rc = mm_fail(err, MM_ERR_IO, "%s: write error: %s", w->tmp_path, strerror(errno));
        else if (rename(w->tmp_path, w->path))
            rc = mm_fail(err, MM_ERR_IO, "%s: cannot rename to %s: %s", w->tmp_path, w->path,
                         strerror(errno));
        if (rc)
            remove(w->tmp_path);
    } else if (fflush(w->file) || ferror(w->file)) {
        rc = mm_fail(err, MM_ERR_IO, "<stdout>: write error: %s", strerror(errno));
    }
    free(w->path);
    free(w->tmp_path);
    free(w);
    return rc;
}

void trace_din_writer_abort(trace_din_writer *w)
{
    if (!w)
        return;
    if (w->path && w->file) {
        fclose(w->file);
        remove(w->tmp_path);
    }
    free(w->path);
    free(w->tmp_path);
    free(w);
}

uint64_t trace_din_writer_dropped(const trace_din_writer *w)
{
    return w->dropped;
}

static int din_put(void *ctx, const trace_record *rec, mm_error *err)
{
    return trace_din_write(ctx, rec, err);
}

trace_record_sink trace_record_sink_for_din(trace_din_writer *w)
{
    trace_record_sink s = {din_put, w};
    return s;
}
