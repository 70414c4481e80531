// convert_test_util.h — helpers for the converter tests: a sink that
// collects records, gzip and xz encoders for in-test inputs, a scratch
// directory, and a one-call "convert this text" wrapper.
#ifndef MMULAB_CONVERT_TEST_UTIL_H
#define MMULAB_CONVERT_TEST_UTIL_H

#include <dirent.h>
#include <lzma.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "convert.h"

namespace convert_test {

inline int collect_put(void *ctx, const trace_record *rec, mm_error *)
{
    static_cast<std::vector<trace_record> *>(ctx)->push_back(*rec);
    return MM_OK;
}

inline trace_record_sink collect_sink(std::vector<trace_record> *out)
{
    return trace_record_sink{collect_put, out};
}

inline std::string gzip(const std::string &text)
{
    z_stream z;
    std::memset(&z, 0, sizeof z);
    EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    std::string out(deflateBound(&z, text.size()) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(text.data()));
    z.avail_in = static_cast<uInt>(text.size());
    z.next_out = reinterpret_cast<Bytef *>(&out[0]);
    z.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

inline std::string xz(const std::string &text)
{
    std::string out(lzma_stream_buffer_bound(text.size()), '\0');
    size_t pos = 0;
    EXPECT_EQ(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, nullptr,
                                      reinterpret_cast<const uint8_t *>(text.data()), text.size(),
                                      reinterpret_cast<uint8_t *>(&out[0]), &pos, out.size()),
              LZMA_OK);
    out.resize(pos);
    return out;
}

inline trace_record make_access(mm_access a, uint64_t va, uint16_t size, uint64_t instructions,
                                uint32_t pid = 0)
{
    trace_record r;
    std::memset(&r, 0, sizeof r);
    r.kind = TRACE_ACCESS;
    r.access = static_cast<uint8_t>(a);
    r.va = va;
    r.size = size;
    r.instructions = instructions;
    r.pid = pid;
    return r;
}

inline trace_record context_switch(uint32_t pid)
{
    trace_record r;
    std::memset(&r, 0, sizeof r);
    r.kind = TRACE_CONTEXT_SWITCH;
    r.pid = pid;
    return r;
}

// Compares the fields a converter sets.
inline void expect_access(const trace_record &got, const trace_record &want, size_t index)
{
    SCOPED_TRACE("record " + std::to_string(index));
    EXPECT_EQ(got.kind, want.kind);
    EXPECT_EQ(got.access, want.access);
    EXPECT_EQ(got.va, want.va);
    EXPECT_EQ(got.size, want.size);
    EXPECT_EQ(got.instructions, want.instructions);
    EXPECT_EQ(got.pid, want.pid);
}

inline void expect_records(const std::vector<trace_record> &got,
                           const std::vector<trace_record> &want)
{
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); i++)
        expect_access(got[i], want[i], i);
}

typedef int (*converter_fn)(trace_input *, const trace_convert_options *, const trace_record_sink *,
                            trace_convert_stats *, mm_error *);

// Runs a converter over bytes held in memory; returns its status.
struct run_result {
    int rc = 0;
    std::vector<trace_record> records;
    trace_convert_stats stats{};
    mm_error err{};
};

inline run_result run_converter(converter_fn fn, const std::string &bytes,
                                const trace_convert_options *opt = nullptr,
                                const char *name = "input")
{
    run_result r;
    trace_input *src = trace_input_open_memory(bytes.data(), bytes.size(), name, &r.err);
    EXPECT_NE(src, nullptr) << r.err.msg;
    if (!src) {
        r.rc = r.err.code;
        return r;
    }
    trace_record_sink sink = collect_sink(&r.records);
    r.rc = fn(src, opt, &sink, &r.stats, &r.err);
    trace_input_close(src);
    return r;
}

// A scratch directory removed (with its files) at the end of the test.
class TempDir {
  public:
    TempDir()
    {
        char tmpl[] = "/tmp/mmulab_convert_XXXXXX";
        char *p = mkdtemp(tmpl);
        EXPECT_NE(p, nullptr);
        path_ = p ? p : "/tmp";
    }
    ~TempDir()
    {
        if (DIR *d = opendir(path_.c_str())) {
            while (struct dirent *e = readdir(d))
                if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, ".."))
                    std::remove((path_ + "/" + e->d_name).c_str());
            closedir(d);
        }
        rmdir(path_.c_str());
    }
    std::string file(const std::string &name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

inline void write_file(const std::string &path, const std::string &bytes)
{
    std::ofstream f(path, std::ios::binary);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string read_file(const std::string &path)
{
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

inline bool file_exists(const std::string &path)
{
    return ::access(path.c_str(), F_OK) == 0;
}

} // namespace convert_test

#endif
