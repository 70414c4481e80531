/*
 * cmd_trace_util.c — pieces the `mmulab trace` subcommands share: number
 * parsing with size suffixes, one-line error printing, the description
 * stored in trace headers, and reading an input in any supported format.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_trace.h"

bool cmd_trace_parse_u64(const char *s, uint64_t *out)
{
    if (!*s || *s == '-' || *s == '+' || *s == ' ')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s)
        return false;
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10, end++;
    else if (*end == 'M' || *end == 'm')
        shift = 20, end++;
    else if (*end == 'G' || *end == 'g')
        shift = 30, end++;
    if (*end || (shift && v > (UINT64_MAX >> shift)))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

bool cmd_trace_parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v))
        return false;
    *out = v;
    return true;
}

int cmd_trace_fail(const char *sub, int status, const char *fmt, ...)
{
    fprintf(stderr, "mmulab trace %s: ", sub);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return status;
}

static size_t append(char *out, size_t at, const char *s)
{
    size_t room = TRACE_DESCRIPTION_MAX - 1 - at;
    size_t n = strlen(s);
    if (n > room)
        n = room;
    memcpy(out + at, s, n);
    out[at + n] = '\0';
    return at + n;
}

void cmd_trace_description(char out[TRACE_DESCRIPTION_MAX], const char *text, const char *sub,
                           int argc, char **argv)
{
    out[0] = '\0';
    size_t at = 0;
    if (text && *text) {
        at = append(out, at, text);
        at = append(out, at, " (");
    }
    at = append(out, at, "mmulab trace ");
    at = append(out, at, sub);
    for (int i = 0; i < argc; i++) {
        at = append(out, at, " ");
        bool quote = !*argv[i] || strpbrk(argv[i], " \t\"'");
        if (quote)
            at = append(out, at, "'");
        at = append(out, at, argv[i]);
        if (quote)
            at = append(out, at, "'");
    }
    if (text && *text)
        append(out, at, ")");
}

static int read_native(const char *path, const trace_record_sink *sink, trace_convert_stats *stats,
                       trace_header *header_out, mm_error *err)
{
    trace_header header;
    return trace_convert_native(path, sink, stats, header_out ? header_out : &header, err);
}

int cmd_trace_read_input(const char *path, const char *from, const trace_convert_options *opt,
                         const trace_record_sink *sink, trace_format *format_out,
                         trace_convert_stats *stats, trace_header *header_out, mm_error *err)
{
    trace_format format = TRACE_FORMAT_NATIVE;
    if (from && trace_format_parse(from, &format, err))
        return MM_ERR_INVALID;
    *format_out = format;
    if (from && format == TRACE_FORMAT_NATIVE)
        return read_native(path, sink, stats, header_out, err);
    trace_input *src = trace_input_open(path, err);
    if (!src)
        return err->code ? err->code : MM_ERR_IO;
    int rc = from ? MM_OK : trace_sniff(src, &format, err);
    *format_out = format;
    if (!rc && format == TRACE_FORMAT_NATIVE) {
        trace_input_close(src);
        if (!strcmp(path, "-"))
            return mm_fail(err, MM_ERR_FORMAT,
                           "<stdin>: a native trace was detected after reading its first bytes; "
                           "give --from native to read one from standard input");
        return read_native(path, sink, stats, header_out, err);
    }
    if (!rc) {
        if (format == TRACE_FORMAT_LACKEY)
            rc = trace_convert_lackey(src, opt, sink, stats, err);
        else if (format == TRACE_FORMAT_DIN)
            rc = trace_convert_din(src, opt, sink, stats, err);
        else
            rc = trace_convert_champsim(src, opt, sink, stats, err);
    }
    trace_input_close(src);
    return rc;
}
