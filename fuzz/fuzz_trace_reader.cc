// fuzz_trace_reader.cc — libFuzzer target: any bytes, opened as a native
// trace from memory and read to the end. An input that starts with 'M'
// (like an uncompressed trace, "MMULABTR...") is first wrapped in a gzip
// member, so the fuzzer also steers the record decoder directly instead of
// only the decompressors. The reader must return records or an error, never
// crash, hang or leak.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "mmulab/trace.h"

static std::vector<uint8_t> GzipWrap(const uint8_t *data, size_t size)
{
    std::vector<uint8_t> out;
    z_stream zs{};
    if (deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return out;
    out.resize(deflateBound(&zs, size) + 32);
    zs.next_in = const_cast<Bytef *>(data);
    zs.avail_in = static_cast<uInt>(size);
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
        __builtin_trap();
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    std::vector<uint8_t> wrapped;
    if (size > 0 && data[0] == 'M') {
        wrapped = GzipWrap(data, size);
        data = wrapped.data();
        size = wrapped.size();
    }
    mm_error err;
    trace_reader *r = trace_reader_open_buffer(data, size, "fuzz", &err);
    if (!r)
        return 0;
    static trace_record batch[257];
    // the last byte picks the batch size, so window and batch edges both move
    size_t max = size ? 1 + data[size - 1] : 1;
    long got;
    while ((got = trace_read(r, batch, max, &err)) > 0)
        if (static_cast<size_t>(got) > max)
            __builtin_trap();
    trace_reader_close(r);
    return 0;
}
