// os_basic_test.cc — creation, processes and ASIDs, regions and
// overcommit, minor faults through the real walker, segfaults, mprotect,
// munmap, exit, statistics, and every error a bad call returns.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "os/os_test_util.h"

namespace {

using namespace os_test;

TEST(OsCreate, RejectsBadConfigurationsNamingTheField)
{
    pmem_config pc{};
    pc.size_bytes = 16ull << 20;
    pc.pa_bits = 40;
    pc.base = 0x100000;
    mm_error err{};
    pmem *mem = pmem_create(&pc, &err);
    ASSERT_NE(mem, nullptr);
    os_config cfg = small_config(16);

    EXPECT_EQ(os_create(nullptr, mem, PT_SV39, &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_INVALID);
    EXPECT_EQ(os_create(&cfg, nullptr, PT_SV39, &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_INVALID);
    EXPECT_EQ(os_create(&cfg, mem, PT_FORMAT_COUNT, &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_INVALID);

    struct Case {
        void (*edit)(os_config *);
        const char *field;
    } cases[] = {
        {[](os_config *c) { c->budget_frames = 0; }, "budget_frames"},
        {[](os_config *c) { c->budget_frames = 1ull << 40; }, "budget_frames"},
        {[](os_config *c) { c->swap_slots = (1ull << 40) + 1; }, "swap_slots"},
        {[](os_config *c) { c->repl = (os_repl_policy)7; }, "repl"},
        {[](os_config *c) { c->thp = (os_thp_policy)9; }, "thp"},
        {[](os_config *c) { c->thp_max_level = 0; }, "thp_max_level"},
        {[](os_config *c) { c->thp_max_level = 3; }, "thp_max_level"},
    };
    for (const Case &c : cases) {
        os_config bad = cfg;
        c.edit(&bad);
        err = mm_error{};
        EXPECT_EQ(os_create(&bad, mem, PT_SV39, &err), nullptr) << c.field;
        EXPECT_EQ(err.code, MM_ERR_CONFIG) << c.field;
        EXPECT_NE(std::string(err.msg).find(c.field), std::string::npos) << err.msg;
    }
    os *o = os_create(&cfg, mem, PT_SV48, &err);
    ASSERT_NE(o, nullptr) << err.msg;
    EXPECT_EQ(os_format(o), PT_SV48);
    os_destroy(o);
    os_destroy(nullptr);
    pmem_destroy(mem);
}

TEST(OsProcess, TwoProcessesUseTheSameVaWithoutColliding)
{
    for (unsigned f = 0; f < PT_FORMAT_COUNT; f++) {
        SCOPED_TRACE(pt_format_get((pt_format)f)->name);
        Machine m(small_config(64), (pt_format)f);
        uint32_t a = m.process(), b = m.process();
        EXPECT_NE(a, b);
        EXPECT_NE(os_asid(m.o(), a), os_asid(m.o(), b));
        EXPECT_NE(os_root(m.o(), a), os_root(m.o(), b));
        const uint64_t va = 0x40000000;
        m.mmap(a, va, 4 * kPage);
        m.mmap(b, va, 4 * kPage);
        m.store(a, va + 8, 0xaaaa);
        m.store(b, va + 8, 0xbbbb);
        EXPECT_EQ(m.load(a, va + 8), 0xaaaau);
        EXPECT_EQ(m.load(b, va + 8), 0xbbbbu);
        walk_result ra = m.walk(a, va), rb = m.walk(b, va);
        ASSERT_EQ(ra.fault, MM_FAULT_NONE);
        ASSERT_EQ(rb.fault, MM_FAULT_NONE);
        EXPECT_NE(ra.pa, rb.pa);
        EXPECT_EQ(os_resident(m.o(), a), 1u);
        EXPECT_EQ(os_resident(m.o(), b), 1u);
        EXPECT_EQ(m.stats().minor_faults, 2u);
    }
}

TEST(OsProcess, UnknownPidsReadAsZeroAndAsidsAreRecycled)
{
    Machine m(small_config(16));
    EXPECT_EQ(os_root(m.o(), 0), 0u);
    EXPECT_EQ(os_asid(m.o(), 99), 0u);
    EXPECT_EQ(os_resident(m.o(), 99), 0u);
    EXPECT_EQ(os_root(nullptr, 1), 0u);
    uint32_t a = m.process();
    uint16_t asid = os_asid(m.o(), a);
    EXPECT_NE(asid, 0u);
    uint32_t b = m.process();
    EXPECT_NE(os_asid(m.o(), b), asid);
    ASSERT_EQ(os_exit(m.o(), a, nullptr), MM_OK);
    EXPECT_EQ(os_root(m.o(), a), 0u);
    mm_error err{};
    EXPECT_EQ(os_exit(m.o(), a, &err), MM_ERR_INVALID);
    EXPECT_NE(std::string(err.msg).find("no process"), std::string::npos);
}

TEST(OsMmap, OvercommittedReservationCostsNoFrames)
{
    Machine m(small_config(16));
    uint32_t pid = m.process();
    uint64_t tables = pmem_frames_allocated(m.mem());
    m.mmap(pid, 0x10000000000ull, 1ull << 40); // 1 TiB reserved with a 16-frame budget
    EXPECT_EQ(pmem_frames_allocated(m.mem()), tables);
    EXPECT_EQ(m.stats().frames_used, 0u);
    EXPECT_EQ(os_resident(m.o(), pid), 0u);
    EXPECT_EQ(m.walk(pid, 0x10000000000ull).fault, MM_FAULT_NOT_PRESENT);
    m.store(pid, 0x10000000000ull + (1ull << 39), 5);
    EXPECT_EQ(m.stats().frames_used, 1u);
    EXPECT_EQ(os_resident(m.o(), pid), 1u);
}

TEST(OsFault, MinorFaultMapsAZeroedFrameAndCostsMinorPlusZeroing)
{
    os_config cfg = small_config(16);
    Machine m(cfg);
    uint32_t pid = m.process();
    m.mmap(pid, 0x400000, 2 * kPage);
    auto faults = m.touch(pid, 0x400010, MM_ACCESS_STORE);
    ASSERT_EQ(faults.size(), 1u);
    EXPECT_TRUE(faults[0].resolved);
    EXPECT_EQ(faults[0].kind, OS_FAULT_KIND_MINOR);
    EXPECT_EQ(faults[0].level, 0u);
    EXPECT_EQ(faults[0].cycles, (uint64_t)cfg.minor_cycles + cfg.zero_cycles);
    EXPECT_EQ(faults[0].n_shootdowns, 0u);
    walk_result r = m.walk(pid, 0x400010, MM_ACCESS_STORE);
    ASSERT_EQ(r.fault, MM_FAULT_NONE);
    EXPECT_EQ(pmem_read64(m.mem(), r.pa & ~7ull), 0u);
    EXPECT_TRUE(r.perm & MM_PERM_W);
    EXPECT_TRUE(r.perm & MM_PERM_U);
    EXPECT_FALSE(r.perm & MM_PERM_X);
    EXPECT_EQ(m.stats().fault_cycles, faults[0].cycles);
    EXPECT_TRUE(m.touch(pid, 0x400010).empty()); // mapped: no second fault
}

TEST(OsFault, SegfaultsOutsideRegionsAndWithoutPermission)
{
    Machine m(small_config(16));
    uint32_t pid = m.process();
    m.mmap(pid, 0x400000, kPage, MM_PERM_R);
    auto out = m.touch(pid, 0x900000);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_FALSE(out[0].resolved);
    EXPECT_EQ(out[0].segv, OS_SEGV_MAPERR);
    EXPECT_EQ(out[0].kind, OS_FAULT_KIND_NONE);
    out = m.touch(pid, 0x400000, MM_ACCESS_STORE);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].segv, OS_SEGV_ACCERR);
    out = m.touch(pid, 0x400000, MM_ACCESS_IFETCH);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].segv, OS_SEGV_ACCERR);
    EXPECT_EQ(m.stats().segfaults, 3u);
    EXPECT_EQ(m.stats().frames_used, 0u);
    mm_error err{};
    EXPECT_EQ(os_store(m.o(), pid, 0x400000, 1, &err), MM_ERR_INVALID);
    EXPECT_NE(std::string(err.msg).find("segfault"), std::string::npos) << err.msg;
    EXPECT_EQ(m.load(pid, 0x400000), 0u); // reading is allowed
}

TEST(OsFault, SvadeDirtyFaultIsResolvedBySettingD)
{
    Machine m(small_config(16), PT_SV39);
    m.ad_ = WALK_AD_FAULT;
    uint32_t pid = m.process();
    m.mmap(pid, 0x400000, kPage);
    auto out = m.touch(pid, 0x400000, MM_ACCESS_LOAD); // mapped A=1, D=0
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].kind, OS_FAULT_KIND_MINOR);
    out = m.touch(pid, 0x400000, MM_ACCESS_STORE);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(out[0].resolved);
    EXPECT_EQ(out[0].kind, OS_FAULT_KIND_NONE);
    EXPECT_EQ(m.stats().spurious_faults, 1u);
    walk_result r = m.walk(pid, 0x400000, MM_ACCESS_STORE);
    ASSERT_EQ(r.fault, MM_FAULT_NONE);
    EXPECT_TRUE(r.leaf_pte & PT_RV_D);
}

TEST(OsMprotect, ReadOnlyThenWritableAgainWithShootdowns)
{
    Machine m(small_config(16));
    uint32_t pid = m.process();
    m.mmap(pid, 0x400000, 4 * kPage);
    m.store(pid, 0x400000, 11);
    m.store(pid, 0x401000, 12);
    mm_error err{};
    ASSERT_EQ(os_mprotect(m.o(), pid, 0x400000, 2 * kPage, MM_PERM_R, &err), MM_OK) << err.msg;
    size_t n = 0;
    const os_shootdown *sd = os_last_shootdowns(m.o(), &n);
    ASSERT_EQ(n, 2u);
    EXPECT_EQ(sd[0].pid, pid);
    EXPECT_EQ(sd[0].asid, os_asid(m.o(), pid));
    EXPECT_EQ(sd[0].va, 0x400000u);
    EXPECT_EQ(sd[1].va, 0x401000u);
    EXPECT_EQ(os_store(m.o(), pid, 0x400000, 1, &err), MM_ERR_INVALID);
    EXPECT_EQ(m.load(pid, 0x401000), 12u);
    m.store(pid, 0x402000, 13); // the rest of the region stayed writable
    ASSERT_EQ(os_mprotect(m.o(), pid, 0x400000, 2 * kPage, kRW | MM_PERM_X, &err), MM_OK);
    m.store(pid, 0x400000, 21);
    EXPECT_EQ(m.load(pid, 0x400000), 21u);
    EXPECT_EQ(m.touch(pid, 0x401000, MM_ACCESS_IFETCH).size(), 0u);
    EXPECT_EQ(os_mprotect(m.o(), pid, 0x400000, 8 * kPage, kRW, &err), MM_ERR_NOT_FOUND);
    EXPECT_EQ(os_mprotect(m.o(), pid, 0x400000, kPage, MM_PERM_W, &err), MM_ERR_INVALID);
}

TEST(OsMunmap, FreesFramesAndSlotsAndLaterTouchesSegfault)
{
    Machine m(small_config(2));
    uint32_t pid = m.process();
    m.mmap(pid, 0x400000, 8 * kPage);
    for (uint64_t i = 0; i < 4; i++)
        m.store(pid, 0x400000 + i * kPage, i + 1);
    EXPECT_EQ(m.stats().swap_used, 2u);
    EXPECT_EQ(m.stats().frames_used, 2u);
    mm_error err{};
    ASSERT_EQ(os_munmap(m.o(), pid, 0x400000, 8 * kPage, &err), MM_OK) << err.msg;
    size_t n = 0;
    os_last_shootdowns(m.o(), &n);
    EXPECT_EQ(n, 2u); // the resident pages; swapped ones were not in any TLB
    EXPECT_EQ(m.stats().swap_used, 0u);
    EXPECT_EQ(m.stats().frames_used, 0u);
    EXPECT_EQ(os_resident(m.o(), pid), 0u);
    EXPECT_EQ(os_load(m.o(), pid, 0x400000, nullptr, &err), MM_ERR_INVALID);
    uint64_t v;
    EXPECT_EQ(os_load(m.o(), pid, 0x400000, &v, &err), MM_ERR_INVALID);
    EXPECT_EQ(os_munmap(m.o(), pid, 0x400000, kPage, &err), MM_ERR_NOT_FOUND);
    // A hole punched in the middle leaves both ends usable.
    m.mmap(pid, 0x800000, 3 * kPage);
    m.store(pid, 0x802000, 9);
    ASSERT_EQ(os_munmap(m.o(), pid, 0x801000, kPage, &err), MM_OK);
    EXPECT_EQ(m.load(pid, 0x802000), 9u);
    EXPECT_EQ(m.touch(pid, 0x801000)[0].segv, OS_SEGV_MAPERR);
    m.store(pid, 0x800000, 8);
}

TEST(OsExit, ReturnsEveryFrameAndTableToMemory)
{
    Machine m(small_config(4));
    uint64_t baseline = pmem_frames_allocated(m.mem());
    uint32_t pid = m.process();
    m.mmap(pid, 0x400000, 16 * kPage);
    m.mmap(pid, 0x7f0000000000ull, kPage);
    for (uint64_t i = 0; i < 8; i++)
        m.store(pid, 0x400000 + i * kPage, i);
    m.store(pid, 0x7f0000000000ull, 1);
    EXPECT_GT(pmem_frames_allocated(m.mem()), baseline + 4);
    ASSERT_EQ(os_exit(m.o(), pid, nullptr), MM_OK);
    EXPECT_EQ(pmem_frames_allocated(m.mem()), baseline);
    EXPECT_EQ(m.stats().frames_used, 0u);
    EXPECT_EQ(m.stats().swap_used, 0u);
    EXPECT_EQ(os_group_resident(m.o(), 0), 0u);
}

TEST(OsErrors, BadCallsReturnCodesWithMessages)
{
    Machine m(small_config(8));
    os *o = m.o();
    uint32_t pid = m.process();
    mm_error err{};
    uint32_t out;
    EXPECT_EQ(os_process_create(o, 5, &out, &err), MM_ERR_INVALID);
    EXPECT_NE(std::string(err.msg).find("group 5"), std::string::npos);
    EXPECT_EQ(os_process_create(o, 0, nullptr, &err), MM_ERR_INVALID);
    EXPECT_EQ(os_group_create(o, 1, nullptr, &err), MM_ERR_INVALID);
    EXPECT_EQ(os_group_resident(o, 77), 0u);
    EXPECT_EQ(os_fork(o, 42, &out, &err), MM_ERR_INVALID);
    EXPECT_EQ(os_fork(o, pid, nullptr, &err), MM_ERR_INVALID);
    EXPECT_EQ(os_mmap(o, 42, 0x400000, kPage, kRW, 0, &err), MM_ERR_INVALID);
    EXPECT_EQ(os_mmap(nullptr, pid, 0x400000, kPage, kRW, 0, &err), MM_ERR_INVALID);
    EXPECT_EQ(os_mmap(o, pid, 0x400001, kPage, kRW, 0, &err), MM_ERR_INVALID);
    EXPECT_NE(std::string(err.msg).find("aligned"), std::string::npos);
    EXPECT_EQ(os_mmap(o, pid, 0x400000, 0, kRW, 0, &err), MM_ERR_INVALID);
    EXPECT_EQ(os_mmap(o, pid, 0x800000000000ull, kPage, kRW, 0, &err), MM_ERR_INVALID);
    EXPECT_EQ(os_mmap(o, pid, 0x7ffffffff000ull, 2 * kPage, kRW, 0, &err), MM_ERR_INVALID);
    EXPECT_EQ(os_mmap(o, pid, 0x400000, kPage, MM_PERM_W, 0, &err), MM_ERR_INVALID);
    EXPECT_EQ(os_mmap(o, pid, 0x400000, kPage, kRW | MM_PERM_U, 0, &err), MM_ERR_INVALID);
    EXPECT_EQ(os_mmap(o, pid, 0x400000, kPage, kRW, 0x80, &err), MM_ERR_INVALID);
    EXPECT_NE(std::string(err.msg).find("flags"), std::string::npos);
    ASSERT_EQ(os_mmap(o, pid, 0x400000, 4 * kPage, kRW, 0, &err), MM_OK);
    EXPECT_EQ(os_mmap(o, pid, 0x402000, 4 * kPage, kRW, 0, &err), MM_ERR_EXISTS);
    EXPECT_EQ(os_mmap(o, pid, 0x3ff000, 2 * kPage, kRW, 0, &err), MM_ERR_EXISTS);
    EXPECT_EQ(os_munmap(o, 42, 0x400000, kPage, &err), MM_ERR_INVALID);
    EXPECT_EQ(os_munmap(o, pid, 0x400000, 3, &err), MM_ERR_INVALID);
    EXPECT_EQ(os_mprotect(o, 42, 0x400000, kPage, kRW, &err), MM_ERR_INVALID);
    EXPECT_EQ(os_mprotect(o, pid, 0x400100, kPage, kRW, &err), MM_ERR_INVALID);
    os_fault_result res;
    EXPECT_EQ(os_handle_fault(o, 42, 0x400000, MM_ACCESS_LOAD, MM_FAULT_NOT_PRESENT, &res, &err),
              MM_ERR_INVALID);
    EXPECT_EQ(os_handle_fault(o, pid, 0x400000, MM_ACCESS_COUNT, MM_FAULT_NOT_PRESENT, &res, &err),
              MM_ERR_INVALID);
    EXPECT_EQ(os_handle_fault(o, pid, 0x400000, MM_ACCESS_LOAD, MM_FAULT_NONE, &res, &err),
              MM_ERR_INVALID);
    EXPECT_NE(std::string(err.msg).find("cause"), std::string::npos);
    EXPECT_EQ(os_handle_fault(o, pid, 0x400000, MM_ACCESS_LOAD, MM_FAULT_COUNT, &res, &err),
              MM_ERR_INVALID);
    EXPECT_EQ(os_handle_fault(o, pid, 0x400000, MM_ACCESS_LOAD, MM_FAULT_NOT_PRESENT, nullptr, &err),
              MM_ERR_INVALID);
    EXPECT_EQ(os_handle_fault(nullptr, pid, 0x400000, MM_ACCESS_LOAD, MM_FAULT_NOT_PRESENT, &res, &err),
              MM_ERR_INVALID);
    uint64_t v;
    EXPECT_EQ(os_load(o, pid, 0x400004, &v, &err), MM_ERR_INVALID);
    EXPECT_NE(std::string(err.msg).find("aligned"), std::string::npos);
    EXPECT_EQ(os_load(o, 42, 0x400000, &v, &err), MM_ERR_INVALID);
    EXPECT_EQ(os_store(nullptr, pid, 0x400000, 1, &err), MM_ERR_INVALID);
    EXPECT_EQ(m.stats().frames_used, 0u); // no failed call allocated anything
}

TEST(OsStats, JsonReportsCountersGroupsAndProcesses)
{
    Machine m(small_config(8));
    uint32_t g;
    ASSERT_EQ(os_group_create(m.o(), 3, &g, nullptr), MM_OK);
    uint32_t pid = m.process(g);
    m.mmap(pid, 0x400000, 4 * kPage);
    for (uint64_t i = 0; i < 4; i++)
        m.store(pid, 0x400000 + i * kPage, i);
    char *json = os_stats_json(m.o());
    ASSERT_NE(json, nullptr);
    std::string s(json);
    free(json);
    EXPECT_NE(s.find("\"minor\":4"), std::string::npos) << s;
    EXPECT_NE(s.find("\"outs\":1"), std::string::npos) << s;
    EXPECT_NE(s.find("{\"group\":1,\"used\":3,\"limit\":3}"), std::string::npos) << s;
    EXPECT_NE(s.find("\"rss\":3"), std::string::npos) << s;
    EXPECT_NE(s.find("\"budget\":8"), std::string::npos) << s;
    EXPECT_EQ(s.front(), '{');
    EXPECT_EQ(s.back(), '}');
}

} // namespace
