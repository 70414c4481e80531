// pt_test_util.h — shared scaffolding for the pt tests: a simulated memory
// with one address space on it, and small helpers to read, corrupt and walk it.
#ifndef MMULAB_TESTS_PT_TEST_UTIL_H
#define MMULAB_TESTS_PT_TEST_UTIL_H

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "mmulab/pmem.h"
#include "mmulab/pt.h"
#include "mmulab/walk.h"

namespace pt_test {

inline constexpr uint32_t kRWXUAD = MM_PERM_R | MM_PERM_W | MM_PERM_X | MM_PERM_U | MM_PERM_A | MM_PERM_D;
inline constexpr uint32_t kRWXAD = MM_PERM_R | MM_PERM_W | MM_PERM_X | MM_PERM_A | MM_PERM_D;

inline uint64_t page_size(unsigned level) { return 1ull << MM_LEVEL_SHIFT(level); }

inline bool is_x86(pt_format f) { return f == PT_X86_64_4LEVEL || f == PT_X86_64_5LEVEL; }

inline const char *format_name(pt_format f) { return pt_format_get(f)->name; }

// One page table in a fresh sparse memory; the walk context starts at its root.
class Space {
  public:
    explicit Space(pt_format format, unsigned pa_bits = 46, uint64_t size = 1ull << 30,
                   pmem_alloc_policy policy = PMEM_ALLOC_SEQUENTIAL, uint64_t seed = 1)
        : format_(format)
    {
        pmem_config cfg{};
        cfg.size_bytes = size;
        cfg.pa_bits = pa_bits;
        cfg.base = 0x1000; // keep frame 0 out, so a zero PTE never points at a table
        cfg.policy = policy;
        cfg.seed = seed;
        mm_error err{};
        mem_ = pmem_create(&cfg, &err);
        EXPECT_NE(mem_, nullptr) << err.msg;
        table_ = pt_create(format, mem_, &err);
        EXPECT_NE(table_, nullptr) << err.msg;
        walk_ctx_init(&ctx, format, pt_root(table_), 7);
        walk_mem_from_pmem(&wmem, mem_);
    }
    ~Space()
    {
        pt_destroy(table_);
        pmem_destroy(mem_);
    }
    Space(const Space &) = delete;
    Space &operator=(const Space &) = delete;

    pt_format format() const { return format_; }
    pt *table() { return table_; }
    pmem *mem() { return mem_; }

    void map(uint64_t va, uint64_t pa, unsigned level, uint32_t attrs)
    {
        mm_error err{};
        ASSERT_EQ(pt_map(table_, va, pa, level, attrs, &err), MM_OK) << err.msg;
    }
    uint64_t pte_addr(uint64_t va, unsigned level)
    {
        mm_error err{};
        uint64_t pa = 0;
        EXPECT_EQ(pt_pte_addr(table_, va, level, &pa, &err), MM_OK) << err.msg;
        return pa;
    }
    uint64_t pte(uint64_t va, unsigned level) { return pmem_read64(mem_, pte_addr(va, level)); }
    void set_pte(uint64_t va, unsigned level, uint64_t value) { pmem_write64(mem_, pte_addr(va, level), value); }
    void modify(uint64_t va, unsigned level, uint64_t set, uint64_t clear)
    {
        uint64_t a = pte_addr(va, level);
        pmem_write64(mem_, a, (pmem_read64(mem_, a) | set) & ~clear);
    }

    walk_result walk(uint64_t va, mm_access access, mm_priv priv, const walk_start *start = nullptr)
    {
        walk_result r;
        walk_run(&ctx, &wmem, va, access, priv, start, &r);
        return r;
    }

    walk_ctx ctx{};
    walk_mem wmem{};

  private:
    pt_format format_;
    pmem *mem_ = nullptr;
    pt *table_ = nullptr;
};

inline int count_writes(const walk_result &r)
{
    int n = 0;
    for (unsigned i = 0; i < r.n_accesses; i++)
        n += r.accesses[i].is_write;
    return n;
}

inline std::string describe(const walk_result &r)
{
    std::string s = std::string("fault=") + mm_fault_name(r.fault) + " level=" + std::to_string(r.leaf_level) +
                    " accesses:";
    char buf[80];
    for (unsigned i = 0; i < r.n_accesses; i++) {
        snprintf(buf, sizeof buf, " [%s L%u 0x%llx=0x%llx]", r.accesses[i].is_write ? "W" : "R",
                 r.accesses[i].level, (unsigned long long)r.accesses[i].pa,
                 (unsigned long long)r.accesses[i].value);
        s += buf;
    }
    return s;
}

} // namespace pt_test

#endif
