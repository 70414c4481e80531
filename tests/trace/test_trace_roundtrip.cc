// test_trace_roundtrip.cc — what is written is read back exactly: every
// record kind and field extreme in both compressions, multi-megabyte
// traces crossing the reader's buffer, the hand-checked byte encoding of
// docs/trace-format.md, zcat/zstd compatibility, standard input, and the
// writer's argument checks.
#include <fcntl.h>

#include <random>

#include "trace_test_util.h"

using namespace trace_test;

namespace {

class TraceRoundTrip : public testing::TestWithParam<trace_compression> {};

std::vector<trace_record> ExtremeRecords()
{
    std::vector<trace_record> recs;
    // sizes: every coded one, odd ones, the largest
    const uint16_t sizes[] = {1, 2, 3, 4, 8, 16, 32, 64, 5, 128, 512, 65535};
    uint64_t va = 0x400000;
    for (uint16_t s : sizes) {
        recs.push_back(Access(MM_ACCESS_IFETCH, va, s, 1));
        va += s;
    }
    // instructions 0, 1, 2, huge
    recs.push_back(Access(MM_ACCESS_LOAD, 0x7fff0000, 8, 0));
    recs.push_back(Access(MM_ACCESS_STORE, 0x7fff0000, 8, 1));
    recs.push_back(Access(MM_ACCESS_LOAD, 0x7fff0008, 8, 2));
    recs.push_back(Access(MM_ACCESS_IFETCH, va, 4, UINT64_MAX));
    // 64-bit addresses and the largest deltas in both directions
    recs.push_back(Access(MM_ACCESS_LOAD, UINT64_MAX, 1, 0));
    recs.push_back(Access(MM_ACCESS_LOAD, 0, 1, 0));
    recs.push_back(Access(MM_ACCESS_STORE, 0x8000000000000000ull, 2, 0));
    recs.push_back(Access(MM_ACCESS_STORE, 0x7fffffffffffffffull, 2, 0));
    recs.push_back(Access(MM_ACCESS_IFETCH, UINT64_MAX - 1, 16, 0));
    recs.push_back(Access(MM_ACCESS_IFETCH, 0, 16, 0));  // predicted VA wrapped to 14
    recs.push_back(Access(MM_ACCESS_IFETCH, 0xffff800000001000ull, 64, 7));
    // every event kind with its fields at their extremes
    trace_record cs = Event(TRACE_CONTEXT_SWITCH, UINT32_MAX);
    recs.push_back(cs);
    recs.push_back(Access(MM_ACCESS_LOAD, 0x1234, 4, 0, UINT32_MAX));
    trace_record fork = Event(TRACE_FORK, UINT32_MAX);
    fork.child = UINT32_MAX - 1;
    recs.push_back(fork);
    recs.push_back(Event(TRACE_EXIT, 0));
    trace_record mmap = Event(TRACE_MMAP, 17);
    mmap.va = UINT64_MAX;
    mmap.length = UINT64_MAX;
    mmap.prot = UINT32_MAX;
    recs.push_back(mmap);
    trace_record munmap = Event(TRACE_MUNMAP, 17);
    munmap.va = 0x7f0000000000ull;
    munmap.length = 0x200000;
    recs.push_back(munmap);
    trace_record mprotect = Event(TRACE_MPROTECT, 17);
    mprotect.va = 0;
    mprotect.length = 0;
    mprotect.prot = TRACE_PROT_READ | TRACE_PROT_EXEC | TRACE_MAP_HUGE;
    recs.push_back(mprotect);
    trace_record flush = Event(TRACE_FLUSH, UINT32_MAX);
    flush.flush_kind = 255;
    flush.flush_flags = 255;
    flush.asid = UINT16_MAX;
    flush.va = UINT64_MAX;
    recs.push_back(flush);
    trace_record marker = Event(TRACE_MARKER, 3);
    marker.marker = UINT64_MAX;
    recs.push_back(marker);
    trace_record back = Event(TRACE_CONTEXT_SWITCH, 0);
    recs.push_back(back);
    recs.push_back(Access(MM_ACCESS_STORE, 42, 3, 0, 0));
    return recs;
}

// A lackey-like random mix of all kinds, large enough to cross several
// 1 MiB reader windows and to put records across window boundaries.
std::vector<trace_record> RandomRecords(size_t count, uint32_t seed)
{
    std::mt19937_64 rng(seed);
    std::vector<trace_record> recs;
    recs.reserve(count);
    uint64_t pc = 0x400000, hot[4] = {0x7ffd0000, 0x601000, 0x10000000, 0xffffffff00000000ull};
    uint32_t pid = 0;
    while (recs.size() < count) {
        uint64_t dice = rng() % 1000;
        if (dice < 600) {
            uint16_t len = static_cast<uint16_t>(1 + rng() % 15);
            if (rng() % 16 == 0)
                pc = 0x400000 + (rng() % 0x100000);
            recs.push_back(Access(MM_ACCESS_IFETCH, pc, len, 1, pid));
            pc += len;
        } else if (dice < 950) {
            uint64_t &base = hot[rng() % 4];
            base += static_cast<int64_t>(rng() % 257) - 128;
            uint64_t va = rng() % 8 == 0 ? rng() : base;
            static const uint16_t sz[] = {1, 2, 4, 8, 16, 32, 64, 3, 6, 10};
            recs.push_back(Access(rng() % 3 ? MM_ACCESS_LOAD : MM_ACCESS_STORE, va, sz[rng() % 10],
                                  rng() % 20 == 0 ? rng() % 100000 : 0, pid));
        } else {
            trace_kind kind = static_cast<trace_kind>(1 + rng() % (TRACE_KIND_COUNT - 1));
            trace_record e = Event(kind, static_cast<uint32_t>(rng() % 5));
            e.child = static_cast<uint32_t>(rng());
            e.va = rng();
            e.length = rng() >> (rng() % 64);
            e.prot = static_cast<uint32_t>(rng() % 512);
            e.flush_kind = static_cast<uint8_t>(rng());
            e.flush_flags = static_cast<uint8_t>(rng());
            e.asid = static_cast<uint16_t>(rng());
            e.marker = rng();
            // fields a kind does not carry read back as zero
            if (kind != TRACE_FORK)
                e.child = 0;
            if (kind != TRACE_MMAP && kind != TRACE_MUNMAP && kind != TRACE_MPROTECT && kind != TRACE_FLUSH)
                e.va = 0;
            if (kind != TRACE_MMAP && kind != TRACE_MUNMAP && kind != TRACE_MPROTECT)
                e.length = 0;
            if (kind != TRACE_MMAP && kind != TRACE_MPROTECT)
                e.prot = 0;
            if (kind != TRACE_FLUSH)
                e.flush_kind = e.flush_flags = 0, e.asid = 0;
            if (kind != TRACE_MARKER)
                e.marker = 0;
            if (kind == TRACE_CONTEXT_SWITCH)
                pid = e.pid;
            recs.push_back(e);
        }
    }
    return recs;
}

TEST_P(TraceRoundTrip, EveryKindAndFieldExtreme)
{
    std::string path = TempPath(".mmt");
    std::vector<trace_record> recs = ExtremeRecords();
    trace_header h = MakeHeader("lackey --trace-mem=yes ./a.out", 3);
    WriteTrace(path, recs, GetParam(), h);

    mm_error err{};
    trace_reader *r = trace_reader_open(path.c_str(), &err);
    ASSERT_NE(r, nullptr) << err.msg;
    EXPECT_EQ(trace_reader_compression(r), GetParam());
    EXPECT_EQ(trace_reader_header(r)->version, TRACE_VERSION);
    EXPECT_EQ(trace_reader_header(r)->flags, 0);
    EXPECT_EQ(trace_reader_header(r)->format_hint, 3);
    EXPECT_STREQ(trace_reader_header(r)->description, "lackey --trace-mem=yes ./a.out");
    ReadResult got = ReadAll(r, 5);
    EXPECT_EQ(got.status, 0) << got.err.msg;
    ASSERT_EQ(got.records.size(), recs.size());
    for (size_t i = 0; i < recs.size(); i++)
        ExpectSameRecord(recs[i], got.records[i], i);
    EXPECT_EQ(trace_reader_records(r), recs.size());
    uint64_t size = ReadFile(path).size();
    EXPECT_EQ(trace_reader_file_size(r), size);
    EXPECT_EQ(trace_reader_bytes_in(r), size);
    // the verified end stays the end
    trace_record extra;
    EXPECT_EQ(trace_read(r, &extra, 1, &err), 0);
    trace_reader_close(r);
    std::remove(path.c_str());
}

TEST_P(TraceRoundTrip, LargeRandomTraceAcrossBufferWindows)
{
    std::string path = TempPath(".mmt");
    std::vector<trace_record> recs = RandomRecords(600000, 7);
    WriteTrace(path, recs, GetParam(), MakeHeader("random"), 1);

    for (size_t batch : {size_t(4096), size_t(1000003)}) {
        mm_error err{};
        trace_reader *r = trace_reader_open(path.c_str(), &err);
        ASSERT_NE(r, nullptr) << err.msg;
        ReadResult got = ReadAll(r, batch);
        EXPECT_EQ(got.status, 0) << got.err.msg;
        ASSERT_EQ(got.records.size(), recs.size());
        size_t bad = 0;
        for (size_t i = 0; i < recs.size() && bad < 5; i++) {
            if (!SameRecord(recs[i], got.records[i])) {
                ExpectSameRecord(recs[i], got.records[i], i);
                bad++;
            }
        }
        EXPECT_EQ(bad, 0u);
        EXPECT_EQ(trace_reader_bytes_in(r), ReadFile(path).size());
        trace_reader_close(r);
    }
    std::remove(path.c_str());
}

TEST_P(TraceRoundTrip, EmptyTraceAndLongestDescription)
{
    std::string path = TempPath(".mmt");
    trace_header h{};
    h.format_hint = 0xff;
    std::memset(h.description, 'd', TRACE_DESCRIPTION_MAX - 1);
    h.description[TRACE_DESCRIPTION_MAX - 1] = '\0';
    WriteTrace(path, {}, GetParam(), h);
    mm_error err{};
    trace_reader *r = trace_reader_open(path.c_str(), &err);
    ASSERT_NE(r, nullptr) << err.msg;
    EXPECT_EQ(std::strlen(trace_reader_header(r)->description), TRACE_DESCRIPTION_MAX - 1);
    EXPECT_EQ(std::memcmp(trace_reader_header(r)->description, h.description, TRACE_DESCRIPTION_MAX), 0);
    ReadResult got = ReadAll(r);
    EXPECT_EQ(got.status, 0) << got.err.msg;
    EXPECT_TRUE(got.records.empty());
    trace_reader_close(r);
    std::remove(path.c_str());
}

TEST_P(TraceRoundTrip, EveryLevelReadsBack)
{
    std::vector<trace_record> recs = RandomRecords(2000, 3);
    int max = GetParam() == TRACE_ZLIB ? 9 : 19;
    for (int level : {0, 1, max}) {
        std::string path = TempPath(".mmt");
        WriteTrace(path, recs, GetParam(), MakeHeader("levels"), level);
        ReadResult got = ReadBuffer(ReadFile(path));
        EXPECT_EQ(got.status, 0) << "level " << level << ": " << got.err.msg;
        ASSERT_EQ(got.records.size(), recs.size());
        EXPECT_TRUE(SameRecord(got.records.back(), recs.back()));
        std::remove(path.c_str());
    }
}

INSTANTIATE_TEST_SUITE_P(Compressions, TraceRoundTrip, testing::Values(TRACE_ZLIB, TRACE_ZSTD),
                         [](const testing::TestParamInfo<trace_compression> &info) {
                             return std::string(info.param == TRACE_ZLIB ? "zlib" : "zstd");
                         });

// The uncompressed stream of a small trace, worked out by hand from
// docs/trace-format.md; the CRC is zlib's crc32 of the bytes before it.
Payload HandEncoded()
{
    Payload p;
    p.Raw({'M', 'M', 'U', 'L', 'A', 'B', 'T', 'R', 0x01, 0x00, 0x00, 0x00, 0x03, 0x02, 'a', 'b'});
    p.Raw({0x28, 0x80, 0x40});        // ifetch 0x1000 size 4 insns 1: delta +0x1000, zigzag 0x2000
    p.Raw({0xa8});                    // ifetch 0x1004: predicted (0x1000 + 4)
    p.Raw({0x0d, 0x80, 0x80, 0x01});  // load 0x2000 size 8 insns 0: pc 0x1004's slot was 0, zigzag 0x4000
    p.Raw({0x28, 0x0f});              // ifetch 0x1000: predicted 0x1008, delta -8, zigzag 15
    p.Raw({0xa8});                    // ifetch 0x1004: predicted
    p.Raw({0x0d, 0x10});              // load 0x2008: pc 0x1004's slot holds 0x2000, delta +8
    p.Raw({0xde, 0x03, 0xac, 0x02});  // store 0x2008 size 3 insns 300: predicted, explicit size and insns
    p.Raw({0x07, 0x07});              // context switch to pid 7
    p.Raw({0x0b, 0x07, 0x08});        // fork 7 -> 8
    p.Raw({0x0f, 0x08});              // exit 8
    p.Raw({0x13, 0x07, 0x80, 0x80, 0x04, 0x80, 0x40, 0x03});        // mmap 7 0x10000 0x2000 RW
    p.Raw({0x17, 0x07, 0x80, 0x80, 0x04, 0x80, 0x20});              // munmap 7 0x10000 0x1000
    p.Raw({0x1b, 0x07, 0x80, 0x80, 0x04, 0x80, 0x20, 0x85, 0x02});  // mprotect R|X|HUGE
    p.Raw({0x1f, 0x07, 0x02, 0x03, 0x05, 0x80, 0x20});  // flush kind 2 flags 3 asid 5 va 0x1000
    p.Raw({0x23, 0x07, 0x2a});                          // marker 42
    p.Raw({0x0d, 0x10});                                // load 0x2010 by pid 7: delta +8
    p.Trailer(16);
    return p;
}

std::vector<trace_record> HandRecords()
{
    std::vector<trace_record> recs = {
        Access(MM_ACCESS_IFETCH, 0x1000, 4, 1), Access(MM_ACCESS_IFETCH, 0x1004, 4, 1),
        Access(MM_ACCESS_LOAD, 0x2000, 8, 0),   Access(MM_ACCESS_IFETCH, 0x1000, 4, 1),
        Access(MM_ACCESS_IFETCH, 0x1004, 4, 1), Access(MM_ACCESS_LOAD, 0x2008, 8, 0),
        Access(MM_ACCESS_STORE, 0x2008, 3, 300),
    };
    recs.push_back(Event(TRACE_CONTEXT_SWITCH, 7));
    trace_record fork = Event(TRACE_FORK, 7);
    fork.child = 8;
    recs.push_back(fork);
    recs.push_back(Event(TRACE_EXIT, 8));
    trace_record mmap = Event(TRACE_MMAP, 7);
    mmap.va = 0x10000;
    mmap.length = 0x2000;
    mmap.prot = TRACE_PROT_READ | TRACE_PROT_WRITE;
    recs.push_back(mmap);
    trace_record munmap = Event(TRACE_MUNMAP, 7);
    munmap.va = 0x10000;
    munmap.length = 0x1000;
    recs.push_back(munmap);
    trace_record mprotect = munmap;
    mprotect.kind = TRACE_MPROTECT;
    mprotect.prot = TRACE_PROT_READ | TRACE_PROT_EXEC | TRACE_MAP_HUGE;
    recs.push_back(mprotect);
    trace_record flush = Event(TRACE_FLUSH, 7);
    flush.flush_kind = 2;
    flush.flush_flags = 3;
    flush.asid = 5;
    flush.va = 0x1000;
    recs.push_back(flush);
    trace_record marker = Event(TRACE_MARKER, 7);
    marker.marker = 42;
    recs.push_back(marker);
    recs.push_back(Access(MM_ACCESS_LOAD, 0x2010, 8, 0, 7));
    return recs;
}

TEST(TraceEncoding, WriterProducesTheHandCheckedBytes)
{
    std::string gz = TempPath(".gz"), zst = TempPath(".zst");
    WriteTrace(gz, HandRecords(), TRACE_ZLIB, MakeHeader("ab", 3));
    WriteTrace(zst, HandRecords(), TRACE_ZSTD, MakeHeader("ab", 3));
    EXPECT_EQ(Gunzip(gz), HandEncoded().bytes());  // what zcat prints
    EXPECT_EQ(Unzstd(ReadFile(zst)), HandEncoded().bytes());
    std::remove(gz.c_str());
    std::remove(zst.c_str());
}

TEST(TraceEncoding, ReaderDecodesTheHandCheckedBytes)
{
    std::vector<trace_record> want = HandRecords();
    for (const Bytes &file : {Gzip(HandEncoded().bytes()), Zstd(HandEncoded().bytes())}) {
        ReadResult got = ReadBuffer(file, 3);
        EXPECT_EQ(got.status, 0) << got.err.msg;
        ASSERT_EQ(got.records.size(), want.size());
        for (size_t i = 0; i < want.size(); i++)
            ExpectSameRecord(want[i], got.records[i], i);
    }
}

TEST(TraceEncoding, CompressedFilesStartWithTheirMagic)
{
    std::string gz = TempPath(".a"), zst = TempPath(".b");
    WriteTrace(gz, HandRecords(), TRACE_ZLIB, MakeHeader("x"));
    WriteTrace(zst, HandRecords(), TRACE_ZSTD, MakeHeader("x"));
    Bytes g = ReadFile(gz), z = ReadFile(zst);
    ASSERT_GE(g.size(), 4u);
    ASSERT_GE(z.size(), 4u);
    EXPECT_EQ(g[0], 0x1f);
    EXPECT_EQ(g[1], 0x8b);
    EXPECT_EQ(Bytes(z.begin(), z.begin() + 4), (Bytes{0x28, 0xb5, 0x2f, 0xfd}));
    // the decompressed stream of either starts with the trace magic
    EXPECT_EQ(std::string(reinterpret_cast<const char *>(Gunzip(gz).data()), 8), "MMULABTR");
    EXPECT_EQ(std::string(reinterpret_cast<const char *>(Unzstd(z).data()), 8), "MMULABTR");
    std::remove(gz.c_str());
    std::remove(zst.c_str());
}

TEST(TraceEncoding, WriterIsDeterministic)
{
    std::string a = TempPath(".a"), b = TempPath(".b");
    for (trace_compression c : {TRACE_ZLIB, TRACE_ZSTD}) {
        WriteTrace(a, HandRecords(), c, MakeHeader("same"));
        WriteTrace(b, HandRecords(), c, MakeHeader("same"));
        EXPECT_EQ(ReadFile(a), ReadFile(b));
    }
    std::remove(a.c_str());
    std::remove(b.c_str());
}

TEST(TraceStdin, DashReadsStandardInput)
{
    std::string path = TempPath(".mmt");
    WriteTrace(path, HandRecords(), TRACE_ZSTD, MakeHeader("piped"));
    Bytes file = ReadFile(path);
    ASSERT_LT(file.size(), 4096u);  // fits the pipe without a second thread
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    ASSERT_EQ(write(fds[1], file.data(), file.size()), static_cast<ssize_t>(file.size()));
    close(fds[1]);
    int saved = dup(STDIN_FILENO);
    ASSERT_GE(saved, 0);
    ASSERT_EQ(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
    close(fds[0]);

    mm_error err{};
    trace_reader *r = trace_reader_open("-", &err);
    ReadResult got;
    if (r) {
        EXPECT_EQ(trace_reader_file_size(r), 0u);  // a pipe has no size
        EXPECT_STREQ(trace_reader_header(r)->description, "piped");
        got = ReadAll(r);
        trace_reader_close(r);
    }
    dup2(saved, STDIN_FILENO);
    close(saved);
    clearerr(stdin);
    ASSERT_NE(r, nullptr) << err.msg;
    EXPECT_EQ(got.status, 0) << got.err.msg;
    EXPECT_EQ(got.records.size(), HandRecords().size());
    std::remove(path.c_str());
}

TEST(TraceWriter, NullHeaderMeansUnknownFormatAndNoDescription)
{
    std::string path = TempPath(".mmt");
    mm_error err{};
    trace_writer *w = trace_writer_open(path.c_str(), nullptr, TRACE_ZLIB, 0, &err);
    ASSERT_NE(w, nullptr) << err.msg;
    ASSERT_EQ(trace_writer_close(w, &err), MM_OK) << err.msg;
    trace_reader *r = trace_reader_open(path.c_str(), &err);
    ASSERT_NE(r, nullptr) << err.msg;
    EXPECT_EQ(trace_reader_header(r)->format_hint, 0xff);
    EXPECT_STREQ(trace_reader_header(r)->description, "");
    trace_reader_close(r);
    std::remove(path.c_str());
}

TEST(TraceWriter, RejectsBadArguments)
{
    std::string path = TempPath(".mmt");
    trace_header h = MakeHeader("x");
    mm_error err{};
    EXPECT_EQ(trace_writer_open(path.c_str(), &h, TRACE_ZLIB, 10, &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_INVALID);
    EXPECT_NE(std::strstr(err.msg, "level 10"), nullptr) << err.msg;
    EXPECT_EQ(trace_writer_open(path.c_str(), &h, TRACE_ZSTD, 20, &err), nullptr);
    EXPECT_NE(std::strstr(err.msg, "level 20"), nullptr) << err.msg;
    EXPECT_EQ(trace_writer_open(path.c_str(), &h, TRACE_ZLIB, -1, &err), nullptr);
    EXPECT_EQ(trace_writer_open(path.c_str(), &h, static_cast<trace_compression>(2), 0, &err), nullptr);
    EXPECT_NE(std::strstr(err.msg, "compression 2"), nullptr) << err.msg;
    EXPECT_EQ(trace_writer_open("", &h, TRACE_ZLIB, 0, &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_INVALID);
    trace_header flagged = h;
    flagged.flags = 1;
    EXPECT_EQ(trace_writer_open(path.c_str(), &flagged, TRACE_ZLIB, 0, &err), nullptr);
    EXPECT_NE(std::strstr(err.msg, "flags"), nullptr) << err.msg;
    trace_header unterminated = h;
    std::memset(unterminated.description, 'x', sizeof unterminated.description);
    EXPECT_EQ(trace_writer_open(path.c_str(), &unterminated, TRACE_ZLIB, 0, &err), nullptr);
    EXPECT_NE(std::strstr(err.msg, "description"), nullptr) << err.msg;
    EXPECT_FALSE(FileExists(path));
    EXPECT_FALSE(FileExists(path + ".tmp"));
}

TEST(TraceWriter, RejectsBadRecordsAndKeepsWriting)
{
    std::string path = TempPath(".mmt");
    trace_header h = MakeHeader("x");
    mm_error err{};
    trace_writer *w = trace_writer_open(path.c_str(), &h, TRACE_ZSTD, 0, &err);
    ASSERT_NE(w, nullptr) << err.msg;
    trace_record bad_kind = Event(static_cast<trace_kind>(TRACE_KIND_COUNT), 0);
    EXPECT_EQ(trace_write(w, &bad_kind, &err), MM_ERR_INVALID);
    EXPECT_NE(std::strstr(err.msg, "kind 9"), nullptr) << err.msg;
    trace_record bad_access = Access(MM_ACCESS_LOAD, 0, 4, 0);
    bad_access.access = 3;
    EXPECT_EQ(trace_write(w, &bad_access, &err), MM_ERR_INVALID);
    EXPECT_NE(std::strstr(err.msg, "access 3"), nullptr) << err.msg;
    trace_record zero_size = Access(MM_ACCESS_LOAD, 0, 0, 0);
    EXPECT_EQ(trace_write(w, &zero_size, &err), MM_ERR_INVALID);
    EXPECT_NE(std::strstr(err.msg, "size"), nullptr) << err.msg;
    trace_record other_pid = Access(MM_ACCESS_LOAD, 0, 4, 0, 5);
    EXPECT_EQ(trace_write(w, &other_pid, &err), MM_ERR_INVALID);
    EXPECT_NE(std::strstr(err.msg, "CONTEXT_SWITCH"), nullptr) << err.msg;
    trace_record cs = Event(TRACE_CONTEXT_SWITCH, 5);
    EXPECT_EQ(trace_write(w, &cs, &err), MM_OK);
    EXPECT_EQ(trace_write(w, &other_pid, &err), MM_OK) << err.msg;
    EXPECT_EQ(trace_writer_records(w), 2u);
    ASSERT_EQ(trace_writer_close(w, &err), MM_OK) << err.msg;
    ReadResult got = ReadBuffer(ReadFile(path));
    EXPECT_EQ(got.status, 0) << got.err.msg;
    ASSERT_EQ(got.records.size(), 2u);
    EXPECT_EQ(got.records[1].pid, 5u);
    std::remove(path.c_str());
}

}  // namespace
