// lackey_test.cc — Valgrind lackey to native: hand-checked records and
// instruction counts, M as one store, page crossings, valgrind lines,
// gzip input, and one test per class of bad input.
#include "convert/convert_test_util.h"

using namespace convert_test;

namespace {

const char *const kLackey = "==123== Lackey, an example Valgrind tool\n"
                            "==123== Command: ./a.out\n"
                            "I  04000000,3\n"
                            "I  04000003,5\n"
                            " S 7ff000f98,8\n"
                            "I  04000008,4\n"
                            " L 04222cac,8\n"
                            " M 0421ef20,4\n"
                            "\n"
                            "I  0400000c,2\n"
                            "==123== \n";

run_result lackey(const std::string &text, const trace_convert_options *opt = nullptr)
{
    return run_converter(trace_convert_lackey, text, opt, "run.lackey");
}

TEST(Lackey, HandCheckedRecordsAndInstructionCounts)
{
    run_result r = lackey(kLackey);
    ASSERT_EQ(r.rc, 0) << r.err.msg;
    // An ifetch carries the instructions completed before it; a data
    // access counts the I lines since the previous record.
    expect_records(r.records, {
                                  make_access(MM_ACCESS_IFETCH, 0x4000000, 3, 0),
                                  make_access(MM_ACCESS_IFETCH, 0x4000003, 5, 1),
                                  make_access(MM_ACCESS_STORE, 0x7ff000f98, 8, 1),
                                  make_access(MM_ACCESS_IFETCH, 0x4000008, 4, 0),
                                  make_access(MM_ACCESS_LOAD, 0x4222cac, 8, 1),
                                  make_access(MM_ACCESS_STORE, 0x421ef20, 4, 0), // M: one store
                                  make_access(MM_ACCESS_IFETCH, 0x400000c, 2, 0),
                              });
    EXPECT_EQ(r.stats.units, 11u);
    EXPECT_EQ(r.stats.records, 7u);
    EXPECT_EQ(r.stats.skipped, 4u); // three valgrind lines and a blank one
    EXPECT_EQ(r.stats.instructions, 3u);
    EXPECT_EQ(r.stats.trailing_instructions, 1u); // the last I has no record after it
}

TEST(Lackey, WithoutIfetchesDataCountsEveryInstructionLine)
{
    trace_convert_options opt{};
    opt.no_ifetch = true;
    run_result r = lackey(kLackey, &opt);
    ASSERT_EQ(r.rc, 0) << r.err.msg;
    expect_records(r.records, {
                                  make_access(MM_ACCESS_STORE, 0x7ff000f98, 8, 2),
                                  make_access(MM_ACCESS_LOAD, 0x4222cac, 8, 1),
                                  make_access(MM_ACCESS_STORE, 0x421ef20, 4, 0),
                              });
    EXPECT_EQ(r.stats.trailing_instructions, 1u);
}

TEST(Lackey, PageCrossingAccessStaysOneRecord)
{
    run_result r = lackey(" L 0ffc,8\n S 1fff,16\n");
    ASSERT_EQ(r.rc, 0) << r.err.msg;
    expect_records(r.records, {make_access(MM_ACCESS_LOAD, 0xffc, 8, 0),
                               make_access(MM_ACCESS_STORE, 0x1fff, 16, 0)});
}

TEST(Lackey, PidOptionSwitchesToThatProcessFirst)
{
    trace_convert_options opt{};
    opt.pid = 42;
    run_result r = lackey("I  1000,4\n L 2000,8\n", &opt);
    ASSERT_EQ(r.rc, 0);
    // A trace starts in pid 0: the switch makes 42 the current process.
    ASSERT_EQ(r.records.size(), 3u);
    EXPECT_EQ(r.records[0].kind, TRACE_CONTEXT_SWITCH);
    EXPECT_EQ(r.records[0].pid, 42u);
    expect_access(r.records[1], make_access(MM_ACCESS_IFETCH, 0x1000, 4, 0, 42), 1);
    expect_access(r.records[2], make_access(MM_ACCESS_LOAD, 0x2000, 8, 1, 42), 2);
    EXPECT_EQ(r.stats.records, 3u);
}

// The native writer accepts what the converter produces for a nonzero pid.
TEST(Lackey, PidOptionWritesAValidNativeTrace)
{
    TempDir dir;
    std::string path = dir.file("pid.trace");
    trace_header h{};
    h.version = TRACE_VERSION;
    mm_error err{};
    trace_writer *w = trace_writer_open(path.c_str(), &h, TRACE_ZLIB, 0, &err);
    ASSERT_NE(w, nullptr) << err.msg;
    std::string text = "I  1000,4\n L 2000,8\n";
    trace_input *src = trace_input_open_memory(text.data(), text.size(), "t", &err);
    trace_record_sink sink = trace_record_sink_for_writer(w);
    trace_convert_options opt{};
    opt.pid = 7;
    trace_convert_stats st;
    ASSERT_EQ(trace_convert_lackey(src, &opt, &sink, &st, &err), 0) << err.msg;
    trace_input_close(src);
    ASSERT_EQ(trace_writer_close(w, &err), 0) << err.msg;
    std::vector<trace_record> back;
    trace_record_sink collect = collect_sink(&back);
    ASSERT_EQ(trace_convert_native(path.c_str(), &collect, &st, nullptr, &err), 0) << err.msg;
    ASSERT_EQ(back.size(), 3u);
    EXPECT_EQ(back[2].pid, 7u);
    EXPECT_EQ(back[2].va, 0x2000u);
}

TEST(Lackey, GzipInputGivesTheSameRecords)
{
    run_result plain = lackey(kLackey);
    run_result gz = lackey(gzip(kLackey));
    ASSERT_EQ(gz.rc, 0) << gz.err.msg;
    expect_records(gz.records, plain.records);
}

TEST(Lackey, GzipFileAndWideAddresses)
{
    TempDir dir;
    std::string path = dir.file("trace.lackey.gz");
    write_file(path, gzip("I  ffffffffff600000,3\r\n\t L   ffffffffffffffff,1  \r\n"));
    mm_error err{};
    trace_input *src = trace_input_open(path.c_str(), &err);
    ASSERT_NE(src, nullptr) << err.msg;
    std::vector<trace_record> recs;
    trace_record_sink sink = collect_sink(&recs);
    trace_convert_stats st;
    ASSERT_EQ(trace_convert_lackey(src, nullptr, &sink, &st, &err), 0) << err.msg;
    trace_input_close(src);
    expect_records(recs, {make_access(MM_ACCESS_IFETCH, 0xffffffffff600000ull, 3, 0),
                          make_access(MM_ACCESS_LOAD, 0xffffffffffffffffull, 1, 1)});
}

// Each bad line: the error names the file, the line and its byte offset.
struct bad_case {
    const char *text;
    unsigned line;
    unsigned offset;
    const char *why;
};

TEST(Lackey, EveryClassOfBadLineIsReported)
{
    const bad_case cases[] = {
        {"I  1000,4\nhello world\n", 2, 10, "not a lackey line"},
        {" L 12zz,4\n", 1, 0, "bad hex address"},
        {"I  1000,4\n L ,4\n", 2, 10, "bad hex address"},
        {" L xyz,4\n", 1, 0, "bad hex address"},
        {" L 1234\n", 1, 0, "missing \",size\""},
        {" L 1234 4\n", 1, 0, "missing \",size\""},
        {" L 1234,\n", 1, 0, "missing or bad decimal size"},
        {" L 1234,x\n", 1, 0, "missing or bad decimal size"},
        {" L 1234,0\n", 1, 0, "size out of range"},
        {" L 1234,65536\n", 1, 0, "size out of range"},
        {" L 1234,99999999999999999999999\n", 1, 0, "size out of range"},
        {" L 1234,4 extra\n", 1, 0, "unexpected text after the size"},
        {" L 1ffffffffffffffff,4\n", 1, 0, "address wider than 64 bits"},
        {"L1234,4\n", 1, 0, "expected a blank after the operation letter"},
        {" X 1234,4\n", 1, 0, "not a lackey line"},
        {"==1== ok\n\n\x01\n", 3, 10, "not a lackey line"},
    };
    for (const bad_case &c : cases) {
        SCOPED_TRACE(c.text);
        run_result r = lackey(c.text);
        EXPECT_EQ(r.rc, MM_ERR_FORMAT);
        EXPECT_EQ(r.err.code, MM_ERR_FORMAT);
        char where[96];
        std::snprintf(where, sizeof where, "run.lackey: line %u (byte %u): ", c.line, c.offset);
        EXPECT_NE(std::strstr(r.err.msg, where), nullptr) << r.err.msg;
        EXPECT_NE(std::strstr(r.err.msg, c.why), nullptr) << r.err.msg;
    }
}

TEST(Lackey, BlanksAroundFieldsAreAccepted)
{
    run_result r = lackey(" I 10,4\n\tL\t20,8\t\n");
    ASSERT_EQ(r.rc, 0) << r.err.msg;
    expect_records(r.records, {make_access(MM_ACCESS_IFETCH, 0x10, 4, 0),
                               make_access(MM_ACCESS_LOAD, 0x20, 8, 1)});
}

TEST(Lackey, RecordsBeforeABadLineAreDeliveredThenItStops)
{
    run_result r = lackey("I  1000,4\n L 2000,8\nbad\n L 3000,8\n");
    EXPECT_EQ(r.rc, MM_ERR_FORMAT);
    EXPECT_EQ(r.records.size(), 2u);
}

TEST(Lackey, EmptyInputIsAnError)
{
    run_result r = lackey("");
    EXPECT_EQ(r.rc, MM_ERR_FORMAT);
    EXPECT_NE(std::strstr(r.err.msg, "run.lackey: empty input (byte 0)"), nullptr) << r.err.msg;
}

TEST(Lackey, OnlyValgrindLinesIsAnError)
{
    run_result r = lackey("==1== Lackey\n==1== done\n");
    EXPECT_EQ(r.rc, MM_ERR_FORMAT);
    EXPECT_NE(std::strstr(r.err.msg, "no access lines in 2 lines"), nullptr) << r.err.msg;
    EXPECT_NE(std::strstr(r.err.msg, "--trace-mem=yes"), nullptr) << r.err.msg;
}

TEST(Lackey, OverlongLinesFailUnlessValgrinds)
{
    run_result ok = lackey("==1== " + std::string(10000, 'v') + "\n L 10,4\n");
    EXPECT_EQ(ok.rc, 0) << ok.err.msg;
    EXPECT_EQ(ok.records.size(), 1u);
    run_result bad = lackey(" L 10,4\n L " + std::string(10000, '1') + ",4\n");
    EXPECT_EQ(bad.rc, MM_ERR_FORMAT);
    EXPECT_NE(std::strstr(bad.err.msg, "line 2 (byte 8): line longer than 4096 bytes"), nullptr)
        << bad.err.msg;
}

TEST(Lackey, BadLineOffsetIsInDecompressedBytes)
{
    run_result r = lackey(gzip("I  1000,4\nI  1004,4\n L zz,8\n"));
    EXPECT_EQ(r.rc, MM_ERR_FORMAT);
    EXPECT_NE(std::strstr(r.err.msg, "line 3 (byte 20)"), nullptr) << r.err.msg;
}

TEST(Lackey, BinaryJunkIsQuotedPrintably)
{
    run_result r = lackey(std::string("\x01\x02garbage\x7f", 10) + "\n");
    EXPECT_EQ(r.rc, MM_ERR_FORMAT);
    EXPECT_NE(std::strstr(r.err.msg, "\"??garbage?\""), nullptr) << r.err.msg;
}

int failing_put(void *, const trace_record *, mm_error *err)
{
    return mm_fail(err, MM_ERR_IO, "sink full");
}

TEST(Lackey, SinkErrorsStopTheConversion)
{
    std::string text = "I  1000,4\n";
    mm_error err{};
    trace_input *src = trace_input_open_memory(text.data(), text.size(), "x", &err);
    trace_record_sink sink{failing_put, nullptr};
    trace_convert_stats st;
    EXPECT_EQ(trace_convert_lackey(src, nullptr, &sink, &st, &err), MM_ERR_IO);
    EXPECT_STREQ(err.msg, "sink full");
    EXPECT_EQ(st.records, 0u);
    trace_input_close(src);
}

} // namespace
