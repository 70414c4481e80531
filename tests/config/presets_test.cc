// presets_test.cc — every compiled-in preset loads and has the geometry
// docs/config.md documents for it.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "config/config_test_util.h"

namespace {

const cfg_tlb &tlb(const mmu_config &cfg, const char *name)
{
    int i = cfg_find_tlb(&cfg, name);
    EXPECT_GE(i, 0) << name;
    return cfg.tlbs[i < 0 ? 0 : i];
}

constexpr uint32_t K4 = 1u << 0, M2 = 1u << 1, G1 = 1u << 2;
constexpr uint32_t IFETCH = 1u << MM_ACCESS_IFETCH;
constexpr uint32_t DATA = (1u << MM_ACCESS_LOAD) | (1u << MM_ACCESS_STORE);

void expect_array(const tlb_config &t, unsigned i, uint32_t entries, uint32_t ways, uint32_t sizes)
{
    ASSERT_LT(i, t.n_arrays) << t.name;
    EXPECT_EQ(t.arrays[i].entries, entries) << t.name << " array " << i;
    EXPECT_EQ(t.arrays[i].ways, ways) << t.name << " array " << i;
    EXPECT_EQ(t.arrays[i].level_mask, sizes) << t.name << " array " << i;
}

void expect_cache(const memlat_config &m, unsigned i, const char *name, uint64_t size,
                  uint32_t ways, uint32_t latency)
{
    ASSERT_LT(i, m.n_levels);
    EXPECT_STREQ(m.levels[i].name, name);
    EXPECT_EQ(m.levels[i].size_bytes, size);
    EXPECT_EQ(m.levels[i].ways, ways);
    EXPECT_EQ(m.levels[i].hit_cycles, latency);
}

TEST(ConfigPresets, NamesListEveryPreset)
{
    std::set<std::string> names;
    for (const char *const *n = cfg_preset_names(); *n; n++)
        names.insert(*n);
    EXPECT_EQ(names, (std::set<std::string>{"champsim", "rocket-sv39", "skylake", "zen2"}));
    EXPECT_EQ(cfg_preset_names(), cfg_preset_names());
}

TEST(ConfigPresets, EveryPresetLoads)
{
    for (const char *const *n = cfg_preset_names(); *n; n++) {
        Loaded l = load(*n);
        EXPECT_EQ(l.rc, MM_OK) << *n << ": " << l.msg();
        EXPECT_STREQ(l.cfg.name, *n);
        for (unsigned i = 0; i < l.cfg.n_tlbs; i++)
            EXPECT_EQ(l.cfg.tlbs[i].tlb.name, l.cfg.tlbs[i].name);
    }
}

TEST(ConfigPresets, DefaultIsSkylake)
{
    Loaded l = load(nullptr);
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    EXPECT_STREQ(l.cfg.name, "skylake");
}

TEST(ConfigPresets, Skylake)
{
    Loaded l = load("skylake");
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    const mmu_config &c = l.cfg;
    EXPECT_EQ(c.format, PT_X86_64_4LEVEL);
    EXPECT_EQ(c.ad, WALK_AD_HARDWARE);
    EXPECT_EQ(c.pa_bits, 46u);
    EXPECT_TRUE(c.nxe);
    EXPECT_TRUE(c.wp);
    EXPECT_EQ(c.mem.size_bytes, 16ull << 30);
    ASSERT_EQ(c.n_tlbs, 3u);
    EXPECT_STREQ(c.tlbs[0].name, "l1itlb");
    EXPECT_STREQ(c.tlbs[1].name, "l1dtlb");
    EXPECT_STREQ(c.tlbs[2].name, "l2tlb");

    const cfg_tlb &itlb = tlb(c, "l1itlb");
    EXPECT_EQ(itlb.level, 1u);
    EXPECT_EQ(itlb.serves, IFETCH);
    EXPECT_EQ(itlb.latency, 1u);
    EXPECT_EQ(itlb.tlb.n_arrays, 2u);
    expect_array(itlb.tlb, 0, 128, 8, K4);
    expect_array(itlb.tlb, 1, 8, 8, M2);

    const cfg_tlb &dtlb = tlb(c, "l1dtlb");
    EXPECT_EQ(dtlb.serves, DATA);
    EXPECT_EQ(dtlb.tlb.n_arrays, 3u);
    expect_array(dtlb.tlb, 0, 64, 4, K4);
    expect_array(dtlb.tlb, 1, 32, 4, M2);
    expect_array(dtlb.tlb, 2, 4, 4, G1);

    const cfg_tlb &stlb = tlb(c, "l2tlb");
    EXPECT_EQ(stlb.level, 2u);
    EXPECT_EQ(stlb.serves, IFETCH | DATA);
    EXPECT_EQ(stlb.latency, 9u);
    EXPECT_EQ(stlb.inclusion, CFG_NON_INCLUSIVE);
    EXPECT_EQ(stlb.tlb.replacement, REPL_LRU);
    EXPECT_EQ(stlb.tlb.n_arrays, 2u);
    expect_array(stlb.tlb, 0, 1536, 12, K4 | M2);
    expect_array(stlb.tlb, 1, 16, 4, G1);

    EXPECT_EQ(c.pwc.geom.design, PWC_SPLIT);
    EXPECT_EQ(c.pwc.geom.levels, 4u);
    EXPECT_EQ(c.pwc.geom.level[1].entries, 32u);
    EXPECT_EQ(c.pwc.geom.level[1].ways, 4u);
    EXPECT_EQ(c.pwc.geom.level[2].entries, 4u);
    EXPECT_EQ(c.pwc.geom.level[2].ways, 4u);
    EXPECT_EQ(c.pwc.geom.level[3].entries, 2u);
    EXPECT_EQ(c.pwc.geom.level[3].ways, 2u);
    EXPECT_EQ(c.pwc.latency[1], 1u);
    EXPECT_EQ(c.pwc.latency[3], 1u);

    EXPECT_EQ(c.walker.count, 2u);
    EXPECT_EQ(c.walker.queue, 8u);
    EXPECT_TRUE(c.walker.merge);

    EXPECT_EQ(c.memlat.kind, MEMLAT_CACHE);
    EXPECT_EQ(c.memlat.line_bytes, 64u);
    EXPECT_EQ(c.memlat.n_levels, 3u);
    expect_cache(c.memlat, 0, "l1d", 32 << 10, 8, 4);
    expect_cache(c.memlat, 1, "l2", 256 << 10, 4, 12);
    expect_cache(c.memlat, 2, "llc", 8 << 20, 16, 42);
    EXPECT_EQ(c.memlat.dram_cycles, 200u);
}

TEST(ConfigPresets, Zen2)
{
    Loaded l = load("zen2");
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    const mmu_config &c = l.cfg;
    EXPECT_EQ(c.format, PT_X86_64_4LEVEL);
    ASSERT_EQ(c.n_tlbs, 4u);
    const cfg_tlb &itlb = tlb(c, "l1itlb");
    EXPECT_EQ(itlb.tlb.n_arrays, 1u);
    expect_array(itlb.tlb, 0, 64, 64, K4 | M2 | G1);
    const cfg_tlb &dtlb = tlb(c, "l1dtlb");
    EXPECT_EQ(dtlb.latency, 1u);
    expect_array(dtlb.tlb, 0, 64, 64, K4 | M2 | G1);
    const cfg_tlb &l2i = tlb(c, "l2itlb");
    EXPECT_EQ(l2i.level, 2u);
    EXPECT_EQ(l2i.serves, IFETCH);
    expect_array(l2i.tlb, 0, 512, 8, K4 | M2);
    const cfg_tlb &l2d = tlb(c, "l2tlb");
    EXPECT_EQ(l2d.level, 2u);
    EXPECT_EQ(l2d.serves, DATA);
    EXPECT_EQ(l2d.latency, 7u);
    // 2048 x 12 has 170.67 sets; the preset uses 2048 x 16 (docs/config.md).
    expect_array(l2d.tlb, 0, 2048, 16, K4 | M2);
    EXPECT_EQ(c.pwc.geom.design, PWC_PTE);
    EXPECT_EQ(c.pwc.geom.unified.entries, 64u);
    EXPECT_EQ(c.pwc.geom.unified.ways, 4u);
    EXPECT_EQ(c.pwc.latency[0], 1u);
    EXPECT_EQ(c.walker.count, 2u);
    expect_cache(c.memlat, 0, "l1d", 32 << 10, 8, 4);
    expect_cache(c.memlat, 1, "l2", 512 << 10, 8, 12);
    expect_cache(c.memlat, 2, "llc", 16 << 20, 16, 40);
    EXPECT_EQ(c.memlat.dram_cycles, 200u);
}

TEST(ConfigPresets, RocketSv39)
{
    Loaded l = load("rocket-sv39");
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    const mmu_config &c = l.cfg;
    EXPECT_EQ(c.format, PT_SV39);
    EXPECT_EQ(c.ad, WALK_AD_FAULT);
    EXPECT_EQ(c.pa_bits, 32u);
    EXPECT_EQ(c.mem.pa_bits, 32u);
    EXPECT_EQ(c.mem.size_bytes, 4ull << 30); // all of a 32-bit physical address space
    ASSERT_EQ(c.n_tlbs, 2u);
    EXPECT_EQ(cfg_find_tlb(&c, "l2tlb"), -1);
    for (const char *name : {"l1itlb", "l1dtlb"}) {
        const cfg_tlb &t = tlb(c, name);
        EXPECT_EQ(t.level, 1u);
        EXPECT_EQ(t.latency, 1u);
        EXPECT_EQ(t.tlb.replacement, REPL_PLRU);
        EXPECT_EQ(t.tlb.n_arrays, 2u);
        expect_array(t.tlb, 0, 32, 32, K4);
        expect_array(t.tlb, 1, 4, 4, M2 | G1);
    }
    EXPECT_EQ(c.pwc.geom.design, PWC_PTE);
    EXPECT_EQ(c.pwc.geom.unified.entries, 8u);
    EXPECT_EQ(c.pwc.geom.unified.ways, 8u);
    EXPECT_EQ(c.pwc.geom.levels, 3u);
    EXPECT_EQ(c.walker.count, 1u);
    EXPECT_EQ(c.walker.queue, 0u);
    EXPECT_EQ(c.memlat.n_levels, 1u);
    expect_cache(c.memlat, 0, "l1d", 16 << 10, 4, 2);
    EXPECT_EQ(c.memlat.dram_cycles, 80u);
}

TEST(ConfigPresets, ChampSim)
{
    Loaded l = load("champsim");
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    const mmu_config &c = l.cfg;
    EXPECT_EQ(c.format, PT_X86_64_5LEVEL);
    EXPECT_EQ(c.mem.size_bytes, 16ull << 30);
    ASSERT_EQ(c.n_tlbs, 3u);
    expect_array(tlb(c, "l1itlb").tlb, 0, 64, 4, K4 | M2 | G1); // 16 sets x 4 ways
    expect_array(tlb(c, "l1dtlb").tlb, 0, 64, 4, K4 | M2 | G1);
    const cfg_tlb &stlb = tlb(c, "l2tlb");
    expect_array(stlb.tlb, 0, 1536, 12, K4 | M2 | G1); // 128 sets x 12 ways
    EXPECT_EQ(stlb.latency, 8u);
    EXPECT_EQ(c.pwc.geom.design, PWC_SPLIT);
    EXPECT_EQ(c.pwc.geom.levels, 5u);
    const uint32_t entries[5] = {0, 32, 8, 4, 2}, ways[5] = {0, 8, 4, 4, 2};
    for (unsigned level = 1; level < 5; level++) {
        EXPECT_EQ(c.pwc.geom.level[level].entries, entries[level]) << level;
        EXPECT_EQ(c.pwc.geom.level[level].ways, ways[level]) << level;
    }
    EXPECT_EQ(c.walker.count, 5u);
    expect_cache(c.memlat, 0, "l1d", 48 << 10, 12, 5);
    expect_cache(c.memlat, 1, "l2", 512 << 10, 8, 10);
    expect_cache(c.memlat, 2, "llc", 2 << 20, 16, 20);
    EXPECT_EQ(c.memlat.dram_cycles, 200u);
}

TEST(ConfigPresets, UnknownPresetListsTheKnownOnes)
{
    Loaded l = load("skylak");
    EXPECT_EQ(l.rc, MM_ERR_CONFIG);
    EXPECT_NE(l.msg().find("unknown preset \"skylak\""), std::string::npos) << l.msg();
    for (const char *name : {"champsim", "rocket-sv39", "skylake", "zen2"})
        EXPECT_NE(l.msg().find(name), std::string::npos) << l.msg();
}

TEST(ConfigPresets, FindTlb)
{
    Loaded l = load("skylake");
    ASSERT_EQ(l.rc, MM_OK);
    EXPECT_EQ(cfg_find_tlb(&l.cfg, "l1itlb"), 0);
    EXPECT_EQ(cfg_find_tlb(&l.cfg, "l2tlb"), 2);
    EXPECT_EQ(cfg_find_tlb(&l.cfg, "l3tlb"), -1);
    EXPECT_EQ(cfg_find_tlb(&l.cfg, nullptr), -1);
    EXPECT_EQ(cfg_find_tlb(nullptr, "l1itlb"), -1);
}

TEST(ConfigPresets, FixNamesRepointsACopy)
{
    Loaded l = load("skylake");
    ASSERT_EQ(l.rc, MM_OK);
    mmu_config copy = l.cfg;
    EXPECT_EQ(copy.tlbs[0].tlb.name, l.cfg.tlbs[0].name); // still the original's
    cfg_fix_names(&copy);
    for (unsigned i = 0; i < copy.n_tlbs; i++)
        EXPECT_EQ(copy.tlbs[i].tlb.name, copy.tlbs[i].name);
    EXPECT_EQ(copy.tlbs[copy.n_tlbs].tlb.name, nullptr);
}

} // namespace
