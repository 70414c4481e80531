// walk_x86_test.cc — the x86-64 walker, table-driven over every fault cause
// for 4- and 5-level paging and every leaf size, plus hand-checked A/D
// update sequences and walk-cache fill data.
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "pt/pt_test_util.h"

namespace {

using namespace pt_test;

constexpr int kNone = -100; // no modification
constexpr int kLeaf = 0;    // mod_level relative to the leaf: 0 leaf, 1 the pointer above, ...

struct X86Case {
    const char *name;
    uint32_t attrs;             // builder attrs of the leaf
    int mod_level;              // relative to the leaf (kNone: none); >= 10: absolute level (value - 10)
    uint64_t set, clear;        // bits changed in that entry
    std::function<void(walk_ctx &)> ctx_mod;
    mm_access access;
    mm_priv priv;
    mm_fault expect[3];         // by leaf level 0, 1, 2
    uint8_t perm_set = 0;       // on success: bits that must be set in result perm
    uint8_t perm_clear = 0;     // on success: bits that must be clear
};

constexpr uint32_t kUserRWX = MM_PERM_W | MM_PERM_X | MM_PERM_U;
constexpr int kAbs3 = 13, kAbs4 = 14; // absolute levels 3 and 4

uint64_t pte_mask(unsigned level) { return page_size(level) - 1; }

#define ALL3(f) {f, f, f}
auto no_ctx = [](walk_ctx &) {};

const std::vector<X86Case> &x86_cases()
{
    static const std::vector<X86Case> cases = {
        {"user_load_ok", kUserRWX, kNone, 0, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER, ALL3(MM_FAULT_NONE),
         MM_PERM_R | MM_PERM_W | MM_PERM_X | MM_PERM_U | MM_PERM_A, MM_PERM_D | MM_PERM_G},
        {"leaf_not_present", kUserRWX, kLeaf, 0, PT_X86_P, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER,
         ALL3(MM_FAULT_NOT_PRESENT)},
        {"pointer_not_present", kUserRWX, 1, 0, PT_X86_P, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER,
         ALL3(MM_FAULT_NOT_PRESENT)},
        {"root_entry_not_present_ignores_reserved", kUserRWX, 10 + 3, 1ull << 51, PT_X86_P, no_ctx,
         MM_ACCESS_LOAD, MM_PRIV_USER, ALL3(MM_FAULT_NOT_PRESENT)},
        {"leaf_addr_above_maxphyaddr", kUserRWX, kLeaf, 1ull << 45, 0, [](walk_ctx &c) { c.pa_bits = 40; },
         MM_ACCESS_LOAD, MM_PRIV_USER, ALL3(MM_FAULT_RESERVED)},
        {"leaf_addr_below_maxphyaddr", kUserRWX, kLeaf, 1ull << 39, 0, [](walk_ctx &c) { c.pa_bits = 40; },
         MM_ACCESS_LOAD, MM_PRIV_USER, ALL3(MM_FAULT_NONE)},
        {"pointer_addr_above_maxphyaddr", kUserRWX, 1, 1ull << 45, 0, [](walk_ctx &c) { c.pa_bits = 40; },
         MM_ACCESS_LOAD, MM_PRIV_USER, ALL3(MM_FAULT_RESERVED)},
        {"leaf_bit51_default_pa_bits", kUserRWX, kLeaf, 1ull << 51, 0, no_ctx, MM_ACCESS_IFETCH, MM_PRIV_USER,
         ALL3(MM_FAULT_RESERVED)},
        {"leaf_bit51_pa_bits_52", kUserRWX, kLeaf, 1ull << 51, 0, [](walk_ctx &c) { c.pa_bits = 52; },
         MM_ACCESS_IFETCH, MM_PRIV_USER, ALL3(MM_FAULT_NONE)},
        {"ignored_bits_52_62", kUserRWX, kLeaf, 0x7ff0000000000000ull, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER,
         ALL3(MM_FAULT_NONE)},
        {"pointer_ignored_bits_6_8", kUserRWX, 1, PT_X86_D | PT_X86_G, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER,
         ALL3(MM_FAULT_NONE), 0, MM_PERM_G},
        {"leaf_xd_without_nxe", MM_PERM_W | MM_PERM_U, kNone, 0, 0, [](walk_ctx &c) { c.nxe = false; },
         MM_ACCESS_LOAD, MM_PRIV_USER, ALL3(MM_FAULT_RESERVED)},
        {"pointer_xd_without_nxe", kUserRWX, 1, PT_X86_XD, 0, [](walk_ctx &c) { c.nxe = false; },
         MM_ACCESS_LOAD, MM_PRIV_USER, ALL3(MM_FAULT_RESERVED)},
        {"no_nxe_executes_everything", kUserRWX, kNone, 0, 0, [](walk_ctx &c) { c.nxe = false; },
         MM_ACCESS_IFETCH, MM_PRIV_USER, ALL3(MM_FAULT_NONE), MM_PERM_X},
        {"leaf_xd_ifetch", MM_PERM_W | MM_PERM_U, kNone, 0, 0, no_ctx, MM_ACCESS_IFETCH, MM_PRIV_USER,
         ALL3(MM_FAULT_PERM_EXEC)},
        {"leaf_xd_load", MM_PERM_W | MM_PERM_U, kNone, 0, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR,
         ALL3(MM_FAULT_NONE), MM_PERM_W, MM_PERM_X},
        {"pointer_xd_ifetch", kUserRWX, 1, PT_X86_XD, 0, no_ctx, MM_ACCESS_IFETCH, MM_PRIV_SUPERVISOR,
         ALL3(MM_FAULT_PERM_EXEC)},
        {"pointer_xd_store", kUserRWX, 1, PT_X86_XD, 0, no_ctx, MM_ACCESS_STORE, MM_PRIV_USER,
         ALL3(MM_FAULT_NONE), MM_PERM_W | MM_PERM_D, MM_PERM_X},
        {"user_to_supervisor_leaf", MM_PERM_W | MM_PERM_X, kNone, 0, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER,
         ALL3(MM_FAULT_PERM_USER)},
        {"user_to_supervisor_pointer", kUserRWX, 1, 0, PT_X86_US, no_ctx, MM_ACCESS_IFETCH, MM_PRIV_USER,
         ALL3(MM_FAULT_PERM_USER)},
        {"supervisor_pointer_supervisor_access", kUserRWX, 1, 0, PT_X86_US, no_ctx, MM_ACCESS_STORE,
         MM_PRIV_SUPERVISOR, ALL3(MM_FAULT_NONE), MM_PERM_W, MM_PERM_U},
        {"supervisor_load_user_page", kUserRWX, kNone, 0, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR,
         ALL3(MM_FAULT_NONE), MM_PERM_U},
        {"smap_load", kUserRWX, kNone, 0, 0, [](walk_ctx &c) { c.smap = true; }, MM_ACCESS_LOAD,
         MM_PRIV_SUPERVISOR, ALL3(MM_FAULT_PERM_SUPERVISOR)},
        {"smap_store", kUserRWX, kNone, 0, 0, [](walk_ctx &c) { c.smap = true; }, MM_ACCESS_STORE,
         MM_PRIV_SUPERVISOR, ALL3(MM_FAULT_PERM_SUPERVISOR)},
        {"smap_not_ifetch", kUserRWX, kNone, 0, 0, [](walk_ctx &c) { c.smap = true; }, MM_ACCESS_IFETCH,
         MM_PRIV_SUPERVISOR, ALL3(MM_FAULT_NONE)},
        {"smap_not_user_mode", kUserRWX, kNone, 0, 0, [](walk_ctx &c) { c.smap = c.smep = true; },
         MM_ACCESS_STORE, MM_PRIV_USER, ALL3(MM_FAULT_NONE)},
        {"smap_not_supervisor_page", MM_PERM_W | MM_PERM_X, kNone, 0, 0, [](walk_ctx &c) { c.smap = true; },
         MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR, ALL3(MM_FAULT_NONE)},
        {"smep_ifetch", kUserRWX, kNone, 0, 0, [](walk_ctx &c) { c.smep = true; }, MM_ACCESS_IFETCH,
         MM_PRIV_SUPERVISOR, ALL3(MM_FAULT_PERM_SUPERVISOR)},
        {"supervisor_ifetch_user_page_without_smep", kUserRWX, kNone, 0, 0, no_ctx, MM_ACCESS_IFETCH,
         MM_PRIV_SUPERVISOR, ALL3(MM_FAULT_NONE)},
        {"smep_not_load", kUserRWX, kNone, 0, 0, [](walk_ctx &c) { c.smep = true; }, MM_ACCESS_LOAD,
         MM_PRIV_SUPERVISOR, ALL3(MM_FAULT_NONE)},
        {"smep_user_bit_cleared_above", kUserRWX, 1, 0, PT_X86_US, [](walk_ctx &c) { c.smep = true; },
         MM_ACCESS_IFETCH, MM_PRIV_SUPERVISOR, ALL3(MM_FAULT_NONE)},
        {"user_store_read_only", MM_PERM_X | MM_PERM_U, kNone, 0, 0, no_ctx, MM_ACCESS_STORE, MM_PRIV_USER,
         ALL3(MM_FAULT_PERM_WRITE)},
        {"user_store_read_only_pointer", kUserRWX, 1, 0, PT_X86_RW, no_ctx, MM_ACCESS_STORE, MM_PRIV_USER,
         ALL3(MM_FAULT_PERM_WRITE)},
        {"user_store_read_only_without_wp", MM_PERM_U, kNone, 0, 0, [](walk_ctx &c) { c.wp = false; },
         MM_ACCESS_STORE, MM_PRIV_USER, ALL3(MM_FAULT_PERM_WRITE)},
        {"supervisor_store_read_only_wp", MM_PERM_X, kNone, 0, 0, no_ctx, MM_ACCESS_STORE, MM_PRIV_SUPERVISOR,
         ALL3(MM_FAULT_PERM_WRITE)},
        {"supervisor_store_read_only_no_wp", MM_PERM_X, kNone, 0, 0, [](walk_ctx &c) { c.wp = false; },
         MM_ACCESS_STORE, MM_PRIV_SUPERVISOR, ALL3(MM_FAULT_NONE), MM_PERM_D, MM_PERM_W},
        {"supervisor_store_ro_pointer_no_wp", kUserRWX, 2, 0, PT_X86_RW, [](walk_ctx &c) { c.wp = false; },
         MM_ACCESS_STORE, MM_PRIV_SUPERVISOR, ALL3(MM_FAULT_NONE), MM_PERM_D, MM_PERM_W},
        {"order_user_before_write", MM_PERM_X, kNone, 0, 0, no_ctx, MM_ACCESS_STORE, MM_PRIV_USER,
         ALL3(MM_FAULT_PERM_USER)},
        {"order_user_before_exec", 0, kNone, 0, 0, no_ctx, MM_ACCESS_IFETCH, MM_PRIV_USER,
         ALL3(MM_FAULT_PERM_USER)},
        {"order_smep_before_exec", MM_PERM_U, kNone, 0, 0, [](walk_ctx &c) { c.smep = true; },
         MM_ACCESS_IFETCH, MM_PRIV_SUPERVISOR, ALL3(MM_FAULT_PERM_SUPERVISOR)},
        {"order_smap_before_write", MM_PERM_U, kNone, 0, 0, [](walk_ctx &c) { c.smap = true; },
         MM_ACCESS_STORE, MM_PRIV_SUPERVISOR, ALL3(MM_FAULT_PERM_SUPERVISOR)},
        {"order_reserved_before_permission", MM_PERM_X, kLeaf, 1ull << 50, 0, no_ctx, MM_ACCESS_LOAD,
         MM_PRIV_USER, ALL3(MM_FAULT_RESERVED)},
        {"ps_in_level3_entry", kUserRWX, kAbs3, PT_X86_PS, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER,
         ALL3(MM_FAULT_RESERVED)},
        {"ps_in_level4_entry", kUserRWX, kAbs4, PT_X86_PS, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER,
         ALL3(MM_FAULT_RESERVED)},
        {"leaf_bit13", kUserRWX, kLeaf, 1ull << 13, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER,
         {MM_FAULT_NONE, MM_FAULT_RESERVED, MM_FAULT_RESERVED}},
        {"leaf_bit20", kUserRWX, kLeaf, 1ull << 20, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER,
         {MM_FAULT_NONE, MM_FAULT_RESERVED, MM_FAULT_RESERVED}},
        {"leaf_bit21", kUserRWX, kLeaf, 1ull << 21, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER,
         {MM_FAULT_NONE, MM_FAULT_NONE, MM_FAULT_RESERVED}},
        {"leaf_bit29", kUserRWX, kLeaf, 1ull << 29, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER,
         {MM_FAULT_NONE, MM_FAULT_NONE, MM_FAULT_RESERVED}},
        {"leaf_bit30", kUserRWX, kLeaf, 1ull << 30, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER,
         ALL3(MM_FAULT_NONE)},
        {"leaf_large_pat_bit12", kUserRWX, kLeaf, 1ull << 12, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER,
         ALL3(MM_FAULT_NONE)},
        {"global_leaf", kUserRWX | MM_PERM_G, kNone, 0, 0, no_ctx, MM_ACCESS_LOAD, MM_PRIV_USER,
         ALL3(MM_FAULT_NONE), MM_PERM_G},
        {"ad_mode_fault_ignored_on_x86", MM_PERM_W | MM_PERM_U, kNone, 0, 0,
         [](walk_ctx &c) { c.ad = WALK_AD_FAULT; }, MM_ACCESS_STORE, MM_PRIV_USER, ALL3(MM_FAULT_NONE),
         MM_PERM_A | MM_PERM_D},
    };
    return cases;
}

void run_case(pt_format fmt, unsigned leaf, const X86Case &c)
{
    const unsigned levels = pt_format_get(fmt)->levels;
    int mod = c.mod_level == kNone ? kNone : c.mod_level >= 10 ? c.mod_level - 10 : (int)leaf + c.mod_level;
    if (mod != kNone && (mod >= (int)levels || (c.mod_level >= 10 && mod <= (int)leaf)))
        return; // the entry does not exist for this size or format
    SCOPED_TRACE(std::string(format_name(fmt)) + " leaf level " + std::to_string(leaf) + " case " + c.name);
    Space s(fmt);
    const uint64_t va = 0x00007f5a5a5a5000ull & ~pte_mask(leaf);
    const uint64_t pa = 0x240000000ull;
    s.map(va, pa, leaf, c.attrs);
    const uint64_t leaf_addr = s.pte_addr(va, leaf); // before a pointer above may be broken
    if (mod != kNone)
        s.modify(va, (unsigned)mod, c.set, c.clear);
    c.ctx_mod(s.ctx);
    const uint64_t leaf_before = pmem_read64(s.mem(), leaf_addr);
    const uint64_t offset = (page_size(leaf) / 3) & ~7ull;

    walk_result r = s.walk(va + offset, c.access, c.priv);
    mm_fault expect = c.expect[leaf];
    ASSERT_EQ(r.fault, expect) << describe(r);
    EXPECT_EQ(r.start_level, levels - 1);
    EXPECT_EQ(r.accesses[0].pa, s.pte_addr(va, levels - 1));
    if (expect == MM_FAULT_NONE) {
        EXPECT_EQ(r.leaf_level, leaf);
        uint64_t base = (leaf_before & PT_X86_ADDR_MASK) & ~pte_mask(leaf);
        EXPECT_EQ(r.pa, base + offset);
        if (mod != (int)leaf || (c.set & PT_X86_ADDR_MASK & ~pte_mask(leaf)) == 0) {
            EXPECT_EQ(r.pa, pa + offset); // e.g. a large page's PAT bit 12 is not address
        }
        EXPECT_EQ(r.perm & c.perm_set, c.perm_set);
        EXPECT_EQ(r.perm & c.perm_clear, 0);
        EXPECT_TRUE(r.perm & MM_PERM_R);
        EXPECT_EQ(r.leaf_pte, s.pte(va, leaf));
        EXPECT_TRUE(r.leaf_pte & PT_X86_A);
        for (unsigned l = leaf + 1; l < levels; l++) {
            EXPECT_TRUE(r.fillable[l]) << l;
            EXPECT_EQ(r.next_table[l], s.pte_addr(va, l - 1) & ~0xfffull) << l;
        }
        EXPECT_FALSE(r.fillable[leaf]);
    } else {
        bool entry_fault = expect == MM_FAULT_NOT_PRESENT || expect == MM_FAULT_RESERVED;
        unsigned at = entry_fault ? (unsigned)mod : leaf;
        if (entry_fault && mod == kNone)
            at = leaf;
        EXPECT_EQ(r.leaf_level, at);
        EXPECT_EQ(r.pa, 0u);
        EXPECT_EQ(r.perm, 0u);
        EXPECT_FALSE(r.fillable[at]);
        EXPECT_EQ(r.n_accesses, levels - at); // reads only: the builder's pointers have A set
        EXPECT_EQ(count_writes(r), 0);
        EXPECT_EQ(r.leaf_pte, s.pte(va, at));
        EXPECT_EQ(pmem_read64(s.mem(), leaf_addr), leaf_before); // a faulting access never sets A/D
    }
}

TEST(WalkX86, FaultTable)
{
    for (pt_format fmt : {PT_X86_64_4LEVEL, PT_X86_64_5LEVEL})
        for (unsigned leaf = 0; leaf <= 2; leaf++)
            for (const X86Case &c : x86_cases())
                run_case(fmt, leaf, c);
}

TEST(WalkX86, HandCheckedAccessSequenceWithAllAccessedBitsClear)
{
    Space s(PT_X86_64_4LEVEL);
    const uint64_t va = 0x00001234567f8000ull;
    s.map(va, 0xabc000, 0, MM_PERM_W | MM_PERM_U);
    uint64_t addr[4], val[4];
    for (unsigned l = 0; l < 4; l++) {
        s.modify(va, l, 0, PT_X86_A);
        addr[l] = s.pte_addr(va, l);
        val[l] = s.pte(va, l);
    }
    // Each index is va's 9-bit field of that level.
    EXPECT_EQ(addr[3], pt_root(s.table()) + 8 * 0x024);
    EXPECT_EQ(addr[2] & 0xfff, 8u * 0x0d1);
    EXPECT_EQ(addr[1] & 0xfff, 8u * 0x0b3);
    EXPECT_EQ(addr[0] & 0xfff, 8u * 0x1f8);
    walk_result r = s.walk(va + 0x123, MM_ACCESS_STORE, MM_PRIV_USER);
    ASSERT_EQ(r.fault, MM_FAULT_NONE) << describe(r);
    EXPECT_EQ(r.pa, 0xabc123u);
    ASSERT_EQ(r.n_accesses, 8u) << describe(r);
    for (unsigned i = 0; i < 3; i++) {
        unsigned l = 3 - i;
        EXPECT_EQ(r.accesses[2 * i].pa, addr[l]);
        EXPECT_EQ(r.accesses[2 * i].value, val[l]);
        EXPECT_EQ(r.accesses[2 * i].level, l);
        EXPECT_EQ(r.accesses[2 * i].is_write, 0);
        EXPECT_EQ(r.accesses[2 * i + 1].pa, addr[l]);
        EXPECT_EQ(r.accesses[2 * i + 1].value, val[l] | PT_X86_A);
        EXPECT_EQ(r.accesses[2 * i + 1].is_write, 1);
        EXPECT_EQ(s.pte(va, l), val[l] | PT_X86_A);
    }
    EXPECT_EQ(r.accesses[6].pa, addr[0]);
    EXPECT_EQ(r.accesses[6].value, val[0]);
    EXPECT_EQ(r.accesses[7].pa, addr[0]);
    EXPECT_EQ(r.accesses[7].value, val[0] | PT_X86_A | PT_X86_D); // one locked write for both
    EXPECT_EQ(r.accesses[7].is_write, 1);
    EXPECT_EQ(s.pte(va, 0), val[0] | PT_X86_A | PT_X86_D);
    EXPECT_EQ(r.leaf_pte, val[0] | PT_X86_A | PT_X86_D);
    EXPECT_EQ(r.perm, MM_PERM_R | MM_PERM_W | MM_PERM_U | MM_PERM_A | MM_PERM_D);
    for (unsigned l = 1; l < 4; l++) {
        EXPECT_TRUE(r.fillable[l]);
        EXPECT_EQ(r.perm_after[l], MM_PERM_R | MM_PERM_W | MM_PERM_X | MM_PERM_U);
        EXPECT_FALSE(r.global_after[l]);
    }

    // Second walk: everything already set, reads only.
    r = s.walk(va, MM_ACCESS_STORE, MM_PRIV_USER);
    EXPECT_EQ(r.fault, MM_FAULT_NONE);
    EXPECT_EQ(r.n_accesses, 4u);
    EXPECT_EQ(count_writes(r), 0);
}

TEST(WalkX86, LoadSetsAccessedOnlyAndDirtyLater)
{
    Space s(PT_X86_64_5LEVEL);
    const uint64_t va = 0x200000;
    s.map(va, 0x400000, 1, MM_PERM_W);
    walk_result r = s.walk(va + 8, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR);
    ASSERT_EQ(r.fault, MM_FAULT_NONE);
    ASSERT_EQ(r.n_accesses, 5u);
    EXPECT_EQ(r.accesses[4].is_write, 1);
    EXPECT_EQ(r.accesses[4].level, 1);
    EXPECT_EQ(s.pte(va, 1) & (PT_X86_A | PT_X86_D), PT_X86_A);
    EXPECT_EQ(r.perm & (MM_PERM_A | MM_PERM_D), MM_PERM_A);
    r = s.walk(va + 8, MM_ACCESS_STORE, MM_PRIV_SUPERVISOR);
    ASSERT_EQ(r.n_accesses, 5u);
    EXPECT_EQ(r.accesses[4].value, s.pte(va, 1));
    EXPECT_EQ(s.pte(va, 1) & (PT_X86_A | PT_X86_D), PT_X86_A | PT_X86_D);
    EXPECT_EQ(r.perm & (MM_PERM_A | MM_PERM_D), MM_PERM_A | MM_PERM_D);
}

TEST(WalkX86, NonLeafAccessedSetEvenWhenTheWalkFaultsBelow)
{
    Space s(PT_X86_64_4LEVEL);
    const uint64_t va = 0x7000;
    s.map(va, 0x9000, 0, MM_PERM_X); // supervisor, read-only, A clear
    for (unsigned l = 1; l < 4; l++)
        s.modify(va, l, 0, PT_X86_A);
    uint64_t leaf = s.pte(va, 0);
    walk_result r = s.walk(va, MM_ACCESS_STORE, MM_PRIV_USER);
    EXPECT_EQ(r.fault, MM_FAULT_PERM_USER);
    EXPECT_EQ(r.n_accesses, 7u);
    EXPECT_EQ(count_writes(r), 3);
    for (unsigned l = 1; l < 4; l++) {
        EXPECT_TRUE(s.pte(va, l) & PT_X86_A) << l;
        EXPECT_TRUE(r.fillable[l]) << l;
    }
    EXPECT_EQ(s.pte(va, 0), leaf); // leaf untouched: the access was not permitted

    // A not-present leaf: same non-leaf updates, no leaf write.
    for (unsigned l = 1; l < 4; l++)
        s.modify(va, l, 0, PT_X86_A);
    s.modify(va, 0, 0, PT_X86_P);
    r = s.walk(va, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR);
    EXPECT_EQ(r.fault, MM_FAULT_NOT_PRESENT);
    EXPECT_EQ(count_writes(r), 3);
    EXPECT_EQ(r.accesses[r.n_accesses - 1].is_write, 0);
    EXPECT_EQ(s.pte(va, 0), leaf & ~PT_X86_P);

    // An entry with reserved bits is not used, so it gets no A.
    for (unsigned l = 1; l < 4; l++)
        s.modify(va, l, 0, PT_X86_A);
    s.modify(va, 2, 1ull << 50, 0);
    r = s.walk(va, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR);
    EXPECT_EQ(r.fault, MM_FAULT_RESERVED);
    EXPECT_EQ(r.leaf_level, 2u);
    EXPECT_EQ(r.n_accesses, 3u); // read L3, A-write L3, read L2
    EXPECT_TRUE(s.pte(va, 3) & PT_X86_A);
    EXPECT_FALSE(s.pte(va, 2) & PT_X86_A);
    EXPECT_TRUE(r.fillable[3]);
    EXPECT_FALSE(r.fillable[2]);
}

TEST(WalkX86, LargePagePatBitIsNotPartOfTheAddress)
{
    Space s(PT_X86_64_4LEVEL);
    s.map(0x40000000, 0xc0000000, 2, MM_PERM_W | PT_ATTR_PAT);
    s.map(0x200000, 0x600000, 1, MM_PERM_W | PT_ATTR_PAT);
    s.map(0x1000, 0x3000, 0, MM_PERM_W | PT_ATTR_PAT);
    EXPECT_EQ(s.walk(0x40001234, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR).pa, 0xc0001234u);
    EXPECT_EQ(s.walk(0x201234, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR).pa, 0x601234u);
    walk_result r = s.walk(0x1234, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR);
    EXPECT_EQ(r.pa, 0x3234u);
    EXPECT_EQ(r.leaf_level, 0u); // bit 7 at level 0 is PAT, not a reserved PS
}

TEST(WalkX86, ResumeFromAWalkCacheEntry)
{
    for (pt_format fmt : {PT_X86_64_4LEVEL, PT_X86_64_5LEVEL}) {
        SCOPED_TRACE(format_name(fmt));
        Space s(fmt);
        const unsigned levels = pt_format_get(fmt)->levels;
        const uint64_t va = 0xffffff8000123000ull; // canonical in both
        s.map(va, 0x5000, 0, MM_PERM_W | MM_PERM_X | MM_PERM_U | MM_PERM_G);
        s.modify(va, 1, 0, PT_X86_RW); // the level-1 pointer is read-only
        walk_result full = s.walk(va, MM_ACCESS_LOAD, MM_PRIV_USER);
        ASSERT_EQ(full.fault, MM_FAULT_NONE);
        EXPECT_EQ(full.perm_after[levels - 1], MM_PERM_R | MM_PERM_W | MM_PERM_X | MM_PERM_U);
        EXPECT_EQ(full.perm_after[1], MM_PERM_R | MM_PERM_X | MM_PERM_U);
        for (unsigned l = levels - 1; l >= 1; l--) {
            walk_start st{l - 1, full.next_table[l], full.perm_after[l], full.global_after[l]};
            walk_result r = s.walk(va + 0x40, MM_ACCESS_LOAD, MM_PRIV_USER, &st);
            ASSERT_EQ(r.fault, MM_FAULT_NONE) << describe(r);
            EXPECT_EQ(r.start_level, l - 1);
            EXPECT_EQ(r.n_accesses, l);
            EXPECT_EQ(r.accesses[0].pa, s.pte_addr(va, l - 1));
            EXPECT_EQ(r.pa, 0x5040u);
            EXPECT_EQ(r.perm, full.perm);
            // The cached rights still apply: W was lost at level 1.
            EXPECT_EQ(s.walk(va, MM_ACCESS_STORE, MM_PRIV_USER, &st).fault, MM_FAULT_PERM_WRITE);
        }
        walk_start st{0, full.next_table[1], MM_PERM_W | MM_PERM_X, false}; // R is implied
        walk_result r = s.walk(va, MM_ACCESS_LOAD, MM_PRIV_USER, &st);
        EXPECT_EQ(r.fault, MM_FAULT_PERM_USER);
        r = s.walk(va, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR, &st);
        ASSERT_EQ(r.fault, MM_FAULT_NONE);
        EXPECT_EQ(r.perm & (MM_PERM_R | MM_PERM_W | MM_PERM_X | MM_PERM_U), MM_PERM_R | MM_PERM_W | MM_PERM_X);
        st.perm = MM_PERM_U;
        EXPECT_EQ(s.walk(va, MM_ACCESS_IFETCH, MM_PRIV_USER, &st).fault, MM_FAULT_PERM_EXEC);
        st.perm = MM_PERM_U | MM_PERM_X;
        EXPECT_EQ(s.walk(va, MM_ACCESS_STORE, MM_PRIV_USER, &st).fault, MM_FAULT_PERM_WRITE);
    }
}

} // namespace
