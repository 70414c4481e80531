// tlb_test_util.h — small builders shared by the TLB test files.
#ifndef MMULAB_TESTS_TLB_UTIL_H
#define MMULAB_TESTS_TLB_UTIL_H

#include <gtest/gtest.h>

#include <initializer_list>

#include "mmulab/tlb.h"

namespace tlbtest {

constexpr uint32_t K4 = 1u << 0;
constexpr uint32_t M2 = 1u << 1;
constexpr uint32_t G1 = 1u << 2;

inline tlb_config make_config(const char *name, std::initializer_list<tlb_array_config> arrays,
                              repl_policy policy = REPL_LRU, uint16_t seed = 0xACE1)
{
    tlb_config c{};
    c.name = name;
    for (const tlb_array_config &a : arrays)
        c.arrays[c.n_arrays++] = a;
    c.replacement = policy;
    c.lfsr_seed = seed;
    return c;
}

// An entry mapping the page of va at `level` to the page of pa.
inline tlb_entry page(uint64_t va, uint64_t pa, unsigned level, uint16_t asid, uint8_t perm = MM_PERM_R)
{
    tlb_entry e{};
    e.vpn = va >> MM_LEVEL_SHIFT(level);
    e.ppn = pa >> MM_LEVEL_SHIFT(level);
    e.asid = asid;
    e.level = (uint8_t)level;
    e.perm = perm;
    return e;
}

// Owns a TLB for one test.
struct Tlb {
    tlb *t = nullptr;
    explicit Tlb(const tlb_config &c)
    {
        mm_error err{};
        t = tlb_create(&c, &err);
        EXPECT_NE(t, nullptr) << err.msg;
    }
    ~Tlb() { tlb_destroy(t); }
    Tlb(const Tlb &) = delete;
    Tlb &operator=(const Tlb &) = delete;

    bool insert(const tlb_entry &e, tlb_entry *victim = nullptr) { return tlb_insert(t, &e, victim); }
    bool hits(uint64_t va, uint16_t asid) { return tlb_probe(t, va, asid, nullptr, nullptr); }
    // The PPN a lookup returns, or ~0 on a miss.
    uint64_t ppn(uint64_t va, uint16_t asid)
    {
        tlb_entry out{};
        return tlb_probe(t, va, asid, &out, nullptr) ? out.ppn : ~0ull;
    }
};

} // namespace tlbtest

#endif
