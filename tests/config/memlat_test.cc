// memlat_test.cc — the PTE memory-latency model: fixed, a hand-checked
// two-level true-LRU cache, and the seeded random stream.
#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "mmulab/memlat.h"

namespace {

memlat_config tiny_cache()
{
    // L1: 128 B = 1 set x 2 ways; L2: 512 B = 4 sets x 2 ways; 64-byte lines.
    memlat_config c{};
    c.kind = MEMLAT_CACHE;
    c.line_bytes = 64;
    c.n_levels = 2;
    std::strcpy(c.levels[0].name, "l1");
    c.levels[0].size_bytes = 128;
    c.levels[0].ways = 2;
    c.levels[0].hit_cycles = 2;
    std::strcpy(c.levels[1].name, "l2");
    c.levels[1].size_bytes = 512;
    c.levels[1].ways = 2;
    c.levels[1].hit_cycles = 10;
    c.dram_cycles = 100;
    return c;
}

struct Memlat {
    memlat *m = nullptr;
    mm_error err{};
    explicit Memlat(const memlat_config &c) { m = memlat_create(&c, &err); }
    ~Memlat() { memlat_destroy(m); }
    Memlat(const Memlat &) = delete;
    Memlat &operator=(const Memlat &) = delete;
};

TEST(Memlat, Fixed)
{
    memlat_config c{};
    c.kind = MEMLAT_FIXED;
    c.fixed_cycles = 37;
    Memlat ml(c);
    ASSERT_NE(ml.m, nullptr) << ml.err.msg;
    for (uint64_t pa : {0ull, 64ull, 0ull, 1ull << 40})
        EXPECT_EQ(memlat_access(ml.m, pa, pa == 64, pa), 37u);
    EXPECT_EQ(memlat_get_stats(ml.m)->accesses, 4u);
    EXPECT_EQ(memlat_get_stats(ml.m)->dram, 0u);
}

TEST(Memlat, CacheHandCheckedSequence)
{
    Memlat ml(tiny_cache());
    ASSERT_NE(ml.m, nullptr) << ml.err.msg;
    // pa, expected latency, and why (line = pa / 64; L2 set = line % 4).
    const struct {
        uint64_t pa;
        uint32_t latency;
    } steps[] = {
        {0x000, 100}, // line 0: cold, both levels filled       L1 {0}      L2 s0 {0}
        {0x008, 2},   // line 0: L1 hit                          L1 {0}
        {0x040, 100}, // line 1: cold                            L1 {0,1}    L2 s1 {1}
        {0x080, 100}, // line 2: cold; L1 evicts LRU line 0      L1 {2,1}    L2 s2 {2}
        {0x000, 10},  // line 0: L2 hit; L1 evicts line 1        L1 {2,0}
        {0x040, 10},  // line 1: L2 hit; L1 evicts line 2        L1 {1,0}
        {0x100, 100}, // line 4: L2 s0 has room; L1 evicts 0     L1 {1,4}    L2 s0 {0,4}
        {0x200, 100}, // line 8: L2 s0 evicts 0 (LRU), L1 evicts 1  L1 {8,4} L2 s0 {8,4}
        {0x000, 100}, // line 0: gone from both; evicts 4, 4     L1 {8,0}    L2 s0 {8,0}
        {0x200, 2},   // line 8: L1 hit
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        EXPECT_EQ(memlat_access(ml.m, steps[i].pa, i % 3 == 0, 1000 + i), steps[i].latency)
            << "step " << i;
    const memlat_stats *s = memlat_get_stats(ml.m);
    EXPECT_EQ(s->accesses, 10u);
    EXPECT_EQ(s->hits[0], 2u);
    EXPECT_EQ(s->hits[1], 2u);
    EXPECT_EQ(s->dram, 6u);
}

TEST(Memlat, CacheLevelsAreNotInclusive)
{
    Memlat ml(tiny_cache());
    ASSERT_NE(ml.m, nullptr) << ml.err.msg;
    EXPECT_EQ(memlat_access(ml.m, 0x000, false, 0), 100u); // line 0   L1 {0}    L2 s0 {0}
    EXPECT_EQ(memlat_access(ml.m, 0x100, false, 0), 100u); // line 4   L1 {0,4}  L2 s0 {0,4}
    EXPECT_EQ(memlat_access(ml.m, 0x000, false, 0), 2u);   // L1 hit; L2 does not see it
    EXPECT_EQ(memlat_access(ml.m, 0x200, false, 0), 100u); // line 8: L1 evicts 4, L2 evicts 0
    EXPECT_EQ(memlat_access(ml.m, 0x000, false, 0), 2u);   // still in L1 though L2 dropped it
    EXPECT_EQ(memlat_access(ml.m, 0x100, false, 0), 10u);  // line 4: L2 hit
}

TEST(Memlat, CacheIsDeterministic)
{
    std::vector<uint32_t> runs[2];
    for (auto &run : runs) {
        Memlat ml(tiny_cache());
        ASSERT_NE(ml.m, nullptr);
        uint64_t x = 12345;
        for (int i = 0; i < 2000; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            run.push_back(memlat_access(ml.m, (x >> 33) & 0xfff, false, i));
        }
    }
    EXPECT_EQ(runs[0], runs[1]);
    std::set<uint32_t> seen(runs[0].begin(), runs[0].end());
    EXPECT_EQ(seen, (std::set<uint32_t>{2, 10, 100}));
}

uint32_t reference_draw(uint64_t &state, uint32_t min, uint32_t max)
{
    // docs/config.md: xorshift64* (12, 25, 27; 0x2545F4914F6CDD1D), top 32 bits scaled.
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    uint64_t r = state * 0x2545F4914F6CDD1Dull;
    return min + (uint32_t)(((r >> 32) * (uint64_t)(max - min + 1)) >> 32);
}

memlat_config random_config(uint32_t min, uint32_t max, uint64_t seed)
{
    memlat_config c{};
    c.kind = MEMLAT_RANDOM;
    c.min_cycles = min;
    c.max_cycles = max;
    c.seed = seed;
    return c;
}

TEST(Memlat, RandomWithinBoundsAndCoversThem)
{
    Memlat ml(random_config(5, 9, 42));
    ASSERT_NE(ml.m, nullptr) << ml.err.msg;
    std::set<uint32_t> seen;
    for (int i = 0; i < 2000; i++) {
        uint32_t v = memlat_access(ml.m, 0, false, i);
        ASSERT_GE(v, 5u);
        ASSERT_LE(v, 9u);
        seen.insert(v);
    }
    EXPECT_EQ(seen.size(), 5u);
}

TEST(Memlat, RandomFollowsTheDocumentedStream)
{
    for (uint64_t seed : {1ull, 42ull, 0xdeadbeefcafeull}) {
        Memlat ml(random_config(1, 200, seed));
        ASSERT_NE(ml.m, nullptr);
        uint64_t state = seed;
        for (int i = 0; i < 100; i++)
            ASSERT_EQ(memlat_access(ml.m, 0x1000 * i, false, i), reference_draw(state, 1, 200))
                << "seed " << seed << " draw " << i;
    }
}

TEST(Memlat, RandomReproducibleBySeed)
{
    auto draw = [](uint64_t seed) {
        Memlat ml(random_config(1, 1000, seed));
        std::vector<uint32_t> v;
        for (int i = 0; i < 64; i++)
            v.push_back(memlat_access(ml.m, 0, false, 0));
        return v;
    };
    EXPECT_EQ(draw(7), draw(7));
    EXPECT_NE(draw(7), draw(8));
    // seed 0 would stall xorshift; it maps to a fixed non-zero state
    std::vector<uint32_t> zero = draw(0);
    EXPECT_EQ(zero, draw(0));
    EXPECT_GT(std::set<uint32_t>(zero.begin(), zero.end()).size(), 1u);
}

TEST(Memlat, RandomSingleValue)
{
    Memlat ml(random_config(7, 7, 3));
    ASSERT_NE(ml.m, nullptr);
    for (int i = 0; i < 10; i++)
        EXPECT_EQ(memlat_access(ml.m, 0, false, 0), 7u);
}

struct BadCase {
    const char *label;
    void (*edit)(memlat_config &);
    const char *message;
};

std::ostream &operator<<(std::ostream &os, const BadCase &c)
{
    return os << c.label;
}

class MemlatBad : public ::testing::TestWithParam<BadCase> {};

TEST_P(MemlatBad, RejectedNamingTheKey)
{
    memlat_config c = tiny_cache();
    GetParam().edit(c);
    mm_error err{};
    memlat *m = memlat_create(&c, &err);
    EXPECT_EQ(m, nullptr);
    memlat_destroy(m);
    EXPECT_EQ(err.code, MM_ERR_CONFIG);
    EXPECT_STREQ(err.msg, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    All, MemlatBad,
    ::testing::Values(
        BadCase{"LineNotPow2", [](memlat_config &c) { c.line_bytes = 48; },
                "memory_latency.line_bytes: 48 is not a power of two in 8..4096"},
        BadCase{"LineTooSmall", [](memlat_config &c) { c.line_bytes = 4; },
                "memory_latency.line_bytes: 4 is not a power of two in 8..4096"},
        BadCase{"NoLevels", [](memlat_config &c) { c.n_levels = 0; },
                "memory_latency.levels: 0 levels; the cache model needs 1..4"},
        BadCase{"TooManyLevels", [](memlat_config &c) { c.n_levels = 5; },
                "memory_latency.levels: 5 levels; the cache model needs 1..4"},
        BadCase{"ZeroWays", [](memlat_config &c) { c.levels[1].ways = 0; },
                "memory_latency.levels.1.ways: 0 is out of range 1..64"},
        BadCase{"TooManyWays", [](memlat_config &c) { c.levels[0].ways = 65; },
                "memory_latency.levels.0.ways: 65 is out of range 1..64"},
        BadCase{"EmptyName", [](memlat_config &c) { c.levels[0].name[0] = '\0'; },
                "memory_latency.levels.0.name: must be 1..15 characters"},
        BadCase{"UnterminatedName", [](memlat_config &c) { std::memset(c.levels[1].name, 'x', 16); },
                "memory_latency.levels.1.name: must be 1..15 characters"},
        BadCase{"ZeroHit", [](memlat_config &c) { c.levels[0].hit_cycles = 0; },
                "memory_latency.levels.0.latency: 0 is out of range 1..1000000 cycles"},
        BadCase{"ZeroSize", [](memlat_config &c) { c.levels[0].size_bytes = 0; },
                "memory_latency.levels.0.size: 0 is not a whole number of sets of 2 ways x "
                "64-byte lines"},
        BadCase{"SetsNotPow2", [](memlat_config &c) { c.levels[1].size_bytes = 384; },
                "memory_latency.levels.1.size: 384 / (2 ways x 64-byte lines) = 3 sets, not a "
                "power of two"},
        BadCase{"TooBig", [](memlat_config &c) { c.levels[1].size_bytes = 1ull << 30; },
                "memory_latency.levels.1.size: 1GiB holds more than 4194304 lines of 64 bytes"},
        BadCase{"ZeroDram", [](memlat_config &c) { c.dram_cycles = 0; },
                "memory_latency.dram_latency: 0 is out of range 1..1000000 cycles"},
        BadCase{"FixedZero", [](memlat_config &c) { c.kind = MEMLAT_FIXED; c.fixed_cycles = 0; },
                "memory_latency.latency: 0 is out of range 1..1000000 cycles"},
        BadCase{"RandomMinZero",
                [](memlat_config &c) { c = random_config(0, 5, 1); },
                "memory_latency.min: 0 is out of range 1..1000000 cycles"},
        BadCase{"RandomMaxBelowMin",
                [](memlat_config &c) { c = random_config(9, 5, 1); },
                "memory_latency.max: 5 is out of range 9 (min)..1000000"},
        BadCase{"RandomMaxTooLarge",
                [](memlat_config &c) { c = random_config(1, 2000000, 1); },
                "memory_latency.max: 2000000 is out of range 1 (min)..1000000"},
        BadCase{"UnknownKind", [](memlat_config &c) { c.kind = (memlat_kind)7; },
                "memory_latency.model: unknown model 7 (fixed, cache, random)"}));

TEST(Memlat, CreateWithoutConfig)
{
    mm_error err{};
    EXPECT_EQ(memlat_create(nullptr, &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_INVALID);
    memlat_destroy(nullptr);
}

TEST(Memlat, PresetHierarchiesBuild)
{
    // The skylake hierarchy: an L1D hit after the first access to a line.
    memlat_config c{};
    c.kind = MEMLAT_CACHE;
    c.line_bytes = 64;
    c.n_levels = 3;
    const uint64_t sizes[3] = {32 << 10, 256 << 10, 8 << 20};
    const uint32_t ways[3] = {8, 4, 16}, lat[3] = {4, 12, 42};
    for (int i = 0; i < 3; i++) {
        std::strcpy(c.levels[i].name, i == 0 ? "l1d" : i == 1 ? "l2" : "llc");
        c.levels[i].size_bytes = sizes[i];
        c.levels[i].ways = ways[i];
        c.levels[i].hit_cycles = lat[i];
    }
    c.dram_cycles = 200;
    Memlat ml(c);
    ASSERT_NE(ml.m, nullptr) << ml.err.msg;
    EXPECT_EQ(memlat_access(ml.m, 0x12340, false, 0), 200u);
    EXPECT_EQ(memlat_access(ml.m, 0x12378, false, 1), 4u);
    // 9 lines mapping to one L1D set (stride 64 sets x 64 B): the first falls to L2
    for (uint64_t i = 1; i <= 8; i++)
        memlat_access(ml.m, 0x12340 + i * 4096, false, 1 + i);
    EXPECT_EQ(memlat_access(ml.m, 0x12340, false, 20), 12u);
}

} // namespace
