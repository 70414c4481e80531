/*
 * sniff.c — format names and the guess `mmulab trace convert` makes when
 * --from is absent: a zstd frame or the native magic is a native trace;
 * text is lackey when its first meaningful line looks like valgrind or
 * lackey output and din when it starts "label address"; anything else
 * with bytes that are not text is taken for ChampSim.
 */
#include <string.h>

#include "convert_internal.h"
#include "trace/format.h"

#define SNIFF_BYTES 1024u

static const char *const format_names[TRACE_FORMAT_COUNT] = {"native", "lackey", "din",
                                                             "champsim"};

const char *trace_format_name(trace_format format)
{
    return (unsigned)format < TRACE_FORMAT_COUNT ? format_names[format] : "unknown";
}

int trace_format_parse(const char *name, trace_format *out, mm_error *err)
{
    for (unsigned f = 0; f < TRACE_FORMAT_COUNT; f++)
        if (!strcmp(name, format_names[f])) {
            *out = (trace_format)f;
            return MM_OK;
        }
    return mm_fail(err, MM_ERR_INVALID,
                   "unknown trace format \"%s\" (native, lackey, din, champsim)", name);
}

static bool is_text(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < 0x20 && p[i] != '\n' && p[i] != '\r' && p[i] != '\t')
            return false;
    return true;
}

static bool is_hex_digit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* "[blanks]X<blank>[blanks]hex," with X one of I L S M. */
static bool looks_lackey(const char *p, const char *end)
{
    p = conv_skip_blanks(p, end);
    if (end - p < 2 || *p == '\0' || !strchr("ILSM", *p) || !conv_is_blank(p[1]))
        return false;
    p = conv_skip_blanks(p + 1, end);
    const char *digits = p;
    while (p < end && is_hex_digit(*p))
        p++;
    return p > digits && p < end && *p == ',';
}

/* "[blanks]decimal<blank>[blanks]hex" */
static bool looks_din(const char *p, const char *end)
{
    p = conv_skip_blanks(p, end);
    const char *digits = p;
    while (p < end && *p >= '0' && *p <= '9')
        p++;
    if (p == digits || p == end || !conv_is_blank(*p))
        return false;
    p = conv_skip_blanks(p, end);
    return p < end && is_hex_digit(*p);
}

static int sniff_text(const trace_input *src, const char *p, const char *end,
                      trace_format *out, mm_error *err)
{
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        if (eol - p >= 2 && p[0] == '=' && p[1] == '=') {
            *out = TRACE_FORMAT_LACKEY;
            return MM_OK;
        }
        if (conv_skip_blanks(p, eol) != eol && !(eol - p == 1 && *p == '\r')) {
            if (looks_lackey(p, eol)) {
                *out = TRACE_FORMAT_LACKEY;
                return MM_OK;
            }
            if (looks_din(p, eol)) {
                *out = TRACE_FORMAT_DIN;
                return MM_OK;
            }
            break;
        }
        p = eol + 1;
    }
    return mm_fail(err, MM_ERR_FORMAT,
                   "%s: cannot tell the format (text that looks like neither lackey nor din); "
                   "give --from",
                   trace_input_name(src));
}

int trace_sniff(trace_input *src, trace_format *out, mm_error *err)
{
    if (trace_input_compression(src) == TRACE_INPUT_ZSTD) {
        *out = TRACE_FORMAT_NATIVE;
        return MM_OK;
    }
    const uint8_t *head;
    long n = trace_input_peek(src, SNIFF_BYTES, &head, err);
    if (n < 0)
        return (int)n;
    if (n == 0)
        return mm_fail(err, MM_ERR_FORMAT, "%s: empty input (byte 0): no format to detect",
                       trace_input_name(src));
    if ((size_t)n >= TRACE_MAGIC_LEN && !memcmp(head, TRACE_MAGIC, TRACE_MAGIC_LEN)) {
        *out = TRACE_FORMAT_NATIVE;
        return MM_OK;
    }
    if (!is_text(head, (size_t)n)) {
        *out = TRACE_FORMAT_CHAMPSIM;
        return MM_OK;
    }
    return sniff_text(src, (const char *)head, (const char *)head + n, out, err);
}
