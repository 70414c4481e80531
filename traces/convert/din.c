/*
 * din.c — Dinero IV "din" text to native records: "label address [size]"
 * with label 0 read, 1 write, 2 instruction fetch, 4 cache flush (dropped:
 * a cache flush changes no translation). Label 3, Dinero's escape record
 * of unknown access type, cannot be given an access type and is rejected,
 * as is any other label. The address is hex, an optional "0x" allowed;
 * a third field made of decimal digits is the size (default 4, what
 * Dinero IV assumes for din), any other text after the address is a
 * comment, as Dinero treats it.
 */
#include "convert_internal.h"

#define DIN_DEFAULT_SIZE 4u

enum { DIN_READ = 0, DIN_WRITE = 1, DIN_IFETCH = 2, DIN_ESCAPE = 3, DIN_FLUSH = 4 };

typedef struct {
    unsigned label;
    uint64_t va;
    uint16_t size;
} din_op;

static int parse_address(const trace_input *src, const trace_line *line, const char **pp,
                         const char *end, uint64_t *va, mm_error *err)
{
    const char *p = *pp;
    if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        p += 2;
    scan_result r = conv_scan_hex(&p, end, va);
    if (r == SCAN_NONE || (p < end && !conv_is_blank(*p)))
        return conv_bad_line(err, src, line, "bad hex address");
    if (r == SCAN_OVERFLOW)
        return conv_bad_line(err, src, line, "address wider than 64 bits");
    *pp = p;
    return MM_OK;
}

/* The optional size: a decimal field followed by a blank or the end. */
static int parse_size(const trace_input *src, const trace_line *line, const char *p,
                      const char *end, uint16_t *size, mm_error *err)
{
    p = conv_skip_blanks(p, end);
    const char *q = p;
    uint64_t v;
    scan_result r = conv_scan_dec(&q, end, &v);
    if (r == SCAN_NONE || (q < end && !conv_is_blank(*q)))
        return MM_OK; /* a comment */
    if (r == SCAN_OVERFLOW || v == 0 || v > UINT16_MAX)
        return conv_bad_line(err, src, line, "size out of range 1..65535");
    *size = (uint16_t)v;
    return MM_OK;
}

static int parse_line(const trace_input *src, const trace_line *line, const char *p,
                      const char *end, din_op *op, mm_error *err)
{
    uint64_t label;
    scan_result r = conv_scan_dec(&p, end, &label);
    if (r == SCAN_NONE || (p < end && !conv_is_blank(*p)))
        return conv_bad_line(err, src, line, "expected a label 0, 1, 2 or 4");
    if (label == DIN_ESCAPE)
        return conv_line_fail(err, src, line,
                              "label 3 (escape record of unknown access type) cannot be "
                              "converted");
    if (r == SCAN_OVERFLOW || label > DIN_FLUSH)
        return conv_bad_line(err, src, line, "unknown label (0 read, 1 write, 2 ifetch, 4 flush)");
    op->label = (unsigned)label;
    if (label == DIN_FLUSH)
        return MM_OK;
    p = conv_skip_blanks(p, end);
    if (p == end)
        return conv_bad_line(err, src, line, "missing address after the label");
    int rc = parse_address(src, line, &p, end, &op->va, err);
    if (rc)
        return rc;
    return parse_size(src, line, p, end, &op->size, err);
}

int trace_convert_din(trace_input *src, const trace_convert_options *opt,
                      const trace_record_sink *sink, trace_convert_stats *stats, mm_error *err)
{
    conv_emitter em;
    conv_emitter_init(&em, opt, sink, stats);
    uint16_t default_size = opt && opt->din_size ? opt->din_size : DIN_DEFAULT_SIZE;
    static const mm_access access_of[] = {MM_ACCESS_LOAD, MM_ACCESS_STORE, MM_ACCESS_IFETCH};
    trace_line line;
    uint64_t ops = 0;
    int rc;
    while ((rc = trace_input_line(src, &line, err)) > 0) {
        stats->units++;
        if (line.truncated)
            return conv_line_fail(err, src, &line, "line longer than %u bytes", TRACE_LINE_MAX);
        const char *end = line.text + line.len;
        const char *p = conv_skip_blanks(line.text, end);
        if (p == end) {
            stats->skipped++;
            continue;
        }
        din_op op = {.size = default_size};
        rc = parse_line(src, &line, p, end, &op, err);
        if (rc)
            return rc;
        ops++;
        if (op.label == DIN_FLUSH) {
            stats->skipped++;
            continue;
        }
        rc = conv_emitter_access(&em, access_of[op.label], op.va, op.size, err);
        if (rc)
            return rc;
        if (op.label == DIN_IFETCH)
            em.pending++;
    }
    if (rc)
        return rc;
    conv_emitter_finish(&em);
    if (!ops)
        return mm_fail(err, MM_ERR_FORMAT,
                       "%s: empty input (%llu lines, byte %llu): no din records",
                       trace_input_name(src), (unsigned long long)stats->units,
                       (unsigned long long)trace_input_offset(src));
    return MM_OK;
}
