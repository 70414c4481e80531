// os_swap_test.cc — memory pressure: eviction to swap and major faults
// with the data intact, the replacement policies choosing the inactive
// page, group limits that reclaim from their own group only, the swap
// encoding in the PTE, clean pages not rewritten, and a full swap device.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "os/os_test_util.h"

namespace {

using namespace os_test;

constexpr uint64_t kBase = 0x10000000;

// Writes three words of every page, so a lost, zeroed or mixed-up page shows.
void fill(Machine &m, uint32_t pid, uint64_t pages)
{
    for (uint64_t i = 0; i < pages; i++)
        for (uint64_t w : {uint64_t{0}, uint64_t{8}, kPage - 8})
            m.store(pid, kBase + i * kPage + w, pattern(pid, kBase + i * kPage + w));
}

void expect_intact(Machine &m, uint32_t pid, uint64_t pages)
{
    for (uint64_t i = 0; i < pages; i++)
        for (uint64_t w : {uint64_t{0}, uint64_t{8}, kPage - 8})
            ASSERT_EQ(m.load(pid, kBase + i * kPage + w), pattern(pid, kBase + i * kPage + w))
                << "page " << i << " word " << w;
}

class OsSwapFormats : public ::testing::TestWithParam<pt_format> {};

TEST_P(OsSwapFormats, FullRamSwapsOutAndMajorFaultsBringTheDataBack)
{
    os_config cfg = small_config(8);
    Machine m(cfg, GetParam());
    uint32_t pid = m.process();
    m.mmap(pid, kBase, 32 * kPage);
    fill(m, pid, 24);
    EXPECT_EQ(m.stats().frames_used, 8u);
    EXPECT_EQ(os_resident(m.o(), pid), 8u);
    EXPECT_EQ(m.stats().swap_outs, 16u);
    EXPECT_EQ(m.stats().swap_used, 16u);
    // An evicted page's PTE holds its slot: not present, the swap marker,
    // a slot number below the slots in use.
    std::set<uint64_t> slots;
    for (uint64_t i = 0; i < 24; i++) {
        walk_result r = m.walk(pid, kBase + i * kPage);
        if (r.fault == MM_FAULT_NONE)
            continue;
        ASSERT_EQ(r.fault, MM_FAULT_NOT_PRESENT);
        EXPECT_EQ(r.leaf_pte & 1u, 0u);
        EXPECT_EQ(r.leaf_pte & 2u, 2u);
        slots.insert(r.leaf_pte >> 12);
    }
    EXPECT_EQ(slots.size(), 16u);
    EXPECT_LT(*slots.rbegin(), 16u);
    expect_intact(m, pid, 24);
    EXPECT_GE(m.stats().major_faults, 16u);
    EXPECT_EQ(m.stats().major_faults, m.stats().swap_ins);
    EXPECT_EQ(m.stats().frames_used, 8u);
}

INSTANTIATE_TEST_SUITE_P(All, OsSwapFormats,
                         ::testing::Values(PT_X86_64_4LEVEL, PT_X86_64_5LEVEL, PT_SV39, PT_SV48, PT_SV57),
                         [](const auto &info) {
                             std::string n = pt_format_get(info.param)->name;
                             for (char &c : n)
                                 if (c == '-')
                                     c = '_';
                             return n;
                         });

TEST(OsSwap, MajorFaultCostsAndShootdownsAreReported)
{
    os_config cfg = small_config(1);
    Machine m(cfg);
    uint32_t pid = m.process();
    m.mmap(pid, kBase, 2 * kPage);
    m.store(pid, kBase, 1);
    auto out = m.touch(pid, kBase + kPage, MM_ACCESS_STORE); // evicts page 0
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].kind, OS_FAULT_KIND_MINOR);
    EXPECT_EQ(out[0].swap_outs, 1u);
    EXPECT_EQ(out[0].cycles, (uint64_t)cfg.minor_cycles + cfg.zero_cycles + cfg.swap_out_cycles +
                                 cfg.shootdown_cycles);
    ASSERT_EQ(out[0].n_shootdowns, 1u);
    EXPECT_EQ(out[0].shootdowns[0].va, kBase);
    EXPECT_EQ(out[0].shootdowns[0].pid, pid);
    EXPECT_EQ(out[0].shootdowns[0].asid, os_asid(m.o(), pid));
    EXPECT_EQ(out[0].shootdowns[0].level, 0u);
    out = m.touch(pid, kBase); // major: page 1 is dirty, so it is written out
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].kind, OS_FAULT_KIND_MAJOR);
    EXPECT_EQ(out[0].cycles, (uint64_t)cfg.major_cycles + cfg.swap_out_cycles + cfg.shootdown_cycles);
    EXPECT_EQ(m.load(pid, kBase), 1u);
}

TEST(OsSwap, CleanPageWithValidSwapCopyIsNotWrittenAgain)
{
    Machine m(small_config(1));
    uint32_t pid = m.process();
    m.mmap(pid, kBase, 2 * kPage);
    m.store(pid, kBase, 0x1234);
    m.store(pid, kBase + kPage, 0x5678); // page 0 out (write 1)
    EXPECT_EQ(m.load(pid, kBase), 0x1234u); // page 1 out (write 2), page 0 in, clean
    EXPECT_EQ(m.stats().swap_outs, 2u);
    EXPECT_EQ(m.load(pid, kBase + kPage), 0x5678u); // page 0 out: its copy is valid
    EXPECT_EQ(m.stats().swap_outs, 2u);
    EXPECT_EQ(m.stats().swap_out_skipped, 1u);
    EXPECT_EQ(m.load(pid, kBase), 0x1234u);
    m.store(pid, kBase, 0x9999); // dirty now: the next eviction writes
    EXPECT_EQ(m.load(pid, kBase + kPage), 0x5678u);
    EXPECT_EQ(m.stats().swap_outs, 3u);
    EXPECT_EQ(m.load(pid, kBase), 0x9999u);
}

TEST(OsSwap, TimingOnlySwapReturnsZeroedPages)
{
    os_config cfg = small_config(1);
    cfg.keep_content = false;
    Machine m(cfg);
    uint32_t pid = m.process();
    m.mmap(pid, kBase, 2 * kPage);
    m.store(pid, kBase, 7);
    m.store(pid, kBase + kPage, 8);
    EXPECT_EQ(m.load(pid, kBase), 0u);
    EXPECT_EQ(m.stats().major_faults, 1u);
}

TEST(OsSwap, FullSwapDeviceIsAnOutOfMemoryError)
{
    os_config cfg = small_config(2);
    cfg.swap_slots = 2;
    Machine m(cfg);
    uint32_t pid = m.process();
    m.mmap(pid, kBase, 8 * kPage);
    fill(m, pid, 4);
    mm_error err{};
    EXPECT_EQ(os_store(m.o(), pid, kBase + 4 * kPage, 1, &err), MM_ERR_FULL);
    EXPECT_NE(std::string(err.msg).find("swap"), std::string::npos) << err.msg;
    EXPECT_EQ(m.stats().swap_used, 2u);
    // Unmapping a swapped page frees its slot; the store then succeeds.
    uint64_t swapped = m.present(pid, kBase) ? kBase + kPage : kBase;
    ASSERT_FALSE(m.present(pid, swapped));
    ASSERT_EQ(os_munmap(m.o(), pid, swapped, kPage, &err), MM_OK) << err.msg;
    EXPECT_EQ(m.stats().swap_used, 1u);
    m.store(pid, kBase + 4 * kPage, 1);
    EXPECT_EQ(m.load(pid, kBase + 4 * kPage), 1u);
}

// Every resident page but one is touched again after a reclaim has cleared
// the A bits: the next victim must be that inactive page.
void inactive_page_is_the_victim(os_repl_policy policy)
{
    os_config cfg = small_config(4);
    cfg.repl = policy;
    Machine m(cfg);
    uint32_t pid = m.process();
    m.mmap(pid, kBase, 16 * kPage);
    fill(m, pid, 5); // the fifth page evicts one, sampling every A bit
    std::vector<uint64_t> resident;
    for (uint64_t i = 0; i < 5; i++)
        if (m.present(pid, kBase + i * kPage))
            resident.push_back(kBase + i * kPage);
    ASSERT_EQ(resident.size(), 4u);
    for (uint64_t cold : resident) {
        if (cold == kBase + 4 * kPage)
            continue; // the newest page is not a fair candidate
        SCOPED_TRACE(cold);
        // Everyone but `cold` is used again.
        for (uint64_t va : resident)
            if (va != cold && m.present(pid, va))
                m.load(pid, va);
        std::vector<uint64_t> now;
        for (uint64_t i = 0; i < 16; i++)
            if (m.present(pid, kBase + i * kPage))
                now.push_back(kBase + i * kPage);
        uint64_t fresh = kBase + (8 + (cold - kBase) / kPage) * kPage;
        m.store(pid, fresh, 1);
        EXPECT_FALSE(m.present(pid, cold));
        for (uint64_t va : now)
            if (va != cold)
                EXPECT_TRUE(m.present(pid, va)) << std::hex << va;
        return;
    }
}

TEST(OsReplacement, ClockEvictsThePageNotUsedSinceTheLastSweep)
{
    inactive_page_is_the_victim(OS_REPL_CLOCK);
}

TEST(OsReplacement, AgingEvictsThePageNotUsedSinceTheLastSweep)
{
    inactive_page_is_the_victim(OS_REPL_AGING);
}

TEST(OsReplacement, AgingKeepsTheDataIntactUnderPressure)
{
    os_config cfg = small_config(6);
    cfg.repl = OS_REPL_AGING;
    Machine m(cfg, PT_SV48);
    uint32_t pid = m.process();
    m.mmap(pid, kBase, 32 * kPage);
    fill(m, pid, 20);
    expect_intact(m, pid, 20);
    EXPECT_EQ(m.stats().frames_used, 6u);
}

TEST(OsGroups, GroupAtItsLimitReclaimsFromItselfNotFromOthers)
{
    Machine m(small_config(64));
    uint32_t small, big;
    ASSERT_EQ(os_group_create(m.o(), 4, &small, nullptr), MM_OK);
    ASSERT_EQ(os_group_create(m.o(), 0, &big, nullptr), MM_OK);
    uint32_t a = m.process(small), b = m.process(big);
    m.mmap(a, kBase, 16 * kPage);
    m.mmap(b, kBase, 16 * kPage);
    fill(m, b, 6);
    fill(m, a, 10);
    EXPECT_EQ(os_group_resident(m.o(), small), 4u);
    EXPECT_EQ(os_group_resident(m.o(), big), 6u);
    EXPECT_EQ(os_resident(m.o(), a), 4u);
    EXPECT_EQ(os_resident(m.o(), b), 6u);
    for (uint64_t i = 0; i < 6; i++)
        EXPECT_TRUE(m.present(b, kBase + i * kPage)) << i;
    EXPECT_EQ(m.stats().swap_outs, 6u);
    expect_intact(m, a, 10);
    expect_intact(m, b, 6);
    for (uint64_t i = 0; i < 6; i++)
        EXPECT_TRUE(m.present(b, kBase + i * kPage)) << i;
    EXPECT_LE(os_group_resident(m.o(), small), 4u);
}

TEST(OsGroups, BudgetPressureReclaimsAcrossGroups)
{
    Machine m(small_config(6));
    uint32_t g;
    ASSERT_EQ(os_group_create(m.o(), 0, &g, nullptr), MM_OK);
    uint32_t a = m.process(0), b = m.process(g);
    m.mmap(a, kBase, 8 * kPage);
    m.mmap(b, kBase, 8 * kPage);
    fill(m, a, 6);
    fill(m, b, 4);
    EXPECT_EQ(m.stats().frames_used, 6u);
    EXPECT_EQ(os_group_resident(m.o(), g), 4u);
    EXPECT_EQ(os_group_resident(m.o(), 0), 2u);
    expect_intact(m, a, 6);
    expect_intact(m, b, 4);
}

TEST(OsGroups, AnEmptyGroupAtItsLimitCannotTakeFromOthers)
{
    Machine m(small_config(8));
    uint32_t g;
    ASSERT_EQ(os_group_create(m.o(), 1, &g, nullptr), MM_OK);
    uint32_t a = m.process(g);
    m.mmap(a, kBase, 4 * kPage);
    mm_error err{};
    uint32_t c;
    m.store(a, kBase, 1);
    ASSERT_EQ(os_fork(m.o(), a, &c, &err), MM_OK);
    // The one frame is shared and pinned by the COW copy: nothing to reclaim.
    EXPECT_EQ(os_store(m.o(), c, kBase, 2, &err), MM_ERR_FULL);
    EXPECT_NE(std::string(err.msg).find("group 1"), std::string::npos) << err.msg;
    EXPECT_EQ(m.load(a, kBase), 1u);
}

} // namespace

namespace {

using namespace os_test;

TEST(OsPressure, PageTablesFillingMemoryAreMadeRoomForByReclaim)
{
    // 40 frames of memory, a budget far beyond it: physical memory, not
    // the budget, runs out first, and reclaim must still make room.
    Machine m(small_config(1000), PT_X86_64_4LEVEL, 0x100000 + 40 * kPage);
    uint32_t pid = m.process();
    m.mmap(pid, kBase, 64 * kPage);
    fill(m, pid, 64);
    EXPECT_GT(m.stats().swap_outs, 0u);
    EXPECT_LT(m.stats().frames_used, 40u);
    expect_intact(m, pid, 64);

    // A fork needs page-table frames the machine does not have beyond what
    // reclaim can give: either it succeeds or it fails cleanly.
    uint32_t child = 0;
    mm_error err{};
    int rc = os_fork(m.o(), pid, &child, &err);
    if (rc == MM_OK) {
        expect_intact(m, child, 64);
    } else {
        EXPECT_EQ(rc, MM_ERR_FULL) << err.msg;
        EXPECT_EQ(os_root(m.o(), pid + 1), 0u); // no half-built child left behind
    }
    expect_intact(m, pid, 64);

    // mprotect over swapped and resident pages alike.
    ASSERT_EQ(os_mprotect(m.o(), pid, kBase, 64 * kPage, MM_PERM_R, &err), MM_OK) << err.msg;
    ASSERT_EQ(os_mprotect(m.o(), pid, kBase, 64 * kPage, MM_PERM_R, &err), MM_OK) << err.msg;
    size_t n = 0;
    os_last_shootdowns(m.o(), &n);
    EXPECT_EQ(n, 0u); // nothing changed the second time
    EXPECT_EQ(os_store(m.o(), pid, kBase, 1, &err), MM_ERR_INVALID);
    expect_intact(m, pid, 64);
}

TEST(OsPressure, TablesGetFramesByReclaimUntilNothingIsLeft)
{
    // 8 frames. Range A (PML4 slot 0) takes 3 tables besides the root.
    Machine m(small_config(1000), PT_X86_64_4LEVEL, 0x100000 + 8 * kPage);
    uint32_t pid = m.process();
    m.mmap(pid, kBase, 8 * kPage);
    for (uint64_t i = 0; i < 8; i++)
        m.store(pid, kBase + i * kPage, 100 + i);
    // Range B (PML4 slot 1) needs 3 more tables: 7 tables leave one frame,
    // so every page of A goes to swap to make room.
    m.mmap(pid, kBase + (1ull << 39), kPage);
    m.store(pid, kBase + (1ull << 39), 7);
    EXPECT_EQ(m.stats().frames_used, 1u);
    EXPECT_EQ(m.load(pid, kBase + 3 * kPage), 103u);
    EXPECT_EQ(m.load(pid, kBase + (1ull << 39)), 7u);
    // Range C (PML4 slot 2) cannot get its 3 tables: out of memory.
    m.mmap(pid, kBase + (2ull << 39), kPage);
    mm_error err{};
    EXPECT_EQ(os_store(m.o(), pid, kBase + (2ull << 39), 1, &err), MM_ERR_FULL);
    EXPECT_NE(std::string(err.msg).find("memory"), std::string::npos) << err.msg;
    EXPECT_EQ(m.stats().frames_used, 0u);
}

} // namespace
