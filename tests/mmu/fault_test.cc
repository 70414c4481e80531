// fault_test.cc — the fault hook: a walk that faults goes to the handler at
// its completion cycle; a fixed fault is walked again after its cost.
#include "mmu_fixture.h"

using mmutest::Rig;
using mmutest::rw_attrs;
using mmutest::small_config;

namespace {

constexpr uint64_t kPage = 0x10000000;

struct Handler {
    Rig *rig = nullptr;
    bool fix = true;
    bool retry = true;
    uint64_t cost = 100;
    std::vector<uint64_t> cycles;
    std::vector<mm_fault> causes;
    static mmu_fault_action fn(void *opaque, const mmu_request *req, mm_fault cause, uint64_t cycle)
    {
        Handler *h = static_cast<Handler *>(opaque);
        h->cycles.push_back(cycle);
        h->causes.push_back(cause);
        if (h->fix && cause == MM_FAULT_NOT_PRESENT)
            h->rig->map(req->asid, req->va & ~0xfffull);
        return mmu_fault_action{h->retry, h->cost};
    }
};

TEST(Fault, HandledFaultIsWalkedAgainAfterItsCost)
{
    Rig rig(small_config());
    rig.space(1);
    Handler h;
    h.rig = &rig;
    mmu_set_fault_fn(rig.m(), Handler::fn, &h);
    rig.issue(0, kPage + 0x40);
    rig.issue(50, kPage + 0x80);  // while the fault is handled: joins the job
    mmu_response r = rig.response(0);
    ASSERT_EQ(h.cycles.size(), 1u);
    EXPECT_EQ(h.cycles[0], 6u + 1 + 10 + 1);  // the first walk faults at the root entry
    EXPECT_EQ(h.causes[0], MM_FAULT_NOT_PRESENT);
    EXPECT_EQ(r.fault, MM_FAULT_NONE);
    EXPECT_EQ(r.completion_cycle, 18u + 100 + 1 + 40 + 1);  // full walk once the cost has passed
    EXPECT_EQ(r.issue_cycle, 0u);
    EXPECT_EQ(r.pte_reads, 4u);
    mmu_response merged = rig.response(1);
    EXPECT_EQ(merged.merged, 1u);
    EXPECT_EQ(merged.fault, MM_FAULT_NONE);
    EXPECT_EQ(merged.pa, r.pa + 0x40);
    const mmu_stats &s = rig.stats();
    EXPECT_EQ(s.fault_retries, 1u);
    EXPECT_EQ(s.fault_cycles, 100u);
    EXPECT_EQ(s.faults[MM_FAULT_NOT_PRESENT], 0u);
    EXPECT_EQ(s.walks, 2u);
    rig.issue(1000, kPage);  // now cached
    EXPECT_EQ(rig.response(2).hit, 1u);
}

TEST(Fault, MissDuringTheFaultingWalkGetsTheFinalAnswer)
{
    Rig rig(small_config());
    rig.space(1);
    Handler h;
    h.rig = &rig;
    mmu_set_fault_fn(rig.m(), Handler::fn, &h);
    rig.issue(0, kPage);
    rig.issue(1, kPage + 8);  // the walk runs 6..18 and will fault: joins it
    mmu_response merged = rig.response(1);
    EXPECT_EQ(merged.fault, MM_FAULT_NONE);
    EXPECT_EQ(merged.completion_cycle, rig.response(0).completion_cycle);
}

TEST(Fault, UnhandledFaultIsAnsweredAtCompletion)
{
    Rig rig(small_config());
    rig.space(1);
    Handler h;
    h.rig = &rig;
    h.retry = false;
    mmu_set_fault_fn(rig.m(), Handler::fn, &h);
    rig.issue(0, kPage);
    mmu_response r = rig.response(0);
    EXPECT_EQ(r.fault, MM_FAULT_NOT_PRESENT);
    EXPECT_EQ(r.completion_cycle, 18u);
    EXPECT_EQ(rig.stats().fault_retries, 0u);
    EXPECT_EQ(rig.stats().faults[MM_FAULT_NOT_PRESENT], 1u);
}

TEST(Fault, RetriesAreBounded)
{
    Rig rig(small_config());
    rig.space(1);
    Handler h;
    h.rig = &rig;
    h.fix = false;  // claims to fix, never does
    h.cost = 10;
    mmu_set_fault_fn(rig.m(), Handler::fn, &h);
    rig.issue(0, kPage);
    mmu_response r = rig.response(0);
    EXPECT_EQ(r.fault, MM_FAULT_NOT_PRESENT);
    EXPECT_EQ(h.cycles.size(), (size_t)MMU_MAX_FAULT_RETRIES);
    EXPECT_EQ(rig.stats().fault_retries, (uint64_t)MMU_MAX_FAULT_RETRIES);
    EXPECT_EQ(mmu_outstanding(rig.m()), 0u);
}

TEST(Fault, OtherWalksProceedWhileAFaultIsHandled)
{
    Rig rig(small_config());
    rig.map(1, 0x40000000);
    Handler h;
    h.rig = &rig;
    h.cost = 100000;  // a major fault
    mmu_set_fault_fn(rig.m(), Handler::fn, &h);
    rig.issue(0, kPage);           // faults (its PDPTE entry is absent), waits 100 000 cycles
    rig.issue(100, 0x40000000);    // mapped: must not wait behind the faulting access
    EXPECT_LT(rig.response(1).completion_cycle, 1000u);
    EXPECT_GT(rig.response(0).completion_cycle, 100000u);
}

// A shootdown made while deciding on a walk that faults at C takes effect
// before every fill due at C (docs/timing.md, Faults): a walk of the same
// address space finishing at C, earlier in fill order, loses its fill
// rather than filling and being invalidated.
struct Shooter {
    mmu *m = nullptr;
    uint64_t va = 0;
    std::vector<uint64_t> cycles;
    static mmu_fault_action fn(void *opaque, const mmu_request *req, mm_fault cause, uint64_t cycle)
    {
        Shooter *sh = static_cast<Shooter *>(opaque);
        (void)cause;
        sh->cycles.push_back(cycle);
        mmu_shootdown(sh->m, req->asid, sh->va);
        return mmu_fault_action{false, 0};
    }
};

TEST(Fault, ShootdownTakesEffectBeforeTheCyclesFills)
{
    mmu_config c = small_config();
    c.walker.count = 2;
    c.memlat.fixed_cycles = 1;
    Rig rig(c);
    constexpr uint64_t kWarm = 0x008000000000ull;   // PML4 slot 1, PDPT slot 0
    constexpr uint64_t kB = 0x008040000000ull;      // PML4 slot 1, PDPT slot 1: one PWC level
    constexpr uint64_t kA = 0x010000000000ull;      // PML4 slot 2: a full walk
    rig.map(1, kWarm);
    rig.map(1, kA);
    rig.map(1, kB, 0, rw_attrs() & ~MM_PERM_W);      // a store to it faults at the leaf
    rig.issue(0, kWarm);
    rig.response(0);                                 // caches PML4 slot 1
    Shooter sh;
    sh.m = rig.m();
    sh.va = kA;
    mmu_set_fault_fn(rig.m(), Shooter::fn, &sh);
    const uint64_t t = 1000;
    rig.issue(t, kA);                                // walks 4 levels from t + 6
    rig.issue(t + 1, kB, 1, MM_ACCESS_STORE);        // walks 3 levels from t + 7
    mmu_response a = rig.response(1), b = rig.response(2);
    ASSERT_EQ(a.completion_cycle, b.completion_cycle);  // the case under test
    EXPECT_EQ(a.fault, MM_FAULT_NONE);
    EXPECT_EQ(b.fault, MM_FAULT_PERM_WRITE);
    EXPECT_EQ(b.pwc_level, 3u);
    ASSERT_EQ(sh.cycles.size(), 1u);
    EXPECT_EQ(sh.cycles[0], b.completion_cycle);
    EXPECT_EQ(rig.stats().shootdowns, 1u);
    // both fills due at C of the ASID: A's (earlier in fill order, so it
    // neither fills nor evicts) and the faulting walk's own walk-cache fills
    EXPECT_EQ(rig.stats().fills_dropped, 2u);
    rig.issue(t + 100, kA);
    EXPECT_EQ(rig.response(3).hit, MMU_HIT_WALK);   // never filled
}

}  // namespace
