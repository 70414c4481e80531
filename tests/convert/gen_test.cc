// gen_test.cc — synthetic generators: reproducible by seed, inside the
// footprint, hand-checked sequential/strided/gups sequences, measurable
// zipf skew, a pointer chase that is one cycle over every line, and mix
// switching processes every quantum.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "convert/convert_test_util.h"
#include "gen_rng.h"
#include "gen_zipf.h"

using namespace convert_test;

namespace {

trace_gen_params params(trace_gen_kind kind, uint64_t records, uint64_t footprint)
{
    trace_gen_params p;
    trace_gen_defaults(&p, kind);
    p.records = records;
    p.footprint = footprint;
    return p;
}

std::vector<trace_record> generate(const trace_gen_params &p)
{
    std::vector<trace_record> out;
    trace_record_sink sink = collect_sink(&out);
    mm_error err{};
    uint64_t n = 0;
    EXPECT_EQ(trace_gen_run(&p, &sink, &n, &err), 0) << err.msg;
    EXPECT_EQ(n, out.size());
    return out;
}

bool same_records(const std::vector<trace_record> &a, const std::vector<trace_record> &b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); i++)
        if (a[i].kind != b[i].kind || a[i].va != b[i].va || a[i].access != b[i].access ||
            a[i].pid != b[i].pid || a[i].size != b[i].size)
            return false;
    return true;
}

TEST(TraceGen, EveryKindIsReproducibleBySeedAndStaysInItsFootprint)
{
    for (unsigned k = 0; k < TRACE_GEN_KIND_COUNT; k++) {
        trace_gen_kind kind = static_cast<trace_gen_kind>(k);
        SCOPED_TRACE(trace_gen_kind_name(kind));
        trace_gen_params p = params(kind, 5000, 1 << 20);
        p.base = 0x7f0000000000ull;
        p.ifetch_ratio = 0.2;
        p.seed = 1234;
        std::vector<trace_record> a = generate(p), b = generate(p);
        EXPECT_TRUE(same_records(a, b));
        p.seed = 1235;
        std::vector<trace_record> c = generate(p);
        if (kind != TRACE_GEN_SEQUENTIAL && kind != TRACE_GEN_STRIDED) {
            EXPECT_FALSE(same_records(a, c)); // the seed matters where there is randomness
        }
        uint64_t accesses = 0;
        for (const trace_record &r : a) {
            if (r.kind != TRACE_ACCESS)
                continue;
            accesses++;
            EXPECT_EQ(r.instructions, 1u);
            if (r.access == MM_ACCESS_IFETCH) {
                EXPECT_GE(r.va, TRACE_GEN_CODE_BASE);
                EXPECT_LE(r.va + r.size, TRACE_GEN_CODE_BASE + TRACE_GEN_CODE_BYTES);
            } else {
                EXPECT_GE(r.va, p.base);
                EXPECT_LE(r.va + r.size, p.base + p.footprint);
                EXPECT_EQ(r.size, 8u);
            }
        }
        EXPECT_EQ(accesses, 5000u);
    }
}

TEST(TraceGen, SequentialWrapsAtTheFootprint)
{
    trace_gen_params p = params(TRACE_GEN_SEQUENTIAL, 1026, 8192);
    std::vector<trace_record> r = generate(p);
    ASSERT_EQ(r.size(), 1026u);
    for (size_t i = 0; i < 1024; i++)
        ASSERT_EQ(r[i].va, p.base + 8 * i);
    EXPECT_EQ(r[1024].va, p.base);
    EXPECT_EQ(r[1025].va, p.base + 8);
    EXPECT_EQ(r[0].access, MM_ACCESS_LOAD);
    EXPECT_EQ(r[0].pid, 0u);
}

TEST(TraceGen, StridedStepsAndWraps)
{
    trace_gen_params p = params(TRACE_GEN_STRIDED, 6, 16384);
    p.stride = 4096 + 4; // an odd stride: offsets are aligned down to the word
    std::vector<trace_record> r = generate(p);
    const uint64_t want[] = {0, 4096, 8200, 12296, 16 /* 16400 - 16384 */, 4112};
    for (size_t i = 0; i < 6; i++)
        EXPECT_EQ(r[i].va - p.base, want[i]) << i;
}

TEST(TraceGen, GupsLoadsThenStoresTheSameWord)
{
    trace_gen_params p = params(TRACE_GEN_GUPS, 2000, 1 << 20);
    std::vector<trace_record> r = generate(p);
    std::set<uint64_t> words;
    for (size_t i = 0; i < r.size(); i += 2) {
        EXPECT_EQ(r[i].access, MM_ACCESS_LOAD);
        EXPECT_EQ(r[i + 1].access, MM_ACCESS_STORE);
        EXPECT_EQ(r[i].va, r[i + 1].va);
        EXPECT_EQ(r[i].va % 8, 0u);
        words.insert(r[i].va);
    }
    EXPECT_GT(words.size(), 900u); // random words, few repeats in 128K words
}

TEST(TraceGen, PointerChaseIsOneCycleOverEveryLine)
{
    const uint64_t footprint = 64 * 1024, lines = footprint / 64;
    trace_gen_params p = params(TRACE_GEN_CHASE, 2 * lines + 5, footprint);
    std::vector<trace_record> r = generate(p);
    std::set<uint64_t> seen;
    for (size_t i = 0; i < lines; i++) {
        EXPECT_EQ((r[i].va - p.base) % 64, 0u);
        seen.insert(r[i].va);
    }
    EXPECT_EQ(seen.size(), lines); // every line once in the first lap...
    for (size_t i = lines; i < r.size(); i++)
        ASSERT_EQ(r[i].va, r[i - lines].va); // ...and the same cycle again
    // Not a walk in address order: the successor of a line is scattered.
    size_t ascending = 0;
    for (size_t i = 1; i < lines; i++)
        ascending += r[i].va == r[i - 1].va + 64;
    EXPECT_LT(ascending, lines / 16);
}

TEST(TraceGen, ZipfSkewIsMeasurable)
{
    const uint64_t pages = 1024;
    trace_gen_params p = params(TRACE_GEN_ZIPF, 200000, pages * 4096);
    p.alpha = 0.99;
    std::map<uint64_t, uint64_t> hits;
    for (const trace_record &r : generate(p))
        hits[(r.va - p.base) / 4096]++;
    std::vector<uint64_t> counts;
    for (auto &kv : hits)
        counts.push_back(kv.second);
    std::sort(counts.rbegin(), counts.rend());
    double zeta = 0;
    for (uint64_t k = 1; k <= pages; k++)
        zeta += std::pow(static_cast<double>(k), -p.alpha);
    // The hottest page gets about 1/zeta of the accesses, the second 2^-alpha of that.
    double top = static_cast<double>(counts[0]) / 200000.0;
    EXPECT_NEAR(top, 1.0 / zeta, 0.1 / zeta);
    EXPECT_NEAR(static_cast<double>(counts[1]) / static_cast<double>(counts[0]),
                std::pow(2.0, -p.alpha), 0.08);
    // The hot pages are scattered over the footprint, not the first ones.
    std::vector<std::pair<uint64_t, uint64_t>> by_count;
    for (auto &kv : hits)
        by_count.push_back({kv.second, kv.first});
    std::sort(by_count.rbegin(), by_count.rend());
    uint64_t hot_below_8 = 0;
    for (size_t i = 0; i < 8; i++)
        hot_below_8 += by_count[i].second < 8;
    EXPECT_LT(hot_below_8, 4u);

    trace_gen_params u = params(TRACE_GEN_UNIFORM, 200000, pages * 4096);
    std::map<uint64_t, uint64_t> uhits;
    for (const trace_record &r : generate(u))
        uhits[(r.va - u.base) / 4096]++;
    uint64_t umax = 0;
    for (auto &kv : uhits)
        umax = std::max(umax, kv.second);
    EXPECT_LT(static_cast<double>(umax) / 200000.0, 0.002); // about 1/1024 each
    EXPECT_EQ(uhits.size(), pages);
}

TEST(TraceGen, ZipfAlphaZeroIsUniform)
{
    gen_zipf z;
    gen_zipf_init(&z, 4, 0.0);
    gen_rng rng;
    gen_rng_seed(&rng, 5);
    uint64_t counts[5] = {0};
    for (int i = 0; i < 40000; i++) {
        uint64_t k = gen_zipf_draw(&z, &rng);
        ASSERT_GE(k, 1u);
        ASSERT_LE(k, 4u);
        counts[k]++;
    }
    for (int k = 1; k <= 4; k++)
        EXPECT_NEAR(static_cast<double>(counts[k]), 10000.0, 500.0);
}

TEST(TraceGen, ZipfOfOneRankAndSteepAlpha)
{
    gen_zipf one, steep;
    gen_zipf_init(&one, 1, 0.99);
    gen_zipf_init(&steep, 1000, 3.0);
    gen_rng rng;
    gen_rng_seed(&rng, 6);
    uint64_t first = 0;
    for (int i = 0; i < 10000; i++) {
        EXPECT_EQ(gen_zipf_draw(&one, &rng), 1u);
        first += gen_zipf_draw(&steep, &rng) == 1;
    }
    // P(1) = 1 / zeta(3) = 0.832 for alpha 3
    EXPECT_NEAR(static_cast<double>(first) / 10000.0, 0.832, 0.02);
}

TEST(TraceGen, ZipfAlphaOneUsesTheLogarithmicLimit)
{
    gen_zipf z;
    gen_zipf_init(&z, 100, 1.0);
    gen_rng rng;
    gen_rng_seed(&rng, 8);
    double harmonic = 0;
    for (int k = 1; k <= 100; k++)
        harmonic += 1.0 / k;
    uint64_t first = 0, second = 0;
    for (int i = 0; i < 50000; i++) {
        uint64_t k = gen_zipf_draw(&z, &rng);
        first += k == 1;
        second += k == 2;
    }
    EXPECT_NEAR(static_cast<double>(first) / 50000.0, 1.0 / harmonic, 0.01);
    EXPECT_NEAR(static_cast<double>(second) / 50000.0, 0.5 / harmonic, 0.01);
}

TEST(TraceGen, PermutationIsABijection)
{
    gen_rng rng;
    gen_rng_seed(&rng, 9);
    for (uint64_t n : {1ull, 2ull, 3ull, 5ull, 1000ull, 4097ull, 65536ull}) {
        gen_perm perm;
        gen_perm_init(&perm, n, &rng);
        std::vector<bool> hit(n, false);
        for (uint64_t i = 0; i < n; i++) {
            uint64_t x = gen_perm_apply(&perm, i);
            ASSERT_LT(x, n);
            ASSERT_FALSE(hit[x]) << "n=" << n;
            hit[x] = true;
        }
    }
}

TEST(TraceGen, BelowIsInRangeAndCoversIt)
{
    gen_rng rng;
    gen_rng_seed(&rng, 3);
    bool seen[7] = {false};
    for (int i = 0; i < 1000; i++) {
        uint64_t v = gen_rng_below(&rng, 7);
        ASSERT_LT(v, 7u);
        seen[v] = true;
    }
    for (bool s : seen)
        EXPECT_TRUE(s);
    EXPECT_EQ(gen_rng_below(&rng, 1), 0u);
    double u = gen_rng_unit(&rng);
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
}

TEST(TraceGen, MixSwitchesEveryQuantum)
{
    trace_gen_params p = params(TRACE_GEN_MIX, 1000, 1 << 20);
    p.processes = 3;
    p.process_kind[0] = TRACE_GEN_CHASE;
    p.process_kind[1] = TRACE_GEN_GUPS;
    p.process_kind[2] = TRACE_GEN_SEQUENTIAL;
    p.quantum = 100;
    std::vector<trace_record> r = generate(p);
    ASSERT_EQ(r.size(), 1000u + 10u); // a switch before each of the 10 quanta
    uint32_t current = 0;
    uint64_t since_switch = 0, switches = 0;
    for (const trace_record &rec : r) {
        if (rec.kind == TRACE_CONTEXT_SWITCH) {
            if (switches) {
                EXPECT_EQ(since_switch, 100u);
            }
            EXPECT_EQ(rec.pid, static_cast<uint32_t>(switches % 3 + 1)); // round robin over 1..3
            current = rec.pid;
            switches++;
            since_switch = 0;
            continue;
        }
        ASSERT_NE(current, 0u) << "an access before the first switch";
        EXPECT_EQ(rec.pid, current);
        since_switch++;
    }
    EXPECT_EQ(switches, 10u);
    // Process 2 is gups: its accesses come in load/store pairs.
    EXPECT_EQ(r[102].pid, 2u);
    EXPECT_EQ(r[102].access, MM_ACCESS_LOAD);
    EXPECT_EQ(r[103].access, MM_ACCESS_STORE);
    EXPECT_EQ(r[102].va, r[103].va);
}

TEST(TraceGen, MixProcessesHaveTheirOwnStreams)
{
    trace_gen_params p = params(TRACE_GEN_MIX, 200, 1 << 20);
    p.processes = 2;
    p.process_kind[0] = TRACE_GEN_UNIFORM;
    p.process_kind[1] = TRACE_GEN_UNIFORM;
    p.quantum = 100;
    std::vector<trace_record> r = generate(p);
    // Same kind, same seed, different pid: different addresses.
    EXPECT_NE(r[1].va, r[102].va);
}

TEST(TraceGen, IfetchRatioIsExactAndSequential)
{
    trace_gen_params p = params(TRACE_GEN_UNIFORM, 1000, 1 << 20);
    p.ifetch_ratio = 0.25;
    std::vector<trace_record> r = generate(p);
    std::vector<uint64_t> pcs;
    for (const trace_record &rec : r)
        if (rec.access == MM_ACCESS_IFETCH) {
            pcs.push_back(rec.va);
            EXPECT_EQ(rec.size, 4u);
        }
    EXPECT_EQ(pcs.size(), 250u);
    for (size_t i = 0; i < pcs.size(); i++)
        EXPECT_EQ(pcs[i], TRACE_GEN_CODE_BASE + 4 * i);
}

TEST(TraceGen, IfetchLoopWrapsInTheCodeRegion)
{
    trace_gen_params p = params(TRACE_GEN_SEQUENTIAL, TRACE_GEN_CODE_BYTES / 4 + 1, 1 << 20);
    p.ifetch_ratio = 1.0;
    std::vector<trace_record> r = generate(p);
    EXPECT_EQ(r.back().va, TRACE_GEN_CODE_BASE);
    EXPECT_EQ(r[r.size() - 2].va, TRACE_GEN_CODE_BASE + TRACE_GEN_CODE_BYTES - 4);
}

TEST(TraceGen, BadParametersNameTheOption)
{
    struct bad {
        void (*edit)(trace_gen_params *);
        const char *option;
    } cases[] = {
        {[](trace_gen_params *p) { p->records = 0; }, "--records"},
        {[](trace_gen_params *p) { p->footprint = 5000; }, "--footprint"},
        {[](trace_gen_params *p) { p->footprint = 0; }, "--footprint"},
        {[](trace_gen_params *p) { p->footprint = 1ull << 60; }, "--footprint"},
        {[](trace_gen_params *p) { p->base = ~0ull - 4095; }, "--base"},
        {[](trace_gen_params *p) { p->stride = 0; }, "--stride"},
        {[](trace_gen_params *p) { p->alpha = -1; }, "--alpha"},
        {[](trace_gen_params *p) { p->alpha = NAN; }, "--alpha"},
        {[](trace_gen_params *p) { p->ifetch_ratio = 1.5; }, "--ifetch-ratio"},
        {[](trace_gen_params *p) { p->kind = TRACE_GEN_MIX, p->quantum = 0; }, "--quantum"},
        {[](trace_gen_params *p) { p->kind = TRACE_GEN_MIX, p->processes = 0; }, "--processes"},
        {[](trace_gen_params *p) { p->kind = TRACE_GEN_MIX, p->processes = 65; }, "--processes"},
        {[](trace_gen_params *p) { p->kind = TRACE_GEN_MIX, p->process_kind[1] = TRACE_GEN_MIX; },
         "--mix"},
        {[](trace_gen_params *p) { p->kind = TRACE_GEN_KIND_COUNT; }, "kind"},
    };
    for (const bad &c : cases) {
        SCOPED_TRACE(c.option);
        trace_gen_params p = params(TRACE_GEN_UNIFORM, 10, 1 << 20);
        c.edit(&p);
        mm_error err{};
        EXPECT_EQ(trace_gen_create(&p, &err), nullptr);
        EXPECT_EQ(err.code, MM_ERR_INVALID);
        EXPECT_NE(std::strstr(err.msg, c.option), nullptr) << err.msg;
    }
}

TEST(TraceGen, KindNamesParseWhatTheyPrint)
{
    for (unsigned k = 0; k < TRACE_GEN_KIND_COUNT; k++) {
        trace_gen_kind got;
        mm_error err{};
        ASSERT_EQ(trace_gen_kind_parse(trace_gen_kind_name(static_cast<trace_gen_kind>(k)), &got,
                                       &err),
                  0);
        EXPECT_EQ(got, static_cast<trace_gen_kind>(k));
    }
    trace_gen_kind got;
    mm_error err{};
    EXPECT_EQ(trace_gen_kind_parse("zipfian", &got, &err), MM_ERR_INVALID);
    EXPECT_NE(std::strstr(err.msg, "\"zipfian\""), nullptr);
    EXPECT_STREQ(trace_gen_kind_name(TRACE_GEN_KIND_COUNT), "unknown");
}

int failing_put(void *, const trace_record *, mm_error *err)
{
    return mm_fail(err, MM_ERR_IO, "disk full");
}

TEST(TraceGen, RunStopsAtASinkError)
{
    trace_gen_destroy(nullptr);
    trace_gen_params p = params(TRACE_GEN_SEQUENTIAL, 10, 1 << 20);
    trace_record_sink sink{failing_put, nullptr};
    mm_error err{};
    uint64_t n = 99;
    EXPECT_EQ(trace_gen_run(&p, &sink, &n, &err), MM_ERR_IO);
    EXPECT_EQ(n, 0u);
    p.records = 0;
    EXPECT_EQ(trace_gen_run(&p, &sink, &n, &err), MM_ERR_INVALID);
}

} // namespace
