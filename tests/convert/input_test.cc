// input_test.cc — trace_input: compression detection, line splitting
// with numbers and byte offsets, peek/read, and every way compressed
// input can be broken.
#include "convert/convert_test_util.h"

using namespace convert_test;

namespace {

struct line_copy {
    std::string text;
    uint64_t number, offset;
    bool truncated;
};

std::vector<line_copy> all_lines(trace_input *src, int *rc, mm_error *err)
{
    std::vector<line_copy> out;
    trace_line line;
    while ((*rc = trace_input_line(src, &line, err)) > 0)
        out.push_back({std::string(line.text, line.len), line.number, line.offset, line.truncated});
    return out;
}

std::vector<line_copy> lines_of(const std::string &bytes, int *rc, mm_error *err,
                                trace_input_codec *comp = nullptr)
{
    trace_input *src = trace_input_open_memory(bytes.data(), bytes.size(), "mem", err);
    EXPECT_NE(src, nullptr);
    if (!src)
        return {};
    if (comp)
        *comp = trace_input_compression(src);
    std::vector<line_copy> out = all_lines(src, rc, err);
    trace_input_close(src);
    return out;
}

TEST(ConvertInput, PlainLinesCarryNumberAndOffset)
{
    int rc;
    mm_error err{};
    trace_input_codec comp;
    auto lines = lines_of("ab\ncd\r\n\nlast", &rc, &err, &comp);
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(comp, TRACE_INPUT_PLAIN);
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(lines[0].text, "ab");
    EXPECT_EQ(lines[0].offset, 0u);
    EXPECT_EQ(lines[1].text, "cd"); // the \r of a CRLF is dropped
    EXPECT_EQ(lines[1].number, 2u);
    EXPECT_EQ(lines[1].offset, 3u);
    EXPECT_EQ(lines[2].text, "");
    EXPECT_EQ(lines[2].offset, 7u);
    EXPECT_EQ(lines[3].text, "last"); // no final newline
    EXPECT_EQ(lines[3].number, 4u);
    EXPECT_EQ(lines[3].offset, 8u);
}

TEST(ConvertInput, GzipIsDetectedAndDecoded)
{
    int rc;
    mm_error err{};
    trace_input_codec comp;
    auto lines = lines_of(gzip("one\ntwo\n"), &rc, &err, &comp);
    EXPECT_EQ(rc, 0) << err.msg;
    EXPECT_EQ(comp, TRACE_INPUT_GZIP);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[1].text, "two");
    EXPECT_EQ(lines[1].offset, 4u); // offsets count decompressed bytes
}

TEST(ConvertInput, MultiMemberGzipReadsEveryMember)
{
    int rc;
    mm_error err{};
    auto lines = lines_of(gzip("one\ntw") + gzip("o\nthree\n"), &rc, &err);
    EXPECT_EQ(rc, 0) << err.msg;
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[1].text, "two");
    EXPECT_EQ(lines[2].text, "three");
}

TEST(ConvertInput, XzIsDetectedAndDecoded)
{
    int rc;
    mm_error err{};
    trace_input_codec comp;
    auto lines = lines_of(xz("alpha\nbeta\n"), &rc, &err, &comp);
    EXPECT_EQ(rc, 0) << err.msg;
    EXPECT_EQ(comp, TRACE_INPUT_XZ);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].text, "alpha");
    EXPECT_EQ(lines[1].text, "beta");
}

TEST(ConvertInput, TruncatedGzipIsAnError)
{
    std::string gz = gzip(std::string(10000, 'x') + "\n");
    gz.resize(gz.size() / 2);
    int rc;
    mm_error err{};
    lines_of(gz, &rc, &err);
    EXPECT_EQ(rc, MM_ERR_FORMAT);
    EXPECT_NE(std::strstr(err.msg, "mem: truncated gzip stream"), nullptr) << err.msg;
}

TEST(ConvertInput, CorruptGzipNamesTheCompressedOffset)
{
    std::string gz = gzip("hello\n");
    gz[10] = static_cast<char>(0xff); // first byte of the deflate data: a reserved block type
    gz[11] = static_cast<char>(0xff);
    int rc;
    mm_error err{};
    lines_of(gz, &rc, &err);
    EXPECT_EQ(rc, MM_ERR_FORMAT);
    EXPECT_NE(std::strstr(err.msg, "corrupt gzip data at compressed byte"), nullptr) << err.msg;
}

TEST(ConvertInput, DataAfterGzipIsAnError)
{
    int rc;
    mm_error err{};
    lines_of(gzip("hello\n") + "junk", &rc, &err);
    EXPECT_EQ(rc, MM_ERR_FORMAT);
    EXPECT_NE(std::strstr(err.msg, "data after the end of the gzip stream"), nullptr) << err.msg;
}

TEST(ConvertInput, BadXzStreamIsAnError)
{
    std::string bad = std::string("\xfd" "7zXZ", 5) + std::string(1, '\0') + "not really xz data";
    int rc;
    mm_error err{};
    trace_input_codec comp;
    lines_of(bad, &rc, &err, &comp);
    EXPECT_EQ(comp, TRACE_INPUT_XZ);
    EXPECT_EQ(rc, MM_ERR_FORMAT);
    EXPECT_NE(std::strstr(err.msg, "mem: "), nullptr) << err.msg;
    EXPECT_NE(std::strstr(err.msg, "xz"), nullptr) << err.msg;
}

TEST(ConvertInput, TruncatedXzIsAnError)
{
    std::string x = xz(std::string(5000, 'y') + "\n");
    x.resize(x.size() - 20);
    int rc;
    mm_error err{};
    lines_of(x, &rc, &err);
    EXPECT_EQ(rc, MM_ERR_FORMAT);
    EXPECT_NE(std::strstr(err.msg, "xz"), nullptr) << err.msg;
}

TEST(ConvertInput, OverlongLineIsCutAndTheNextOneIsIntact)
{
    std::string text = std::string(5000, 'a') + "\nnext\n";
    int rc;
    mm_error err{};
    auto lines = lines_of(text, &rc, &err);
    EXPECT_EQ(rc, 0);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_TRUE(lines[0].truncated);
    EXPECT_EQ(lines[0].text.size(), TRACE_LINE_MAX);
    EXPECT_FALSE(lines[1].truncated);
    EXPECT_EQ(lines[1].text, "next");
    EXPECT_EQ(lines[1].number, 2u);
    EXPECT_EQ(lines[1].offset, 5001u);
}

TEST(ConvertInput, OverlongFinalLineWithoutNewline)
{
    int rc;
    mm_error err{};
    auto lines = lines_of(std::string(TRACE_LINE_MAX + 1, 'b'), &rc, &err);
    EXPECT_EQ(rc, 0);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_TRUE(lines[0].truncated);
}

TEST(ConvertInput, LineOfExactlyTheMaximumIsWhole)
{
    int rc;
    mm_error err{};
    auto lines = lines_of(std::string(TRACE_LINE_MAX, 'c') + "\n", &rc, &err);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_FALSE(lines[0].truncated);
    EXPECT_EQ(lines[0].text.size(), TRACE_LINE_MAX);
}

TEST(ConvertInput, CarriageReturnDoesNotCountTowardsTheMaximum)
{
    int rc;
    mm_error err{};
    auto lines = lines_of(std::string(TRACE_LINE_MAX, 'c') + "\r\nx\r\n", &rc, &err);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_FALSE(lines[0].truncated);
    EXPECT_EQ(lines[0].text.size(), TRACE_LINE_MAX);
    EXPECT_EQ(lines[1].text, "x");
}

// A line longer than the whole decode buffer is cut while it streams by.
TEST(ConvertInput, LineLongerThanTheBufferIsSkippedWhileStreaming)
{
    std::string text = std::string(300000, 'q') + "\nafter\n";
    for (const std::string &bytes : {text, gzip(text)}) {
        int rc;
        mm_error err{};
        auto lines = lines_of(bytes, &rc, &err);
        EXPECT_EQ(rc, 0) << err.msg;
        ASSERT_EQ(lines.size(), 2u);
        EXPECT_TRUE(lines[0].truncated);
        EXPECT_EQ(lines[0].text, std::string(TRACE_LINE_MAX, 'q'));
        EXPECT_EQ(lines[1].text, "after");
        EXPECT_EQ(lines[1].offset, 300001u);
        int end_rc;
        lines = lines_of(std::string(300000, 'q'), &end_rc, &err); // and at the very end
        ASSERT_EQ(lines.size(), 1u);
        EXPECT_TRUE(lines[0].truncated);
    }
}

TEST(ConvertInput, DashReadsStandardInput)
{
    TempDir dir;
    std::string path = dir.file("stdin.gz");
    write_file(path, gzip("from stdin\n"));
    ASSERT_NE(std::freopen(path.c_str(), "rb", stdin), nullptr);
    mm_error err{};
    trace_input *src = trace_input_open("-", &err);
    ASSERT_NE(src, nullptr) << err.msg;
    EXPECT_STREQ(trace_input_name(src), "<stdin>");
    EXPECT_EQ(trace_input_compression(src), TRACE_INPUT_GZIP);
    int rc;
    auto lines = all_lines(src, &rc, &err);
    trace_input_close(src); // leaves stdin open: it is not the input's to close
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].text, "from stdin");
    EXPECT_EQ(std::fgetc(stdin), EOF);
}

TEST(ConvertInput, DirectoryIsAReadError)
{
    mm_error err{};
    trace_input *src = trace_input_open("/tmp", &err);
    EXPECT_EQ(src, nullptr);
    EXPECT_EQ(err.code, MM_ERR_IO);
    EXPECT_NE(std::strstr(err.msg, "/tmp: read error at byte 0"), nullptr) << err.msg;
}

// Many lines through a real file: the buffers refill and compact many
// times, and the gzip file is read in raw chunks too.
TEST(ConvertInput, LargeFileKeepsOffsetsAcrossRefills)
{
    TempDir dir;
    std::string text;
    for (int i = 0; i < 60000; i++) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "line %d\n", i);
        text += buf;
    }
    for (const char *name : {"plain.txt", "gz.txt.gz"}) {
        std::string path = dir.file(name);
        write_file(path, name[0] == 'g' ? gzip(text) : text);
        mm_error err{};
        trace_input *src = trace_input_open(path.c_str(), &err);
        ASSERT_NE(src, nullptr) << err.msg;
        EXPECT_STREQ(trace_input_name(src), path.c_str());
        int rc;
        auto lines = all_lines(src, &rc, &err);
        EXPECT_EQ(rc, 0) << err.msg;
        ASSERT_EQ(lines.size(), 60000u);
        EXPECT_EQ(lines[59999].text, "line 59999");
        EXPECT_EQ(lines[59999].offset, text.size() - std::strlen("line 59999\n"));
        EXPECT_EQ(trace_input_offset(src), text.size());
        trace_input_close(src);
    }
}

TEST(ConvertInput, PeekDoesNotConsume)
{
    mm_error err{};
    std::string gz = gzip("0123456789");
    trace_input *src = trace_input_open_memory(gz.data(), gz.size(), "m", &err);
    ASSERT_NE(src, nullptr);
    const uint8_t *p;
    EXPECT_EQ(trace_input_peek(src, 4, &p, &err), 4);
    EXPECT_EQ(std::memcmp(p, "0123", 4), 0);
    EXPECT_EQ(trace_input_offset(src), 0u);
    char buf[16];
    EXPECT_EQ(trace_input_read(src, buf, 6, &err), 6);
    EXPECT_EQ(std::memcmp(buf, "012345", 6), 0);
    EXPECT_EQ(trace_input_peek(src, 100, &p, &err), 4); // short only at the end
    EXPECT_EQ(trace_input_read(src, buf, sizeof buf, &err), 4);
    EXPECT_EQ(trace_input_read(src, buf, sizeof buf, &err), 0);
    trace_input_close(src);
}

TEST(ConvertInput, ZstdIsRecognisedButOnlyForNativeTraces)
{
    const char frame[] = "\x28\xb5\x2f\xfd\x00\x00";
    mm_error err{};
    trace_input *src = trace_input_open_memory(frame, 6, "z", &err);
    ASSERT_NE(src, nullptr);
    EXPECT_EQ(trace_input_compression(src), TRACE_INPUT_ZSTD);
    char buf[4];
    EXPECT_EQ(trace_input_read(src, buf, sizeof buf, &err), MM_ERR_FORMAT);
    EXPECT_NE(std::strstr(err.msg, "native"), nullptr) << err.msg;
    trace_input_close(src);
}

TEST(ConvertInput, MissingFileNamesThePath)
{
    mm_error err{};
    EXPECT_EQ(trace_input_open("/nonexistent/dir/trace.gz", &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_IO);
    EXPECT_NE(std::strstr(err.msg, "/nonexistent/dir/trace.gz"), nullptr) << err.msg;
}

TEST(ConvertInput, EmptyMemoryIsPlainAndEnds)
{
    mm_error err{};
    trace_input *src = trace_input_open_memory(nullptr, 0, nullptr, &err);
    ASSERT_NE(src, nullptr);
    EXPECT_STREQ(trace_input_name(src), "<memory>");
    trace_line line;
    EXPECT_EQ(trace_input_line(src, &line, &err), 0);
    trace_input_close(src);
}

} // namespace
