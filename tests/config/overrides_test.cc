// overrides_test.cc — `--set key.path=value`: scalars, nested keys, array
// indices, appends, deletions, objects, and new TLBs added through "tlbs".
#include <gtest/gtest.h>

#include "config/config_test_util.h"

namespace {

TEST(ConfigSet, Scalar)
{
    Loaded l = load_sets({"l2tlb.entries=2048", "l2tlb.ways=16"});
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    int i = cfg_find_tlb(&l.cfg, "l2tlb");
    EXPECT_EQ(l.cfg.tlbs[i].tlb.arrays[0].entries, 2048u);
    EXPECT_EQ(l.cfg.tlbs[i].tlb.arrays[0].ways, 16u);
    // the 1G array is untouched
    EXPECT_EQ(l.cfg.tlbs[i].tlb.arrays[1].entries, 16u);
}

TEST(ConfigSet, OrderDoesNotMatterOnlyTheResult)
{
    // 2048 / 12 is not a whole number of sets: only the final state counts.
    Loaded l = load_sets({"l2tlb.entries=2048", "l2tlb.ways=16"});
    Loaded r = load_sets({"l2tlb.ways=16", "l2tlb.entries=2048"});
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    ASSERT_EQ(r.rc, MM_OK) << r.msg();
    EXPECT_EQ(to_json(l.cfg), to_json(r.cfg));
}

TEST(ConfigSet, LaterSetWins)
{
    Loaded l = load_sets({"walker.count=4", "walker.count=3"});
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    EXPECT_EQ(l.cfg.walker.count, 3u);
}

TEST(ConfigSet, NestedKeysAndStrings)
{
    Loaded l = load_sets({"x86.smep=true", "memory.size=4GiB", "memory.alloc=random",
                          "pwc.levels.1.entries=64", "pwc.levels.1.ways=8", "name=my-run",
                          "l1dtlb.replacement=plru"});
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    EXPECT_TRUE(l.cfg.smep);
    EXPECT_EQ(l.cfg.mem.size_bytes, 4ull << 30);
    EXPECT_EQ(l.cfg.mem.policy, PMEM_ALLOC_RANDOM);
    EXPECT_EQ(l.cfg.pwc.geom.level[1].entries, 64u);
    EXPECT_EQ(l.cfg.pwc.geom.level[1].ways, 8u);
    EXPECT_STREQ(l.cfg.name, "my-run");
    EXPECT_EQ(l.cfg.tlbs[1].tlb.replacement, REPL_PLRU);
}

TEST(ConfigSet, ValueThatIsJsonTextAsString)
{
    // "true" parses as JSON: a boolean, not the string "true".
    Loaded l = load_sets({"name=true"});
    EXPECT_EQ(l.rc, MM_ERR_CONFIG);
    EXPECT_NE(l.msg().find("name: expected a string, got a boolean"), std::string::npos)
        << l.msg();
    Loaded q = load_sets({"name=\"true\""});
    ASSERT_EQ(q.rc, MM_OK) << q.msg();
    EXPECT_STREQ(q.cfg.name, "true");
}

TEST(ConfigSet, ValueWithEqualsSign)
{
    Loaded l = load_sets({"name=a=b"});
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    EXPECT_STREQ(l.cfg.name, "a=b");
}

TEST(ConfigSet, ArrayIndex)
{
    Loaded l = load_sets({"memory_latency.levels.0.latency=5", "memory_latency.levels.2.size=16MiB"});
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    EXPECT_EQ(l.cfg.memlat.levels[0].hit_cycles, 5u);
    EXPECT_EQ(l.cfg.memlat.levels[0].size_bytes, 32u << 10); // rest of the element kept
    EXPECT_EQ(l.cfg.memlat.levels[2].size_bytes, 16u << 20);
}

TEST(ConfigSet, ArrayAppendAndDelete)
{
    Loaded l = load_sets({"memory_latency.levels.3.name=l4", "memory_latency.levels.3.size=64MiB",
                          "memory_latency.levels.3.ways=16", "memory_latency.levels.3.latency=60"});
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    ASSERT_EQ(l.cfg.memlat.n_levels, 4u);
    EXPECT_STREQ(l.cfg.memlat.levels[3].name, "l4");
    EXPECT_EQ(l.cfg.memlat.levels[3].hit_cycles, 60u);

    Loaded d = load_sets({"memory_latency.levels.1=null"});
    ASSERT_EQ(d.rc, MM_OK) << d.msg();
    ASSERT_EQ(d.cfg.memlat.n_levels, 2u);
    EXPECT_STREQ(d.cfg.memlat.levels[1].name, "llc");
}

TEST(ConfigSet, ObjectIntoArrayElementMerges)
{
    Loaded l = load_sets({"memory_latency.levels.0={\"latency\":5}"});
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    EXPECT_EQ(l.cfg.memlat.levels[0].hit_cycles, 5u);
    EXPECT_EQ(l.cfg.memlat.levels[0].ways, 8u);
    EXPECT_STREQ(l.cfg.memlat.levels[0].name, "l1d");
}

TEST(ConfigSet, SizeAsDigitString)
{
    Loaded l = load_sets({"memory.base=\"8192\""});
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    EXPECT_EQ(l.cfg.mem.base, 8192u);
}

TEST(ConfigSet, WholeArrayReplaces)
{
    Loaded l = load_sets({"memory_latency.levels=[{\"size\":\"4KiB\",\"ways\":4,\"latency\":3}]"});
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    ASSERT_EQ(l.cfg.memlat.n_levels, 1u);
    EXPECT_STREQ(l.cfg.memlat.levels[0].name, "l1"); // default name
    EXPECT_EQ(l.cfg.memlat.levels[0].hit_cycles, 3u);
}

TEST(ConfigSet, ObjectValueMergesKeyByKey)
{
    Loaded l = load_sets({"walker={\"count\":4}"});
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    EXPECT_EQ(l.cfg.walker.count, 4u);
    EXPECT_EQ(l.cfg.walker.queue, 8u); // skylake's, kept
}

TEST(ConfigSet, NewTlbThroughTheTlbsList)
{
    Loaded l = load_sets({"tlbs=[\"l1itlb\",\"l1dtlb\",\"l2tlb\",\"l3tlb\"]", "l3tlb.level=3",
                          "l3tlb.entries=4096", "l3tlb.ways=8", "l3tlb.latency=20",
                          "l3tlb.page_sizes=[\"4K\",\"2M\",\"1G\"]", "l3tlb.inclusion=exclusive"});
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    ASSERT_EQ(l.cfg.n_tlbs, 4u);
    const cfg_tlb &t = l.cfg.tlbs[3];
    EXPECT_STREQ(t.name, "l3tlb");
    EXPECT_EQ(t.tlb.name, t.name);
    EXPECT_EQ(t.level, 3u);
    EXPECT_EQ(t.latency, 20u);
    EXPECT_EQ(t.inclusion, CFG_EXCLUSIVE);
    EXPECT_EQ(t.serves, 7u); // default: every access type
    EXPECT_EQ(t.tlb.n_arrays, 1u);
    EXPECT_EQ(t.tlb.arrays[0].entries, 4096u);
    EXPECT_EQ(t.tlb.arrays[0].level_mask, 7u);
    EXPECT_EQ(t.tlb.replacement, REPL_LRU);
    EXPECT_EQ(t.tlb.lfsr_seed, REPL_LFSR_DEFAULT_SEED);
}

TEST(ConfigSet, NewTlbDefaultsToFullyAssociative64)
{
    Loaded l = load_sets({"tlbs=[\"l1itlb\",\"l1dtlb\",\"l2tlb\",\"l3tlb\"]", "l3tlb.level=3"});
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    EXPECT_EQ(l.cfg.tlbs[3].tlb.arrays[0].entries, 64u);
    EXPECT_EQ(l.cfg.tlbs[3].tlb.arrays[0].ways, 64u);
    EXPECT_EQ(l.cfg.tlbs[3].tlb.arrays[0].level_mask, 1u);
}

TEST(ConfigSet, RemoveTlbWithNull)
{
    Loaded l = load_sets({"tlbs=[\"l1itlb\",\"l1dtlb\"]", "l2tlb=null"});
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    EXPECT_EQ(l.cfg.n_tlbs, 2u);
    EXPECT_EQ(cfg_find_tlb(&l.cfg, "l2tlb"), -1);
}

TEST(ConfigSet, ExtraArrayByName)
{
    Loaded l = load_sets({"l1dtlb.arrays.2M.entries=64", "l1dtlb.arrays.1G=null"});
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    const tlb_config &t = l.cfg.tlbs[1].tlb;
    ASSERT_EQ(t.n_arrays, 2u);
    EXPECT_EQ(t.arrays[1].entries, 64u);
    EXPECT_EQ(t.arrays[1].level_mask, 2u);
}

TEST(ConfigSet, SwitchPwcDesign)
{
    Loaded u = load_sets({"pwc.design=unified", "pwc.entries=64", "pwc.ways=4", "pwc.latency=2"});
    ASSERT_EQ(u.rc, MM_OK) << u.msg();
    EXPECT_EQ(u.cfg.pwc.geom.design, PWC_UNIFIED);
    EXPECT_EQ(u.cfg.pwc.geom.unified.entries, 64u);
    EXPECT_EQ(u.cfg.pwc.latency[0], 2u);
    // split geometry of the preset is ignored, not carried into the config
    EXPECT_EQ(u.cfg.pwc.geom.level[1].entries, 0u);

    Loaded n = load_sets({"pwc.design=none"});
    ASSERT_EQ(n.rc, MM_OK) << n.msg();
    EXPECT_EQ(n.cfg.pwc.geom.design, PWC_NONE);
    EXPECT_EQ(n.cfg.pwc.geom.level[1].entries, 0u);
}

TEST(ConfigSet, SplitLevelNotCached)
{
    Loaded l = load_sets({"pwc.levels.3=null", "pwc.levels.2.entries=0"});
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    EXPECT_EQ(l.cfg.pwc.geom.level[3].entries, 0u);
    EXPECT_EQ(l.cfg.pwc.geom.level[2].entries, 0u);
    EXPECT_EQ(l.cfg.pwc.geom.level[2].ways, 0u);
    EXPECT_EQ(l.cfg.pwc.geom.level[1].entries, 32u);
}

TEST(ConfigSet, SwitchMemoryLatencyModel)
{
    Loaded f = load_sets({"memory_latency.model=fixed", "memory_latency.latency=30"});
    ASSERT_EQ(f.rc, MM_OK) << f.msg();
    EXPECT_EQ(f.cfg.memlat.kind, MEMLAT_FIXED);
    EXPECT_EQ(f.cfg.memlat.fixed_cycles, 30u);
    EXPECT_EQ(f.cfg.memlat.n_levels, 0u);

    Loaded r = load_sets({"memory_latency={\"model\":\"random\",\"min\":3,\"max\":9,\"seed\":7}"});
    ASSERT_EQ(r.rc, MM_OK) << r.msg();
    EXPECT_EQ(r.cfg.memlat.kind, MEMLAT_RANDOM);
    EXPECT_EQ(r.cfg.memlat.min_cycles, 3u);
    EXPECT_EQ(r.cfg.memlat.max_cycles, 9u);
    EXPECT_EQ(r.cfg.memlat.seed, 7u);
}

TEST(ConfigSet, SwitchFormat)
{
    Loaded l = load(nullptr, nullptr, {"format=sv39", "pwc.levels.3=null", "ad=fault"});
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    EXPECT_EQ(l.cfg.format, PT_SV39);
    EXPECT_EQ(l.cfg.pwc.geom.levels, 3u);
    EXPECT_EQ(l.cfg.ad, WALK_AD_FAULT);

    Loaded r = load("rocket-sv39", nullptr, {"format=sv57", "l1dtlb.arrays.2M_1G.page_sizes=[\"2M\",\"1G\",\"512G\",\"256T\"]"});
    ASSERT_EQ(r.rc, MM_OK) << r.msg();
    EXPECT_EQ(r.cfg.tlbs[1].tlb.arrays[1].level_mask, 0x1eu);
}

TEST(ConfigSet, SizesInBytesOrUnits)
{
    Loaded l = load_sets({"memory.size=1073741824", "memory.base=\"1MiB\""});
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    EXPECT_EQ(l.cfg.mem.size_bytes, 1ull << 30);
    EXPECT_EQ(l.cfg.mem.base, 1ull << 20);
    Loaded t = load_sets({"memory.size=1TiB", "memory.base=4096"});
    ASSERT_EQ(t.rc, MM_OK) << t.msg();
    EXPECT_EQ(t.cfg.mem.size_bytes, 1ull << 40);
}

TEST(ConfigSet, RiscvSwitches)
{
    Loaded l = load("rocket-sv39", nullptr,
                    {"riscv.sum=true", "riscv.mxr=true", "riscv.svnapot=true", "riscv.svpbmt=true",
                     "seed=12345", "memory.seed=99"});
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    EXPECT_TRUE(l.cfg.sum && l.cfg.mxr && l.cfg.svnapot && l.cfg.svpbmt);
    EXPECT_EQ(l.cfg.seed, 12345u);
    EXPECT_EQ(l.cfg.mem.seed, 99u);
}

} // namespace
