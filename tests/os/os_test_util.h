// os_test_util.h — scaffolding for the OS-layer tests: a memory and an os
// on it, and an access path that does what the MMU will do: walk the real
// page table, hand a fault to the OS, retry.
#ifndef MMULAB_TESTS_OS_TEST_UTIL_H
#define MMULAB_TESTS_OS_TEST_UTIL_H

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "mmulab/os.h"
#include "mmulab/walk.h"

namespace os_test {

inline constexpr uint32_t kRW = MM_PERM_R | MM_PERM_W;
inline constexpr uint64_t kPage = 4096;
inline constexpr uint64_t k2M = 1ull << 21;
inline constexpr uint64_t k1G = 1ull << 30;

inline os_config small_config(uint64_t budget)
{
    os_config cfg;
    os_config_init(&cfg);
    cfg.budget_frames = budget;
    return cfg;
}

class Machine {
  public:
    explicit Machine(const os_config &cfg, pt_format format = PT_X86_64_4LEVEL,
                     uint64_t mem_bytes = 64ull << 20)
        : format_(format)
    {
        pmem_config pc{};
        pc.size_bytes = mem_bytes;
        pc.pa_bits = 40;
        pc.base = 0x100000;
        pc.policy = PMEM_ALLOC_SEQUENTIAL;
        mm_error err{};
        mem_ = pmem_create(&pc, &err);
        EXPECT_NE(mem_, nullptr) << err.msg;
        os_ = os_create(&cfg, mem_, format, &err);
        EXPECT_NE(os_, nullptr) << err.msg;
    }
    ~Machine()
    {
        os_destroy(os_);
        pmem_destroy(mem_);
    }
    Machine(const Machine &) = delete;
    Machine &operator=(const Machine &) = delete;

    os *o() { return os_; }
    pmem *mem() { return mem_; }
    pt_format format() const { return format_; }

    uint32_t process(uint32_t group = 0)
    {
        uint32_t pid = 0;
        mm_error err{};
        EXPECT_EQ(os_process_create(os_, group, &pid, &err), MM_OK) << err.msg;
        return pid;
    }

    void mmap(uint32_t pid, uint64_t va, uint64_t len, uint32_t prot = kRW, uint32_t flags = 0)
    {
        mm_error err{};
        ASSERT_EQ(os_mmap(os_, pid, va, len, prot, flags, &err), MM_OK) << err.msg;
    }

    // One walk of the real page table, without the OS. A peek leaves the
    // A/D bits as they are (the replacement tests must not touch them).
    walk_result walk(uint32_t pid, uint64_t va, mm_access access = MM_ACCESS_LOAD, bool peek = false)
    {
        walk_ctx ctx;
        walk_ctx_init(&ctx, format_, os_root(os_, pid), os_asid(os_, pid));
        ctx.ad = ad_;
        walk_mem wm;
        walk_mem_from_pmem(&wm, mem_);
        if (peek)
            wm.write_pte = [](void *, uint64_t, unsigned, uint64_t) {};
        walk_result r;
        walk_run(&ctx, &wm, va, access, MM_PRIV_USER, nullptr, &r);
        return r;
    }

    // The MMU's path: walk, fault to the OS, retry. Returns the fault
    // results in order (empty when the first walk hit).
    std::vector<os_fault_result> touch(uint32_t pid, uint64_t va, mm_access access = MM_ACCESS_LOAD)
    {
        std::vector<os_fault_result> faults;
        for (int i = 0; i < 4; i++) {
            walk_result r = walk(pid, va, access);
            if (r.fault == MM_FAULT_NONE)
                return faults;
            os_fault_result res;
            mm_error err{};
            EXPECT_EQ(os_handle_fault(os_, pid, va, access, r.fault, &res, &err), MM_OK) << err.msg;
            faults.push_back(res);
            if (!res.resolved)
                return faults;
        }
        ADD_FAILURE() << "va 0x" << std::hex << va << " still faults";
        return faults;
    }

    void store(uint32_t pid, uint64_t va, uint64_t value)
    {
        mm_error err{};
        ASSERT_EQ(os_store(os_, pid, va, value, &err), MM_OK) << err.msg;
    }

    uint64_t load(uint32_t pid, uint64_t va)
    {
        uint64_t v = ~0ull;
        mm_error err{};
        EXPECT_EQ(os_load(os_, pid, va, &v, &err), MM_OK) << err.msg;
        return v;
    }

    bool present(uint32_t pid, uint64_t va) { return walk(pid, va, MM_ACCESS_LOAD, true).fault == MM_FAULT_NONE; }

    const os_stats &stats() const { return *os_get_stats(os_); }

    walk_ad_mode ad_ = WALK_AD_HARDWARE;

  private:
    pt_format format_;
    pmem *mem_ = nullptr;
    os *os_ = nullptr;
};

// A value no other (pid, page, word) writes.
inline uint64_t pattern(uint32_t pid, uint64_t va) { return (uint64_t)pid << 56 ^ va * 0x9e3779b97f4a7c15ull; }

} // namespace os_test
#endif
