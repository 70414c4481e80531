// json_test.cc — cfg_to_json: canonical (schema order, every key,
// deterministic bytes) and round-tripping through cfg_load.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "config/config_test_util.h"

namespace {

// Configs are equal when every byte but the name pointers is equal
// (cfg_load zeroes the struct first, so padding compares equal too).
bool same_config(mmu_config a, mmu_config b)
{
    for (unsigned i = 0; i < CFG_MAX_TLBS; i++)
        a.tlbs[i].tlb.name = b.tlbs[i].tlb.name = nullptr;
    return std::memcmp(&a, &b, sizeof a) == 0;
}

void expect_round_trip(const Loaded &l)
{
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    std::string text = to_json(l.cfg);
    ASSERT_FALSE(text.empty());
    TempFile f(text);
    Loaded back = load(nullptr, f.path());
    ASSERT_EQ(back.rc, MM_OK) << back.msg() << "\n" << text;
    EXPECT_TRUE(same_config(l.cfg, back.cfg)) << text;
    EXPECT_EQ(to_json(back.cfg), text);
    for (unsigned i = 0; i < back.cfg.n_tlbs; i++)
        EXPECT_EQ(back.cfg.tlbs[i].tlb.name, back.cfg.tlbs[i].name);
}

TEST(ConfigJson, EveryPresetRoundTrips)
{
    for (const char *const *n = cfg_preset_names(); *n; n++) {
        SCOPED_TRACE(*n);
        expect_round_trip(load(*n));
    }
}

TEST(ConfigJson, RoundTripsEveryDesignAndModel)
{
    const std::vector<std::vector<std::string>> variants = {
        {"pwc.design=unified", "pwc.entries=16", "pwc.ways=4", "pwc.latency=3"},
        {"pwc.design=none"},
        {"pwc.design=pte", "pwc.entries=8", "pwc.replacement=random", "pwc.lfsr_seed=7"},
        {"pwc.levels.2.entries=0"},
        {"memory_latency={\"model\":\"fixed\",\"latency\":33}"},
        {"memory_latency={\"model\":\"random\",\"min\":2,\"max\":40,\"seed\":12}"},
        {"memory.size=12288004096", "memory.base=8192", "memory.alloc=random", "seed=77"},
        {"memory_latency.levels.0.size=512", "memory_latency.levels.0.ways=1",
         "memory_latency.line_bytes=8"},
        {"tlbs=[\"l1itlb\",\"l1dtlb\",\"l2tlb\",\"l3tlb\"]", "l3tlb.level=3",
         "l3tlb.inclusion=inclusive", "l2tlb.inclusion=exclusive", "l3tlb.replacement=fifo",
         "l3tlb.page_sizes=[\"2M\",\"1G\"]", "l3tlb.serves=[\"load\"]"},
        {"x86={\"nxe\":false,\"wp\":false,\"smep\":true,\"smap\":true}", "walker.merge=false",
         "walker.step_cycles=3", "walker.fill_cycles=0", "name=with \\\"quotes\\\" and \\\\"},
    };
    for (const auto &sets : variants) {
        SCOPED_TRACE(sets[0]);
        expect_round_trip(load("skylake", nullptr, sets));
    }
    expect_round_trip(load("rocket-sv39", nullptr,
                           {"riscv={\"sum\":true,\"mxr\":true,\"svnapot\":true,\"svpbmt\":true}"}));
}

TEST(ConfigJson, EqualConfigsGiveIdenticalBytes)
{
    // Two routes to the same config: a preset with sets, and a file.
    Loaded a = load("skylake", nullptr, {"l2tlb.entries=2048", "l2tlb.ways=16"});
    TempFile f(R"({"l2tlb": {"ways": 16, "entries": 2048}})", "skylake");
    Loaded b = load(nullptr, f.path(), {"name=skylake"});
    ASSERT_EQ(a.rc, MM_OK) << a.msg();
    ASSERT_EQ(b.rc, MM_OK) << b.msg();
    EXPECT_EQ(to_json(a.cfg), to_json(b.cfg));
    EXPECT_EQ(to_json(a.cfg), to_json(a.cfg));
    Loaded c = load("skylake", nullptr, {"l2tlb.entries=4096", "l2tlb.ways=16"});
    EXPECT_NE(to_json(a.cfg), to_json(c.cfg));
}

TEST(ConfigJson, SchemaOrderAndShape)
{
    Loaded l = load("skylake");
    ASSERT_EQ(l.rc, MM_OK);
    std::string text = to_json(l.cfg);
    const char *keys[] = {"\"extends\": null", "\"name\": \"skylake\"", "\"format\": \"x86-64-4level\"",
                          "\"ad\": \"hardware\"", "\"pa_bits\": 46", "\"x86\": {", "\"riscv\": {",
                          "\"memory\": {", "\"size\": \"16GiB\"", "\"base\": 0",
                          "\"tlbs\": [\"l1itlb\", \"l1dtlb\", \"l2tlb\"]", "\"l1itlb\": {",
                          "\"l1dtlb\": {", "\"l2tlb\": {", "\"pwc\": {", "\"walker\": {",
                          "\"memory_latency\": {", "\"seed\": 1\n}"};
    size_t at = 0;
    for (const char *k : keys) {
        size_t found = text.find(k, at);
        ASSERT_NE(found, std::string::npos) << k << " after byte " << at << "\n" << text;
        at = found;
    }
    EXPECT_EQ(text.rfind("{\n  \"extends\": null,\n  \"name\": \"skylake\",\n", 0), 0u);
    EXPECT_EQ(text.back(), '\n');
    // extra arrays are named after the sizes they hold
    EXPECT_NE(text.find("\"arrays\": {\n      \"2M\": {"), std::string::npos) << text;
    EXPECT_NE(text.find("\"page_sizes\": [\"4K\", \"2M\"]"), std::string::npos);
    EXPECT_NE(text.find("\"serves\": [\"ifetch\", \"load\", \"store\"]"), std::string::npos);
    EXPECT_NE(text.find("\"size\": \"8MiB\""), std::string::npos);
}

TEST(ConfigJson, EmptyArraysObjectAndNames)
{
    Loaded l = load("zen2");
    ASSERT_EQ(l.rc, MM_OK);
    std::string text = to_json(l.cfg);
    EXPECT_NE(text.find("\"arrays\": {}"), std::string::npos) << text;
    Loaded r = load("rocket-sv39");
    ASSERT_EQ(r.rc, MM_OK);
    EXPECT_NE(to_json(r.cfg).find("\"2M_1G\": {"), std::string::npos);
}

TEST(ConfigJson, EscapesStrings)
{
    Loaded l = load_sets({"name=\"a\\\"b\\\\c\""});
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    EXPECT_STREQ(l.cfg.name, "a\"b\\c");
    EXPECT_NE(to_json(l.cfg).find("\"name\": \"a\\\"b\\\\c\""), std::string::npos);

    // Names written by hand (not through cfg_load) still come out as valid JSON.
    mmu_config raw = l.cfg;
    std::strcpy(raw.name, "tab\there");
    EXPECT_NE(to_json(raw).find("\"name\": \"tab\\u0009here\""), std::string::npos);
}

TEST(ConfigJson, SizesThatAreNotWholeKiB)
{
    Loaded l = load_sets({"memory.size=12288004096", "memory_latency.levels.0.size=512",
                          "memory_latency.levels.0.ways=1", "memory_latency.line_bytes=8"});
    ASSERT_EQ(l.rc, MM_OK) << l.msg();
    std::string text = to_json(l.cfg);
    EXPECT_NE(text.find("\"size\": \"12000004KiB\""), std::string::npos) << text;
    EXPECT_NE(text.find("\"size\": 512"), std::string::npos) << text;
}

TEST(ConfigJson, OutOfRangeEnumsAreMarked)
{
    Loaded l = load("skylake");
    ASSERT_EQ(l.rc, MM_OK);
    mmu_config raw = l.cfg;
    raw.tlbs[0].inclusion = (cfg_inclusion)9;
    raw.format = (pt_format)42;
    std::string text = to_json(raw);
    EXPECT_NE(text.find("\"inclusion\": \"unknown\""), std::string::npos);
    EXPECT_NE(text.find("\"format\": \"unknown\""), std::string::npos);
    EXPECT_EQ(cfg_to_json(nullptr), nullptr);
}

} // namespace
