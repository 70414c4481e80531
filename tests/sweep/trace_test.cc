// trace_test.cc — a trace through the sweep (sweep.h): records become the
// instruction-fetch and data streams by this test's own reading of the
// rules (current process, page crossings, 4K or 2M pages), and the sweep's
// counts must equal per-configuration simulations of those streams, for a
// generated trace written to disk and read back, and for edge cases.
#include <unistd.h>

#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <string>

#include "sweep_test_util.h"

namespace {

using namespace sweep_test;

struct SweepDeleter {
    void operator()(sweep *s) const { sweep_destroy(s); }
};
using SweepPtr = std::unique_ptr<sweep, SweepDeleter>;

SweepPtr Make(sweep_kind kind, uint32_t a, uint32_t b = 0, uint8_t page_level = 0)
{
    sweep_config c{};
    c.kind = kind;
    c.page_level = page_level;
    if (kind == SWEEP_FA)
        c.max_entries = a;
    else
        c.max_sets = a, c.max_ways = b;
    mm_error err{};
    SweepPtr s(sweep_create(&c, &err));
    EXPECT_NE(s, nullptr) << err.msg;
    return s;
}

trace_record Access(mm_access a, uint64_t va, uint16_t size, uint32_t pid = 0,
                    uint64_t instructions = 1)
{
    trace_record r{};
    r.kind = TRACE_ACCESS;
    r.access = static_cast<uint8_t>(a);
    r.va = va;
    r.size = size;
    r.pid = pid;
    r.instructions = instructions;
    return r;
}

trace_record Event(trace_kind kind, uint32_t pid)
{
    trace_record r{};
    r.kind = kind;
    r.pid = pid;
    return r;
}

// The two reference streams of a trace, by this test's reading of the rules.
struct Streams {
    Keys stream[SWEEP_STREAM_COUNT];
    uint64_t instructions = 0, crossings = 0;
};

Streams Decode(const std::vector<trace_record> &recs, unsigned shift)
{
    Streams out;
    std::map<uint32_t, uint64_t> ids;
    bool running = false;
    uint32_t pid = 0;
    for (const trace_record &r : recs) {
        if (r.kind == TRACE_CONTEXT_SWITCH) {
            running = true;
            pid = r.pid;
        } else if (r.kind == TRACE_EXIT && running && pid == r.pid) {
            running = false;
        } else if (r.kind == TRACE_ACCESS) {
            if (!running) {
                running = true;
                pid = r.pid;
            }
            if (!ids.count(pid)) {
                uint64_t next = ids.size() + 1;
                ids[pid] = next;
            }
            Keys &k = out.stream[r.access == MM_ACCESS_IFETCH ? SWEEP_IFETCH : SWEEP_DATA];
            uint64_t first = r.va >> shift, last = (r.va + r.size - 1) >> shift;
            k.push_back(Key(ids[pid], first));
            if (last != first) {
                k.push_back(Key(ids[pid], last));
                out.crossings++;
            }
            out.instructions += r.instructions;
        }
    }
    return out;
}

// Three processes switched every few dozen records, a code loop, data
// pages with hot and cold parts, page-crossing accesses, and events the
// sweep must ignore.
std::vector<trace_record> Workload(size_t n, uint64_t seed, uint64_t page = 4096)
{
    std::mt19937_64 rng(seed);
    std::vector<trace_record> recs;
    uint32_t pid = 10;
    recs.push_back(Event(TRACE_CONTEXT_SWITCH, pid));
    uint64_t pc = 0x400000;
    while (recs.size() < n) {
        switch (rng() % 40) {
        case 0:
            pid = 10 + static_cast<uint32_t>(rng() % 3);
            recs.push_back(Event(TRACE_CONTEXT_SWITCH, pid));
            continue;
        case 1: {
            trace_record f = Event(TRACE_FLUSH, pid);
            recs.push_back(f);
            recs.push_back(Event(TRACE_MARKER, pid));
            recs.push_back(Event(TRACE_MMAP, pid));
            continue;
        }
        case 2:  // an access straddling two pages
            recs.push_back(Access(MM_ACCESS_STORE, 0x10000000 + (rng() % 300 + 1) * page - 4, 8,
                                  pid, 2));
            continue;
        default:
            break;
        }
        if (rng() % 3 == 0) {
            pc = 0x400000 + (pc - 0x400000 + 64 * (1 + rng() % 40)) % (70 * page);
            recs.push_back(Access(MM_ACCESS_IFETCH, pc, 4, pid, 1 + rng() % 4));
        } else {
            double x = static_cast<double>(rng() % 1000) / 1000.0;
            uint64_t p = rng() % 4 ? static_cast<uint64_t>(400 * x * x * x) : rng() % 3000;
            recs.push_back(Access(rng() % 4 ? MM_ACCESS_LOAD : MM_ACCESS_STORE,
                                  0x10000000 + p * page + rng() % (page - 8), 8, pid, 1));
        }
    }
    return recs;
}

std::string TempPath(const char *suffix)
{
    const testing::TestInfo *info = testing::UnitTest::GetInstance()->current_test_info();
    return testing::TempDir() + "mmulab_sweep_" + info->name() + "_" + std::to_string(getpid()) +
           suffix;
}

void WriteTrace(const std::string &path, const std::vector<trace_record> &recs)
{
    trace_header h{};
    h.version = TRACE_VERSION;
    h.format_hint = 0xff;
    mm_error err{};
    trace_writer *w = trace_writer_open(path.c_str(), &h, TRACE_ZLIB, 1, &err);
    ASSERT_NE(w, nullptr) << err.msg;
    for (const trace_record &r : recs)
        ASSERT_EQ(trace_write(w, &r, &err), MM_OK) << err.msg;
    ASSERT_EQ(trace_writer_close(w, &err), MM_OK) << err.msg;
}

TEST(SweepTrace, GeneratedTraceFullyAssociative)
{
    std::vector<trace_record> recs = Workload(16000, 31);
    std::string path = TempPath(".mmt");
    WriteTrace(path, recs);
    SweepPtr s = Make(SWEEP_FA, 256);
    mm_error err{};
    ASSERT_EQ(sweep_feed_trace(s.get(), path.c_str(), &err), MM_OK) << err.msg;
    std::remove(path.c_str());

    Streams want = Decode(recs, 12);
    const sweep_totals *t = sweep_get_totals(s.get());
    EXPECT_EQ(t->records, recs.size());
    EXPECT_EQ(t->instructions, want.instructions);
    EXPECT_EQ(t->page_crossings, want.crossings);
    EXPECT_GT(want.crossings, 100u);
    EXPECT_EQ(t->processes, 3u);
    for (unsigned st = 0; st < SWEEP_STREAM_COUNT; st++) {
        const Keys &keys = want.stream[st];
        ASSERT_EQ(t->references[st], keys.size());
        ASSERT_GT(keys.size(), 3000u);
        std::vector<uint64_t> curve(256);
        ASSERT_EQ(sweep_miss_curve(s.get(), (sweep_stream)st, 1, curve.data(), 256, &err), MM_OK);
        for (uint32_t e = 1; e <= 256; e++) {
            uint64_t expected = FaMisses(keys, e);
            ASSERT_EQ(sweep_misses(s.get(), (sweep_stream)st, 1, e), expected)
                << sweep_stream_name((sweep_stream)st) << ", " << e << " entries";
            ASSERT_EQ(curve[e - 1], expected);
        }
        ModelTlb model(64, 64);
        EXPECT_EQ(sweep_misses(s.get(), (sweep_stream)st, 1, 64), model.Misses(keys));
    }
    EXPECT_EQ(sweep_misses(s.get(), SWEEP_DATA, 2, 1), UINT64_MAX);
    EXPECT_EQ(sweep_miss_curve(s.get(), SWEEP_DATA, 2, nullptr, 1, &err), MM_ERR_INVALID);
}

TEST(SweepTrace, GeneratedTraceSetAssociative)
{
    std::vector<trace_record> recs = Workload(30000, 32);
    SweepPtr s = Make(SWEEP_SA, 64, 8);
    mm_error err{};
    ASSERT_EQ(sweep_feed(s.get(), recs.data(), recs.size(), &err), MM_OK) << err.msg;
    Streams want = Decode(recs, 12);
    for (unsigned st = 0; st < SWEEP_STREAM_COUNT; st++) {
        const Keys &keys = want.stream[st];
        for (uint32_t sets = 1; sets <= 64; sets *= 2)
            for (uint32_t ways = 1; ways <= 8; ways++)
                ASSERT_EQ(sweep_misses(s.get(), (sweep_stream)st, sets, ways),
                          SaMisses(keys, sets, ways))
                    << sweep_stream_name((sweep_stream)st) << ", " << sets << " x " << ways;
        ModelTlb model(16 * 4, 4);
        EXPECT_EQ(sweep_misses(s.get(), (sweep_stream)st, 16, 4), model.Misses(keys));
    }
}

TEST(SweepTrace, HugePagesKeyOn2MiB)
{
    const uint64_t huge = 2u << 20;
    std::vector<trace_record> recs = Workload(20000, 33, huge);
    SweepPtr fa = Make(SWEEP_FA, 32, 0, 1);
    SweepPtr sa = Make(SWEEP_SA, 8, 4, 1);
    mm_error err{};
    ASSERT_EQ(sweep_feed(fa.get(), recs.data(), recs.size(), &err), MM_OK) << err.msg;
    ASSERT_EQ(sweep_feed(sa.get(), recs.data(), recs.size(), &err), MM_OK) << err.msg;
    Streams want = Decode(recs, 21);
    EXPECT_EQ(sweep_get_totals(fa.get())->page_crossings, want.crossings);
    const Keys &data = want.stream[SWEEP_DATA];
    for (uint32_t e = 1; e <= 32; e++)
        ASSERT_EQ(sweep_misses(fa.get(), SWEEP_DATA, 1, e), FaMisses(data, e)) << e;
    ModelTlb model(8 * 4, 4, 1);
    EXPECT_EQ(sweep_misses(sa.get(), SWEEP_DATA, 8, 4), model.Misses(data));
    // 4 KiB keys would see many more pages
    EXPECT_LT(sweep_misses(fa.get(), SWEEP_DATA, 1, 32), Decode(recs, 12).stream[SWEEP_DATA].size());
}

TEST(SweepTrace, PageCrossingTouchesBothPages)
{
    SweepPtr s = Make(SWEEP_FA, 4);
    std::vector<trace_record> recs = {
        Access(MM_ACCESS_LOAD, 0x1ffc, 8),   // pages 1 and 2
        Access(MM_ACCESS_LOAD, 0x1ff8, 8),   // ends at 0x1fff: page 1 only
        Access(MM_ACCESS_LOAD, 0x2000, 0),   // size 0 reads as one byte
        Access(MM_ACCESS_LOAD, ~0ull - 3, 8),  // would wrap past 2^64: one page
    };
    mm_error err{};
    ASSERT_EQ(sweep_feed(s.get(), recs.data(), recs.size(), &err), MM_OK) << err.msg;
    const sweep_totals *t = sweep_get_totals(s.get());
    EXPECT_EQ(t->page_crossings, 1u);
    EXPECT_EQ(t->references[SWEEP_DATA], 5u);
    EXPECT_EQ(t->references[SWEEP_IFETCH], 0u);
    // 1 2 1 2 top: distances inf inf 2 2 inf
    EXPECT_EQ(sweep_misses(s.get(), SWEEP_DATA, 1, 1), 5u);
    EXPECT_EQ(sweep_misses(s.get(), SWEEP_DATA, 1, 2), 3u);
}

TEST(SweepTrace, ProcessesNeverShareEntries)
{
    // pid 1 and pid 2 touch the same address in turn: two pages
    std::vector<trace_record> recs;
    for (int i = 0; i < 50; i++) {
        recs.push_back(Event(TRACE_CONTEXT_SWITCH, 1 + i % 2));
        recs.push_back(Access(MM_ACCESS_LOAD, 0x7000, 8, 99));  // the record's pid is not used
    }
    SweepPtr fa = Make(SWEEP_FA, 4);
    SweepPtr sa = Make(SWEEP_SA, 4, 2);
    mm_error err{};
    ASSERT_EQ(sweep_feed(fa.get(), recs.data(), recs.size(), &err), MM_OK);
    ASSERT_EQ(sweep_feed(sa.get(), recs.data(), recs.size(), &err), MM_OK);
    EXPECT_EQ(sweep_get_totals(fa.get())->processes, 2u);
    EXPECT_EQ(sweep_misses(fa.get(), SWEEP_DATA, 1, 1), 50u);
    EXPECT_EQ(sweep_misses(fa.get(), SWEEP_DATA, 1, 2), 2u);
    EXPECT_EQ(sweep_misses(sa.get(), SWEEP_DATA, 4, 1), 50u);
    EXPECT_EQ(sweep_misses(sa.get(), SWEEP_DATA, 4, 2), 2u);
}

TEST(SweepTrace, CurrentProcessFollowsSwitchesAndExits)
{
    std::vector<trace_record> recs = {
        Access(MM_ACCESS_LOAD, 0x5000, 8, 7),     // no switch yet: pid 7 becomes current
        Access(MM_ACCESS_LOAD, 0x5000, 8, 8),     // still pid 7: a hit
        Event(TRACE_EXIT, 3),                     // not the current process
        Access(MM_ACCESS_LOAD, 0x5000, 8, 9),     // still pid 7
        Event(TRACE_EXIT, 7),
        Access(MM_ACCESS_LOAD, 0x5000, 8, 8),     // pid 8 now: a new page
        Event(TRACE_CONTEXT_SWITCH, 7),
        Access(MM_ACCESS_IFETCH, 0x5000, 4, 8),   // pid 7, instruction stream
    };
    SweepPtr s = Make(SWEEP_FA, 2);
    mm_error err{};
    ASSERT_EQ(sweep_feed(s.get(), recs.data(), recs.size(), &err), MM_OK);
    EXPECT_EQ(sweep_get_totals(s.get())->processes, 2u);
    EXPECT_EQ(sweep_misses(s.get(), SWEEP_DATA, 1, 1), 2u);
    EXPECT_EQ(sweep_misses(s.get(), SWEEP_IFETCH, 1, 1), 1u);
    EXPECT_EQ(sweep_get_totals(s.get())->references[SWEEP_DATA], 4u);
}

TEST(SweepTrace, EmptyTrace)
{
    std::string path = TempPath(".mmt");
    WriteTrace(path, {});
    SweepPtr s = Make(SWEEP_SA, 4, 2);
    mm_error err{};
    ASSERT_EQ(sweep_feed_trace(s.get(), path.c_str(), &err), MM_OK) << err.msg;
    std::remove(path.c_str());
    const sweep_totals *t = sweep_get_totals(s.get());
    EXPECT_EQ(t->records, 0u);
    EXPECT_EQ(t->references[SWEEP_IFETCH] + t->references[SWEEP_DATA], 0u);
    EXPECT_EQ(sweep_misses(s.get(), SWEEP_IFETCH, 4, 2), 0u);
    EXPECT_EQ(sweep_misses(s.get(), SWEEP_DATA, 1, 1), 0u);
}

TEST(SweepTrace, BadRecordsNameTheirIndex)
{
    SweepPtr s = Make(SWEEP_FA, 4);
    mm_error err{};
    trace_record bad = Access(MM_ACCESS_LOAD, 0, 8);
    bad.access = 3;
    std::vector<trace_record> recs = {Access(MM_ACCESS_LOAD, 0, 8), bad};
    EXPECT_EQ(sweep_feed(s.get(), recs.data(), recs.size(), &err), MM_ERR_FORMAT);
    EXPECT_NE(std::string(err.msg).find("record 1: access type 3"), std::string::npos) << err.msg;
    trace_record odd = Event(TRACE_MARKER, 0);
    odd.kind = static_cast<trace_kind>(42);
    EXPECT_EQ(sweep_feed(s.get(), &odd, 1, &err), MM_ERR_FORMAT);
    EXPECT_NE(std::string(err.msg).find("record 1: unknown record kind 42"), std::string::npos)
        << err.msg;
}

TEST(SweepTrace, TooManyProcesses)
{
    SweepPtr s = Make(SWEEP_FA, 4);
    mm_error err{};
    int rc = MM_OK;
    for (uint32_t pid = 0; pid <= SWEEP_MAX_PROCESSES && rc == MM_OK; pid++) {
        trace_record recs[2] = {Event(TRACE_CONTEXT_SWITCH, pid), Access(MM_ACCESS_LOAD, 0, 8)};
        rc = sweep_feed(s.get(), recs, 2, &err);
    }
    EXPECT_EQ(rc, MM_ERR_INVALID);
    EXPECT_NE(std::string(err.msg).find("process 4095: more than 4095 processes"),
              std::string::npos)
        << err.msg;
    EXPECT_EQ(sweep_get_totals(s.get())->processes, SWEEP_MAX_PROCESSES);
}

TEST(SweepTrace, MissingAndCorruptTracesNameTheFile)
{
    SweepPtr s = Make(SWEEP_FA, 4);
    mm_error err{};
    EXPECT_NE(sweep_feed_trace(s.get(), "/nonexistent/dir/t.mmt", &err), MM_OK);
    EXPECT_NE(std::string(err.msg).find("/nonexistent/dir/t.mmt"), std::string::npos) << err.msg;

    std::string path = TempPath(".mmt");
    WriteTrace(path, Workload(20000, 34));
    // cut the file short: the reader reports truncation, naming the file
    std::FILE *f = std::fopen(path.c_str(), "r+b");
    ASSERT_NE(f, nullptr);
    std::fseek(f, 0, SEEK_END);
    long size = std::ftell(f);
    std::fclose(f);
    ASSERT_EQ(truncate(path.c_str(), size / 2), 0);
    EXPECT_LT(sweep_feed_trace(s.get(), path.c_str(), &err), 0);
    std::remove(path.c_str());
    EXPECT_NE(std::string(err.msg).find(path), std::string::npos) << err.msg;
}

TEST(SweepTrace, TraceErrorsNameTheFileAndRecord)
{
    std::vector<trace_record> recs;
    for (uint32_t pid = 0; pid <= SWEEP_MAX_PROCESSES; pid++) {
        recs.push_back(Event(TRACE_CONTEXT_SWITCH, pid));
        recs.push_back(Access(MM_ACCESS_LOAD, 0x1000, 8, pid));
    }
    std::string path = TempPath(".mmt");
    WriteTrace(path, recs);
    SweepPtr s = Make(SWEEP_FA, 4);
    mm_error err{};
    EXPECT_EQ(sweep_feed_trace(s.get(), path.c_str(), &err), MM_ERR_INVALID);
    std::remove(path.c_str());
    EXPECT_NE(std::string(err.msg).find(path + ": record 8191: process 4095"), std::string::npos)
        << err.msg;
}

TEST(SweepTrace, BadConfigs)
{
    mm_error err{};
    EXPECT_EQ(sweep_create(nullptr, &err), nullptr);
    sweep_config c{};
    c.kind = static_cast<sweep_kind>(5);
    EXPECT_EQ(sweep_create(&c, &err), nullptr);
    EXPECT_NE(std::string(err.msg).find("kind 5"), std::string::npos) << err.msg;
    c.kind = SWEEP_FA;
    c.max_entries = 8;
    c.page_level = 2;
    EXPECT_EQ(sweep_create(&c, &err), nullptr);
    EXPECT_NE(std::string(err.msg).find("page_level 2"), std::string::npos) << err.msg;
    c.page_level = 0;
    c.max_entries = 0;
    EXPECT_EQ(sweep_create(&c, &err), nullptr);
    EXPECT_NE(std::string(err.msg).find("max_entries 0"), std::string::npos) << err.msg;
    c.kind = SWEEP_SA;
    c.max_sets = 6;
    c.max_ways = 2;
    EXPECT_EQ(sweep_create(&c, &err), nullptr);
    EXPECT_NE(std::string(err.msg).find("max_sets 6"), std::string::npos) << err.msg;
    c.max_sets = 8;
    SweepPtr s(sweep_create(&c, &err));
    ASSERT_NE(s, nullptr) << err.msg;
    EXPECT_EQ(sweep_get_config(s.get())->max_sets, 8u);
    EXPECT_EQ(sweep_misses(s.get(), SWEEP_STREAM_COUNT, 1, 1), UINT64_MAX);
    EXPECT_EQ(sweep_miss_curve(s.get(), SWEEP_STREAM_COUNT, 1, nullptr, 0, &err), MM_ERR_INVALID);
    EXPECT_STREQ(sweep_stream_name(SWEEP_IFETCH), "ifetch");
    EXPECT_STREQ(sweep_stream_name(SWEEP_DATA), "data");
}

}  // namespace
