/*
 * convert_internal.h — helpers the converters share: number scanning for
 * the text formats, error messages that name the file, line and byte
 * offset, and the conv_emitter that stamps pid and instruction counts on
 * records before they go to the sink.
 */
#ifndef MMULAB_CONVERT_INTERNAL_H
#define MMULAB_CONVERT_INTERNAL_H

#include "convert.h"

/* ---- text scanning over [p, end) ---- */

static inline bool conv_is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static inline const char *conv_skip_blanks(const char *p, const char *end)
{
    while (p < end && conv_is_blank(*p))
        p++;
    return p;
}

typedef enum { SCAN_OK, SCAN_NONE, SCAN_OVERFLOW } scan_result;

/* Hex digits (no prefix) into a u64; *p moves past them. */
scan_result conv_scan_hex(const char **p, const char *end, uint64_t *out);
/* Decimal digits into a u64; *p moves past them. */
scan_result conv_scan_dec(const char **p, const char *end, uint64_t *out);


/* "NAME: line N (byte O): <message>" with code MM_ERR_FORMAT. */
int conv_line_fail(mm_error *err, const trace_input *src, const trace_line *line, const char *fmt,
                   ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* conv_line_fail with "<what>: \"<the line, quoted>\"". */
int conv_bad_line(mm_error *err, const trace_input *src, const trace_line *line, const char *what);

/* ---- emitting records ---- */

typedef struct {
    const trace_record_sink *sink;
    trace_convert_stats *stats;
    uint32_t pid;
    bool no_ifetch;
    uint64_t pending;   /* instructions counted but not yet in a record */
    bool switched;      /* the context switch to a nonzero pid is out */
} conv_emitter;

void conv_emitter_init(conv_emitter *e, const trace_convert_options *opt,
                       const trace_record_sink *sink, trace_convert_stats *stats);
/* Sends an access carrying the pending instructions; an ifetch is dropped
 * (its instructions stay pending) when the options say no_ifetch. A trace
 * starts in pid 0, so a nonzero pid is switched to before the first one. */
int conv_emitter_access(conv_emitter *e, mm_access access, uint64_t va, uint16_t size,
                        mm_error *err);
/* Records what stayed pending after the last record. */
void conv_emitter_finish(conv_emitter *e);

#endif
