// din_test.cc — Dinero din to native and back: hand-checked records,
// comments and optional sizes, each bad-input class, the din writer's
// atomic output, and round trips through a native trace file.
#include <sys/stat.h>

#include "convert/convert_test_util.h"

using namespace convert_test;

namespace {

run_result din(const std::string &text, const trace_convert_options *opt = nullptr)
{
    return run_converter(trace_convert_din, text, opt, "t.din");
}

TEST(Din, HandCheckedRecords)
{
    run_result r = din("2 0\n"
                       "0 1000\n"
                       "1 70f60888 8\n"
                       "2 2cb5 this is a comment, as Dinero allows\n"
                       "4 0\n"
                       "\n"
                       "  0 0x10 16\n"
                       "1\t20\t2 bytes\n");
    ASSERT_EQ(r.rc, 0) << r.err.msg;
    expect_records(r.records, {
                                  make_access(MM_ACCESS_IFETCH, 0x0, 4, 0),
                                  make_access(MM_ACCESS_LOAD, 0x1000, 4, 1),
                                  make_access(MM_ACCESS_STORE, 0x70f60888, 8, 0),
                                  make_access(MM_ACCESS_IFETCH, 0x2cb5, 4, 0),
                                  make_access(MM_ACCESS_LOAD, 0x10, 16, 1),
                                  make_access(MM_ACCESS_STORE, 0x20, 2, 0),
                              });
    EXPECT_EQ(r.stats.units, 8u);
    EXPECT_EQ(r.stats.skipped, 2u); // the flush and the blank line
    EXPECT_EQ(r.stats.instructions, 2u);
}

TEST(Din, DefaultSizeOption)
{
    trace_convert_options opt{};
    opt.din_size = 64;
    run_result r = din("0 40\n0 80 8\n", &opt);
    ASSERT_EQ(r.rc, 0);
    ASSERT_EQ(r.records.size(), 2u);
    EXPECT_EQ(r.records[0].size, 64u);
    EXPECT_EQ(r.records[1].size, 8u);
}

TEST(Din, GzipInput)
{
    run_result r = din(gzip("1 abc 4\n"));
    ASSERT_EQ(r.rc, 0) << r.err.msg;
    expect_records(r.records, {make_access(MM_ACCESS_STORE, 0xabc, 4, 0)});
}

struct bad_case {
    const char *text;
    unsigned line, offset;
    const char *why;
};

TEST(Din, EveryClassOfBadLineIsReported)
{
    const bad_case cases[] = {
        {"0 10\n3 20\n", 2, 5, "label 3 (escape record of unknown access type)"},
        {"7 20\n", 1, 0, "unknown label"},
        {"99999999999999999999999 20\n", 1, 0, "unknown label"},
        {"x 20\n", 1, 0, "expected a label"},
        {"0x 20\n", 1, 0, "expected a label"},
        {"0 zz\n", 1, 0, "bad hex address"},
        {"0 12zz\n", 1, 0, "bad hex address"},
        {"0 0x\n", 1, 0, "bad hex address"},
        {"0\n", 1, 0, "missing address"},
        {"0 10 0\n", 1, 0, "size out of range"},
        {"0 10 70000\n", 1, 0, "size out of range"},
        {"0 1ffffffffffffffff\n", 1, 0, "address wider than 64 bits"},
    };
    for (const bad_case &c : cases) {
        SCOPED_TRACE(c.text);
        run_result r = din(c.text);
        EXPECT_EQ(r.rc, MM_ERR_FORMAT);
        char where[64];
        std::snprintf(where, sizeof where, "t.din: line %u (byte %u): ", c.line, c.offset);
        EXPECT_NE(std::strstr(r.err.msg, where), nullptr) << r.err.msg;
        EXPECT_NE(std::strstr(r.err.msg, c.why), nullptr) << r.err.msg;
    }
}

TEST(Din, EmptyInputIsAnError)
{
    for (const char *text : {"", "\n\n  \n"}) {
        run_result r = din(text);
        EXPECT_EQ(r.rc, MM_ERR_FORMAT);
        EXPECT_NE(std::strstr(r.err.msg, "t.din: empty input"), nullptr) << r.err.msg;
    }
}

TEST(Din, OverlongLineIsAnError)
{
    run_result r = din("0 10 " + std::string(5000, 'c') + "\n");
    EXPECT_EQ(r.rc, MM_ERR_FORMAT);
    EXPECT_NE(std::strstr(r.err.msg, "line 1 (byte 0): line longer"), nullptr) << r.err.msg;
}

TEST(DinWriter, WritesTmpThenRenamesAndDropsNonAccesses)
{
    TempDir dir;
    std::string out = dir.file("out.din");
    mm_error err{};
    trace_din_writer *w = trace_din_writer_open(out.c_str(), &err);
    ASSERT_NE(w, nullptr) << err.msg;
    trace_record_sink sink = trace_record_sink_for_din(w);
    trace_record recs[] = {context_switch(3), make_access(MM_ACCESS_IFETCH, 0x400000, 4, 1, 3),
                           make_access(MM_ACCESS_LOAD, 0xdeadbeef, 8, 0, 3),
                           make_access(MM_ACCESS_STORE, 0x10, 2, 0, 3)};
    for (const trace_record &r : recs)
        ASSERT_EQ(sink.put(sink.ctx, &r, &err), 0);
    EXPECT_TRUE(file_exists(out + ".tmp"));
    EXPECT_FALSE(file_exists(out));
    EXPECT_EQ(trace_din_writer_dropped(w), 1u);
    ASSERT_EQ(trace_din_writer_close(w, &err), 0) << err.msg;
    EXPECT_FALSE(file_exists(out + ".tmp"));
    EXPECT_EQ(read_file(out), "2 400000 4\n0 deadbeef 8\n1 10 2\n");
}

TEST(DinWriter, AbortLeavesNothing)
{
    TempDir dir;
    std::string out = dir.file("gone.din");
    mm_error err{};
    trace_din_writer *w = trace_din_writer_open(out.c_str(), &err);
    ASSERT_NE(w, nullptr);
    trace_record r = make_access(MM_ACCESS_LOAD, 1, 1, 0);
    ASSERT_EQ(trace_din_write(w, &r, &err), 0);
    trace_din_writer_abort(w);
    EXPECT_FALSE(file_exists(out));
    EXPECT_FALSE(file_exists(out + ".tmp"));
}

TEST(DinWriter, UnwritableDirectoryIsAnIoError)
{
    mm_error err{};
    EXPECT_EQ(trace_din_writer_open("/nonexistent/dir/x.din", &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_IO);
    EXPECT_NE(std::strstr(err.msg, "/nonexistent/dir/x.din.tmp"), nullptr) << err.msg;
}

TEST(DinWriter, DashWritesStandardOutput)
{
    mm_error err{};
    testing::internal::CaptureStdout();
    trace_din_writer *w = trace_din_writer_open("-", &err);
    ASSERT_NE(w, nullptr);
    trace_record r = make_access(MM_ACCESS_STORE, 0xabc, 2, 0);
    EXPECT_EQ(trace_din_write(w, &r, &err), 0);
    EXPECT_EQ(trace_din_writer_close(w, &err), 0);
    EXPECT_EQ(testing::internal::GetCapturedStdout(), "1 abc 2\n");
    trace_din_writer_abort(trace_din_writer_open("-", &err)); // never closes stdout
    EXPECT_EQ(std::fflush(stdout), 0);
}

TEST(DinWriter, FailedRenameRemovesTheTemporaryFile)
{
    TempDir dir;
    std::string out = dir.file("taken");
    ASSERT_EQ(mkdir(out.c_str(), 0755), 0); // a non-empty directory cannot be replaced
    write_file(out + "/x", "x");
    mm_error err{};
    trace_din_writer *w = trace_din_writer_open(out.c_str(), &err);
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(trace_din_writer_close(w, &err), MM_ERR_IO);
    EXPECT_NE(std::strstr(err.msg, "cannot rename"), nullptr) << err.msg;
    EXPECT_FALSE(file_exists(out + ".tmp"));
    std::remove((out + "/x").c_str());
    rmdir(out.c_str());
}

TEST(DinWriter, RejectsAnUnknownAccessType)
{
    TempDir dir;
    mm_error err{};
    trace_din_writer *w = trace_din_writer_open(dir.file("x.din").c_str(), &err);
    ASSERT_NE(w, nullptr);
    trace_record r = make_access(MM_ACCESS_LOAD, 1, 1, 0);
    r.access = 7;
    EXPECT_EQ(trace_din_write(w, &r, &err), MM_ERR_INVALID);
    trace_din_writer_abort(w);
}

// din -> native file -> din: the canonical din text comes back byte for
// byte (label, lower-case hex address, decimal size).
TEST(DinRoundTrip, DinThroughNativeAndBack)
{
    const std::string text = "2 400000 4\n0 10000000 8\n1 10000008 8\n2 400004 4\n"
                             "0 7fffffffe000 64\n1 ffffffffffffffff 1\n";
    TempDir dir;
    std::string native = dir.file("t.trace"), back = dir.file("back.din");
    mm_error err{};
    trace_header h{};
    h.version = TRACE_VERSION;
    h.format_hint = 0xff;
    std::snprintf(h.description, sizeof h.description, "din round trip");
    for (trace_compression comp : {TRACE_ZLIB, TRACE_ZSTD}) {
        SCOPED_TRACE(comp == TRACE_ZLIB ? "zlib" : "zstd");
        trace_writer *w = trace_writer_open(native.c_str(), &h, comp, 0, &err);
        ASSERT_NE(w, nullptr) << err.msg;
        trace_input *src = trace_input_open_memory(text.data(), text.size(), "in.din", &err);
        trace_record_sink to_native = trace_record_sink_for_writer(w);
        trace_convert_stats st;
        ASSERT_EQ(trace_convert_din(src, nullptr, &to_native, &st, &err), 0) << err.msg;
        trace_input_close(src);
        ASSERT_EQ(trace_writer_close(w, &err), 0) << err.msg;
        EXPECT_EQ(st.records, 6u);

        trace_din_writer *dw = trace_din_writer_open(back.c_str(), &err);
        ASSERT_NE(dw, nullptr);
        trace_record_sink to_din = trace_record_sink_for_din(dw);
        trace_header got{};
        ASSERT_EQ(trace_convert_native(native.c_str(), &to_din, &st, &got, &err), 0) << err.msg;
        ASSERT_EQ(trace_din_writer_close(dw, &err), 0);
        EXPECT_EQ(st.records, 6u);
        EXPECT_STREQ(got.description, "din round trip");
        EXPECT_EQ(read_file(back), text);
    }
}

// native records -> din -> native: accesses keep type, address and size.
TEST(DinRoundTrip, RecordsThroughDinAndBack)
{
    std::vector<trace_record> in = {make_access(MM_ACCESS_LOAD, 0x1234, 8, 0),
                                    make_access(MM_ACCESS_IFETCH, 0x400000, 4, 0),
                                    make_access(MM_ACCESS_STORE, 0xfff, 2, 1)};
    TempDir dir;
    std::string path = dir.file("x.din");
    mm_error err{};
    trace_din_writer *dw = trace_din_writer_open(path.c_str(), &err);
    for (const trace_record &r : in)
        ASSERT_EQ(trace_din_write(dw, &r, &err), 0);
    ASSERT_EQ(trace_din_writer_close(dw, &err), 0);
    trace_input *src = trace_input_open(path.c_str(), &err);
    ASSERT_NE(src, nullptr);
    std::vector<trace_record> out;
    trace_record_sink sink = collect_sink(&out);
    trace_convert_stats st;
    ASSERT_EQ(trace_convert_din(src, nullptr, &sink, &st, &err), 0) << err.msg;
    trace_input_close(src);
    ASSERT_EQ(out.size(), in.size());
    for (size_t i = 0; i < in.size(); i++) {
        EXPECT_EQ(out[i].access, in[i].access);
        EXPECT_EQ(out[i].va, in[i].va);
        EXPECT_EQ(out[i].size, in[i].size);
    }
}

TEST(ConvertNative, TruncatedTraceIsAnErrorAfterTheGoodRecords)
{
    TempDir dir;
    std::string path = dir.file("t.trace");
    trace_header h{};
    h.version = TRACE_VERSION;
    h.format_hint = 0xff;
    mm_error err{};
    trace_writer *w = trace_writer_open(path.c_str(), &h, TRACE_ZLIB, 0, &err);
    ASSERT_NE(w, nullptr);
    for (uint64_t i = 0; i < 100000; i++) {
        trace_record r = make_access(MM_ACCESS_LOAD, 0x1000 + i * 4096 * 7, 8, 1);
        ASSERT_EQ(trace_write(w, &r, &err), 0);
    }
    ASSERT_EQ(trace_writer_close(w, &err), 0);
    std::string bytes = read_file(path);
    write_file(path, bytes.substr(0, bytes.size() / 2));
    std::vector<trace_record> out;
    trace_record_sink sink = collect_sink(&out);
    trace_convert_stats st;
    EXPECT_LT(trace_convert_native(path.c_str(), &sink, &st, nullptr, &err), 0);
    EXPECT_NE(std::strstr(err.msg, path.c_str()), nullptr) << err.msg;
    EXPECT_EQ(st.records, out.size());
}

int refusing_put(void *, const trace_record *, mm_error *err)
{
    return mm_fail(err, MM_ERR_IO, "no room");
}

TEST(ConvertNative, SinkErrorStopsTheCopy)
{
    TempDir dir;
    std::string path = dir.file("t.trace");
    trace_header h{};
    h.version = TRACE_VERSION;
    mm_error err{};
    trace_writer *w = trace_writer_open(path.c_str(), &h, TRACE_ZSTD, 0, &err);
    trace_record r = make_access(MM_ACCESS_LOAD, 0x1000, 8, 1);
    ASSERT_EQ(trace_write(w, &r, &err), 0);
    ASSERT_EQ(trace_writer_close(w, &err), 0);
    trace_record_sink sink{refusing_put, nullptr};
    trace_convert_stats st;
    EXPECT_EQ(trace_convert_native(path.c_str(), &sink, &st, nullptr, &err), MM_ERR_IO);
    EXPECT_STREQ(err.msg, "no room");
}

TEST(ConvertNative, MissingFileIsAnError)
{
    std::vector<trace_record> out;
    trace_record_sink sink = collect_sink(&out);
    trace_convert_stats st;
    mm_error err{};
    EXPECT_NE(trace_convert_native("/nonexistent/t.trace", &sink, &st, nullptr, &err), 0);
    EXPECT_NE(std::strstr(err.msg, "/nonexistent/t.trace"), nullptr) << err.msg;
}

} // namespace
