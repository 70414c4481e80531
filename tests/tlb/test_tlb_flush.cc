// test_tlb_flush.cc — every TLB invalidation function against one
// populated TLB, and reuse of the freed ways.
#include "tlb/tlb_test_util.h"

namespace {

using namespace tlbtest;

constexpr uint64_t VA_A = 0x00400000;      // 4K pages of asid 1 and 2, inside 2M page A2M
constexpr uint64_t VA_B = 0x7f0000010000;  // global 4K page
constexpr uint64_t VA_C = 0x00800000;      // asid 1 only
constexpr uint8_t RG = MM_PERM_R | MM_PERM_G;

// l1dtlb: a 4K array (16 sets) and a 2M array. Contents: A@asid1 and
// A@asid2 (4K), A2M@asid1 (the 2M page covering A), B global (4K), C@asid1
// (4K). The three 4K vpns 0x400, 0x7f0000010 and 0x800 all index set 0,
// filled in the order A@1 (way 0), A@2 (1), B (2), C (3).
struct Populated : ::testing::Test {
    Tlb t{make_config("l1dtlb", {{64, 4, K4}, {32, 4, M2}})};
    void SetUp() override
    {
        t.insert(page(VA_A, 0x1000, 0, 1));
        t.insert(page(VA_A, 0x2000, 0, 2));
        t.insert(page(VA_A, 0x40000000, 1, 1));
        t.insert(page(VA_B, 0x3000, 0, 1, RG));
        t.insert(page(VA_C, 0x4000, 0, 1));
        ASSERT_EQ(tlb_valid_count(t.t), 5u);
    }
    bool invalidate(tlb_entry e) { return tlb_invalidate_entry(t.t, &e); }
    // The level of the entry a lookup of va for asid hits, or -1.
    int level_of(uint64_t va, uint16_t asid)
    {
        tlb_entry out{};
        return tlb_probe(t.t, va, asid, &out, nullptr) ? out.level : -1;
    }
};

TEST_F(Populated, FlushAll)
{
    tlb_flush_all(t.t);
    EXPECT_EQ(tlb_valid_count(t.t), 0u);
    EXPECT_FALSE(t.hits(VA_B, 1));
    EXPECT_FALSE(t.hits(VA_A, 2));
}

TEST_F(Populated, FlushNonglobalKeepsGlobal)
{
    tlb_flush_nonglobal(t.t);
    EXPECT_EQ(tlb_valid_count(t.t), 1u);
    EXPECT_TRUE(t.hits(VA_B, 5));
    EXPECT_FALSE(t.hits(VA_A, 1));
    EXPECT_FALSE(t.hits(VA_C, 1));
}

TEST_F(Populated, FlushAsidKeepsOtherAsidsAndGlobal)
{
    tlb_flush_asid(t.t, 1);
    EXPECT_EQ(tlb_valid_count(t.t), 2u);
    EXPECT_FALSE(t.hits(VA_A, 1)); // 4K and 2M copies both gone
    EXPECT_FALSE(t.hits(VA_C, 1));
    EXPECT_EQ(t.ppn(VA_A, 2), 0x2u);
    EXPECT_TRUE(t.hits(VA_B, 1)); // global, though filled by asid 1
    tlb_flush_asid(t.t, 9);       // nothing of asid 9
    EXPECT_EQ(tlb_valid_count(t.t), 2u);
}

TEST_F(Populated, FlushVaRemovesEveryCopyCoveringVa)
{
    // Every entry covering VA_A: both 4K copies and the 2M page.
    tlb_flush_va(t.t, VA_A + 0x10);
    EXPECT_EQ(tlb_valid_count(t.t), 2u);
    EXPECT_EQ(level_of(VA_A, 1), -1);
    EXPECT_EQ(level_of(VA_A, 2), -1);
    EXPECT_TRUE(t.hits(VA_C, 1));
    // A global entry goes too.
    tlb_flush_va(t.t, VA_B);
    EXPECT_EQ(tlb_valid_count(t.t), 1u);
    EXPECT_FALSE(t.hits(VA_B, 1));
}

TEST_F(Populated, FlushVaInsideTheLargePageOnly)
{
    // VA_A + 0x1000 is covered by the 2M page but not by the 4K copies.
    tlb_flush_va(t.t, VA_A + 0x1000);
    EXPECT_EQ(tlb_valid_count(t.t), 4u);
    EXPECT_EQ(level_of(VA_A, 1), 0);
    EXPECT_EQ(level_of(VA_A + 0x1000, 1), -1);
}

TEST_F(Populated, FlushAsidVaWithoutGlobal)
{
    tlb_flush_asid_va(t.t, 1, VA_A, false);
    EXPECT_EQ(tlb_valid_count(t.t), 3u);
    EXPECT_EQ(level_of(VA_A, 1), -1);
    EXPECT_EQ(t.ppn(VA_A, 2), 0x2u);
    tlb_flush_asid_va(t.t, 1, VA_B, false); // the global page stays
    EXPECT_TRUE(t.hits(VA_B, 1));
    EXPECT_EQ(tlb_valid_count(t.t), 3u);
}

TEST_F(Populated, FlushAsidVaWithGlobal)
{
    tlb_flush_asid_va(t.t, 3, VA_B, true); // asid 3 owns nothing, but B is global
    EXPECT_FALSE(t.hits(VA_B, 1));
    EXPECT_EQ(tlb_valid_count(t.t), 4u);
    tlb_flush_asid_va(t.t, 2, VA_A, true);
    EXPECT_EQ(t.ppn(VA_A, 1), 0x1u);
    EXPECT_FALSE(t.hits(VA_A, 2));
    EXPECT_EQ(tlb_valid_count(t.t), 3u);
}

TEST_F(Populated, InvalidateEntryRemovesExactlyThatPage)
{
    // Wrong asid, wrong size, absent page: nothing removed.
    EXPECT_FALSE(invalidate(page(VA_C, 0, 0, 2)));
    EXPECT_FALSE(invalidate(page(VA_C, 0, 1, 1)));
    EXPECT_FALSE(invalidate(page(0x5000, 0, 0, 1)));
    EXPECT_FALSE(invalidate(page(VA_C, 0, 2, 1)));
    EXPECT_EQ(tlb_valid_count(t.t), 5u);

    EXPECT_TRUE(invalidate(page(VA_A, 0x1000, 0, 1)));
    EXPECT_EQ(tlb_valid_count(t.t), 4u);
    EXPECT_EQ(level_of(VA_A, 1), 1); // the 2M page still covers it
    EXPECT_EQ(t.ppn(VA_A, 2), 0x2u);
    EXPECT_FALSE(invalidate(page(VA_A, 0x1000, 0, 1)));

    // A global victim takes the global copy, whatever asid it names.
    EXPECT_TRUE(invalidate(page(VA_B, 0x3000, 0, 8, RG)));
    EXPECT_FALSE(t.hits(VA_B, 1));
}

TEST_F(Populated, FreedWaysAreReusedBeforeEvicting)
{
    // Flushing asid 1 frees ways 0 (A@1) and 3 (C@1) of set 0; the next two
    // set-0 fills take them without evicting, the third evicts the least
    // recently filled survivor, A@2 (filled before B).
    tlb_flush_asid(t.t, 1);
    tlb_entry victim{};
    tlb_slot slot{};
    EXPECT_FALSE(t.insert(page(0x10000, 0, 0, 3), &victim));
    ASSERT_TRUE(tlb_probe(t.t, 0x10000, 3, nullptr, &slot));
    EXPECT_EQ(slot.way, 0u);
    EXPECT_FALSE(t.insert(page(0x20000, 0, 0, 3), &victim));
    ASSERT_TRUE(tlb_probe(t.t, 0x20000, 3, nullptr, &slot));
    EXPECT_EQ(slot.way, 3u);
    EXPECT_TRUE(t.insert(page(0x30000, 0, 0, 3), &victim));
    EXPECT_EQ(victim.vpn, VA_A >> 12);
    EXPECT_EQ(victim.asid, 2);
    EXPECT_TRUE(t.hits(VA_B, 3));
}

TEST(TlbFlush, EmptyTlbAndRepeatedFlushes)
{
    Tlb t(make_config("l1", {{16, 16, K4 | M2}}, REPL_FIFO));
    tlb_flush_all(t.t);
    tlb_flush_va(t.t, 0x1234);
    tlb_flush_asid(t.t, 0);
    EXPECT_EQ(tlb_valid_count(t.t), 0u);
    for (int round = 0; round < 3; round++) {
        for (uint64_t v = 0; v < 16; v++)
            t.insert(page(v << 12, 0, 0, 1));
        EXPECT_EQ(tlb_valid_count(t.t), 16u);
        tlb_flush_nonglobal(t.t);
        EXPECT_EQ(tlb_valid_count(t.t), 0u);
    }
}

} // namespace
