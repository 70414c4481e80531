// stat_test.cc — trace statistics on hand-built records: operation mix,
// per-process pages at 4K/2M/1G, page crossings, same-page reuse per
// stream, and distinct pages per window.
#include "convert/convert_test_util.h"

using namespace convert_test;

namespace {

trace_stat_summary summarize(const std::vector<trace_record> &recs)
{
    mm_error err{};
    trace_stat *s = trace_stat_create(&err);
    EXPECT_NE(s, nullptr);
    trace_record_sink sink = trace_record_sink_for_stat(s);
    for (const trace_record &r : recs)
        EXPECT_EQ(sink.put(sink.ctx, &r, &err), 0) << err.msg;
    trace_stat_summary sum;
    trace_stat_summarize(s, &sum);
    trace_stat_destroy(s);
    return sum;
}

TEST(TraceStat, HandCheckedSummary)
{
    trace_record fork{};
    fork.kind = TRACE_FORK;
    fork.pid = 0;
    fork.child = 9;
    std::vector<trace_record> recs = {
        make_access(MM_ACCESS_LOAD, 0x1000, 8, 1),
        make_access(MM_ACCESS_LOAD, 0x1008, 8, 1),     // same page as the previous load
        make_access(MM_ACCESS_IFETCH, 0x400000, 4, 2), // first of the ifetch stream
        make_access(MM_ACCESS_STORE, 0x2000, 8, 0),
        make_access(MM_ACCESS_IFETCH, 0x400004, 4, 1), // same page as the previous ifetch
        make_access(MM_ACCESS_STORE, 0x2ffc, 8, 0),    // crosses into page 3; same first page
        context_switch(5),
        make_access(MM_ACCESS_LOAD, 0x1000, 8, 1, 5),  // another address space: new pages
        fork,
    };
    trace_stat_summary s = summarize(recs);
    EXPECT_EQ(s.records, 9u);
    EXPECT_EQ(s.by_kind[TRACE_ACCESS], 7u);
    EXPECT_EQ(s.by_kind[TRACE_CONTEXT_SWITCH], 1u);
    EXPECT_EQ(s.by_kind[TRACE_FORK], 1u);
    EXPECT_EQ(s.accesses[MM_ACCESS_IFETCH], 2u);
    EXPECT_EQ(s.accesses[MM_ACCESS_LOAD], 3u);
    EXPECT_EQ(s.accesses[MM_ACCESS_STORE], 2u);
    EXPECT_EQ(s.instructions, 6u);
    EXPECT_EQ(s.access_bytes, 8u * 5 + 4u * 2);
    EXPECT_EQ(s.processes, 3u); // 0, 5 and the forked 9
    EXPECT_EQ(s.pids[0], 0u);
    EXPECT_EQ(s.pids[1], 5u);
    EXPECT_EQ(s.pids[2], 9u);
    // pid 0: 4K pages 1, 2, 3, 0x400; pid 5: page 1
    EXPECT_EQ(s.pages[TRACE_STAT_4K], 5u);
    // pid 0: 2M pages 0 and 2 (0x400000 >> 21); pid 5: 0
    EXPECT_EQ(s.pages[TRACE_STAT_2M], 3u);
    EXPECT_EQ(s.pages[TRACE_STAT_1G], 2u);
    EXPECT_EQ(s.page_crossings, 1u);
    // data of pid 0: 0x1008 same page, 0x2000 not, 0x2ffc same;
    // ifetch of pid 0: 0x400004 same; pid 5's load is its stream's first.
    EXPECT_EQ(s.same_page_eligible, 4u);
    EXPECT_EQ(s.same_page, 3u);
    EXPECT_EQ(s.windows, 0u);
    EXPECT_DOUBLE_EQ(s.pages_per_window, 5.0);
}

TEST(TraceStat, PagesPerWindowAveragesCompleteWindows)
{
    // Window 1 touches 16 pages, window 2 touches 4: the third, partial
    // window is left out of the mean.
    mm_error err{};
    trace_stat *st = trace_stat_create(&err);
    auto add = [&](uint64_t va) {
        trace_record r = make_access(MM_ACCESS_LOAD, va, 8, 1);
        ASSERT_EQ(trace_stat_add(st, &r, &err), 0);
    };
    for (uint64_t i = 0; i < TRACE_STAT_WINDOW; i++)
        add(0x10000 + (i % 16) * 4096);
    for (uint64_t i = 0; i < TRACE_STAT_WINDOW; i++)
        add(0x10000 + (i % 4) * 4096);
    for (uint64_t i = 0; i < 10; i++)
        add(0x900000 + i * 4096);
    trace_stat_summary s;
    trace_stat_summarize(st, &s);
    trace_stat_destroy(st);
    EXPECT_EQ(s.windows, 2u);
    EXPECT_DOUBLE_EQ(s.pages_per_window, 10.0);
    EXPECT_EQ(s.pages[TRACE_STAT_4K], 26u);
    EXPECT_EQ(s.same_page, 0u); // every access moves to another page
}

TEST(TraceStat, LargeAccessesCountEveryPageTheyTouch)
{
    trace_stat_summary s = summarize({make_access(MM_ACCESS_LOAD, 0x1ff800, 0x3000, 1),
                                      make_access(MM_ACCESS_LOAD, ~0ull - 3, 8, 1)});
    // 0x1ff800..0x2027ff: 4K pages 0x1ff..0x202 (4), 2M pages 0 and 1; the
    // access at the top of the address space stops at the last page.
    EXPECT_EQ(s.pages[TRACE_STAT_4K], 5u);
    EXPECT_EQ(s.pages[TRACE_STAT_2M], 3u);
    EXPECT_EQ(s.page_crossings, 1u);
}

TEST(TraceStat, UnknownKindAndAccessAreErrors)
{
    mm_error err{};
    trace_stat *s = trace_stat_create(&err);
    trace_record r = make_access(MM_ACCESS_LOAD, 0, 1, 0);
    r.kind = static_cast<trace_kind>(42);
    EXPECT_EQ(trace_stat_add(s, &r, &err), MM_ERR_INVALID);
    EXPECT_NE(std::strstr(err.msg, "kind 42"), nullptr) << err.msg;
    r.kind = TRACE_ACCESS;
    r.access = 9;
    EXPECT_EQ(trace_stat_add(s, &r, &err), MM_ERR_INVALID);
    EXPECT_NE(std::strstr(err.msg, "access type 9"), nullptr) << err.msg;
    trace_stat_destroy(s);
}

TEST(TraceStat, ManyPidsKeepTheFirstShown)
{
    std::vector<trace_record> recs;
    for (uint32_t pid = 100; pid < 120; pid++)
        recs.push_back(make_access(MM_ACCESS_LOAD, 0x1000, 8, 1, pid));
    trace_stat_summary s = summarize(recs);
    EXPECT_EQ(s.processes, 20u);
    EXPECT_EQ(s.pids[0], 100u);
    EXPECT_EQ(s.pids[TRACE_STAT_PIDS_SHOWN - 1], 100u + TRACE_STAT_PIDS_SHOWN - 1);
    EXPECT_EQ(s.pages[TRACE_STAT_4K], 20u);
}

TEST(TraceStat, GeneratedTraceFootprintMatchesTheParameters)
{
    trace_gen_params p;
    trace_gen_defaults(&p, TRACE_GEN_CHASE);
    p.footprint = 256 * 4096;
    p.records = 256 * 64; // one lap over every line
    mm_error err{};
    trace_stat *s = trace_stat_create(&err);
    trace_record_sink sink = trace_record_sink_for_stat(s);
    ASSERT_EQ(trace_gen_run(&p, &sink, nullptr, &err), 0) << err.msg;
    trace_stat_summary sum;
    trace_stat_summarize(s, &sum);
    trace_stat_destroy(s);
    EXPECT_EQ(sum.pages[TRACE_STAT_4K], 256u);
    EXPECT_EQ(sum.pages[TRACE_STAT_2M], 1u); // 0x10000000 + 1 MiB stays in one 2M page
    EXPECT_EQ(sum.accesses[MM_ACCESS_LOAD], p.records);
}

} // namespace
