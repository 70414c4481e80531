/*
 * input.c — trace_input: opens a file, standard input or caller memory,
 * tells plain, gzip, xz and zstd input apart by magic bytes, and hands out
 * the decoded bytes by peek, read or text line while counting the decoded
 * offset that every parser error quotes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "input_internal.h"

static const uint8_t gzip_magic[] = {0x1f, 0x8b};
static const uint8_t xz_magic[] = {0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00};
static const uint8_t zstd_magic[] = {0x28, 0xb5, 0x2f, 0xfd};

long input_raw_ensure(trace_input *src, size_t want, mm_error *err)
{
    size_t avail = src->raw_len - src->raw_pos;
    if (avail >= want || src->raw_eof)
        return (long)avail;
    memmove(src->raw_store, src->raw + src->raw_pos, avail);
    src->raw_base += src->raw_pos;
    src->raw_pos = 0;
    src->raw_len = avail;
    while (src->raw_len < want && !src->raw_eof) {
        size_t n = fread(src->raw_store + src->raw_len, 1, INPUT_RAW_BYTES - src->raw_len,
                         src->file);
        src->raw_len += n;
        if (n == 0) {
            if (ferror(src->file))
                return mm_fail(err, MM_ERR_IO, "%s: read error at byte %llu: %s", src->name,
                               (unsigned long long)(src->raw_base + src->raw_len),
                               strerror(errno));
            src->raw_eof = true;
        }
    }
    return (long)src->raw_len;
}

static bool has_magic(const trace_input *src, size_t avail, const uint8_t *magic, size_t n)
{
    return avail >= n && !memcmp(src->raw + src->raw_pos, magic, n);
}

static trace_input *input_new(const char *name, mm_error *err)
{
    trace_input *src = calloc(1, sizeof *src);
    size_t n = strlen(name) + 1;
    if (src) {
        src->name = malloc(n);
        src->buf = malloc(INPUT_BUF_BYTES);
    }
    if (!src || !src->name || !src->buf) {
        if (src) {
            free(src->name);
            free(src->buf);
        }
        free(src);
        mm_fail(err, MM_ERR_NOMEM, "%s: out of memory opening the input", name);
        return NULL;
    }
    memcpy(src->name, name, n);
    return src;
}

/* Detects the compression from the raw head and starts the decoder. */
static trace_input *input_start(trace_input *src, mm_error *err)
{
    long avail = input_raw_ensure(src, sizeof xz_magic, err);
    if (avail < 0) {
        trace_input_close(src);
        return NULL;
    }
    if (has_magic(src, (size_t)avail, gzip_magic, sizeof gzip_magic))
        src->compression = TRACE_INPUT_GZIP;
    else if (has_magic(src, (size_t)avail, xz_magic, sizeof xz_magic))
        src->compression = TRACE_INPUT_XZ;
    else if (has_magic(src, (size_t)avail, zstd_magic, sizeof zstd_magic))
        src->compression = TRACE_INPUT_ZSTD;
    else
        src->compression = TRACE_INPUT_PLAIN;
    if (input_decoder_init(src, err)) {
        trace_input_close(src);
        return NULL;
    }
    return src;
}

trace_input *trace_input_open(const char *path, mm_error *err)
{
    bool is_stdin = !strcmp(path, "-");
    trace_input *src = input_new(is_stdin ? "<stdin>" : path, err);
    if (!src)
        return NULL;
    src->raw_store = malloc(INPUT_RAW_BYTES);
    if (!src->raw_store) {
        trace_input_close(src);
        mm_fail(err, MM_ERR_NOMEM, "%s: out of memory opening the input", path);
        return NULL;
    }
    src->raw = src->raw_store;
    if (is_stdin) {
        src->file = stdin;
    } else {
        src->file = fopen(path, "rb");
        if (!src->file) {
            mm_fail(err, MM_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
            trace_input_close(src);
            return NULL;
        }
        src->owns_file = true;
    }
    return input_start(src, err);
}

trace_input *trace_input_open_memory(const void *data, size_t len, const char *name,
                                     mm_error *err)
{
    trace_input *src = input_new(name ? name : "<memory>", err);
    if (!src)
        return NULL;
    static const uint8_t empty[1];
    src->raw = data ? data : empty;
    src->raw_len = data ? len : 0;
    src->raw_eof = true;
    return input_start(src, err);
}

void trace_input_close(trace_input *src)
{
    if (!src)
        return;
    input_decoder_end(src);
    if (src->owns_file)
        fclose(src->file);
    free(src->raw_store);
    free(src->buf);
    free(src->name);
    free(src);
}

const char *trace_input_name(const trace_input *src)
{
    return src->name;
}

trace_input_codec trace_input_compression(const trace_input *src)
{
    return src->compression;
}

uint64_t trace_input_offset(const trace_input *src)
{
    return src->offset;
}

/* Moves the unconsumed bytes to the front and decodes more behind them;
 * returns the number of new bytes (0 at the end) or a negative status. */
static long refill(trace_input *src, mm_error *err)
{
    if (src->eof)
        return 0;
    if (src->pos) {
        memmove(src->buf, src->buf + src->pos, src->len - src->pos);
        src->len -= src->pos;
        src->pos = 0;
    }
    long n = input_decode(src, err);
    if (n == 0)
        src->eof = true;
    return n;
}

long trace_input_peek(trace_input *src, size_t want, const uint8_t **data, mm_error *err)
{
    if (want > INPUT_BUF_BYTES)
        want = INPUT_BUF_BYTES;
    while (src->len - src->pos < want && !src->eof) {
        long n = refill(src, err);
        if (n < 0)
            return n;
    }
    *data = src->buf + src->pos;
    size_t avail = src->len - src->pos;
    return (long)(avail < want ? avail : want);
}

long trace_input_read(trace_input *src, void *buf, size_t len, mm_error *err)
{
    uint8_t *out = buf;
    size_t done = 0;
    while (done < len) {
        size_t avail = src->len - src->pos;
        if (!avail) {
            long n = refill(src, err);
            if (n < 0)
                return n;
            if (n == 0)
                break;
            continue;
        }
        size_t take = len - done < avail ? len - done : avail;
        memcpy(out + done, src->buf + src->pos, take);
        src->pos += take;
        src->offset += take;
        done += take;
    }
    return (long)done;
}

static void consume(trace_input *src, size_t n)
{
    src->pos += n;
    src->offset += n;
}

static int emit_line(trace_input *src, trace_line *line, size_t len, size_t terminator)
{
    const char *text = (const char *)src->buf + src->pos;
    size_t shown = len && text[len - 1] == '\r' ? len - 1 : len;
    if (shown > TRACE_LINE_MAX) {
        memcpy(src->long_line, text, TRACE_LINE_MAX);
        line->text = src->long_line;
        line->len = TRACE_LINE_MAX;
        line->truncated = true;
    } else {
        line->text = text;
        line->len = shown;
        line->truncated = false;
    }
    line->number = ++src->line_number;
    line->offset = src->offset;
    consume(src, len + terminator);
    return 1;
}

/* Keeps the first TRACE_LINE_MAX bytes and skips the rest of the line. */
static int emit_long_line(trace_input *src, trace_line *line, mm_error *err)
{
    memcpy(src->long_line, src->buf + src->pos, TRACE_LINE_MAX);
    line->text = src->long_line;
    line->len = TRACE_LINE_MAX;
    line->truncated = true;
    line->number = ++src->line_number;
    line->offset = src->offset;
    for (;;) {
        size_t avail = src->len - src->pos;
        const uint8_t *nl = avail ? memchr(src->buf + src->pos, '\n', avail) : NULL;
        if (nl) {
            consume(src, (size_t)(nl - (src->buf + src->pos)) + 1);
            return 1;
        }
        consume(src, avail);
        long n = refill(src, err);
        if (n < 0)
            return (int)n;
        if (n == 0)
            return 1;
    }
}

int trace_input_line(trace_input *src, trace_line *line, mm_error *err)
{
    size_t scanned = 0;
    for (;;) {
        size_t avail = src->len - src->pos;
        const uint8_t *start = src->buf + src->pos;
        const uint8_t *nl = scanned < avail ? memchr(start + scanned, '\n', avail - scanned) : NULL;
        if (nl)
            return emit_line(src, line, (size_t)(nl - start), 1);
        scanned = avail;
        if (avail > TRACE_LINE_MAX + 1) /* room for a "\r" before the "\n" */
            return emit_long_line(src, line, err);
        if (src->eof)
            return avail ? emit_line(src, line, avail, 0) : 0;
        long n = refill(src, err);
        if (n < 0)
            return (int)n;
    }
}
