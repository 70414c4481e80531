// sa_test.cc — the one-pass set-associative sweep (sweep_sa) against a
// bit-selection LRU TLB simulated once per (sets, ways) and against the
// model's TLB: hand-checked sequences, the whole grid on random and
// structured streams, and the edge cases.
#include <memory>
#include <string>

#include "sweep_test_util.h"

namespace {

using namespace sweep_test;

struct SaDeleter {
    void operator()(sweep_sa *s) const { sweep_sa_destroy(s); }
};
using SaPtr = std::unique_ptr<sweep_sa, SaDeleter>;

SaPtr Sweep(const Keys &keys, uint32_t max_sets, uint32_t max_ways)
{
    mm_error err{};
    SaPtr s(sweep_sa_create(max_sets, max_ways, &err));
    EXPECT_NE(s, nullptr) << err.msg;
    if (s)
        for (uint64_t k : keys)
            sweep_sa_reference(s.get(), k);
    return s;
}

void ExpectGridMatchesReference(const Keys &keys, uint32_t max_sets, uint32_t max_ways,
                                const char *what)
{
    SaPtr s = Sweep(keys, max_sets, max_ways);
    ASSERT_NE(s, nullptr);
    ASSERT_EQ(sweep_sa_references(s.get()), keys.size());
    std::vector<uint64_t> curve(max_ways);
    for (uint32_t sets = 1; sets <= max_sets; sets *= 2) {
        mm_error err{};
        ASSERT_EQ(sweep_sa_miss_curve(s.get(), sets, curve.data(), max_ways, &err), MM_OK)
            << err.msg;
        for (uint32_t ways = 1; ways <= max_ways; ways++) {
            uint64_t expected = SaMisses(keys, sets, ways);
            ASSERT_EQ(sweep_sa_misses(s.get(), sets, ways), expected)
                << what << ", " << sets << " sets x " << ways << " ways";
            ASSERT_EQ(curve[ways - 1], expected) << what << ", curve " << sets << " x " << ways;
        }
    }
}

TEST(SweepSa, HandCheckedSequence)
{
    // keys 0 1 2 0: 2 sets hold {0, 2} in set 0 and {1} in set 1
    Keys keys = {0, 1, 2, 0};
    SaPtr s = Sweep(keys, 2, 3);
    EXPECT_EQ(sweep_sa_misses(s.get(), 1, 1), 4u);
    EXPECT_EQ(sweep_sa_misses(s.get(), 1, 2), 4u);  // 0 was evicted by 2
    EXPECT_EQ(sweep_sa_misses(s.get(), 1, 3), 3u);
    EXPECT_EQ(sweep_sa_misses(s.get(), 2, 1), 4u);  // 2 evicted 0 from set 0
    EXPECT_EQ(sweep_sa_misses(s.get(), 2, 2), 3u);
    EXPECT_EQ(sweep_sa_misses(s.get(), 2, 3), 3u);
}

TEST(SweepSa, ConflictsFollowTheLowBits)
{
    // pages 0, 4, 8 share set 0 of 2 and of 4 sets; 1 set of 2 ways also
    // sees page 1 between them
    Keys keys = {0, 4, 1, 8, 0, 4};
    SaPtr s = Sweep(keys, 4, 4);
    EXPECT_EQ(sweep_sa_misses(s.get(), 4, 2), 6u);  // set 0: 0 4 8 0 4 with 2 ways
    EXPECT_EQ(sweep_sa_misses(s.get(), 4, 3), 4u);
    EXPECT_EQ(sweep_sa_misses(s.get(), 2, 3), 4u);
    EXPECT_EQ(sweep_sa_misses(s.get(), 1, 3), 6u);  // 1 pushes 0 to depth 4
    EXPECT_EQ(sweep_sa_misses(s.get(), 1, 4), 4u);
}

TEST(SweepSa, UniformGrid)
{
    ExpectGridMatchesReference(Uniform(6000, 200, 21), 64, 8, "uniform over 200 pages");
}

TEST(SweepSa, StructuredGrid)
{
    ExpectGridMatchesReference(Structured(8000, 22), 64, 8, "structured");
}

TEST(SweepSa, ManySetsFewWays)
{
    ExpectGridMatchesReference(Uniform(6000, 5000, 23), 1024, 3, "uniform over 5000 pages");
}

TEST(SweepSa, OneSetIsFullyAssociative)
{
    Keys keys = Structured(5000, 24);
    SaPtr s = Sweep(keys, 1, 40);
    for (uint32_t ways = 1; ways <= 40; ways++)
        EXPECT_EQ(sweep_sa_misses(s.get(), 1, ways), FaMisses(keys, ways)) << ways;
}

TEST(SweepSa, AgreesWithTheModelTlb)
{
    Keys keys = Structured(30000, 25);
    SaPtr s = Sweep(keys, 256, 8);
    struct {
        uint32_t sets, ways;
    } configs[] = {{1, 8}, {16, 4}, {64, 8}, {256, 2}, {256, 1}};
    for (auto c : configs) {
        ModelTlb model(c.sets * c.ways, c.ways);
        EXPECT_EQ(sweep_sa_misses(s.get(), c.sets, c.ways), model.Misses(keys))
            << c.sets << " sets x " << c.ways << " ways";
    }
}

TEST(SweepSa, EmptyStream)
{
    SaPtr s = Sweep({}, 8, 4);
    for (uint32_t sets = 1; sets <= 8; sets *= 2)
        for (uint32_t ways = 1; ways <= 4; ways++)
            EXPECT_EQ(sweep_sa_misses(s.get(), sets, ways), 0u);
}

TEST(SweepSa, OnePage)
{
    SaPtr s = Sweep(Keys(500, Key(2, 9)), 8, 4);
    for (uint32_t sets = 1; sets <= 8; sets *= 2)
        for (uint32_t ways = 1; ways <= 4; ways++)
            EXPECT_EQ(sweep_sa_misses(s.get(), sets, ways), 1u);
}

TEST(SweepSa, MorePagesThanAnySetHolds)
{
    // pages 0, 8, 16, ... all fall in set 0 of every set count <= 8
    Keys keys;
    for (int round = 0; round < 20; round++)
        for (uint64_t p = 0; p < 5; p++)
            keys.push_back(Key(1, p * 8));
    SaPtr s = Sweep(keys, 8, 4);
    for (uint32_t sets = 1; sets <= 8; sets *= 2)
        for (uint32_t ways = 1; ways <= 4; ways++)
            EXPECT_EQ(sweep_sa_misses(s.get(), sets, ways), keys.size()) << sets << "x" << ways;
}

TEST(SweepSa, SamePageOfTwoProcessesIsTwoPages)
{
    Keys keys;
    for (int i = 0; i < 60; i++)
        keys.push_back(Key(1 + i % 2, 5));
    SaPtr s = Sweep(keys, 4, 2);
    for (uint32_t sets = 1; sets <= 4; sets *= 2) {
        EXPECT_EQ(sweep_sa_misses(s.get(), sets, 1), 60u);  // both in the same set
        EXPECT_EQ(sweep_sa_misses(s.get(), sets, 2), 2u);
    }
}

TEST(SweepSa, BadArguments)
{
    mm_error err{};
    EXPECT_EQ(sweep_sa_create(3, 4, &err), nullptr);
    EXPECT_NE(std::string(err.msg).find("max_sets 3"), std::string::npos) << err.msg;
    EXPECT_EQ(sweep_sa_create(0, 4, &err), nullptr);
    EXPECT_EQ(sweep_sa_create(SWEEP_SA_MAX_SETS * 2, 1, &err), nullptr);
    EXPECT_EQ(sweep_sa_create(4, 0, &err), nullptr);
    EXPECT_NE(std::string(err.msg).find("max_ways 0"), std::string::npos) << err.msg;
    EXPECT_EQ(sweep_sa_create(4, SWEEP_SA_MAX_WAYS + 1, &err), nullptr);
    EXPECT_EQ(sweep_sa_create(SWEEP_SA_MAX_SETS, 64, &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_INVALID);
    EXPECT_NE(std::string(err.msg).find("list entries"), std::string::npos) << err.msg;

    SaPtr s = Sweep({1, 2}, 4, 2);
    EXPECT_EQ(sweep_sa_max_sets(s.get()), 4u);
    EXPECT_EQ(sweep_sa_max_ways(s.get()), 2u);
    EXPECT_EQ(sweep_sa_misses(s.get(), 3, 1), UINT64_MAX);
    EXPECT_EQ(sweep_sa_misses(s.get(), 8, 1), UINT64_MAX);
    EXPECT_EQ(sweep_sa_misses(s.get(), 4, 3), UINT64_MAX);
    EXPECT_EQ(sweep_sa_misses(s.get(), 4, 0), UINT64_MAX);
    uint64_t curve[3];
    EXPECT_EQ(sweep_sa_miss_curve(s.get(), 8, curve, 2, &err), MM_ERR_INVALID);
    EXPECT_NE(std::string(err.msg).find("sets 8"), std::string::npos) << err.msg;
    EXPECT_EQ(sweep_sa_miss_curve(s.get(), 4, curve, 3, &err), MM_ERR_INVALID);
    EXPECT_NE(std::string(err.msg).find("3 ways"), std::string::npos) << err.msg;
    sweep_sa_destroy(nullptr);
}

}  // namespace
