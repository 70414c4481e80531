// test_repl.cc — replacement policies against access sequences worked out
// by hand in the comments (the RTL must pick the same victims).
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "mmulab/repl.h"

namespace {

// A valid bitmap for up to REPL_MAX_WAYS ways.
struct Valid {
    uint64_t words[REPL_MAX_WAYS / 64] = {};
    void set(uint32_t w) { words[w / 64] |= 1ull << (w % 64); }
    void clear(uint32_t w) { words[w / 64] &= ~(1ull << (w % 64)); }
    void fill(uint32_t ways)
    {
        for (uint32_t w = 0; w < ways; w++)
            set(w);
    }
};

struct Repl {
    repl *r;
    Repl(repl_policy p, uint32_t sets, uint32_t ways, uint16_t seed = 0)
    {
        mm_error err{};
        r = repl_create(p, sets, ways, seed, &err);
        EXPECT_NE(r, nullptr) << err.msg;
    }
    ~Repl() { repl_destroy(r); }
    Repl(const Repl &) = delete;
    Repl &operator=(const Repl &) = delete;
};

// Fills ways 0..ways-1 of set in order, the way a cold set is populated.
void fill_in_order(repl *r, uint32_t set, uint32_t ways)
{
    Valid v;
    for (uint32_t w = 0; w < ways; w++) {
        ASSERT_EQ(repl_victim(r, set, v.words), w) << "invalid-first must take way " << w;
        repl_fill(r, set, w);
        v.set(w);
    }
}

TEST(ReplNames, ParseAndName)
{
    repl_policy p = REPL_LRU;
    mm_error err{};
    EXPECT_EQ(repl_parse("plru", &p, "l1dtlb.replacement", &err), MM_OK);
    EXPECT_EQ(p, REPL_PLRU);
    EXPECT_STREQ(repl_name(REPL_RANDOM), "random");
    EXPECT_EQ(repl_parse("mru", &p, "l1dtlb.replacement", &err), MM_ERR_CONFIG);
    EXPECT_NE(std::strstr(err.msg, "l1dtlb.replacement"), nullptr) << err.msg;
}

TEST(ReplLfsr, SequenceFromAce1ByHand)
{
    // Galois, shift right, xor 0xB400 when the bit shifted out is 1:
    // ACE1 (lsb 1): 0x5670 ^ 0xB400 = E270; E270, 7138, 389C, 1C4E: lsb 0,
    // plain shifts; 1C4E -> 0E27; 0E27 (lsb 1): 0x0713 ^ 0xB400 = B313;
    // B313 (lsb 1): 0x5989 ^ 0xB400 = ED89.
    const uint16_t expect[] = {0xE270, 0x7138, 0x389C, 0x1C4E, 0x0E27, 0xB313, 0xED89};
    uint16_t s = 0xACE1;
    for (uint16_t e : expect) {
        s = repl_lfsr_next(s);
        EXPECT_EQ(s, e);
    }
}

TEST(ReplLfsr, MaximalPeriod)
{
    // x^16 + x^14 + x^13 + x^11 + 1 is primitive: every non-zero state
    // recurs after exactly 65535 steps and not before.
    uint16_t s = REPL_LFSR_DEFAULT_SEED;
    uint32_t steps = 0;
    do {
        s = repl_lfsr_next(s);
        steps++;
        ASSERT_NE(s, 0);
    } while (s != REPL_LFSR_DEFAULT_SEED && steps < 70000);
    EXPECT_EQ(steps, 65535u);
}

TEST(ReplCreate, RejectsImpossibleGeometry)
{
    mm_error err{};
    EXPECT_EQ(repl_create(REPL_LRU, 4, 0, 1, &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_INVALID);
    EXPECT_NE(std::strstr(err.msg, "ways 0"), nullptr) << err.msg;

    err = {};
    EXPECT_EQ(repl_create(REPL_FIFO, 1, REPL_MAX_WAYS + 1, 1, &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_INVALID);
    EXPECT_NE(std::strstr(err.msg, "1025"), nullptr) << err.msg;

    err = {};
    EXPECT_EQ(repl_create(REPL_PLRU, 128, 12, 1, &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_INVALID);
    EXPECT_NE(std::strstr(err.msg, "plru"), nullptr) << err.msg;

    err = {};
    EXPECT_EQ(repl_create(REPL_LRU, 0, 4, 1, &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_INVALID);

    err = {};
    EXPECT_EQ(repl_create((repl_policy)7, 1, 4, 1, &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_INVALID);

    // NULL err is allowed; the largest geometry is accepted.
    EXPECT_EQ(repl_create(REPL_LRU, 1, 0, 1, nullptr), nullptr);
    repl *big = repl_create(REPL_PLRU, 2, REPL_MAX_WAYS, 1, nullptr);
    EXPECT_NE(big, nullptr);
    repl_destroy(big);
    repl_destroy(nullptr);
}

TEST(ReplInvalidFirst, LowestInvalidWayForEveryPolicy)
{
    for (int p = 0; p < REPL_COUNT; p++) {
        Repl r((repl_policy)p, 2, 8, 0xACE1);
        Valid v;
        v.fill(8);
        v.clear(5);
        v.clear(3);
        EXPECT_EQ(repl_victim(r.r, 1, v.words), 3u) << repl_name((repl_policy)p);
        v.set(3);
        EXPECT_EQ(repl_victim(r.r, 1, v.words), 5u) << repl_name((repl_policy)p);
    }
}

TEST(ReplInvalidFirst, BitmapAcrossWords)
{
    // 1000 ways: 16 words, the last one partly used. The only hole is way
    // 777 (word 12, bit 9); bits beyond way 999 in the last word are not
    // ways and must never be returned even though they are clear.
    Repl r(REPL_LRU, 1, 1000);
    Valid v;
    v.fill(1000);
    v.clear(777);
    EXPECT_EQ(repl_victim(r.r, 0, v.words), 777u);
    v.set(777);
    EXPECT_LT(repl_victim(r.r, 0, v.words), 1000u);
}

TEST(ReplLru, FillABCDTouchAInsertE)
{
    // Ways 0..3 hold A B C D, filled in that order; touching A makes B the
    // least recently used; E replaces B; then C, then D.
    Repl r(REPL_LRU, 4, 4);
    fill_in_order(r.r, 2, 4);
    Valid v;
    v.fill(4);
    repl_touch(r.r, 2, 0);
    EXPECT_EQ(repl_victim(r.r, 2, v.words), 1u);
    repl_fill(r.r, 2, 1); // E
    EXPECT_EQ(repl_victim(r.r, 2, v.words), 2u);
    repl_touch(r.r, 2, 2); // C used again: order now D A E C
    EXPECT_EQ(repl_victim(r.r, 2, v.words), 3u);
    repl_touch(r.r, 2, 3); // order A E C D
    EXPECT_EQ(repl_victim(r.r, 2, v.words), 0u);
    // Sets are independent: set 1 was never filled, so ties go to way 0.
    EXPECT_EQ(repl_victim(r.r, 1, v.words), 0u);
}

TEST(ReplLru, VictimDoesNotChangeState)
{
    Repl r(REPL_LRU, 1, 4);
    fill_in_order(r.r, 0, 4);
    Valid v;
    v.fill(4);
    EXPECT_EQ(repl_victim(r.r, 0, v.words), 0u);
    EXPECT_EQ(repl_victim(r.r, 0, v.words), 0u);
}

TEST(ReplLru, TwelveWaysAndThousandWays)
{
    // Skylake STLB set: 12 ways filled 0..11, then touch every even way:
    // the least recent is the first odd way.
    Repl r(REPL_LRU, 128, 12);
    fill_in_order(r.r, 127, 12);
    for (uint32_t w = 0; w < 12; w += 2)
        repl_touch(r.r, 127, w);
    Valid v;
    v.fill(12);
    EXPECT_EQ(repl_victim(r.r, 127, v.words), 1u);
    repl_touch(r.r, 127, 1);
    EXPECT_EQ(repl_victim(r.r, 127, v.words), 3u);

    Repl big(REPL_LRU, 1, 1024);
    fill_in_order(big.r, 0, 1024);
    for (uint32_t w = 0; w < 1024; w++)
        if (w != 500)
            repl_touch(big.r, 0, w);
    Valid all;
    all.fill(1024);
    EXPECT_EQ(repl_victim(big.r, 0, all.words), 500u);
}

TEST(ReplFifo, HitsDoNotReorder)
{
    Repl r(REPL_FIFO, 1, 4);
    fill_in_order(r.r, 0, 4);
    Valid v;
    v.fill(4);
    repl_touch(r.r, 0, 0); // a hit on A: FIFO ignores it
    EXPECT_EQ(repl_victim(r.r, 0, v.words), 0u);
    repl_fill(r.r, 0, 0); // E replaces A and becomes the newest
    EXPECT_EQ(repl_victim(r.r, 0, v.words), 1u);
    repl_fill(r.r, 0, 1);
    repl_touch(r.r, 0, 2);
    EXPECT_EQ(repl_victim(r.r, 0, v.words), 2u);
}

TEST(ReplFifo, InvalidatedWayIsForgotten)
{
    // After ways 0..3 are filled, way 2 is invalidated and refilled: it is
    // now the newest, so the order is 0 1 3 2.
    Repl r(REPL_FIFO, 1, 4);
    fill_in_order(r.r, 0, 4);
    repl_invalidate(r.r, 0, 2);
    Valid v;
    v.fill(4);
    v.clear(2);
    EXPECT_EQ(repl_victim(r.r, 0, v.words), 2u);
    repl_fill(r.r, 0, 2);
    v.set(2);
    const uint32_t order[] = {0, 1, 3, 2};
    for (uint32_t w : order) {
        EXPECT_EQ(repl_victim(r.r, 0, v.words), w);
        repl_fill(r.r, 0, w);
    }
}

TEST(ReplPlru, FourWaysByHand)
{
    // Nodes: 0 = root (ways 0-1 | 2-3), 1 = (0 | 1), 2 = (2 | 3); bit 1 =
    // victim in the upper half. Fills 0..3 leave b0=0 b1=0 b2=0 (each
    // fill points its nodes away from itself; 3 was last).
    // Touch A (way 0): b0=1 b1=1 -> victim: root upper, node 2 lower = way 2
    // (true LRU would say way 1: the policies differ here).
    Repl r(REPL_PLRU, 1, 4);
    fill_in_order(r.r, 0, 4);
    Valid v;
    v.fill(4);
    EXPECT_EQ(repl_victim(r.r, 0, v.words), 0u);
    repl_touch(r.r, 0, 0);
    EXPECT_EQ(repl_victim(r.r, 0, v.words), 2u);
    // E fills way 2: b0=0 b2=1 -> root lower, node 1 (b1=1) upper = way 1.
    repl_fill(r.r, 0, 2);
    EXPECT_EQ(repl_victim(r.r, 0, v.words), 1u);
}

TEST(ReplPlru, EightWaysByHand)
{
    // Nodes 0 (0-3|4-7), 1 (0-1|2-3), 2 (4-5|6-7), 3..6 the leaf pairs.
    // After fills 0..7 every bit is 0 -> victim 0.
    // touch 0: b0=1 b1=1 b3=1 -> victim 4 (b0 up, b2=0, b5=0)
    // touch 4: b0=0 b2=1 b5=1 -> victim 2 (b0 low, b1=1, b4=0)
    // touch 2: b0=1 b1=0 b4=1 -> victim 6 (b0 up, b2=1, b6=0)
    // touch 6: b0=0 b2=0 b6=1 -> victim 1 (b0 low, b1=0, b3=1)
    // touch 1: b0=1 b1=1 b3=0 -> victim 5 (b0 up, b2=0, b5=1); LRU says 3.
    Repl r(REPL_PLRU, 2, 8);
    fill_in_order(r.r, 1, 8);
    Valid v;
    v.fill(8);
    EXPECT_EQ(repl_victim(r.r, 1, v.words), 0u);
    const uint32_t touches[] = {0, 4, 2, 6, 1};
    const uint32_t victims[] = {4, 2, 6, 1, 5};
    for (int i = 0; i < 5; i++) {
        repl_touch(r.r, 1, touches[i]);
        EXPECT_EQ(repl_victim(r.r, 1, v.words), victims[i]) << "after touching way " << touches[i];
    }
    // Set 0 is untouched: all bits clear.
    EXPECT_EQ(repl_victim(r.r, 0, v.words), 0u);
}

TEST(ReplPlru, WideTreeAcrossWords)
{
    // 128 ways: 127 node bits in two words (the general tree walk). After
    // fills 0..127 every node points at its lower half -> victim 0.
    // touch 0 -> every node on 0's path points up: root up, rest low = 64
    // touch 64 -> root low, node(0-63) up (from touch 0), rest low = 32
    // touch 32 -> root up, node(64-127) up (from touch 64), rest low = 96
    // touch 96 -> root low, node(0-63) low (touch 32), node(0-31) up
    //             (touch 0), rest low = 16
    Repl r(REPL_PLRU, 1, 128);
    fill_in_order(r.r, 0, 128);
    Valid v;
    v.fill(128);
    EXPECT_EQ(repl_victim(r.r, 0, v.words), 0u);
    const uint32_t touches[] = {0, 64, 32, 96};
    const uint32_t victims[] = {64, 32, 96, 16};
    for (int i = 0; i < 4; i++) {
        repl_touch(r.r, 0, touches[i]);
        EXPECT_EQ(repl_victim(r.r, 0, v.words), victims[i]);
    }
}

TEST(ReplPlru, OneAndTwoWays)
{
    Repl one(REPL_PLRU, 4, 1);
    Valid v;
    v.fill(1);
    repl_touch(one.r, 3, 0);
    EXPECT_EQ(repl_victim(one.r, 3, v.words), 0u);

    Repl two(REPL_PLRU, 1, 2);
    v.fill(2);
    repl_fill(two.r, 0, 0);
    EXPECT_EQ(repl_victim(two.r, 0, v.words), 1u);
    repl_touch(two.r, 0, 1);
    EXPECT_EQ(repl_victim(two.r, 0, v.words), 0u);
}

TEST(ReplRandom, VictimsFromSeedAce1)
{
    // LFSR states ACE1 E270 7138 389C 1C4E 0E27 B313 (see the LFSR test);
    // victims are the state mod 4 before each step: 1 0 0 0 2 3 3.
    Repl r(REPL_RANDOM, 1, 4, 0xACE1);
    Valid v;
    v.fill(4);
    const uint32_t expect[] = {1, 0, 0, 0, 2, 3, 3};
    for (uint32_t e : expect)
        EXPECT_EQ(repl_victim(r.r, 0, v.words), e);
}

TEST(ReplRandom, TwelveWaysUsesModulo)
{
    // 0xACE1 = 44257 = 12*3688 + 1; 0xE270 = 57968 = 12*4830 + 8;
    // 0x7138 = 28984 = 12*2415 + 4; 0x389C = 14492 = 12*1207 + 8;
    // 0x1C4E = 7246 = 12*603 + 10; 0x0E27 = 3623 = 12*301 + 11.
    Repl r(REPL_RANDOM, 128, 12, 0xACE1);
    Valid v;
    v.fill(12);
    const uint32_t expect[] = {1, 8, 4, 8, 10, 11};
    for (uint32_t e : expect)
        EXPECT_EQ(repl_victim(r.r, 5, v.words), e);
}

TEST(ReplRandom, StepsOnlyAmongValidWays)
{
    Repl r(REPL_RANDOM, 1, 4, 0xACE1);
    Valid v;
    v.fill(4);
    v.clear(2);
    // Three victims taken from a hole: the LFSR must not move.
    for (int i = 0; i < 3; i++)
        EXPECT_EQ(repl_victim(r.r, 0, v.words), 2u);
    v.set(2);
    EXPECT_EQ(repl_victim(r.r, 0, v.words), 1u); // state ACE1
    EXPECT_EQ(repl_victim(r.r, 0, v.words), 0u); // state E270
    // Touches and fills do not step it either.
    repl_touch(r.r, 0, 1);
    repl_fill(r.r, 0, 1);
    repl_invalidate(r.r, 0, 1);
    EXPECT_EQ(repl_victim(r.r, 0, v.words), 0u); // state 7138
    EXPECT_EQ(repl_victim(r.r, 0, v.words), 0u); // state 389C
    EXPECT_EQ(repl_victim(r.r, 0, v.words), 2u); // state 1C4E
}

TEST(ReplRandom, ZeroSeedMeansDefaultAndResetReseeds)
{
    Repl zero(REPL_RANDOM, 1, 4, 0);
    Repl dflt(REPL_RANDOM, 1, 4, REPL_LFSR_DEFAULT_SEED);
    Valid v;
    v.fill(4);
    std::vector<uint32_t> a, b;
    for (int i = 0; i < 20; i++) {
        a.push_back(repl_victim(zero.r, 0, v.words));
        b.push_back(repl_victim(dflt.r, 0, v.words));
    }
    EXPECT_EQ(a, b);
    repl_reset(zero.r);
    std::vector<uint32_t> c;
    for (int i = 0; i < 20; i++)
        c.push_back(repl_victim(zero.r, 0, v.words));
    EXPECT_EQ(a, c);

    // A different seed gives a different sequence: 0x0001 -> victims
    // 1 (state 0001), 0 (B400), 0 (5A00), ...
    Repl one(REPL_RANDOM, 1, 4, 1);
    EXPECT_EQ(repl_victim(one.r, 0, v.words), 1u);
    EXPECT_EQ(repl_victim(one.r, 0, v.words), 0u);
}

TEST(ReplReset, LruAndPlruForgetHistory)
{
    Repl lru(REPL_LRU, 1, 4);
    fill_in_order(lru.r, 0, 4);
    repl_touch(lru.r, 0, 0);
    Valid v;
    v.fill(4);
    EXPECT_EQ(repl_victim(lru.r, 0, v.words), 1u);
    repl_reset(lru.r);
    EXPECT_EQ(repl_victim(lru.r, 0, v.words), 0u);

    Repl plru(REPL_PLRU, 1, 4);
    repl_touch(plru.r, 0, 0);
    EXPECT_EQ(repl_victim(plru.r, 0, v.words), 2u);
    repl_reset(plru.r);
    EXPECT_EQ(repl_victim(plru.r, 0, v.words), 0u);
}

TEST(ReplBadInput, OutOfRangeSetOrWayIsIgnored)
{
    Repl r(REPL_LRU, 2, 4);
    fill_in_order(r.r, 0, 4);
    repl_touch(r.r, 2, 0);
    repl_touch(r.r, 0, 4);
    repl_fill(r.r, 9, 1);
    repl_invalidate(r.r, 0, 99);
    Valid v;
    v.fill(4);
    EXPECT_EQ(repl_victim(r.r, 0, v.words), 0u); // history intact
    EXPECT_EQ(repl_victim(r.r, 7, v.words), 0u); // no such set
}

} // namespace
