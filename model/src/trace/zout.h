/*
 * zout.h — the writer's output side: compresses the uncompressed trace
 * stream (gzip member or zstd frame) into path.tmp and renames it to path
 * when finished, so a trace that was not completed never has its final
 * name.
 */
#ifndef MMULAB_TRACE_ZOUT_H
#define MMULAB_TRACE_ZOUT_H

#include "mmulab/trace.h"

#include <stdio.h>
#include <zlib.h>
#include <zstd.h>

typedef struct {
    trace_compression compression;
    FILE *file;
    char *path;       /* the final name */
    char *tmp_path;   /* path + ".tmp", where the bytes go until finished */
    z_stream zs;
    ZSTD_CCtx *zc;
    uint8_t *out;     /* compressed bytes waiting for fwrite */
    size_t out_cap;
} trace_zout;

#define TRACE_ZLIB_DEFAULT_LEVEL 6
#define TRACE_ZSTD_DEFAULT_LEVEL 3

int trace_zout_open(trace_zout *s, const char *path, trace_compression compression, int level,
                    mm_error *err);
/* Compresses len bytes and writes what the compressor emits. */
int trace_zout_write(trace_zout *s, const uint8_t *data, size_t len, mm_error *err);
/* Ends the compressed stream, closes the file and renames it into place;
 * on failure the temporary file is removed. Releases s either way. */
int trace_zout_finish(trace_zout *s, mm_error *err);
/* Closes and removes the temporary file; releases s. */
void trace_zout_discard(trace_zout *s);

#endif
