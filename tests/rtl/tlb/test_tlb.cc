// test_tlb.cc — rtl/mmu_tlb.sv against the C tlb (model/src/tlb/) in
// lockstep, cycle by cycle: every lookup's outputs and every insert's
// eviction must agree bit for bit.
//
// One RTL cycle is, in C, (1) tlb_lookup (lookup_valid_i) or tlb_probe,
// (2) the flush, (3) the fill ports in order (tlb_insert /
// tlb_invalidate_entry). Two Verilated models:
//   Vdut_tlb        mmu_tlb itself: LRU, three arrays (4K 48x12, 2M+1G
//                   16x4, 512G 4x4 fully associative), three fill ports
//   Vdut_tlb_multi  tb_tlb_multi.sv: five mmu_tlb with two fill ports each
//                   (PLRU, FIFO, RANDOM, skylake-sized LRU, defaults)
#include <gtest/gtest.h>

#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "Vdut_tlb.h"
#include "Vdut_tlb_multi.h"
#include "mmulab/tlb.h"
#include "verilated.h"

namespace {

constexpr unsigned kVaW = 64;
constexpr unsigned kPaW = 56;  // mmu_pkg::PaW
constexpr unsigned kAsidW = 16;
constexpr unsigned kLevelW = 3;
constexpr unsigned kPermW = 7;

constexpr uint8_t kOpNone = 0;
constexpr uint8_t kOpInsert = 1;
constexpr uint8_t kOpInvalidate = 2;

// mmu_pkg TlbFlush*
constexpr uint8_t kFlushAll = 1;
constexpr uint8_t kFlushNonGlobal = 2;
constexpr uint8_t kFlushAsid = 3;
constexpr uint8_t kFlushVa = 4;
constexpr uint8_t kFlushAsidVa = 5;

uint64_t mask_of(unsigned width)
{
    return width >= 64 ? ~0ull : (1ull << width) - 1;
}

// Bit fields of Verilator port storage: CData..QData, or VlWide<N> (32-bit words).
template <class T>
void put(T &port, unsigned lsb, unsigned width, uint64_t v)
{
    v &= mask_of(width);
    if constexpr (std::is_integral_v<T>) {
        uint64_t p = port;
        p = (p & ~(mask_of(width) << lsb)) | (v << lsb);
        port = static_cast<T>(p);
    } else {
        for (unsigned b = 0; b < width;) {
            unsigned bit = lsb + b, word = bit / 32, off = bit % 32;
            unsigned n = std::min(32 - off, width - b);
            uint32_t m = static_cast<uint32_t>(mask_of(n)) << off;
            port[word] = (port[word] & ~m) | (static_cast<uint32_t>(v >> b) << off & m);
            b += n;
        }
    }
}

template <class T>
uint64_t get(const T &port, unsigned lsb, unsigned width)
{
    if constexpr (std::is_integral_v<T>) {
        return (static_cast<uint64_t>(port) >> lsb) & mask_of(width);
    } else {
        uint64_t v = 0;
        for (unsigned b = 0; b < width;) {
            unsigned bit = lsb + b, word = bit / 32, off = bit % 32;
            unsigned n = std::min(32 - off, width - b);
            v |= static_cast<uint64_t>((port[word] >> off) & static_cast<uint32_t>(mask_of(n))) << b;
            b += n;
        }
        return v;
    }
}

// One cycle's inputs.
struct Cycle {
    bool lookup_valid = false;
    uint64_t lookup_va = 0;
    uint16_t lookup_asid = 0;
    bool flush_valid = false;
    uint8_t flush_op = 0;
    bool flush_global = false;
    uint16_t flush_asid = 0;
    uint64_t flush_va = 0;
    std::vector<uint8_t> op;       // per fill port
    std::vector<tlb_entry> entry;  // per fill port
};

std::string entry_str(const tlb_entry &e)
{
    char buf[128];
    std::snprintf(buf, sizeof buf, "{vpn %#" PRIx64 " ppn %#" PRIx64 " asid %u level %u perm %#x}", e.vpn, e.ppn,
                  e.asid, e.level, e.perm);
    return buf;
}

// The Verilated model M with `duts` mmu_tlb side by side (outputs of dut d at
// d * width) and `ports` fill ports.
template <class M>
class Rtl {
public:
    Rtl(unsigned duts, unsigned ports, uint64_t seed) : duts_(duts), ports_(ports)
    {
        Verilated::randReset(2);  // unreset storage starts random (--x-initial unique)
        Verilated::randSeed(static_cast<int>(seed & 0x7fffffff));
        m_ = std::make_unique<M>();
        // a falling rst_ni (the async reset edge), then a clock edge in reset
        m_->clk_i = 0;
        m_->rst_ni = 1;
        m_->eval();
        m_->rst_ni = 0;
        m_->eval();
        m_->clk_i = 1;
        m_->eval();
        m_->clk_i = 0;
        m_->rst_ni = 1;
        m_->eval();
    }
    ~Rtl() { m_->final(); }

    unsigned ports() const { return ports_; }

    void drive(const Cycle &c)
    {
        m_->lookup_valid_i = c.lookup_valid;
        m_->lookup_va_i = c.lookup_va;
        m_->lookup_asid_i = c.lookup_asid;
        m_->flush_valid_i = c.flush_valid;
        m_->flush_op_i = c.flush_op;
        m_->flush_include_global_i = c.flush_global;
        m_->flush_asid_i = c.flush_asid;
        m_->flush_va_i = c.flush_va;
        for (unsigned k = 0; k < ports_; k++) {
            const tlb_entry &e = c.entry[k];
            put(m_->fill_op_i, 2 * k, 2, c.op[k]);
            put(m_->fill_vpn_i, kVaW * k, kVaW, e.vpn);
            put(m_->fill_ppn_i, kPaW * k, kPaW, e.ppn);
            put(m_->fill_asid_i, kAsidW * k, kAsidW, e.asid);
            put(m_->fill_level_i, kLevelW * k, kLevelW, e.level);
            put(m_->fill_perm_i, kPermW * k, kPermW, e.perm);
        }
        m_->eval();
    }

    bool hit(unsigned d) const { return get(m_->lookup_hit_o, d, 1); }
    tlb_entry hit_entry(unsigned d) const
    {
        tlb_entry e{};
        e.ppn = get(m_->lookup_ppn_o, kPaW * d, kPaW);
        e.level = static_cast<uint8_t>(get(m_->lookup_level_o, kLevelW * d, kLevelW));
        e.perm = static_cast<uint8_t>(get(m_->lookup_perm_o, kPermW * d, kPermW));
        e.asid = static_cast<uint16_t>(get(m_->lookup_entry_asid_o, kAsidW * d, kAsidW));
        return e;
    }
    bool evicted(unsigned d, unsigned k) const { return get(m_->evict_valid_o, d * ports_ + k, 1); }
    tlb_entry evict_entry(unsigned d, unsigned k) const
    {
        unsigned i = d * ports_ + k;
        tlb_entry e{};
        e.vpn = get(m_->evict_vpn_o, kVaW * i, kVaW);
        e.ppn = get(m_->evict_ppn_o, kPaW * i, kPaW);
        e.asid = static_cast<uint16_t>(get(m_->evict_asid_o, kAsidW * i, kAsidW));
        e.level = static_cast<uint8_t>(get(m_->evict_level_o, kLevelW * i, kLevelW));
        e.perm = static_cast<uint8_t>(get(m_->evict_perm_o, kPermW * i, kPermW));
        return e;
    }

    void clock()
    {
        m_->clk_i = 1;
        m_->eval();
        m_->clk_i = 0;
        m_->eval();
    }

private:
    unsigned duts_;
    unsigned ports_;
    std::unique_ptr<M> m_;
};

struct TlbDeleter {
    void operator()(tlb *t) const { tlb_destroy(t); }
};
using TlbPtr = std::unique_ptr<tlb, TlbDeleter>;

TlbPtr make_tlb(const tlb_config &cfg)
{
    mm_error err{};
    tlb *t = tlb_create(&cfg, &err);
    EXPECT_NE(t, nullptr) << err.msg;
    return TlbPtr(t);
}

// What one cycle did in C, for directed checks.
struct CycleResult {
    std::string mismatch;            // empty when RTL and C agree
    std::vector<bool> hit;           // per dut
    std::vector<tlb_entry> hit_entry;
    std::vector<std::vector<bool>> evicted;  // [dut][port]
    std::vector<std::vector<tlb_entry>> victim;
};

// An RTL model and one C tlb per dut, stepped together.
template <class M>
class Lockstep {
public:
    Lockstep(const std::vector<tlb_config> &cfgs, unsigned ports, uint64_t seed) : rtl_(cfgs.size(), ports, seed)
    {
        for (const tlb_config &cfg : cfgs)
            c_.push_back(make_tlb(cfg));
    }

    unsigned ports() const { return rtl_.ports(); }
    unsigned duts() const { return static_cast<unsigned>(c_.size()); }
    const tlb *c_tlb(unsigned d) const { return c_[d].get(); }
    uint64_t ops() const { return ops_; }

    CycleResult step(const Cycle &c)
    {
        CycleResult r;
        std::ostringstream why;
        rtl_.drive(c);
        r.hit.resize(duts());
        r.hit_entry.resize(duts());
        r.evicted.assign(duts(), std::vector<bool>(ports()));
        r.victim.assign(duts(), std::vector<tlb_entry>(ports()));
        for (unsigned d = 0; d < duts(); d++) {
            tlb *t = c_[d].get();
            tlb_entry out{};
            bool hit = c.lookup_valid ? tlb_lookup(t, c.lookup_va, c.lookup_asid, &out, nullptr)
                                      : tlb_probe(t, c.lookup_va, c.lookup_asid, &out, nullptr);
            r.hit[d] = hit;
            r.hit_entry[d] = out;
            ops_++;
            bool rtl_hit = rtl_.hit(d);
            tlb_entry rtl_out = rtl_.hit_entry(d);
            if (rtl_hit != hit) {
                why << "dut " << d << ": lookup va " << std::hex << c.lookup_va << std::dec << " asid "
                    << c.lookup_asid << ": C " << (hit ? "hit " + entry_str(out) : "miss") << ", RTL "
                    << (rtl_hit ? "hit" : "miss") << "; ";
            } else if (hit && (rtl_out.ppn != out.ppn || rtl_out.level != out.level || rtl_out.perm != out.perm ||
                               rtl_out.asid != out.asid)) {
                why << "dut " << d << ": lookup va " << std::hex << c.lookup_va << std::dec << ": C "
                    << entry_str(out) << ", RTL " << entry_str(rtl_out) << " (vpn not compared); ";
            } else if (!hit && (rtl_out.ppn || rtl_out.level || rtl_out.perm || rtl_out.asid)) {
                why << "dut " << d << ": a miss drives non-zero lookup outputs; ";
            }

            if (c.flush_valid) {
                ops_++;
                switch (c.flush_op) {
                case kFlushAll: tlb_flush_all(t); break;
                case kFlushNonGlobal: tlb_flush_nonglobal(t); break;
                case kFlushAsid: tlb_flush_asid(t, c.flush_asid); break;
                case kFlushVa: tlb_flush_va(t, c.flush_va); break;
                case kFlushAsidVa: tlb_flush_asid_va(t, c.flush_asid, c.flush_va, c.flush_global); break;
                default: break;  // TlbFlushNone and unused codes do nothing
                }
            }

            for (unsigned k = 0; k < ports(); k++) {
                bool evicted = false;
                tlb_entry victim{};
                if (c.op[k] == kOpInsert) {
                    evicted = tlb_insert(t, &c.entry[k], &victim);
                    ops_++;
                } else if (c.op[k] == kOpInvalidate) {
                    tlb_invalidate_entry(t, &c.entry[k]);
                    ops_++;
                }
                r.evicted[d][k] = evicted;
                r.victim[d][k] = victim;
                bool rtl_evicted = rtl_.evicted(d, k);
                tlb_entry rtl_victim = rtl_.evict_entry(d, k);
                if (rtl_evicted != evicted) {
                    why << "dut " << d << " port " << k << " op " << unsigned(c.op[k]) << " "
                        << entry_str(c.entry[k]) << ": C " << (evicted ? "evicts " + entry_str(victim) : "no eviction")
                        << ", RTL " << (rtl_evicted ? "evicts " + entry_str(rtl_victim) : "no eviction") << "; ";
                } else if (evicted && (rtl_victim.vpn != victim.vpn || rtl_victim.ppn != victim.ppn ||
                                       rtl_victim.asid != victim.asid || rtl_victim.level != victim.level ||
                                       rtl_victim.perm != victim.perm)) {
                    why << "dut " << d << " port " << k << " " << entry_str(c.entry[k]) << ": C evicts "
                        << entry_str(victim) << ", RTL evicts " << entry_str(rtl_victim) << "; ";
                } else if (!evicted && (rtl_victim.vpn || rtl_victim.ppn || rtl_victim.asid || rtl_victim.level ||
                                        rtl_victim.perm)) {
                    why << "dut " << d << " port " << k << ": no eviction but non-zero evict outputs; ";
                }
            }
        }
        rtl_.clock();
        r.mismatch = why.str();
        return r;
    }

private:
    Rtl<M> rtl_;
    std::vector<TlbPtr> c_;
    uint64_t ops_ = 0;
};

// ---------------------------------------------------------------------------
// configurations (must match the -G parameters in CMakeLists.txt and
// tb_tlb_multi.sv)
// ---------------------------------------------------------------------------
tlb_config config(const char *name, std::vector<tlb_array_config> arrays, repl_policy policy, uint16_t seed)
{
    tlb_config cfg{};
    cfg.name = name;
    cfg.n_arrays = static_cast<unsigned>(arrays.size());
    for (size_t i = 0; i < arrays.size(); i++)
        cfg.arrays[i] = arrays[i];
    cfg.replacement = policy;
    cfg.lfsr_seed = seed;
    return cfg;
}

constexpr unsigned kTlbPorts = 3;
std::vector<tlb_config> tlb_configs()
{
    return {config("lru3", {{48, 12, 0x1}, {16, 4, 0x6}, {4, 4, 0x8}}, REPL_LRU, 0xACE1)};
}

constexpr unsigned kMultiPorts = 2;
enum { kDutPlru = 0, kDutFifo = 1, kDutRandom = 2, kDutSkylake = 3, kDutDefault = 4 };
std::vector<tlb_config> multi_configs()
{
    return {
        config("plru", {{32, 8, 0x3}, {4, 4, 0x4}}, REPL_PLRU, 0xACE1),
        config("fifo", {{12, 3, 0x1}, {8, 2, 0xE}}, REPL_FIFO, 0x5EED),
        config("random", {{24, 6, 0x1}, {4, 1, 0x2}, {4, 4, 0x4}, {2, 2, 0x18}}, REPL_RANDOM, 0),
        config("skylake", {{1536, 12, 0x3}, {16, 4, 0x4}}, REPL_LRU, 0x1D2C),
        config("default", {{64, 4, 0x1}}, REPL_LRU, 0xACE1),
    };
}

// ---------------------------------------------------------------------------
// random stimulus
// ---------------------------------------------------------------------------
class Stimulus {
public:
    // pages_per_set: distinct pages of one size that share a set (few: the
    // same pages come back often, many: mostly conflict evictions)
    Stimulus(uint64_t seed, unsigned ports, unsigned pages_per_set = 16)
        : s_(seed * 0x9E3779B97F4A7C15ull + 1), ports_(ports), pages_per_set_(pages_per_set)
    {
    }

    Cycle next()
    {
        Cycle c;
        c.op.assign(ports_, kOpNone);
        c.entry.assign(ports_, tlb_entry{});
        c.lookup_valid = pct(75);
        c.lookup_asid = asid();
        if (!recent_.empty() && pct(55)) {
            const tlb_entry &e = pick_recent();
            c.lookup_va = (e.vpn << shift(e.level)) | (rnd() & mask_of(shift(e.level)));
            if (pct(20))
                c.lookup_asid = e.asid;
        } else {
            unsigned level = pct(60) ? 0 : static_cast<unsigned>(rnd() % 5);
            c.lookup_va = (vpn(level) << shift(level)) | (rnd() & mask_of(shift(level)));
        }

        if (pct(3)) {
            c.flush_valid = true;
            unsigned r = static_cast<unsigned>(rnd() % 100);
            c.flush_op = r < 5 ? kFlushAll : r < 20 ? kFlushNonGlobal : r < 45 ? kFlushAsid : r < 70 ? kFlushVa
                                                                            : r < 97 ? kFlushAsidVa
                                                                                     : static_cast<uint8_t>(
                                                                                           (r % 3) == 0 ? 0 : 5 + r % 3);
            c.flush_asid = asid();
            c.flush_global = pct(50);
            if (!recent_.empty() && pct(70)) {
                const tlb_entry &e = pick_recent();
                c.flush_va = (e.vpn << shift(e.level)) | (rnd() & mask_of(shift(e.level)));
            } else {
                c.flush_va = vpn(0) << 12 | (rnd() & 0xfff);
            }
        } else if (pct(1)) {
            // flush inputs without flush_valid_i must do nothing
            c.flush_op = static_cast<uint8_t>(rnd() % 8);
            c.flush_asid = asid();
            c.flush_va = rnd();
        }

        for (unsigned k = 0; k < ports_; k++) {
            unsigned r = static_cast<unsigned>(rnd() % 100);
            if (r < 45) {
                c.op[k] = kOpInsert;
                c.entry[k] = new_entry();
                remember(c.entry[k]);
            } else if (r < 55) {
                c.op[k] = kOpInvalidate;
                c.entry[k] = !recent_.empty() && pct(80) ? pick_recent() : new_entry();
                if (pct(20))
                    c.entry[k].perm ^= MM_PERM_G;
                if (pct(20))
                    c.entry[k].asid = asid();
            } else {
                c.op[k] = r < 57 ? 3 : kOpNone;  // op 3 is undefined: nothing happens
                // junk on an idle port must be ignored
                c.entry[k] = new_entry();
            }
        }
        return c;
    }

private:
    uint64_t rnd()
    {
        // splitmix64: the same sequence on every platform
        uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    bool pct(unsigned p) { return rnd() % 100 < p; }
    static unsigned shift(unsigned level) { return 12 + 9 * (level > 4 ? 0 : level); }
    uint16_t asid() { return static_cast<uint16_t>(pct(3) ? rnd() : rnd() % 4); }

    // Few sets per page size so sets conflict: the low 2 bits pick one of
    // four sets, bits 7.. one of pages_per_set_ pages (also for 128 sets).
    uint64_t vpn(unsigned level)
    {
        uint64_t v = ((rnd() % pages_per_set_) << 7) | (rnd() % 4);
        unsigned bits = 52 - 9 * (level > 4 ? 0 : level);
        if (pct(2))
            v = rnd() & mask_of(bits);  // anywhere
        if (pct(1))
            v |= 1ull << (bits + rnd() % (64 - bits));  // page above 2^64: never held
        return v;
    }

    tlb_entry new_entry()
    {
        tlb_entry e{};
        if (!recent_.empty() && pct(35)) {
            // the same page again: new translation, maybe another asid or scope
            e = pick_recent();
            if (pct(30))
                e.asid = asid();
            if (pct(15))
                e.perm ^= MM_PERM_G;
        } else {
            unsigned r = static_cast<unsigned>(rnd() % 100);
            e.level = static_cast<uint8_t>(r < 45 ? 0 : r < 70 ? 1 : r < 85 ? 2 : r < 93 ? 3 : r < 97 ? 4 : 5 + r % 3);
            e.vpn = vpn(e.level);
            e.asid = asid();
            e.perm = static_cast<uint8_t>(rnd() & 0x6f);
            if (pct(15))
                e.perm |= MM_PERM_G;
        }
        e.ppn = rnd() & mask_of(kPaW - 9 * (e.level > 4 ? 0 : e.level));
        return e;
    }

    void remember(const tlb_entry &e)
    {
        if (recent_.size() < 48) {
            recent_.push_back(e);
        } else {
            recent_[next_++ % recent_.size()] = e;
        }
    }
    const tlb_entry &pick_recent() { return recent_[rnd() % recent_.size()]; }

    uint64_t s_;
    unsigned ports_;
    unsigned pages_per_set_;
    std::vector<tlb_entry> recent_;
    size_t next_ = 0;
};

struct RandomTotals {
    uint64_t ops = 0;
    uint64_t evictions = 0;
    uint64_t same_cycle_victims = 0;  // a port evicted what an earlier port wrote in that cycle
};

template <class M>
void run_random(const std::vector<tlb_config> &cfgs, unsigned ports, uint64_t seed, unsigned cycles,
                unsigned pages_per_set, RandomTotals *totals)
{
    Lockstep<M> ls(cfgs, ports, seed);
    Stimulus stim(seed, ports, pages_per_set);
    for (unsigned i = 0; i < cycles; i++) {
        Cycle c = stim.next();
        CycleResult r = ls.step(c);
        ASSERT_EQ(r.mismatch, "") << "seed " << seed << " pages/set " << pages_per_set << " cycle " << i;
        for (unsigned d = 0; d < r.evicted.size(); d++) {
            for (unsigned k = 0; k < ports; k++) {
                if (!r.evicted[d][k])
                    continue;
                totals->evictions++;
                for (unsigned j = 0; j < k; j++) {
                    const tlb_entry &v = r.victim[d][k], &w = c.entry[j];
                    if (c.op[j] == kOpInsert && v.vpn == w.vpn && v.level == w.level && v.asid == w.asid &&
                        v.ppn == w.ppn && v.perm == w.perm)
                        totals->same_cycle_victims++;
                }
            }
        }
    }
    totals->ops += ls.ops();
}

// MMULAB_RTL_TLB_SOAK=N adds N more seeds to each random test (off in CI).
std::vector<uint64_t> seeds(std::vector<uint64_t> base)
{
    const char *soak = std::getenv("MMULAB_RTL_TLB_SOAK");
    unsigned extra = soak ? static_cast<unsigned>(std::strtoul(soak, nullptr, 10)) : 0;
    for (unsigned i = 0; i < extra; i++)
        base.push_back(1000 + base.front() * 100000 + i);
    return base;
}

TEST(RtlTlb, RandomLockstepLru3Arrays3Ports)
{
    RandomTotals t;
    for (uint64_t seed : seeds({1, 2, 3, 4})) {
        run_random<Vdut_tlb>(tlb_configs(), kTlbPorts, seed, 25000, seed % 2 ? 16 : 3, &t);
        if (HasFatalFailure())
            return;
    }
    std::printf("lockstep ops (C calls compared): %" PRIu64 ", evictions: %" PRIu64 " (%" PRIu64
                " of an entry written earlier in the same cycle)\n",
                t.ops, t.evictions, t.same_cycle_victims);
    EXPECT_GE(t.ops, 200000u);
    EXPECT_GE(t.evictions, 10000u);
}

TEST(RtlTlb, RandomLockstepPlruFifoRandomSkylakeDefault)
{
    RandomTotals t;
    for (uint64_t seed : seeds({11, 12, 13, 14})) {
        run_random<Vdut_tlb_multi>(multi_configs(), kMultiPorts, seed, 25000, seed % 2 ? 16 : 3, &t);
        if (HasFatalFailure())
            return;
    }
    std::printf("lockstep ops (C calls compared, 5 TLBs): %" PRIu64 ", evictions: %" PRIu64 " (%" PRIu64
                " of an entry written earlier in the same cycle)\n",
                t.ops, t.evictions, t.same_cycle_victims);
    EXPECT_GE(t.ops, 200000u);
    EXPECT_GE(t.evictions, 20000u);
    EXPECT_GE(t.same_cycle_victims, 50u);
}

// ---------------------------------------------------------------------------
// directed cases
// ---------------------------------------------------------------------------
tlb_entry page(unsigned level, uint64_t vpn, uint16_t asid, uint64_t ppn, bool global = false)
{
    tlb_entry e{};
    e.level = static_cast<uint8_t>(level);
    e.vpn = vpn;
    e.asid = asid;
    e.ppn = ppn;
    e.perm = static_cast<uint8_t>(MM_PERM_R | MM_PERM_W | MM_PERM_A | (global ? MM_PERM_G : 0));
    return e;
}

uint64_t va_of(const tlb_entry &e, uint64_t offset = 0x123)
{
    return (e.vpn << MM_LEVEL_SHIFT(e.level)) | offset;
}

// Builds one cycle: an optional lookup, an optional flush, fill ops.
struct CycleBuilder {
    explicit CycleBuilder(unsigned ports)
    {
        c.op.assign(ports, kOpNone);
        c.entry.assign(ports, tlb_entry{});
    }
    CycleBuilder &lookup(const tlb_entry &e, uint16_t asid, bool touch = true)
    {
        c.lookup_valid = touch;
        c.lookup_va = va_of(e);
        c.lookup_asid = asid;
        return *this;
    }
    CycleBuilder &insert(unsigned k, const tlb_entry &e)
    {
        c.op[k] = kOpInsert;
        c.entry[k] = e;
        return *this;
    }
    CycleBuilder &invalidate(unsigned k, const tlb_entry &e)
    {
        c.op[k] = kOpInvalidate;
        c.entry[k] = e;
        return *this;
    }
    CycleBuilder &flush(uint8_t op, uint16_t asid = 0, uint64_t va = 0, bool global = false)
    {
        c.flush_valid = true;
        c.flush_op = op;
        c.flush_asid = asid;
        c.flush_va = va;
        c.flush_global = global;
        return *this;
    }
    Cycle c;
};

template <class M>
CycleResult step(Lockstep<M> &ls, const CycleBuilder &b)
{
    CycleResult r = ls.step(b.c);
    EXPECT_EQ(r.mismatch, "");
    return r;
}

bool same_page_entry(const tlb_entry &a, const tlb_entry &b)
{
    return a.vpn == b.vpn && a.level == b.level && a.asid == b.asid && a.ppn == b.ppn;
}

// True LRU in the fully associative 512G array (4 ways), worked by hand.
TEST(RtlTlb, LruOrderByHand)
{
    Lockstep<Vdut_tlb> ls(tlb_configs(), kTlbPorts, 7);
    const unsigned L = 3;
    tlb_entry a = page(L, 1, 1, 0x11), b = page(L, 2, 1, 0x12), c = page(L, 3, 1, 0x13), d = page(L, 4, 1, 0x14);
    tlb_entry e = page(L, 5, 1, 0x15), f = page(L, 6, 1, 0x16), g = page(L, 7, 1, 0x17);
    tlb_entry h = page(L, 8, 1, 0x18), i = page(L, 9, 1, 0x19);
    for (const tlb_entry &x : {a, b, c, d}) {
        CycleResult r = step(ls, CycleBuilder(kTlbPorts).insert(0, x));
        EXPECT_FALSE(r.evicted[0][0]);  // invalid ways first
    }
    // newest..oldest: d c b a; touching b then a gives a b d c
    step(ls, CycleBuilder(kTlbPorts).lookup(b, 1));
    step(ls, CycleBuilder(kTlbPorts).lookup(a, 1));
    CycleResult r = step(ls, CycleBuilder(kTlbPorts).insert(0, e));
    ASSERT_TRUE(r.evicted[0][0]);
    EXPECT_TRUE(same_page_entry(r.victim[0][0], c)) << entry_str(r.victim[0][0]);
    // e a b d; a probe (no lookup_valid_i) of d does not touch it
    r = step(ls, CycleBuilder(kTlbPorts).lookup(d, 1, false));
    EXPECT_TRUE(r.hit[0]);
    r = step(ls, CycleBuilder(kTlbPorts).insert(0, f));
    ASSERT_TRUE(r.evicted[0][0]);
    EXPECT_TRUE(same_page_entry(r.victim[0][0], d)) << entry_str(r.victim[0][0]);
    // f e a b; the lookup's touch of b happens before the same cycle's fill
    r = step(ls, CycleBuilder(kTlbPorts).lookup(b, 1).insert(0, g));
    EXPECT_TRUE(r.hit[0]);
    ASSERT_TRUE(r.evicted[0][0]);
    EXPECT_TRUE(same_page_entry(r.victim[0][0], a)) << entry_str(r.victim[0][0]);
    // g b f e; two ports in one cycle: port 1 sees port 0's fill
    r = step(ls, CycleBuilder(kTlbPorts).insert(0, h).insert(1, i));
    ASSERT_TRUE(r.evicted[0][0]);
    ASSERT_TRUE(r.evicted[0][1]);
    EXPECT_TRUE(same_page_entry(r.victim[0][0], e)) << entry_str(r.victim[0][0]);
    EXPECT_TRUE(same_page_entry(r.victim[0][1], f)) << entry_str(r.victim[0][1]);
    // i h g b: the survivors hit, the victims miss
    for (const tlb_entry &x : {b, g, h, i})
        EXPECT_TRUE(step(ls, CycleBuilder(kTlbPorts).lookup(x, 1, false)).hit[0]);
    for (const tlb_entry &x : {a, c, d, e, f})
        EXPECT_FALSE(step(ls, CycleBuilder(kTlbPorts).lookup(x, 1, false)).hit[0]);
}

// 12-way LRU set of the 4K array (4 sets): fill one set, touch in a chosen
// order, and check that the victims come out oldest first.
TEST(RtlTlb, Lru12WaysOrder)
{
    Lockstep<Vdut_tlb> ls(tlb_configs(), kTlbPorts, 8);
    std::vector<tlb_entry> set;
    for (unsigned w = 0; w < 12; w++)
        set.push_back(page(0, 4 * w + 2, 3, 0x100 + w));  // all in set 2
    for (const tlb_entry &x : set)
        step(ls, CycleBuilder(kTlbPorts).insert(0, x));
    // touch in the order 5, 0, 11, 7: the LRU order is then 1 2 3 4 6 8 9 10 5 0 11 7
    for (unsigned w : {5u, 0u, 11u, 7u})
        step(ls, CycleBuilder(kTlbPorts).lookup(set[w], 3));
    unsigned expect[] = {1, 2, 3, 4, 6, 8, 9, 10, 5, 0, 11, 7};
    for (unsigned n = 0; n < 12; n++) {
        CycleResult r = step(ls, CycleBuilder(kTlbPorts).insert(0, page(0, 4 * (100 + n) + 2, 3, 0x900 + n)));
        ASSERT_TRUE(r.evicted[0][0]);
        EXPECT_TRUE(same_page_entry(r.victim[0][0], set[expect[n]])) << n << ": " << entry_str(r.victim[0][0]);
    }
}

// RANDOM: victim = lfsr % ways, then one Galois step (taps 0xB400); the LFSR
// is per array and moves only when a victim is chosen among valid ways.
TEST(RtlTlb, LfsrVictimSequence)
{
    // from seed 0xACE1: 0xACE1 0xE270 0x7138 0x389C 0x1C4E 0x0E27 0xB313 0xED89 0xC2C4
    const uint16_t lfsr[] = {0xACE1, 0xE270, 0x7138, 0x389C, 0x1C4E, 0x0E27, 0xB313, 0xED89, 0xC2C4};
    for (unsigned n = 0; n + 1 < sizeof lfsr / sizeof lfsr[0]; n++)
        ASSERT_EQ(repl_lfsr_next(lfsr[n]), lfsr[n + 1]);

    Lockstep<Vdut_tlb_multi> ls(multi_configs(), kMultiPorts, 9);
    const unsigned D = kDutRandom;
    // the 1G array: 4 entries, 4 ways, one set
    std::vector<tlb_entry> way(4);
    for (unsigned w = 0; w < 4; w++) {
        way[w] = page(2, 10 + w, 1, 0x40 + w);
        CycleResult r = step(ls, CycleBuilder(kMultiPorts).insert(0, way[w]));
        EXPECT_FALSE(r.evicted[D][0]);
    }
    unsigned n = 0;
    auto evict_next = [&](uint64_t vpn, unsigned port_count) {
        CycleBuilder b(kMultiPorts);
        std::vector<tlb_entry> in;
        for (unsigned k = 0; k < port_count; k++) {
            in.push_back(page(2, vpn + k, 1, 0x80 + vpn + k));
            b.insert(k, in.back());
        }
        CycleResult r = step(ls, b);
        for (unsigned k = 0; k < port_count; k++, n++) {
            unsigned victim_way = lfsr[n] % 4;
            ASSERT_TRUE(r.evicted[D][k]);
            EXPECT_TRUE(same_page_entry(r.victim[D][k], way[victim_way]))
                << "victim " << n << " should be way " << victim_way << ", got " << entry_str(r.victim[D][k]);
            way[victim_way] = in[k];
        }
    };
    evict_next(100, 1);  // way 1
    evict_next(101, 1);  // way 0
    // a rewrite in place and a fill of an invalid way do not step the LFSR
    tlb_entry again = way[2];
    again.ppn = 0x777;
    CycleResult r = step(ls, CycleBuilder(kMultiPorts).insert(0, again));
    EXPECT_FALSE(r.evicted[D][0]);
    way[2] = again;
    step(ls, CycleBuilder(kMultiPorts).invalidate(0, way[3]));
    way[3] = page(2, 200, 1, 0x200);
    r = step(ls, CycleBuilder(kMultiPorts).insert(0, way[3]));
    EXPECT_FALSE(r.evicted[D][0]);
    evict_next(102, 2);  // ways 0, 0: port 1 sees the step of port 0
    evict_next(110, 2);  // ways 2, 3
    evict_next(120, 2);  // ways 3, 1
    // the 4K array (6 ways) has its own LFSR, still at the seed: 0xACE1 % 6 = 1
    std::vector<tlb_entry> set0;
    for (unsigned w = 0; w < 6; w++) {
        set0.push_back(page(0, 4 * w, 2, 0x300 + w));
        step(ls, CycleBuilder(kMultiPorts).insert(0, set0.back()));
    }
    r = step(ls, CycleBuilder(kMultiPorts).insert(0, page(0, 4 * 50, 2, 0x999)));
    ASSERT_TRUE(r.evicted[D][0]);
    EXPECT_TRUE(same_page_entry(r.victim[D][0], set0[0xACE1 % 6])) << entry_str(r.victim[D][0]);
}

// A global entry survives asid flushes and matches every asid; a per-VA flush
// of an asid keeps it unless told to include global entries.
TEST(RtlTlb, GlobalEntryVsAsidFlush)
{
    Lockstep<Vdut_tlb> ls(tlb_configs(), kTlbPorts, 10);
    tlb_entry g = page(0, 0x40, 1, 0x1000, true);
    tlb_entry n1 = page(0, 0x41, 1, 0x1001);
    tlb_entry n2 = page(0, 0x42, 2, 0x1002);
    tlb_entry big = page(1, 0x3, 1, 0x2000, true);
    step(ls, CycleBuilder(kTlbPorts).insert(0, g).insert(1, n1).insert(2, n2));
    step(ls, CycleBuilder(kTlbPorts).insert(0, big));
    EXPECT_TRUE(step(ls, CycleBuilder(kTlbPorts).lookup(g, 7)).hit[0]);    // global: any asid
    EXPECT_FALSE(step(ls, CycleBuilder(kTlbPorts).lookup(n1, 7)).hit[0]);  // not global
    // flush asid 1: n1 goes, g (global) stays
    step(ls, CycleBuilder(kTlbPorts).flush(kFlushAsid, 1));
    EXPECT_TRUE(step(ls, CycleBuilder(kTlbPorts).lookup(g, 1)).hit[0]);
    EXPECT_FALSE(step(ls, CycleBuilder(kTlbPorts).lookup(n1, 1)).hit[0]);
    EXPECT_TRUE(step(ls, CycleBuilder(kTlbPorts).lookup(n2, 2)).hit[0]);
    // per-VA flush of asid 1 without globals keeps g
    step(ls, CycleBuilder(kTlbPorts).flush(kFlushAsidVa, 1, va_of(g), false));
    EXPECT_TRUE(step(ls, CycleBuilder(kTlbPorts).lookup(g, 3)).hit[0]);
    // with globals it goes
    step(ls, CycleBuilder(kTlbPorts).flush(kFlushAsidVa, 1, va_of(g), true));
    EXPECT_FALSE(step(ls, CycleBuilder(kTlbPorts).lookup(g, 3)).hit[0]);
    // flush of the non-global entries keeps the global 2M page, drops n2
    step(ls, CycleBuilder(kTlbPorts).flush(kFlushNonGlobal));
    EXPECT_FALSE(step(ls, CycleBuilder(kTlbPorts).lookup(n2, 2)).hit[0]);
    CycleResult r = step(ls, CycleBuilder(kTlbPorts).lookup(big, 9));
    EXPECT_TRUE(r.hit[0]);
    EXPECT_EQ(r.hit_entry[0].level, 1);
    // a per-VA flush of any asid removes global entries too
    step(ls, CycleBuilder(kTlbPorts).flush(kFlushVa, 0, va_of(big, 0x1234)));
    EXPECT_FALSE(step(ls, CycleBuilder(kTlbPorts).lookup(big, 1)).hit[0]);
    // flush all
    step(ls, CycleBuilder(kTlbPorts).insert(0, g).insert(1, n1));
    step(ls, CycleBuilder(kTlbPorts).flush(kFlushAll));
    EXPECT_FALSE(step(ls, CycleBuilder(kTlbPorts).lookup(g, 1)).hit[0]);
    EXPECT_FALSE(step(ls, CycleBuilder(kTlbPorts).lookup(n1, 1)).hit[0]);
}

// Re-inserting a page rewrites the lowest way holding the same page (same
// asid, or either entry global) and evicts nothing; another asid's copy of a
// non-global page is a different entry.
TEST(RtlTlb, ReinsertSamePage)
{
    Lockstep<Vdut_tlb> ls(tlb_configs(), kTlbPorts, 11);
    const unsigned L = 3;  // 4-way fully associative
    tlb_entry p1 = page(L, 1, 1, 0x10);
    tlb_entry p2 = page(L, 1, 2, 0x20);  // same vpn, other asid
    step(ls, CycleBuilder(kTlbPorts).insert(0, p1).insert(1, p2));
    step(ls, CycleBuilder(kTlbPorts).insert(0, page(L, 2, 1, 0x30)).insert(1, page(L, 3, 1, 0x40)));
    // full: re-insert p1 with a new ppn in place
    tlb_entry p1b = p1;
    p1b.ppn = 0x11;
    CycleResult r = step(ls, CycleBuilder(kTlbPorts).insert(0, p1b));
    EXPECT_FALSE(r.evicted[0][0]);
    r = step(ls, CycleBuilder(kTlbPorts).lookup(p1, 1));
    EXPECT_EQ(r.hit_entry[0].ppn, 0x11u);
    EXPECT_EQ(step(ls, CycleBuilder(kTlbPorts).lookup(p2, 2)).hit_entry[0].ppn, 0x20u);
    // a global insert of the page replaces the lowest same-page way (p1's)
    tlb_entry pg = page(L, 1, 5, 0x50, true);
    r = step(ls, CycleBuilder(kTlbPorts).insert(0, pg));
    EXPECT_FALSE(r.evicted[0][0]);
    EXPECT_EQ(step(ls, CycleBuilder(kTlbPorts).lookup(p1, 1)).hit_entry[0].ppn, 0x50u);
    // p2 (asid 2) still sits in a higher way: the lowest matching way (the global one) wins
    EXPECT_EQ(step(ls, CycleBuilder(kTlbPorts).lookup(p2, 2)).hit_entry[0].ppn, 0x50u);
    // invalidating the page with the global entry removes every same-page way
    step(ls, CycleBuilder(kTlbPorts).invalidate(0, pg));
    EXPECT_FALSE(step(ls, CycleBuilder(kTlbPorts).lookup(p2, 2)).hit[0]);
    // same page on two ports of one cycle: port 1 rewrites port 0's way
    tlb_entry q = page(L, 9, 4, 0x90), q2 = page(L, 9, 4, 0x91);
    r = step(ls, CycleBuilder(kTlbPorts).insert(0, q).insert(1, q2));
    EXPECT_FALSE(r.evicted[0][0]);
    EXPECT_FALSE(r.evicted[0][1]);
    EXPECT_EQ(step(ls, CycleBuilder(kTlbPorts).lookup(q, 4)).hit_entry[0].ppn, 0x91u);
    // insert then invalidate of the same page in one cycle: gone
    tlb_entry s = page(L, 12, 4, 0xc0);
    step(ls, CycleBuilder(kTlbPorts).insert(0, s).invalidate(1, s));
    EXPECT_FALSE(step(ls, CycleBuilder(kTlbPorts).lookup(s, 4)).hit[0]);
}

// Sizes no array holds and pages above 2^64 are ignored; a flush in the same
// cycle as a fill applies first.
TEST(RtlTlb, IgnoredInsertsAndFlushBeforeFill)
{
    Lockstep<Vdut_tlb> ls(tlb_configs(), kTlbPorts, 12);
    CycleResult r = step(ls, CycleBuilder(kTlbPorts).insert(0, page(4, 1, 1, 0x1)).insert(1, page(6, 1, 1, 0x1)));
    EXPECT_FALSE(r.evicted[0][0]);
    EXPECT_EQ(tlb_valid_count(ls.c_tlb(0)), 0u);
    tlb_entry high = page(2, 1ull << 34, 1, 0x1);  // 1G page at 2^64
    step(ls, CycleBuilder(kTlbPorts).insert(0, high));
    EXPECT_EQ(tlb_valid_count(ls.c_tlb(0)), 0u);
    // fill the 512G set, then flush all + insert in one cycle: no eviction
    for (unsigned w = 0; w < 4; w++)
        step(ls, CycleBuilder(kTlbPorts).insert(0, page(3, w, 1, w)));
    r = step(ls, CycleBuilder(kTlbPorts).flush(kFlushAll).insert(0, page(3, 7, 1, 7)));
    EXPECT_FALSE(r.evicted[0][0]);
    EXPECT_EQ(tlb_valid_count(ls.c_tlb(0)), 1u);
    // a lookup in the cycle of a flush sees the state before it
    r = step(ls, CycleBuilder(kTlbPorts).lookup(page(3, 7, 1, 7), 1).flush(kFlushAll));
    EXPECT_TRUE(r.hit[0]);
    EXPECT_FALSE(step(ls, CycleBuilder(kTlbPorts).lookup(page(3, 7, 1, 7), 1)).hit[0]);
}

// The smaller page wins when stale entries of two sizes cover the address.
TEST(RtlTlb, SmallestSizeWins)
{
    Lockstep<Vdut_tlb> ls(tlb_configs(), kTlbPorts, 13);
    tlb_entry big = page(1, 0x5, 1, 0x500);
    tlb_entry small = page(0, 0x5 << 9 | 0x7, 1, 0x777);
    step(ls, CycleBuilder(kTlbPorts).insert(0, big).insert(1, small));
    CycleResult r = step(ls, CycleBuilder(kTlbPorts).lookup(small, 1));
    EXPECT_EQ(r.hit_entry[0].level, 0);
    EXPECT_EQ(r.hit_entry[0].ppn, 0x777u);
    tlb_entry other = page(0, 0x5 << 9 | 0x8, 1, 0);
    r = step(ls, CycleBuilder(kTlbPorts).lookup(other, 1));
    EXPECT_EQ(r.hit_entry[0].level, 1);
    EXPECT_EQ(r.hit_entry[0].ppn, 0x500u);
}

// Simulation speed of the Verilated TLBs alone (lookup every cycle, fills and
// flushes as in the random tests). Printed; the floor only catches a
// pathological slowdown, the target is >= 1 M cycles/s.
template <class M>
double cycles_per_second(unsigned duts, unsigned ports, unsigned cycles, bool lookups_only)
{
    Rtl<M> rtl(duts, ports, 5);
    Stimulus stim(5, ports);
    std::vector<Cycle> in;
    for (unsigned i = 0; i < 4096; i++) {
        in.push_back(stim.next());
        if (lookups_only && i >= 1024) {  // warm up with fills, then lookups only
            in.back().flush_valid = false;
            in.back().op.assign(ports, kOpNone);
        }
    }
    auto start = std::chrono::steady_clock::now();
    for (unsigned i = 0; i < cycles; i++) {
        rtl.drive(in[i % in.size()]);
        rtl.clock();
    }
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    return cycles / took.count();
}

TEST(RtlTlb, SimulationSpeed)
{
    double one = cycles_per_second<Vdut_tlb>(1, kTlbPorts, 200000, false);
    double one_lookups = cycles_per_second<Vdut_tlb>(1, kTlbPorts, 200000, true);
    double five = cycles_per_second<Vdut_tlb_multi>(5, kMultiPorts, 100000, false);
    std::printf("Verilated mmu_tlb (lru3, 3 ports): %.2f M cycles/s with ~1.4 fills per cycle, %.2f M cycles/s "
                "lookups only; five TLBs incl. 1536x12: %.2f M cycles/s\n",
                one / 1e6, one_lookups / 1e6, five / 1e6);
    EXPECT_GT(one, 2e5);
}

}  // namespace
