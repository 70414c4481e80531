// os_fork_thp_test.cc — copy-on-write fork (copy, take-over, swapped pages
// shared through their slot) and transparent huge pages (allocation by
// policy, fallback, split on partial munmap and mprotect, split under
// reclaim and on a write to a shared huge page).
#include <gtest/gtest.h>

#include "os/os_test_util.h"

namespace {

using namespace os_test;

constexpr uint64_t kBase = 0x40000000; // 1 GiB aligned

TEST(OsFork, ChildWriteCopiesThePageAndTheParentKeepsItsData)
{
    for (pt_format f : {PT_X86_64_4LEVEL, PT_SV39}) {
        SCOPED_TRACE(pt_format_get(f)->name);
        os_config cfg = small_config(16);
        Machine m(cfg, f);
        uint32_t parent = m.process();
        m.mmap(parent, kBase, 4 * kPage);
        m.store(parent, kBase, 100);
        m.store(parent, kBase + kPage, 200);
        uint32_t child;
        mm_error err{};
        ASSERT_EQ(os_fork(m.o(), parent, &child, &err), MM_OK) << err.msg;
        size_t n = 0;
        const os_shootdown *sd = os_last_shootdowns(m.o(), &n);
        ASSERT_EQ(n, 2u); // both writable parent pages became read-only
        EXPECT_EQ(sd[0].pid, parent);
        EXPECT_EQ(m.stats().frames_used, 2u);
        EXPECT_EQ(os_resident(m.o(), child), 2u);
        walk_result pr = m.walk(parent, kBase), cr = m.walk(child, kBase);
        ASSERT_EQ(cr.fault, MM_FAULT_NONE);
        EXPECT_EQ(pr.pa, cr.pa);
        EXPECT_FALSE(cr.perm & MM_PERM_W);
        EXPECT_EQ(m.load(child, kBase), 100u);

        auto out = m.touch(child, kBase, MM_ACCESS_STORE);
        ASSERT_EQ(out.size(), 1u);
        EXPECT_EQ(out[0].kind, OS_FAULT_KIND_COW);
        EXPECT_EQ(out[0].cycles, (uint64_t)cfg.cow_cycles + cfg.shootdown_cycles);
        ASSERT_EQ(out[0].n_shootdowns, 1u);
        EXPECT_EQ(out[0].shootdowns[0].pid, child);
        m.store(child, kBase, 111);
        EXPECT_EQ(m.load(child, kBase), 111u);
        EXPECT_EQ(m.load(parent, kBase), 100u);
        EXPECT_NE(m.walk(child, kBase).pa, m.walk(parent, kBase).pa);
        EXPECT_EQ(m.stats().cow_copies, 1u);
        EXPECT_EQ(m.stats().frames_used, 3u);

        // The parent is now the frame's only user: it takes the page over.
        uint64_t before = m.walk(parent, kBase).pa;
        out = m.touch(parent, kBase, MM_ACCESS_STORE);
        ASSERT_EQ(out.size(), 1u);
        EXPECT_EQ(out[0].kind, OS_FAULT_KIND_COW);
        EXPECT_EQ(out[0].cycles, (uint64_t)cfg.minor_cycles + cfg.shootdown_cycles);
        EXPECT_EQ(m.walk(parent, kBase).pa, before);
        EXPECT_EQ(m.stats().cow_copies, 1u);
        EXPECT_EQ(m.stats().cow_faults, 2u);
        m.store(parent, kBase + kPage, 222);
        EXPECT_EQ(m.load(child, kBase + kPage), 200u);
        EXPECT_EQ(m.load(parent, kBase + kPage), 222u);

        ASSERT_EQ(os_exit(m.o(), child, nullptr), MM_OK);
        EXPECT_EQ(m.load(parent, kBase), 100u);
        EXPECT_EQ(m.stats().frames_used, 2u);
        EXPECT_EQ(os_resident(m.o(), parent), 2u);
    }
}

TEST(OsFork, SwappedPagesAreSharedThroughTheirSlot)
{
    Machine m(small_config(2));
    uint32_t parent = m.process();
    m.mmap(parent, kBase, 8 * kPage);
    for (uint64_t i = 0; i < 6; i++)
        m.store(parent, kBase + i * kPage, 1000 + i);
    EXPECT_EQ(m.stats().swap_used, 4u);
    uint32_t child;
    ASSERT_EQ(os_fork(m.o(), parent, &child, nullptr), MM_OK);
    EXPECT_EQ(m.stats().swap_used, 4u); // shared, not copied
    for (uint64_t i = 0; i < 6; i++)
        m.store(child, kBase + i * kPage + 8, 2000 + i);
    for (uint64_t i = 0; i < 6; i++) {
        EXPECT_EQ(m.load(child, kBase + i * kPage), 1000 + i) << i;
        EXPECT_EQ(m.load(child, kBase + i * kPage + 8), 2000 + i) << i;
        EXPECT_EQ(m.load(parent, kBase + i * kPage), 1000 + i) << i;
        EXPECT_EQ(m.load(parent, kBase + i * kPage + 8), 0u) << i;
    }
    ASSERT_EQ(os_exit(m.o(), parent, nullptr), MM_OK);
    ASSERT_EQ(os_exit(m.o(), child, nullptr), MM_OK);
    EXPECT_EQ(m.stats().swap_used, 0u);
    EXPECT_EQ(m.stats().frames_used, 0u);
}

TEST(OsThp, PolicyDecidesThePageSize)
{
    struct Case {
        os_thp_policy policy;
        uint32_t flags;
        unsigned level;
    } cases[] = {{OS_THP_NEVER, OS_MAP_HUGE, 0},
                 {OS_THP_ALWAYS, 0, 1},
                 {OS_THP_ON_REQUEST, 0, 0},
                 {OS_THP_ON_REQUEST, OS_MAP_HUGE, 1}};
    for (const Case &c : cases) {
        SCOPED_TRACE(c.policy * 10 + c.flags);
        os_config cfg = small_config(2048);
        cfg.thp = c.policy;
        Machine m(cfg);
        uint32_t pid = m.process();
        m.mmap(pid, kBase, 2 * k2M, kRW, c.flags);
        auto out = m.touch(pid, kBase + k2M + 0x3008, MM_ACCESS_STORE);
        ASSERT_EQ(out.size(), 1u);
        EXPECT_EQ(out[0].level, c.level);
        walk_result r = m.walk(pid, kBase + k2M + 0x3008);
        ASSERT_EQ(r.fault, MM_FAULT_NONE);
        EXPECT_EQ(r.leaf_level, c.level);
        uint64_t frames = c.level ? 512u : 1u;
        EXPECT_EQ(m.stats().frames_used, frames);
        EXPECT_EQ(os_resident(m.o(), pid), frames);
        EXPECT_EQ(out[0].cycles, cfg.minor_cycles + frames * cfg.zero_cycles);
        EXPECT_EQ(m.stats().thp_allocs, c.level ? 1u : 0u);
    }
}

TEST(OsThp, FallsBackTo4KWhereAHugePageCannotGo)
{
    os_config cfg = small_config(4096);
    cfg.thp = OS_THP_ALWAYS;
    Machine m(cfg);
    uint32_t g;
    ASSERT_EQ(os_group_create(m.o(), 100, &g, nullptr), MM_OK);
    uint32_t small = m.process(g), pid = m.process();
    m.mmap(small, kBase, k2M);
    m.store(small, kBase, 1); // limit 100 < 512
    EXPECT_EQ(m.walk(small, kBase).leaf_level, 0u);
    EXPECT_EQ(m.stats().thp_fallbacks, 1u);
    m.mmap(pid, kBase + kPage, k2M); // not 2M aligned: no aligned 2M inside
    m.store(pid, kBase + k2M - kPage, 1);
    EXPECT_EQ(m.walk(pid, kBase + k2M - kPage).leaf_level, 0u);
    m.mmap(pid, kBase + 4 * k2M, 2 * k2M);
    m.store(pid, kBase + 4 * k2M, 1); // 4K page first: the 2M range is no longer empty
    mm_error err{};
    ASSERT_EQ(os_munmap(m.o(), pid, kBase + 4 * k2M, kPage, &err), MM_OK);
    m.store(pid, kBase + 4 * k2M + kPage, 2);
    EXPECT_EQ(m.walk(pid, kBase + 4 * k2M + kPage).leaf_level, 0u);
    m.store(pid, kBase + 5 * k2M, 3);
    EXPECT_EQ(m.walk(pid, kBase + 5 * k2M).leaf_level, 1u);
}

TEST(OsThp, PartialMunmapSplitsTheHugePage)
{
    os_config cfg = small_config(2048);
    cfg.thp = OS_THP_ALWAYS;
    Machine m(cfg, PT_SV48);
    uint32_t pid = m.process();
    m.mmap(pid, kBase, k2M);
    for (uint64_t off = 0; off < k2M; off += 64 * kPage)
        m.store(pid, kBase + off + 16, pattern(pid, off));
    ASSERT_EQ(m.walk(pid, kBase).leaf_level, 1u);
    uint64_t huge_pa = m.walk(pid, kBase).pa;
    mm_error err{};
    ASSERT_EQ(os_munmap(m.o(), pid, kBase + 64 * kPage, kPage, &err), MM_OK) << err.msg;
    size_t n = 0;
    const os_shootdown *sd = os_last_shootdowns(m.o(), &n);
    ASSERT_EQ(n, 2u); // the 2M mapping, then the unmapped 4K page
    EXPECT_EQ(sd[0].va, kBase);
    EXPECT_EQ(sd[0].level, 1u);
    EXPECT_EQ(sd[1].va, kBase + 64 * kPage);
    EXPECT_EQ(sd[1].level, 0u);
    EXPECT_EQ(m.stats().thp_splits, 1u);
    EXPECT_EQ(m.stats().frames_used, 511u);
    EXPECT_EQ(os_resident(m.o(), pid), 511u);
    walk_result r = m.walk(pid, kBase);
    EXPECT_EQ(r.leaf_level, 0u);
    EXPECT_EQ(r.pa, huge_pa); // same frames, now mapped 4K by 4K
    EXPECT_EQ(m.walk(pid, kBase + 64 * kPage).fault, MM_FAULT_NOT_PRESENT);
    for (uint64_t off = 0; off < k2M; off += 64 * kPage) {
        if (off == 64 * kPage)
            continue;
        EXPECT_EQ(m.load(pid, kBase + off + 16), pattern(pid, off)) << off;
    }
    uint64_t v;
    EXPECT_EQ(os_load(m.o(), pid, kBase + 64 * kPage, &v, &err), MM_ERR_INVALID);
}

TEST(OsThp, MprotectOfPartSplitsAndReclaimSplitsAHugeVictim)
{
    os_config cfg = small_config(520);
    cfg.thp = OS_THP_ALWAYS;
    Machine m(cfg);
    uint32_t pid = m.process();
    m.mmap(pid, kBase, k2M);
    m.mmap(pid, kBase + 8 * k2M, 64 * kPage);
    m.store(pid, kBase + 8, 42);
    m.store(pid, kBase + k2M - 8, 43);
    mm_error err{};
    ASSERT_EQ(os_mprotect(m.o(), pid, kBase, kPage, MM_PERM_R, &err), MM_OK) << err.msg;
    EXPECT_EQ(m.stats().thp_splits, 1u);
    EXPECT_EQ(os_store(m.o(), pid, kBase + 8, 1, &err), MM_ERR_INVALID);
    m.store(pid, kBase + kPage, 44);
    // 520 frames: the 4K region's pages push pieces of the split page out.
    for (uint64_t i = 0; i < 64; i++)
        m.store(pid, kBase + 8 * k2M + i * kPage, i);
    EXPECT_EQ(m.stats().frames_used, 520u);
    EXPECT_GT(m.stats().swap_outs, 0u);
    EXPECT_EQ(m.load(pid, kBase + 8), 42u);
    EXPECT_EQ(m.load(pid, kBase + k2M - 8), 43u);
    EXPECT_EQ(m.load(pid, kBase + kPage), 44u);
    for (uint64_t i = 0; i < 64; i++)
        EXPECT_EQ(m.load(pid, kBase + 8 * k2M + i * kPage), i);
}

TEST(OsThp, ReclaimSplitsAnUnsplitHugeVictim)
{
    os_config cfg = small_config(513);
    cfg.thp = OS_THP_ON_REQUEST;
    Machine m(cfg);
    uint32_t pid = m.process();
    m.mmap(pid, kBase, k2M, kRW, OS_MAP_HUGE);
    m.mmap(pid, kBase + 8 * k2M, 4 * kPage);
    m.store(pid, kBase + 0x1000, 7);
    ASSERT_EQ(m.walk(pid, kBase).leaf_level, 1u);
    m.store(pid, kBase + 8 * k2M, 1);
    m.store(pid, kBase + 8 * k2M + kPage, 2); // over budget: the huge page is split
    EXPECT_EQ(m.stats().thp_splits, 1u);
    EXPECT_EQ(m.stats().frames_used, 513u);
    EXPECT_EQ(m.load(pid, kBase + 0x1000), 7u);
    EXPECT_EQ(m.load(pid, kBase + 8 * k2M), 1u);
}

TEST(OsThp, WriteToASharedHugePageSplitsAndCopiesOnly4K)
{
    os_config cfg = small_config(2048);
    cfg.thp = OS_THP_ALWAYS;
    Machine m(cfg);
    uint32_t parent = m.process();
    m.mmap(parent, kBase, k2M);
    m.store(parent, kBase + 0x5000, 5);
    m.store(parent, kBase + 0x6000, 6);
    uint32_t child;
    ASSERT_EQ(os_fork(m.o(), parent, &child, nullptr), MM_OK);
    EXPECT_EQ(m.walk(child, kBase).leaf_level, 1u);
    m.store(child, kBase + 0x5000, 55);
    EXPECT_EQ(m.stats().thp_splits, 1u);
    EXPECT_EQ(m.stats().cow_copies, 1u);
    EXPECT_EQ(m.stats().frames_used, 513u);
    EXPECT_EQ(m.load(parent, kBase + 0x5000), 5u);
    EXPECT_EQ(m.load(child, kBase + 0x5000), 55u);
    EXPECT_EQ(m.load(child, kBase + 0x6000), 6u);
    EXPECT_EQ(m.walk(parent, kBase + 0x6000).pa, m.walk(child, kBase + 0x6000).pa);
}

TEST(OsThp, OneGigabytePageWhereTheFormatAndPolicyAllow)
{
    os_config cfg = small_config(1u << 19);
    cfg.thp = OS_THP_ON_REQUEST;
    cfg.thp_max_level = 2;
    Machine m(cfg, PT_SV39, 2 * k1G);
    uint32_t pid = m.process();
    m.mmap(pid, kBase, k1G, kRW, OS_MAP_HUGE);
    m.store(pid, kBase + 0x12345678 & ~7ull, 9);
    walk_result r = m.walk(pid, kBase);
    ASSERT_EQ(r.fault, MM_FAULT_NONE);
    EXPECT_EQ(r.leaf_level, 2u);
    EXPECT_EQ(m.stats().frames_used, 1u << 18);
    mm_error err{};
    ASSERT_EQ(os_munmap(m.o(), pid, kBase, kPage, &err), MM_OK) << err.msg;
    EXPECT_EQ(m.stats().thp_splits, 2u); // 1G -> 2M, then the first 2M -> 4K
    EXPECT_EQ(m.walk(pid, kBase + k2M).leaf_level, 1u);
    EXPECT_EQ(m.walk(pid, kBase + kPage).leaf_level, 0u);
    EXPECT_EQ(m.load(pid, kBase + 0x12345678 & ~7ull), 9u);
    EXPECT_EQ(m.stats().frames_used, (1u << 18) - 1);
}

} // namespace
