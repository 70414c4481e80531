/*
 * zout.c — compression and the atomic file for the trace writer: deflate
 * with a gzip wrapper (so zcat reads it) or a zstd frame, written to
 * path.tmp in 1 MiB chunks and renamed over path when complete.
 */
#include "trace/zout.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SINK_OUT_CAP (1u << 20)

static void zout_release(trace_zout *s)
{
    if (s->compression == TRACE_ZLIB)
        deflateEnd(&s->zs);
    else
        ZSTD_freeCCtx(s->zc);
    if (s->file)
        fclose(s->file);
    s->file = NULL;
    free(s->out);
    free(s->path);
    free(s->tmp_path);
}

static char *copy_string(const char *text, const char *suffix)
{
    size_t a = strlen(text), b = strlen(suffix);
    char *copy = malloc(a + b + 1);
    if (copy) {
        memcpy(copy, text, a);
        memcpy(copy + a, suffix, b + 1);
    }
    return copy;
}

static int start_compressor(trace_zout *s, int level, mm_error *err)
{
    if (s->compression == TRACE_ZLIB) {
        if (level == 0)
            level = TRACE_ZLIB_DEFAULT_LEVEL;
        if (level < 1 || level > 9)
            return mm_fail(err, MM_ERR_INVALID, "trace writer: level %d is outside 1..9 for zlib", level);
        /* windowBits 15 + 16 asks zlib for the gzip wrapper; mtime 0 keeps output reproducible */
        if (deflateInit2(&s->zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            return mm_fail(err, MM_ERR_NOMEM, "trace writer: cannot start the zlib compressor");
        return MM_OK;
    }
    if (level == 0)
        level = TRACE_ZSTD_DEFAULT_LEVEL;
    if (level < 1 || level > 19)
        return mm_fail(err, MM_ERR_INVALID, "trace writer: level %d is outside 1..19 for zstd", level);
    s->zc = ZSTD_createCCtx();
    if (!s->zc)
        return mm_fail(err, MM_ERR_NOMEM, "trace writer: cannot start the zstd compressor");
    if (ZSTD_isError(ZSTD_CCtx_setParameter(s->zc, ZSTD_c_compressionLevel, level)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(s->zc, ZSTD_c_checksumFlag, 1)))
        return mm_fail(err, MM_ERR_INVALID, "trace writer: zstd rejected level %d", level);
    return MM_OK;
}

int trace_zout_open(trace_zout *s, const char *path, trace_compression compression, int level,
                    mm_error *err)
{
    memset(s, 0, sizeof *s);
    if (compression != TRACE_ZLIB && compression != TRACE_ZSTD)
        return mm_fail(err, MM_ERR_INVALID, "trace writer: compression %d is neither zlib (0) nor zstd (1)",
                       (int)compression);
    s->compression = compression;
    int rc = start_compressor(s, level, err);
    if (rc == MM_OK) {
        s->out_cap = SINK_OUT_CAP;
        s->out = malloc(s->out_cap);
        s->path = copy_string(path, "");
        s->tmp_path = copy_string(path, ".tmp");
        if (!s->out || !s->path || !s->tmp_path)
            rc = mm_fail(err, MM_ERR_NOMEM, "trace writer: out of memory for %s", path);
    }
    if (rc == MM_OK) {
        s->file = fopen(s->tmp_path, "wb");
        if (!s->file)
            rc = mm_fail(err, MM_ERR_IO, "%s: cannot create: %s", s->tmp_path, strerror(errno));
    }
    if (rc != MM_OK)
        zout_release(s);
    return rc;
}

static int emit(trace_zout *s, size_t len, mm_error *err)
{
    if (len && fwrite(s->out, 1, len, s->file) != len)
        return mm_fail(err, MM_ERR_IO, "%s: write failed: %s", s->tmp_path, strerror(errno));
    return MM_OK;
}

/* Runs the compressor over data; finish also ends the stream. */
static int compress_chunk(trace_zout *s, const uint8_t *data, size_t len, int finish, mm_error *err)
{
    if (s->compression == TRACE_ZLIB) {
        s->zs.next_in = (Bytef *)(uintptr_t)data;
        s->zs.avail_in = (uInt)len;
        for (;;) {
            s->zs.next_out = s->out;
            s->zs.avail_out = (uInt)s->out_cap;
            int zr = deflate(&s->zs, finish ? Z_FINISH : Z_NO_FLUSH);
            if (zr == Z_STREAM_ERROR)
                return mm_fail(err, MM_ERR_IO, "%s: zlib compressor failed", s->tmp_path);
            int rc = emit(s, s->out_cap - s->zs.avail_out, err);
            if (rc != MM_OK)
                return rc;
            if (finish ? zr == Z_STREAM_END : s->zs.avail_in == 0 && s->zs.avail_out != 0)
                return MM_OK;
        }
    }
    ZSTD_inBuffer in = {data, len, 0};
    for (;;) {
        ZSTD_outBuffer out = {s->out, s->out_cap, 0};
        size_t left = ZSTD_compressStream2(s->zc, &out, &in, finish ? ZSTD_e_end : ZSTD_e_continue);
        if (ZSTD_isError(left))
            return mm_fail(err, MM_ERR_IO, "%s: zstd compressor failed: %s", s->tmp_path,
                           ZSTD_getErrorName(left));
        int rc = emit(s, out.pos, err);
        if (rc != MM_OK)
            return rc;
        if (finish ? left == 0 : in.pos == in.size)
            return MM_OK;
    }
}

int trace_zout_write(trace_zout *s, const uint8_t *data, size_t len, mm_error *err)
{
    /* zlib counts input in uInt: feed it in pieces that always fit */
    while (len > 0) {
        size_t piece = len < (1u << 30) ? len : (1u << 30);
        int rc = compress_chunk(s, data, piece, 0, err);
        if (rc != MM_OK)
            return rc;
        data += piece;
        len -= piece;
    }
    return MM_OK;
}

int trace_zout_finish(trace_zout *s, mm_error *err)
{
    int rc = compress_chunk(s, NULL, 0, 1, err);
    if (rc == MM_OK && fflush(s->file) != 0)
        rc = mm_fail(err, MM_ERR_IO, "%s: write failed: %s", s->tmp_path, strerror(errno));
    if (rc == MM_OK) {
        FILE *file = s->file;
        s->file = NULL;
        if (fclose(file) != 0)
            rc = mm_fail(err, MM_ERR_IO, "%s: close failed: %s", s->tmp_path, strerror(errno));
    }
    if (rc == MM_OK && rename(s->tmp_path, s->path) != 0)
        rc = mm_fail(err, MM_ERR_IO, "%s: cannot rename to %s: %s", s->tmp_path, s->path, strerror(errno));
    if (rc != MM_OK) {
        if (s->file)
            fclose(s->file);
        s->file = NULL;
        remove(s->tmp_path);
    }
    zout_release(s);
    return rc;
}

void trace_zout_discard(trace_zout *s)
{
    if (s->file)
        fclose(s->file);
    s->file = NULL;
    remove(s->tmp_path);
    zout_release(s);
}
