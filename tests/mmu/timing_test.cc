// timing_test.cc — completion cycles worked out by hand from docs/timing.md
// for the small configuration of mmu_fixture.h (TLB latencies 1 and 5,
// walk-cache probe 1, PTE reads 10 cycles, fill 1 cycle).
#include "mmu_fixture.h"

using mmutest::Rig;
using mmutest::small_config;

namespace {

constexpr uint64_t kPage = 0x10000000;  // 256 MiB: 4K page, cold
constexpr uint64_t kFar = 0x40000000;   // 1 GiB: same PML4E, other PDPTE

TEST(Timing, ColdWalkThenL1Hit)
{
    Rig rig(small_config());
    uint64_t pa = rig.map(1, kPage);
    rig.issue(0, kPage + 0x123);
    rig.issue(100, kPage + 0x456);
    mmu_response walk = rig.response(0);
    // Q = 0 + 1 + 5; S = 6; probe 1; 4 reads x 10; fill 1
    EXPECT_EQ(walk.completion_cycle, 48u);
    EXPECT_EQ(walk.hit, MMU_HIT_WALK);
    EXPECT_EQ(walk.pte_reads, 4u);
    EXPECT_EQ(walk.pwc_level, 0u);
    EXPECT_EQ(walk.pa, pa + 0x123);
    EXPECT_EQ(walk.fault, MM_FAULT_NONE);
    mmu_response hit = rig.response(1);
    EXPECT_EQ(hit.completion_cycle, 101u);
    EXPECT_EQ(hit.hit, 1u);  // l1dtlb
    EXPECT_EQ(hit.pa, pa + 0x456);
}

TEST(Timing, WalkCacheShortensWalks)
{
    Rig rig(small_config());
    rig.map(1, kPage);
    rig.map(1, kPage + 0x1000);
    rig.map(1, kPage + 0x200000);
    rig.issue(0, kPage);
    rig.issue(200, kPage + 0x1000);    // PDE cache hit: 1 read
    rig.issue(300, kPage + 0x200000);  // PDPTE cache hit: 2 reads
    mmu_response pde = rig.response(1);
    EXPECT_EQ(pde.completion_cycle, 206u + 1 + 10 + 1);
    EXPECT_EQ(pde.pwc_level, 1u);
    EXPECT_EQ(pde.pte_reads, 1u);
    mmu_response pdpte = rig.response(2);
    EXPECT_EQ(pdpte.completion_cycle, 306u + 1 + 20 + 1);
    EXPECT_EQ(pdpte.pwc_level, 2u);
    EXPECT_EQ(pdpte.pte_reads, 2u);
    const mmu_stats &s = rig.stats();
    EXPECT_EQ(s.walks, 3u);
    EXPECT_EQ(s.pte_reads, 7u);
    EXPECT_EQ(s.pwc_hits[1], 1u);
    EXPECT_EQ(s.pwc_hits[2], 1u);
}

TEST(Timing, MissUnderMissMergesIntoTheWalkUnderWay)
{
    Rig rig(small_config());
    rig.map(1, kPage);
    rig.issue(0, kPage);
    rig.issue(47, kPage + 8);  // fill at 48 not yet visible: joins the walk
    rig.issue(48, kPage + 16); // fill applied at 48: L1 hit
    mmu_response merged = rig.response(1);
    EXPECT_EQ(merged.merged, 1u);
    EXPECT_EQ(merged.completion_cycle, 53u);  // max(C=48, Q=47+6)
    EXPECT_EQ(rig.response(2).completion_cycle, 49u);
    EXPECT_EQ(rig.response(2).hit, 1u);
    EXPECT_EQ(rig.stats().walks, 1u);
    EXPECT_EQ(rig.stats().walks_merged, 1u);
}

TEST(Timing, SecondWalkWaitsForTheOnlyWalker)
{
    Rig rig(small_config());
    rig.map(1, kPage);
    rig.map(1, kFar);
    rig.issue(0, kPage);
    rig.issue(1, kFar);
    EXPECT_EQ(rig.response(0).completion_cycle, 48u);
    mmu_response second = rig.response(1);
    // starts at 48 when the walker frees; sees the PML4E fill made at 48
    EXPECT_EQ(second.pwc_level, 3u);
    EXPECT_EQ(second.completion_cycle, 48u + 1 + 30 + 1);
    EXPECT_EQ(rig.stats().walk_queue_cycles, 48u - 7u);
}

TEST(Timing, TwoWalkersWalkInParallel)
{
    mmu_config cfg = small_config();
    cfg.walker.count = 2;
    Rig rig(cfg);
    rig.map(1, kPage);
    rig.map(1, kFar);
    rig.issue(0, kPage);
    rig.issue(1, kFar);
    EXPECT_EQ(rig.response(0).completion_cycle, 48u);
    EXPECT_EQ(rig.response(1).completion_cycle, 49u);  // Q = 7, full walk
}

TEST(Timing, FullWalkSlotsStallTheRequestPort)
{
    mmu_config cfg = small_config();
    cfg.walker.queue = 0;  // blocking MMU: one walk, nothing waits
    Rig rig(cfg);
    rig.map(1, kPage);
    rig.map(1, kFar);
    rig.issue(0, kPage);
    rig.issue(1, kFar);
    rig.issue(2, kPage);  // would hit; the port stays blocked while the slot is taken
    mmu_response second = rig.response(1);
    EXPECT_EQ(second.completion_cycle, 48u + 6 + 1 + 30 + 1);  // 86
    mmu_response third = rig.response(2);
    EXPECT_EQ(third.completion_cycle, 87u);
    EXPECT_EQ(third.hit, 1u);
    EXPECT_EQ(rig.stats().walker_stall_cycles, 47u + (86u - 48u));
}

TEST(Timing, L2HitPromotesIntoL1AtCompletion)
{
    Rig rig(small_config());
    // five pages with the same L1 set (vpn % 4 == 0) but L2 sets differ
    const uint64_t base = 0x20000000;
    for (unsigned i = 0; i < 5; i++)
        rig.map(1, base + i * 0x4000);
    uint64_t t = 0;
    for (unsigned i = 0; i < 5; i++, t += 100)
        rig.issue(t, base + i * 0x4000);
    rig.issue(1000, base);   // evicted from L1 (LRU), still in L2: A + 1 + 5
    rig.issue(1005, base);   // promotion due at 1006: L2 hit again
    rig.issue(1006, base);   // L1 hit
    EXPECT_EQ(rig.response(5).completion_cycle, 1006u);
    EXPECT_EQ(rig.response(5).hit, 2u);
    EXPECT_EQ(rig.response(6).hit, 2u);
    EXPECT_EQ(rig.response(7).hit, 1u);
    EXPECT_EQ(rig.response(7).completion_cycle, 1007u);
}

TEST(Timing, NotPresentFaultsAfterOneReadAndFillsNothing)
{
    Rig rig(small_config());
    rig.space(1);
    rig.issue(0, kPage);
    rig.issue(100, kPage);
    mmu_response f = rig.response(0);
    EXPECT_EQ(f.fault, MM_FAULT_NOT_PRESENT);
    EXPECT_EQ(f.completion_cycle, 6u + 1 + 10 + 1);
    EXPECT_EQ(f.pte_reads, 1u);
    EXPECT_EQ(rig.response(1).hit, MMU_HIT_WALK);  // nothing was cached
    EXPECT_EQ(rig.stats().faults[MM_FAULT_NOT_PRESENT], 2u);
}

TEST(Timing, StoreToCleanEntryWalksToSetDirty)
{
    Rig rig(small_config());
    rig.map(1, kPage, 0, MM_PERM_R | MM_PERM_W | MM_PERM_U | MM_PERM_A);
    rig.issue(0, kPage);                           // load: entry cached with D=0
    rig.issue(100, kPage, 1, MM_ACCESS_STORE);     // L1 hit, D clear: walk
    rig.issue(200, kPage, 1, MM_ACCESS_STORE);     // entry now dirty: hit
    mmu_response dirty = rig.response(1);
    EXPECT_EQ(dirty.hit, MMU_HIT_WALK);
    EXPECT_EQ(dirty.pte_writes, 1u);
    EXPECT_EQ(dirty.pwc_level, 1u);
    // Q = 101 (only L1 probed), probe 1, leaf read 10, D write 10, fill 1
    EXPECT_EQ(dirty.completion_cycle, 101u + 1 + 10 + 10 + 1);
    EXPECT_EQ(rig.response(2).hit, 1u);
    EXPECT_EQ(rig.response(2).completion_cycle, 201u);
    uint64_t pte_pa = 0;
    mm_error err{};
    ASSERT_EQ(pt_pte_addr(rig.space(1), kPage, 0, &pte_pa, &err), MM_OK);
    EXPECT_TRUE(pmem_read64(rig.mem(), pte_pa) & PT_X86_D);
}

// small_config with an 8-entry page-table cache whose probes take 2 cycles
mmu_config pte_config()
{
    mmu_config cfg = small_config();
    cfg.pwc.geom.design = PWC_PTE;
    cfg.pwc.geom.unified = {8, 8};
    cfg.pwc.latency[0] = 2;
    return cfg;
}

TEST(Timing, PageTableCacheServesUpperLevels)
{
    mmu_config cfg = pte_config();
    Rig rig(cfg);
    rig.map(1, kPage);
    rig.map(1, kPage + 0x1000);
    rig.issue(0, kPage);
    rig.issue(200, kPage + 0x1000);
    // cold: three probes (2) that miss + 3 reads, then the leaf read
    EXPECT_EQ(rig.response(0).completion_cycle, 6u + 3 * (2 + 10) + 10 + 1);
    mmu_response warm = rig.response(1);
    EXPECT_EQ(warm.completion_cycle, 206u + 3 * 2 + 10 + 1);
    EXPECT_EQ(warm.pte_reads, 1u);
    EXPECT_EQ(warm.pwc_level, 1u);
}

// Each page-table-cache probe is made at its own cycle on the cache as it
// is then (docs/timing.md, step 5): a walk that started before another
// walk filled the cache hits that fill in its later probes.
TEST(Timing, PageTableCacheProbesSeeFillsMadeDuringTheWalk)
{
    mmu_config cfg = pte_config();
    cfg.walker.count = 2;
    Rig rig(cfg);
    rig.map(1, kPage);
    rig.map(1, kPage + 0x200000);  // same PML4E and PDPTE, another PDE
    rig.issue(0, kPage);            // S 6; probes at 6, 18, 30; C 53
    rig.issue(40, kPage + 0x200000);  // S 46 on the other walker
    EXPECT_EQ(rig.response(0).completion_cycle, 53u);
    // probe L3 at 46 misses (the fill comes at 53), probe L2 at 58 hits it,
    // probe L1 at 60 misses, the leaf read ends at 82
    mmu_response b = rig.response(1);
    EXPECT_EQ(b.completion_cycle, 83u);
    EXPECT_EQ(b.pte_reads, 3u);
    EXPECT_EQ(b.pwc_level, 2u);
}

// ... and a flush between two probes of one walk takes the entries away
// from the later ones.
TEST(Timing, PageTableCacheFlushActsBetweenTheProbesOfAWalk)
{
    mmu_config cfg = pte_config();
    Rig rig(cfg);
    rig.map(1, kPage);
    rig.map(1, kPage + 0x1000);
    rig.issue(0, kPage);  // fills the three upper PTEs at 53
    rig.issue(100, kPage + 0x1000);  // S 106: probes hit at 106, 108, 110
    mmu_flush f{};
    f.kind = MMU_FLUSH_ALL;
    f.cycle = 109;
    rig.flush(f);
    // the probe at 110 misses: 110 + 2 + 10, the leaf read + 10, fill 1
    mmu_response r = rig.response(1);
    EXPECT_EQ(r.completion_cycle, 133u);
    EXPECT_EQ(r.pte_reads, 2u);
    EXPECT_EQ(r.pwc_level, 2u);
}

// A walk beside the page-table cache is taken one PTE at a time; the PTE
// events it reports must flag a bus error only on its own failing read,
// never carry one over from the walk before it.
TEST(Timing, PageTableCacheWalkFlagsOnlyItsOwnBusError)
{
    mmu_config cfg = pte_config();
    cfg.mem.pa_bits = 40;  // below MAXPHYADDR (46): PTEs may point above memory
    Rig rig(cfg);
    const uint64_t bad = kPage + 0x400000;  // its PDE points outside memory
    rig.map(1, bad);
    rig.map(1, kPage);
    uint64_t pde = 0;
    mm_error err{};
    ASSERT_EQ(pt_pte_addr(rig.space(1), bad, 1, &pde, &err), MM_OK) << err.msg;
    pmem_write64(rig.mem(), pde, (pmem_read64(rig.mem(), pde) & 0xfff) | (1ull << 42));
    struct Seen {
        uint64_t id, pa;
        bool error;
    };
    std::vector<Seen> seen;
    mmu_set_event_fn(
        rig.m(),
        [](void *opaque, const mmu_event *e) {
            if (e->kind == MMU_EVENT_PTE)
                static_cast<std::vector<Seen> *>(opaque)->push_back({e->req->id, e->pa, e->error != 0});
        },
        &seen);
    rig.issue(0, bad);
    rig.issue(300, kPage);
    EXPECT_EQ(rig.response(0).fault, MM_FAULT_BUS_ERROR);
    EXPECT_EQ(rig.response(1).fault, MM_FAULT_NONE);
    unsigned errors = 0;
    for (const Seen &x : seen) {
        errors += x.error;
        if (x.error) {
            EXPECT_EQ(x.id, 0u);
            EXPECT_EQ(x.pa >> 42, 1u);
        }
    }
    EXPECT_EQ(errors, 1u);
    EXPECT_GE(seen.size(), 4u);  // the second walk's reads were reported
}

TEST(Timing, IssueCyclesMustNotDecrease)
{
    Rig rig(small_config());
    rig.map(1, kPage);
    rig.issue(10, kPage);
    mmu_request r{};
    r.cycle = 9;
    r.va = kPage;
    r.asid = 1;
    mm_error err{};
    EXPECT_EQ(mmu_issue(rig.m(), &r, &err), MM_ERR_INVALID);
    EXPECT_NE(std::string(err.msg).find("before cycle 10"), std::string::npos) << err.msg;
    r.cycle = 11;
    r.asid = 7;
    EXPECT_EQ(mmu_issue(rig.m(), &r, &err), MM_ERR_INVALID);
    EXPECT_NE(std::string(err.msg).find("asid 7"), std::string::npos) << err.msg;
}

}  // namespace
