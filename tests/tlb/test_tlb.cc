// test_tlb.cc — TLB geometry validation, lookup across arrays and page
// sizes, ASID tagging, insertion and eviction, large associativity.
#include <cstring>
#include <string>

#include "tlb/tlb_test_util.h"

namespace {

using namespace tlbtest;

std::string create_error(const tlb_config &c, int *code = nullptr)
{
    mm_error err{};
    tlb *t = tlb_create(&c, &err);
    EXPECT_EQ(t, nullptr);
    tlb_destroy(t);
    if (code)
        *code = err.code;
    return err.msg;
}

TEST(TlbConfig, GeometryErrorsNameTheArray)
{
    int code = 0;
    EXPECT_EQ(create_error(make_config("l2tlb", {{64, 4, K4}, {8, 16, M2}}), &code),
              "l2tlb.arrays[1]: ways 16 > entries 8");
    EXPECT_EQ(code, MM_ERR_CONFIG);
    EXPECT_EQ(create_error(make_config("l2tlb", {{0, 4, K4}})),
              "l2tlb.arrays[0]: entries must be at least 1");
    EXPECT_EQ(create_error(make_config("l2tlb", {{16, 0, K4}})), "l2tlb.arrays[0]: ways must be at least 1");
    EXPECT_EQ(create_error(make_config("l2tlb", {{20, 8, K4}})),
              "l2tlb.arrays[0]: entries 20 not a multiple of ways 8");
    EXPECT_EQ(create_error(make_config("l2tlb", {{16, 4, K4}, {24, 8, M2}})),
              "l2tlb.arrays[1]: sets 3 (entries 24 / ways 8) not a power of two");
    EXPECT_EQ(create_error(make_config("l1dtlb", {{64, 4, 0}})), "l1dtlb.arrays[0]: no page sizes");
    EXPECT_EQ(create_error(make_config("l1dtlb", {{64, 4, K4 | M2}, {32, 4, M2 | G1}})),
              "l1dtlb.arrays[1]: page size 2M also held by arrays[0]");
    EXPECT_EQ(create_error(make_config("l1dtlb", {{64, 4, K4}, {32, 4, G1}, {8, 8, G1}})),
              "l1dtlb.arrays[2]: page size 1G also held by arrays[1]");
    EXPECT_EQ(create_error(make_config("l1dtlb", {{64, 4, 1u << 5}})),
              "l1dtlb.arrays[0]: page-size mask 0x20 has levels above 4");
    EXPECT_EQ(create_error(make_config("l1dtlb", {{2048, 2048, K4}})), "l1dtlb.arrays[0]: ways 2048 > 1024");
    EXPECT_EQ(create_error(make_config("stlb", {{1536, 12, K4 | M2}}, REPL_PLRU)),
              "stlb.arrays[0]: plru needs a power-of-two number of ways, got 12");
    EXPECT_EQ(create_error(make_config("l1itlb", {})), "l1itlb.arrays: 0 arrays, need 1..4");

    tlb_config five = make_config("l1itlb", {{4, 4, K4}});
    five.n_arrays = 5;
    EXPECT_EQ(create_error(five), "l1itlb.arrays: 5 arrays, need 1..4");
    tlb_config bad_policy = make_config("l1itlb", {{4, 4, K4}});
    bad_policy.replacement = (repl_policy)9;
    EXPECT_EQ(create_error(bad_policy), "l1itlb.replacement: unknown policy 9");

    mm_error err{};
    EXPECT_EQ(tlb_create(nullptr, &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_INVALID);
}

TEST(TlbConfig, UnnamedTlbAndAcceptedGeometries)
{
    tlb_config c = make_config(nullptr, {{16, 16, K4 | M2 | G1}});
    Tlb t(c);
    EXPECT_STREQ(tlb_name(t.t), "tlb");
    EXPECT_EQ(create_error(make_config(nullptr, {{0, 1, K4}})), "tlb.arrays[0]: entries must be at least 1");

    Tlb named(make_config("l1dtlb", {{64, 4, K4}, {32, 4, M2}, {4, 4, G1}}));
    EXPECT_STREQ(tlb_name(named.t), "l1dtlb");
    EXPECT_TRUE(tlb_holds_level(named.t, 0));
    EXPECT_TRUE(tlb_holds_level(named.t, 2));
    EXPECT_FALSE(tlb_holds_level(named.t, 3));
    EXPECT_FALSE(tlb_holds_level(named.t, 99));
    EXPECT_EQ(tlb_valid_count(named.t), 0u);
}

TEST(TlbLookup, MixedSizesInOneArray)
{
    // Skylake STLB: 1536 entries, 12 ways (128 sets), 4K and 2M together.
    // The 2M page at 0x4000_0000 (vpn 0x200, set 0) and the 4K page at
    // 0x7f00_0000_1000 (vpn 0x7f000_0001, set 1).
    Tlb t(make_config("stlb", {{1536, 12, K4 | M2}}));
    EXPECT_FALSE(t.insert(page(0x40000000, 0x80000000, 1, 3, MM_PERM_R | MM_PERM_W)));
    EXPECT_FALSE(t.insert(page(0x7f0000001000, 0x5000, 0, 3)));
    EXPECT_EQ(tlb_valid_count(t.t), 2u);

    tlb_entry out{};
    tlb_slot slot{};
    ASSERT_TRUE(tlb_lookup(t.t, 0x40000000 + 0x12345, 3, &out, &slot));
    EXPECT_EQ(out.level, 1);
    EXPECT_EQ(out.vpn, 0x200u);
    EXPECT_EQ(out.ppn, 0x400u);
    EXPECT_EQ(out.asid, 3);
    EXPECT_EQ(out.perm, MM_PERM_R | MM_PERM_W);
    EXPECT_EQ(slot.array, 0);
    EXPECT_EQ(slot.set, 0u);

    ASSERT_TRUE(tlb_lookup(t.t, 0x7f0000001ff8, 3, &out, &slot));
    EXPECT_EQ(out.level, 0);
    EXPECT_EQ(out.ppn, 0x5u);
    EXPECT_EQ(slot.set, 1u);

    EXPECT_FALSE(t.hits(0x40200000, 3));   // the next 2M page
    EXPECT_FALSE(t.hits(0x7f0000002000, 3)); // the next 4K page
    EXPECT_FALSE(t.hits(0x3ffff000, 3));
}

TEST(TlbLookup, PerSizeArrays)
{
    Tlb t(make_config("l1dtlb", {{64, 4, K4}, {32, 4, M2}, {4, 4, G1}}));
    tlb_slot slot{};
    t.insert(page(0x1000, 0x9000, 0, 1));
    t.insert(page(0x200000, 0x400000, 1, 1));
    t.insert(page(0x80000000, 0x40000000, 2, 1));
    ASSERT_TRUE(tlb_lookup(t.t, 0x1abc, 1, nullptr, &slot));
    EXPECT_EQ(slot.array, 0);
    EXPECT_EQ(slot.set, 1u); // vpn 1 & 15
    ASSERT_TRUE(tlb_lookup(t.t, 0x3fffff, 1, nullptr, &slot));
    EXPECT_EQ(slot.array, 1);
    EXPECT_EQ(slot.set, 1u); // vpn 1 & 7
    ASSERT_TRUE(tlb_lookup(t.t, 0xbfffffff, 1, nullptr, &slot));
    EXPECT_EQ(slot.array, 2);
    EXPECT_EQ(slot.set, 0u); // fully associative
    EXPECT_EQ(t.ppn(0xbfffffff, 1), 1u);

    // A size no array holds is ignored.
    EXPECT_FALSE(t.insert(page(0x8000000000, 0, 3, 1)));
    EXPECT_EQ(tlb_valid_count(t.t), 3u);
    EXPECT_FALSE(t.hits(0x8000000000, 1));
    tlb_entry odd = page(0, 0, 0, 1);
    odd.level = 7;
    EXPECT_FALSE(t.insert(odd));
    EXPECT_EQ(tlb_valid_count(t.t), 3u);
}

TEST(TlbLookup, SmallerPageWinsWhenStaleEntriesOverlap)
{
    // A 2M entry and a 4K entry inside it (a remap without a flush): the
    // probe order is smallest page first, in one array or across arrays.
    Tlb one(make_config("stlb", {{1536, 12, K4 | M2}}));
    one.insert(page(0x200000, 0x40000000, 1, 1));
    one.insert(page(0x203000, 0x7000, 0, 1));
    EXPECT_EQ(one.ppn(0x203010, 1), 0x7u);
    EXPECT_EQ(one.ppn(0x204010, 1), 0x200u);

    Tlb split(make_config("l1", {{4, 4, M2}, {16, 4, K4}}));
    split.insert(page(0x200000, 0x40000000, 1, 1));
    split.insert(page(0x203000, 0x7000, 0, 1));
    EXPECT_EQ(split.ppn(0x203010, 1), 0x7u);
}

TEST(TlbAsid, TwoAsidsNeverShareAnEntry)
{
    Tlb t(make_config("l1dtlb", {{64, 4, K4}}));
    t.insert(page(0x5000, 0x100000, 0, 1));
    t.insert(page(0x5000, 0x200000, 0, 2));
    EXPECT_EQ(tlb_valid_count(t.t), 2u);
    EXPECT_EQ(t.ppn(0x5000, 1), 0x100u);
    EXPECT_EQ(t.ppn(0x5000, 2), 0x200u);
    EXPECT_FALSE(t.hits(0x5000, 3));
    EXPECT_FALSE(t.hits(0x5000, 0));

    // A global entry matches every asid and reports the asid it was filled with.
    t.insert(page(0x9000, 0x300000, 0, 1, MM_PERM_R | MM_PERM_G));
    tlb_entry out{};
    for (uint16_t asid : {0, 1, 7, 0xffff}) {
        ASSERT_TRUE(tlb_lookup(t.t, 0x9000, asid, &out, nullptr)) << asid;
        EXPECT_EQ(out.ppn, 0x300u);
        EXPECT_EQ(out.asid, 1);
        EXPECT_EQ(out.perm, MM_PERM_R | MM_PERM_G);
    }
    // ASIDs differing only in high bits stay apart.
    t.insert(page(0xa000, 0x1000, 0, 0x8001));
    EXPECT_TRUE(t.hits(0xa000, 0x8001));
    EXPECT_FALSE(t.hits(0xa000, 0x0001));
}

TEST(TlbInsert, SamePageIsReplacedInPlace)
{
    Tlb t(make_config("l1dtlb", {{8, 2, K4}}));
    tlb_slot before{}, after{};
    t.insert(page(0x4000, 0x1000, 0, 5));
    ASSERT_TRUE(tlb_lookup(t.t, 0x4000, 5, nullptr, &before));
    tlb_entry victim{};
    victim.vpn = 12345;
    // New PPN and rights for the same page and asid: no eviction.
    EXPECT_FALSE(t.insert(page(0x4000, 0x2000, 0, 5, MM_PERM_R | MM_PERM_W | MM_PERM_D), &victim));
    EXPECT_EQ(victim.vpn, 12345u);
    EXPECT_EQ(tlb_valid_count(t.t), 1u);
    tlb_entry out{};
    ASSERT_TRUE(tlb_lookup(t.t, 0x4000, 5, &out, &after));
    EXPECT_EQ(out.ppn, 0x2u);
    EXPECT_EQ(out.perm, MM_PERM_R | MM_PERM_W | MM_PERM_D);
    EXPECT_EQ(after.way, before.way);

    // A global entry for the same page replaces the asid-5 copy...
    EXPECT_FALSE(t.insert(page(0x4000, 0x3000, 0, 6, MM_PERM_R | MM_PERM_G)));
    EXPECT_EQ(tlb_valid_count(t.t), 1u);
    EXPECT_EQ(t.ppn(0x4000, 5), 0x3u);
    // ...and a non-global one replaces the global copy.
    EXPECT_FALSE(t.insert(page(0x4000, 0x4000, 0, 7)));
    EXPECT_EQ(tlb_valid_count(t.t), 1u);
    EXPECT_EQ(t.ppn(0x4000, 7), 0x4u);
    EXPECT_FALSE(t.hits(0x4000, 5));
    // The same vpn at another size is another page.
    Tlb mixed(make_config("stlb", {{16, 4, K4 | M2}}));
    mixed.insert(page(0x0, 0x1000, 0, 1));
    mixed.insert(page(0x0, 0x200000, 1, 1));
    EXPECT_EQ(tlb_valid_count(mixed.t), 2u);
}

TEST(TlbInsert, EvictionReportsTheLruVictim)
{
    // 64 entries x 4 ways = 16 sets; vpns 0, 16, 32, 48 share set 0.
    Tlb t(make_config("l1dtlb", {{64, 4, K4}}));
    for (uint64_t v = 0; v < 4; v++)
        EXPECT_FALSE(t.insert(page(v * 16 << 12, (0x100 + v) << 12, 0, 2, MM_PERM_R | MM_PERM_A)));
    EXPECT_TRUE(tlb_lookup(t.t, 0x0, 2, nullptr, nullptr)); // vpn 0 is now the most recent
    tlb_entry victim{};
    EXPECT_TRUE(t.insert(page(64 << 12, 0x999000, 0, 2), &victim));
    EXPECT_EQ(victim.vpn, 16u);
    EXPECT_EQ(victim.ppn, 0x101u);
    EXPECT_EQ(victim.asid, 2);
    EXPECT_EQ(victim.level, 0);
    EXPECT_EQ(victim.perm, MM_PERM_R | MM_PERM_A);
    EXPECT_EQ(tlb_valid_count(t.t), 4u);
    EXPECT_FALSE(t.hits(16 << 12, 2));
    EXPECT_TRUE(t.hits(0, 2));
    EXPECT_TRUE(t.hits(64 << 12, 2));
    // A victim pointer is optional.
    EXPECT_TRUE(t.insert(page(80 << 12, 0, 0, 2)));
}

TEST(TlbLookup, ProbeLeavesReplacementAlone)
{
    // Two ways in one set: A then B filled. A probe of A is not a use, so
    // C evicts A; a lookup of A is, so C evicts B.
    for (bool use_lookup : {false, true}) {
        Tlb t(make_config("tiny", {{2, 2, K4}}));
        t.insert(page(0xA000, 0xA000, 0, 1));
        t.insert(page(0xB000, 0xB000, 0, 1));
        tlb_entry out{};
        if (use_lookup)
            EXPECT_TRUE(tlb_lookup(t.t, 0xA000, 1, &out, nullptr));
        else
            EXPECT_TRUE(tlb_probe(t.t, 0xA000, 1, &out, nullptr));
        EXPECT_EQ(out.ppn, 0xAu);
        tlb_entry victim{};
        EXPECT_TRUE(t.insert(page(0xC000, 0xC000, 0, 1), &victim));
        EXPECT_EQ(victim.vpn, use_lookup ? 0xBu : 0xAu);
    }
}

TEST(TlbInsert, RandomPolicyFollowsTheLfsr)
{
    // One 4-way set; victims are the LFSR state mod 4 before each step:
    // ACE1 -> way 1, E270 -> 0, 7138 -> 0, 389C -> 0, 1C4E -> 2.
    Tlb t(make_config("rnd", {{4, 4, K4}}, REPL_RANDOM, 0xACE1));
    for (uint64_t v = 0; v < 4; v++)
        t.insert(page(v << 12, 0, 0, 1)); // way v holds vpn v
    tlb_entry victim{};
    ASSERT_TRUE(t.insert(page(10 << 12, 0, 0, 1), &victim)); // way 1
    EXPECT_EQ(victim.vpn, 1u);
    ASSERT_TRUE(t.insert(page(11 << 12, 0, 0, 1), &victim)); // way 0
    EXPECT_EQ(victim.vpn, 0u);
    ASSERT_TRUE(t.insert(page(12 << 12, 0, 0, 1), &victim)); // way 0 again
    EXPECT_EQ(victim.vpn, 11u);
    ASSERT_TRUE(t.insert(page(13 << 12, 0, 0, 1), &victim)); // way 0
    EXPECT_EQ(victim.vpn, 12u);
    ASSERT_TRUE(t.insert(page(14 << 12, 0, 0, 1), &victim)); // way 2
    EXPECT_EQ(victim.vpn, 2u);
}

TEST(TlbInsert, UnreachableVpnIsIgnored)
{
    Tlb t(make_config("l1", {{16, 4, K4 | M2}}));
    tlb_entry e = page(0, 0, 0, 1);
    e.vpn = 1ull << 52; // would be a page above 2^64
    EXPECT_FALSE(t.insert(e));
    e.level = 1;
    e.vpn = 1ull << 43;
    EXPECT_FALSE(t.insert(e));
    EXPECT_EQ(tlb_valid_count(t.t), 0u);
    EXPECT_FALSE(tlb_invalidate_entry(t.t, &e));
    // The highest 4K page of the address space is fine.
    e = page(0xfffffffffffff000ull, 0x1000, 0, 1);
    EXPECT_FALSE(t.insert(e));
    EXPECT_EQ(tlb_valid_count(t.t), 1u);
    EXPECT_EQ(t.ppn(0xffffffffffffffffull, 1), 1u);
    EXPECT_FALSE(t.hits(0x7ffffffffffff000ull, 1));
}

TEST(TlbLarge, SkylakeStlbFillsEverySet)
{
    // 1536 x 12: sequential vpns spread over the 128 sets, 12 per set.
    Tlb t(make_config("stlb", {{1536, 12, K4 | M2}}));
    for (uint64_t v = 0; v < 1536; v++)
        EXPECT_FALSE(t.insert(page(v << 12, (v + 7) << 12, 0, 1)));
    EXPECT_EQ(tlb_valid_count(t.t), 1536u);
    for (uint64_t v = 0; v < 1536; v++) {
        tlb_entry out{};
        tlb_slot slot{};
        ASSERT_TRUE(tlb_lookup(t.t, v << 12, 1, &out, &slot)) << v;
        EXPECT_EQ(out.ppn, v + 7);
        EXPECT_EQ(slot.set, v % 128);
        EXPECT_EQ(slot.way, v / 128);
    }
    // Looked up in vpn order, so in set 0 vpn 0 is the least recent.
    tlb_entry victim{};
    EXPECT_TRUE(t.insert(page(1536ull << 12, 0, 0, 1), &victim));
    EXPECT_EQ(victim.vpn, 0u);
    // A 2M page lands in the same array and evicts within its set.
    EXPECT_TRUE(t.insert(page(0x200000ull * 128, 0, 1, 1), &victim)); // 2M vpn 128: set 0
    EXPECT_EQ(victim.vpn, 128u); // the 4K page looked up second
    EXPECT_EQ(victim.level, 0);
    EXPECT_EQ(tlb_valid_count(t.t), 1536u);
}

TEST(TlbLarge, PartlyFilledLastSetWithTwelveWays)
{
    // The last set (127) holds one entry; a lookup whose fingerprint is 0
    // (vpn 127: vpn >> 7 = 0) meets empty ways and the four unused slots
    // of the set's second fingerprint word; none may match or be read.
    Tlb t(make_config("stlb", {{1536, 12, K4}}));
    t.insert(page((127ull + 3 * 128) << 12, 0x1000, 0, 1));
    EXPECT_FALSE(t.hits(127ull << 12, 1));
    EXPECT_TRUE(t.hits((127ull + 3 * 128) << 12, 1));
}

TEST(TlbLarge, FullyAssociative64AllSizes)
{
    Tlb t(make_config("l1dtlb", {{64, 64, K4 | M2 | G1}}));
    for (uint64_t i = 0; i < 64; i++) {
        unsigned level = (unsigned)(i % 3);
        uint64_t va = (i + 1) << MM_LEVEL_SHIFT(level);
        EXPECT_FALSE(t.insert(page(va, i << MM_LEVEL_SHIFT(level), level, 4)));
    }
    EXPECT_EQ(tlb_valid_count(t.t), 64u);
    for (uint64_t i = 0; i < 64; i++) {
        unsigned level = (unsigned)(i % 3);
        uint64_t va = ((i + 1) << MM_LEVEL_SHIFT(level)) + 0x888;
        tlb_entry out{};
        ASSERT_TRUE(tlb_lookup(t.t, va, 4, &out, nullptr)) << i;
        EXPECT_EQ(out.level, level);
        EXPECT_EQ(out.ppn, i);
    }
    tlb_entry victim{};
    EXPECT_TRUE(t.insert(page(0x7000000000, 0, 0, 4), &victim));
    EXPECT_EQ(victim.vpn, 1u); // the first filled and first looked up
    EXPECT_EQ(victim.level, 0);
}

TEST(TlbLarge, FullyAssociative256WithFingerprintCollisions)
{
    // vpn = 256 k + 5: every entry has the same fingerprint (the low byte
    // of the vpn), so every lookup sees 256 candidates and must pick the
    // one with the right key.
    Tlb t(make_config("l2", {{256, 256, K4}}, REPL_PLRU));
    for (uint64_t k = 0; k < 256; k++)
        t.insert(page((256 * k + 5) << 12, k << 12, 0, 9));
    for (uint64_t k = 0; k < 256; k++)
        ASSERT_EQ(t.ppn((256 * k + 5) << 12, 9), k) << k;
    EXPECT_FALSE(t.hits((256 * 300 + 5) << 12, 9));
    EXPECT_FALSE(t.hits(6 << 12, 9));
    // PLRU after fills 0..255 with no touches points at way 0.
    tlb_entry victim{};
    EXPECT_TRUE(t.insert(page(0x1234000, 0, 0, 9), &victim));
    EXPECT_EQ(victim.vpn, 5u);
}

TEST(TlbLookup, NullOutputsAreAllowed)
{
    Tlb t(make_config("l1", {{4, 4, K4}}));
    t.insert(page(0x1000, 0x2000, 0, 1));
    EXPECT_TRUE(tlb_lookup(t.t, 0x1000, 1, nullptr, nullptr));
    EXPECT_TRUE(tlb_probe(t.t, 0x1000, 1, nullptr, nullptr));
    EXPECT_FALSE(tlb_lookup(t.t, 0x3000, 1, nullptr, nullptr));
}

} // namespace
