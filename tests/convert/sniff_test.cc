// sniff_test.cc — format guessing from the first bytes, and format names.
#include "convert/convert_test_util.h"

using namespace convert_test;

namespace {

int sniff(const std::string &bytes, trace_format *out, mm_error *err)
{
    trace_input *src = trace_input_open_memory(bytes.data(), bytes.size(), "s", err);
    EXPECT_NE(src, nullptr);
    int rc = trace_sniff(src, out, err);
    trace_input_close(src);
    return rc;
}

trace_format sniffed(const std::string &bytes)
{
    trace_format f = TRACE_FORMAT_COUNT;
    mm_error err{};
    EXPECT_EQ(sniff(bytes, &f, &err), 0) << err.msg;
    return f;
}

std::string champsim_record()
{
    std::string r(TRACE_CHAMPSIM_RECORD_BYTES, '\0');
    r[0] = 0x10;
    r[1] = 0x40;
    return r;
}

TEST(ConvertSniff, TellsTheFormatsApart)
{
    EXPECT_EQ(sniffed("==77== Lackey, an example Valgrind tool\nI  0400,3\n"), TRACE_FORMAT_LACKEY);
    EXPECT_EQ(sniffed("\nI  04000000,3\n L 7ff0,8\n"), TRACE_FORMAT_LACKEY);
    EXPECT_EQ(sniffed(" S 7ff000f98,8\n"), TRACE_FORMAT_LACKEY);
    EXPECT_EQ(sniffed("2 0\n0 1000\n"), TRACE_FORMAT_DIN);
    EXPECT_EQ(sniffed("\r\n  1 70f60888 4\n"), TRACE_FORMAT_DIN);
    EXPECT_EQ(sniffed(champsim_record()), TRACE_FORMAT_CHAMPSIM);
    EXPECT_EQ(sniffed(xz(champsim_record())), TRACE_FORMAT_CHAMPSIM);
    EXPECT_EQ(sniffed(gzip("I  1000,4\n")), TRACE_FORMAT_LACKEY);
    EXPECT_EQ(sniffed(std::string("\x28\xb5\x2f\xfd\x00\x00", 6)), TRACE_FORMAT_NATIVE);
}

TEST(ConvertSniff, DoesNotConsumeTheInput)
{
    std::string text = "I  1000,4\n L 2000,8\n";
    mm_error err{};
    trace_input *src = trace_input_open_memory(text.data(), text.size(), "s", &err);
    trace_format f;
    ASSERT_EQ(trace_sniff(src, &f, &err), 0);
    std::vector<trace_record> recs;
    trace_record_sink sink = collect_sink(&recs);
    trace_convert_stats st;
    ASSERT_EQ(trace_convert_lackey(src, nullptr, &sink, &st, &err), 0) << err.msg;
    EXPECT_EQ(recs.size(), 2u);
    trace_input_close(src);
}

TEST(ConvertSniff, UnknownTextAndEmptyInputAreErrors)
{
    trace_format f;
    mm_error err{};
    EXPECT_EQ(sniff("hello, world\n", &f, &err), MM_ERR_FORMAT);
    EXPECT_NE(std::strstr(err.msg, "s: cannot tell the format"), nullptr) << err.msg;
    EXPECT_EQ(sniff("", &f, &err), MM_ERR_FORMAT);
    EXPECT_NE(std::strstr(err.msg, "s: empty input (byte 0)"), nullptr) << err.msg;
    EXPECT_EQ(sniff("\n\n", &f, &err), MM_ERR_FORMAT);
    EXPECT_EQ(sniff("L1000,4\n", &f, &err), MM_ERR_FORMAT);
}

TEST(ConvertSniff, BrokenCompressionIsReported)
{
    std::string gz = gzip("I  1000,4\n");
    gz.resize(12);
    trace_format f;
    mm_error err{};
    EXPECT_EQ(sniff(gz, &f, &err), MM_ERR_FORMAT);
    EXPECT_NE(std::strstr(err.msg, "gzip"), nullptr) << err.msg;
}

TEST(ConvertSniff, NativeTraceFilesAreRecognised)
{
    TempDir dir;
    trace_header h{};
    h.version = TRACE_VERSION;
    h.format_hint = 0xff;
    for (trace_compression comp : {TRACE_ZLIB, TRACE_ZSTD}) {
        std::string path = dir.file(comp == TRACE_ZLIB ? "n.gz" : "n.zst");
        mm_error err{};
        trace_writer *w = trace_writer_open(path.c_str(), &h, comp, 0, &err);
        ASSERT_NE(w, nullptr) << err.msg;
        trace_record r = make_access(MM_ACCESS_LOAD, 0x1000, 8, 1);
        ASSERT_EQ(trace_write(w, &r, &err), 0);
        ASSERT_EQ(trace_writer_close(w, &err), 0);
        trace_input *src = trace_input_open(path.c_str(), &err);
        ASSERT_NE(src, nullptr);
        trace_format f = TRACE_FORMAT_COUNT;
        EXPECT_EQ(trace_sniff(src, &f, &err), 0) << err.msg;
        EXPECT_EQ(f, TRACE_FORMAT_NATIVE);
        trace_input_close(src);
    }
}

TEST(ConvertFormatNames, ParseWhatTheyPrint)
{
    for (unsigned i = 0; i < TRACE_FORMAT_COUNT; i++) {
        trace_format f;
        mm_error err{};
        ASSERT_EQ(trace_format_parse(trace_format_name(static_cast<trace_format>(i)), &f, &err), 0);
        EXPECT_EQ(f, static_cast<trace_format>(i));
    }
    trace_format f;
    mm_error err{};
    EXPECT_EQ(trace_format_parse("pin", &f, &err), MM_ERR_INVALID);
    EXPECT_NE(std::strstr(err.msg, "\"pin\""), nullptr);
    EXPECT_STREQ(trace_format_name(TRACE_FORMAT_COUNT), "unknown");
}

} // namespace
