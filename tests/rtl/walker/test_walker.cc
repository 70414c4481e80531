// test_walker.cc — rtl/mmu_walker.sv against the C walker (walk_run) and the
// timing of one walk in model/src/mmu/engine.c (docs/timing.md §5).
//
// Every walk runs on the same page tables twice: first walk_run, whose A/D
// writes are journaled and undone, then the RTL, whose memory port is served
// from the same pmem with a random latency per access. Both see one fake PTE
// cache. Compared: the result (fault, pa, level, perm, start level), every PTE
// access (address, read or write, value, level, issue cycle), every PTE-cache
// probe (address, level, cycle, answer), the walk-cache and PTE-cache fill
// information, the access counts and the completion cycle, which the test
// computes from the C access list with the formula of docs/timing.md.
//
// MMULAB_SEED and MMULAB_WALKER_WALKS override the seed and the number of
// random walks; a mismatch prints both and the walk's index.

#include <gtest/gtest.h>
#include <verilated.h>

#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "Vdut_walker.h"
#include "mmulab/pmem.h"
#include "mmulab/pt.h"
#include "mmulab/walk.h"

namespace {

// mmu_pkg: addresses have PaW (56) bits, the memory and the root MemPaW (52)
constexpr unsigned kPaW = 56;
constexpr unsigned kMemPaW = 52;
constexpr unsigned kLevels = MM_MAX_LEVELS;
constexpr unsigned kPermW = 7;
constexpr uint64_t kPaMask = (1ull << kMemPaW) - 1;

std::string strf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return buf;
}

// width bits from bit lo of a Verilated wide port
template <typename W>
uint64_t wide_bits(const W &w, unsigned lo, unsigned width)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < width; i++) {
        unsigned b = lo + i;
        v |= (uint64_t)((w[b / 32] >> (b % 32)) & 1u) << i;
    }
    return v;
}

uint64_t page_bytes(unsigned level) { return 1ull << MM_LEVEL_SHIFT(level); }

struct Timing {
    unsigned pwc = 0;   // pwc_probe_cycles
    unsigned pcc = 0;   // pte_cache_cycles, 0: no PTE cache
    unsigned step = 0;  // step_cycles
    unsigned fill = 1;  // fill_cycles
};

// How the memory picks the latency of each access.
struct Latency {
    enum Mode { kFixed, kUniform, kMostlyOne, kShort } mode = kUniform;
    unsigned fixed = 1;
    unsigned next(std::mt19937_64 &rng) const
    {
        switch (mode) {
        case kFixed:
            return fixed;
        case kMostlyOne:
            return rng() % 5 ? 1 : 1 + (unsigned)(rng() % 20);
        case kShort:
            return 1 + (unsigned)(rng() % 3);
        default:
            return 1 + (unsigned)(rng() % 20);
        }
    }
};

struct Job {
    walk_ctx ctx{};
    uint64_t va = 0;
    unsigned access = MM_ACCESS_LOAD;  // 3 (no access type) included: both must agree
    unsigned priv = MM_PRIV_SUPERVISOR;
    bool from_valid = false;
    walk_start from{};
    Timing tm;
    Latency lat;
};

// A page-table cache keyed by PTE address, like PWC_PTE: the same answers for
// the C walk and the RTL's probes.
class FakePteCache {
  public:
    static constexpr size_t kCap = 16;
    bool lookup(uint64_t pa, uint64_t *value) const
    {
        for (const auto &e : entries)
            if (e.first == pa) {
                *value = e.second;
                return true;
            }
        return false;
    }
    void fill(uint64_t pa, uint64_t value, std::mt19937_64 &rng)
    {
        for (auto &e : entries)
            if (e.first == pa) {
                e.second = value;
                return;
            }
        if (entries.size() < kCap)
            entries.emplace_back(pa, value);
        else
            entries[rng() % kCap] = {pa, value};
    }
    std::vector<std::pair<uint64_t, uint64_t>> entries;
};

// ------------------------------------------------------------ the C walk ----

struct CMem {
    pmem *mem;
    const FakePteCache *cache;
    bool use_cache;
    unsigned index = 0;
    uint32_t hit_mask = 0;
    std::vector<std::pair<uint64_t, uint64_t>> journal;  // (pa, value before)
};

// engine.c's read_pte: the PTE cache answers levels >= 1 first
bool c_read_pte(void *opaque, uint64_t pa, unsigned level, uint64_t *value)
{
    auto *m = static_cast<CMem *>(opaque);
    unsigned k = m->index++;
    if (m->use_cache && level >= 1 && m->cache->lookup(pa, value)) {
        m->hit_mask |= 1u << k;
        return true;
    }
    if (!pmem_valid_pa(m->mem, pa))
        return false;
    *value = pmem_read64(m->mem, pa);
    return true;
}

void c_write_pte(void *opaque, uint64_t pa, unsigned level, uint64_t value)
{
    (void)level;
    auto *m = static_cast<CMem *>(opaque);
    m->index++;
    m->journal.emplace_back(pa, pmem_read64(m->mem, pa));
    pmem_write64(m->mem, pa, value);
}

struct CWalk {
    walk_result res;
    uint32_t hit_mask = 0;
    unsigned hit_level = 0;  // mmu_response.pwc_level from PTE-cache hits
    // collect_pwc_fills
    uint8_t pwc_mask = 0, pwc_global = 0;
    uint64_t pwc_table[kLevels] = {};
    uint8_t pwc_perm[kLevels] = {};
    uint8_t pte_mask = 0;
    uint64_t pte_pa[kLevels] = {};
    uint64_t pte_val[kLevels] = {};
};

// Runs walk_run and leaves memory as it found it.
CWalk run_c(const Job &j, pmem *mem, const FakePteCache &cache)
{
    CWalk c;
    memset(&c.res, 0, sizeof c.res);
    CMem m{mem, &cache, j.tm.pcc != 0};
    walk_mem wm{c_read_pte, c_write_pte, &m};
    walk_run(&j.ctx, &wm, j.va, (mm_access)j.access, (mm_priv)j.priv, j.from_valid ? &j.from : nullptr,
             &c.res);
    c.hit_mask = m.hit_mask;
    const walk_result &r = c.res;
    for (unsigned level = r.leaf_level + 1; level <= r.start_level; level++) {
        if (level >= kLevels || !r.fillable[level])
            continue;
        c.pwc_mask |= (uint8_t)(1u << level);
        c.pwc_table[level] = r.next_table[level];
        c.pwc_perm[level] = r.perm_after[level];
        if (r.global_after[level])
            c.pwc_global |= (uint8_t)(1u << level);
    }
    for (unsigned k = 0; k < r.n_accesses; k++) {
        const walk_access &a = r.accesses[k];
        bool hit = (m.hit_mask >> k) & 1u;
        if (hit && (c.hit_level == 0 || a.level < c.hit_level))
            c.hit_level = a.level;
        if (a.is_write || a.level <= r.leaf_level || a.level > r.start_level || !r.fillable[a.level] || hit)
            continue;
        c.pte_mask |= (uint8_t)(1u << a.level);
        c.pte_pa[a.level] = a.pa;
        c.pte_val[a.level] = pmem_read64(mem, a.pa);  // as the walk left it
    }
    for (auto it = m.journal.rbegin(); it != m.journal.rend(); ++it)
        pmem_write64(mem, it->first, it->second);
    return c;
}

// ------------------------------------------------------------- the RTL ----

struct Probe {
    uint64_t pa;
    unsigned level;
    bool hit;
    uint64_t value;
    uint64_t cycle;
};

struct MemAccess {
    uint64_t pa;  // all 56 bits
    bool write;
    uint64_t value;  // written, or served (0 for an error, as walk_result records it)
    unsigned level;
    bool error;
    uint64_t issue, rsp;
};

struct RtlOut {
    std::string protocol_error;
    uint64_t start_cycle = 0, done_cycle = 0;
    unsigned fault = 0, leaf_level = 0, perm = 0, reads = 0, writes = 0, hit_level = 0, start_level = 0;
    uint64_t pa = 0;
    uint8_t pwc_mask = 0, pwc_global = 0, pte_mask = 0;
    uint64_t pwc_table[kLevels] = {};
    uint8_t pwc_perm[kLevels] = {};
    uint64_t pte_pa[kLevels] = {};
    uint64_t pte_val[kLevels] = {};
    std::vector<Probe> probes;
    std::vector<MemAccess> mem;
};

class Walker {
  public:
    explicit Walker(uint64_t seed = 1) : ctx_(new VerilatedContext)
    {
        // state the reset forgets starts random (--x-initial unique)
        ctx_->randReset(2);
        ctx_->randSeed((int)(seed & 0x7fffffff));
        dut_.reset(new Vdut_walker(ctx_.get()));
        Vdut_walker &d = *dut_;
        d.clk_i = 0;
        d.rst_ni = 1;
        d.start_i = 0;
        d.fill_cycles_i = 1;
        d.mem_rsp_valid_i = 0;
        d.probe_hit_i = 0;
        d.eval();
        d.rst_ni = 0;
        d.eval();
        d.rst_ni = 1;
        d.eval();
    }
    uint64_t cycle() const { return cyc_; }

    // n cycles without a start; the walker must stay idle and silent
    std::string idle(unsigned n)
    {
        Vdut_walker &d = *dut_;
        for (unsigned i = 0; i < n; i++) {
            d.start_i = 0;
            d.mem_rsp_valid_i = 0;
            d.eval();
            if (!d.idle_o || d.done_o || d.mem_req_valid_o || d.probe_valid_o)
                return strf("cycle %" PRIu64 ": activity while idle", cyc_);
            tick();
        }
        return "";
    }

    RtlOut run(const Job &j, pmem *mem, const FakePteCache &cache, std::mt19937_64 &rng,
               uint64_t limit = 200000)
    {
        RtlOut o;
        Vdut_walker &d = *dut_;
        d.pwc_probe_cycles_i = j.tm.pwc;
        d.pte_cache_cycles_i = j.tm.pcc;
        d.step_cycles_i = j.tm.step;
        d.fill_cycles_i = j.tm.fill;
        d.start_i = 1;
        d.va_i = j.va;
        d.access_i = j.access & 3u;
        d.priv_i = j.priv & 1u;
        d.fmt_i = (unsigned)j.ctx.format & 7u;
        d.root_pa_i = j.ctx.root_pa & kPaMask;
        d.pa_bits_i = j.ctx.pa_bits & 127u;
        d.ad_i = j.ctx.ad == WALK_AD_FAULT;
        d.nxe_i = j.ctx.nxe;
        d.wp_i = j.ctx.wp;
        d.smep_i = j.ctx.smep;
        d.smap_i = j.ctx.smap;
        d.sum_i = j.ctx.sum;
        d.mxr_i = j.ctx.mxr;
        d.svnapot_i = j.ctx.svnapot;
        d.svpbmt_i = j.ctx.svpbmt;
        d.from_valid_i = j.from_valid;
        d.from_level_i = j.from.level & 7u;
        d.from_table_pa_i = j.from.table_pa & kPaMask;
        d.from_perm_i = j.from.perm & 127u;
        d.from_global_i = j.from.global;
        o.start_cycle = cyc_;

        bool pending = false, rsp_error = false;
        uint64_t due = 0, rsp_data = 0;
        for (uint64_t n = 0;; n++) {
            if (n > limit) {
                o.protocol_error = "no done_o";
                return o;
            }
            if (pending && due == cyc_) {
                d.mem_rsp_valid_i = 1;
                d.mem_rsp_data_i = rsp_data;
                d.mem_rsp_error_i = rsp_error;
                pending = false;
            } else {
                // a response bus carries noise when it is not valid
                d.mem_rsp_valid_i = 0;
                d.mem_rsp_data_i = noise();
                d.mem_rsp_error_i = noise() & 1u;
            }
            d.probe_hit_i = 0;
            d.probe_data_i = noise();
            d.eval();
            if (n == 0 && !d.idle_o) {
                o.protocol_error = "not idle at the start";
                return o;
            }
            if (n > 0 && d.idle_o) {
                o.protocol_error = strf("idle in walk cycle %" PRIu64, n);
                return o;
            }
            if (d.probe_valid_o) {
                Probe p{d.probe_pa_o, d.probe_level_o, false, 0, cyc_};
                uint64_t v = 0;
                if (cache.lookup(p.pa, &v)) {
                    p.hit = true;
                    p.value = v;
                    d.probe_hit_i = 1;
                    d.probe_data_i = v;
                }
                o.probes.push_back(p);
                d.eval();
            }
            if (d.mem_req_valid_o) {
                if (pending) {
                    o.protocol_error = strf("cycle +%" PRIu64 ": a request while one is outstanding", n);
                    return o;
                }
                MemAccess a{};
                a.pa = d.mem_req_pa_o;
                a.write = d.mem_req_write_o;
                a.level = d.mem_req_level_o;
                a.issue = cyc_;
                bool valid = pmem_valid_pa(mem, a.pa);
                if (a.write) {
                    a.value = d.mem_req_wdata_o;
                    if (valid)
                        pmem_write64(mem, a.pa, a.value);
                    rsp_data = noise();
                    rsp_error = false;
                } else {
                    a.error = !valid;
                    a.value = valid ? pmem_read64(mem, a.pa) : 0;
                    rsp_data = valid ? a.value : noise();
                    rsp_error = !valid;
                }
                due = cyc_ + j.lat.next(rng);
                a.rsp = due;
                pending = true;
                o.mem.push_back(a);
            }
            bool done = d.done_o;
            if (done)
                capture(o);
            tick();
            if (n == 0)
                scramble_start_inputs();
            if (done)
                break;
        }
        if (pending)
            o.protocol_error = "done_o before the last response";
        d.mem_rsp_valid_i = 0;
        d.eval();
        if (!d.idle_o)
            o.protocol_error = "not idle in the completion cycle";
        return o;
    }

  private:
    void tick()
    {
        dut_->clk_i = 1;
        dut_->eval();
        dut_->clk_i = 0;
        cyc_++;
    }
    uint64_t noise()
    {
        noise_ ^= noise_ << 13;
        noise_ ^= noise_ >> 7;
        noise_ ^= noise_ << 17;
        return noise_;
    }
    // the start inputs are sampled in the start cycle only
    void scramble_start_inputs()
    {
        Vdut_walker &d = *dut_;
        d.start_i = 0;
        d.va_i = noise();
        d.access_i = noise() & 3u;
        d.priv_i = noise() & 1u;
        d.fmt_i = noise() & 7u;
        d.root_pa_i = noise() & kPaMask;
        d.pa_bits_i = noise() & 127u;
        d.ad_i = noise() & 1u;
        d.nxe_i = noise() & 1u;
        d.wp_i = noise() & 1u;
        d.smep_i = noise() & 1u;
        d.smap_i = noise() & 1u;
        d.sum_i = noise() & 1u;
        d.mxr_i = noise() & 1u;
        d.svnapot_i = noise() & 1u;
        d.svpbmt_i = noise() & 1u;
        d.from_valid_i = noise() & 1u;
        d.from_level_i = noise() & 7u;
        d.from_table_pa_i = noise() & kPaMask;
        d.from_perm_i = noise() & 127u;
        d.from_global_i = noise() & 1u;
    }
    void capture(RtlOut &o)
    {
        Vdut_walker &d = *dut_;
        o.done_cycle = cyc_;
        o.fault = d.fault_o;
        o.pa = d.pa_o;
        o.leaf_level = d.leaf_level_o;
        o.perm = d.perm_o;
        o.reads = d.pte_reads_o;
        o.writes = d.pte_writes_o;
        o.hit_level = d.pte_cache_hit_level_o;
        o.start_level = d.start_level_o;
        o.pwc_mask = d.pwc_fill_mask_o;
        o.pwc_global = d.pwc_fill_global_o;
        o.pte_mask = d.pte_fill_mask_o;
        for (unsigned l = 0; l < kLevels; l++) {
            o.pwc_table[l] = wide_bits(d.pwc_fill_table_o, l * kPaW, kPaW);
            o.pwc_perm[l] = (uint8_t)((d.pwc_fill_perm_o >> (l * kPermW)) & 0x7fu);
            o.pte_pa[l] = wide_bits(d.pte_fill_pa_o, l * kPaW, kPaW);
            o.pte_val[l] = wide_bits(d.pte_fill_val_o, l * 64, 64);
        }
    }

    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<Vdut_walker> dut_;
    uint64_t cyc_ = 0;
    uint64_t noise_ = 0x9e3779b97f4a7c15ull;
};

// ------------------------------------------------------------ comparison ----

std::string describe(const Job &j, const CWalk &c, const RtlOut &o)
{
    std::string s = strf("  job: fmt=%u va=0x%016" PRIx64 " access=%u priv=%u root=0x%" PRIx64
                         " pa_bits=%u ad=%u nxe=%d wp=%d smep=%d smap=%d sum=%d mxr=%d napot=%d pbmt=%d\n",
                         (unsigned)j.ctx.format, j.va, j.access, j.priv, j.ctx.root_pa, j.ctx.pa_bits,
                         (unsigned)j.ctx.ad, j.ctx.nxe, j.ctx.wp, j.ctx.smep, j.ctx.smap, j.ctx.sum,
                         j.ctx.mxr, j.ctx.svnapot, j.ctx.svpbmt);
    s += strf("  from: valid=%d level=%u table=0x%" PRIx64 " perm=0x%x global=%d; timing pwc=%u pcc=%u "
              "step=%u fill=%u\n",
              j.from_valid, j.from.level, j.from.table_pa, j.from.perm, j.from.global, j.tm.pwc, j.tm.pcc,
              j.tm.step, j.tm.fill);
    const walk_result &r = c.res;
    s += strf("  C: fault=%u level=%u pa=0x%" PRIx64 " perm=0x%x start=%u hits=0x%x:", r.fault, r.leaf_level,
              r.pa, r.perm, r.start_level, c.hit_mask);
    for (unsigned k = 0; k < r.n_accesses; k++)
        s += strf(" [%c L%u 0x%" PRIx64 "=0x%" PRIx64 "]", r.accesses[k].is_write ? 'W' : 'R',
                  r.accesses[k].level, r.accesses[k].pa, r.accesses[k].value);
    s += strf("\n  RTL: start=%" PRIu64 " done=%" PRIu64 " fault=%u level=%u pa=0x%" PRIx64 " perm=0x%x:",
              o.start_cycle, o.done_cycle, o.fault, o.leaf_level, o.pa, o.perm);
    for (const auto &m : o.mem)
        s += strf(" [%c L%u 0x%" PRIx64 "=0x%" PRIx64 " @%" PRIu64 "->%" PRIu64 "%s]", m.write ? 'W' : 'R',
                  m.level, m.pa, m.value, m.issue - o.start_cycle, m.rsp - o.start_cycle,
                  m.error ? " err" : "");
    for (const auto &p : o.probes)
        s += strf(" {probe L%u 0x%" PRIx64 " @%" PRIu64 " %s}", p.level, p.pa, p.cycle - o.start_cycle,
                  p.hit ? "hit" : "miss");
    return s;
}

std::string compare(const Job &j, const CWalk &c, const RtlOut &o)
{
    if (!o.protocol_error.empty())
        return o.protocol_error;
    const walk_result &r = c.res;
    // docs/timing.md §5, access by access
    uint64_t t = o.start_cycle + j.tm.pwc;
    size_t mi = 0, pi = 0;
    unsigned reads = 0, writes = 0;
    for (unsigned k = 0; k < r.n_accesses; k++) {
        const walk_access &a = r.accesses[k];
        bool hit = (c.hit_mask >> k) & 1u;
        if (!a.is_write && j.tm.pcc && a.level >= 1) {
            if (a.pa <= kPaMask) {
                if (pi >= o.probes.size())
                    return strf("access %u: no PTE-cache probe", k);
                const Probe &p = o.probes[pi++];
                if (p.pa != a.pa || p.level != a.level || p.cycle != t)
                    return strf("access %u: probe L%u 0x%" PRIx64 " at +%" PRIu64 ", expected L%u 0x%" PRIx64
                                " at +%" PRIu64,
                                k, p.level, p.pa, p.cycle - o.start_cycle, a.level, a.pa, t - o.start_cycle);
                if (p.hit != hit)
                    return strf("access %u: probe answer differs", k);
                if (hit && p.value != a.value)
                    return strf("access %u: the PTE cache gave the C walk another value", k);
            } else if (hit) {
                return strf("access %u: the C walk hit the PTE cache above PaW", k);
            }
            t += j.tm.pcc;
            if (hit)
                continue;
        }
        t += j.tm.step;
        if (mi >= o.mem.size())
            return strf("access %u: the RTL made no memory access", k);
        const MemAccess &m = o.mem[mi++];
        if (m.write != (bool)a.is_write || m.pa != a.pa || m.level != a.level || m.value != a.value)
            return strf("access %u: RTL %c L%u 0x%" PRIx64 "=0x%" PRIx64 ", C %c L%u 0x%" PRIx64 "=0x%" PRIx64,
                        k, m.write ? 'W' : 'R', m.level, m.pa, m.value, a.is_write ? 'W' : 'R', a.level, a.pa,
                        a.value);
        if (m.issue != t)
            return strf("access %u: issued at +%" PRIu64 ", expected +%" PRIu64, k, m.issue - o.start_cycle,
                        t - o.start_cycle);
        t = m.rsp;
        (a.is_write ? writes : reads)++;
    }
    if (mi != o.mem.size())
        return strf("%zu memory accesses, expected %zu", o.mem.size(), mi);
    if (pi != o.probes.size())
        return strf("%zu PTE-cache probes, expected %zu", o.probes.size(), pi);
    uint64_t completion = t + j.tm.fill;
    if (o.done_cycle != completion - 1)
        return strf("done_o at +%" PRIu64 ", expected +%" PRIu64, o.done_cycle - o.start_cycle,
                    completion - 1 - o.start_cycle);

    if (o.fault != (unsigned)r.fault)
        return strf("fault %u, expected %u", o.fault, r.fault);
    if (o.leaf_level != r.leaf_level || o.start_level != r.start_level)
        return strf("levels leaf %u start %u, expected %u %u", o.leaf_level, o.start_level, r.leaf_level,
                    r.start_level);
    if (o.pa != r.pa)
        return strf("pa 0x%" PRIx64 ", expected 0x%" PRIx64, o.pa, r.pa);
    if (o.perm != r.perm)
        return strf("perm 0x%x, expected 0x%x", o.perm, r.perm);
    if (o.reads != reads || o.writes != writes)
        return strf("pte_reads %u pte_writes %u, expected %u %u", o.reads, o.writes, reads, writes);
    if (o.hit_level != c.hit_level)
        return strf("pte_cache_hit_level %u, expected %u", o.hit_level, c.hit_level);

    if (o.pwc_mask != c.pwc_mask)
        return strf("pwc_fill_mask 0x%x, expected 0x%x", o.pwc_mask, c.pwc_mask);
    for (unsigned l = 0; l < kLevels; l++) {
        if (!((c.pwc_mask >> l) & 1u))
            continue;
        if (o.pwc_table[l] != c.pwc_table[l] || o.pwc_perm[l] != c.pwc_perm[l] ||
            ((o.pwc_global ^ c.pwc_global) >> l & 1u))
            return strf("pwc fill L%u: table 0x%" PRIx64 " perm 0x%x global %u, expected 0x%" PRIx64
                        " 0x%x %u",
                        l, o.pwc_table[l], o.pwc_perm[l], (o.pwc_global >> l) & 1u, c.pwc_table[l],
                        c.pwc_perm[l], (c.pwc_global >> l) & 1u);
    }
    if (o.pte_mask != c.pte_mask)
        return strf("pte_fill_mask 0x%x, expected 0x%x", o.pte_mask, c.pte_mask);
    for (unsigned l = 0; l < kLevels; l++) {
        if (!((c.pte_mask >> l) & 1u))
            continue;
        if (o.pte_pa[l] != c.pte_pa[l] || o.pte_val[l] != c.pte_val[l])
            return strf("pte fill L%u: 0x%" PRIx64 "=0x%" PRIx64 ", expected 0x%" PRIx64 "=0x%" PRIx64, l,
                        o.pte_pa[l], o.pte_val[l], c.pte_pa[l], c.pte_val[l]);
    }
    return "";
}

// ------------------------------------------------------------ the world ----

struct Mapping {
    uint64_t va;
    unsigned level;
    bool napot;
};

uint64_t random_canonical(unsigned va_bits, std::mt19937_64 &rng)
{
    uint64_t v = rng() & ((1ull << va_bits) - 1);
    if ((v >> (va_bits - 1)) & 1u)
        v |= ~((1ull << va_bits) - 1);
    return v;
}

// One sparse memory holding a page table of every format, with mappings of
// every page size; corrupt() then breaks entries on purpose.
class World {
  public:
    explicit World(std::mt19937_64 &rng)
    {
        static const unsigned kPmemBits[] = {32, 36, 40, 44};
        pmem_bits = kPmemBits[rng() % 4];
        pmem_config cfg{};
        cfg.size_bytes = 64ull << 20;
        cfg.pa_bits = pmem_bits;
        cfg.base = 0x1000;
        cfg.policy = rng() % 2 ? PMEM_ALLOC_RANDOM : PMEM_ALLOC_SEQUENTIAL;
        cfg.seed = rng();
        mm_error err{};
        mem = pmem_create(&cfg, &err);
        EXPECT_NE(mem, nullptr) << err.msg;
        for (unsigned f = 0; f < PT_FORMAT_COUNT; f++) {
            tables[f] = pt_create((pt_format)f, mem, &err);
            EXPECT_NE(tables[f], nullptr) << err.msg;
            populate((pt_format)f, rng);
            for (unsigned i = 0; i < 12; i++)
                corrupt((pt_format)f, rng);
        }
    }
    ~World()
    {
        for (auto *t : tables)
            pt_destroy(t);
        pmem_destroy(mem);
    }
    World(const World &) = delete;
    World &operator=(const World &) = delete;

    pmem *mem = nullptr;
    unsigned pmem_bits = 40;
    pt *tables[PT_FORMAT_COUNT] = {};
    std::vector<Mapping> maps[PT_FORMAT_COUNT];
    std::vector<uint64_t> table_frames[PT_FORMAT_COUNT];

    // One deliberate malformation on the path of a random mapping.
    void corrupt(pt_format f, std::mt19937_64 &rng)
    {
        const pt_format_info *fi = pt_format_get(f);
        if (maps[f].empty())
            return;
        const Mapping &m = maps[f][rng() % maps[f].size()];
        // mostly the leaf: a broken upper entry hides every mapping below it
        unsigned level = rng() % 2 ? m.level : m.level + (unsigned)(rng() % (fi->levels - m.level));
        uint64_t addr = 0;
        if (pt_pte_addr(tables[f], m.va, level, &addr, nullptr) != MM_OK || !pmem_valid_pa(mem, addr))
            return;
        uint64_t p = pmem_read64(mem, addr);
        uint64_t other = table_frames[f].empty() ? pt_root(tables[f])
                                                 : table_frames[f][rng() % table_frames[f].size()];
        if (fi->is_x86) {
            switch (rng() % 14) {
            case 0: p ^= PT_X86_P; break;
            case 1: p ^= PT_X86_RW; break;
            case 2: p ^= PT_X86_US; break;
            case 3: p &= ~(PT_X86_A | PT_X86_D); break;
            case 4: p ^= PT_X86_PS; break;
            case 5: p ^= PT_X86_XD; break;
            case 6: p |= 1ull << (30 + rng() % 22); break;           // high address bits: MAXPHYADDR
            case 7: {                                               // large-page reserved bits
                static const unsigned kEdges[] = {12, 13, 20, 21, 29, 30};
                p |= 1ull << (rng() % 2 ? kEdges[rng() % 6] : 13 + rng() % 17);
                break;
            }
            case 8: p ^= PT_X86_G; break;
            case 9: p = (p & ~PT_X86_ADDR_MASK) | (other & PT_X86_ADDR_MASK); break;  // aliased table
            case 10: p = 0; break;
            case 11: p ^= PT_X86_D; break;
            case 12: p = (p & ~PT_X86_ADDR_MASK) | (((1ull << pmem_bits) | (rng() & 0xfff000)) & PT_X86_ADDR_MASK); break;
            default: p ^= 1ull << (rng() % 64); break;
            }
        } else {
            uint64_t ppn_bits = pmem_bits - 12;
            switch (rng() % 17) {
            case 0: p ^= PT_RV_V; break;
            case 1: p ^= PT_RV_R; break;
            case 2: p ^= PT_RV_W; break;
            case 3: p ^= PT_RV_X; break;
            case 4: p ^= PT_RV_U; break;
            case 5: p ^= PT_RV_G; break;
            case 6: p ^= PT_RV_A; break;
            case 7: p ^= PT_RV_D; break;
            case 8: p |= 1ull << (54 + rng() % 7); break;            // bits 60:54
            case 9: p ^= PT_RV_N; break;
            case 10: p = (p & ~PT_RV_PBMT_MASK) | ((1 + rng() % 3) << PT_RV_PBMT_SHIFT); break;
            case 11:                                                 // low PPN bits: misaligned
                p |= 1ull << (10 + (level && rng() % 2 ? 9 * level - rng() % 2 : rng() % 36));
                break;
            case 12: p |= 1ull << (50 + rng() % 4); break;           // pa bits 55:52
            case 13: p |= 1ull << (10 + ppn_bits + rng() % (44 - ppn_bits)); break;  // beyond memory
            case 14: p = (p & ~PT_RV_PPN_MASK) | ((other >> 12) << PT_RV_PPN_SHIFT); break;  // aliased table
            case 15: p = (p & PT_RV_PPN_MASK) | PT_RV_V | (rng() % 2 ? PT_RV_G : 0); break;   // a pointer
            default: p = (p & ~(0xfull << PT_RV_PPN_SHIFT)) | (rng() % 2 ? 8ull << PT_RV_PPN_SHIFT : 0) |
                         PT_RV_N; break;                                // Svnapot encodings
            }
        }
        pmem_write64(mem, addr, p);
    }

    // Clears A/D on a random mapping's leaf (and on x86 pointers above it),
    // so walks keep writing them.
    void age(pt_format f, std::mt19937_64 &rng)
    {
        const pt_format_info *fi = pt_format_get(f);
        if (maps[f].empty())
            return;
        const Mapping &m = maps[f][rng() % maps[f].size()];
        for (unsigned level = m.level; level < fi->levels; level++) {
            if (level > m.level && (!fi->is_x86 || rng() % 2))
                continue;
            uint64_t addr = 0;
            if (pt_pte_addr(tables[f], m.va, level, &addr, nullptr) != MM_OK || !pmem_valid_pa(mem, addr))
                return;
            uint64_t p = pmem_read64(mem, addr);
            uint64_t ad = fi->is_x86 ? (PT_X86_A | PT_X86_D) : (PT_RV_A | PT_RV_D);
            if (level > m.level)
                ad = PT_X86_A;
            p &= ~(rng() % 3 ? ad : (fi->is_x86 ? PT_X86_D : PT_RV_D));
            pmem_write64(mem, addr, p);
        }
    }

  private:
    void populate(pt_format f, std::mt19937_64 &rng)
    {
        const pt_format_info *fi = pt_format_get(f);
        uint64_t regions[4];
        for (auto &r : regions)
            r = random_canonical(fi->va_bits, rng) & ~((1ull << 30) - 1);
        for (unsigned i = 0; i < 72; i++) {
            unsigned level = 0;
            unsigned pick = (unsigned)(rng() % 100);
            unsigned max_leaf = fi->is_x86 ? 2 : fi->levels - 1;
            if (pick >= 55)
                level = 1;
            if (pick >= 80)
                level = 2;
            if (pick >= 93)
                level = 3;
            if (pick >= 97)
                level = 4;
            if (level > max_leaf)
                level = max_leaf;
            bool napot = !fi->is_x86 && level == 0 && rng() % 5 == 0;
            uint64_t span = napot ? 0xffffull : page_bytes(level) - 1;
            uint64_t va = level <= 1 ? regions[rng() % 4] + (rng() & ((1ull << 30) - 1))
                                     : random_canonical(fi->va_bits, rng);
            va &= ~span;
            // mostly below any MAXPHYADDR; RISC-V sometimes above 2^52
            uint64_t pa_limit = rng() % 4 ? (1ull << 32) - 1 : (1ull << 52) - 1;
            if (!fi->is_x86 && rng() % 10 == 0)
                pa_limit = (1ull << 56) - 1;
            uint64_t pa = rng() & pa_limit & ~span;
            uint32_t attrs = (uint32_t)(rng() % 128);  // R W X U G A D
            if (fi->is_x86) {
                attrs |= (uint32_t)(rng() % 8) << 8;   // PWT PCD PAT
            } else {
                if (!(attrs & (MM_PERM_R | MM_PERM_X)))
                    attrs |= rng() % 2 ? MM_PERM_R : MM_PERM_X;
                if ((attrs & MM_PERM_W) && !(attrs & MM_PERM_R))
                    attrs |= MM_PERM_R;
                unsigned pbmt = (unsigned)(rng() % 8);
                if (pbmt == 1)
                    attrs |= PT_ATTR_PBMT_NC;
                if (pbmt == 2)
                    attrs |= PT_ATTR_PBMT_IO;
                if (napot)
                    attrs |= PT_ATTR_NAPOT;
            }
            if (pt_map(tables[f], va, pa, level, attrs, nullptr) != MM_OK)
                continue;
            maps[f].push_back({va, level, napot});
            for (unsigned l = level + 1; l < fi->levels; l++) {
                uint64_t addr = 0;
                if (pt_pte_addr(tables[f], va, l, &addr, nullptr) == MM_OK && table_frames[f].size() < 64)
                    table_frames[f].push_back(addr & ~0xfffull);
            }
        }
    }
};

// --------------------------------------------------------- random walks ----

Timing random_timing(std::mt19937_64 &rng)
{
    static const unsigned kPwc[] = {0, 0, 1, 2, 3, 6};
    static const unsigned kPcc[] = {1, 1, 2, 3, 5};
    static const unsigned kStep[] = {0, 0, 1, 2, 4};
    static const unsigned kFill[] = {1, 1, 2, 3, 7};
    Timing t;
    if (rng() % 400 == 0) {  // the widest waits
        t.pwc = 200 + (unsigned)(rng() % 56);
        t.pcc = rng() % 2 ? 0 : 255;
        t.step = 200 + (unsigned)(rng() % 56);
        t.fill = 200 + (unsigned)(rng() % 56);
        return t;
    }
    t.pwc = kPwc[rng() % 6];
    t.pcc = rng() % 2 ? 0 : kPcc[rng() % 5];
    t.step = kStep[rng() % 5];
    t.fill = kFill[rng() % 5];
    return t;
}

Latency random_latency(std::mt19937_64 &rng)
{
    Latency l;
    l.mode = (Latency::Mode)(1 + rng() % 3);
    if (rng() % 8 == 0) {
        l.mode = Latency::kFixed;
        l.fixed = 1 + (unsigned)(rng() % 20);
    }
    return l;
}

uint64_t random_va(const World &w, pt_format f, std::mt19937_64 &rng)
{
    unsigned bits = pt_format_get(f)->va_bits;
    unsigned r = (unsigned)(rng() % 100);
    if (w.maps[f].empty() || r < 8)
        return random_canonical(bits, rng);
    const Mapping &m = w.maps[f][rng() % w.maps[f].size()];
    uint64_t size = m.napot ? 0x10000 : page_bytes(m.level);
    if (r < 65)
        return m.va + (rng() & (size - 1));
    if (r < 82)
        return m.va ^ (1ull << (12 + rng() % (bits - 13)));  // a neighbour, often unmapped
    if (r < 90)
        return random_canonical(bits, rng) ^ (1ull << (bits - 1 + rng() % (65 - bits)));  // not canonical
    return m.va + (rng() & 0x3fffffull);
}

Job random_job(const World &w, const FakePteCache &cache, std::mt19937_64 &rng)
{
    Job j;
    pt_format f = rng() % 100 == 0 ? (pt_format)(5 + rng() % 3) : (pt_format)(rng() % PT_FORMAT_COUNT);
    bool known = (unsigned)f < PT_FORMAT_COUNT;
    const pt_format_info *fi = known ? pt_format_get(f) : nullptr;
    uint64_t root = known ? pt_root(w.tables[f]) : rng() & kPaMask;
    if (rng() % 100 == 0)
        root = rng() & kPaMask;  // out of memory, or into memory no table lives in
    walk_ctx_init(&j.ctx, f, root, 1);
    unsigned r = (unsigned)(rng() % 100);
    if (r < 55)
        j.ctx.pa_bits = 52;
    else if (r < 85)
        j.ctx.pa_bits = w.pmem_bits + (unsigned)(rng() % (53 - w.pmem_bits));
    else
        j.ctx.pa_bits = 30 + (unsigned)(rng() % 23);
    j.ctx.ad = rng() % 2 ? WALK_AD_FAULT : WALK_AD_HARDWARE;
    j.ctx.nxe = rng() % 5 != 0;
    j.ctx.wp = rng() % 4 != 0;
    j.ctx.smep = rng() % 2;
    j.ctx.smap = rng() % 2;
    j.ctx.sum = rng() % 2;
    j.ctx.mxr = rng() % 2;
    j.ctx.svnapot = rng() % 4 != 0;
    j.ctx.svpbmt = rng() % 4 != 0;
    j.va = known ? random_va(w, f, rng) : rng();
    j.access = rng() % 100 == 0 ? 3u : (unsigned)(rng() % 3);
    j.priv = (unsigned)(rng() % 2);
    j.tm = random_timing(rng);
    j.lat = random_latency(rng);

    r = (unsigned)(rng() % 100);
    if (r < 25 && fi) {
        // a translation-cache hit: what a walk of the same va would have filled
        Job dry = j;
        dry.tm.pcc = 0;
        CWalk c = run_c(dry, w.mem, cache);
        unsigned levels[kLevels], n = 0;
        for (unsigned l = 1; l < kLevels; l++)
            if ((c.pwc_mask >> l & 1u) && c.pwc_table[l] <= kPaMask)
                levels[n++] = l;
        if (n) {
            unsigned l = levels[rng() % n];
            j.from_valid = true;
            j.from.level = l - 1;
            j.from.table_pa = c.pwc_table[l];
            j.from.perm = c.pwc_perm[l];
            if (rng() % 4 == 0)  // bits walk_run ignores
                j.from.perm = (uint8_t)((j.from.perm ^ 1u) | (unsigned)(rng() % 8) << 4);
            j.from.global = (c.pwc_global >> l) & 1u;
        }
    } else if (r < 28) {
        j.from_valid = true;
        j.from.level = (unsigned)(rng() % 8);
        j.from.table_pa = rng() & kPaMask;
        j.from.perm = (uint8_t)(rng() % 128);
        j.from.global = rng() % 2;
    }
    return j;
}

// ----------------------------------------------------------------- tests ----

uint64_t env_u64(const char *name, uint64_t dflt)
{
    const char *s = getenv(name);
    return s && *s ? strtoull(s, nullptr, 0) : dflt;
}

TEST(RtlWalker, RandomWalksMatchTheCWalkerAndTheTimingFormula)
{
    const uint64_t seed = env_u64("MMULAB_SEED", 0x3a1c5eedull);
    const uint64_t walks = env_u64("MMULAB_WALKER_WALKS", 200000);
    printf("seed 0x%" PRIx64 ", %" PRIu64 " walks\n", seed, walks);
    std::mt19937_64 rng(seed);
    Walker w(seed);
    FakePteCache cache;
    std::unique_ptr<World> world;
    uint64_t counts[PT_FORMAT_COUNT][MM_FAULT_COUNT] = {};
    uint64_t resumed = 0, hits = 0, writes = 0, high_pa = 0, same_cycle = 0, wide_waits = 0, other_fmt = 0;

    for (uint64_t i = 0; i < walks; i++) {
        if (i % 2000 == 0) {
            world.reset();
            world.reset(new World(rng));
            cache.entries.clear();
        }
        pt_format fmut = (pt_format)(rng() % PT_FORMAT_COUNT);
        if (rng() % 100 < 4)
            world->corrupt(fmut, rng);
        if (rng() % 100 < 30)
            world->age(fmut, rng);

        Job j = random_job(*world, cache, rng);
        CWalk c = run_c(j, world->mem, cache);
        RtlOut o = w.run(j, world->mem, cache, rng);
        std::string err = compare(j, c, o);
        if (!err.empty()) {
            FAIL() << "seed 0x" << std::hex << seed << std::dec << " walk " << i << ": " << err << "\n"
                   << describe(j, c, o);
            return;
        }

        if ((unsigned)j.ctx.format < PT_FORMAT_COUNT)
            counts[j.ctx.format][c.res.fault]++;
        else
            other_fmt++;
        resumed += j.from_valid && c.res.start_level == j.from.level;
        hits += c.hit_mask != 0;
        writes += o.writes != 0;
        high_pa += c.res.pa > kPaMask;
        for (size_t k = 1; k < o.mem.size(); k++)
            same_cycle += o.mem[k].issue == o.mem[k - 1].rsp;
        wide_waits += j.tm.fill >= 200;

        // the PTE cache learns what walks fill, and sometimes goes stale
        for (unsigned l = 0; l < kLevels; l++)
            if ((o.pte_mask >> l) & 1u)
                cache.fill(o.pte_pa[l], o.pte_val[l], rng);
        if (!cache.entries.empty() && rng() % 12 == 0)
            cache.entries[rng() % cache.entries.size()].second ^= 1ull << (rng() % 12);
        if (rng() % 200 == 0)
            cache.entries.clear();

        err = w.idle((unsigned)(rng() % 3));
        ASSERT_EQ(err, "") << "walk " << i;
    }

    static const char *const kFaults[] = {"none", "not-present", "perm-read", "perm-write", "perm-exec",
                                          "perm-user", "perm-super", "reserved", "misaligned",
                                          "non-canonical", "a-clear", "d-clear", "no-leaf", "bus-error"};
    printf("%-14s", "walks");
    for (unsigned f = 0; f < PT_FORMAT_COUNT; f++)
        printf(" %14s", pt_format_get((pt_format)f)->name);
    printf("\n");
    for (unsigned k = 0; k < MM_FAULT_COUNT; k++) {
        printf("%-14s", kFaults[k]);
        for (unsigned f = 0; f < PT_FORMAT_COUNT; f++)
            printf(" %14" PRIu64, counts[f][k]);
        printf("\n");
    }
    printf("resumed %" PRIu64 ", PTE-cache hits %" PRIu64 ", with writes %" PRIu64 ", pa above 2^52 %" PRIu64
           ", same-cycle reissues %" PRIu64 ", wide waits %" PRIu64 ", no format %" PRIu64 "\n",
           resumed, hits, writes, high_pa, same_cycle, wide_waits, other_fmt);

    // every fault each format can raise (x86 has no R bit, no Svade, no
    // misaligned superpage, and a level-0 entry is always a leaf)
    for (unsigned f = 0; f < PT_FORMAT_COUNT; f++) {
        bool x86 = pt_format_get((pt_format)f)->is_x86;
        for (unsigned k = 0; k < MM_FAULT_COUNT; k++) {
            bool possible = !x86 || (k != MM_FAULT_PERM_READ && k != MM_FAULT_MISALIGNED_SUPERPAGE &&
                                     k != MM_FAULT_ACCESSED_CLEAR && k != MM_FAULT_DIRTY_CLEAR &&
                                     k != MM_FAULT_NO_LEAF);
            if (possible)
                EXPECT_GT(counts[f][k], 0u) << pt_format_get((pt_format)f)->name << " " << kFaults[k];
            else
                EXPECT_EQ(counts[f][k], 0u) << pt_format_get((pt_format)f)->name << " " << kFaults[k];
        }
    }
    EXPECT_GT(resumed, 0u);
    EXPECT_GT(hits, 0u);
    EXPECT_GT(writes, 0u);
    EXPECT_GT(high_pa, 0u);
    EXPECT_GT(same_cycle, 0u);
    EXPECT_GT(wide_waits, 0u);
    EXPECT_GT(other_fmt, 0u);
}

// ------------------------------------------------------- directed cases ----

// One format's page table in a small memory, and a walker.
class RtlWalkerDirected : public ::testing::Test {
  protected:
    void SetUp() override
    {
        pmem_config cfg{};
        cfg.size_bytes = 16ull << 20;
        cfg.pa_bits = 40;
        cfg.base = 0x1000;
        mm_error err{};
        mem_ = pmem_create(&cfg, &err);
        ASSERT_NE(mem_, nullptr) << err.msg;
    }
    void TearDown() override
    {
        if (table_)
            pt_destroy(table_);
        pmem_destroy(mem_);
    }
    void use(pt_format f)
    {
        if (table_)
            pt_destroy(table_);  // its frames stay in memory, unused
        mm_error err{};
        table_ = pt_create(f, mem_, &err);
        ASSERT_NE(table_, nullptr) << err.msg;
        job_ = Job{};
        walk_ctx_init(&job_.ctx, f, pt_root(table_), 1);
        job_.ctx.pa_bits = 52;
        job_.lat.mode = Latency::kFixed;
        job_.lat.fixed = 5;
    }
    void map(uint64_t va, uint64_t pa, unsigned level, uint32_t attrs)
    {
        mm_error err{};
        ASSERT_EQ(pt_map(table_, va, pa, level, attrs, &err), MM_OK) << err.msg;
    }
    uint64_t pte_addr(uint64_t va, unsigned level)
    {
        uint64_t a = 0;
        mm_error err{};
        EXPECT_EQ(pt_pte_addr(table_, va, level, &a, &err), MM_OK) << err.msg;
        return a;
    }
    // both walkers; returns the RTL's view after checking it against C
    RtlOut check()
    {
        CWalk c = run_c(job_, mem_, cache_);
        RtlOut o = walker_.run(job_, mem_, cache_, rng_);
        std::string err = compare(job_, c, o);
        EXPECT_EQ(err, "") << describe(job_, c, o);
        last_c_ = c;
        return o;
    }

    pmem *mem_ = nullptr;
    pt *table_ = nullptr;
    Job job_;
    FakePteCache cache_;
    CWalk last_c_;
    Walker walker_;
    std::mt19937_64 rng_{7};
};

constexpr uint32_t kRWXUAD = MM_PERM_R | MM_PERM_W | MM_PERM_X | MM_PERM_U | MM_PERM_A | MM_PERM_D;

// docs/timing.md's formula by hand: 4 reads, step 1, latency 5, probe 2, fill 3
TEST_F(RtlWalkerDirected, HandTimedX86Walk)
{
    use(PT_X86_64_4LEVEL);
    map(0x12345000, 0xabcd000, 0, kRWXUAD);
    job_.va = 0x12345678;
    job_.access = MM_ACCESS_LOAD;
    job_.tm = {2, 0, 1, 3};
    RtlOut o = check();
    ASSERT_EQ(o.mem.size(), 4u);
    const uint64_t s = o.start_cycle;
    EXPECT_EQ(o.mem[0].issue - s, 3u);
    EXPECT_EQ(o.mem[1].issue - s, 9u);
    EXPECT_EQ(o.mem[2].issue - s, 15u);
    EXPECT_EQ(o.mem[3].issue - s, 21u);
    EXPECT_EQ(o.done_cycle - s, 28u);  // C = 26 + 3, done in C-1
    EXPECT_EQ(o.fault, 0u);
    EXPECT_EQ(o.pa, 0xabcd678u);
    EXPECT_EQ(o.pwc_mask, 0xeu);
}

// no waits: each read leaves in the cycle the previous answer arrives, and
// done_o comes with the last answer
TEST_F(RtlWalkerDirected, ZeroWaitsChainInOneCycle)
{
    use(PT_SV48);
    map(0x7f0000201000, 0x5000, 0, kRWXUAD);
    job_.va = 0x7f0000201008;
    job_.tm = {0, 0, 0, 1};
    job_.lat.fixed = 1;
    RtlOut o = check();
    ASSERT_EQ(o.mem.size(), 4u);
    for (unsigned k = 0; k < 4; k++)
        EXPECT_EQ(o.mem[k].issue - o.start_cycle, k);
    EXPECT_EQ(o.done_cycle, o.mem[3].rsp);
}

TEST_F(RtlWalkerDirected, NonCanonicalCompletesFromTheStartCycle)
{
    use(PT_SV39);
    job_.va = 1ull << 38;
    job_.tm = {0, 0, 0, 1};
    RtlOut o = check();
    EXPECT_EQ(o.done_cycle, o.start_cycle);
    EXPECT_EQ(o.fault, (unsigned)MM_FAULT_NON_CANONICAL);
    EXPECT_EQ(o.start_level, 2u);
    EXPECT_TRUE(o.mem.empty());
    job_.tm = {255, 255, 255, 255};  // the widest wait
    o = check();
    EXPECT_EQ(o.done_cycle - o.start_cycle, 509u);
}

// x86 sets A in every pointer it uses and A/D in the leaf, one locked write each
TEST_F(RtlWalkerDirected, X86AccessedAndDirtyAreLockedWrites)
{
    use(PT_X86_64_5LEVEL);
    const uint64_t va = 0xff12345600000ull;
    map(va, 0x40000000, 1, MM_PERM_R | MM_PERM_W | MM_PERM_U);
    for (unsigned l = 2; l < 5; l++) {
        uint64_t a = pte_addr(va, l);
        pmem_write64(mem_, a, pmem_read64(mem_, a) & ~PT_X86_A);
    }
    job_.va = va + 0x1234;
    job_.access = MM_ACCESS_STORE;
    job_.priv = MM_PRIV_USER;
    job_.tm = {1, 0, 2, 1};
    job_.lat.mode = Latency::kUniform;
    RtlOut o = check();
    ASSERT_EQ(o.mem.size(), 8u);
    const char *pattern = "RWRWRWRW";  // the last write sets A and D of the 2M leaf
    for (unsigned k = 0; k < 8; k++)
        EXPECT_EQ(o.mem[k].write, pattern[k] == 'W') << k;
    EXPECT_EQ(o.writes, 4u);
    EXPECT_EQ(o.mem[7].value & (PT_X86_A | PT_X86_D), PT_X86_A | PT_X86_D);
    EXPECT_EQ(o.fault, 0u);
    EXPECT_EQ(o.pte_mask, 0x1cu);
    o = check();  // again: every A and D is set now
    EXPECT_EQ(o.mem.size(), 4u);
    EXPECT_EQ(o.writes, 0u);
    for (unsigned l = 2; l < 5; l++)
        EXPECT_TRUE(o.pte_val[l] & PT_X86_A) << l;
}

// the PTE cache answers upper levels, even with a stale word; fills leave them out
TEST_F(RtlWalkerDirected, PteCacheHitsSupplyTheEntry)
{
    use(PT_X86_64_4LEVEL);
    const uint64_t va = 0x00007f1234567000ull;
    map(va, 0x1234000, 0, kRWXUAD);
    uint64_t l3 = pte_addr(va, 3), l2 = pte_addr(va, 2);
    cache_.fill(l3, pmem_read64(mem_, l3), rng_);
    cache_.fill(l2, pmem_read64(mem_, l2) & ~PT_X86_RW, rng_);  // stale, and write-protecting
    job_.va = va;
    job_.access = MM_ACCESS_STORE;
    job_.tm = {0, 3, 1, 2};
    RtlOut o = check();
    EXPECT_EQ(o.probes.size(), 3u);
    EXPECT_EQ(o.hit_level, 2u);
    EXPECT_EQ(o.reads, 2u);
    EXPECT_EQ(o.fault, (unsigned)MM_FAULT_PERM_WRITE);
    EXPECT_EQ(o.pte_mask, 0x2u);  // level 1 came from memory
    job_.access = MM_ACCESS_LOAD;
    o = check();
    EXPECT_EQ(o.fault, 0u);
}

// RISC-V holds 56-bit addresses: they travel whole (bits from kMemPaW up), and are never probed
TEST_F(RtlWalkerDirected, RiscvAddressesAbovePaW)
{
    use(PT_SV39);
    const uint64_t va = 0x40201000;
    map(va, 0x3000, 0, kRWXUAD);
    uint64_t l2 = pte_addr(va, 2);
    uint64_t ptr = pmem_read64(mem_, l2);
    pmem_write64(mem_, l2, ptr | (1ull << 53));  // table at pa bit 55
    uint64_t l1_truncated = ((((ptr >> 10) & ((1ull << 44) - 1)) << 12) + 8 * ((va >> 21) & 511)) & kPaMask;
    cache_.fill(l1_truncated, 0x1, rng_);  // must not answer the 56-bit address
    job_.va = va;
    job_.priv = MM_PRIV_USER;
    job_.tm = {0, 1, 0, 1};
    RtlOut o = check();
    EXPECT_EQ(o.fault, (unsigned)MM_FAULT_BUS_ERROR);
    ASSERT_EQ(o.mem.size(), 2u);
    EXPECT_EQ(o.mem[1].pa >> kMemPaW, 0x8u);
    EXPECT_EQ(o.pwc_table[2] >> kMemPaW, 0x8u);
    EXPECT_EQ(o.probes.size(), 1u);
    pmem_write64(mem_, l2, ptr);
    cache_.entries.clear();
    uint64_t l0 = pte_addr(va, 0);
    pmem_write64(mem_, l0, pmem_read64(mem_, l0) | (0xfull << 50));  // page at pa 55:52
    o = check();
    EXPECT_EQ(o.fault, 0u);
    EXPECT_EQ(o.pa >> kMemPaW, 0xfu);
}

// an x86 table that points to itself: the leaf's D write lands on the entry
// the upper levels read, and their PTE-cache fills carry it
TEST_F(RtlWalkerDirected, SelfReferencingTableFillsTheFinalWord)
{
    use(PT_X86_64_4LEVEL);
    const uint64_t base = 0x0000008000000000ull;  // PML4 index 1, the rest 0
    map(base, 0x200000, 0, kRWXUAD);
    uint64_t pdpt = pte_addr(base, 2) & ~0xfffull;
    const uint64_t j = 5;
    pmem_write64(mem_, pdpt + 8 * j, PT_X86_P | PT_X86_RW | PT_X86_A | pdpt);
    uint64_t va = base | (j << 30) | (j << 21) | (j << 12) | 0x10;
    job_.va = va;
    job_.access = MM_ACCESS_STORE;
    job_.tm = {0, 0, 0, 1};
    RtlOut o = check();
    EXPECT_EQ(o.fault, 0u);
    EXPECT_EQ(o.leaf_level, 0u);
    EXPECT_EQ(o.pte_mask, 0xeu);
    EXPECT_EQ(o.pte_val[2], PT_X86_P | PT_X86_RW | PT_X86_A | PT_X86_D | pdpt);
    EXPECT_EQ(o.pte_val[1], o.pte_val[2]);
}

// a start outside the format's levels walks from the root; a valid one resumes
// with the rights it carries
TEST_F(RtlWalkerDirected, WalkCacheStart)
{
    use(PT_X86_64_4LEVEL);
    const uint64_t va = 0x0000123456789000ull;
    map(va, 0x9000, 0, kRWXUAD);
    job_.va = va;
    job_.access = MM_ACCESS_STORE;
    job_.from_valid = true;
    job_.from.level = 6;
    job_.from.table_pa = 0x5000;
    RtlOut o = check();
    EXPECT_EQ(o.start_level, 3u);
    EXPECT_EQ(o.mem.size(), 4u);
    job_.from.level = 1;
    job_.from.table_pa = pte_addr(va, 1) & ~0xfffull;
    job_.from.perm = MM_PERM_R | MM_PERM_X | MM_PERM_U;  // no W above
    o = check();
    EXPECT_EQ(o.start_level, 1u);
    EXPECT_EQ(o.fault, (unsigned)MM_FAULT_PERM_WRITE);
    EXPECT_EQ(o.mem.size(), 2u);
}

// Every single-bit change of every entry on the path to a leaf of each size,
// under changing contexts: the decode of each PTE bit on its own, including
// the edges of the reserved-address, large-page and superpage-alignment fields.
TEST_F(RtlWalkerDirected, EveryBitOfEveryEntry)
{
    static const pt_format kFormats[] = {PT_X86_64_4LEVEL, PT_X86_64_5LEVEL, PT_SV39, PT_SV48, PT_SV57};
    static const unsigned kPaBits[] = {52, 46, 40, 36};
    unsigned walks = 0;
    for (pt_format f : kFormats) {
        use(f);
        const pt_format_info *fi = pt_format_get(f);
        unsigned max_leaf = fi->is_x86 ? 2 : fi->levels - 1;
        for (unsigned leaf = 0; leaf <= max_leaf; leaf++) {
            uint64_t va = (uint64_t)(leaf + 1) << MM_LEVEL_SHIFT(leaf);
            map(va, (uint64_t)(leaf + 1) << MM_LEVEL_SHIFT(leaf), leaf, kRWXUAD);
            for (unsigned level = leaf; level < fi->levels; level++) {
                uint64_t addr = pte_addr(va, level);
                uint64_t orig = pmem_read64(mem_, addr);
                for (unsigned b = 0; b < 64; b++) {
                    for (unsigned v = 0; v < 3; v++) {
                        pmem_write64(mem_, addr, orig ^ (1ull << b));
                        walk_ctx_init(&job_.ctx, f, pt_root(table_), 1);
                        job_.ctx.pa_bits = kPaBits[rng_() % 4];
                        job_.ctx.ad = rng_() % 2 ? WALK_AD_FAULT : WALK_AD_HARDWARE;
                        job_.ctx.nxe = rng_() % 4 != 0;
                        job_.ctx.wp = rng_() % 2;
                        job_.ctx.smep = rng_() % 2;
                        job_.ctx.smap = rng_() % 2;
                        job_.ctx.sum = rng_() % 2;
                        job_.ctx.mxr = rng_() % 2;
                        job_.ctx.svnapot = rng_() % 2;
                        job_.ctx.svpbmt = rng_() % 2;
                        job_.va = va + (rng_() & (page_bytes(leaf) - 1));
                        job_.access = (unsigned)(rng_() % 3);
                        job_.priv = (unsigned)(rng_() % 2);
                        job_.tm = {(unsigned)(rng_() % 2), rng_() % 2 ? 0u : 1u, (unsigned)(rng_() % 2), 1};
                        job_.lat.mode = Latency::kShort;
                        check();
                        walks++;
                        if (HasFailure()) {
                            ADD_FAILURE() << fi->name << " leaf " << leaf << " entry L" << level << " bit " << b;
                            return;
                        }
                    }
                }
                pmem_write64(mem_, addr, orig);
            }
        }
    }
    printf("%u walks\n", walks);
}

// every fault of RISC-V's leaf check in walk.c's order, under Svade
TEST_F(RtlWalkerDirected, RiscvLeafFaultPriority)
{
    use(PT_SV48);
    const uint64_t va = 0x200000;
    map(va, 0x400000, 1, MM_PERM_X | MM_PERM_U);  // X only, no A/D
    job_.va = va;
    job_.ctx.ad = WALK_AD_FAULT;
    job_.priv = MM_PRIV_USER;
    job_.access = MM_ACCESS_LOAD;
    EXPECT_EQ(check().fault, (unsigned)MM_FAULT_PERM_READ);
    job_.ctx.mxr = true;
    EXPECT_EQ(check().fault, (unsigned)MM_FAULT_ACCESSED_CLEAR);
    uint64_t l1 = pte_addr(va, 1);
    pmem_write64(mem_, l1, pmem_read64(mem_, l1) | (1ull << 10));  // ppn[0]: misaligned
    EXPECT_EQ(check().fault, (unsigned)MM_FAULT_MISALIGNED_SUPERPAGE);
    job_.priv = MM_PRIV_SUPERVISOR;
    EXPECT_EQ(check().fault, (unsigned)MM_FAULT_PERM_SUPERVISOR);  // before misalignment
    job_.ctx.sum = true;
    EXPECT_EQ(check().fault, (unsigned)MM_FAULT_MISALIGNED_SUPERPAGE);
    pmem_write64(mem_, l1, pmem_read64(mem_, l1) | PT_RV_W);  // W with R=0: reserved first
    EXPECT_EQ(check().fault, (unsigned)MM_FAULT_RESERVED);
}

} // namespace
