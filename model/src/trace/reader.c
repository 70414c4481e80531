/*
 * reader.c — the trace reader: parses the header, decodes records in
 * batches straight out of a 1 MiB window of the uncompressed stream, and
 * verifies the trailer (record count, CRC-32, nothing after it). Errors
 * name the file, the offset in the uncompressed stream and the record.
 */
#include "mmulab/trace.h"
#include "trace/format.h"
#include "trace/zin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READER_BUF_CAP (1u << 20)

struct trace_reader {
    trace_zin src;
    char *name;
    uint8_t *buf;         /* READER_BUF_CAP data + TRACE_RECORD_MAX zero padding */
    size_t pos;           /* next byte to decode */
    size_t end;           /* end of the decompressed bytes in buf */
    size_t crc_pos;       /* bytes of buf before this are already in crc */
    uint64_t base;        /* stream offset of buf[0] */
    uint32_t crc;
    int input_done;       /* the compressed input is used up: buf holds the rest */
    int status;           /* 1 reading, 0 verified end, < 0 a sticky error */
    mm_error error;       /* the sticky error's message */
    uint32_t pid;         /* the current process (CONTEXT_SWITCH) */
    uint64_t records;
    trace_header header;
    trace_predictor pred;
};

/* Records err as the reader's error, adding file, offset and record. */
static int reader_fail(trace_reader *r, size_t at, uint64_t record, int code, const char *cause,
                       mm_error *err)
{
    mm_fail(&r->error, code, "%s: byte %llu, record %llu: %s", r->name,
            (unsigned long long)(r->base + at), (unsigned long long)record, cause);
    r->status = code;
    if (err)
        *err = r->error;
    return code;
}

static int input_fail(trace_reader *r, size_t at, uint64_t record, int code, const mm_error *cause,
                       mm_error *err)
{
    return reader_fail(r, at, record, code, cause->msg, err);
}

/* Makes at least need bytes readable from pos, unless the stream has fewer
 * left; the bytes consumed so far go into the CRC before they move. */
static int refill(trace_reader *r, size_t need, uint64_t record, mm_error *err)
{
    r->crc = (uint32_t)crc32(r->crc, r->buf + r->crc_pos, (uInt)(r->pos - r->crc_pos));
    memmove(r->buf, r->buf + r->pos, r->end - r->pos);
    r->base += r->pos;
    r->end -= r->pos;
    r->pos = 0;
    r->crc_pos = 0;
    while (r->end < need && !r->input_done) {
        mm_error cause;
        long got = trace_zin_read(&r->src, r->buf + r->end, READER_BUF_CAP - r->end, &cause);
        if (got < 0) {
            memset(r->buf + r->end, 0, TRACE_RECORD_MAX);
            return input_fail(r, r->end, record, (int)got, &cause, err);
        }
        if (got == 0)
            r->input_done = 1;
        r->end += (size_t)got;
    }
    memset(r->buf + r->end, 0, TRACE_RECORD_MAX);
    return MM_OK;
}

static int parse_header(trace_reader *r, mm_error *err)
{
    int rc = refill(r, TRACE_HEADER_MAX, 0, err);
    if (rc != MM_OK)
        return rc;
    const uint8_t *p = r->buf;
    if (r->end < TRACE_HEADER_FIXED + 1) {
        if (memcmp(p, TRACE_MAGIC, r->end < TRACE_MAGIC_LEN ? r->end : TRACE_MAGIC_LEN) != 0)
            return reader_fail(r, 0, 0, MM_ERR_FORMAT, "not an mmulab trace (bad magic)", err);
        return reader_fail(r, r->end, 0, MM_ERR_FORMAT, "truncated file (inside the header)", err);
    }
    if (memcmp(p, TRACE_MAGIC, TRACE_MAGIC_LEN) != 0)
        return reader_fail(r, 0, 0, MM_ERR_FORMAT, "not an mmulab trace (bad magic)", err);
    trace_header *h = &r->header;
    h->version = (uint16_t)(p[8] | p[9] << 8);
    h->flags = (uint16_t)(p[10] | p[11] << 8);
    h->format_hint = p[12];
    char cause[96];
    if (h->version == 0 || h->version > TRACE_VERSION) {
        snprintf(cause, sizeof cause, h->version ? "version %u is newer than this mmulab (%u)"
                                                  : "version %u is invalid (this mmulab reads %u)",
                 (unsigned)h->version, TRACE_VERSION);
        return reader_fail(r, 8, 0, MM_ERR_FORMAT, cause, err);
    }
    if (h->flags != 0) {
        snprintf(cause, sizeof cause, "unknown header flags 0x%x", (unsigned)h->flags);
        return reader_fail(r, 10, 0, MM_ERR_FORMAT, cause, err);
    }
    uint64_t len;
    const uint8_t *q = trace_get_varint(p + TRACE_HEADER_FIXED, &len);
    if (!q || len >= TRACE_DESCRIPTION_MAX) {
        snprintf(cause, sizeof cause, "description length is over %u bytes", TRACE_DESCRIPTION_MAX - 1);
        return reader_fail(r, TRACE_HEADER_FIXED, 0, MM_ERR_FORMAT, cause, err);
    }
    size_t desc_at = (size_t)(q - r->buf);
    if (desc_at + len > r->end)
        return reader_fail(r, r->end, 0, MM_ERR_FORMAT, "truncated file (inside the header)", err);
    if (memchr(q, '\0', (size_t)len))
        return reader_fail(r, desc_at, 0, MM_ERR_FORMAT, "description contains a NUL byte", err);
    memcpy(h->description, q, (size_t)len);
    h->description[len] = '\0';
    r->pos = desc_at + (size_t)len;
    return MM_OK;
}

static trace_reader *reader_start(trace_reader *r, const char *name, int rc, mm_error *err)
{
    if (rc == MM_OK) {
        r->name = malloc(strlen(name) + 1);
        r->buf = malloc(READER_BUF_CAP + TRACE_RECORD_MAX);
        if (!r->name || !r->buf) {
            trace_reader_close(r);
            mm_fail(err, MM_ERR_NOMEM, "%s: out of memory for the trace reader", name);
            return NULL;
        }
        strcpy(r->name, name);
        r->crc = (uint32_t)crc32(0, Z_NULL, 0);
        r->status = 1;
        if (parse_header(r, err) == MM_OK)
            return r;
        trace_reader_close(r);
        return NULL;
    }
    mm_error cause = *err;
    mm_fail(err, rc, "%s: %s", name, cause.msg);
    free(r);
    return NULL;
}

trace_reader *trace_reader_open(const char *path, mm_error *err)
{
    mm_error local;
    if (!err)
        err = &local;
    if (!path || !*path) {
        mm_fail(err, MM_ERR_INVALID, "trace reader: path is empty");
        return NULL;
    }
    trace_reader *r = calloc(1, sizeof *r);
    if (!r) {
        mm_fail(err, MM_ERR_NOMEM, "%s: out of memory for the trace reader", path);
        return NULL;
    }
    int rc = trace_zin_open_file(&r->src, path, err);
    return reader_start(r, strcmp(path, "-") == 0 ? "stdin" : path, rc, err);
}

trace_reader *trace_reader_open_buffer(const void *data, size_t len, const char *name, mm_error *err)
{
    mm_error local;
    if (!err)
        err = &local;
    if (!name)
        name = "buffer";
    if (!data && len) {
        mm_fail(err, MM_ERR_INVALID, "%s: no data", name);
        return NULL;
    }
    trace_reader *r = calloc(1, sizeof *r);
    if (!r) {
        mm_fail(err, MM_ERR_NOMEM, "%s: out of memory for the trace reader", name);
        return NULL;
    }
    int rc = trace_zin_open_memory(&r->src, data, len, err);
    return reader_start(r, name, rc, err);
}

/* The trailer at p (just past the END tag): count and CRC must match and
 * nothing may follow, neither inside nor after the compressed stream. */
static int finish_trailer(trace_reader *r, const uint8_t *p, const uint8_t *tag, uint64_t records,
                          mm_error *err)
{
    size_t at = (size_t)(tag - r->buf);
    uint64_t count;
    p = trace_get_varint(p, &count);
    if (!p)
        return reader_fail(r, at, records, MM_ERR_FORMAT, "varint too long in the trailer", err);
    if ((size_t)(p - r->buf) + 4 > r->end)
        return reader_fail(r, r->end, records, MM_ERR_FORMAT, "truncated file (inside the trailer)", err);
    size_t crc_at = (size_t)(p - r->buf);
    uint32_t crc = (uint32_t)crc32(r->crc, r->buf + r->crc_pos, (uInt)(crc_at - r->crc_pos));
    uint32_t stored = trace_get_u32le(p);
    char cause[128];
    if (stored != crc) {
        snprintf(cause, sizeof cause, "CRC mismatch: the trailer says 0x%08x, the data gives 0x%08x",
                 (unsigned)stored, (unsigned)crc);
        return reader_fail(r, crc_at, records, MM_ERR_FORMAT, cause, err);
    }
    if (count != records) {
        snprintf(cause, sizeof cause, "record count mismatch: the trailer says %llu, the file has %llu",
                 (unsigned long long)count, (unsigned long long)records);
        return reader_fail(r, at, records, MM_ERR_FORMAT, cause, err);
    }
    r->pos = crc_at + 4;
    r->crc_pos = r->pos;
    /* Unless the input is used up, the decode loop only starts a record
     * TRACE_RECORD_MAX bytes before the end of buf, so bytes follow. */
    if (r->pos < r->end || !r->input_done)
        return reader_fail(r, r->pos, records, MM_ERR_FORMAT, "trailing bytes after the trailer", err);
    mm_error why;
    if (trace_zin_check_eof(&r->src, &why) != MM_OK)
        return input_fail(r, r->pos, records, why.code, &why, err);
    r->status = 0;
    return MM_OK;
}

static const char *range_cause(unsigned tag)
{
    return (tag & TRACE_TAG_EVENT) == TRACE_TAG_EVENT ? "event field out of range" : "access size out of range";
}

long trace_read(trace_reader *r, trace_record *out, size_t max, mm_error *err)
{
    if (r->status <= 0) {
        if (r->status < 0 && err)
            *err = r->error;
        return r->status;
    }
    if (max == 0)
        return mm_fail(err, MM_ERR_INVALID, "%s: trace_read needs room for at least one record", r->name);
    size_t n = 0;
    uint64_t records = r->records;
    char cause[64];
    while (n < max) {
        if (r->end - r->pos < TRACE_RECORD_MAX && !r->input_done &&
            refill(r, TRACE_RECORD_MAX, records, err) != MM_OK)
            break;
        /* Records starting before limit lie wholly in buf, or (input done)
         * run into the zero padding, which the check after the loop sees. */
        const uint8_t *limit = r->buf + (r->input_done ? r->end : r->end - TRACE_RECORD_MAX + 1);
        const uint8_t *data_end = r->buf + r->end;
        const uint8_t *p = r->buf + r->pos;
        if (p >= data_end) {
            reader_fail(r, r->pos, records, MM_ERR_FORMAT, "truncated file (no trailer)", err);
            break;
        }
        const uint8_t *rec_start = p;
        uint32_t pid = r->pid;
        uint64_t v;
        while (n < max && p < limit) {
            rec_start = p;
            trace_record *rec = &out[n];
            unsigned tag = *p++;
            if ((tag & TRACE_TAG_EVENT) != TRACE_TAG_EVENT) {
                unsigned access = tag & 3u;
                unsigned size_code = (tag >> TRACE_SIZE_SHIFT) & 7u;
                unsigned insn_code = (tag >> TRACE_INSN_SHIFT) & 3u;
                uint64_t size = 1u << size_code, insns = insn_code, delta = 0;
                if (size_code == TRACE_SIZE_EXPLICIT) {
                    if (!(p = trace_get_varint(p, &size)))
                        goto bad_varint;
                    if (size == 0 || size > UINT16_MAX)
                        goto bad_range;
                }
                if (insn_code >= TRACE_INSN_EXPLICIT) {
                    if (insn_code != TRACE_INSN_EXPLICIT)
                        goto bad_tag;
                    if (!(p = trace_get_varint(p, &insns)))
                        goto bad_varint;
                }
                if (!(tag & TRACE_TAG_PREDICTED)) {
                    if (!(p = trace_get_varint(p, &delta)))
                        goto bad_varint;
                    delta = trace_unzigzag(delta);
                }
                uint64_t *slot = trace_predict_slot(&r->pred, access);
                uint64_t va = *slot + delta;
                trace_predict_update(&r->pred, slot, access, va, size);
                *rec = (trace_record){.kind = TRACE_ACCESS, .access = (uint8_t)access, .size = (uint16_t)size,
                                      .pid = pid, .va = va, .instructions = insns};
                n++;
                continue;
            }
            if (tag == TRACE_TAG_END) {
                r->pid = pid;
                r->records = records + n;
                r->pos = (size_t)(rec_start - r->buf);
                if (p > data_end) {
                    reader_fail(r, r->end, records + n, MM_ERR_FORMAT, "truncated file (inside the trailer)", err);
                    return n ? (long)n : r->status;
                }
                finish_trailer(r, p, rec_start, records + n, err);
                return n ? (long)n : r->status;
            }
            unsigned kind = tag >> 2;
            if (kind >= TRACE_KIND_COUNT)
                goto bad_tag;
            *rec = (trace_record){.kind = (trace_kind)kind};
            if (!(p = trace_get_varint(p, &v)))
                goto bad_varint;
            if (v > UINT32_MAX)
                goto bad_range;
            rec->pid = (uint32_t)v;
            switch (kind) {
            case TRACE_CONTEXT_SWITCH:
                pid = rec->pid;
                break;
            case TRACE_FORK:
                if (!(p = trace_get_varint(p, &v)))
                    goto bad_varint;
                if (v > UINT32_MAX)
                    goto bad_range;
                rec->child = (uint32_t)v;
                break;
            case TRACE_MMAP:
            case TRACE_MUNMAP:
            case TRACE_MPROTECT:
                if (!(p = trace_get_varint(p, &rec->va)) || !(p = trace_get_varint(p, &rec->length)))
                    goto bad_varint;
                if (kind != TRACE_MUNMAP) {
                    if (!(p = trace_get_varint(p, &v)))
                        goto bad_varint;
                    if (v > UINT32_MAX)
                        goto bad_range;
                    rec->prot = (uint32_t)v;
                }
                break;
            case TRACE_FLUSH:
                rec->flush_kind = p[0];
                rec->flush_flags = p[1];
                if (!(p = trace_get_varint(p + 2, &v)))
                    goto bad_varint;
                if (v > UINT16_MAX)
                    goto bad_range;
                rec->asid = (uint16_t)v;
                if (!(p = trace_get_varint(p, &rec->va)))
                    goto bad_varint;
                break;
            case TRACE_MARKER:
                if (!(p = trace_get_varint(p, &rec->marker)))
                    goto bad_varint;
                break;
            default: /* TRACE_EXIT */
                break;
            }
            n++;
            continue;
        bad_tag:
            snprintf(cause, sizeof cause, "unknown tag 0x%02x", tag);
            goto bad_record;
        bad_varint:
            snprintf(cause, sizeof cause, "varint too long");
            goto bad_record;
        bad_range:
            /* a field read from the zero padding: the stream stopped inside this record */
            snprintf(cause, sizeof cause, "%s",
                     p > data_end ? "truncated file (inside a record)" : range_cause(tag));
        bad_record:
            r->pid = pid;
            r->records = records + n;
            r->pos = (size_t)(rec_start - r->buf);
            reader_fail(r, r->pos, records + n, MM_ERR_FORMAT, cause, err);
            return n ? (long)n : r->status;
        }
        r->pid = pid;
        if (p > data_end) {
            /* the last record ran into the padding: the stream stops inside it */
            n--;
            r->pos = (size_t)(rec_start - r->buf);
            reader_fail(r, r->end, records + n, MM_ERR_FORMAT, "truncated file (inside a record)", err);
            break;
        }
        r->pos = (size_t)(p - r->buf);
    }
    r->records = records + n;
    if (n)
        return (long)n;
    return r->status;
}

const trace_header *trace_reader_header(const trace_reader *r)
{
    return &r->header;
}

trace_compression trace_reader_compression(const trace_reader *r)
{
    return r->src.compression;
}

uint64_t trace_reader_records(const trace_reader *r)
{
    return r->records;
}

uint64_t trace_reader_bytes_in(const trace_reader *r)
{
    return trace_zin_bytes_in(&r->src);
}

uint64_t trace_reader_file_size(const trace_reader *r)
{
    return r->src.file_size;
}

void trace_reader_close(trace_reader *r)
{
    if (!r)
        return;
    trace_zin_close(&r->src);
    free(r->name);
    free(r->buf);
    free(r);
}
