// convert_fuzz.h — the body the converter fuzz targets share: arbitrary
// bytes (taken as plain, gzip or xz by their magic) are sniffed and then
// converted, and every record and error is checked against the
// converters' promises. A broken promise traps, which libFuzzer reports.
#ifndef MMULAB_CONVERT_FUZZ_H
#define MMULAB_CONVERT_FUZZ_H

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "convert.h"

namespace convert_fuzz {

struct seen {
    uint64_t records = 0;
    uint64_t instructions = 0;
};

inline int check_put(void *ctx, const trace_record *rec, mm_error *)
{
    seen *s = static_cast<seen *>(ctx);
    if (rec->kind != TRACE_ACCESS || rec->access >= MM_ACCESS_COUNT || rec->size == 0)
        __builtin_trap();
    s->records++;
    s->instructions += rec->instructions;
    return MM_OK;
}

typedef int (*converter)(trace_input *, const trace_convert_options *, const trace_record_sink *,
                         trace_convert_stats *, mm_error *);

inline void run_once(converter convert, const uint8_t *data, size_t size, bool no_ifetch)
{
    mm_error err{};
    trace_input *src = trace_input_open_memory(data, size, "fuzz-input", &err);
    if (!src)
        return;
    trace_format format;
    if (trace_sniff(src, &format, &err) == MM_OK && format >= TRACE_FORMAT_COUNT)
        __builtin_trap();
    seen s;
    trace_record_sink sink{check_put, &s};
    trace_convert_options opt{};
    opt.no_ifetch = no_ifetch;
    trace_convert_stats st;
    err = mm_error{};
    int rc = convert(src, &opt, &sink, &st, &err);
    if (rc > 0)
        __builtin_trap();
    if (rc && (err.code != rc || !std::strstr(err.msg, "fuzz-input")))
        __builtin_trap(); // every error is one line naming the input
    if (!rc && (s.records != st.records || s.instructions != st.instructions || !st.units))
        __builtin_trap();
    if (std::memchr(err.msg, '\n', sizeof err.msg))
        __builtin_trap();
    trace_input_close(src);
}

inline int fuzz_one(converter convert, const uint8_t *data, size_t size)
{
    run_once(convert, data, size, false);
    run_once(convert, data, size, true);
    return 0;
}

} // namespace convert_fuzz

#endif
