// test_pwc.cc — the RTL walk caches (rtl/mmu_pwc.sv) against the C model
// (model/src/pwc) in lockstep. tb_pwc instantiates every configuration of
// kConfigs on shared inputs; each cycle the harness drives one set of
// inputs, runs the same operations on one C pwc per configuration in the
// RTL's edge order (lookup, probes, flush, fills port by port and level by
// level) and compares every lookup and probe output before the edge and
// every statistic after it.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "Vdut_pwc.h"
#include "verilated.h"

#include "mmulab/pwc.h"

namespace {

constexpr unsigned kLevels = MM_MAX_LEVELS;
constexpr unsigned kFillPorts = 2;
constexpr unsigned kProbePorts = 2;
constexpr unsigned kPaW = 56, kPermW = 7, kLevelW = 3, kAsidW = 16, kPteW = 64;
constexpr uint64_t kPaMask = (1ull << kPaW) - 1;

// pwc_flush_* as flush_op_i encodes them (mmu_pkg PwcFlush*)
enum FlushOp : unsigned { kFlushNone = 0, kFlushAll = 1, kFlushAsid = 2, kFlushVa = 3 };

// The rows of tb_pwc's parameter tables, in the same order.
struct Config {
    const char *name;
    pwc_design design;
    repl_policy repl;
    unsigned levels;
    pwc_geometry unified;
    std::array<pwc_geometry, kLevels> level;
    uint16_t seed;
};

const Config kConfigs[] = {
    {"split-lru", PWC_SPLIT, REPL_LRU, 4, {}, {{{}, {8, 2}, {4, 2}, {2, 2}, {}}}, 0xACE1},
    {"split-plru", PWC_SPLIT, REPL_PLRU, 4, {}, {{{}, {8, 4}, {4, 4}, {2, 2}, {}}}, 0xACE1},
    {"split-fifo-sv39", PWC_SPLIT, REPL_FIFO, 3, {}, {{{}, {8, 2}, {4, 4}, {}, {}}}, 0xACE1},
    {"split-random-seed0", PWC_SPLIT, REPL_RANDOM, 4, {}, {{{}, {6, 3}, {}, {2, 1}, {}}}, 0},
    {"unified-lru", PWC_UNIFIED, REPL_LRU, 4, {6, 3}, {}, 0xACE1},
    {"unified-plru", PWC_UNIFIED, REPL_PLRU, 4, {8, 4}, {}, 0xACE1},
    {"unified-fifo", PWC_UNIFIED, REPL_FIFO, 4, {6, 3}, {}, 0xACE1},
    {"unified-random", PWC_UNIFIED, REPL_RANDOM, 4, {8, 2}, {}, 0x1234},
    {"pte-lru", PWC_PTE, REPL_LRU, 4, {12, 3}, {}, 0xACE1},
    {"pte-plru", PWC_PTE, REPL_PLRU, 4, {8, 4}, {}, 0xACE1},
    {"pte-fifo", PWC_PTE, REPL_FIFO, 4, {6, 6}, {}, 0xACE1},
    {"pte-random", PWC_PTE, REPL_RANDOM, 4, {8, 2}, {}, 0xBEEF},
    {"none", PWC_NONE, REPL_LRU, 4, {}, {}, 0xACE1},
    {"unified-random-5level", PWC_UNIFIED, REPL_RANDOM, 5, {8, 2}, {}, 0x0001},
    {"skylake", PWC_SPLIT, REPL_LRU, 4, {}, {{{}, {32, 4}, {4, 4}, {2, 2}, {}}}, 44257},
    {"champsim", PWC_SPLIT, REPL_LRU, 5, {}, {{{}, {32, 8}, {8, 4}, {4, 4}, {2, 2}}}, 44257},
    {"rocket-sv39", PWC_PTE, REPL_PLRU, 3, {8, 8}, {}, 44257},
    {"zen2", PWC_PTE, REPL_LRU, 4, {64, 4}, {}, 44257},
};
constexpr unsigned kConfigCount = sizeof kConfigs / sizeof kConfigs[0];
constexpr unsigned kSplitLru = 0, kUnifiedLru = 4, kUnifiedRandom = 7, kPteLru = 8, kPtePlru = 9, kNone = 12;

// ---- bit access to Verilator's port types (scalars up to 64 bits, VlWide above)
template <typename T> uint64_t bits(const T &v, unsigned lsb, unsigned width)
{
    uint64_t x = static_cast<uint64_t>(v) >> lsb;
    return width == 64 ? x : x & ((1ull << width) - 1);
}
template <std::size_t N> uint64_t bits(const VlWide<N> &v, unsigned lsb, unsigned width)
{
    unsigned __int128 acc = 0;
    for (unsigned i = 0; i < 3 && lsb / 32 + i < N; i++)
        acc |= static_cast<unsigned __int128>(v[lsb / 32 + i]) << (32 * i);
    uint64_t x = static_cast<uint64_t>(acc >> (lsb % 32));
    return width == 64 ? x : x & ((1ull << width) - 1);
}
template <typename T> void put(T &v, unsigned lsb, unsigned width, uint64_t x)
{
    uint64_t mask = (width == 64 ? ~0ull : (1ull << width) - 1) << lsb;
    v = static_cast<T>((static_cast<uint64_t>(v) & ~mask) | ((x << lsb) & mask));
}
template <std::size_t N> void put(VlWide<N> &v, unsigned lsb, unsigned width, uint64_t x)
{
    for (unsigned done = 0; done < width;) {
        unsigned bit = lsb + done, word = bit / 32, off = bit % 32;
        unsigned chunk = std::min(32 - off, width - done);
        uint32_t mask = (chunk == 32 ? ~0u : (1u << chunk) - 1) << off;
        v[word] = (v[word] & ~mask) | ((static_cast<uint32_t>(x >> done) << off) & mask);
        done += chunk;
    }
}

// ---- one cycle of inputs
struct FillPort {
    bool valid = false;
    uint16_t asid = 0;
    uint64_t va = 0;
    uint8_t level_mask = 0, global_mask = 0, pte_mask = 0;
    std::array<uint64_t, kLevels> table{}, pte_pa{}, pte_val{};
    std::array<uint8_t, kLevels> perm{};
};

struct Cycle {
    bool lookup = false;
    uint16_t asid = 0;
    uint64_t va = 0;
    std::array<bool, kProbePorts> probe{};
    std::array<uint64_t, kProbePorts> probe_pa{};
    std::array<unsigned, kProbePorts> probe_level{};
    bool flush = false;
    unsigned flush_op = kFlushNone;
    uint16_t flush_asid = 0;
    uint64_t flush_va = 0;
    bool include_global = false, all_asids = false;
    std::array<FillPort, kFillPorts> fill{};
};

// What one configuration answered in one cycle.
struct Answer {
    bool hit = false;
    unsigned level = 0;
    uint64_t table_pa = 0;
    unsigned perm = 0;
    bool global = false;
    std::array<bool, kProbePorts> probe_hit{};
    std::array<uint64_t, kProbePorts> probe_data{};
};

class Harness {
  public:
    Harness()
    {
        ctx_ = std::make_unique<VerilatedContext>();
        ctx_->randReset(2);  // registers without reset start random (--x-initial unique)
        ctx_->randSeed(7);
        dut_ = std::make_unique<Vdut_pwc>(ctx_.get());
        for (const Config &cfg : kConfigs) {
            pwc_config c{};
            c.design = cfg.design;
            c.levels = cfg.levels;
            c.unified = cfg.unified;
            for (unsigned l = 0; l < kLevels; l++)
                c.level[l] = cfg.level[l];
            c.replacement = cfg.repl;
            c.lfsr_seed = cfg.seed;
            mm_error err{};
            pwc *m = pwc_create(&c, &err);
            if (!m)
                ADD_FAILURE() << cfg.name << ": " << err.msg;
            models_.push_back(m);
        }
        drive(Cycle{});
        dut_->clk_i = 0;
        dut_->rst_ni = 1;
        dut_->eval();
        dut_->rst_ni = 0;
        dut_->eval();
        dut_->clk_i = 1;
        dut_->eval();
        dut_->clk_i = 0;
        dut_->rst_ni = 1;
        dut_->eval();
    }
    ~Harness()
    {
        for (pwc *m : models_)
            pwc_destroy(m);
        dut_->final();
    }
    Harness(const Harness &) = delete;
    Harness &operator=(const Harness &) = delete;

    // One clock cycle: drive, compare every configuration, clock. Returns
    // the first difference ("" if none); rtl[n] gets what configuration n
    // answered before the edge.
    std::string cycle(const Cycle &in, std::vector<Answer> *rtl = nullptr)
    {
        drive(in);
        dut_->eval();
        std::string diff;
        if (rtl)
            rtl->assign(kConfigCount, Answer{});
        for (unsigned n = 0; n < kConfigCount; n++) {
            Answer got = read(n);
            if (rtl)
                (*rtl)[n] = got;
            std::string d = model_cycle(n, in, got);
            if (diff.empty() && !d.empty())
                diff = std::string(kConfigs[n].name) + ": " + d;
        }
        dut_->clk_i = 1;
        dut_->eval();
        dut_->clk_i = 0;
        dut_->eval();
        for (unsigned n = 0; n < kConfigCount && diff.empty(); n++)
            diff = compare_stats(n);
        return diff;
    }

    pwc *model(unsigned n) { return models_[n]; }

  private:
    void drive(const Cycle &in)
    {
        Vdut_pwc &d = *dut_;
        d.lookup_valid_i = in.lookup;
        d.lookup_asid_i = in.asid;
        d.lookup_va_i = in.va;
        d.probe_valid_i = 0;
        for (unsigned p = 0; p < kProbePorts; p++) {
            put(d.probe_valid_i, p, 1, in.probe[p]);
            put(d.probe_pa_i, p * kPaW, kPaW, in.probe_pa[p]);
            put(d.probe_level_i, p * kLevelW, kLevelW, in.probe_level[p]);
        }
        d.flush_valid_i = in.flush;
        d.flush_op_i = in.flush_op;
        d.flush_asid_i = in.flush_asid;
        d.flush_va_i = in.flush_va;
        d.flush_include_global_i = in.include_global;
        d.flush_all_asids_i = in.all_asids;
        for (unsigned p = 0; p < kFillPorts; p++) {
            const FillPort &f = in.fill[p];
            put(d.fill_valid_i, p, 1, f.valid);
            put(d.fill_asid_i, p * kAsidW, kAsidW, f.asid);
            put(d.fill_va_i, p * 64, 64, f.va);
            put(d.fill_level_mask_i, p * kLevels, kLevels, f.level_mask);
            put(d.fill_global_mask_i, p * kLevels, kLevels, f.global_mask);
            put(d.fill_pte_mask_i, p * kLevels, kLevels, f.pte_mask);
            for (unsigned l = 0; l < kLevels; l++) {
                unsigned slot = p * kLevels + l;
                put(d.fill_table_i, slot * kPaW, kPaW, f.table[l]);
                put(d.fill_perm_i, slot * kPermW, kPermW, f.perm[l]);
                put(d.fill_pte_pa_i, slot * kPaW, kPaW, f.pte_pa[l]);
                put(d.fill_pte_val_i, slot * kPteW, kPteW, f.pte_val[l]);
            }
        }
    }

    Answer read(unsigned n) const
    {
        const Vdut_pwc &d = *dut_;
        Answer a;
        a.hit = bits(d.lookup_hit_o, n, 1);
        a.level = static_cast<unsigned>(bits(d.lookup_level_o, n * kLevelW, kLevelW));
        a.table_pa = bits(d.lookup_table_pa_o, n * kPaW, kPaW);
        a.perm = static_cast<unsigned>(bits(d.lookup_perm_o, n * kPermW, kPermW));
        a.global = bits(d.lookup_global_o, n, 1);
        for (unsigned p = 0; p < kProbePorts; p++) {
            a.probe_hit[p] = bits(d.probe_hit_o, n * kProbePorts + p, 1);
            a.probe_data[p] = bits(d.probe_data_o, (n * kProbePorts + p) * kPteW, kPteW);
        }
        return a;
    }

    // The C side of one cycle for configuration n, in the RTL's edge order.
    std::string model_cycle(unsigned n, const Cycle &in, const Answer &got)
    {
        pwc *m = models_[n];
        std::ostringstream err;
        pwc_hit h{};
        bool hit = in.lookup && pwc_lookup(m, in.asid, in.va, &h);
        if (got.hit != hit) {
            err << "lookup hit " << got.hit << " want " << hit;
        } else if (hit && (got.level != h.level || got.table_pa != h.table_pa || got.perm != h.perm ||
                           got.global != h.global)) {
            err << std::hex << "lookup level/table/perm/global " << got.level << "/" << got.table_pa << "/"
                << got.perm << "/" << got.global << " want " << h.level << "/" << h.table_pa << "/"
                << unsigned(h.perm) << "/" << h.global;
        }
        for (unsigned p = 0; p < kProbePorts; p++) {
            uint64_t value = 0;
            bool phit = in.probe[p] && pwc_pte_lookup(m, in.probe_pa[p], in.probe_level[p], &value);
            if (err.str().empty() && (got.probe_hit[p] != phit || (phit && got.probe_data[p] != value)))
                err << std::hex << "probe " << p << " pa " << in.probe_pa[p] << " hit/data " << got.probe_hit[p]
                    << "/" << got.probe_data[p] << " want " << phit << "/" << value;
        }
        if (in.flush) {
            if (in.flush_op == kFlushAll)
                pwc_flush_all(m);
            else if (in.flush_op == kFlushAsid)
                pwc_flush_asid(m, in.flush_asid, in.include_global);
            else if (in.flush_op == kFlushVa)
                pwc_flush_va(m, in.flush_asid, in.flush_va, in.all_asids);
        }
        for (const FillPort &f : in.fill) {
            if (!f.valid)
                continue;
            for (unsigned l = 1; l < kLevels; l++) {
                if (f.level_mask >> l & 1)
                    pwc_fill(m, f.asid, f.va, l, f.table[l], f.perm[l], f.global_mask >> l & 1);
                if (f.pte_mask >> l & 1)
                    pwc_pte_fill(m, f.pte_pa[l], l, f.pte_val[l]);
            }
        }
        return err.str();
    }

    std::string compare_stats(unsigned n) const
    {
        const pwc_stats *s = pwc_get_stats(models_[n]);
        const char *names[] = {"lookups", "hits", "fills"};
        const uint64_t *want[] = {s->lookups, s->hits, s->fills};
        for (unsigned k = 0; k < 3; k++) {
            for (unsigned l = 0; l < kLevels; l++) {
                uint64_t got = k == 0   ? bits(dut_->stat_lookups_o, (n * kLevels + l) * 64, 64)
                               : k == 1 ? bits(dut_->stat_hits_o, (n * kLevels + l) * 64, 64)
                                        : bits(dut_->stat_fills_o, (n * kLevels + l) * 64, 64);
                if (got != want[k][l])
                    return std::string(kConfigs[n].name) + ": stats " + names[k] + "[" + std::to_string(l) +
                           "] " + std::to_string(got) + " want " + std::to_string(want[k][l]);
            }
        }
        return "";
    }

    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<Vdut_pwc> dut_;
    std::vector<pwc *> models_;
};

// ---- random cycles. VAs and PTE addresses come from small pools, so that
// prefixes repeat at every level, sets overflow and fills rewrite in place.
class Stimulus {
  public:
    explicit Stimulus(uint64_t seed) : rng_(seed) {}

    Cycle next()
    {
        Cycle c;
        c.lookup = chance(80);
        c.asid = asid();
        c.va = va();
        if (chance(60)) {  // a recent fill's path, so that lookups hit and reorder ways
            const auto &[asid, va] = recent_[pick(kRecent)];
            c.asid = chance(90) ? asid : c.asid;
            c.va = chance(70) ? va : (va & ~0x3ffff000ull) | (c.va & 0x3ffff000ull);
        }
        for (unsigned p = 0; p < kProbePorts; p++) {
            c.probe[p] = chance(50);
            c.probe_pa[p] = pte_pa();
            c.probe_level[p] = chance(5) ? pick(8) : 1 + pick(4);
        }
        c.flush = chance(3);
        c.flush_op = pick(4);
        c.flush_asid = asid();
        c.flush_va = va();
        c.include_global = chance(50);
        c.all_asids = chance(30);
        for (FillPort &f : c.fill) {
            f.valid = chance(35);
            f.asid = asid();
            f.va = va();
            f.level_mask = static_cast<uint8_t>(pick(32));
            f.global_mask = static_cast<uint8_t>(chance(15) ? pick(32) : 0);
            f.pte_mask = static_cast<uint8_t>(pick(32));
            if (f.valid)
                recent_[next_recent_++ % kRecent] = {f.asid, f.va};
            for (unsigned l = 0; l < kLevels; l++) {
                f.table[l] = rng_() & kPaMask & ~0xfffull;
                f.perm[l] = static_cast<uint8_t>(pick(128));
                f.pte_pa[l] = pte_pa();
                f.pte_val[l] = rng_();
            }
        }
        return c;
    }

  private:
    bool chance(unsigned percent) { return rng_() % 100 < percent; }
    unsigned pick(unsigned n) { return static_cast<unsigned>(rng_() % n); }
    uint16_t asid() { return chance(5) ? static_cast<uint16_t>(rng_()) : static_cast<uint16_t>(pick(3)); }
    // level indices 0..4 at levels 1..4 and a high part that is mostly 0
    uint64_t va()
    {
        uint64_t v = rng_() & 0x1fffff;  // offset and level-0 index: below every cached prefix
        for (unsigned l = 1; l < kLevels; l++)
            v |= static_cast<uint64_t>(pick(5)) << MM_LEVEL_SHIFT(l);
        if (chance(10))
            v |= rng_() << 57;
        return v;
    }
    uint64_t pte_pa()
    {
        uint64_t table = chance(5) ? (rng_() & kPaMask & ~0xfffull) : 0x1000ull * pick(4);
        return table + 8 * pick(8);
    }

    static constexpr unsigned kRecent = 8;
    std::mt19937_64 rng_;
    std::array<std::pair<uint16_t, uint64_t>, kRecent> recent_{};
    unsigned next_recent_ = 0;
};

uint64_t test_seed(uint64_t fallback)
{
    const char *env = std::getenv("MMULAB_RTL_SEED");
    return env ? std::strtoull(env, nullptr, 0) : fallback;
}

void run_random(uint64_t seed, unsigned cycles)
{
    Harness h;
    Stimulus s(seed);
    for (unsigned i = 0; i < cycles; i++) {
        std::string diff = h.cycle(s.next());
        ASSERT_EQ(diff, "") << "seed " << seed << " cycle " << i;
    }
    std::printf("seed %llu: %u cycles x %u configurations agree; hits/lookups:", static_cast<unsigned long long>(seed),
                cycles, kConfigCount);
    for (unsigned n = 0; n < kConfigCount; n++) {
        const pwc_stats *st = pwc_get_stats(h.model(n));
        uint64_t lookups = 0, hits = 0;
        for (unsigned l = 0; l < kLevels; l++) {
            lookups += st->lookups[l];
            hits += st->hits[l];
        }
        std::printf(" %s %llu/%llu", kConfigs[n].name, static_cast<unsigned long long>(hits),
                    static_cast<unsigned long long>(lookups));
    }
    std::printf("\n");
}

TEST(RtlPwc, RandomLockstep)
{
    uint64_t seed = test_seed(1);
    for (uint64_t k = 0; k < 4; k++)
        run_random(seed + k, 30000);
}

// ---- directed cases: hand-written expectations on the RTL, the C model
// still checked in lockstep by Harness::cycle.
class RtlPwcDirected : public ::testing::Test {
  protected:
    Answer run(const Cycle &c, unsigned n)
    {
        std::vector<Answer> rtl;
        std::string diff = h_.cycle(c, &rtl);
        EXPECT_EQ(diff, "");
        return rtl[n];
    }
    Answer lookup(unsigned n, uint16_t asid, uint64_t va)
    {
        Cycle c;
        c.lookup = true;
        c.asid = asid;
        c.va = va;
        return run(c, n);
    }
    static Cycle fill(uint16_t asid, uint64_t va, unsigned level, uint64_t table, bool global = false)
    {
        Cycle c;
        FillPort &f = c.fill[0];
        f.valid = true;
        f.asid = asid;
        f.va = va;
        f.level_mask = static_cast<uint8_t>(1u << level);
        f.global_mask = global ? f.level_mask : 0;
        f.table[level] = table;
        f.perm[level] = static_cast<uint8_t>(0x10 + level);
        return c;
    }
    static Cycle pte_fill(uint64_t pa, unsigned level, uint64_t value)
    {
        Cycle c;
        FillPort &f = c.fill[0];
        f.valid = true;
        f.pte_mask = static_cast<uint8_t>(1u << level);
        f.pte_pa[level] = pa;
        f.pte_val[level] = value;
        return c;
    }
    static Cycle flush(unsigned op, uint16_t asid, uint64_t va, bool include_global, bool all_asids)
    {
        Cycle c;
        c.flush = true;
        c.flush_op = op;
        c.flush_asid = asid;
        c.flush_va = va;
        c.include_global = include_global;
        c.all_asids = all_asids;
        return c;
    }
    Answer probe(unsigned n, uint64_t pa, unsigned level = 1)
    {
        Cycle c;
        c.probe[0] = true;
        c.probe_pa[0] = pa;
        c.probe_level[0] = level;
        return run(c, n);
    }

    Harness h_;
};

constexpr uint64_t kVa = 0x0000'7f12'3456'7000ull;

TEST_F(RtlPwcDirected, DeepestHitWins)
{
    run(fill(1, kVa, 3, 0x3000), kSplitLru);
    EXPECT_EQ(lookup(kSplitLru, 1, kVa).level, 3u);
    run(fill(1, kVa, 2, 0x2000), kSplitLru);
    run(fill(1, kVa, 1, 0x1000), kSplitLru);
    Answer a = lookup(kSplitLru, 1, kVa);
    EXPECT_TRUE(a.hit);
    EXPECT_EQ(a.level, 1u);
    EXPECT_EQ(a.table_pa, 0x1000u);
    EXPECT_EQ(a.perm, 0x11u);
    // a VA in another 2 MiB region of the same 1 GiB one: the level-2 entry
    Answer b = lookup(kSplitLru, 1, kVa + (1ull << 21));
    EXPECT_EQ(b.level, 2u);
    EXPECT_EQ(b.table_pa, 0x2000u);
    EXPECT_FALSE(lookup(kSplitLru, 2, kVa).hit);  // other ASID
    // every configuration saw the same fills: the unified cache holds all
    // three levels in one array and also answers with level 1
    EXPECT_EQ(lookup(kUnifiedLru, 1, kVa).level, 1u);
}

// 6 entries, 3 ways: level-3 prefixes 0, 2, 4 share set 0.
TEST_F(RtlPwcDirected, LruOrderByHand)
{
    auto va3 = [](uint64_t prefix) { return prefix << MM_LEVEL_SHIFT(3); };
    for (uint64_t p : {0, 2, 4})
        run(fill(1, va3(p), 3, 0x1000 * (p + 1)), kUnifiedLru);
    // touch prefix 0, the oldest fill: prefix 2 becomes least recently used
    EXPECT_EQ(lookup(kUnifiedLru, 1, va3(0)).table_pa, 0x1000u);
    run(fill(1, va3(6), 3, 0x7000), kUnifiedLru);
    EXPECT_FALSE(lookup(kUnifiedLru, 1, va3(2)).hit);
    EXPECT_TRUE(lookup(kUnifiedLru, 1, va3(0)).hit);
    EXPECT_TRUE(lookup(kUnifiedLru, 1, va3(4)).hit);
    EXPECT_TRUE(lookup(kUnifiedLru, 1, va3(6)).hit);
    // the lookups left 0, 4, 6 (oldest first); refilling 0 in place makes it
    // the newest, so 4 is the next victim
    run(fill(1, va3(0), 3, 0x5555000), kUnifiedLru);
    run(fill(1, va3(8), 3, 0x9000), kUnifiedLru);
    EXPECT_FALSE(lookup(kUnifiedLru, 1, va3(4)).hit);
    EXPECT_EQ(lookup(kUnifiedLru, 1, va3(0)).table_pa, 0x5555000u);
    EXPECT_TRUE(lookup(kUnifiedLru, 1, va3(6)).hit);
    EXPECT_TRUE(lookup(kUnifiedLru, 1, va3(8)).hit);
}

// 8 entries, 2 ways, LFSR seed 0x1234: the first victim among valid ways is
// 0x1234 % 2 = way 0, then the LFSR steps to 0x091a: way 0 again.
TEST_F(RtlPwcDirected, RandomVictimFollowsTheLfsr)
{
    auto va3 = [](uint64_t prefix) { return prefix << MM_LEVEL_SHIFT(3); };
    run(fill(1, va3(0), 3, 0xa000), kUnifiedRandom);  // way 0 (first invalid)
    run(fill(1, va3(4), 3, 0xb000), kUnifiedRandom);  // way 1
    run(fill(1, va3(8), 3, 0xc000), kUnifiedRandom);  // victim way 0
    EXPECT_FALSE(lookup(kUnifiedRandom, 1, va3(0)).hit);
    EXPECT_TRUE(lookup(kUnifiedRandom, 1, va3(4)).hit);
    run(fill(1, va3(12), 3, 0xd000), kUnifiedRandom);  // victim way 0 again
    EXPECT_FALSE(lookup(kUnifiedRandom, 1, va3(8)).hit);
    EXPECT_TRUE(lookup(kUnifiedRandom, 1, va3(4)).hit);
}

TEST_F(RtlPwcDirected, GlobalEntriesAndAsidFlushes)
{
    const uint64_t other = kVa + (8ull << MM_LEVEL_SHIFT(2));
    run(fill(1, kVa, 2, 0x2000, true), kSplitLru);  // global
    run(fill(1, other, 2, 0x4000), kSplitLru);      // ASID 1 only
    EXPECT_TRUE(lookup(kSplitLru, 7, kVa).global);   // any ASID
    EXPECT_FALSE(lookup(kSplitLru, 7, other).hit);
    run(flush(kFlushAsid, 1, 0, false, false), kSplitLru);
    EXPECT_FALSE(lookup(kSplitLru, 1, other).hit);
    EXPECT_TRUE(lookup(kSplitLru, 1, kVa).hit);  // global entries survive
    run(flush(kFlushVa, 1, kVa, false, false), kSplitLru);
    EXPECT_TRUE(lookup(kSplitLru, 1, kVa).hit);  // one ASID's VA flush leaves global entries
    run(flush(kFlushVa, 1, kVa, false, true), kSplitLru);
    EXPECT_FALSE(lookup(kSplitLru, 1, kVa).hit);  // every ASID: gone
    run(fill(3, kVa, 2, 0x2000, true), kSplitLru);
    run(flush(kFlushAsid, 1, 0, true, false), kSplitLru);
    EXPECT_FALSE(lookup(kSplitLru, 1, kVa).hit);  // include_global
    // the page-table cache drops everything on any flush
    run(pte_fill(0x5008, 1, 0xabc), kPteLru);
    EXPECT_TRUE(probe(kPteLru, 0x5008).probe_hit[0]);
    run(flush(kFlushVa, 9, 0, false, false), kPteLru);
    EXPECT_FALSE(probe(kPteLru, 0x5008).probe_hit[0]);
}

// Every walker has a probe port and sees the cache as it is in its cycle:
// a flush drops the entries for the probes after it, and the hits of one
// cycle become most recently used in port order.
TEST_F(RtlPwcDirected, ProbesSeeTheCacheOfTheirCycle)
{
    const uint64_t pa = 0x7010;
    run(pte_fill(pa, 2, 0x1234'5678'9abc'def0ull), kPtePlru);
    Cycle both;
    both.probe[0] = both.probe[1] = true;
    both.probe_pa[0] = both.probe_pa[1] = pa;
    both.probe_level[0] = both.probe_level[1] = 2;
    Answer a = run(both, kPtePlru);
    EXPECT_TRUE(a.probe_hit[0] && a.probe_hit[1]);
    EXPECT_EQ(a.probe_data[1], 0x1234'5678'9abc'def0ull);
    // a probe in the flush's cycle still hits; the next one does not
    Cycle f = flush(kFlushAll, 0, 0, false, false);
    f.probe[1] = true;
    f.probe_pa[1] = pa;
    f.probe_level[1] = 2;
    EXPECT_TRUE(run(f, kPtePlru).probe_hit[1]);
    EXPECT_FALSE(probe(kPtePlru, pa, 2).probe_hit[0]);
}

TEST_F(RtlPwcDirected, NoneNeverHits)
{
    run(fill(1, kVa, 1, 0x1000), kNone);
    run(pte_fill(0x1000, 1, 1), kNone);
    EXPECT_FALSE(lookup(kNone, 1, kVa).hit);
    EXPECT_FALSE(probe(kNone, 0x1000).probe_hit[0]);
}

}  // namespace
