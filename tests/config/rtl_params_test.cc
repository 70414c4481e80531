// The RTL's view of a config (config_rtl.c): the generated package, the
// run-time inputs, and the refusals of what the RTL does not build.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "mmulab/config.h"

namespace {

mmu_config load(std::initializer_list<const char *> sets, const char *preset = "skylake")
{
    mmu_config c;
    mm_error err{};
    std::vector<const char *> v(sets);
    EXPECT_EQ(cfg_load(preset, nullptr, v.data(), v.size(), &c, &err), MM_OK) << err.msg;
    return c;
}

std::string package(const mmu_config &c, mm_error *err)
{
    char *text = cfg_rtl_package(&c, err);
    std::string s = text ? text : "";
    std::free(text);
    return s;
}

}  // namespace

TEST(RtlParams, SkylakeOneWalkerPackage)
{
    mmu_config c = load({"walker.count=1", "walker.merge_slots=8"});
    mm_error err{};
    std::string pkg = package(c, &err);
    ASSERT_FALSE(pkg.empty()) << err.msg;
    // lookup order l1itlb, l1dtlb, l2tlb; the L2's arrays 1536x12 (4K+2M) and 16x4 (1G)
    EXPECT_NE(pkg.find("CfgNumTlbs = 3;"), std::string::npos);
    EXPECT_NE(pkg.find("32'd16, 32'd1536"), std::string::npos) << pkg;
    EXPECT_NE(pkg.find("CfgPwcDesign = 1;"), std::string::npos);
    EXPECT_NE(pkg.find("CfgWalkQueue = 8;"), std::string::npos);
    EXPECT_NE(pkg.find("CfgMergeSlots = 8;"), std::string::npos);
    // two distinct paths (ifetch; load and store) of two TLBs each
    EXPECT_NE(pkg.find("CfgHitLanes = 4;"), std::string::npos);
    EXPECT_NE(pkg.find("CfgPromoLanes = 2;"), std::string::npos);
    // latencies are inputs: changing them leaves the package alone
    mmu_config slower = load({"walker.count=1", "walker.merge_slots=8", "l2tlb.latency=20",
                              "walker.step_cycles=3"});
    std::string other = package(slower, &err);
    EXPECT_EQ(other.substr(other.find("package")), pkg.substr(pkg.find("package")));
}

TEST(RtlParams, InputsInLookupOrder)
{
    mmu_config c = load({"walker.count=1", "walker.merge_slots=8", "l1itlb.latency=2",
                         "l1dtlb.latency=3", "l2tlb.latency=7", "pwc.levels.2.latency=4"});
    cfg_rtl_inputs in;
    mm_error err{};
    ASSERT_EQ(cfg_rtl_inputs_get(&c, &in, &err), MM_OK) << err.msg;
    EXPECT_EQ(in.tlb_latency[0], 2);
    EXPECT_EQ(in.tlb_latency[1], 3);
    EXPECT_EQ(in.tlb_latency[2], 7);
    EXPECT_EQ(in.pwc_probe_cycles, 4);  // split: the slowest configured level
    EXPECT_EQ(in.pte_cache_cycles, 0);
    EXPECT_EQ(in.fill_cycles, 1);
    EXPECT_TRUE(in.merge);
    EXPECT_EQ(in.tlb_inclusion[2], CFG_NON_INCLUSIVE);
    // inclusion policies are inputs too, in lookup order; a config using
    // one builds the victim paths (one package for both policies)
    char *plain = cfg_rtl_package(&c, &err);
    ASSERT_TRUE(plain) << err.msg;
    EXPECT_NE(std::string(plain).find("CfgTlbVictimPaths = 1'b0;"), std::string::npos);
    std::string with_paths;
    for (cfg_inclusion inc : {CFG_INCLUSIVE, CFG_EXCLUSIVE}) {
        mmu_config d = load({"walker.count=1", "walker.merge_slots=8",
                             inc == CFG_INCLUSIVE ? "l2tlb.inclusion=inclusive" : "l2tlb.inclusion=exclusive"});
        ASSERT_EQ(cfg_rtl_inputs_get(&d, &in, &err), MM_OK) << err.msg;
        EXPECT_EQ(in.tlb_inclusion[0], CFG_NON_INCLUSIVE);
        EXPECT_EQ(in.tlb_inclusion[1], CFG_NON_INCLUSIVE);
        EXPECT_EQ(in.tlb_inclusion[2], inc);
        char *b = cfg_rtl_package(&d, &err);
        ASSERT_TRUE(b) << err.msg;
        std::string pa = plain, pb = b;
        std::free(b);
        pb = pb.substr(pb.find("package"));
        // the same parameters but the victim paths
        size_t at = pb.find("CfgTlbVictimPaths = 1'b1;");
        ASSERT_NE(at, std::string::npos) << pb;
        std::string as_plain = pb;
        as_plain.replace(at, 25, "CfgTlbVictimPaths = 1'b0;");
        EXPECT_EQ(pa.substr(pa.find("package")), as_plain);
        if (!with_paths.empty())
            EXPECT_EQ(with_paths, pb);
        with_paths = pb;
    }
    std::free(plain);
    mmu_config rocket = load({"walker.merge_slots=4", "pwc.latency=3"}, "rocket-sv39");
    ASSERT_EQ(cfg_rtl_inputs_get(&rocket, &in, &err), MM_OK) << err.msg;
    EXPECT_EQ(in.pwc_probe_cycles, 0);
    EXPECT_EQ(in.pte_cache_cycles, 3);
    EXPECT_EQ(cfg_pte_cache_cycles(&rocket), 3u);
}

TEST(RtlParams, RefusalsNameTheKey)
{
    struct {
        std::initializer_list<const char *> sets;
        const char *key;
    } cases[] = {
        {{"walker.count=9", "walker.merge_slots=8"}, "walker.count"},
        {{"walker.count=1"}, "walker.merge_slots"},
        {{"walker.count=1", "walker.merge_slots=8", "walker.fill_cycles=0"}, "walker.fill_cycles"},
        {{"walker.count=1", "walker.merge_slots=8", "l2tlb.latency=300"}, "l2tlb.latency"},
    };
    for (const auto &k : cases) {
        mmu_config c = load(k.sets);
        mm_error err{};
        EXPECT_EQ(package(c, &err), "");
        EXPECT_EQ(err.code, MM_ERR_CONFIG);
        EXPECT_NE(std::string(err.msg).find(k.key), std::string::npos) << err.msg;
        cfg_rtl_inputs in;
        EXPECT_EQ(cfg_rtl_inputs_get(&c, &in, &err), MM_ERR_CONFIG);
    }
    // several walkers beside every walk-cache design, the page-table cache
    // included (each walker has its own probe port)
    mm_error walk_err{};
    EXPECT_NE(package(load({"walker.merge_slots=8"}), &walk_err), "") << walk_err.msg;
    std::string zen2 = package(load({"walker.merge_slots=8"}, "zen2"), &walk_err);
    EXPECT_NE(zen2, "") << walk_err.msg;
    EXPECT_NE(zen2.find("CfgNumWalkers = 2;"), std::string::npos) << zen2;
    // inclusion is an input with three values; a config made in code may hold another
    mmu_config odd = load({"walker.count=1", "walker.merge_slots=8"});
    odd.tlbs[2].inclusion = (cfg_inclusion)3;
    mm_error odd_err{};
    EXPECT_EQ(package(odd, &odd_err), "");
    EXPECT_NE(std::string(odd_err.msg).find("l2tlb.inclusion"), std::string::npos) << odd_err.msg;
    // victims move between two levels only: a third level keeps non-inclusive
    mmu_config deep = load({"walker.count=1", "walker.merge_slots=8",
                            "tlbs=[\"l1itlb\",\"l1dtlb\",\"l2tlb\",\"l3tlb\"]", "l3tlb.level=3",
                            "l3tlb.entries=256", "l3tlb.ways=8"});
    EXPECT_NE(package(deep, &odd_err), "") << odd_err.msg;
    deep = load({"walker.count=1", "walker.merge_slots=8",
                 "tlbs=[\"l1itlb\",\"l1dtlb\",\"l2tlb\",\"l3tlb\"]", "l3tlb.level=3",
                 "l3tlb.entries=256", "l3tlb.ways=8", "l3tlb.inclusion=inclusive"});
    EXPECT_EQ(package(deep, &odd_err), "");
    EXPECT_NE(std::string(odd_err.msg).find("l3tlb.inclusion"), std::string::npos) << odd_err.msg;
    // merging off needs no merge slots
    mmu_config off = load({"walker.count=1", "walker.merge=false"});
    mm_error err{};
    EXPECT_NE(package(off, &err), "") << err.msg;
}
