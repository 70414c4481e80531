// hierarchy_test.cc — inclusion policies between TLB levels, statistics,
// the JSON report and determinism of whole runs.
#include <cjson/cJSON.h>

#include <cstdlib>
#include <random>
#include <string>

#include "mmu_fixture.h"
#include "mmu/hist.h"

using mmutest::Rig;
using mmutest::small_config;

namespace {

// l1dtlb fully associative (64 ways) so that only L2 evicts; L2 4K set
// index = vpn % 16, so pages 0x10 apart collide in one 4-way L2 set.
mmu_config inclusion_config(cfg_inclusion inc)
{
    mmu_config c = small_config();
    c.tlbs[1].tlb.n_arrays = 1;
    c.tlbs[1].tlb.arrays[0] = {64, 64, 1u};
    c.tlbs[2].inclusion = inc;
    return c;
}

constexpr uint64_t kBase = 0x30000000;

TEST(Inclusion, InclusiveL2EvictionBackInvalidatesL1)
{
    Rig rig(inclusion_config(CFG_INCLUSIVE));
    for (unsigned i = 0; i < 5; i++)
        rig.map(1, kBase + i * 0x10000);
    for (unsigned i = 0; i < 5; i++)
        rig.issue(i * 100, kBase + i * 0x10000);
    rig.issue(1000, kBase);
    EXPECT_EQ(rig.response(5).hit, MMU_HIT_WALK);
    // the fifth fill evicted page 0; its refill evicted the next LRU page
    EXPECT_EQ(rig.stats().tlb[2].evictions, 2u);
}

TEST(Inclusion, NonInclusiveL1KeepsWhatL2Evicted)
{
    Rig rig(inclusion_config(CFG_NON_INCLUSIVE));
    for (unsigned i = 0; i < 5; i++)
        rig.map(1, kBase + i * 0x10000);
    for (unsigned i = 0; i < 5; i++)
        rig.issue(i * 100, kBase + i * 0x10000);
    rig.issue(1000, kBase);
    EXPECT_EQ(rig.response(5).hit, 1u);
}

TEST(Inclusion, ExclusiveL2HoldsL1VictimsAndMovesHitsUp)
{
    mmu_config c = small_config();  // l1dtlb 16x4: vpn % 4 picks the set
    c.tlbs[2].inclusion = CFG_EXCLUSIVE;
    Rig rig(c);
    for (unsigned i = 0; i < 5; i++)
        rig.map(1, kBase + i * 0x4000);
    for (unsigned i = 0; i < 5; i++)
        rig.issue(i * 100, kBase + i * 0x4000);
    // walks fill L1 only; the fifth evicts page 0 from L1 into L2
    EXPECT_EQ(rig.response(4).hit, MMU_HIT_WALK);
    rig.issue(1000, kBase);          // L2 hit, moved up at 1006
    rig.issue(1100, kBase);          // L1 hit
    rig.issue(1200, kBase + 0x4000); // page 1 was evicted by the move up: now in L2
    EXPECT_EQ(rig.response(5).hit, 2u);
    EXPECT_EQ(rig.response(6).hit, 1u);
    EXPECT_EQ(rig.response(7).hit, 2u);
}

TEST(Stats, CountsPerStructureAndAccessType)
{
    Rig rig(small_config());
    rig.map(1, 0x400000, 0, MM_PERM_R | MM_PERM_X | MM_PERM_U | MM_PERM_A);
    rig.map(1, kBase);
    rig.issue(0, 0x400000, 1, MM_ACCESS_IFETCH);
    rig.issue(100, 0x400010, 1, MM_ACCESS_IFETCH);
    rig.issue(200, kBase, 1, MM_ACCESS_STORE);
    rig.issue(300, kBase, 1, MM_ACCESS_LOAD);
    rig.issue(400, kBase, 1, MM_ACCESS_IFETCH);  // XD page in L2: execute fault, no walk
    mmu_drain(rig.m());
    const mmu_stats &s = rig.stats();
    EXPECT_EQ(s.requests[MM_ACCESS_IFETCH], 3u);
    EXPECT_EQ(s.tlb[0].accesses[MM_ACCESS_IFETCH], 3u);
    EXPECT_EQ(s.tlb[0].hits[MM_ACCESS_IFETCH], 1u);
    EXPECT_EQ(s.tlb[0].misses[MM_ACCESS_IFETCH], 2u);
    EXPECT_EQ(s.tlb[1].hits[MM_ACCESS_LOAD], 1u);
    EXPECT_EQ(s.tlb[1].misses[MM_ACCESS_STORE], 1u);
    EXPECT_EQ(s.tlb[2].misses[MM_ACCESS_IFETCH], 1u);
    EXPECT_EQ(s.tlb[2].hits[MM_ACCESS_IFETCH], 1u);
    EXPECT_EQ(s.walks, 2u);
    EXPECT_EQ(s.faults[MM_FAULT_PERM_EXEC], 1u);
    EXPECT_EQ(rig.response(4).fault, MM_FAULT_PERM_EXEC);
    EXPECT_EQ(rig.response(4).hit, 2u);
    EXPECT_EQ(rig.response(4).completion_cycle, 406u);
    uint64_t sum = 0;
    for (const mmu_response &r : rig.responses_)
        sum += r.completion_cycle - r.issue_cycle;
    EXPECT_EQ(s.translation_cycles, sum);
}

TEST(Hist, ExactNearestRankPercentiles)
{
    hist h;
    ASSERT_TRUE(hist_init(&h));
    for (uint64_t v = 1; v <= 100; v++)
        ASSERT_TRUE(hist_add(&h, v * 1000));  // all in the sparse part
    ASSERT_TRUE(hist_add(&h, 7));
    EXPECT_EQ(hist_percentile(&h, 50), 50000u);  // rank 51 of 101: 7, 1000..50000
    EXPECT_EQ(hist_percentile(&h, 1), 1000u);    // rank 2
    EXPECT_EQ(hist_percentile(&h, 0.5), 7u);     // rank 1
    EXPECT_EQ(hist_percentile(&h, 100), 100000u);
    EXPECT_EQ(h.max, 100000u);
    hist_free(&h);
}

// A seeded random stream over a few hundred pages, two ASIDs, flushes.
std::string run_random(uint64_t seed, std::vector<mmu_response> *out)
{
    mmu_config c = small_config();
    c.walker.count = 2;
    c.memlat.kind = MEMLAT_RANDOM;
    c.memlat.min_cycles = 1;
    c.memlat.max_cycles = 40;
    c.memlat.seed = seed;
    Rig rig(c);
    std::mt19937_64 rng(seed);
    for (unsigned i = 0; i < 300; i++) {
        rig.map(1, kBase + (uint64_t)i * 0x1000);
        rig.map(2, kBase + (uint64_t)i * 0x1000);
    }
    uint64_t cycle = 0;
    for (unsigned i = 0; i < 20000; i++) {
        cycle += rng() % 3;
        if (rng() % 1000 == 0) {
            mmu_flush f{};
            f.kind = MMU_FLUSH_ASID;
            f.asid = 1 + rng() % 2;
            f.cycle = cycle;
            rig.flush(f);
            continue;
        }
        uint64_t page = rng() % 320;  // some unmapped: faults
        rig.issue(cycle, kBase + page * 0x1000 + (rng() & 0xff8), 1 + rng() % 2,
                  (mm_access)(rng() % 3 == 0 ? MM_ACCESS_STORE : MM_ACCESS_LOAD));
    }
    mmu_drain(rig.m());
    *out = rig.responses_;
    EXPECT_EQ(mmu_outstanding(rig.m()), 0u);
    char *json = mmu_report_json(rig.m());
    std::string s = json ? json : "";
    std::free(json);
    return s;
}

TEST(Determinism, SameSeedSameReportAndResponses)
{
    std::vector<mmu_response> a, b, c;
    std::string ra = run_random(5, &a);
    std::string rb = run_random(5, &b);
    std::string rc = run_random(6, &c);
    ASSERT_FALSE(ra.empty());
    EXPECT_EQ(ra, rb);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); i++)
        ASSERT_EQ(0, std::memcmp(&a[i], &b[i], sizeof a[i])) << "response " << i;
    EXPECT_NE(ra, rc);
    // every request was answered exactly once, never before it was issued
    std::vector<int> seen(a.size(), 0);
    for (const mmu_response &r : a) {
        ASSERT_LT(r.id, seen.size());
        seen[r.id]++;
        EXPECT_GT(r.completion_cycle, r.issue_cycle);
    }
    for (int n : seen)
        EXPECT_EQ(n, 1);
}

TEST(Report, IsValidJsonWithTheRunsNumbers)
{
    std::vector<mmu_response> a;
    std::string report = run_random(9, &a);
    cJSON *doc = cJSON_Parse(report.c_str());
    ASSERT_NE(doc, nullptr) << report.substr(0, 400);
    cJSON *req = cJSON_GetObjectItem(doc, "requests");
    ASSERT_NE(req, nullptr);
    EXPECT_EQ((size_t)cJSON_GetObjectItem(req, "total")->valuedouble, a.size());
    cJSON *tlbs = cJSON_GetObjectItem(doc, "tlbs");
    ASSERT_TRUE(cJSON_IsArray(tlbs));
    EXPECT_EQ(cJSON_GetArraySize(tlbs), 3);
    cJSON *walks = cJSON_GetObjectItem(doc, "walks");
    cJSON *lat = cJSON_GetObjectItem(walks, "latency");
    double p50 = cJSON_GetObjectItem(lat, "p50")->valuedouble;
    double p99 = cJSON_GetObjectItem(lat, "p99")->valuedouble;
    double mx = cJSON_GetObjectItem(lat, "max")->valuedouble;
    EXPECT_LE(p50, p99);
    EXPECT_LE(p99, mx);
    EXPECT_GT(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "faults"), "not_present")->valuedouble, 0);
    EXPECT_NE(cJSON_GetObjectItem(doc, "config"), nullptr);
    cJSON_Delete(doc);
}

}  // namespace
