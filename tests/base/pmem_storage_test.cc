// pmem_storage_test.cc — how pmem stores frames: contents across slab
// growth and storage reuse, the frame cache's present and absent answers,
// and the allocated-frame set in both representations (bitmap for
// ordinary sizes, hash map for huge sparse memories).
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "mmulab/pmem.h"

namespace {

pmem_config config(uint64_t size, unsigned pa_bits, pmem_alloc_policy policy, uint64_t seed = 1)
{
    pmem_config c{};
    c.size_bytes = size;
    c.pa_bits = pa_bits;
    c.base = 0;
    c.policy = policy;
    c.seed = seed;
    return c;
}

uint64_t value_of(uint64_t frame)
{
    return frame * 0x9e3779b97f4a7c15ull | 1u;
}

TEST(PmemStorage, ContentsSurviveGrowthAndStorageReuse)
{
    pmem_config c = config(1ull << 30, 40, PMEM_ALLOC_SEQUENTIAL);
    mm_error err{};
    pmem *m = pmem_create(&c, &err);
    ASSERT_NE(m, nullptr) << err.msg;
    // 1200 frames: more than the first small slab and two 2 MiB slabs
    for (uint64_t f = 0; f < 1200; f++)
        pmem_write64(m, f * 4096 + 8 * (f % 512), value_of(f));
    EXPECT_EQ(pmem_frames_materialised(m), 1200u);
    for (uint64_t f = 0; f < 1200; f++) {
        ASSERT_EQ(pmem_read64(m, f * 4096 + 8 * (f % 512)), value_of(f)) << f;
        ASSERT_EQ(pmem_read64(m, f * 4096 + 8 * ((f + 1) % 512)), 0u) << f;
    }
    // the sequential allocator hands out frames 0..99: their contents go
    for (int i = 0; i < 100; i++) {
        uint64_t pa;
        ASSERT_EQ(pmem_alloc_frame(m, &pa, &err), MM_OK);
        ASSERT_EQ(pa, (uint64_t)i * 4096);
    }
    EXPECT_EQ(pmem_frames_materialised(m), 1100u);
    for (uint64_t f = 0; f < 100; f++)
        ASSERT_EQ(pmem_read64(m, f * 4096 + 8 * (f % 512)), 0u) << f;
    // new frames take the dropped storage, which must read as zero
    for (uint64_t f = 5000; f < 5150; f++) {
        for (unsigned w = 0; w < 512; w += 37)
            ASSERT_EQ(pmem_read64(m, f * 4096 + 8 * w), 0u) << f;
        pmem_write64(m, f * 4096 + 8 * (f % 512), value_of(f));
    }
    EXPECT_EQ(pmem_frames_materialised(m), 1250u);
    for (uint64_t f = 5000; f < 5150; f++) {
        ASSERT_EQ(pmem_read64(m, f * 4096 + 8 * (f % 512)), value_of(f)) << f;
        for (unsigned w = 1; w < 512; w += 61)
            if (w != f % 512)
                ASSERT_EQ(pmem_read64(m, f * 4096 + 8 * w), 0u) << f << " word " << w;
    }
    for (uint64_t f = 100; f < 1200; f++)
        ASSERT_EQ(pmem_read64(m, f * 4096 + 8 * (f % 512)), value_of(f)) << f;
    pmem_destroy(m);
}

TEST(PmemStorage, AbsentFramesReadZeroUntilWritten)
{
    pmem_config c = config(1ull << 32, 52, PMEM_ALLOC_SEQUENTIAL);
    mm_error err{};
    pmem *m = pmem_create(&c, &err);
    ASSERT_NE(m, nullptr);
    const uint64_t far = (1ull << 52) - 4096;  // a valid address far beyond size
    EXPECT_EQ(pmem_read64(m, far + 16), 0u);   // remembered as absent
    pmem_write64(m, far + 16, 0);              // zero: still nothing stored
    EXPECT_EQ(pmem_frames_materialised(m), 0u);
    pmem_write64(m, far + 16, 77);
    EXPECT_EQ(pmem_frames_materialised(m), 1u);
    EXPECT_EQ(pmem_read64(m, far + 16), 77u);
    EXPECT_EQ(pmem_read64(m, far + 24), 0u);
    // an allocated, written, then freed frame reads as zero again
    uint64_t pa;
    ASSERT_EQ(pmem_alloc_frame(m, &pa, &err), MM_OK);
    pmem_write64(m, pa + 8, 5);
    EXPECT_EQ(pmem_read64(m, pa + 8), 5u);
    pmem_free_frame(m, pa);
    EXPECT_EQ(pmem_read64(m, pa + 8), 0u);
    EXPECT_EQ(pmem_frames_materialised(m), 1u);
    // many frames whose numbers differ only in high bits all stay distinct
    for (uint64_t k = 1; k <= 40; k++)
        pmem_write64(m, (k << 39) | (k << 12), k);
    for (uint64_t k = 1; k <= 40; k++)
        EXPECT_EQ(pmem_read64(m, (k << 39) | (k << 12)), k) << k;
    EXPECT_EQ(pmem_frames_materialised(m), 41u);
    pmem_destroy(m);
}

// Every frame handed out is inside memory, naturally aligned for its run,
// and never handed out twice while allocated.
struct Ledger {
    std::set<uint64_t> frames;
    void take(uint64_t pa, unsigned order, uint64_t end_frame)
    {
        uint64_t first = pa >> 12, count = 1ull << order;
        ASSERT_EQ(first % count, 0u) << "run of order " << order << " at frame " << first;
        ASSERT_LE(first + count, end_frame);
        for (uint64_t f = first; f < first + count; f++)
            ASSERT_TRUE(frames.insert(f).second) << "frame " << f << " handed out twice";
    }
};

void exercise_allocator(pmem_alloc_policy policy, uint64_t size, unsigned pa_bits)
{
    pmem_config c = config(size, pa_bits, policy, 11);
    mm_error err{};
    pmem *m = pmem_create(&c, &err);
    ASSERT_NE(m, nullptr) << err.msg;
    Ledger ledger;
    uint64_t end_frame = size >> 12;
    std::vector<uint64_t> singles;
    for (int round = 0; round < 300; round++) {
        unsigned order = round % 10 == 9 ? 9u : round % 5 == 4 ? 6u : 0u;
        uint64_t pa;
        ASSERT_EQ(pmem_alloc_frames(m, order, &pa, &err), MM_OK) << err.msg;
        ledger.take(pa, order, end_frame);
        if (order == 0)
            singles.push_back(pa);
        if (round % 3 == 2) {  // free every other single so runs must skip holes
            uint64_t victim = singles[singles.size() / 2];
            singles.erase(singles.begin() + (long)(singles.size() / 2));
            pmem_free_frame(m, victim);
            ledger.frames.erase(victim >> 12);
        }
        ASSERT_EQ(pmem_frames_allocated(m), ledger.frames.size());
    }
    pmem_free_frame(m, size);  // beyond memory: ignored
    pmem_free_frame(m, singles.empty() ? 0 : singles[0]);
    pmem_free_frame(m, singles.empty() ? 0 : singles[0]);  // twice: the second is ignored
    EXPECT_EQ(pmem_frames_allocated(m), ledger.frames.size() - (singles.empty() ? 0 : 1));
    pmem_destroy(m);
}

TEST(PmemStorage, AllocatorIsExactOnOrdinaryMemory)
{
    exercise_allocator(PMEM_ALLOC_SEQUENTIAL, 1ull << 32, 40);
    exercise_allocator(PMEM_ALLOC_RANDOM, 1ull << 32, 40);
}

TEST(PmemStorage, AllocatorIsExactOnHugeSparseMemory)
{
    // 2^40 frames: too many for a bitmap, tracked in a map instead
    exercise_allocator(PMEM_ALLOC_SEQUENTIAL, 1ull << 52, 52);
    exercise_allocator(PMEM_ALLOC_RANDOM, 1ull << 52, 52);
}

TEST(PmemStorage, AlignedRunIsFoundAmongFreedFrames)
{
    // 512 frames, all handed out, then a 64-frame hole and a 32-frame hole
    pmem_config c = config(512 * 4096, 40, PMEM_ALLOC_SEQUENTIAL);
    mm_error err{};
    pmem *m = pmem_create(&c, &err);
    ASSERT_NE(m, nullptr);
    uint64_t pa;
    for (int i = 0; i < 512; i++)
        ASSERT_EQ(pmem_alloc_frame(m, &pa, &err), MM_OK);
    for (uint64_t f = 320; f < 384; f++)
        pmem_free_frame(m, f << 12);
    for (uint64_t f = 96; f < 128; f++)
        pmem_free_frame(m, f << 12);
    pmem_free_frame(m, 200ull << 12);  // a lone frame breaks no run but its own
    EXPECT_EQ(pmem_alloc_frames(m, 7, &pa, &err), MM_ERR_FULL);
    ASSERT_EQ(pmem_alloc_frames(m, 6, &pa, &err), MM_OK);
    EXPECT_EQ(pa, 320ull << 12);
    ASSERT_EQ(pmem_alloc_frames(m, 5, &pa, &err), MM_OK);
    EXPECT_EQ(pa, 96ull << 12);
    EXPECT_EQ(pmem_alloc_frames(m, 1, &pa, &err), MM_ERR_FULL);
    ASSERT_EQ(pmem_alloc_frame(m, &pa, &err), MM_OK);
    EXPECT_EQ(pa, 200ull << 12);
    EXPECT_EQ(pmem_frames_allocated(m), 512u);
    pmem_destroy(m);
}

}  // namespace
