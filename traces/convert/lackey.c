/*
 * lackey.c — Valgrind lackey (`--tool=lackey --trace-mem=yes`) to native
 * records. Lines: "I  addr,size" (an instruction fetch), " L addr,size",
 * " S addr,size", " M addr,size" (a modify: one store, since a
 * read-modify-write translates once with write permission); "==pid=="
 * lines are valgrind's own and blank lines carry nothing.
 */
#include "convert_internal.h"

typedef struct {
    mm_access access;
    uint64_t va;
    uint16_t size;
} lackey_op;

/* Parses one non-blank, non-valgrind line into op. */
static int parse_line(const trace_input *src, const trace_line *line, const char *p,
                      const char *end, lackey_op *op, mm_error *err)
{
    switch (*p) {
    case 'I':
        op->access = MM_ACCESS_IFETCH;
        break;
    case 'L':
        op->access = MM_ACCESS_LOAD;
        break;
    case 'S':
    case 'M':
        op->access = MM_ACCESS_STORE;
        break;
    default:
        return conv_bad_line(err, src, line, "not a lackey line (expected I, L, S or M)");
    }
    p++;
    if (p == end || !conv_is_blank(*p))
        return conv_bad_line(err, src, line, "expected a blank after the operation letter");
    p = conv_skip_blanks(p, end);
    uint64_t va, size;
    scan_result r = conv_scan_hex(&p, end, &va);
    if (r == SCAN_NONE)
        return conv_bad_line(err, src, line, "bad hex address");
    if (r == SCAN_OVERFLOW)
        return conv_bad_line(err, src, line, "address wider than 64 bits");
    if (p == end || *p != ',') {
        if (p < end && !conv_is_blank(*p))
            return conv_bad_line(err, src, line, "bad hex address");
        return conv_bad_line(err, src, line, "missing \",size\" after the address");
    }
    p++;
    r = conv_scan_dec(&p, end, &size);
    if (r == SCAN_NONE)
        return conv_bad_line(err, src, line, "missing or bad decimal size");
    if (r == SCAN_OVERFLOW || size == 0 || size > UINT16_MAX)
        return conv_bad_line(err, src, line, "size out of range 1..65535");
    if (conv_skip_blanks(p, end) != end)
        return conv_bad_line(err, src, line, "unexpected text after the size");
    op->va = va;
    op->size = (uint16_t)size;
    return MM_OK;
}

int trace_convert_lackey(trace_input *src, const trace_convert_options *opt,
                         const trace_record_sink *sink, trace_convert_stats *stats, mm_error *err)
{
    conv_emitter em;
    conv_emitter_init(&em, opt, sink, stats);
    trace_line line;
    uint64_t ops = 0;
    int rc;
    while ((rc = trace_input_line(src, &line, err)) > 0) {
        stats->units++;
        const char *end = line.text + line.len;
        if (line.len >= 2 && line.text[0] == '=' && line.text[1] == '=') {
            stats->skipped++;
            continue;
        }
        if (line.truncated)
            return conv_line_fail(err, src, &line, "line longer than %u bytes", TRACE_LINE_MAX);
        const char *p = conv_skip_blanks(line.text, end);
        if (p == end) {
            stats->skipped++;
            continue;
        }
        lackey_op op = {MM_ACCESS_LOAD, 0, 0};
        rc = parse_line(src, &line, p, end, &op, err);
        if (rc)
            return rc;
        ops++;
        rc = conv_emitter_access(&em, op.access, op.va, op.size, err);
        if (rc)
            return rc;
        /* The instruction retires after its fetch: the ifetch record carries
         * the instructions before it, the data accesses that follow this one. */
        if (op.access == MM_ACCESS_IFETCH)
            em.pending++;
    }
    if (rc)
        return rc;
    conv_emitter_finish(&em);
    if (!ops && !stats->units)
        return mm_fail(err, MM_ERR_FORMAT, "%s: empty input (byte 0): no lackey lines",
                       trace_input_name(src));
    if (!ops)
        return mm_fail(err, MM_ERR_FORMAT,
                       "%s: no access lines in %llu lines (byte %llu); was valgrind run with "
                       "--tool=lackey --trace-mem=yes?",
                       trace_input_name(src), (unsigned long long)stats->units,
                       (unsigned long long)trace_input_offset(src));
    return MM_OK;
}
