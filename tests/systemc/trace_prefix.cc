// trace_prefix.cc — writes the first N records of a native trace to a new
// trace (same header, zstd), so `mmulab run` and the SystemC platform can
// be compared on a bounded part of a bundled trace.
// usage: trace_prefix IN N OUT
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "mmulab/trace.h"

int main(int argc, char **argv)
{
    char *end = nullptr;
    unsigned long long n = argc == 4 ? strtoull(argv[2], &end, 10) : 0;
    if (argc != 4 || !end || *end || n == 0) {
        fprintf(stderr, "usage: trace_prefix IN N OUT (N > 0 records)\n");
        return 2;
    }
    mm_error err{};
    trace_reader *in = trace_reader_open(argv[1], &err);
    if (!in) {
        fprintf(stderr, "trace_prefix: %s\n", err.msg);
        return 1;
    }
    trace_writer *out = trace_writer_open(argv[3], trace_reader_header(in), TRACE_ZSTD, 0, &err);
    if (!out) {
        fprintf(stderr, "trace_prefix: %s\n", err.msg);
        trace_reader_close(in);
        return 1;
    }
    std::vector<trace_record> batch(4096);
    unsigned long long done = 0;
    int rc = 0;
    while (done < n) {
        size_t want = n - done < batch.size() ? (size_t)(n - done) : batch.size();
        long got = trace_read(in, batch.data(), want, &err);
        if (got < 0) {
            rc = 1;
            break;
        }
        if (got == 0)
            break;
        for (long i = 0; i < got && rc == 0; i++)
            if (trace_write(out, &batch[(size_t)i], &err))
                rc = 1;
        done += (unsigned long long)got;
    }
    trace_reader_close(in);
    if (rc) {
        fprintf(stderr, "trace_prefix: %s\n", err.msg);
        trace_writer_abort(out);
        return 1;
    }
    if (trace_writer_close(out, &err)) {
        fprintf(stderr, "trace_prefix: %s\n", err.msg);
        return 1;
    }
    return 0;
}
