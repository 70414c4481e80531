// test_pwc.cc — the three page-walk cache designs: deepest hit, carried
// rights, ASID tagging, eviction by geometry, flushes, statistics and
// configuration errors.
#include <gtest/gtest.h>

#include <string>

#include "mmulab/pwc.h"

namespace {

constexpr uint8_t RWU = MM_PERM_R | MM_PERM_W | MM_PERM_U;

// A 4-level split cache: PDE cache (level 1) 16 entries 4 ways (4 sets),
// PDPTE cache (level 2) 4 entries fully associative, PML4E cache (level 3)
// 2 entries fully associative.
pwc_config split4()
{
    pwc_config c{};
    c.design = PWC_SPLIT;
    c.levels = 4;
    c.level[1] = {16, 4};
    c.level[2] = {4, 4};
    c.level[3] = {2, 2};
    c.replacement = REPL_LRU;
    c.lfsr_seed = 0xACE1;
    return c;
}

pwc_config single(pwc_design design, uint32_t entries, uint32_t ways, unsigned levels = 4)
{
    pwc_config c{};
    c.design = design;
    c.levels = levels;
    c.unified = {entries, ways};
    c.replacement = REPL_LRU;
    return c;
}

struct Pwc {
    pwc *c = nullptr;
    explicit Pwc(const pwc_config &cfg)
    {
        mm_error err{};
        c = pwc_create(&cfg, &err);
        EXPECT_NE(c, nullptr) << err.msg;
    }
    ~Pwc() { pwc_destroy(c); }
    Pwc(const Pwc &) = delete;
    Pwc &operator=(const Pwc &) = delete;

    // Level of the deepest hit, or 0 on a miss.
    unsigned hit_level(uint16_t asid, uint64_t va, pwc_hit *out = nullptr)
    {
        pwc_hit h{};
        if (!pwc_lookup(c, asid, va, &h))
            return 0;
        if (out)
            *out = h;
        return h.level;
    }
    const pwc_stats &stats() const { return *pwc_get_stats(c); }
};

std::string create_error(const pwc_config &cfg)
{
    mm_error err{};
    pwc *c = pwc_create(&cfg, &err);
    EXPECT_EQ(c, nullptr);
    pwc_destroy(c);
    EXPECT_EQ(err.code, MM_ERR_CONFIG);
    return err.msg;
}

// The walk of va filled every non-leaf level: the level-L entry points at
// table 0x1000 * (L + 1) and carries rights that narrow as it goes down.
void fill_path(pwc *c, uint16_t asid, uint64_t va, unsigned levels, bool global = false)
{
    for (unsigned level = levels - 1; level >= 1; level--) {
        uint8_t perm = level == 1 ? MM_PERM_R : RWU;
        pwc_fill(c, asid, va, level, 0x1000 * (level + 1), perm, global);
    }
}

TEST(PwcConfig, GeometryErrorsNameTheField)
{
    pwc_config c = split4();
    c.level[1] = {4, 8};
    EXPECT_EQ(create_error(c), "pwc.levels.1: ways 8 > entries 4");
    c = split4();
    c.level[2] = {12, 4};
    EXPECT_EQ(create_error(c), "pwc.levels.2: sets 3 (entries 12 / ways 4) not a power of two");
    c = split4();
    c.level[3] = {6, 4};
    EXPECT_EQ(create_error(c), "pwc.levels.3: entries 6 not a multiple of ways 4");
    c = split4();
    c.level[1] = {4, 0};
    EXPECT_EQ(create_error(c), "pwc.levels.1: ways must be at least 1");
    c = split4();
    c.level[1] = {2048, 2048};
    EXPECT_EQ(create_error(c), "pwc.levels.1: ways 2048 > 1024");
    c = split4();
    c.levels = 1;
    EXPECT_EQ(create_error(c), "pwc.levels: 1 page-table levels, need 2..5");
    c.levels = 6;
    EXPECT_EQ(create_error(c), "pwc.levels: 6 page-table levels, need 2..5");
    c = split4();
    c.replacement = REPL_PLRU;
    c.level[1] = {24, 6};
    EXPECT_EQ(create_error(c), "pwc.levels.1: plru needs a power-of-two number of ways, got 6");
    c = split4();
    c.replacement = (repl_policy)11;
    EXPECT_EQ(create_error(c), "pwc.replacement: unknown policy 11");
    c = split4();
    c.design = (pwc_design)9;
    EXPECT_EQ(create_error(c), "pwc.design: unknown design 9");
    EXPECT_EQ(create_error(single(PWC_UNIFIED, 8, 16)), "pwc: ways 16 > entries 8");
    EXPECT_EQ(create_error(single(PWC_PTE, 24, 2)), "pwc: sets 12 (entries 24 / ways 2) not a power of two");

    mm_error err{};
    EXPECT_EQ(pwc_create(nullptr, &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_INVALID);
}

TEST(PwcConfig, LevelsOutsideTheFormatAreIgnored)
{
    // Level 0 holds leaves and level 3 does not exist in a 3-level format:
    // their geometry, even a nonsensical one, is not looked at.
    pwc_config c = split4();
    c.levels = 3;
    c.level[0] = {3, 7};
    c.level[3] = {5, 9};
    Pwc p(c);
    EXPECT_EQ(pwc_get_design(p.c), PWC_SPLIT);
    pwc_fill(p.c, 1, 0x40000000, 3, 0x9000, RWU, false); // no level-3 cache
    pwc_fill(p.c, 1, 0x40000000, 0, 0x9000, RWU, false); // leaves are not cached here
    EXPECT_EQ(p.hit_level(1, 0x40000000), 0u);
    EXPECT_EQ(p.stats().fills[3], 0u);
    EXPECT_EQ(p.stats().fills[0], 0u);
}

TEST(PwcSplit, DeepestHitAndCarriedRights)
{
    Pwc p(split4());
    const uint64_t va = 0x00007f1234567000;
    fill_path(p.c, 1, va, 4);
    pwc_hit h{};
    EXPECT_EQ(p.hit_level(1, va + 0x888, &h), 1u);
    EXPECT_EQ(h.table_pa, 0x2000u);
    EXPECT_EQ(h.perm, MM_PERM_R);
    EXPECT_FALSE(h.global);

    // Same 1G region (level-2 prefix), another 2M region: the PDPTE hit.
    const uint64_t other_2m = va + (1ull << 21);
    EXPECT_EQ(p.hit_level(1, other_2m, &h), 2u);
    EXPECT_EQ(h.table_pa, 0x3000u);
    EXPECT_EQ(h.perm, RWU);
    // Same 512G region only: the PML4E hit.
    EXPECT_EQ(p.hit_level(1, va ^ (1ull << 30), &h), 3u);
    EXPECT_EQ(h.table_pa, 0x4000u);
    // Another 512G region: miss.
    EXPECT_EQ(p.hit_level(1, va ^ (1ull << 39)), 0u);
}

TEST(PwcSplit, StatsCountEveryConfiguredLevelPerLookup)
{
    pwc_config cfg = split4();
    cfg.level[2] = {0, 0}; // no PDPTE cache
    Pwc p(cfg);
    const uint64_t va = 0x12345678000;
    fill_path(p.c, 1, va, 4);
    EXPECT_EQ(p.stats().fills[1], 1u);
    EXPECT_EQ(p.stats().fills[2], 0u);
    EXPECT_EQ(p.stats().fills[3], 1u);
    EXPECT_EQ(p.hit_level(1, va), 1u);
    EXPECT_EQ(p.hit_level(1, va + (1ull << 21)), 3u); // level 2 is not cached
    EXPECT_EQ(p.hit_level(2, va), 0u);
    const pwc_stats &s = p.stats();
    EXPECT_EQ(s.lookups[0], 0u);
    EXPECT_EQ(s.lookups[1], 3u);
    EXPECT_EQ(s.lookups[2], 0u);
    EXPECT_EQ(s.lookups[3], 3u);
    EXPECT_EQ(s.hits[1], 1u);
    EXPECT_EQ(s.hits[2], 0u);
    EXPECT_EQ(s.hits[3], 1u);
    pwc_reset_stats(p.c);
    EXPECT_EQ(p.stats().lookups[1], 0u);
    EXPECT_EQ(p.stats().hits[3], 0u);
    EXPECT_EQ(p.stats().fills[1], 0u);
    EXPECT_EQ(p.hit_level(1, va), 1u); // contents survive a stats reset
    pwc_flush_va(p.c, 1, va, false);    // skips the uncached level 2
    EXPECT_EQ(p.hit_level(1, va), 0u);
}

TEST(PwcSplit, OnlyTheReturnedEntryIsTouched)
{
    // PML4E cache: 2 ways. Fill X3 then Y3; fill X's lower levels. A lookup
    // of X returns the level-1 entry, so X3 stays least recent and a third
    // PML4E fill evicts it rather than Y3.
    Pwc p(split4());
    const uint64_t x = 0x0000008000000000ull; // 512G region 1
    const uint64_t y = 0x0000010000000000ull; // region 2
    const uint64_t z = 0x0000018000000000ull; // region 3
    pwc_fill(p.c, 1, x, 3, 0xA000, RWU, false);
    pwc_fill(p.c, 1, y, 3, 0xB000, RWU, false);
    pwc_fill(p.c, 1, x, 1, 0xC000, RWU, false);
    EXPECT_EQ(p.hit_level(1, x), 1u);
    pwc_fill(p.c, 1, z, 3, 0xD000, RWU, false);
    EXPECT_EQ(p.hit_level(1, y), 3u);
    EXPECT_EQ(p.hit_level(1, z), 3u);
    EXPECT_EQ(p.hit_level(1, x + (1ull << 30)), 0u); // X3 was evicted

    // Had the lookup hit X3 itself, Y3 would have gone.
    Pwc q(split4());
    pwc_fill(q.c, 1, x, 3, 0xA000, RWU, false);
    pwc_fill(q.c, 1, y, 3, 0xB000, RWU, false);
    EXPECT_EQ(q.hit_level(1, x), 3u);
    pwc_fill(q.c, 1, z, 3, 0xD000, RWU, false);
    EXPECT_EQ(q.hit_level(1, y), 0u);
    EXPECT_EQ(q.hit_level(1, x), 3u);
}

TEST(PwcSplit, EvictionFollowsGeometry)
{
    // PDE cache: 16 entries, 4 ways, 4 sets; set = (va >> 21) & 3. Five
    // 2M regions with the same set index (stride 4 << 21): the fifth fill
    // evicts the first.
    Pwc p(split4());
    for (uint64_t i = 0; i < 5; i++)
        pwc_fill(p.c, 1, (i * 4) << 21, 1, 0x1000 * (i + 1), RWU, false);
    EXPECT_EQ(p.hit_level(1, 0), 0u);
    for (uint64_t i = 1; i < 5; i++)
        EXPECT_EQ(p.hit_level(1, (i * 4) << 21), 1u) << i;
    // A different set is unaffected by that pressure.
    pwc_fill(p.c, 1, 1ull << 21, 1, 0x7000, RWU, false);
    EXPECT_EQ(p.hit_level(1, 1ull << 21), 1u);
}

TEST(PwcSplit, FillReplacesTheMatchingEntry)
{
    Pwc p(split4());
    pwc_fill(p.c, 1, 0x40000000, 2, 0x1000, RWU, false);
    pwc_fill(p.c, 1, 0x80000000, 2, 0x2000, RWU, false);
    pwc_fill(p.c, 1, 0x40000000, 2, 0x5000, MM_PERM_R, false); // remapped table
    pwc_hit h{};
    EXPECT_EQ(p.hit_level(1, 0x40000000, &h), 2u);
    EXPECT_EQ(h.table_pa, 0x5000u);
    EXPECT_EQ(h.perm, MM_PERM_R);
    // Still room for two more without losing 0x8000_0000: 4 ways.
    pwc_fill(p.c, 1, 0xC0000000, 2, 0x3000, RWU, false);
    pwc_fill(p.c, 1, 0x100000000, 2, 0x4000, RWU, false);
    EXPECT_EQ(p.hit_level(1, 0x80000000), 2u);
    EXPECT_EQ(p.stats().fills[2], 5u);
}

TEST(PwcSplit, AsidTaggingAndGlobal)
{
    Pwc p(split4());
    const uint64_t va = 0x7000000000;
    pwc_fill(p.c, 1, va, 1, 0x1000, RWU, false);
    pwc_fill(p.c, 2, va, 1, 0x2000, RWU, false);
    pwc_hit h{};
    EXPECT_EQ(p.hit_level(1, va, &h), 1u);
    EXPECT_EQ(h.table_pa, 0x1000u);
    EXPECT_EQ(p.hit_level(2, va, &h), 1u);
    EXPECT_EQ(h.table_pa, 0x2000u);
    EXPECT_EQ(p.hit_level(3, va), 0u);
    const uint64_t kernel = 0xffff800000000000ull;
    pwc_fill(p.c, 1, kernel, 2, 0x9000, MM_PERM_R | MM_PERM_W, true);
    EXPECT_EQ(p.hit_level(77, kernel, &h), 2u);
    EXPECT_TRUE(h.global);
    EXPECT_EQ(h.table_pa, 0x9000u);
}

TEST(PwcSplit, Flushes)
{
    Pwc p(split4());
    // a and b share their 512G region (level-3 prefix 0) but nothing below.
    const uint64_t a = 0x0000001000000000ull;
    const uint64_t b = 0x0000002000200000ull;
    const uint64_t k = 0xffff800000000000ull;
    fill_path(p.c, 1, a, 4);
    fill_path(p.c, 2, a, 4);
    fill_path(p.c, 1, b, 4);
    pwc_fill(p.c, 1, k, 2, 0x8000, RWU, true);

    // flush_va for asid 1: a's path of asid 1 only (levels 1, 2 and the
    // shared level-3 entry); asid 2 and b's level-1/2 entries stay.
    pwc_flush_va(p.c, 1, a, false);
    EXPECT_EQ(p.hit_level(1, a), 0u);
    EXPECT_EQ(p.hit_level(2, a), 1u);
    EXPECT_EQ(p.hit_level(1, b), 1u);
    EXPECT_EQ(p.hit_level(1, k), 2u);
    // The per-asid form leaves global entries; all_asids takes them.
    pwc_flush_va(p.c, 1, k, false);
    EXPECT_EQ(p.hit_level(1, k), 2u);
    pwc_flush_va(p.c, 5, k, true);
    EXPECT_EQ(p.hit_level(1, k), 0u);
    pwc_flush_va(p.c, 0, a, true);
    EXPECT_EQ(p.hit_level(2, a), 0u);

    pwc_fill(p.c, 1, k, 2, 0x8000, RWU, true);
    pwc_flush_asid(p.c, 1, false);
    EXPECT_EQ(p.hit_level(1, b), 0u);
    EXPECT_EQ(p.hit_level(1, k), 2u);
    fill_path(p.c, 1, b, 4);
    pwc_flush_asid(p.c, 1, true);
    EXPECT_EQ(p.hit_level(1, b), 0u);
    EXPECT_EQ(p.hit_level(1, k), 0u);

    fill_path(p.c, 3, b, 4);
    pwc_fill(p.c, 3, k, 2, 0x8000, RWU, true);
    pwc_flush_all(p.c);
    EXPECT_EQ(p.hit_level(3, b), 0u);
    EXPECT_EQ(p.hit_level(3, k), 0u);
}

TEST(PwcUnified, DeepestHitAndOneLookupCount)
{
    Pwc p(single(PWC_UNIFIED, 16, 4));
    const uint64_t va = 0x00007f1234567000;
    fill_path(p.c, 4, va, 4);
    pwc_hit h{};
    EXPECT_EQ(p.hit_level(4, va, &h), 1u);
    EXPECT_EQ(h.table_pa, 0x2000u);
    EXPECT_EQ(h.perm, MM_PERM_R);
    EXPECT_EQ(p.hit_level(4, va + (1ull << 21), &h), 2u);
    EXPECT_EQ(h.perm, RWU);
    EXPECT_EQ(p.hit_level(4, va ^ (1ull << 30)), 3u);
    EXPECT_EQ(p.hit_level(4, va ^ (1ull << 39)), 0u);
    EXPECT_EQ(p.hit_level(5, va), 0u);
    const pwc_stats &s = p.stats();
    EXPECT_EQ(s.lookups[0], 5u);
    EXPECT_EQ(s.lookups[1] + s.lookups[2] + s.lookups[3], 0u);
    EXPECT_EQ(s.hits[1], 1u);
    EXPECT_EQ(s.hits[2], 1u);
    EXPECT_EQ(s.hits[3], 1u);
    EXPECT_EQ(s.fills[1] + s.fills[2] + s.fills[3], 3u);
}

TEST(PwcUnified, LevelsCompeteForOneArray)
{
    // Two entries, fully associative: the walk of va fills levels 3, 2, 1
    // in that order, so the level-3 entry is evicted by the level-1 fill.
    Pwc p(single(PWC_UNIFIED, 2, 2));
    const uint64_t va = 0x40201000;
    fill_path(p.c, 1, va, 4);
    EXPECT_EQ(p.hit_level(1, va), 1u);
    EXPECT_EQ(p.hit_level(1, va + (1ull << 21)), 2u);
    EXPECT_EQ(p.hit_level(1, va + (1ull << 30)), 0u);
}

TEST(PwcUnified, SameTagAtDifferentLevelsAreDifferentEntries)
{
    // va = 0: every level's prefix is 0 and indexes set 0 (of 4). The
    // level is part of the match, so three entries coexist.
    Pwc p(single(PWC_UNIFIED, 16, 4));
    fill_path(p.c, 1, 0, 4);
    pwc_flush_va(p.c, 1, 1ull << 21, false); // levels 2 and 3 (prefix 0 there); level 1's prefix is 1
    EXPECT_EQ(p.hit_level(1, 0), 1u);
    EXPECT_EQ(p.hit_level(1, 1ull << 21), 0u);
    pwc_flush_asid(p.c, 1, false);
    EXPECT_EQ(p.hit_level(1, 0), 0u);
}

TEST(PwcUnified, FlushAndGlobal)
{
    Pwc p(single(PWC_UNIFIED, 8, 8, 5));
    const uint64_t va = 0x00ff000000000000ull; // 5-level: level 4 cached too
    fill_path(p.c, 1, va, 5, true);
    EXPECT_EQ(p.hit_level(9, va), 1u);
    EXPECT_EQ(p.hit_level(9, va ^ (1ull << 39)), 4u);
    pwc_flush_asid(p.c, 1, false);
    EXPECT_EQ(p.hit_level(9, va), 1u);
    pwc_flush_asid(p.c, 1, true);
    EXPECT_EQ(p.hit_level(9, va), 0u);
}

TEST(PwcPte, KeyedByPhysicalAddress)
{
    // 8 entries, 2 ways, 4 sets; set = (pte_pa >> 3) & 3.
    Pwc p(single(PWC_PTE, 8, 2));
    EXPECT_EQ(pwc_get_design(p.c), PWC_PTE);
    uint64_t value = 0;
    EXPECT_FALSE(pwc_pte_lookup(p.c, 0x1000, 3, &value));
    pwc_pte_fill(p.c, 0x1000, 3, 0x2003);
    pwc_pte_fill(p.c, 0x2008, 2, 0x3003);
    ASSERT_TRUE(pwc_pte_lookup(p.c, 0x1000, 3, &value));
    EXPECT_EQ(value, 0x2003u);
    ASSERT_TRUE(pwc_pte_lookup(p.c, 0x2008, 2, &value));
    EXPECT_EQ(value, 0x3003u);
    EXPECT_FALSE(pwc_pte_lookup(p.c, 0x2000, 2, &value));
    EXPECT_TRUE(pwc_pte_lookup(p.c, 0x2008, 2, nullptr));
    // Refill of a known PTE updates it in place.
    pwc_pte_fill(p.c, 0x1000, 3, 0x7003);
    ASSERT_TRUE(pwc_pte_lookup(p.c, 0x1000, 3, &value));
    EXPECT_EQ(value, 0x7003u);
    const pwc_stats &s = p.stats();
    EXPECT_EQ(s.lookups[0], 6u);
    EXPECT_EQ(s.hits[3], 2u);
    EXPECT_EQ(s.hits[2], 2u);
    EXPECT_EQ(s.fills[3], 2u);
    EXPECT_EQ(s.fills[2], 1u);
    // Translation-cache calls do nothing on a PTE cache, and vice versa.
    pwc_fill(p.c, 1, 0x1000, 1, 0x1000, RWU, false);
    EXPECT_FALSE(pwc_lookup(p.c, 1, 0x1000, nullptr));
    EXPECT_EQ(p.stats().lookups[0], 6u);
    EXPECT_FALSE(pwc_pte_lookup(p.c, 0x1000, MM_MAX_LEVELS, &value));
}

TEST(PwcPte, EvictionWithinASet)
{
    // 0x1000, 0x1020 and 0x1040: (pa >> 3) & 3 = 0 for all three -> one
    // 2-way set; 0x1008 is set 1.
    Pwc p(single(PWC_PTE, 8, 2));
    pwc_pte_fill(p.c, 0x1000, 1, 1);
    pwc_pte_fill(p.c, 0x1020, 1, 2);
    pwc_pte_fill(p.c, 0x1008, 1, 3);
    EXPECT_TRUE(pwc_pte_lookup(p.c, 0x1000, 1, nullptr)); // 0x1020 is now least recent
    pwc_pte_fill(p.c, 0x1040, 1, 4);
    EXPECT_FALSE(pwc_pte_lookup(p.c, 0x1020, 1, nullptr));
    EXPECT_TRUE(pwc_pte_lookup(p.c, 0x1000, 1, nullptr));
    EXPECT_TRUE(pwc_pte_lookup(p.c, 0x1040, 1, nullptr));
    EXPECT_TRUE(pwc_pte_lookup(p.c, 0x1008, 1, nullptr));
}

TEST(PwcPte, AsidAndVaFlushesDropEverything)
{
    Pwc p(single(PWC_PTE, 8, 2));
    pwc_pte_fill(p.c, 0x1000, 2, 1);
    pwc_flush_asid(p.c, 7, false);
    EXPECT_FALSE(pwc_pte_lookup(p.c, 0x1000, 2, nullptr));
    pwc_pte_fill(p.c, 0x1000, 2, 1);
    pwc_flush_va(p.c, 7, 0xdead000, false);
    EXPECT_FALSE(pwc_pte_lookup(p.c, 0x1000, 2, nullptr));
    pwc_pte_fill(p.c, 0x1000, 2, 1);
    pwc_flush_all(p.c);
    EXPECT_FALSE(pwc_pte_lookup(p.c, 0x1000, 2, nullptr));
}

TEST(PwcNone, AlwaysMisses)
{
    pwc_config c{};
    c.design = PWC_NONE;
    c.levels = 0; // not looked at
    Pwc p(c);
    EXPECT_EQ(pwc_get_design(p.c), PWC_NONE);
    pwc_fill(p.c, 1, 0x1000, 1, 0x2000, RWU, false);
    pwc_pte_fill(p.c, 0x1000, 1, 5);
    EXPECT_FALSE(pwc_lookup(p.c, 1, 0x1000, nullptr));
    EXPECT_FALSE(pwc_pte_lookup(p.c, 0x1000, 1, nullptr));
    pwc_flush_all(p.c);
    pwc_flush_asid(p.c, 1, true);
    pwc_flush_va(p.c, 1, 0x1000, true);
    for (unsigned i = 0; i < MM_MAX_LEVELS; i++) {
        EXPECT_EQ(p.stats().lookups[i], 0u);
        EXPECT_EQ(p.stats().fills[i], 0u);
    }
}

TEST(PwcEmpty, ZeroEntriesMeansNotCached)
{
    // A unified cache of 0 entries and a split cache with no level
    // configured behave like PWC_NONE and count nothing.
    Pwc u(single(PWC_UNIFIED, 0, 0));
    pwc_fill(u.c, 1, 0x1000, 1, 0x2000, RWU, false);
    EXPECT_FALSE(pwc_lookup(u.c, 1, 0x1000, nullptr));
    EXPECT_EQ(u.stats().lookups[0], 0u);
    pwc_config c = split4();
    c.level[1] = c.level[2] = c.level[3] = {0, 0};
    Pwc s(c);
    pwc_fill(s.c, 1, 0x1000, 1, 0x2000, RWU, false);
    EXPECT_FALSE(pwc_lookup(s.c, 1, 0x1000, nullptr));
    EXPECT_EQ(s.stats().lookups[1], 0u);
}

TEST(PwcReplacement, RandomSplitLevelUsesItsOwnLfsr)
{
    // PDE cache 4 entries fully associative, RANDOM from 0xACE1: the
    // first victim among valid ways is way 1 (0xACE1 % 4), then way 0.
    pwc_config c = split4();
    c.replacement = REPL_RANDOM;
    c.level[1] = {4, 4};
    Pwc p(c);
    for (uint64_t i = 0; i < 4; i++)
        pwc_fill(p.c, 1, i << 21, 1, 0x1000 * (i + 1), RWU, false);
    // Level-3 fills must not disturb the level-1 LFSR.
    pwc_fill(p.c, 1, 0, 3, 0x1000, RWU, false);
    pwc_fill(p.c, 1, 1ull << 39, 3, 0x1000, RWU, false);
    pwc_fill(p.c, 1, 2ull << 39, 3, 0x1000, RWU, false);
    // The PML4E cache's own LFSR (also from 0xACE1) chose way 1 = 0xACE1 % 2
    // for its third fill: region 1 << 39 is gone, regions 0 and 2 remain.
    EXPECT_EQ(p.hit_level(1, 1ull << 39), 0u);
    EXPECT_EQ(p.hit_level(1, 2ull << 39), 3u);
    pwc_fill(p.c, 1, 10ull << 21, 1, 0xA000, RWU, false); // evicts way 1 (region 1)
    EXPECT_EQ(p.hit_level(1, 1ull << 21), 3u);            // only the PML4E entry covers it
    EXPECT_EQ(p.hit_level(1, 0), 1u);
    pwc_fill(p.c, 1, 11ull << 21, 1, 0xB000, RWU, false); // evicts way 0 (region 0)
    EXPECT_EQ(p.hit_level(1, 0), 3u);                    // only the PML4E entry is left
    EXPECT_EQ(p.hit_level(1, 2ull << 21), 1u);
    EXPECT_EQ(p.hit_level(1, 3ull << 21), 1u);
}

} // namespace
