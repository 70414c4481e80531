// champsim_test.cc — ChampSim input_instr records to native: the byte
// layout, operand order and instruction counts, xz and gzip input, and
// truncated, corrupt and empty inputs.
#include "convert/convert_test_util.h"

using namespace convert_test;

namespace {

// One 64-byte input_instr record, written byte by byte in little endian.
std::string record(uint64_t ip, std::vector<uint64_t> dst, std::vector<uint64_t> src)
{
    std::string r(TRACE_CHAMPSIM_RECORD_BYTES, '\0');
    auto put64 = [&r](size_t at, uint64_t v) {
        for (int i = 0; i < 8; i++)
            r[at + i] = static_cast<char>(v >> (8 * i));
    };
    put64(0, ip);
    r[8] = 1;  // is_branch: ignored
    r[9] = 1;  // branch_taken: ignored
    r[10] = 5; // registers: ignored
    r[15] = 7;
    dst.resize(2);
    src.resize(4);
    for (size_t i = 0; i < 2; i++)
        put64(16 + 8 * i, dst[i]);
    for (size_t i = 0; i < 4; i++)
        put64(32 + 8 * i, src[i]);
    return r;
}

std::string three_records()
{
    return record(0x401000, {0x8000, 0}, {0x7000, 0, 0x7008, 0}) + record(0x401004, {}, {}) +
           record(0x401008, {0, 0x9000}, {});
}

run_result champsim(const std::string &bytes, const trace_convert_options *opt = nullptr)
{
    return run_converter(trace_convert_champsim, bytes, opt, "t.champsim");
}

const std::vector<trace_record> kExpected = {
    make_access(MM_ACCESS_IFETCH, 0x401000, 4, 1), make_access(MM_ACCESS_LOAD, 0x7000, 8, 0),
    make_access(MM_ACCESS_LOAD, 0x7008, 8, 0),     make_access(MM_ACCESS_STORE, 0x8000, 8, 0),
    make_access(MM_ACCESS_IFETCH, 0x401004, 4, 1), make_access(MM_ACCESS_IFETCH, 0x401008, 4, 1),
    make_access(MM_ACCESS_STORE, 0x9000, 8, 0),
};

TEST(ChampSim, HandCheckedRecords)
{
    run_result r = champsim(three_records());
    ASSERT_EQ(r.rc, 0) << r.err.msg;
    expect_records(r.records, kExpected);
    EXPECT_EQ(r.stats.units, 3u);
    EXPECT_EQ(r.stats.instructions, 3u);
}

TEST(ChampSim, LittleEndianFieldOrder)
{
    std::string r = record(0, {}, {});
    const unsigned char ip[8] = {0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11};
    std::memcpy(&r[0], ip, 8);
    r[32 + 24] = 0x01; // source_memory[3] = 1
    run_result res = champsim(r);
    ASSERT_EQ(res.rc, 0);
    expect_records(res.records, {make_access(MM_ACCESS_IFETCH, 0x1122334455667788ull, 4, 1),
                                 make_access(MM_ACCESS_LOAD, 1, 8, 0)});
}

TEST(ChampSim, WithoutIfetchesTheNextAccessTakesTheInstructions)
{
    trace_convert_options opt{};
    opt.no_ifetch = true;
    opt.pid = 9;
    run_result r = champsim(three_records(), &opt);
    ASSERT_EQ(r.rc, 0);
    ASSERT_FALSE(r.records.empty());
    EXPECT_EQ(r.records[0].kind, TRACE_CONTEXT_SWITCH);
    r.records.erase(r.records.begin());
    expect_records(r.records, {make_access(MM_ACCESS_LOAD, 0x7000, 8, 1, 9),
                               make_access(MM_ACCESS_LOAD, 0x7008, 8, 0, 9),
                               make_access(MM_ACCESS_STORE, 0x8000, 8, 0, 9),
                               make_access(MM_ACCESS_STORE, 0x9000, 8, 2, 9)});
}

TEST(ChampSim, XzAndGzipInputsGiveTheSameRecords)
{
    for (const std::string &bytes : {xz(three_records()), gzip(three_records())}) {
        run_result r = champsim(bytes);
        ASSERT_EQ(r.rc, 0) << r.err.msg;
        expect_records(r.records, kExpected);
    }
}

TEST(ChampSim, ManyRecordsFromAnXzFile)
{
    std::string all;
    for (uint64_t i = 0; i < 20000; i++)
        all += record(0x400000 + 4 * i, {}, {0x10000000 + 64 * i});
    TempDir dir;
    std::string path = dir.file("t.champsim.xz");
    write_file(path, xz(all));
    mm_error err{};
    trace_input *src = trace_input_open(path.c_str(), &err);
    ASSERT_NE(src, nullptr);
    EXPECT_EQ(trace_input_compression(src), TRACE_INPUT_XZ);
    std::vector<trace_record> recs;
    trace_record_sink sink = collect_sink(&recs);
    trace_convert_stats st;
    ASSERT_EQ(trace_convert_champsim(src, nullptr, &sink, &st, &err), 0) << err.msg;
    trace_input_close(src);
    ASSERT_EQ(recs.size(), 40000u);
    EXPECT_EQ(recs[39999].va, 0x10000000u + 64u * 19999u);
}

TEST(ChampSim, TruncatedFinalRecordNamesItsIndex)
{
    std::string bytes = three_records() + std::string(10, '\x01');
    for (const std::string &in : {bytes, xz(bytes)}) {
        run_result r = champsim(in);
        EXPECT_EQ(r.rc, MM_ERR_FORMAT);
        EXPECT_NE(std::strstr(r.err.msg, "t.champsim: record 3 (byte 192): truncated ChampSim "
                                         "record, 10 of 64 bytes"),
                  nullptr)
            << r.err.msg;
        EXPECT_EQ(r.records.size(), kExpected.size()); // the whole records came through
    }
}

TEST(ChampSim, BadXzStreamIsAnError)
{
    std::string x = xz(three_records());
    x[x.size() / 2] ^= 0x55;
    run_result r = champsim(x);
    EXPECT_EQ(r.rc, MM_ERR_FORMAT);
    EXPECT_NE(std::strstr(r.err.msg, "t.champsim: "), nullptr) << r.err.msg;
    EXPECT_NE(std::strstr(r.err.msg, "at compressed byte"), nullptr) << r.err.msg;
}

TEST(ChampSim, EmptyInputIsAnError)
{
    for (const std::string &in : {std::string(), xz(""), gzip("")}) {
        run_result r = champsim(in);
        EXPECT_EQ(r.rc, MM_ERR_FORMAT);
        EXPECT_NE(std::strstr(r.err.msg, "t.champsim: empty input"), nullptr) << r.err.msg;
    }
}

} // namespace
