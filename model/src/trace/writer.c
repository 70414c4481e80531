/*
 * writer.c — the trace writer: validates records, encodes the header,
 * records and trailer of the uncompressed stream (format.h), keeps its
 * CRC-32 and hands it to the compressor (zout.c) in 1 MiB chunks.
 */
#include "mmulab/trace.h"
#include "trace/format.h"
#include "trace/zout.h"

#include <stdlib.h>
#include <string.h>

#define WRITER_BUF_CAP (1u << 20)

struct trace_writer {
    trace_zout out;
    uint8_t *buf;       /* uncompressed bytes not yet compressed */
    size_t len;
    uint32_t crc;       /* of everything compressed so far */
    uint32_t pid;       /* current process, as the reader will track it */
    uint64_t records;
    int failed;         /* an earlier error: the trace can only be aborted */
    trace_predictor pred;
};

static int flush_buf(trace_writer *w, mm_error *err)
{
    w->crc = (uint32_t)crc32(w->crc, w->buf, (uInt)w->len);
    int rc = trace_zout_write(&w->out, w->buf, w->len, err);
    w->len = 0;
    if (rc != MM_OK)
        w->failed = 1;
    return rc;
}

static int check_header(const trace_header *h, size_t *desc_len, mm_error *err)
{
    if (h->flags != 0)
        return mm_fail(err, MM_ERR_INVALID, "trace writer: header flags 0x%x are reserved and must be 0",
                       (unsigned)h->flags);
    const char *nul = memchr(h->description, '\0', sizeof h->description);
    if (!nul)
        return mm_fail(err, MM_ERR_INVALID, "trace writer: description is not terminated within %u bytes",
                       TRACE_DESCRIPTION_MAX);
    *desc_len = (size_t)(nul - h->description);
    return MM_OK;
}

static void put_header(trace_writer *w, const trace_header *h, size_t desc_len)
{
    uint8_t *p = w->buf;
    memcpy(p, TRACE_MAGIC, TRACE_MAGIC_LEN);
    p += TRACE_MAGIC_LEN;
    trace_put_u16le(p, TRACE_VERSION);
    trace_put_u16le(p + 2, h->flags);
    p[4] = h->format_hint;
    p = trace_put_varint(p + 5, desc_len);
    memcpy(p, h->description, desc_len);
    w->len = (size_t)(p + desc_len - w->buf);
}

trace_writer *trace_writer_open(const char *path, const trace_header *header,
                                trace_compression compression, int level, mm_error *err)
{
    static const trace_header unnamed = {TRACE_VERSION, 0, 0xff, ""};
    if (!path || !*path) {
        mm_fail(err, MM_ERR_INVALID, "trace writer: path is empty");
        return NULL;
    }
    if (!header)
        header = &unnamed;
    size_t desc_len = 0;
    if (check_header(header, &desc_len, err) != MM_OK)
        return NULL;
    trace_writer *w = calloc(1, sizeof *w);
    uint8_t *buf = malloc(WRITER_BUF_CAP);
    if (!w || !buf) {
        free(w);
        free(buf);
        mm_fail(err, MM_ERR_NOMEM, "trace writer: out of memory for %s", path);
        return NULL;
    }
    if (trace_zout_open(&w->out, path, compression, level, err) != MM_OK) {
        free(w);
        free(buf);
        return NULL;
    }
    w->buf = buf;
    w->crc = (uint32_t)crc32(0, Z_NULL, 0);
    put_header(w, header, desc_len);
    return w;
}

static uint8_t *put_access(trace_writer *w, const trace_record *rec, uint8_t *p)
{
    unsigned access = rec->access;
    unsigned size_code = trace_size_code(rec->size);
    unsigned insn_code = rec->instructions < 2 ? (unsigned)rec->instructions : TRACE_INSN_EXPLICIT;
    uint64_t *slot = trace_predict_slot(&w->pred, access);
    uint64_t delta = rec->va - *slot;
    uint8_t *tag = p++;
    *tag = (uint8_t)(access | size_code << TRACE_SIZE_SHIFT | insn_code << TRACE_INSN_SHIFT |
                     (delta == 0 ? TRACE_TAG_PREDICTED : 0));
    if (size_code == TRACE_SIZE_EXPLICIT)
        p = trace_put_varint(p, rec->size);
    if (insn_code == TRACE_INSN_EXPLICIT)
        p = trace_put_varint(p, rec->instructions);
    if (delta != 0)
        p = trace_put_varint(p, trace_zigzag(delta));
    trace_predict_update(&w->pred, slot, access, rec->va, rec->size);
    return p;
}

static uint8_t *put_event(trace_writer *w, const trace_record *rec, uint8_t *p)
{
    *p++ = TRACE_EVENT_TAG(rec->kind);
    p = trace_put_varint(p, rec->pid);
    switch (rec->kind) {
    case TRACE_CONTEXT_SWITCH:
        w->pid = rec->pid;
        break;
    case TRACE_FORK:
        p = trace_put_varint(p, rec->child);
        break;
    case TRACE_MMAP:
    case TRACE_MPROTECT:
        p = trace_put_varint(p, rec->va);
        p = trace_put_varint(p, rec->length);
        p = trace_put_varint(p, rec->prot);
        break;
    case TRACE_MUNMAP:
        p = trace_put_varint(p, rec->va);
        p = trace_put_varint(p, rec->length);
        break;
    case TRACE_FLUSH:
        *p++ = rec->flush_kind;
        *p++ = rec->flush_flags;
        p = trace_put_varint(p, rec->asid);
        p = trace_put_varint(p, rec->va);
        break;
    case TRACE_MARKER:
        p = trace_put_varint(p, rec->marker);
        break;
    default: /* TRACE_EXIT: the pid is all it carries */
        break;
    }
    return p;
}

static int check_record(const trace_writer *w, const trace_record *rec, mm_error *err)
{
    if ((unsigned)rec->kind >= TRACE_KIND_COUNT)
        return mm_fail(err, MM_ERR_INVALID, "trace writer: record %llu: kind %d is unknown",
                       (unsigned long long)w->records, (int)rec->kind);
    if (rec->kind != TRACE_ACCESS)
        return MM_OK;
    if (rec->access >= MM_ACCESS_COUNT)
        return mm_fail(err, MM_ERR_INVALID, "trace writer: record %llu: access %u is not ifetch, load or store",
                       (unsigned long long)w->records, (unsigned)rec->access);
    if (rec->size == 0)
        return mm_fail(err, MM_ERR_INVALID, "trace writer: record %llu: access size is 0",
                       (unsigned long long)w->records);
    if (rec->pid != w->pid)
        return mm_fail(err, MM_ERR_INVALID,
                       "trace writer: record %llu: access pid %u is not the current process %u "
                       "(write a TRACE_CONTEXT_SWITCH first)",
                       (unsigned long long)w->records, (unsigned)rec->pid, (unsigned)w->pid);
    return MM_OK;
}

int trace_write(trace_writer *w, const trace_record *rec, mm_error *err)
{
    if (w->failed)
        return mm_fail(err, MM_ERR_IO, "%s: an earlier write failed", w->out.tmp_path);
    int rc = check_record(w, rec, err);
    if (rc != MM_OK)
        return rc;
    if (WRITER_BUF_CAP - w->len < TRACE_RECORD_MAX && (rc = flush_buf(w, err)) != MM_OK)
        return rc;
    uint8_t *p = w->buf + w->len;
    p = rec->kind == TRACE_ACCESS ? put_access(w, rec, p) : put_event(w, rec, p);
    w->len = (size_t)(p - w->buf);
    w->records++;
    return MM_OK;
}

int trace_writer_close(trace_writer *w, mm_error *err)
{
    int rc = MM_OK;
    if (w->failed)
        rc = mm_fail(err, MM_ERR_IO, "%s: an earlier write failed", w->out.tmp_path);
    if (rc == MM_OK && WRITER_BUF_CAP - w->len < TRACE_RECORD_MAX)
        rc = flush_buf(w, err);
    if (rc == MM_OK) {
        uint8_t *p = w->buf + w->len;
        *p++ = TRACE_TAG_END;
        p = trace_put_varint(p, w->records);
        w->len = (size_t)(p - w->buf);
        uint32_t crc = (uint32_t)crc32(w->crc, w->buf, (uInt)w->len);
        trace_put_u32le(p, crc);
        w->len += 4;
        rc = trace_zout_write(&w->out, w->buf, w->len, err);
    }
    if (rc == MM_OK)
        rc = trace_zout_finish(&w->out, err);
    else
        trace_zout_discard(&w->out);
    free(w->buf);
    free(w);
    return rc;
}

void trace_writer_abort(trace_writer *w)
{
    if (!w)
        return;
    trace_zout_discard(&w->out);
    free(w->buf);
    free(w);
}

uint64_t trace_writer_records(const trace_writer *w)
{
    return w->records;
}
