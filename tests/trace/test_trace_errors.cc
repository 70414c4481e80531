// test_trace_errors.cc — no damaged trace passes silently and none crashes
// the reader: every truncation, every flipped byte, bad magic and versions,
// trailing garbage, malformed records, missing files and directories; the
// messages name file, offset and record. Also the atomic writer.
#include <sys/stat.h>

#include "trace_test_util.h"

using namespace trace_test;

namespace {

std::vector<trace_record> SmallTrace()
{
    std::vector<trace_record> recs;
    for (int i = 0; i < 12; i++) {
        recs.push_back(Access(MM_ACCESS_IFETCH, 0x401000 + 4 * i, 4, 1));
        if (i % 3 == 0)
            recs.push_back(Access(MM_ACCESS_LOAD, 0x7ffe0000 + 8 * i, 8, 0));
    }
    trace_record mmap = Event(TRACE_MMAP, 0);
    mmap.va = 0x10000;
    mmap.length = 0x4000;
    mmap.prot = TRACE_PROT_READ;
    recs.push_back(mmap);
    recs.push_back(Access(MM_ACCESS_STORE, 0x10008, 3, 1000));
    return recs;
}

Bytes WriteSmall(trace_compression c)
{
    std::string path = TempPath(c == TRACE_ZLIB ? ".gz" : ".zst");
    WriteTrace(path, SmallTrace(), c, MakeHeader("small"));
    Bytes data = ReadFile(path);
    std::remove(path.c_str());
    return data;
}

bool Contains(const char *msg, const char *what)
{
    return std::strstr(msg, what) != nullptr;
}

TEST(TraceTruncation, EveryPrefixOfTheCompressedFileIsAnError)
{
    for (trace_compression c : {TRACE_ZLIB, TRACE_ZSTD}) {
        Bytes file = WriteSmall(c);
        ASSERT_EQ(ReadBuffer(file).status, 0);
        for (size_t len = 0; len < file.size(); len++) {
            ReadResult got = ReadBuffer(Bytes(file.begin(), file.begin() + len), 4);
            EXPECT_LT(got.status, 0) << "compression " << c << ", prefix of " << len << " bytes read as valid";
            EXPECT_EQ(got.err.code, MM_ERR_FORMAT) << got.err.msg;
            EXPECT_TRUE(Contains(got.err.msg, "mem.trace")) << got.err.msg;
        }
    }
}

TEST(TraceTruncation, EveryPrefixAsAFileIsAnError)
{
    Bytes file = WriteSmall(TRACE_ZLIB);
    std::string path = TempPath(".gz");
    for (size_t len = 0; len < file.size(); len++) {
        WriteFile(path, Bytes(file.begin(), file.begin() + len));
        mm_error err{};
        trace_reader *r = trace_reader_open(path.c_str(), &err);
        if (r) {
            ReadResult got = ReadAll(r);
            trace_reader_close(r);
            EXPECT_LT(got.status, 0) << "prefix of " << len << " bytes read as valid";
            err = got.err;
        }
        EXPECT_TRUE(Contains(err.msg, path.c_str())) << err.msg;
        EXPECT_TRUE(Contains(err.msg, "truncated") || Contains(err.msg, "empty") ||
                    Contains(err.msg, "zlib data error"))
            << "prefix " << len << ": " << err.msg;
    }
    std::remove(path.c_str());
}

TEST(TraceTruncation, CutInsideALargeTraceSaysWhere)
{
    std::string path = TempPath(".zst");
    std::vector<trace_record> recs;
    for (uint64_t i = 0; i < 400000; i++)
        recs.push_back(Access(i % 2 ? MM_ACCESS_LOAD : MM_ACCESS_IFETCH, (i * 0x9e3779b97f4a7c15ull) >> 20, 4, i % 2));
    WriteTrace(path, recs, TRACE_ZSTD, MakeHeader("big"), 1);
    Bytes file = ReadFile(path);
    for (size_t cut : {file.size() / 3, file.size() / 2, file.size() - 5}) {
        ReadResult got = ReadBuffer(Bytes(file.begin(), file.begin() + cut));
        EXPECT_EQ(got.status, MM_ERR_FORMAT);
        EXPECT_TRUE(Contains(got.err.msg, "truncated")) << got.err.msg;
        EXPECT_TRUE(Contains(got.err.msg, "byte ")) << got.err.msg;
        EXPECT_TRUE(Contains(got.err.msg, "record ")) << got.err.msg;
        EXPECT_LT(got.records.size(), recs.size());
        // what was returned before the error is the true beginning of the trace
        for (size_t i = 0; i < got.records.size(); i += 9973)
            EXPECT_TRUE(SameRecord(got.records[i], recs[i])) << "record " << i;
    }
    std::remove(path.c_str());
}

TEST(TraceCorruption, EveryFlippedByteOfThePayloadIsAnError)
{
    std::string path = TempPath(".gz");
    WriteTrace(path, SmallTrace(), TRACE_ZLIB, MakeHeader("flip"));
    Bytes payload = Gunzip(path);
    std::remove(path.c_str());
    ASSERT_GT(payload.size(), 40u);
    for (size_t i = 0; i < payload.size(); i++) {
        for (uint8_t mask : {0x01, 0x80, 0xff}) {
            Bytes bad = payload;
            bad[i] ^= mask;
            for (const Bytes &file : {Gzip(bad), Zstd(bad)}) {
                ReadResult got = ReadBuffer(file, 7);
                EXPECT_LT(got.status, 0) << "byte " << i << " ^ " << int(mask) << " passed";
                EXPECT_EQ(got.err.code, MM_ERR_FORMAT) << got.err.msg;
            }
        }
    }
}

TEST(TraceCorruption, DamagedCompressedStreamsAreDataErrors)
{
    Bytes gz = WriteSmall(TRACE_ZLIB);
    gz[gz.size() - 6] ^= 0x40;  // the gzip trailer's CRC of the uncompressed data
    ReadResult got = ReadBuffer(gz);
    EXPECT_EQ(got.status, MM_ERR_FORMAT);
    EXPECT_TRUE(Contains(got.err.msg, "zlib data error")) << got.err.msg;

    Bytes zst = WriteSmall(TRACE_ZSTD);
    zst[zst.size() - 2] ^= 0x40;  // the frame's content checksum
    got = ReadBuffer(zst);
    EXPECT_EQ(got.status, MM_ERR_FORMAT);
    EXPECT_TRUE(Contains(got.err.msg, "zstd data error")) << got.err.msg;

    Bytes garbled = WriteSmall(TRACE_ZLIB);
    for (size_t i = 12; i < garbled.size() - 8; i += 2)
        garbled[i] = static_cast<uint8_t>(garbled[i] * 31 + 7);
    got = ReadBuffer(garbled);
    EXPECT_EQ(got.status, MM_ERR_FORMAT) << got.err.msg;
}

TEST(TraceCorruption, ErrorsAreStickyAndRepeatTheMessage)
{
    Bytes file = Gzip(Payload().Header().Raw({0xa8, 0xa8, 0xff}).Trailer(3).bytes());
    trace_reader *r = trace_reader_open_buffer(file.data(), file.size(), "sticky.trace", nullptr);
    ASSERT_NE(r, nullptr);
    trace_record out[8];
    mm_error err{};
    EXPECT_EQ(trace_read(r, out, 8, &err), 2);  // the good records come first
    EXPECT_EQ(trace_read(r, out, 8, &err), MM_ERR_FORMAT);
    std::string first = err.msg;
    mm_error again{};
    EXPECT_EQ(trace_read(r, out, 8, &again), MM_ERR_FORMAT);
    EXPECT_EQ(first, again.msg);
    EXPECT_EQ(trace_read(r, out, 0, &again), MM_ERR_FORMAT);
    trace_reader_close(r);
}

TEST(TraceCorruption, ABatchOfZeroRecordsIsAnArgumentError)
{
    Bytes file = Gzip(Payload().Header().Raw({0xa8}).Trailer(1).bytes());
    trace_reader *r = trace_reader_open_buffer(file.data(), file.size(), "zero.trace", nullptr);
    ASSERT_NE(r, nullptr);
    trace_record out[1];
    mm_error err{};
    EXPECT_EQ(trace_read(r, out, 0, &err), MM_ERR_INVALID);
    EXPECT_TRUE(Contains(err.msg, "zero.trace")) << err.msg;
    EXPECT_EQ(trace_read(r, out, 1, &err), 1);  // not sticky: reading goes on
    EXPECT_EQ(trace_read(r, out, 1, &err), 0);
    trace_reader_close(r);
}

TEST(TraceMagic, NonTracesAreRejectedByContentNotName)
{
    const Bytes not_traces[] = {
        Bytes{'h', 'e', 'l', 'l', 'o', '\n'},
        Payload().Header().Trailer(0).bytes(),  // the right stream, not compressed
        Bytes{0x1f},                            // a gzip magic cut short
        Bytes{0x1f, 0x8c, 0, 0, 0},
        Bytes{0x28, 0xb5, 0x2f, 0xfe, 0},
    };
    for (const Bytes &data : not_traces) {
        ReadResult got = ReadBuffer(data);
        EXPECT_EQ(got.status, MM_ERR_FORMAT);
        EXPECT_TRUE(Contains(got.err.msg, "bad magic") || Contains(got.err.msg, "truncated")) << got.err.msg;
    }
    EXPECT_TRUE(Contains(ReadBuffer(Bytes{'x', 'y', 'z', 'w'}).err.msg, "not an mmulab trace (bad magic)"));
    // a compressed stream that is not a trace inside
    ReadResult got = ReadBuffer(Gzip(Bytes(100, 'A')));
    EXPECT_EQ(got.status, MM_ERR_FORMAT);
    EXPECT_TRUE(Contains(got.err.msg, "bad magic")) << got.err.msg;
    got = ReadBuffer(Zstd(Bytes{'M', 'M', 'X'}));
    EXPECT_TRUE(Contains(got.err.msg, "bad magic")) << got.err.msg;
    got = ReadBuffer(Zstd(Bytes{'M', 'M', 'U', 'L'}));
    EXPECT_TRUE(Contains(got.err.msg, "truncated")) << got.err.msg;
    got = ReadBuffer(Zstd(Bytes{'M', 'M', 'U', 'L', 'A', 'B', 'T', 'R', 1, 0}));
    EXPECT_TRUE(Contains(got.err.msg, "truncated")) << got.err.msg;

    // a real trace under a misleading name is still read
    std::string path = TempPath(".txt");
    WriteFile(path, WriteSmall(TRACE_ZSTD));
    mm_error err{};
    trace_reader *r = trace_reader_open(path.c_str(), &err);
    ASSERT_NE(r, nullptr) << err.msg;
    EXPECT_EQ(trace_reader_compression(r), TRACE_ZSTD);
    trace_reader_close(r);
    std::remove(path.c_str());
}

TEST(TraceHeader, FutureAndInvalidVersionsAndFlags)
{
    ReadResult got = ReadBuffer(Gzip(Payload().Header(2).Trailer(0).bytes()));
    EXPECT_EQ(got.status, MM_ERR_FORMAT);
    EXPECT_TRUE(Contains(got.err.msg, "version 2 is newer than this mmulab (1)")) << got.err.msg;
    got = ReadBuffer(Zstd(Payload().Header(0xffff).Trailer(0).bytes()));
    EXPECT_TRUE(Contains(got.err.msg, "version 65535 is newer")) << got.err.msg;
    got = ReadBuffer(Gzip(Payload().Header(0).Trailer(0).bytes()));
    EXPECT_TRUE(Contains(got.err.msg, "version 0 is invalid")) << got.err.msg;
    got = ReadBuffer(Gzip(Payload().Header(1, 4).Trailer(0).bytes()));
    EXPECT_TRUE(Contains(got.err.msg, "flags 0x4")) << got.err.msg;
}

TEST(TraceHeader, DescriptionLimits)
{
    std::string longest(TRACE_DESCRIPTION_MAX - 1, 'z');
    ReadResult got = ReadBuffer(Gzip(Payload().Header(1, 0, 0xff, longest).Trailer(0).bytes()));
    EXPECT_EQ(got.status, 0) << got.err.msg;
    got = ReadBuffer(Gzip(Payload().Header(1, 0, 0xff, longest + "z").Trailer(0).bytes()));
    EXPECT_EQ(got.status, MM_ERR_FORMAT);
    EXPECT_TRUE(Contains(got.err.msg, "description length")) << got.err.msg;
    got = ReadBuffer(Gzip(Payload().Header(1, 0, 0xff, std::string("a\0b", 3)).Trailer(0).bytes()));
    EXPECT_TRUE(Contains(got.err.msg, "NUL")) << got.err.msg;
    Bytes raw = Payload().Header(1, 0, 0xff, "").bytes();
    raw.back() = 50;  // says 50 bytes of description, has none
    got = ReadBuffer(Gzip(raw));
    EXPECT_TRUE(Contains(got.err.msg, "truncated")) << got.err.msg;
    raw = Payload().Header().bytes();
    raw.resize(raw.size() - 4);  // inside the fixed part
    got = ReadBuffer(Gzip(raw));
    EXPECT_TRUE(Contains(got.err.msg, "truncated")) << got.err.msg;
}

TEST(TraceRecords, MalformedRecordsNameOffsetAndIndex)
{
    struct Case {
        Bytes records;
        uint64_t count;
        const char *cause;
        const char *where;
    };
    // the header below is 14 bytes; two predicted ifetches come first
    const Case cases[] = {
        {{0xa8, 0xa8, 0x27, 0x00}, 3, "unknown tag 0x27", "byte 16, record 2"},
        {{0xa8, 0xa8, 0x60}, 3, "unknown tag 0x60", "byte 16, record 2"},
        {{0xa8, 0xa8, 0x83}, 3, "unknown tag 0x83", "byte 16, record 2"},
        {{0xa8, 0xa8, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, 3, "varint too long",
         "byte 16, record 2"},
        {{0xa8, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02}, 2, "varint too long",
         "byte 15, record 1"},
        {{0xa8, 0x9c, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, 2, "varint too long",
         "byte 15, record 1"},
        {{0xa8, 0x4c, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, 2, "varint too long",
         "byte 15, record 1"},
        {{0x0b, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 1, "varint too long",
         "byte 14, record 0"},
        {{0x17, 0x01, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 1, "varint too long",
         "byte 14, record 0"},
        {{0x1f, 0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 1,
         "varint too long", "byte 14, record 0"},
        {{0x23, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 1, "varint too long",
         "byte 14, record 0"},
        {{0x0f, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, 1, "varint too long",
         "byte 14, record 0"},
        {{0xa8, 0x9c, 0x00}, 2, "access size out of range", "byte 15, record 1"},
        {{0xa8, 0x9c, 0x80, 0x80, 0x04}, 2, "access size out of range", "byte 15, record 1"},
        {{0x07, 0x80, 0x80, 0x80, 0x80, 0x10}, 1, "event field out of range", "byte 14, record 0"},
        {{0x1f, 0x01, 0x00, 0x00, 0x80, 0x80, 0x04, 0x00}, 1, "event field out of range", "byte 14, record 0"},
        {{0x0b, 0x01, 0x80, 0x80, 0x80, 0x80, 0x10}, 1, "event field out of range", "byte 14, record 0"},
        {{0x13, 0x01, 0x00, 0x00, 0x80, 0x80, 0x80, 0x80, 0x10}, 1, "event field out of range", "byte 14, record 0"},
        {{0xa8, 0xa8}, 3, "record count mismatch: the trailer says 3, the file has 2", "byte 16, record 2"},
    };
    for (const Case &c : cases) {
        Payload p;
        p.Header();
        for (uint8_t b : c.records)
            p.Raw({b});
        p.Trailer(c.count);
        for (const Bytes &file : {Gzip(p.bytes()), Zstd(p.bytes())}) {
            ReadResult got = ReadBuffer(file);
            EXPECT_EQ(got.status, MM_ERR_FORMAT);
            EXPECT_TRUE(Contains(got.err.msg, c.cause)) << got.err.msg;
            EXPECT_TRUE(Contains(got.err.msg, c.where)) << got.err.msg;
            EXPECT_TRUE(Contains(got.err.msg, "mem.trace: ")) << got.err.msg;
        }
    }
}

TEST(TraceRecords, TrailerChecks)
{
    Payload good;
    good.Header().Raw({0xa8});
    Bytes raw = Payload(good).Trailer(1).bytes();
    EXPECT_EQ(ReadBuffer(Gzip(raw)).status, 0);

    Bytes bad_crc = raw;
    bad_crc.back() ^= 1;
    ReadResult got = ReadBuffer(Gzip(bad_crc));
    EXPECT_TRUE(Contains(got.err.msg, "CRC mismatch")) << got.err.msg;
    EXPECT_TRUE(Contains(got.err.msg, "byte 17, record 1")) << got.err.msg;

    Bytes long_count = good.bytes();
    long_count.insert(long_count.end(), {0x03, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00});
    got = ReadBuffer(Gzip(long_count));
    EXPECT_TRUE(Contains(got.err.msg, "varint too long")) << got.err.msg;

    Bytes after = raw;
    after.push_back(0xa8);  // bytes after the CRC, inside the compressed stream
    got = ReadBuffer(Zstd(after));
    EXPECT_TRUE(Contains(got.err.msg, "trailing bytes after the trailer")) << got.err.msg;

    Bytes no_trailer = good.bytes();
    got = ReadBuffer(Gzip(no_trailer));
    EXPECT_TRUE(Contains(got.err.msg, "truncated file (no trailer)")) << got.err.msg;
    Bytes half_crc = raw;
    half_crc.resize(half_crc.size() - 2);
    got = ReadBuffer(Gzip(half_crc));
    EXPECT_TRUE(Contains(got.err.msg, "truncated file (inside the trailer)")) << got.err.msg;
}

TEST(TraceRecords, TrailingGarbageAfterTheCompressedStream)
{
    for (trace_compression c : {TRACE_ZLIB, TRACE_ZSTD}) {
        Bytes file = WriteSmall(c);
        Bytes junk = file;
        junk.push_back('\n');
        ReadResult got = ReadBuffer(junk);
        EXPECT_EQ(got.status, MM_ERR_FORMAT);
        EXPECT_TRUE(Contains(got.err.msg, "trailing garbage")) << got.err.msg;
        Bytes twice = file;
        twice.insert(twice.end(), file.begin(), file.end());  // a second member / frame
        got = ReadBuffer(twice);
        EXPECT_TRUE(Contains(got.err.msg, "trailing garbage")) << got.err.msg;

        std::string path = TempPath(".trace");
        WriteFile(path, twice);
        mm_error err{};
        trace_reader *r = trace_reader_open(path.c_str(), &err);
        ASSERT_NE(r, nullptr) << err.msg;
        got = ReadAll(r);
        trace_reader_close(r);
        EXPECT_TRUE(Contains(got.err.msg, "trailing garbage")) << got.err.msg;
        std::remove(path.c_str());
    }
}

TEST(TraceFiles, EmptyMissingDirectory)
{
    std::string path = TempPath(".empty");
    WriteFile(path, {});
    mm_error err{};
    EXPECT_EQ(trace_reader_open(path.c_str(), &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_FORMAT);
    EXPECT_TRUE(Contains(err.msg, path.c_str()) && Contains(err.msg, "empty")) << err.msg;
    std::remove(path.c_str());

    EXPECT_EQ(trace_reader_open(path.c_str(), &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_IO);
    EXPECT_TRUE(Contains(err.msg, path.c_str()) && Contains(err.msg, "cannot open")) << err.msg;

    std::string dir = TempPath(".dir");
    ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
    EXPECT_EQ(trace_reader_open(dir.c_str(), &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_IO);
    EXPECT_TRUE(Contains(err.msg, "is a directory")) << err.msg;
    rmdir(dir.c_str());

    EXPECT_EQ(trace_reader_open("", &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_INVALID);
    EXPECT_EQ(trace_reader_open(nullptr, nullptr), nullptr);
    EXPECT_EQ(trace_reader_open_buffer(nullptr, 5, nullptr, &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_INVALID);
    ReadResult got = ReadBuffer(Bytes{});
    EXPECT_TRUE(Contains(got.err.msg, "empty")) << got.err.msg;
}

TEST(TraceWriterFiles, FinalNameOnlyAfterClose)
{
    std::string path = TempPath(".mmt");
    std::string tmp = path + ".tmp";
    trace_header h = MakeHeader("atomic");
    mm_error err{};
    trace_writer *w = trace_writer_open(path.c_str(), &h, TRACE_ZLIB, 0, &err);
    ASSERT_NE(w, nullptr) << err.msg;
    for (const trace_record &r : SmallTrace())
        ASSERT_EQ(trace_write(w, &r, &err), MM_OK);
    EXPECT_FALSE(FileExists(path));
    EXPECT_TRUE(FileExists(tmp));
    ASSERT_EQ(trace_writer_close(w, &err), MM_OK) << err.msg;
    EXPECT_TRUE(FileExists(path));
    EXPECT_FALSE(FileExists(tmp));
    EXPECT_EQ(ReadBuffer(ReadFile(path)).status, 0);

    // a rewrite replaces the old trace only when it completes
    Bytes old = ReadFile(path);
    w = trace_writer_open(path.c_str(), &h, TRACE_ZSTD, 0, &err);
    ASSERT_NE(w, nullptr) << err.msg;
    trace_writer_abort(w);
    EXPECT_EQ(ReadFile(path), old);
    EXPECT_FALSE(FileExists(tmp));
    std::remove(path.c_str());
}

TEST(TraceWriterFiles, AbortLeavesNothing)
{
    std::string path = TempPath(".mmt");
    trace_header h = MakeHeader("aborted");
    mm_error err{};
    for (trace_compression c : {TRACE_ZLIB, TRACE_ZSTD}) {
        trace_writer *w = trace_writer_open(path.c_str(), &h, c, 0, &err);
        ASSERT_NE(w, nullptr) << err.msg;
        for (const trace_record &r : SmallTrace())
            ASSERT_EQ(trace_write(w, &r, &err), MM_OK);
        trace_writer_abort(w);
        EXPECT_FALSE(FileExists(path));
        EXPECT_FALSE(FileExists(path + ".tmp"));
    }
    trace_writer_abort(nullptr);
}

TEST(TraceWriterFiles, UnwritablePlacesFail)
{
    trace_header h = MakeHeader("nowhere");
    mm_error err{};
    std::string missing_dir = TempPath(".nodir") + "/x.mmt";
    EXPECT_EQ(trace_writer_open(missing_dir.c_str(), &h, TRACE_ZLIB, 0, &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_IO);
    EXPECT_TRUE(Contains(err.msg, "cannot create")) << err.msg;

    // the rename fails when the final name is a non-empty directory
    std::string dir = TempPath(".isdir");
    ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
    std::string inner = dir + "/keep";
    WriteFile(inner, {1});
    trace_writer *w = trace_writer_open(dir.c_str(), &h, TRACE_ZSTD, 0, &err);
    ASSERT_NE(w, nullptr) << err.msg;
    EXPECT_EQ(trace_writer_close(w, &err), MM_ERR_IO);
    EXPECT_TRUE(Contains(err.msg, "cannot rename")) << err.msg;
    EXPECT_FALSE(FileExists(dir + ".tmp"));
    std::remove(inner.c_str());
    rmdir(dir.c_str());
}

TEST(TraceWriterFiles, FullDiskIsReportedAndLeavesNoFile)
{
    if (!FileExists("/dev/full"))
        GTEST_SKIP() << "no /dev/full";
    // path.tmp -> /dev/full through a symlink: every write fails with ENOSPC
    std::string path = TempPath(".full");
    std::string tmp = path + ".tmp";
    ASSERT_EQ(symlink("/dev/full", tmp.c_str()), 0);
    trace_header h = MakeHeader("full");
    mm_error err{};
    trace_writer *w = trace_writer_open(path.c_str(), &h, TRACE_ZLIB, 1, &err);
    ASSERT_NE(w, nullptr) << err.msg;
    int rc = MM_OK;
    trace_record rec = Access(MM_ACCESS_LOAD, 0, 8, 0);
    for (uint64_t i = 0; i < 3000000 && rc == MM_OK; i++) {
        rec.va = i * 0x9e3779b97f4a7c15ull;
        rc = trace_write(w, &rec, &err);
    }
    if (rc == MM_OK)
        rc = trace_writer_close(w, &err);
    else
        EXPECT_EQ(trace_writer_close(w, &err), MM_ERR_IO);
    EXPECT_EQ(rc, MM_ERR_IO);
    EXPECT_TRUE(Contains(err.msg, "failed")) << err.msg;
    EXPECT_FALSE(FileExists(path));
    unlink(tmp.c_str());
}

}  // namespace
