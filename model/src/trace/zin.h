/*
 * zin.h — the reader's input side: compressed bytes from a file, standard
 * input or a caller's buffer, recognised as gzip or zstd by their magic
 * bytes and decompressed in large chunks. It knows nothing of records; it
 * reports where the compressed stream ends early, fails to decode, or is
 * followed by more bytes.
 */
#ifndef MMULAB_TRACE_ZIN_H
#define MMULAB_TRACE_ZIN_H

#include "mmulab/trace.h"

#include <stdio.h>
#include <zlib.h>
#include <zstd.h>

typedef struct {
    trace_compression compression;
    FILE *file;              /* NULL when reading a caller's buffer */
    int owns_file;           /* 0 for standard input */
    uint8_t *in_buf;         /* file input chunk */
    const uint8_t *in_next;  /* compressed bytes not yet given to the decompressor */
    size_t in_avail;
    int in_eof;              /* no compressed bytes beyond in_next + in_avail */
    int stream_end;          /* the gzip member / zstd frame is complete */
    uint64_t bytes_fed;      /* compressed bytes made available so far */
    uint64_t file_size;      /* 0 when unknown */
    z_stream zs;
    ZSTD_DStream *zd;
} trace_zin;

/* Errors carry only the cause; the reader adds file, offset and record. */
int trace_zin_open_file(trace_zin *s, const char *path, mm_error *err);
int trace_zin_open_memory(trace_zin *s, const void *data, size_t len, mm_error *err);
/* Decompresses into dst, filling it as far as the input allows. Returns
 * the bytes produced (> 0), 0 once the compressed stream has ended, or a
 * negative mm_status (data error, stream cut short, I/O error). */
long trace_zin_read(trace_zin *s, uint8_t *dst, size_t cap, mm_error *err);
/* After the stream ended: fails if any compressed bytes follow it. */
int trace_zin_check_eof(trace_zin *s, mm_error *err);
uint64_t trace_zin_bytes_in(const trace_zin *s);
void trace_zin_close(trace_zin *s);

#endif
