// fa_test.cc — the one-pass fully associative sweep (sweep_fa) against an
// LRU TLB simulated once per size and against the model's TLB: hand-checked
// sequences, random and structured streams for every size 1..256, the
// window compaction, and the edge cases.
#include <algorithm>
#include <memory>
#include <string>

#include "sweep_test_util.h"

namespace {

using namespace sweep_test;

struct FaDeleter {
    void operator()(sweep_fa *f) const { sweep_fa_destroy(f); }
};
using FaPtr = std::unique_ptr<sweep_fa, FaDeleter>;

FaPtr Sweep(const Keys &keys, uint32_t max_entries)
{
    mm_error err{};
    FaPtr f(sweep_fa_create(max_entries, &err));
    EXPECT_NE(f, nullptr) << err.msg;
    if (f)
        for (uint64_t k : keys)
            sweep_fa_reference(f.get(), k);
    return f;
}

// Every size 1..max_entries agrees with a separate LRU simulation.
void ExpectMatchesReference(const Keys &keys, uint32_t max_entries, const char *what)
{
    FaPtr f = Sweep(keys, max_entries);
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(sweep_fa_references(f.get()), keys.size());
    std::vector<uint64_t> curve(max_entries);
    mm_error err{};
    ASSERT_EQ(sweep_fa_miss_curve(f.get(), curve.data(), max_entries, &err), MM_OK) << err.msg;
    for (uint32_t e = 1; e <= max_entries; e++) {
        uint64_t expected = FaMisses(keys, e);
        ASSERT_EQ(sweep_fa_misses(f.get(), e), expected) << what << ", " << e << " entries";
        ASSERT_EQ(curve[e - 1], expected) << what << ", curve at " << e << " entries";
    }
}

TEST(SweepFa, HandCheckedSequence)
{
    // 1 2 3 1 2 4 1: stack distances inf inf inf 3 3 inf 3
    Keys keys = {1, 2, 3, 1, 2, 4, 1};
    FaPtr f = Sweep(keys, 5);
    const uint64_t expected[] = {7, 7, 4, 4, 4};
    for (uint32_t e = 1; e <= 5; e++)
        EXPECT_EQ(sweep_fa_misses(f.get(), e), expected[e - 1]) << e << " entries";
}

TEST(SweepFa, RepeatsHitAtDepthOne)
{
    // 5 5 6 5 5 7 6: distances inf 1 inf 2 1 inf 3
    Keys keys = {5, 5, 6, 5, 5, 7, 6};
    FaPtr f = Sweep(keys, 4);
    EXPECT_EQ(sweep_fa_misses(f.get(), 1), 5u);
    EXPECT_EQ(sweep_fa_misses(f.get(), 2), 4u);
    EXPECT_EQ(sweep_fa_misses(f.get(), 3), 3u);
    EXPECT_EQ(sweep_fa_misses(f.get(), 4), 3u);
}

TEST(SweepFa, KeyZeroIsAnOrdinaryPage)
{
    Keys keys = {0, 1, 0, 0, 2, 1};
    FaPtr f = Sweep(keys, 3);
    EXPECT_EQ(sweep_fa_misses(f.get(), 1), 5u);
    EXPECT_EQ(sweep_fa_misses(f.get(), 2), 4u);
    EXPECT_EQ(sweep_fa_misses(f.get(), 3), 3u);
}

TEST(SweepFa, CyclicClosedForm)
{
    // a loop over L pages misses every time below L entries, only the first
    // pass from L up
    const uint64_t length = 100, rounds = 30;
    FaPtr f = Sweep(Cyclic(rounds, length), 256);
    for (uint32_t e = 1; e <= 256; e++)
        EXPECT_EQ(sweep_fa_misses(f.get(), e), e < length ? rounds * length : length) << e;
}

TEST(SweepFa, UniformSmallFootprintEverySize)
{
    ExpectMatchesReference(Uniform(6000, 40, 11), 256, "uniform over 40 pages");
}

TEST(SweepFa, UniformLargeFootprintEverySize)
{
    ExpectMatchesReference(Uniform(8000, 300, 12), 256, "uniform over 300 pages");
}

TEST(SweepFa, StructuredEverySize)
{
    ExpectMatchesReference(Structured(8000, 13), 256, "structured");
}

TEST(SweepFa, LoopsLongerThanTheLargestSize)
{
    Keys keys = Cyclic(8, 257);
    Keys mixed = Uniform(3000, 500, 14);
    keys.insert(keys.end(), mixed.begin(), mixed.end());
    ExpectMatchesReference(keys, 256, "loop of 257 then uniform over 500");
}

TEST(SweepFa, ManyCompactionsWithFewEntries)
{
    // 128 positions for up to 32 entries: a compaction every <= 124 references
    for (uint32_t max_entries : {1u, 2u, 7u, 31u, 32u, 33u})
        ExpectMatchesReference(Uniform(12000, 3 * max_entries + 2, 15 + max_entries), max_entries,
                               ("uniform, max " + std::to_string(max_entries)).c_str());
}

TEST(SweepFa, AgreesWithTheModelTlb)
{
    Keys keys = Structured(30000, 16);
    FaPtr f = Sweep(keys, 256);
    for (uint32_t entries : {1u, 8u, 64u, 256u}) {
        ModelTlb model(entries, entries);
        EXPECT_EQ(sweep_fa_misses(f.get(), entries), model.Misses(keys)) << entries << " entries";
    }
}

TEST(SweepFa, LargeSweepAgreesWithTheModelTlbAt1024)
{
    Keys keys = Uniform(40000, 1500, 17);
    FaPtr f = Sweep(keys, 4096);
    ModelTlb model(1024, 1024);
    EXPECT_EQ(sweep_fa_misses(f.get(), 1024), model.Misses(keys));
    EXPECT_EQ(sweep_fa_misses(f.get(), 4096), 1500u);  // only first touches miss
    EXPECT_EQ(sweep_fa_misses(f.get(), 1500), 1500u);
    EXPECT_GT(sweep_fa_misses(f.get(), 1499), 1500u);
}

TEST(SweepFa, EmptyStream)
{
    FaPtr f = Sweep({}, 16);
    EXPECT_EQ(sweep_fa_references(f.get()), 0u);
    for (uint32_t e = 1; e <= 16; e++)
        EXPECT_EQ(sweep_fa_misses(f.get(), e), 0u);
}

TEST(SweepFa, OnePage)
{
    Keys keys(1000, Key(3, 77));
    FaPtr f = Sweep(keys, 16);
    for (uint32_t e = 1; e <= 16; e++)
        EXPECT_EQ(sweep_fa_misses(f.get(), e), 1u);
}

TEST(SweepFa, MorePagesThanTheLargestSizeAlwaysMiss)
{
    Keys keys = Cyclic(50, 17);
    FaPtr f = Sweep(keys, 16);
    for (uint32_t e = 1; e <= 16; e++)
        EXPECT_EQ(sweep_fa_misses(f.get(), e), keys.size()) << e;
}

TEST(SweepFa, SamePageOfTwoProcessesIsTwoPages)
{
    Keys keys;
    for (int i = 0; i < 100; i++)
        keys.push_back(Key(1 + i % 2, 42));
    FaPtr f = Sweep(keys, 4);
    EXPECT_EQ(sweep_fa_misses(f.get(), 1), 100u);
    EXPECT_EQ(sweep_fa_misses(f.get(), 2), 2u);
}

TEST(SweepFa, BadArguments)
{
    mm_error err{};
    EXPECT_EQ(sweep_fa_create(0, &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_INVALID);
    EXPECT_NE(std::string(err.msg).find("max_entries 0"), std::string::npos) << err.msg;
    EXPECT_EQ(sweep_fa_create(SWEEP_FA_MAX_ENTRIES + 1u, &err), nullptr);
    EXPECT_NE(std::string(err.msg).find("max_entries"), std::string::npos) << err.msg;

    FaPtr f = Sweep({1, 2, 3}, 8);
    EXPECT_EQ(sweep_fa_max_entries(f.get()), 8u);
    EXPECT_EQ(sweep_fa_misses(f.get(), 0), UINT64_MAX);
    EXPECT_EQ(sweep_fa_misses(f.get(), 9), UINT64_MAX);
    uint64_t curve[9];
    EXPECT_EQ(sweep_fa_miss_curve(f.get(), curve, 9, &err), MM_ERR_INVALID);
    EXPECT_NE(std::string(err.msg).find("9 sizes"), std::string::npos) << err.msg;
    sweep_fa_destroy(nullptr);
}

}  // namespace
