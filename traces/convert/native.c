/*
 * native.c — the native format on either side of a conversion: a sink
 * that hands records to a trace_writer, and a copy of a native trace
 * into any sink (recompression, native to din, statistics).
 */
#include <stdlib.h>
#include <string.h>

#include "convert.h"

#define NATIVE_BATCH 4096u

static int writer_put(void *ctx, const trace_record *rec, mm_error *err)
{
    return trace_write(ctx, rec, err);
}

trace_record_sink trace_record_sink_for_writer(trace_writer *w)
{
    trace_record_sink s = {writer_put, w};
    return s;
}

int trace_convert_native(const char *path, const trace_record_sink *sink,
                         trace_convert_stats *stats, trace_header *header_out, mm_error *err)
{
    memset(stats, 0, sizeof *stats);
    trace_reader *r = trace_reader_open(path, err);
    if (!r)
        return err && err->code ? err->code : MM_ERR_IO;
    if (header_out)
        *header_out = *trace_reader_header(r);
    int rc = MM_OK;
    trace_record *batch = calloc(NATIVE_BATCH, sizeof *batch);
    if (!batch) {
        trace_reader_close(r);
        return mm_fail(err, MM_ERR_NOMEM, "%s: out of memory", path);
    }
    long n;
    while ((n = trace_read(r, batch, NATIVE_BATCH, err)) > 0) {
        for (long i = 0; i < n && !rc; i++) {
            rc = sink->put(sink->ctx, &batch[i], err);
            if (rc)
                break;
            stats->units++;
            stats->records++;
            if (batch[i].kind == TRACE_ACCESS)
                stats->instructions += batch[i].instructions;
        }
        if (rc)
            break;
    }
    if (!rc && n < 0)
        rc = (int)n;
    free(batch);
    trace_reader_close(r);
    return rc;
}
