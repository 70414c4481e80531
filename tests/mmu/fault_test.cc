// fault_test.cc — the fault hook: a walk that faults goes to the handler at
// its completion cycle; a fixed fault is walked again after its cost.
#include "mmu_fixture.h"

using mmutest::Rig;
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

}  // namespace
