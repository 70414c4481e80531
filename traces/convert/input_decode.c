/*
 * input_decode.c — turns a source's raw bytes into decoded bytes: plain
 * copy, gzip (every member of a multi-member file, as gzip(1) does) or xz
 * (concatenated streams). Errors give the compressed byte offset.
 */
#include <string.h>

#include "input_internal.h"

static uint64_t raw_offset(const trace_input *src)
{
    return src->raw_base + src->raw_pos;
}

int input_decoder_init(trace_input *src, mm_error *err)
{
    if (src->compression == TRACE_INPUT_GZIP) {
        memset(&src->gz, 0, sizeof src->gz);
        /* 15 + 16: a gzip wrapper, full window */
        if (inflateInit2(&src->gz, 15 + 16) != Z_OK)
            return mm_fail(err, MM_ERR_NOMEM, "%s: cannot set up the gzip decoder", src->name);
        src->gz_live = true;
    } else if (src->compression == TRACE_INPUT_XZ) {
        lzma_stream init = LZMA_STREAM_INIT;
        src->xz = init;
        if (lzma_stream_decoder(&src->xz, INPUT_XZ_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK)
            return mm_fail(err, MM_ERR_NOMEM, "%s: cannot set up the xz decoder", src->name);
        src->xz_live = true;
    }
    return MM_OK;
}

void input_decoder_end(trace_input *src)
{
    if (src->gz_live)
        inflateEnd(&src->gz);
    if (src->xz_live)
        lzma_end(&src->xz);
    src->gz_live = src->xz_live = false;
}

static long decode_plain(trace_input *src, mm_error *err)
{
    long have = input_raw_ensure(src, 1, err);
    if (have <= 0)
        return have;
    size_t n = INPUT_BUF_BYTES - src->len;
    if (n > (size_t)have)
        n = (size_t)have;
    memcpy(src->buf + src->len, src->raw + src->raw_pos, n);
    src->raw_pos += n;
    src->len += n;
    return (long)n;
}

/* After a gzip member: the end of input, or the magic of the next member. */
static long gzip_next_member(trace_input *src, mm_error *err)
{
    long have = input_raw_ensure(src, 2, err);
    if (have <= 0)
        return have;
    const uint8_t *p = src->raw + src->raw_pos;
    if (have < 2 || p[0] != 0x1f || p[1] != 0x8b)
        return mm_fail(err, MM_ERR_FORMAT,
                       "%s: data after the end of the gzip stream at compressed byte %llu",
                       src->name, (unsigned long long)raw_offset(src));
    inflateReset(&src->gz);
    src->gz_member_done = false;
    return 1;
}

static long decode_gzip(trace_input *src, mm_error *err)
{
    for (;;) {
        if (src->gz_member_done) {
            long rc = gzip_next_member(src, err);
            if (rc <= 0)
                return rc;
        }
        long have = input_raw_ensure(src, 1, err);
        if (have < 0)
            return have;
        if (have == 0)
            return mm_fail(err, MM_ERR_FORMAT,
                           "%s: truncated gzip stream (input ends at compressed byte %llu)",
                           src->name, (unsigned long long)raw_offset(src));
        src->gz.next_in = (Bytef *)(uintptr_t)(src->raw + src->raw_pos);
        src->gz.avail_in = (uInt)have;
        src->gz.next_out = src->buf + src->len;
        src->gz.avail_out = (uInt)(INPUT_BUF_BYTES - src->len);
        int zrc = inflate(&src->gz, Z_NO_FLUSH);
        size_t used = (size_t)have - src->gz.avail_in;
        size_t made = (size_t)(INPUT_BUF_BYTES - src->len) - src->gz.avail_out;
        src->raw_pos += used;
        src->len += made;
        if (zrc == Z_STREAM_END)
            src->gz_member_done = true;
        else if (zrc == Z_MEM_ERROR)
            return mm_fail(err, MM_ERR_NOMEM, "%s: out of memory decoding gzip", src->name);
        else if (zrc != Z_OK && zrc != Z_BUF_ERROR)
            return mm_fail(err, MM_ERR_FORMAT, "%s: corrupt gzip data at compressed byte %llu: %s",
                           src->name, (unsigned long long)raw_offset(src),
                           src->gz.msg ? src->gz.msg : "bad stream");
        if (made)
            return (long)made;
        if (!used && zrc != Z_STREAM_END)
            return mm_fail(err, MM_ERR_FORMAT, "%s: gzip decoder stalled at compressed byte %llu",
                           src->name, (unsigned long long)raw_offset(src));
    }
}

static const char *xz_problem(lzma_ret rc)
{
    switch (rc) {
    case LZMA_FORMAT_ERROR:
        return "not an xz stream";
    case LZMA_OPTIONS_ERROR:
        return "unsupported xz options";
    case LZMA_DATA_ERROR:
        return "corrupt xz data";
    case LZMA_BUF_ERROR:
        return "truncated xz stream";
    case LZMA_MEMLIMIT_ERROR:
        return "the xz stream needs more than 256 MiB to decode";
    case LZMA_UNSUPPORTED_CHECK:
        return "unsupported xz integrity check";
    default:
        return "xz decoder failure";
    }
}

static long decode_xz(trace_input *src, mm_error *err)
{
    while (!src->xz_done) {
        long have = input_raw_ensure(src, 1, err);
        if (have < 0)
            return have;
        src->xz.next_in = src->raw + src->raw_pos;
        src->xz.avail_in = (size_t)have;
        src->xz.next_out = src->buf + src->len;
        src->xz.avail_out = INPUT_BUF_BYTES - src->len;
        lzma_ret rc = lzma_code(&src->xz, have == 0 ? LZMA_FINISH : LZMA_RUN);
        size_t made = (INPUT_BUF_BYTES - src->len) - src->xz.avail_out;
        src->raw_pos += (size_t)have - src->xz.avail_in;
        src->len += made;
        if (rc == LZMA_STREAM_END)
            src->xz_done = true;
        else if (rc == LZMA_MEM_ERROR)
            return mm_fail(err, MM_ERR_NOMEM, "%s: out of memory decoding xz", src->name);
        else if (rc != LZMA_OK)
            return mm_fail(err, MM_ERR_FORMAT, "%s: %s at compressed byte %llu", src->name,
                           xz_problem(rc), (unsigned long long)raw_offset(src));
        if (made)
            return (long)made;
    }
    return 0;
}

long input_decode(trace_input *src, mm_error *err)
{
    switch (src->compression) {
    case TRACE_INPUT_PLAIN:
        return decode_plain(src, err);
    case TRACE_INPUT_GZIP:
        return decode_gzip(src, err);
    case TRACE_INPUT_XZ:
        return decode_xz(src, err);
    default:
        return mm_fail(err, MM_ERR_FORMAT,
                       "%s: zstd-compressed input can only be a native trace (use --from native)",
                       src->name);
    }
}
