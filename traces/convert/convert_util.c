/*
 * convert_util.c — number scanning, error quoting and the record conv_emitter
 * shared by the lackey, din and ChampSim converters.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "convert_internal.h"

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

scan_result conv_scan_hex(const char **p, const char *end, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    bool overflow = false;
    int d;
    while (s < end && (d = hex_value(*s)) >= 0) {
        if (v >> 60)
            overflow = true;
        v = v << 4 | (uint64_t)d;
        s++;
    }
    if (s == *p)
        return SCAN_NONE;
    *p = s;
    *out = v;
    return overflow ? SCAN_OVERFLOW : SCAN_OK;
}

scan_result conv_scan_dec(const char **p, const char *end, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    bool overflow = false;
    while (s < end && *s >= '0' && *s <= '9') {
        uint64_t d = (uint64_t)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            overflow = true;
        v = v * 10 + d;
        s++;
    }
    if (s == *p)
        return SCAN_NONE;
    *p = s;
    *out = v;
    return overflow ? SCAN_OVERFLOW : SCAN_OK;
}

/* Up to 40 characters of [p, end), printable ASCII only. */
static void snippet(const char *p, const char *end, char out[48])
{
    size_t n = 0;
    while (p < end && n < 40) {
        char c = *p++;
        out[n++] = c >= 0x20 && c < 0x7f ? c : '?';
    }
    if (p < end) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
}

int conv_line_fail(mm_error *err, const trace_input *src, const trace_line *line, const char *fmt,
                   ...)
{
    if (err) {
        char what[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof what, fmt, ap);
        va_end(ap);
        mm_fail(err, MM_ERR_FORMAT, "%s: line %llu (byte %llu): %s", trace_input_name(src),
                (unsigned long long)line->number, (unsigned long long)line->offset, what);
    }
    return MM_ERR_FORMAT;
}

int conv_bad_line(mm_error *err, const trace_input *src, const trace_line *line, const char *what)
{
    char quoted[48];
    snippet(line->text, line->text + line->len, quoted);
    return conv_line_fail(err, src, line, "%s: \"%s\"", what, quoted);
}

void conv_emitter_init(conv_emitter *e, const trace_convert_options *opt,
                       const trace_record_sink *sink, trace_convert_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    e->sink = sink;
    e->stats = stats;
    e->pid = opt ? opt->pid : 0;
    e->no_ifetch = opt ? opt->no_ifetch : false;
    e->pending = 0;
    e->switched = false;
}

static int switch_to_pid(conv_emitter *e, mm_error *err)
{
    trace_record rec;
    memset(&rec, 0, sizeof rec);
    rec.kind = TRACE_CONTEXT_SWITCH;
    rec.pid = e->pid;
    int rc = e->sink->put(e->sink->ctx, &rec, err);
    if (rc)
        return rc;
    e->stats->records++;
    e->switched = true;
    return MM_OK;
}

int conv_emitter_access(conv_emitter *e, mm_access access, uint64_t va, uint16_t size,
                        mm_error *err)
{
    if (access == MM_ACCESS_IFETCH && e->no_ifetch)
        return MM_OK;
    if (e->pid && !e->switched) {
        int rc = switch_to_pid(e, err);
        if (rc)
            return rc;
    }
    trace_record rec;
    memset(&rec, 0, sizeof rec);
    rec.kind = TRACE_ACCESS;
    rec.access = (uint8_t)access;
    rec.size = size;
    rec.pid = e->pid;
    rec.va = va;
    rec.instructions = e->pending;
    int rc = e->sink->put(e->sink->ctx, &rec, err);
    if (rc)
        return rc;
    e->stats->records++;
    e->stats->instructions += e->pending;
    e->pending = 0;
    return MM_OK;
}

void conv_emitter_finish(conv_emitter *e)
{
    e->stats->trailing_instructions = e->pending;
}
