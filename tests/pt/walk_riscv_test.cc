// walk_riscv_test.cc — the RISC-V walker (Sv39/48/57), table-driven over every
// fault cause at every leaf level, plus Svnapot, Svpbmt, Svade/Svadu A/D
// sequences, global pointers and resumed walks.
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "pt/pt_test_util.h"

namespace {

using namespace pt_test;

constexpr int kNone = -100;
constexpr int kLeaf = 0;

struct RvCase {
    const char *name;
    uint32_t attrs;
    int mod_level; // relative to the leaf; kNone: no change
    uint64_t set, clear;
    std::function<void(walk_ctx &)> ctx_mod;
    mm_access access;
    mm_priv priv;
    mm_fault expect_4k;    // leaf at level 0
    mm_fault expect_super; // leaf at level >= 1
    uint8_t perm_set = 0;
    uint8_t perm_clear = 0;
};

constexpr uint32_t kAll = MM_PERM_R | MM_PERM_W | MM_PERM_X | MM_PERM_U | MM_PERM_A | MM_PERM_D;
constexpr uint64_t kPbmtNc = 1ull << 61, kPbmtIo = 2ull << 61, kPbmt3 = 3ull << 61;
const auto no_ctx = [](walk_ctx &) {};
const auto sum = [](walk_ctx &c) { c.sum = true; };
const auto mxr = [](walk_ctx &c) { c.mxr = true; };
const auto svade = [](walk_ctx &c) { c.ad = WALK_AD_FAULT; };
const auto svnapot = [](walk_ctx &c) { c.svnapot = true; };
const auto svpbmt = [](walk_ctx &c) { c.svpbmt = true; };

#define BOTH(f) f, f

const std::vector<RvCase> &rv_cases()
{
    static const std::vector<RvCase> cases = {
        {"user_load_ok", kAll, kNone, 0, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER, BOTH(MM_FAULT_NONE),
         MM_PERM_R | MM_PERM_W | MM_PERM_X | MM_PERM_U | MM_PERM_A | MM_PERM_D, MM_PERM_G},
        {"leaf_invalid", kAll, kLeaf, 0, PT_RV_V, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER, BOTH(MM_FAULT_NOT_PRESENT)},
        {"pointer_invalid", kAll, 1, 0, PT_RV_V, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER, BOTH(MM_FAULT_NOT_PRESENT)},
        {"invalid_ignores_everything_else", kAll, 1, PT_RV_W | (1ull << 60), PT_RV_V, no_ctx, MM_ACCESS_LOAD,
         MM_PRIV_USER, BOTH(MM_FAULT_NOT_PRESENT)},
        {"leaf_write_without_read", kAll, kLeaf, 0, PT_RV_R, no_ctx, MM_ACCESS_IFETCH, MM_PRIV_USER,
         BOTH(MM_FAULT_RESERVED)},
        {"pointer_write_only", kAll, 1, PT_RV_W, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER, BOTH(MM_FAULT_RESERVED)},
        {"leaf_reserved_bit54", kAll, kLeaf, 1ull << 54, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER,
         BOTH(MM_FAULT_RESERVED)},
        {"pointer_reserved_bit60", kAll, 1, 1ull << 60, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER,
         BOTH(MM_FAULT_RESERVED)},
        {"leaf_rsw_ignored", kAll, kLeaf, 3ull << 8, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER, BOTH(MM_FAULT_NONE)},
        {"pointer_rsw_ignored", kAll, 1, 3ull << 8, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER, BOTH(MM_FAULT_NONE)},
        {"leaf_n_without_svnapot", kAll, kLeaf, PT_RV_N, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER,
         BOTH(MM_FAULT_RESERVED)},
        {"pointer_n_with_svnapot", kAll, 1, PT_RV_N, 0, svnapot, MM_ACCESS_LOAD, MM_PRIV_USER,
         BOTH(MM_FAULT_RESERVED)},
        {"napot_size_bits_wrong", kAll, kLeaf, PT_RV_N, 0, svnapot, MM_ACCESS_LOAD, MM_PRIV_USER,
         BOTH(MM_FAULT_RESERVED)},
        {"misaligned_checked_before_napot", kAll, kLeaf, PT_RV_N | (1ull << 10), 0, svnapot, MM_ACCESS_LOAD,
         MM_PRIV_USER, MM_FAULT_RESERVED, MM_FAULT_MISALIGNED_SUPERPAGE},
        {"leaf_pbmt_without_svpbmt", kAll, kLeaf, kPbmtNc, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER,
         BOTH(MM_FAULT_RESERVED)},
        {"leaf_pbmt_nc", kAll, kLeaf, kPbmtNc, 0, svpbmt, MM_ACCESS_STORE, MM_PRIV_USER, BOTH(MM_FAULT_NONE)},
        {"leaf_pbmt_io", kAll, kLeaf, kPbmtIo, 0, svpbmt, MM_ACCESS_IFETCH, MM_PRIV_USER, BOTH(MM_FAULT_NONE)},
        {"leaf_pbmt_3_reserved", kAll, kLeaf, kPbmt3, 0, svpbmt, MM_ACCESS_LOAD, MM_PRIV_USER,
         BOTH(MM_FAULT_RESERVED)},
        {"pointer_pbmt_with_svpbmt", kAll, 1, kPbmtIo, 0, svpbmt, MM_ACCESS_LOAD, MM_PRIV_USER,
         BOTH(MM_FAULT_RESERVED)},
        {"pointer_dirty", kAll, 1, PT_RV_D, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER, BOTH(MM_FAULT_RESERVED)},
        {"pointer_accessed", kAll, 1, PT_RV_A, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER, BOTH(MM_FAULT_RESERVED)},
        {"pointer_user", kAll, 1, PT_RV_U, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER, BOTH(MM_FAULT_RESERVED)},
        {"pointer_global", kAll, 1, PT_RV_G, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER, BOTH(MM_FAULT_NONE),
         MM_PERM_G},
        {"user_to_supervisor_page", kAll & ~MM_PERM_U, kNone, 0, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER,
         BOTH(MM_FAULT_PERM_USER)},
        {"supervisor_ifetch_user_page", kAll, kNone, 0, 0, no_ctx, MM_ACCESS_IFETCH, MM_PRIV_SUPERVISOR,
         BOTH(MM_FAULT_PERM_SUPERVISOR)},
        {"supervisor_ifetch_user_page_sum", kAll, kNone, 0, 0, sum, MM_ACCESS_IFETCH, MM_PRIV_SUPERVISOR,
         BOTH(MM_FAULT_PERM_SUPERVISOR)},
        {"supervisor_load_user_page", kAll, kNone, 0, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR,
         BOTH(MM_FAULT_PERM_SUPERVISOR)},
        {"supervisor_store_user_page", kAll, kNone, 0, 0, no_ctx, MM_ACCESS_STORE, MM_PRIV_SUPERVISOR,
         BOTH(MM_FAULT_PERM_SUPERVISOR)},
        {"supervisor_load_user_page_sum", kAll, kNone, 0, 0, sum, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR,
         BOTH(MM_FAULT_NONE), MM_PERM_U},
        {"supervisor_store_user_page_sum", kAll, kNone, 0, 0, sum, MM_ACCESS_STORE, MM_PRIV_SUPERVISOR,
         BOTH(MM_FAULT_NONE)},
        {"supervisor_ifetch_supervisor_page", kAll & ~MM_PERM_U, kNone, 0, 0, no_ctx, MM_ACCESS_IFETCH,
         MM_PRIV_SUPERVISOR, BOTH(MM_FAULT_NONE), 0, MM_PERM_U},
        {"ifetch_without_x", kAll & ~MM_PERM_X, kNone, 0, 0, no_ctx, MM_ACCESS_IFETCH, MM_PRIV_USER,
         BOTH(MM_FAULT_PERM_EXEC)},
        {"load_execute_only", MM_PERM_X | MM_PERM_U | MM_PERM_A, kNone, 0, 0, no_ctx, MM_ACCESS_LOAD,
         MM_PRIV_USER, BOTH(MM_FAULT_PERM_READ)},
        {"load_execute_only_mxr", MM_PERM_X | MM_PERM_U | MM_PERM_A, kNone, 0, 0, mxr, MM_ACCESS_LOAD,
         MM_PRIV_USER, BOTH(MM_FAULT_NONE), MM_PERM_X, MM_PERM_R},
        {"store_execute_only_mxr", MM_PERM_X | MM_PERM_U | MM_PERM_A | MM_PERM_D, kNone, 0, 0, mxr,
         MM_ACCESS_STORE, MM_PRIV_USER, BOTH(MM_FAULT_PERM_WRITE)},
        {"store_read_only", MM_PERM_R | MM_PERM_X | MM_PERM_U | MM_PERM_A | MM_PERM_D, kNone, 0, 0, no_ctx,
         MM_ACCESS_STORE, MM_PRIV_USER, BOTH(MM_FAULT_PERM_WRITE)},
        {"order_user_before_read", MM_PERM_X, kNone, 0, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER,
         BOTH(MM_FAULT_PERM_USER)},
        {"order_supervisor_before_exec", MM_PERM_R | MM_PERM_U, kNone, 0, 0, no_ctx, MM_ACCESS_IFETCH,
         MM_PRIV_SUPERVISOR, BOTH(MM_FAULT_PERM_SUPERVISOR)},
        {"order_exec_before_misaligned", kAll & ~MM_PERM_X, kLeaf, 1ull << 10, 0, no_ctx, MM_ACCESS_IFETCH,
         MM_PRIV_USER, BOTH(MM_FAULT_PERM_EXEC)},
        {"misaligned_ppn_bit0", kAll, kLeaf, 1ull << 10, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER, MM_FAULT_NONE,
         MM_FAULT_MISALIGNED_SUPERPAGE},
        {"misaligned_ppn_bit8", kAll, kLeaf, 1ull << 18, 0, no_ctx, MM_ACCESS_STORE, MM_PRIV_USER, MM_FAULT_NONE,
         MM_FAULT_MISALIGNED_SUPERPAGE},
        {"svade_accessed_clear_load", kAll & ~(MM_PERM_A | MM_PERM_D), kNone, 0, 0, svade, MM_ACCESS_LOAD,
         MM_PRIV_USER, BOTH(MM_FAULT_ACCESSED_CLEAR)},
        {"svade_accessed_checked_before_dirty", kAll & ~(MM_PERM_A | MM_PERM_D), kNone, 0, 0, svade,
         MM_ACCESS_STORE, MM_PRIV_USER, BOTH(MM_FAULT_ACCESSED_CLEAR)},
        {"svade_dirty_clear_store", kAll & ~MM_PERM_D, kNone, 0, 0, svade, MM_ACCESS_STORE, MM_PRIV_USER,
         BOTH(MM_FAULT_DIRTY_CLEAR)},
        {"svade_dirty_clear_load_ok", kAll & ~MM_PERM_D, kNone, 0, 0, svade, MM_ACCESS_LOAD, MM_PRIV_USER,
         BOTH(MM_FAULT_NONE), MM_PERM_A, MM_PERM_D},
        {"svade_misaligned_before_accessed", kAll & ~MM_PERM_A, kLeaf, 1ull << 10, 0, svade, MM_ACCESS_LOAD,
         MM_PRIV_USER, MM_FAULT_ACCESSED_CLEAR, MM_FAULT_MISALIGNED_SUPERPAGE},
        {"svade_permission_before_accessed", MM_PERM_R | MM_PERM_X, kNone, 0, 0, svade, MM_ACCESS_LOAD,
         MM_PRIV_USER, BOTH(MM_FAULT_PERM_USER)},
        {"svadu_sets_both", kAll & ~(MM_PERM_A | MM_PERM_D), kNone, 0, 0, no_ctx, MM_ACCESS_STORE,
         MM_PRIV_USER, BOTH(MM_FAULT_NONE), MM_PERM_A | MM_PERM_D},
        {"svadu_load_sets_accessed_only", kAll & ~(MM_PERM_A | MM_PERM_D), kNone, 0, 0, no_ctx, MM_ACCESS_LOAD,
         MM_PRIV_USER, BOTH(MM_FAULT_NONE), MM_PERM_A, MM_PERM_D},
    };
    return cases;
}

void run_case(pt_format fmt, unsigned leaf, const RvCase &c)
{
    const unsigned levels = pt_format_get(fmt)->levels;
    int mod = c.mod_level == kNone ? kNone : (int)leaf + c.mod_level;
    if (mod != kNone && mod >= (int)levels)
        return;
    SCOPED_TRACE(std::string(format_name(fmt)) + " leaf level " + std::to_string(leaf) + " case " + c.name);
    Space s(fmt);
    const unsigned va_bits = pt_format_get(fmt)->va_bits;
    const uint64_t va = 0x2a5a5a5a5a5a5000ull & ((1ull << (va_bits - 1)) - 1) & ~(page_size(leaf) - 1);
    const uint64_t pa = 3ull << 48;
    s.map(va, pa, leaf, c.attrs);
    const uint64_t leaf_addr = s.pte_addr(va, leaf); // before a pointer above may be broken
    if (mod != kNone)
        s.modify(va, (unsigned)mod, c.set, c.clear);
    c.ctx_mod(s.ctx);
    const uint64_t leaf_before = pmem_read64(s.mem(), leaf_addr);
    const uint64_t offset = (page_size(leaf) / 3) & ~7ull;

    walk_result r = s.walk(va + offset, c.access, c.priv);
    mm_fault expect = leaf == 0 ? c.expect_4k : c.expect_super;
    ASSERT_EQ(r.fault, expect) << describe(r);
    EXPECT_EQ(r.start_level, levels - 1);
    EXPECT_EQ(r.accesses[0].pa, s.pte_addr(va, levels - 1));
    if (expect == MM_FAULT_NONE) {
        EXPECT_EQ(r.leaf_level, leaf);
        uint64_t ppn_base = ((leaf_before & PT_RV_PPN_MASK) >> 10 << 12);
        EXPECT_EQ(r.pa, ppn_base + offset);
        if (mod != (int)leaf || (c.set & PT_RV_PPN_MASK) == 0) {
            EXPECT_EQ(r.pa, pa + offset);
        }
        EXPECT_EQ(r.perm & c.perm_set, c.perm_set);
        EXPECT_EQ(r.perm & c.perm_clear, 0);
        EXPECT_EQ(r.leaf_pte, s.pte(va, leaf));
        bool store = c.access == MM_ACCESS_STORE;
        uint64_t want = leaf_before | PT_RV_A | (store ? PT_RV_D : 0);
        EXPECT_EQ(s.pte(va, leaf), want);
        EXPECT_EQ(count_writes(r), want != leaf_before ? 1 : 0);
        for (unsigned l = leaf + 1; l < levels; l++) {
            EXPECT_TRUE(r.fillable[l]) << l;
            EXPECT_EQ(r.next_table[l], s.pte_addr(va, l - 1) & ~0xfffull) << l;
        }
        EXPECT_FALSE(r.fillable[leaf]);
    } else {
        bool entry_fault = (expect == MM_FAULT_NOT_PRESENT || expect == MM_FAULT_RESERVED) && mod != kNone;
        unsigned at = entry_fault ? (unsigned)mod : leaf;
        EXPECT_EQ(r.leaf_level, at);
        EXPECT_EQ(r.pa, 0u);
        EXPECT_EQ(r.perm, 0u);
        EXPECT_FALSE(r.fillable[at]);
        EXPECT_EQ(r.n_accesses, levels - at);
        EXPECT_EQ(count_writes(r), 0);
        EXPECT_EQ(r.leaf_pte, s.pte(va, at));
        EXPECT_EQ(pmem_read64(s.mem(), leaf_addr), leaf_before);
    }
}

TEST(WalkRiscv, FaultTable)
{
    for (pt_format fmt : {PT_SV39, PT_SV48, PT_SV57})
        for (unsigned leaf = 0; leaf < pt_format_get(fmt)->levels; leaf++)
            for (const RvCase &c : rv_cases())
                run_case(fmt, leaf, c);
}

TEST(WalkRiscv, NapotTranslatesEveryPageOfTheRange)
{
    Space s(PT_SV48);
    s.ctx.svnapot = true;
    const uint64_t va = 0x7654320000ull, pa = 0xfed00000ull;
    s.map(va, pa, 0, kAll | PT_ATTR_NAPOT);
    for (uint64_t off = 0x8; off < 0x10000; off += 0x1000 + 0x10) {
        walk_result r = s.walk(va + off, MM_ACCESS_LOAD, MM_PRIV_USER);
        ASSERT_EQ(r.fault, MM_FAULT_NONE) << describe(r);
        EXPECT_EQ(r.pa, pa + off);
        EXPECT_EQ(r.leaf_level, 0u); // cached as a 4K page
        EXPECT_EQ(r.accesses[3].pa, s.pte_addr(va + off, 0));
    }
    s.ctx.svnapot = false;
    EXPECT_EQ(s.walk(va, MM_ACCESS_LOAD, MM_PRIV_USER).fault, MM_FAULT_RESERVED);
    // A NAPOT-encoded entry written by hand at level 1 is reserved (only 64 KiB is defined).
    s.ctx.svnapot = true;
    s.map(0x40000000, 0x40000000, 1, kAll);
    s.modify(0x40000000, 1, PT_RV_N | (8ull << 10), 0);
    EXPECT_EQ(s.walk(0x40000000, MM_ACCESS_LOAD, MM_PRIV_USER).fault, MM_FAULT_MISALIGNED_SUPERPAGE);
    s.modify(0x40000000, 1, 0, 8ull << 10);
    EXPECT_EQ(s.walk(0x40000000, MM_ACCESS_LOAD, MM_PRIV_USER).fault, MM_FAULT_RESERVED);
}

TEST(WalkRiscv, PointerAtLevelZeroIsNoLeaf)
{
    Space s(PT_SV39);
    const uint64_t va = 0x12345000;
    s.map(va, 0x1000, 0, kAll);
    s.set_pte(va, 0, pt_encode_table(PT_SV39, pt_root(s.table())));
    walk_result r = s.walk(va, MM_ACCESS_LOAD, MM_PRIV_USER);
    EXPECT_EQ(r.fault, MM_FAULT_NO_LEAF);
    EXPECT_EQ(r.leaf_level, 0u);
    EXPECT_EQ(r.n_accesses, 3u);
    EXPECT_TRUE(r.fillable[2]);
    EXPECT_TRUE(r.fillable[1]);
    EXPECT_FALSE(r.fillable[0]);
    // Reserved bits in that pointer are reported before the missing leaf.
    s.modify(va, 0, PT_RV_A, 0);
    EXPECT_EQ(s.walk(va, MM_ACCESS_LOAD, MM_PRIV_USER).fault, MM_FAULT_RESERVED);
}

TEST(WalkRiscv, HardwareAccessedDirtySequence)
{
    Space s(PT_SV48);
    const uint64_t va = 0x0000456789abc000ull;
    s.map(va, 0x80001000, 0, MM_PERM_R | MM_PERM_W | MM_PERM_U);
    uint64_t addr[4], val[4];
    for (unsigned l = 0; l < 4; l++) {
        addr[l] = s.pte_addr(va, l);
        val[l] = s.pte(va, l);
    }
    walk_result r = s.walk(va + 0xff8, MM_ACCESS_STORE, MM_PRIV_USER);
    ASSERT_EQ(r.fault, MM_FAULT_NONE) << describe(r);
    EXPECT_EQ(r.pa, 0x80001ff8u);
    ASSERT_EQ(r.n_accesses, 5u);
    for (unsigned i = 0; i < 4; i++) {
        EXPECT_EQ(r.accesses[i].pa, addr[3 - i]);
        EXPECT_EQ(r.accesses[i].value, val[3 - i]);
        EXPECT_EQ(r.accesses[i].level, 3 - i);
        EXPECT_EQ(r.accesses[i].is_write, 0);
    }
    EXPECT_EQ(r.accesses[4].pa, addr[0]);
    EXPECT_EQ(r.accesses[4].value, val[0] | PT_RV_A | PT_RV_D);
    EXPECT_EQ(r.accesses[4].is_write, 1);
    EXPECT_EQ(s.pte(va, 0), val[0] | PT_RV_A | PT_RV_D);
    EXPECT_EQ(r.perm, MM_PERM_R | MM_PERM_W | MM_PERM_U | MM_PERM_A | MM_PERM_D);
    for (unsigned l = 1; l < 4; l++)
        EXPECT_EQ(s.pte(va, l), val[l]); // RISC-V pointers have no A bit to set

    r = s.walk(va, MM_ACCESS_STORE, MM_PRIV_USER);
    EXPECT_EQ(r.n_accesses, 4u);
    EXPECT_EQ(count_writes(r), 0);
}

TEST(WalkRiscv, SvadeFaultsLeaveMemoryUntouched)
{
    Space s(PT_SV57);
    s.ctx.ad = WALK_AD_FAULT;
    const uint64_t va = 0xff00000000001000ull;
    s.map(va, 0x2000, 0, MM_PERM_R | MM_PERM_W);
    uint64_t before = s.pte(va, 0);
    walk_result r = s.walk(va, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR);
    EXPECT_EQ(r.fault, MM_FAULT_ACCESSED_CLEAR);
    EXPECT_EQ(r.n_accesses, 5u);
    EXPECT_EQ(count_writes(r), 0);
    EXPECT_EQ(s.pte(va, 0), before);
    s.modify(va, 0, PT_RV_A, 0);
    EXPECT_EQ(s.walk(va, MM_ACCESS_STORE, MM_PRIV_SUPERVISOR).fault, MM_FAULT_DIRTY_CLEAR);
    EXPECT_EQ(s.pte(va, 0), before | PT_RV_A);
    r = s.walk(va, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR);
    EXPECT_EQ(r.fault, MM_FAULT_NONE);
    EXPECT_EQ(r.perm & (MM_PERM_A | MM_PERM_D), MM_PERM_A);
}

TEST(WalkRiscv, GlobalPointerMakesEverythingBelowGlobal)
{
    Space s(PT_SV39);
    const uint64_t va = 0x40201000;
    s.map(va, 0x3000, 0, kAll);
    walk_result r = s.walk(va, MM_ACCESS_LOAD, MM_PRIV_USER);
    EXPECT_FALSE(r.perm & MM_PERM_G);
    EXPECT_FALSE(r.global_after[2]);
    s.modify(va, 2, PT_RV_G, 0);
    r = s.walk(va, MM_ACCESS_LOAD, MM_PRIV_USER);
    ASSERT_EQ(r.fault, MM_FAULT_NONE);
    EXPECT_TRUE(r.perm & MM_PERM_G);
    EXPECT_TRUE(r.global_after[2]);
    EXPECT_TRUE(r.global_after[1]);
    s.modify(va, 2, 0, PT_RV_G);
    s.modify(va, 1, PT_RV_G, 0);
    r = s.walk(va, MM_ACCESS_LOAD, MM_PRIV_USER);
    EXPECT_FALSE(r.global_after[2]);
    EXPECT_TRUE(r.global_after[1]);
    EXPECT_TRUE(r.perm & MM_PERM_G);
}

TEST(WalkRiscv, ResumeFromAWalkCacheEntry)
{
    for (pt_format fmt : {PT_SV39, PT_SV48, PT_SV57}) {
        SCOPED_TRACE(format_name(fmt));
        Space s(fmt);
        const unsigned levels = pt_format_get(fmt)->levels;
        const uint64_t va = 0x0000000040a05000ull;
        s.map(va, 0x5000, 0, kAll);
        s.modify(va, 1, PT_RV_G, 0);
        walk_result full = s.walk(va, MM_ACCESS_LOAD, MM_PRIV_USER);
        ASSERT_EQ(full.fault, MM_FAULT_NONE);
        for (unsigned l = levels - 1; l >= 1; l--) {
            EXPECT_EQ(full.global_after[l], l == 1) << l;
            EXPECT_EQ(full.perm_after[l], MM_PERM_R | MM_PERM_W | MM_PERM_X | MM_PERM_U);
            walk_start st{l - 1, full.next_table[l], 0, full.global_after[l]};
            walk_result r = s.walk(va + 0x10, MM_ACCESS_STORE, MM_PRIV_USER, &st);
            ASSERT_EQ(r.fault, MM_FAULT_NONE) << describe(r);
            EXPECT_EQ(r.start_level, l - 1);
            EXPECT_EQ(r.accesses[0].pa, s.pte_addr(va, l - 1));
            EXPECT_EQ(r.pa, 0x5010u);
            EXPECT_TRUE(r.perm & MM_PERM_G);
        }
        // A global start marks the translation global even below a non-global pointer.
        s.modify(va, 1, 0, PT_RV_G);
        walk_start st{levels - 1, pt_root(s.table()), 0, true};
        EXPECT_TRUE(s.walk(va, MM_ACCESS_LOAD, MM_PRIV_USER, &st).perm & MM_PERM_G);
        st.global = false;
        EXPECT_FALSE(s.walk(va, MM_ACCESS_LOAD, MM_PRIV_USER, &st).perm & MM_PERM_G);
    }
}

} // namespace
