// fuzz_lackey.cc — libFuzzer target: any bytes through the Valgrind
// lackey converter (and the sniffer, and the gzip/xz decoders).
#include "convert_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return convert_fuzz::fuzz_one(trace_convert_lackey, data, size);
}
