// memlat_reference_test.cc — the cache model against a direct transcription
// of its documented rules (docs/config.md: per level, set = line % sets;
// the first level holding the line answers and that way becomes most
// recent; every level probed before it is filled into its lowest invalid
// way, else its least recently used way), over random streams that mix
// hot lines, conflicting lines and physical addresses up to 2^64.
#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

#include "mmulab/memlat.h"

namespace {

struct RefWay {
    bool valid = false;
    uint64_t line = 0;
    uint64_t last_use = 0;
};

struct RefLevel {
    uint64_t sets;
    uint32_t ways;
    uint32_t hit_cycles;
    std::vector<RefWay> w;  // sets * ways
};

struct RefCache {
    unsigned line_shift = 0;
    uint32_t dram;
    uint64_t clock = 0;
    std::vector<RefLevel> levels;
    std::vector<uint64_t> hits;
    uint64_t dram_count = 0;

    explicit RefCache(const memlat_config &c) : dram(c.dram_cycles)
    {
        while ((1u << line_shift) < c.line_bytes)
            line_shift++;
        for (unsigned i = 0; i < c.n_levels; i++) {
            RefLevel l;
            l.ways = c.levels[i].ways;
            l.sets = c.levels[i].size_bytes / c.line_bytes / l.ways;
            l.hit_cycles = c.levels[i].hit_cycles;
            l.w.resize(l.sets * l.ways);
            levels.push_back(l);
        }
        hits.assign(c.n_levels, 0);
    }

    uint32_t access(uint64_t pa)
    {
        uint64_t line = pa >> line_shift;
        clock++;
        for (size_t i = 0; i < levels.size(); i++) {
            RefLevel &l = levels[i];
            RefWay *set = &l.w[(line % l.sets) * l.ways];
            for (uint32_t k = 0; k < l.ways; k++) {
                if (set[k].valid && set[k].line == line) {
                    set[k].last_use = clock;
                    hits[i]++;
                    return l.hit_cycles;
                }
            }
            RefWay *victim = nullptr;
            for (uint32_t k = 0; k < l.ways && !victim; k++)
                if (!set[k].valid)
                    victim = &set[k];
            if (!victim) {
                victim = &set[0];
                for (uint32_t k = 1; k < l.ways; k++)
                    if (set[k].last_use < victim->last_use)
                        victim = &set[k];
            }
            *victim = RefWay{true, line, clock};
        }
        dram_count++;
        return dram;
    }
};

memlat_config hierarchy(uint32_t line_bytes, std::vector<std::pair<uint64_t, uint32_t>> sets_ways)
{
    memlat_config c{};
    c.kind = MEMLAT_CACHE;
    c.line_bytes = line_bytes;
    c.n_levels = (unsigned)sets_ways.size();
    for (unsigned i = 0; i < c.n_levels; i++) {
        std::snprintf(c.levels[i].name, sizeof c.levels[i].name, "l%u", i + 1);
        c.levels[i].ways = sets_ways[i].second;
        c.levels[i].size_bytes = sets_ways[i].first * sets_ways[i].second * line_bytes;
        c.levels[i].hit_cycles = 3 + 7 * i;
    }
    c.dram_cycles = 250;
    return c;
}

void compare_with_reference(const memlat_config &c, uint64_t seed)
{
    mm_error err{};
    memlat *m = memlat_create(&c, &err);
    ASSERT_NE(m, nullptr) << err.msg;
    RefCache ref(c);
    uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
    std::vector<uint64_t> recent(32, 0);
    for (int i = 0; i < 40000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint64_t pa;
        switch (x % 5) {
        case 0:  // a recently used address: hits
            pa = recent[(x >> 8) % recent.size()];
            break;
        case 1:  // anywhere in 64 bits: tags too wide for a 32-bit word
            pa = x * 0xd1342543de82ef95ull;
            break;
        case 2:  // a few hot lines at the very top of the address space
            pa = ~0ull - ((x >> 20) % 8) * c.line_bytes * 3;
            break;
        default:  // a small region: many lines per set, constant eviction
            pa = (x >> 16) % (1u << 16);
            break;
        }
        recent[(x >> 40) % recent.size()] = pa;
        ASSERT_EQ(memlat_access(m, pa, i % 2, (uint64_t)i), ref.access(pa)) << "access " << i;
    }
    const memlat_stats *s = memlat_get_stats(m);
    EXPECT_EQ(s->accesses, 40000u);
    EXPECT_EQ(s->dram, ref.dram_count);
    for (size_t i = 0; i < ref.hits.size(); i++)
        EXPECT_EQ(s->hits[i], ref.hits[i]) << "level " << i;
    EXPECT_GT(ref.dram_count, 0u);
    memlat_destroy(m);
}

TEST(MemlatReference, MatchesTheDocumentedRules)
{
    compare_with_reference(hierarchy(64, {{4, 2}, {16, 4}, {64, 16}}), 1);
    compare_with_reference(hierarchy(64, {{1, 1}, {8, 3}, {2, 12}, {4, 64}}), 2);
    compare_with_reference(hierarchy(8, {{16, 5}, {32, 20}}), 3);
    compare_with_reference(hierarchy(4096, {{1, 8}, {2, 17}}), 4);
    compare_with_reference(hierarchy(64, {{512, 8}}), 5);
}

}  // namespace
