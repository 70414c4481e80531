// pmem_test.cc — sparse physical memory, both frame-allocation policies,
// and the internal hash map they rest on.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "base/u64map.h"
#include "mmulab/pmem.h"

namespace {

pmem_config config(uint64_t size, pmem_alloc_policy policy, uint64_t seed = 1)
{
    pmem_config c{};
    c.size_bytes = size;
    c.pa_bits = 40;
    c.base = 0;
    c.policy = policy;
    c.seed = seed;
    return c;
}

TEST(Pmem, SparseReadsAndWrites)
{
    pmem_config c = config(1ull << 36, PMEM_ALLOC_SEQUENTIAL);
    mm_error err{};
    pmem *m = pmem_create(&c, &err);
    ASSERT_NE(m, nullptr) << err.msg;
    EXPECT_EQ(pmem_read64(m, 0x123456780), 0u);
    EXPECT_EQ(pmem_frames_materialised(m), 0u);
    pmem_write64(m, 0x123456780, 0xdeadbeefcafef00dull);
    pmem_write64(m, 0xfff8, 7);
    EXPECT_EQ(pmem_read64(m, 0x123456780), 0xdeadbeefcafef00dull);
    EXPECT_EQ(pmem_read64(m, 0xfff8), 7u);
    EXPECT_EQ(pmem_read64(m, 0x123456788), 0u);
    EXPECT_EQ(pmem_frames_materialised(m), 2u);
    pmem_write64(m, 0x500000000, 0);  // zero into a fresh frame: nothing stored
    EXPECT_EQ(pmem_frames_materialised(m), 2u);
    EXPECT_TRUE(pmem_valid_pa(m, (1ull << 40) - 8));
    EXPECT_FALSE(pmem_valid_pa(m, 1ull << 40));
    pmem_destroy(m);
}

TEST(Pmem, SequentialAllocatorReturnsLowestFreeFrame)
{
    pmem_config c = config(64 * 4096, PMEM_ALLOC_SEQUENTIAL);
    c.base = 4096;
    mm_error err{};
    pmem *m = pmem_create(&c, &err);
    ASSERT_NE(m, nullptr);
    uint64_t a, b, d;
    ASSERT_EQ(pmem_alloc_frame(m, &a, &err), MM_OK);
    ASSERT_EQ(pmem_alloc_frame(m, &b, &err), MM_OK);
    EXPECT_EQ(a, 0x1000u);
    EXPECT_EQ(b, 0x2000u);
    pmem_write64(m, a, 42);
    pmem_free_frame(m, a);
    ASSERT_EQ(pmem_alloc_frame(m, &d, &err), MM_OK);
    EXPECT_EQ(d, a);
    EXPECT_EQ(pmem_read64(m, d), 0u);  // a reused frame is zeroed
    uint64_t big;
    ASSERT_EQ(pmem_alloc_frames(m, 4, &big, &err), MM_OK);  // 16 frames, aligned
    EXPECT_EQ(big % (16 * 4096), 0u);
    uint64_t x;
    ASSERT_EQ(pmem_alloc_frame(m, &x, &err), MM_OK);  // skipped frames are reused
    EXPECT_EQ(x, 0x3000u);
    EXPECT_EQ(pmem_frames_allocated(m), 19u);
    pmem_destroy(m);
}

TEST(Pmem, ExhaustionIsAnErrorNotACrash)
{
    pmem_config c = config(8 * 4096, PMEM_ALLOC_SEQUENTIAL);
    mm_error err{};
    pmem *m = pmem_create(&c, &err);
    ASSERT_NE(m, nullptr);
    uint64_t pa;
    for (int i = 0; i < 8; i++)
        ASSERT_EQ(pmem_alloc_frame(m, &pa, &err), MM_OK);
    EXPECT_EQ(pmem_alloc_frame(m, &pa, &err), MM_ERR_FULL);
    EXPECT_NE(std::string(err.msg).find("full"), std::string::npos);
    pmem_free_frame(m, 0x3000);
    EXPECT_EQ(pmem_alloc_frames(m, 1, &pa, &err), MM_ERR_FULL);
    EXPECT_EQ(pmem_alloc_frame(m, &pa, &err), MM_OK);
    EXPECT_EQ(pa, 0x3000u);
    pmem_destroy(m);
}

TEST(Pmem, RandomAllocatorIsSeededAndCollisionFree)
{
    auto sequence = [](uint64_t seed) {
        pmem_config c = config(1024 * 4096, PMEM_ALLOC_RANDOM, seed);
        mm_error err{};
        pmem *m = pmem_create(&c, &err);
        std::vector<uint64_t> out;
        for (int i = 0; i < 1024; i++) {
            uint64_t pa;
            EXPECT_EQ(pmem_alloc_frame(m, &pa, &err), MM_OK);
            out.push_back(pa);
        }
        uint64_t pa;
        EXPECT_EQ(pmem_alloc_frame(m, &pa, &err), MM_ERR_FULL);
        pmem_destroy(m);
        return out;
    };
    std::vector<uint64_t> a = sequence(3), b = sequence(3), c = sequence(4);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    std::set<uint64_t> unique(a.begin(), a.end());
    EXPECT_EQ(unique.size(), 1024u);
    bool in_order = true;
    for (size_t i = 1; i < a.size(); i++)
        in_order = in_order && a[i] > a[i - 1];
    EXPECT_FALSE(in_order);
}

TEST(Pmem, BadConfigsNameTheKey)
{
    mm_error err{};
    pmem_config c = config(4096 * 3 + 1, PMEM_ALLOC_SEQUENTIAL);
    EXPECT_EQ(pmem_create(&c, &err), nullptr);
    EXPECT_NE(std::string(err.msg).find("memory.size"), std::string::npos);
    c = config(1ull << 41, PMEM_ALLOC_SEQUENTIAL);
    EXPECT_EQ(pmem_create(&c, &err), nullptr);
    c = config(1 << 20, PMEM_ALLOC_SEQUENTIAL);
    c.pa_bits = 60;
    EXPECT_EQ(pmem_create(&c, &err), nullptr);
    EXPECT_NE(std::string(err.msg).find("pa_bits"), std::string::npos);
    c = config(1 << 20, PMEM_ALLOC_SEQUENTIAL);
    c.base = 100;
    EXPECT_EQ(pmem_create(&c, &err), nullptr);
    EXPECT_NE(std::string(err.msg).find("memory.base"), std::string::npos);
}

TEST(U64Map, RemoveKeepsCollidingKeysReachable)
{
    u64map m;
    ASSERT_TRUE(u64map_init(&m, 16));
    std::vector<uint64_t> keys;
    for (uint64_t k = 0; k < 5000; k++)
        keys.push_back(k * 0x1000);
    int marks[5000];
    for (size_t i = 0; i < keys.size(); i++)
        ASSERT_TRUE(u64map_put(&m, keys[i], &marks[i]));
    EXPECT_EQ(m.count, 5000u);
    for (size_t i = 0; i < keys.size(); i += 3)
        EXPECT_EQ(u64map_remove(&m, keys[i]), &marks[i]);
    for (size_t i = 0; i < keys.size(); i++)
        EXPECT_EQ(u64map_get(&m, keys[i]), i % 3 ? &marks[i] : nullptr) << i;
    EXPECT_EQ(u64map_remove(&m, 12345), nullptr);
    u64map_free(&m);
}

TEST(Common, NamesAndErrors)
{
    EXPECT_STREQ(mm_fault_name(MM_FAULT_NOT_PRESENT), "not_present");
    EXPECT_STREQ(mm_fault_name((mm_fault)99), "unknown");
    EXPECT_STREQ(mm_access_name(MM_ACCESS_STORE), "store");
    mm_error err{};
    EXPECT_EQ(mm_fail(&err, MM_ERR_CONFIG, "key %s", "x.y"), MM_ERR_CONFIG);
    EXPECT_STREQ(err.msg, "key x.y");
    EXPECT_EQ(mm_fail(nullptr, MM_ERR_IO, "ignored"), MM_ERR_IO);
}

}  // namespace
