// walk_property_test.cc — random page tables of every format (builder mappings
// of every size plus raw legal and illegal PTEs), walked thousands of times
// with random va, access, privilege, context flags and walk-cache starts, and
// compared with the independent reference walker in ref_walker.cc: fault,
// pa, level, perm, leaf PTE, the access list and the walk-cache fill data.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "pt/pt_test_util.h"
#include "pt/ref_walker.h"

namespace {

using namespace pt_test;

constexpr unsigned kPmemBits = 40;

// Memory as the walker under test sees it: every call is logged, so the
// test can check the walker reported exactly what it did.
struct LoggingMem {
    pmem *mem;
    std::vector<refwalk::Access> log;
    static bool read(void *o, uint64_t pa, unsigned level, uint64_t *value)
    {
        auto *m = static_cast<LoggingMem *>(o);
        bool ok = (pa >> kPmemBits) == 0;
        uint64_t v = ok ? pmem_read64(m->mem, pa) : 0;
        m->log.push_back({pa, v, level, false});
        if (ok)
            *value = v;
        return ok;
    }
    static void write(void *o, uint64_t pa, unsigned level, uint64_t value)
    {
        auto *m = static_cast<LoggingMem *>(o);
        m->log.push_back({pa, value, level, true});
        pmem_write64(m->mem, pa, value);
    }
};

class Generator {
  public:
    Generator(pt_format fmt, uint64_t seed) : fmt_(fmt), info_(pt_format_get(fmt)), rng_(seed) {}

    uint64_t below(uint64_t n) { return rng_() % n; }
    bool chance(unsigned percent) { return below(100) < percent; }

    uint64_t sign_extend(uint64_t va) const
    {
        unsigned shift = 64 - info_->va_bits;
        return static_cast<uint64_t>(static_cast<int64_t>(va << shift) >> shift);
    }

    // Indices drawn from a few favourites so random vas share tables.
    uint64_t pool_va()
    {
        uint64_t va = below(4096) & ~7ull;
        for (unsigned l = 0; l < info_->levels; l++) {
            uint64_t r = below(100), idx;
            if (r < 40)
                idx = 0;
            else if (r < 55)
                idx = 1;
            else if (r < 70)
                idx = 511;
            else if (r < 78)
                idx = 256;
            else
                idx = below(512);
            va |= idx << MM_LEVEL_SHIFT(l);
        }
        return sign_extend(va);
    }

    unsigned leaf_level()
    {
        std::vector<unsigned> levels;
        for (unsigned l = 0; l < info_->levels; l++)
            if (info_->leaf_levels & (1u << l))
                levels.push_back(l);
        // Favour small pages: 4K half the time.
        return chance(50) ? 0 : levels[below(levels.size())];
    }

    uint64_t pa(unsigned level)
    {
        unsigned bits = chance(85) ? 34 : is_x86(fmt_) ? 52 : 56;
        return (rng_() & ((1ull << bits) - 1)) & ~(page_size(level) - 1);
    }

    uint32_t attrs(unsigned level)
    {
        uint32_t a = 0;
        for (uint32_t p : {MM_PERM_R, MM_PERM_W, MM_PERM_X, MM_PERM_U, MM_PERM_G, MM_PERM_A, MM_PERM_D})
            if (chance(p == MM_PERM_G ? 20 : 60))
                a |= p;
        if (is_x86(fmt_)) {
            for (uint32_t p : {PT_ATTR_PWT, PT_ATTR_PCD, PT_ATTR_PAT})
                if (chance(15))
                    a |= p;
        } else {
            if (chance(85))
                a |= chance(70) ? MM_PERM_R : MM_PERM_X;
            if (chance(12))
                a |= PT_ATTR_PBMT_NC;
            if (chance(8))
                a |= PT_ATTR_PBMT_IO;
            if (level == 0 && chance(15))
                a |= PT_ATTR_NAPOT;
        }
        return a;
    }

    // Bits worth flipping in an entry of `level`: flags, reserved ranges,
    // address bits that push a pointer beyond physical memory, and the
    // edges of a superpage's must-be-zero low address bits.
    unsigned interesting_bit(unsigned level)
    {
        static const std::pair<unsigned, unsigned> x86_bits[] = {
            {0, 0}, {1, 1}, {2, 2}, {5, 5}, {6, 6}, {7, 7}, {8, 8}, {12, 12}, {13, 13},
            {20, 20}, {21, 21}, {29, 29}, {30, 30}, {36, 51}, {52, 62}, {63, 63}};
        static const std::pair<unsigned, unsigned> rv_bits[] = {
            {0, 0}, {1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}, {6, 6}, {7, 7}, {8, 9},
            {10, 13}, {14, 18}, {19, 27}, {28, 36}, {40, 53}, {54, 60}, {61, 61}, {62, 62}, {63, 63}};
        const auto *ranges = is_x86(fmt_) ? x86_bits : rv_bits;
        size_t n = is_x86(fmt_) ? std::size(x86_bits) : std::size(rv_bits);
        if (level > 0 && chance(20)) {
            unsigned first_page_bit = (is_x86(fmt_) ? 12 : 10) + 9 * level; // lowest bit a superpage keeps
            return first_page_bit - (unsigned)below(2);
        }
        auto [lo, hi] = ranges[below(n)];
        return lo + (unsigned)below(hi - lo + 1);
    }

    uint64_t next() { return rng_(); }

  private:
    pt_format fmt_;
    const pt_format_info *info_;
    std::mt19937_64 rng_;
};

struct Mapping {
    uint64_t va;
    unsigned level;
};

std::string ctx_text(const walk_ctx &c)
{
    char buf[200];
    snprintf(buf, sizeof buf, "pa_bits=%u ad=%d nxe=%d wp=%d smep=%d smap=%d sum=%d mxr=%d svnapot=%d svpbmt=%d",
             c.pa_bits, (int)c.ad, c.nxe, c.wp, c.smep, c.smap, c.sum, c.mxr, c.svnapot, c.svpbmt);
    return buf;
}

std::string ref_text(const refwalk::Outcome &o)
{
    std::string s = std::string("fault=") + mm_fault_name(o.fault) + " level=" + std::to_string(o.level) +
                    " accesses:";
    char buf[80];
    for (const auto &a : o.accesses) {
        snprintf(buf, sizeof buf, " [%s L%u 0x%llx=0x%llx]", a.write ? "W" : "R", a.level,
                 (unsigned long long)a.pa, (unsigned long long)a.value);
        s += buf;
    }
    return s;
}

// Empty when the walker agrees with the reference, else what differs.
std::string compare(const refwalk::Outcome &want, const walk_result &got, const std::vector<refwalk::Access> &log)
{
    std::string diff;
    auto check = [&](bool ok, const char *what) {
        if (!ok)
            diff += std::string(" ") + what;
    };
    check(got.fault == want.fault, "fault");
    check(got.start_level == (unsigned)want.start_level, "start_level");
    check(got.leaf_level == (unsigned)want.level, "leaf_level");
    check(got.pa == want.pa, "pa");
    check(got.perm == want.perm, "perm");
    check(got.leaf_pte == want.leaf_pte, "leaf_pte");
    bool same_accesses = got.n_accesses == want.accesses.size();
    for (unsigned i = 0; same_accesses && i < got.n_accesses; i++) {
        const walk_access &a = got.accesses[i];
        same_accesses = refwalk::Access{a.pa, a.value, a.level, a.is_write != 0} == want.accesses[i];
    }
    check(same_accesses, "accesses");
    check(log == want.accesses, "memory-calls");
    for (unsigned l = (unsigned)want.level + 1; l <= (unsigned)want.start_level; l++) {
        auto it = want.fills.find((int)l);
        check(it != want.fills.end(), "reference-fill-missing");
        if (it == want.fills.end())
            continue;
        check(got.fillable[l], "fillable");
        check(got.next_table[l] == it->second.next_table, "next_table");
        check(got.perm_after[l] == it->second.perm, "perm_after");
        check(got.global_after[l] == it->second.global, "global_after");
    }
    check(!got.fillable[got.leaf_level], "fillable[leaf]");
    return diff;
}

void run_format(pt_format fmt, uint64_t seed, std::set<mm_fault> &seen)
{
    const pt_format_info *info = pt_format_get(fmt);
    Generator g(fmt, seed);
    Space s(fmt, kPmemBits, 1ull << 30, seed & 1 ? PMEM_ALLOC_RANDOM : PMEM_ALLOC_SEQUENTIAL, seed);

    // 1. Mappings of every size through the builder.
    std::vector<Mapping> maps;
    for (int i = 0; i < 220; i++) {
        unsigned level = g.leaf_level();
        uint32_t attrs = g.attrs(level);
        uint64_t align = (attrs & PT_ATTR_NAPOT) ? 0xffff : page_size(level) - 1;
        uint64_t va = g.pool_va() & ~align;
        uint64_t pa = g.pa(level) & ~align;
        mm_error err{};
        int rc = pt_map(s.table(), va, pa, level, attrs, &err);
        ASSERT_TRUE(rc == MM_OK || rc == MM_ERR_EXISTS || rc == MM_ERR_INVALID) << rc << " " << err.msg;
        if (rc == MM_OK)
            maps.push_back({va, level});
    }
    ASSERT_GT(maps.size(), 60u);

    // 2. Every table the builder made, for rewiring pointers.
    std::vector<uint64_t> tables{pt_root(s.table())};
    for (const Mapping &m : maps)
        for (unsigned l = 0; l < info->levels; l++) {
            uint64_t a;
            if (pt_pte_addr(s.table(), m.va, l, &a, nullptr) == MM_OK)
                tables.push_back(a & ~0xfffull);
        }
    std::sort(tables.begin(), tables.end());
    tables.erase(std::unique(tables.begin(), tables.end()), tables.end());

    // 3. Raw PTEs, legal and not, written straight into the tables.
    for (int i = 0; i < 150; i++) {
        const Mapping &m = maps[g.below(maps.size())];
        bool from_map = g.chance(80);
        uint64_t va = from_map ? m.va : g.pool_va();
        unsigned level = from_map && g.chance(50) ? m.level : (unsigned)g.below(info->levels);
        uint64_t addr;
        if (pt_pte_addr(s.table(), va, level, &addr, nullptr) != MM_OK)
            continue;
        uint64_t old = pmem_read64(s.mem(), addr), word;
        uint64_t kind = g.below(100);
        if (kind < 40) {
            word = old;
            for (int n = 1 + (int)g.below(2); n > 0; n--)
                word ^= 1ull << g.interesting_bit(level);
        } else if (kind < 65) {
            // A leaf of any level, any pa alignment, any attribute mix.
            uint64_t pa = g.pa(0);
            uint32_t attrs = g.attrs(level) | (g.chance(10) ? PT_ATTR_NAPOT : 0);
            word = pt_encode_leaf(fmt, level, pa, attrs);
            if (g.chance(20))
                word ^= 1ull << g.interesting_bit(level);
        } else if (kind < 82) {
            word = pt_encode_table(fmt, tables[g.below(tables.size())]);
            if (g.chance(25))
                word ^= 1ull << g.interesting_bit(level);
        } else if (kind < 88) {
            word = pt_encode_table(fmt, 1ull << (kPmemBits + g.below(6)));
        } else if (kind < 94) {
            word = 0;
        } else {
            word = g.next();
        }
        pmem_write64(s.mem(), addr, word);
    }

    // 4. Walk and compare.
    const uint64_t pmem_limit = 1ull << kPmemBits;
    refwalk::ReadWord read = [&](uint64_t pa, uint64_t *v) {
        if (pa >= pmem_limit)
            return false;
        *v = pmem_read64(s.mem(), pa);
        return true;
    };
    static const unsigned x86_pa_bits[] = {36, 40, 44, 46, 52};
    int failures = 0;
    for (int q = 0; q < 2500; q++) {
        uint64_t va;
        uint64_t kind = g.below(100);
        if (kind < 70) {
            const Mapping &m = maps[g.below(maps.size())];
            va = m.va + (g.next() & (page_size(m.level) - 1));
        } else if (kind < 90) {
            va = g.pool_va();
        } else if (kind < 95) {
            va = g.next();
        } else {
            va = g.pool_va() ^ (1ull << (info->va_bits + g.below(64 - info->va_bits)));
        }
        mm_access access = (mm_access)g.below(3);
        mm_priv priv = (mm_priv)g.below(2);
        walk_ctx ctx = s.ctx;
        ctx.nxe = g.chance(70);
        ctx.wp = g.chance(70);
        ctx.smep = g.chance(40);
        ctx.smap = g.chance(40);
        ctx.sum = g.chance(40);
        ctx.mxr = g.chance(40);
        ctx.svnapot = g.chance(60);
        ctx.svpbmt = g.chance(60);
        ctx.ad = g.chance(50) ? WALK_AD_FAULT : WALK_AD_HARDWARE;
        if (is_x86(fmt))
            ctx.pa_bits = x86_pa_bits[g.below(5)];

        walk_start start{};
        const walk_start *sp = nullptr;
        uint64_t start_kind = g.below(100);
        if (start_kind < 25) {
            refwalk::Outcome probe = refwalk::walk(ctx, read, va, access, priv, nullptr);
            if (!probe.fills.empty()) {
                auto it = probe.fills.begin();
                std::advance(it, g.below(probe.fills.size()));
                start = {(unsigned)it->first - 1, it->second.next_table, it->second.perm, it->second.global};
                sp = &start;
            }
        } else if (start_kind < 30) {
            start = {(unsigned)g.below(info->levels + 1), tables[g.below(tables.size())], (uint8_t)g.below(16),
                     g.chance(50)};
            sp = &start;
        }

        refwalk::Outcome want = refwalk::walk(ctx, read, va, access, priv, sp);
        LoggingMem lm{s.mem(), {}};
        walk_mem wm{LoggingMem::read, LoggingMem::write, &lm};
        walk_result got;
        walk_run(&ctx, &wm, va, access, priv, sp, &got);
        seen.insert(got.fault);
        std::string diff = compare(want, got, lm.log);
        if (!diff.empty() && ++failures <= 3) {
            ADD_FAILURE() << info->name << " seed " << seed << " query " << q << std::hex << " va 0x" << va
                          << std::dec << " " << mm_access_name(access) << (priv ? " S " : " U ") << ctx_text(ctx)
                          << (sp ? " start L" + std::to_string(sp->level) : std::string()) << "\n differs in:"
                          << diff << "\n model:     " << describe(got) << "\n reference: " << ref_text(want);
        }
    }
    EXPECT_EQ(failures, 0) << info->name << " seed " << seed;
}

class WalkProperty : public testing::TestWithParam<pt_format> {};

TEST_P(WalkProperty, MatchesReferenceWalker)
{
    pt_format fmt = GetParam();
    std::set<mm_fault> seen;
    for (uint64_t seed = 1; seed <= 4; seed++)
        run_format(fmt, seed * 1000 + (uint64_t)fmt, seen);
    // The random tables must reach every outcome the format can produce,
    // or the comparison above proves little.
    std::vector<mm_fault> expected = {MM_FAULT_NONE,           MM_FAULT_NOT_PRESENT, MM_FAULT_PERM_WRITE,
                                      MM_FAULT_PERM_EXEC,      MM_FAULT_PERM_USER,   MM_FAULT_PERM_SUPERVISOR,
                                      MM_FAULT_RESERVED,       MM_FAULT_NON_CANONICAL, MM_FAULT_BUS_ERROR};
    if (!is_x86(fmt))
        expected.insert(expected.end(), {MM_FAULT_PERM_READ, MM_FAULT_MISALIGNED_SUPERPAGE,
                                         MM_FAULT_ACCESSED_CLEAR, MM_FAULT_DIRTY_CLEAR, MM_FAULT_NO_LEAF});
    for (mm_fault f : expected)
        EXPECT_TRUE(seen.count(f)) << pt_format_get(fmt)->name << " never produced " << mm_fault_name(f);
}

INSTANTIATE_TEST_SUITE_P(AllFormats, WalkProperty,
                         testing::Values(PT_X86_64_4LEVEL, PT_X86_64_5LEVEL, PT_SV39, PT_SV48, PT_SV57),
                         [](const testing::TestParamInfo<pt_format> &i) {
                             std::string n = pt_format_get(i.param)->name;
                             std::replace(n.begin(), n.end(), '-', '_');
                             return n;
                         });

} // namespace
