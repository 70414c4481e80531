/*
 * zin.c — compressed input for the trace reader: reads a file or
 * standard input in 1 MiB chunks (or walks a caller's buffer), picks gzip
 * or zstd from the first bytes and inflates / decompresses into the
 * reader's buffer. Every way the compressed stream can be wrong ends here
 * as an error, and no input can make it loop without progress.
 */
#define _POSIX_C_SOURCE 200809L
#include "trace/zin.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SOURCE_IN_CAP (1u << 20)

static const uint8_t gzip_magic[2] = {0x1f, 0x8b};
static const uint8_t zstd_magic[4] = {0x28, 0xb5, 0x2f, 0xfd};

static int fill_input(trace_zin *s, mm_error *err)
{
    size_t n = fread(s->in_buf, 1, SOURCE_IN_CAP, s->file);
    if (n < SOURCE_IN_CAP) {
        if (ferror(s->file))
            return mm_fail(err, MM_ERR_IO, "read failed: %s", strerror(errno));
        s->in_eof = 1;
    }
    s->in_next = s->in_buf;
    s->in_avail = n;
    s->bytes_fed += n;
    return MM_OK;
}

static int starts_with(const uint8_t *data, size_t len, const uint8_t *magic, size_t magic_len)
{
    return len >= magic_len && memcmp(data, magic, magic_len) == 0;
}

/* Does the short input look like the beginning of either magic? */
static int is_magic_prefix(const uint8_t *data, size_t len)
{
    return (len < sizeof gzip_magic && memcmp(data, gzip_magic, len) == 0) ||
           (len < sizeof zstd_magic && memcmp(data, zstd_magic, len) == 0);
}

static int start_decompressor(trace_zin *s, mm_error *err)
{
    if (starts_with(s->in_next, s->in_avail, gzip_magic, sizeof gzip_magic)) {
        s->compression = TRACE_ZLIB;
        /* windowBits 15 + 16: a gzip wrapper only, its CRC and length checked */
        if (inflateInit2(&s->zs, 15 + 16) != Z_OK)
            return mm_fail(err, MM_ERR_NOMEM, "cannot start the zlib decompressor");
        return MM_OK;
    }
    if (starts_with(s->in_next, s->in_avail, zstd_magic, sizeof zstd_magic)) {
        s->compression = TRACE_ZSTD;
        s->zd = ZSTD_createDStream();
        if (!s->zd)
            return mm_fail(err, MM_ERR_NOMEM, "cannot start the zstd decompressor");
        return MM_OK;
    }
    if (s->in_avail == 0)
        return mm_fail(err, MM_ERR_FORMAT, "empty file (not an mmulab trace)");
    if (is_magic_prefix(s->in_next, s->in_avail))
        return mm_fail(err, MM_ERR_FORMAT, "truncated file (%zu bytes)", s->in_avail);
    return mm_fail(err, MM_ERR_FORMAT, "not an mmulab trace (bad magic)");
}

int trace_zin_open_file(trace_zin *s, const char *path, mm_error *err)
{
    memset(s, 0, sizeof *s);
    struct stat st;
    if (strcmp(path, "-") == 0) {
        s->file = stdin;
    } else {
        s->file = fopen(path, "rb");
        if (!s->file)
            return mm_fail(err, MM_ERR_IO, "cannot open: %s", strerror(errno));
        s->owns_file = 1;
    }
    int rc = MM_OK;
    if (fstat(fileno(s->file), &st) != 0)
        rc = mm_fail(err, MM_ERR_IO, "cannot stat: %s", strerror(errno));
    else if (S_ISDIR(st.st_mode))
        rc = mm_fail(err, MM_ERR_IO, "is a directory");
    else if (!(s->in_buf = malloc(SOURCE_IN_CAP)))
        rc = mm_fail(err, MM_ERR_NOMEM, "out of memory for the input buffer");
    if (rc == MM_OK) {
        s->file_size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
        rc = fill_input(s, err);
    }
    if (rc == MM_OK)
        rc = start_decompressor(s, err);
    if (rc != MM_OK)
        trace_zin_close(s);
    return rc;
}

int trace_zin_open_memory(trace_zin *s, const void *data, size_t len, mm_error *err)
{
    memset(s, 0, sizeof *s);
    static const uint8_t none[1] = {0};
    s->in_next = len ? data : none;
    s->in_avail = len;
    s->in_eof = 1;
    s->bytes_fed = len;
    s->file_size = len;
    int rc = start_decompressor(s, err);
    if (rc != MM_OK)
        trace_zin_close(s);
    return rc;
}

/* One decompressor call; *produced and the input position advance. */
static int step(trace_zin *s, uint8_t *dst, size_t cap, size_t *produced, mm_error *err)
{
    if (s->compression == TRACE_ZLIB) {
        uInt in_len = s->in_avail < UINT_MAX ? (uInt)s->in_avail : UINT_MAX;
        uInt out_len = cap < UINT_MAX ? (uInt)cap : UINT_MAX;
        s->zs.next_in = (Bytef *)(uintptr_t)s->in_next;
        s->zs.avail_in = in_len;
        s->zs.next_out = dst;
        s->zs.avail_out = out_len;
        int zr = inflate(&s->zs, Z_NO_FLUSH);
        s->in_next += in_len - s->zs.avail_in;
        s->in_avail -= in_len - s->zs.avail_in;
        *produced = out_len - s->zs.avail_out;
        if (zr == Z_STREAM_END)
            s->stream_end = 1;
        else if (zr == Z_MEM_ERROR)
            return mm_fail(err, MM_ERR_NOMEM, "out of memory in the zlib decompressor");
        else if (zr != Z_OK && zr != Z_BUF_ERROR)
            return mm_fail(err, MM_ERR_FORMAT, "zlib data error: %s", s->zs.msg ? s->zs.msg : "corrupt stream");
        return MM_OK;
    }
    ZSTD_inBuffer in = {s->in_next, s->in_avail, 0};
    ZSTD_outBuffer out = {dst, cap, 0};
    size_t left = ZSTD_decompressStream(s->zd, &out, &in);
    s->in_next += in.pos;
    s->in_avail -= in.pos;
    *produced = out.pos;
    if (ZSTD_isError(left))
        return mm_fail(err, MM_ERR_FORMAT, "zstd data error: %s", ZSTD_getErrorName(left));
    if (left == 0)
        s->stream_end = 1;
    return MM_OK;
}

long trace_zin_read(trace_zin *s, uint8_t *dst, size_t cap, mm_error *err)
{
    size_t total = 0;
    while (total < cap && !s->stream_end) {
        if (s->in_avail == 0 && !s->in_eof) {
            int rc = fill_input(s, err);
            if (rc != MM_OK)
                return rc;
        }
        size_t in_before = s->in_avail, produced = 0;
        int rc = step(s, dst + total, cap - total, &produced, err);
        if (rc != MM_OK)
            return rc;
        total += produced;
        if (produced == 0 && s->in_avail == in_before && !s->stream_end) {
            if (s->in_avail != 0)
                return mm_fail(err, MM_ERR_FORMAT, "decompressor made no progress");
            if (s->in_eof) {
                if (total > 0)
                    break;
                return mm_fail(err, MM_ERR_FORMAT, "truncated file (the compressed stream ends early)");
            }
        }
    }
    return (long)total;
}

int trace_zin_check_eof(trace_zin *s, mm_error *err)
{
    if (s->in_avail == 0 && !s->in_eof) {
        int rc = fill_input(s, err);
        if (rc != MM_OK)
            return rc;
    }
    if (s->in_avail != 0)
        return mm_fail(err, MM_ERR_FORMAT, "trailing garbage after the compressed stream");
    return MM_OK;
}

uint64_t trace_zin_bytes_in(const trace_zin *s)
{
    return s->bytes_fed - s->in_avail;
}

void trace_zin_close(trace_zin *s)
{
    if (s->compression == TRACE_ZLIB)
        inflateEnd(&s->zs);
    ZSTD_freeDStream(s->zd);
    if (s->owns_file && s->file)
        fclose(s->file);
    free(s->in_buf);
    memset(s, 0, sizeof *s);
}
