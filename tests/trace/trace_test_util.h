// trace_test_util.h — helpers for the trace tests: unique temporary paths,
// whole-trace writing and reading, record comparison, and a builder for
// hand-made uncompressed streams (own varint and CRC code, independent of
// the library) plus gzip/zstd wrappers for them.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "mmulab/trace.h"

namespace trace_test {

using Bytes = std::vector<uint8_t>;

// A path unique to the running test and process (ctest runs tests in parallel).
inline std::string TempPath(const std::string &suffix)
{
    const testing::TestInfo *info = testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    for (char &c : name)
        if (!isalnum(static_cast<unsigned char>(c)))
            c = '_';
    return testing::TempDir() + "mmulab_" + name + "_" + std::to_string(getpid()) + suffix;
}

inline bool FileExists(const std::string &path)
{
    return access(path.c_str(), F_OK) == 0;
}

inline Bytes ReadFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline void WriteFile(const std::string &path, const Bytes &data)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(data.data()), static_cast<std::streamsize>(data.size()));
}

inline trace_header MakeHeader(const char *description, uint8_t hint = 0xff)
{
    trace_header h{};
    h.version = TRACE_VERSION;
    h.format_hint = hint;
    std::snprintf(h.description, sizeof h.description, "%s", description);
    return h;
}

inline trace_record Access(mm_access access, uint64_t va, uint16_t size, uint64_t insns, uint32_t pid = 0)
{
    trace_record r{};
    r.kind = TRACE_ACCESS;
    r.access = static_cast<uint8_t>(access);
    r.va = va;
    r.size = size;
    r.instructions = insns;
    r.pid = pid;
    return r;
}

inline trace_record Event(trace_kind kind, uint32_t pid)
{
    trace_record r{};
    r.kind = kind;
    r.pid = pid;
    return r;
}

inline void ExpectSameRecord(const trace_record &want, const trace_record &got, size_t index)
{
    SCOPED_TRACE("record " + std::to_string(index));
    EXPECT_EQ(want.kind, got.kind);
    EXPECT_EQ(want.access, got.access);
    EXPECT_EQ(want.size, got.size);
    EXPECT_EQ(want.pid, got.pid);
    EXPECT_EQ(want.child, got.child);
    EXPECT_EQ(want.va, got.va);
    EXPECT_EQ(want.length, got.length);
    EXPECT_EQ(want.prot, got.prot);
    EXPECT_EQ(want.instructions, got.instructions);
    EXPECT_EQ(want.flush_kind, got.flush_kind);
    EXPECT_EQ(want.flush_flags, got.flush_flags);
    EXPECT_EQ(want.asid, got.asid);
    EXPECT_EQ(want.marker, got.marker);
}

inline bool SameRecord(const trace_record &a, const trace_record &b)
{
    return a.kind == b.kind && a.access == b.access && a.size == b.size && a.pid == b.pid &&
           a.child == b.child && a.va == b.va && a.length == b.length && a.prot == b.prot &&
           a.instructions == b.instructions && a.flush_kind == b.flush_kind &&
           a.flush_flags == b.flush_flags && a.asid == b.asid && a.marker == b.marker;
}

// Writes records with the library; fails the test on any error.
inline void WriteTrace(const std::string &path, const std::vector<trace_record> &records,
                       trace_compression compression, const trace_header &header, int level = 0)
{
    mm_error err{};
    trace_writer *w = trace_writer_open(path.c_str(), &header, compression, level, &err);
    ASSERT_NE(w, nullptr) << err.msg;
    for (const trace_record &r : records)
        ASSERT_EQ(trace_write(w, &r, &err), MM_OK) << err.msg;
    EXPECT_EQ(trace_writer_records(w), records.size());
    ASSERT_EQ(trace_writer_close(w, &err), MM_OK) << err.msg;
}

struct ReadResult {
    std::vector<trace_record> records;
    long status = 1;  // 0: verified end; < 0: the error
    mm_error err{};
};

// Reads to the end (or the first error) in batches of batch records.
inline ReadResult ReadAll(trace_reader *r, size_t batch = 4096)
{
    ReadResult out;
    std::vector<trace_record> buf(batch);
    for (;;) {
        long n = trace_read(r, buf.data(), batch, &out.err);
        if (n <= 0) {
            out.status = n;
            return out;
        }
        EXPECT_LE(static_cast<size_t>(n), batch);
        out.records.insert(out.records.end(), buf.begin(), buf.begin() + n);
    }
}

// Opens data from memory and reads it all; open failures give status < 0.
inline ReadResult ReadBuffer(const Bytes &data, size_t batch = 4096)
{
    ReadResult out;
    trace_reader *r = trace_reader_open_buffer(data.data(), data.size(), "mem.trace", &out.err);
    if (!r) {
        out.status = out.err.code;
        EXPECT_LT(out.status, 0);
        return out;
    }
    out = ReadAll(r, batch);
    trace_reader_close(r);
    return out;
}

inline Bytes Gzip(const Bytes &raw, int level = 6)
{
    z_stream zs{};
    EXPECT_EQ(deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    Bytes out(deflateBound(&zs, raw.size()) + 64);
    zs.next_in = const_cast<Bytef *>(raw.data());
    zs.avail_in = static_cast<uInt>(raw.size());
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

inline Bytes Zstd(const Bytes &raw)
{
    Bytes out(ZSTD_compressBound(raw.size()));
    size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), 3);
    EXPECT_FALSE(ZSTD_isError(n));
    out.resize(n);
    return out;
}

// The uncompressed stream of a gzip file, through zlib's gz API (what zcat does).
inline Bytes Gunzip(const std::string &path)
{
    Bytes out;
    gzFile f = gzopen(path.c_str(), "rb");
    EXPECT_NE(f, nullptr);
    if (!f)
        return out;
    uint8_t chunk[4096];
    int n;
    while ((n = gzread(f, chunk, sizeof chunk)) > 0)
        out.insert(out.end(), chunk, chunk + n);
    EXPECT_EQ(n, 0);
    gzclose(f);
    return out;
}

inline Bytes Unzstd(const Bytes &file)
{
    Bytes out;
    ZSTD_DCtx *dctx = ZSTD_createDCtx();
    ZSTD_inBuffer in{file.data(), file.size(), 0};
    uint8_t chunk[4096];
    size_t ret = 1;
    while (ret != 0 && in.pos < in.size) {
        ZSTD_outBuffer o{chunk, sizeof chunk, 0};
        ret = ZSTD_decompressStream(dctx, &o, &in);
        EXPECT_FALSE(ZSTD_isError(ret));
        if (ZSTD_isError(ret))
            break;
        out.insert(out.end(), chunk, chunk + o.pos);
    }
    ZSTD_freeDCtx(dctx);
    return out;
}

// Builds an uncompressed stream by hand, the way docs/trace-format.md says.
class Payload {
public:
    Payload &Header(uint16_t version = 1, uint16_t flags = 0, uint8_t hint = 0xff, const std::string &desc = "")
    {
        Raw({'M', 'M', 'U', 'L', 'A', 'B', 'T', 'R'});
        U16(version);
        U16(flags);
        Raw({hint});
        Varint(desc.size());
        bytes_.insert(bytes_.end(), desc.begin(), desc.end());
        return *this;
    }
    Payload &Raw(std::initializer_list<uint8_t> b)
    {
        bytes_.insert(bytes_.end(), b.begin(), b.end());
        return *this;
    }
    Payload &U16(uint16_t v) { return Raw({static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8)}); }
    Payload &Varint(uint64_t v)
    {
        do {
            uint8_t b = v & 0x7f;
            v >>= 7;
            bytes_.push_back(v ? (b | 0x80) : b);
        } while (v);
        return *this;
    }
    // END tag, count, and the CRC of everything before the CRC field.
    Payload &Trailer(uint64_t count)
    {
        Raw({0x03});
        Varint(count);
        uint32_t crc = static_cast<uint32_t>(crc32(0, bytes_.data(), static_cast<uInt>(bytes_.size())));
        for (int i = 0; i < 4; i++)
            bytes_.push_back(static_cast<uint8_t>(crc >> (8 * i)));
        return *this;
    }
    const Bytes &bytes() const { return bytes_; }

private:
    Bytes bytes_;
};

}  // namespace trace_test
