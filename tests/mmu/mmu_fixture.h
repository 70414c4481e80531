// mmu_fixture.h — a small, hand-built MMU configuration and helpers for the
// engine tests, so every expected cycle in them can be worked out by hand.
#ifndef MMULAB_TESTS_MMU_FIXTURE_H
#define MMULAB_TESTS_MMU_FIXTURE_H

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "mmulab/mmu.h"
#include "mmulab/pt.h"

namespace mmutest {

// x86-64 4-level; l1i (ifetch) and l1d (load/store): 4K 16x4, latency 1;
// l1d also 2M 4 FA; l2 (all): 4K+2M 64x4, latency 5; split walk cache
// levels 1/2/3 = 4/2/2 entries FA, latency 1; one walker, queue 4; fixed
// PTE latency 10; fill 1 cycle; step 0.
inline mmu_config small_config()
{
    mmu_config c;
    std::memset(&c, 0, sizeof c);
    std::strcpy(c.name, "test");
    c.format = PT_X86_64_4LEVEL;
    c.ad = WALK_AD_HARDWARE;
    c.pa_bits = 46;
    c.nxe = c.wp = true;
    c.mem.size_bytes = 1ull << 30;
    c.mem.pa_bits = 46;
    c.mem.policy = PMEM_ALLOC_SEQUENTIAL;
    c.n_tlbs = 3;
    auto set_tlb = [](cfg_tlb &t, const char *name, unsigned level, uint32_t serves,
                      uint32_t latency) {
        std::strcpy(t.name, name);
        t.level = level;
        t.serves = serves;
        t.latency = latency;
        t.inclusion = CFG_NON_INCLUSIVE;
        t.tlb.replacement = REPL_LRU;
        t.tlb.lfsr_seed = REPL_LFSR_DEFAULT_SEED;
    };
    set_tlb(c.tlbs[0], "l1itlb", 1, 1u << MM_ACCESS_IFETCH, 1);
    c.tlbs[0].tlb.n_arrays = 1;
    c.tlbs[0].tlb.arrays[0] = {16, 4, 1u};
    set_tlb(c.tlbs[1], "l1dtlb", 1, (1u << MM_ACCESS_LOAD) | (1u << MM_ACCESS_STORE), 1);
    c.tlbs[1].tlb.n_arrays = 2;
    c.tlbs[1].tlb.arrays[0] = {16, 4, 1u};
    c.tlbs[1].tlb.arrays[1] = {4, 4, 2u};
    set_tlb(c.tlbs[2], "l2tlb", 2, 7u, 5);
    c.tlbs[2].tlb.n_arrays = 1;
    c.tlbs[2].tlb.arrays[0] = {64, 4, 3u};
    c.pwc.geom.design = PWC_SPLIT;
    c.pwc.geom.levels = 4;
    c.pwc.geom.level[1] = {4, 4};
    c.pwc.geom.level[2] = {2, 2};
    c.pwc.geom.level[3] = {2, 2};
    c.pwc.geom.replacement = REPL_LRU;
    c.pwc.geom.lfsr_seed = REPL_LFSR_DEFAULT_SEED;
    c.pwc.latency[1] = c.pwc.latency[2] = c.pwc.latency[3] = 1;
    c.pwc.latency[0] = 1;
    c.walker.count = 1;
    c.walker.queue = 4;
    c.walker.step_cycles = 0;
    c.walker.fill_cycles = 1;
    c.walker.merge = true;
    c.memlat.kind = MEMLAT_FIXED;
    c.memlat.fixed_cycles = 10;
    c.memlat.line_bytes = 64;
    c.seed = 1;
    return c;
}

inline uint32_t rw_attrs()
{
    return MM_PERM_R | MM_PERM_W | MM_PERM_U | MM_PERM_A | MM_PERM_D;
}

// Owns pmem + mmu + one page table per ASID; records every response.
class Rig {
  public:
    explicit Rig(const mmu_config &cfg) : cfg_(cfg)
    {
        mm_error err{};
        mem_ = pmem_create(&cfg_.mem, &err);
        EXPECT_NE(mem_, nullptr) << err.msg;
        m_ = mmu_create(&cfg_, mem_, &err);
        EXPECT_NE(m_, nullptr) << err.msg;
        mmu_set_response_fn(m_, &Rig::on_response, this);
    }
    ~Rig()
    {
        for (pt *t : tables_)
            pt_destroy(t);
        mmu_destroy(m_);
        pmem_destroy(mem_);
    }
    Rig(const Rig &) = delete;
    Rig &operator=(const Rig &) = delete;

    // Creates the address space of asid (once) and returns its table.
    pt *space(uint16_t asid)
    {
        if (asid < by_asid_.size() && by_asid_[asid])
            return by_asid_[asid];
        mm_error err{};
        pt *t = pt_create(cfg_.format, mem_, &err);
        EXPECT_NE(t, nullptr) << err.msg;
        tables_.push_back(t);
        if (by_asid_.size() <= asid)
            by_asid_.resize(asid + 1u, nullptr);
        by_asid_[asid] = t;
        walk_ctx ctx;
        mmu_context_defaults(m_, &ctx, pt_root(t), asid);
        EXPECT_EQ(mmu_set_context(m_, &ctx, &err), MM_OK) << err.msg;
        return t;
    }

    // Maps va (page of `level`) in asid to a fresh frame run; returns the PA.
    uint64_t map(uint16_t asid, uint64_t va, unsigned level = 0, uint32_t attrs = rw_attrs())
    {
        mm_error err{};
        uint64_t pa = 0;
        EXPECT_EQ(pmem_alloc_frames(mem_, 9 * level, &pa, &err), MM_OK) << err.msg;
        EXPECT_EQ(pt_map(space(asid), va, pa, level, attrs, &err), MM_OK) << err.msg;
        return pa;
    }

    void map_to(uint16_t asid, uint64_t va, uint64_t pa, unsigned level, uint32_t attrs)
    {
        mm_error err{};
        EXPECT_EQ(pt_map(space(asid), va, pa, level, attrs, &err), MM_OK) << err.msg;
    }

    void issue(uint64_t cycle, uint64_t va, uint16_t asid = 1, mm_access access = MM_ACCESS_LOAD,
               mm_priv priv = MM_PRIV_USER)
    {
        mmu_request r{};
        r.id = next_id_++;
        r.cycle = cycle;
        r.va = va;
        r.asid = asid;
        r.access = (uint8_t)access;
        r.priv = (uint8_t)priv;
        mm_error err{};
        ASSERT_EQ(mmu_issue(m_, &r, &err), MM_OK) << err.msg;
    }

    void flush(const mmu_flush &f)
    {
        mm_error err{};
        ASSERT_EQ(mmu_flush_issue(m_, &f, &err), MM_OK) << err.msg;
    }

    // The response to the request with this id (drains first).
    mmu_response response(uint64_t id)
    {
        mmu_drain(m_);
        for (const mmu_response &r : responses_)
            if (r.id == id)
                return r;
        ADD_FAILURE() << "no response for request " << id;
        return mmu_response{};
    }

    const mmu_stats &stats() { return *mmu_get_stats(m_); }
    mmu *m() { return m_; }
    pmem *mem() { return mem_; }
    std::vector<mmu_response> responses_;

  private:
    static void on_response(void *opaque, const mmu_response *r)
    {
        static_cast<Rig *>(opaque)->responses_.push_back(*r);
    }
    mmu_config cfg_;
    pmem *mem_ = nullptr;
    mmu *m_ = nullptr;
    std::vector<pt *> tables_;
    std::vector<pt *> by_asid_;
    uint64_t next_id_ = 0;
};

}  // namespace mmutest

#endif
