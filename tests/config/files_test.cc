// files_test.cc — config files: "extends", the deep merge over a preset,
// the default name, and errors that name the file (unreadable, syntax,
// wrong shape) or the source that wrote the faulty key.
#include <gtest/gtest.h>

#include <string>

#include "config/config_test_util.h"

namespace {

TEST(ConfigFile, MergesOverSkylakeByDefault)
{
    TempFile f(R"({"l2tlb": {"entries": 2048, "ways": 16}, "walker": {"count": 4}})");
    Loaded l = load(nullptr, f.path());
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    int i = cfg_find_tlb(&l.cfg, "l2tlb");
    ASSERT_GE(i, 0);
    EXPECT_EQ(l.cfg.tlbs[i].tlb.arrays[0].entries, 2048u);
    EXPECT_EQ(l.cfg.tlbs[i].tlb.arrays[0].ways, 16u);
    // keys the file does not mention keep skylake's values
    EXPECT_EQ(l.cfg.tlbs[i].latency, 9u);
    EXPECT_EQ(l.cfg.tlbs[i].tlb.n_arrays, 2u);
    EXPECT_EQ(l.cfg.walker.count, 4u);
    EXPECT_EQ(l.cfg.walker.queue, 8u);
    EXPECT_EQ(l.cfg.n_tlbs, 3u);
}

TEST(ConfigFile, ExtendsPicksThePreset)
{
    TempFile f(R"({"extends": "rocket-sv39", "walker": {"count": 2}})");
    Loaded l = load(nullptr, f.path());
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    EXPECT_EQ(l.cfg.format, PT_SV39);
    EXPECT_EQ(l.cfg.n_tlbs, 2u);
    EXPECT_EQ(l.cfg.walker.count, 2u);
}

TEST(ConfigFile, PresetArgumentTakesPrecedenceOverExtends)
{
    TempFile f(R"({"extends": "rocket-sv39"})");
    Loaded l = load("zen2", f.path());
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    EXPECT_EQ(l.cfg.format, PT_X86_64_4LEVEL);
    EXPECT_EQ(l.cfg.pwc.geom.unified.entries, 64u);
}

TEST(ConfigFile, NameDefaultsToTheFileStem)
{
    TempFile f(R"({"walker": {"count": 3}})", "my-experiment");
    Loaded l = load(nullptr, f.path());
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    std::string expected = std::string(f.path());
    expected = expected.substr(expected.rfind('/') + 1);
    expected = expected.substr(0, expected.size() - 5);
    EXPECT_EQ(std::string(l.cfg.name), expected);
    EXPECT_EQ(expected.rfind("my-experiment", 0), 0u);

    TempFile named(R"({"name": "named"})");
    Loaded n = load(nullptr, named.path(), {"walker.count=3"});
    ASSERT_EQ(n.rc, MM_OK) << n.msg();
    EXPECT_STREQ(n.cfg.name, "named");

    Loaded s = load(nullptr, f.path(), {"name=from-set"});
    ASSERT_EQ(s.rc, MM_OK) << s.msg();
    EXPECT_STREQ(s.cfg.name, "from-set");
}

TEST(ConfigFile, LongFileStemIsCutToTheNameLength)
{
    TempFile f(R"({})", std::string(80, 'x'));
    Loaded l = load(nullptr, f.path());
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    EXPECT_EQ(std::string(l.cfg.name), std::string(63, 'x'));
}

TEST(ConfigFile, NestedObjectsMergeKeyByKey)
{
    TempFile f(R"({"l1dtlb": {"arrays": {"2M": {"entries": 64}}},
                  "pwc": {"levels": {"1": {"latency": 2}}},
                  "memory": {"alloc": "random", "seed": 9}})");
    Loaded l = load(nullptr, f.path());
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    const tlb_config &d = l.cfg.tlbs[1].tlb;
    ASSERT_EQ(d.n_arrays, 3u);
    EXPECT_EQ(d.arrays[1].entries, 64u);
    EXPECT_EQ(d.arrays[1].ways, 4u);
    EXPECT_EQ(d.arrays[2].level_mask, 4u);
    EXPECT_EQ(l.cfg.pwc.latency[1], 2u);
    EXPECT_EQ(l.cfg.pwc.geom.level[1].entries, 32u);
    EXPECT_EQ(l.cfg.mem.policy, PMEM_ALLOC_RANDOM);
    EXPECT_EQ(l.cfg.mem.seed, 9u);
    EXPECT_EQ(l.cfg.mem.size_bytes, 16ull << 30);
}

TEST(ConfigFile, ArraysReplaceWhole)
{
    TempFile f(R"({"memory_latency": {"levels": [{"name": "only", "size": "64KiB", "ways": 4, "latency": 3}]}})");
    Loaded l = load(nullptr, f.path());
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    ASSERT_EQ(l.cfg.memlat.n_levels, 1u);
    EXPECT_STREQ(l.cfg.memlat.levels[0].name, "only");
    EXPECT_EQ(l.cfg.memlat.dram_cycles, 200u);
}

TEST(ConfigFile, NullDeletesAKey)
{
    TempFile f(R"({"tlbs": ["l1itlb", "l1dtlb"], "l2tlb": null})");
    Loaded l = load(nullptr, f.path());
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    EXPECT_EQ(l.cfg.n_tlbs, 2u);
}

TEST(ConfigFile, SetsApplyAfterTheFile)
{
    TempFile f(R"({"walker": {"count": 4}})");
    Loaded l = load(nullptr, f.path(), {"walker.count=6"});
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    EXPECT_EQ(l.cfg.walker.count, 6u);
}

TEST(ConfigFile, ExtendsNullStartsFromDefaults)
{
    TempFile f(R"({"extends": null, "tlbs": ["tlb"], "tlb": {"level": 1}})");
    Loaded l = load(nullptr, f.path());
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    const mmu_config &c = l.cfg;
    EXPECT_EQ(c.format, PT_X86_64_4LEVEL);
    EXPECT_EQ(c.ad, WALK_AD_HARDWARE);
    EXPECT_EQ(c.pa_bits, 46u);
    EXPECT_TRUE(c.nxe && c.wp);
    EXPECT_FALSE(c.smep || c.smap || c.sum || c.mxr || c.svnapot || c.svpbmt);
    EXPECT_EQ(c.mem.size_bytes, 16ull << 30);
    EXPECT_EQ(c.mem.pa_bits, 52u);
    EXPECT_EQ(c.mem.base, 0u);
    EXPECT_EQ(c.mem.policy, PMEM_ALLOC_SEQUENTIAL);
    EXPECT_EQ(c.mem.seed, 1u);
    ASSERT_EQ(c.n_tlbs, 1u);
    EXPECT_EQ(c.tlbs[0].serves, 7u);
    EXPECT_EQ(c.tlbs[0].latency, 1u);
    EXPECT_EQ(c.tlbs[0].inclusion, CFG_NON_INCLUSIVE);
    EXPECT_EQ(c.tlbs[0].tlb.arrays[0].entries, 64u);
    EXPECT_EQ(c.tlbs[0].tlb.arrays[0].ways, 64u);
    EXPECT_EQ(c.tlbs[0].tlb.arrays[0].level_mask, 1u);
    EXPECT_EQ(c.pwc.geom.design, PWC_NONE);
    EXPECT_EQ(c.walker.count, 1u);
    EXPECT_EQ(c.walker.queue, 8u);
    EXPECT_EQ(c.walker.step_cycles, 0u);
    EXPECT_EQ(c.walker.fill_cycles, 1u);
    EXPECT_TRUE(c.walker.merge);
    EXPECT_EQ(c.memlat.kind, MEMLAT_FIXED);
    EXPECT_EQ(c.memlat.fixed_cycles, 100u);
    EXPECT_EQ(c.seed, 1u);

    TempFile rv(R"({"extends": null, "format": "sv48", "tlbs": ["tlb"], "tlb": {"level": 1}})");
    Loaded r = load(nullptr, rv.path());
    ASSERT_EQ(r.rc, MM_OK) << r.msg();
    EXPECT_EQ(r.cfg.pa_bits, 52u);
}

TEST(ConfigFile, ExtendsNullMissingRequiredKeyBlamesTheFile)
{
    TempFile f(R"({"extends": null})");
    Loaded l = load(nullptr, f.path());
    EXPECT_EQ(l.rc, MM_ERR_CONFIG);
    EXPECT_EQ(l.msg(), std::string(f.path()) + ": tlbs: required key missing (an array)");
}

TEST(ConfigFile, UnknownExtends)
{
    TempFile f(R"({"extends": "haswell"})");
    Loaded l = load(nullptr, f.path());
    EXPECT_EQ(l.rc, MM_ERR_CONFIG);
    EXPECT_EQ(l.msg().rfind(std::string(f.path()) + ": extends: unknown preset \"haswell\" (known: ", 0),
              0u)
        << l.msg();
    EXPECT_NE(l.msg().find("rocket-sv39"), std::string::npos);

    TempFile g(R"({"extends": 3})");
    Loaded m = load(nullptr, g.path());
    EXPECT_EQ(m.rc, MM_ERR_CONFIG);
    EXPECT_EQ(m.msg(), std::string(g.path()) + ": extends: expected a preset name or null, got a number");
}

TEST(ConfigFile, ErrorsNameTheFile)
{
    TempFile f(R"({"l1dtlb": {"entries": 4, "ways": 8}})");
    Loaded l = load(nullptr, f.path());
    EXPECT_EQ(l.rc, MM_ERR_CONFIG);
    EXPECT_EQ(l.msg(), std::string(f.path()) + ": l1dtlb.ways: 8 > entries 4");

    TempFile g(R"({"l2tlb": {"entriez": 1}})");
    Loaded m = load(nullptr, g.path());
    EXPECT_EQ(m.rc, MM_ERR_CONFIG);
    EXPECT_EQ(m.msg(), std::string(g.path()) +
                           ": unknown key \"l2tlb.entriez\" (did you mean \"entries\"?)");
}

TEST(ConfigFile, ErrorBlamesTheLatestSourceOfTheKeys)
{
    // The file sets ways = 8, a later --set shrinks entries: the set is named.
    TempFile f(R"({"l1dtlb": {"ways": 8, "entries": 64}})");
    Loaded l = load(nullptr, f.path(), {"walker.count=2", "l1dtlb.entries=4"});
    EXPECT_EQ(l.rc, MM_ERR_CONFIG);
    EXPECT_EQ(l.msg(), "--set l1dtlb.entries=4: l1dtlb.ways: 8 > entries 4");

    // A --set touching something else does not take the blame from the file.
    TempFile g(R"({"l1dtlb": {"ways": 8, "entries": 4}})");
    Loaded m = load(nullptr, g.path(), {"walker.count=2"});
    EXPECT_EQ(m.rc, MM_ERR_CONFIG);
    EXPECT_EQ(m.msg(), std::string(g.path()) + ": l1dtlb.ways: 8 > entries 4");
}

TEST(ConfigFile, FormatChangeInFileBlamesTheFile)
{
    // The page size comes from the preset; the file's format makes it invalid.
    TempFile f(R"({"extends": "rocket-sv39", "format": "sv39", "l1dtlb": {"page_sizes": ["4K"]},
                  "l1itlb": {"arrays": {"2M_1G": {"page_sizes": ["2M", "1G"]}}}})");
    Loaded ok = load(nullptr, f.path());
    ASSERT_EQ(ok.rc, MM_OK) << ok.msg();
    TempFile g(R"({"format": "sv39", "pwc": {"design": "none"}})");
    Loaded l = load("zen2", g.path(), {"l1dtlb.latency=2"});
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    TempFile h(R"({"extends": "rocket-sv39", "format": "x86-64-4level"})");
    Loaded m = load(nullptr, h.path());
    EXPECT_EQ(m.rc, MM_ERR_CONFIG);
    EXPECT_EQ(m.msg(), std::string(h.path()) +
                           ": ad: \"fault\" (Svade) is RISC-V only; x86-64-4level sets A/D bits "
                           "in hardware");
}

TEST(ConfigFile, Unreadable)
{
    Loaded l = load(nullptr, "/nonexistent/dir/cfg.json");
    EXPECT_EQ(l.rc, MM_ERR_IO);
    EXPECT_EQ(l.msg().rfind("/nonexistent/dir/cfg.json: cannot open: ", 0), 0u) << l.msg();

    // a directory opens but cannot be read
    Loaded d = load(nullptr, "/");
    EXPECT_EQ(d.rc, MM_ERR_IO);
    EXPECT_EQ(d.msg().rfind("/: ", 0), 0u) << d.msg();
}

TEST(ConfigFile, SyntaxErrorNamesLineColumnAndByte)
{
    TempFile f("{\n  \"walker\": {\"count\": 2,}\n}\n");
    Loaded l = load(nullptr, f.path());
    EXPECT_EQ(l.rc, MM_ERR_FORMAT);
    // cJSON reports the position at or just past the offending '}' (byte 26).
    std::string prefix = std::string(f.path()) + ": JSON syntax error near line 2, column ";
    EXPECT_TRUE(l.msg() == prefix + "25 (byte 26)" || l.msg() == prefix + "26 (byte 27)") << l.msg();

    TempFile empty("");
    Loaded e = load(nullptr, empty.path());
    EXPECT_EQ(e.rc, MM_ERR_FORMAT);
    EXPECT_NE(e.msg().find("JSON syntax error near line 1, column 1 (byte 0)"), std::string::npos)
        << e.msg();

    TempFile trailing("{} x");
    Loaded t = load(nullptr, trailing.path());
    EXPECT_EQ(t.rc, MM_ERR_FORMAT);
    EXPECT_NE(t.msg().find("(byte 3)"), std::string::npos) << t.msg();
}

TEST(ConfigFile, NulByte)
{
    TempFile f(std::string("{}\0{}", 5));
    Loaded l = load(nullptr, f.path());
    EXPECT_EQ(l.rc, MM_ERR_FORMAT);
    EXPECT_EQ(l.msg(), std::string(f.path()) + ": NUL byte at byte 2");
}

TEST(ConfigFile, TopLevelMustBeAnObject)
{
    TempFile f("[1, 2]");
    Loaded l = load(nullptr, f.path());
    EXPECT_EQ(l.rc, MM_ERR_CONFIG);
    EXPECT_EQ(l.msg(), std::string(f.path()) + ": expected a JSON object at the top level, got an array");
}

TEST(ConfigFile, DuplicateKey)
{
    TempFile f(R"({"walker": {"count": 2, "count": 3}})");
    Loaded l = load(nullptr, f.path());
    EXPECT_EQ(l.rc, MM_ERR_CONFIG);
    EXPECT_EQ(l.msg(), std::string(f.path()) + ": duplicate key \"walker.count\"");
}

TEST(ConfigFile, LargeFileIsRead)
{
    // Well past the reader's first buffer: exercises its growth.
    std::string text = "{\"name\": \"" + std::string(60, 'n') + "\", \"walker\": {\"count\": 2}";
    for (int i = 0; i < 2000; i++)
        text += ", \"l1dtlb\": {\"latency\": " + std::to_string(1 + i % 3) + "}";
    text += "}";
    TempFile f(text);
    Loaded l = load(nullptr, f.path());
    EXPECT_EQ(l.rc, MM_ERR_CONFIG);
    EXPECT_EQ(l.msg(), std::string(f.path()) + ": duplicate key \"l1dtlb\"");
}

} // namespace
