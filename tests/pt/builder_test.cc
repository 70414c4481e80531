// builder_test.cc — pt_map / pt_unmap / pt_protect / pt_pte_addr: every page
// size of every format, the tables they allocate, and every error they return.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "pt/pt_test_util.h"

namespace {

using namespace pt_test;

uint32_t leaf_attrs(pt_format f)
{
    return is_x86(f) ? MM_PERM_W | MM_PERM_X | MM_PERM_U | MM_PERM_A | MM_PERM_D : kRWXUAD;
}

// A canonical va in the lower half and one in the upper half, aligned to the level.
std::vector<uint64_t> test_vas(pt_format f, unsigned level)
{
    unsigned va_bits = pt_format_get(f)->va_bits;
    return {(1ull << (va_bits - 2)) + 3 * page_size(level), (~0ull << (va_bits - 1)) + 5 * page_size(level)};
}

TEST(PtCreate, AllocatesZeroedRootAndReportsItsParts)
{
    for (unsigned f = 0; f < PT_FORMAT_COUNT; f++) {
        Space s((pt_format)f);
        EXPECT_EQ(pt_get_format(s.table()), (pt_format)f);
        EXPECT_EQ(pt_mem(s.table()), s.mem());
        EXPECT_EQ(pt_root(s.table()) % 4096, 0u);
        EXPECT_EQ(pmem_frames_allocated(s.mem()), 1u);
        for (uint64_t off = 0; off < 4096; off += 8)
            ASSERT_EQ(pmem_read64(s.mem(), pt_root(s.table()) + off), 0u);
    }
}

TEST(PtCreate, RejectsBadArguments)
{
    pmem_config cfg{1ull << 20, 40, 0, PMEM_ALLOC_SEQUENTIAL, 0};
    mm_error err{};
    pmem *mem = pmem_create(&cfg, &err);
    ASSERT_NE(mem, nullptr);
    err = {};
    EXPECT_EQ(pt_create(PT_FORMAT_COUNT, mem, &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_INVALID);
    err = {};
    EXPECT_EQ(pt_create(PT_SV39, nullptr, &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_INVALID);
    pmem_destroy(mem);
}

TEST(PtCreate, PropagatesFullMemory)
{
    pmem_config cfg{2 * 4096, 40, 0, PMEM_ALLOC_SEQUENTIAL, 0};
    mm_error err{};
    pmem *mem = pmem_create(&cfg, &err);
    ASSERT_NE(mem, nullptr);
    uint64_t pa;
    ASSERT_EQ(pmem_alloc_frame(mem, &pa, &err), MM_OK);
    ASSERT_EQ(pmem_alloc_frame(mem, &pa, &err), MM_OK);
    err = {};
    EXPECT_EQ(pt_create(PT_SV48, mem, &err), nullptr);
    EXPECT_EQ(err.code, MM_ERR_FULL);
    pmem_destroy(mem);
}

TEST(PtMap, EverySizeEveryFormatMapsWalksUnmaps)
{
    for (unsigned f = 0; f < PT_FORMAT_COUNT; f++) {
        pt_format fmt = (pt_format)f;
        const pt_format_info *info = pt_format_get(fmt);
        for (unsigned level = 0; level < info->levels; level++) {
            if (!(info->leaf_levels & (1u << level)))
                continue;
            SCOPED_TRACE(std::string(info->name) + " level " + std::to_string(level));
            for (uint64_t va : test_vas(fmt, level)) {
                Space s(fmt);
                uint64_t pa = 7 * page_size(level);
                uint64_t frames = pmem_frames_allocated(s.mem());
                s.map(va, pa, level, leaf_attrs(fmt));
                EXPECT_EQ(pmem_frames_allocated(s.mem()), frames + (info->levels - 1 - level));
                EXPECT_EQ(s.pte(va, level), pt_encode_leaf(fmt, level, pa, leaf_attrs(fmt)));
                // Each pointer on the path holds the table the next level's entry lives in.
                for (unsigned l = info->levels - 1; l > level; l--)
                    EXPECT_EQ(s.pte(va, l), pt_encode_table(fmt, s.pte_addr(va, l - 1) & ~0xfffull));

                uint64_t offset = page_size(level) - 8;
                walk_result r = s.walk(va + offset, MM_ACCESS_STORE, MM_PRIV_USER);
                ASSERT_EQ(r.fault, MM_FAULT_NONE) << describe(r);
                EXPECT_EQ(r.pa, pa + offset);
                EXPECT_EQ(r.leaf_level, level);

                mm_error err{};
                ASSERT_EQ(pt_unmap(s.table(), va, level, &err), MM_OK) << err.msg;
                EXPECT_EQ(s.pte(va, level), 0u);
                EXPECT_EQ(pmem_frames_allocated(s.mem()), frames + (info->levels - 1 - level)); // tables stay
                r = s.walk(va, MM_ACCESS_LOAD, MM_PRIV_USER);
                EXPECT_EQ(r.fault, MM_FAULT_NOT_PRESENT);
                EXPECT_EQ(r.leaf_level, level);
                EXPECT_EQ(pt_unmap(s.table(), va, level, &err), MM_ERR_NOT_FOUND);
                s.map(va, pa + page_size(level), level, leaf_attrs(fmt));
                EXPECT_EQ(s.walk(va, MM_ACCESS_LOAD, MM_PRIV_USER).pa, pa + page_size(level));
            }
        }
    }
}

TEST(PtMap, SharesIntermediateTables)
{
    Space s(PT_X86_64_4LEVEL);
    s.map(0x400000, 0x1000000, 0, MM_PERM_W);
    uint64_t frames = pmem_frames_allocated(s.mem());
    s.map(0x401000, 0x1001000, 0, MM_PERM_W);
    EXPECT_EQ(pmem_frames_allocated(s.mem()), frames);
    s.map(0x600000, 0x1200000, 1, MM_PERM_W); // same level-1 table, new 2M slot
    EXPECT_EQ(pmem_frames_allocated(s.mem()), frames);
    s.map(0x40000000, 0x1400000, 0, MM_PERM_W); // new level-2 slot: new level-1 and level-0 tables
    EXPECT_EQ(pmem_frames_allocated(s.mem()), frames + 2);
}

TEST(PtMap, RandomFramePlacementStillTranslates)
{
    Space s(PT_SV48, 40, 1ull << 32, PMEM_ALLOC_RANDOM, 99);
    for (uint64_t i = 0; i < 64; i++)
        s.map(i * 0x40201000ull, 0x100000000ull + i * 4096, 0, MM_PERM_R | MM_PERM_A);
    for (uint64_t i = 0; i < 64; i++) {
        walk_result r = s.walk(i * 0x40201000ull + 0x10, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR);
        ASSERT_EQ(r.fault, MM_FAULT_NONE) << describe(r);
        EXPECT_EQ(r.pa, 0x100000000ull + i * 4096 + 0x10);
    }
}

TEST(PtMap, ExistsWhenAnyMappingCoversTheRange)
{
    for (unsigned f = 0; f < PT_FORMAT_COUNT; f++) {
        pt_format fmt = (pt_format)f;
        SCOPED_TRACE(format_name(fmt));
        Space s(fmt);
        uint32_t a = leaf_attrs(fmt);
        mm_error err{};
        s.map(0x40000000, 0x40000000, 2, a); // 1G
        EXPECT_EQ(pt_map(s.table(), 0x40200000, 0x200000, 1, a, &err), MM_ERR_EXISTS);
        EXPECT_NE(std::string(err.msg).find("level 2"), std::string::npos) << err.msg;
        EXPECT_EQ(pt_map(s.table(), 0x7ffff000, 0x1000, 0, a, &err), MM_ERR_EXISTS);
        EXPECT_EQ(pt_map(s.table(), 0x40000000, 0x80000000, 2, a, &err), MM_ERR_EXISTS);
        s.map(0x200000, 0x1000, 0, a); // a 4K page under a 2M slot
        EXPECT_EQ(pt_map(s.table(), 0x200000, 0x200000, 1, a, &err), MM_ERR_EXISTS);
        EXPECT_EQ(pt_map(s.table(), 0, 0, 2, a, &err), MM_ERR_EXISTS);
        EXPECT_EQ(pt_map(s.table(), 0x200000, 0x5000, 0, a, &err), MM_ERR_EXISTS);
        // The failed attempts changed nothing.
        EXPECT_EQ(s.walk(0x200010, MM_ACCESS_LOAD, MM_PRIV_USER).pa, 0x1010u);
        EXPECT_EQ(s.walk(0x40200010, MM_ACCESS_LOAD, MM_PRIV_USER).pa, 0x40200010u);
    }
}

struct BadMap {
    const char *name;
    pt_format format;
    uint64_t va, pa;
    unsigned level;
    uint32_t attrs;
    int expect;
};

const BadMap kBadMaps[] = {
    {"x86_no_512g_leaf", PT_X86_64_4LEVEL, 0, 0, 3, MM_PERM_W, MM_ERR_INVALID},
    {"x86_level_beyond_root", PT_X86_64_4LEVEL, 0, 0, 4, MM_PERM_W, MM_ERR_INVALID},
    {"x86_5level_no_256t_leaf", PT_X86_64_5LEVEL, 0, 0, 4, MM_PERM_W, MM_ERR_INVALID},
    {"sv39_no_level3", PT_SV39, 0, 0, 3, MM_PERM_R, MM_ERR_INVALID},
    {"sv57_level5", PT_SV57, 0, 0, 5, MM_PERM_R, MM_ERR_INVALID},
    {"x86_va_misaligned_2m", PT_X86_64_4LEVEL, 0x201000, 0x200000, 1, MM_PERM_W, MM_ERR_INVALID},
    {"x86_pa_misaligned_1g", PT_X86_64_5LEVEL, 0x40000000, 0x200000, 2, MM_PERM_W, MM_ERR_INVALID},
    {"sv48_pa_misaligned_512g", PT_SV48, 0, 0x40000000, 3, MM_PERM_R, MM_ERR_INVALID},
    {"sv39_va_misaligned_4k", PT_SV39, 0x1800, 0x1000, 0, MM_PERM_R, MM_ERR_INVALID},
    {"x86_non_canonical", PT_X86_64_4LEVEL, 0x0000800000000000ull, 0, 0, MM_PERM_W, MM_ERR_INVALID},
    {"x86_5level_non_canonical", PT_X86_64_5LEVEL, 0x0100000000000000ull, 0, 0, MM_PERM_W, MM_ERR_INVALID},
    {"sv39_non_canonical", PT_SV39, 0x0000004000000000ull, 0, 0, MM_PERM_R, MM_ERR_INVALID},
    {"sv48_non_canonical_high", PT_SV48, 0xffff000000000000ull - 4096, 0, 0, MM_PERM_R, MM_ERR_INVALID},
    {"x86_pa_too_wide", PT_X86_64_4LEVEL, 0, 1ull << 52, 0, MM_PERM_W, MM_ERR_INVALID},
    {"sv39_pa_too_wide", PT_SV39, 0, 1ull << 56, 0, MM_PERM_R, MM_ERR_INVALID},
    {"x86_pbmt_attr", PT_X86_64_4LEVEL, 0, 0, 0, MM_PERM_W | PT_ATTR_PBMT_NC, MM_ERR_INVALID},
    {"x86_napot_attr", PT_X86_64_4LEVEL, 0, 0, 0, MM_PERM_W | PT_ATTR_NAPOT, MM_ERR_INVALID},
    {"sv39_pat_attr", PT_SV39, 0, 0, 0, MM_PERM_R | PT_ATTR_PAT, MM_ERR_INVALID},
    {"sv39_pcd_attr", PT_SV39, 0, 0, 0, MM_PERM_R | PT_ATTR_PCD, MM_ERR_INVALID},
    {"sv39_not_a_leaf", PT_SV39, 0, 0, 0, MM_PERM_U | MM_PERM_A, MM_ERR_INVALID},
    {"sv48_w_without_r", PT_SV48, 0, 0, 0, MM_PERM_W | MM_PERM_X, MM_ERR_INVALID},
    {"sv57_nc_and_io", PT_SV57, 0, 0, 0, MM_PERM_R | PT_ATTR_PBMT_NC | PT_ATTR_PBMT_IO, MM_ERR_INVALID},
    {"sv39_napot_2m", PT_SV39, 0, 0, 1, MM_PERM_R | PT_ATTR_NAPOT, MM_ERR_INVALID},
    {"sv39_napot_va_misaligned", PT_SV39, 0x1000, 0x10000, 0, MM_PERM_R | PT_ATTR_NAPOT, MM_ERR_INVALID},
    {"sv39_napot_pa_misaligned", PT_SV39, 0x10000, 0x18000, 0, MM_PERM_R | PT_ATTR_NAPOT, MM_ERR_INVALID},
    {"unknown_attr_bit", PT_SV39, 0, 0, 0, MM_PERM_R | (1u << 20), MM_ERR_INVALID},
};

class PtMapErrors : public testing::TestWithParam<BadMap> {};

TEST_P(PtMapErrors, RejectedWithoutSideEffects)
{
    const BadMap &c = GetParam();
    Space s(c.format);
    uint64_t frames = pmem_frames_allocated(s.mem());
    mm_error err{};
    EXPECT_EQ(pt_map(s.table(), c.va, c.pa, c.level, c.attrs, &err), c.expect);
    EXPECT_EQ(err.code, c.expect);
    EXPECT_GT(strlen(err.msg), 10u);
    EXPECT_EQ(pmem_frames_allocated(s.mem()), frames);
}

INSTANTIATE_TEST_SUITE_P(Table, PtMapErrors, testing::ValuesIn(kBadMaps),
                         [](const testing::TestParamInfo<BadMap> &i) { return std::string(i.param.name); });

TEST(PtMap, FullMemoryPropagatesAndLeavesUsableTables)
{
    pmem_config cfg{3 * 4096, 40, 0, PMEM_ALLOC_SEQUENTIAL, 0};
    mm_error err{};
    pmem *mem = pmem_create(&cfg, &err);
    ASSERT_NE(mem, nullptr);
    pt *t = pt_create(PT_X86_64_4LEVEL, mem, &err);
    ASSERT_NE(t, nullptr);
    err = {};
    EXPECT_EQ(pt_map(t, 0x1000, 0x1000, 0, MM_PERM_W, &err), MM_ERR_FULL);
    EXPECT_EQ(err.code, MM_ERR_FULL);
    EXPECT_EQ(pmem_frames_allocated(mem), 3u);
    // The two tables that did fit are linked and empty: a 1G page fits below them.
    EXPECT_EQ(pt_map(t, 0x40000000, 0x40000000, 2, MM_PERM_W, &err), MM_OK) << err.msg;
    pt_destroy(t);
    pmem_destroy(mem);
}

TEST(PtUnmap, ErrorsAndLevels)
{
    Space s(PT_SV39);
    mm_error err{};
    EXPECT_EQ(pt_unmap(s.table(), 0x1000, 0, &err), MM_ERR_NOT_FOUND); // no tables yet
    s.map(0x200000, 0x200000, 1, kRWXAD);
    s.map(0x1000, 0x1000, 0, kRWXAD);
    EXPECT_EQ(pt_unmap(s.table(), 0x200000, 0, &err), MM_ERR_NOT_FOUND); // a 2M leaf above
    EXPECT_EQ(pt_unmap(s.table(), 0x0, 1, &err), MM_ERR_NOT_FOUND);      // a pointer, not a leaf
    EXPECT_EQ(pt_unmap(s.table(), 0x2000, 0, &err), MM_ERR_NOT_FOUND);   // empty slot
    EXPECT_EQ(pt_unmap(s.table(), 0x1000, 3, &err), MM_ERR_INVALID);
    EXPECT_EQ(pt_unmap(s.table(), 1ull << 40, 0, &err), MM_ERR_INVALID);
    EXPECT_EQ(pt_unmap(s.table(), 0x2ff000, 1, &err), MM_OK) << err.msg; // any va inside the page
    EXPECT_EQ(s.walk(0x200000, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR).fault, MM_FAULT_NOT_PRESENT);
    EXPECT_EQ(s.walk(0x1000, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR).fault, MM_FAULT_NONE);

    Space x(PT_X86_64_4LEVEL);
    x.map(0x1000, 0x1000, 0, MM_PERM_W);
    EXPECT_EQ(pt_unmap(x.table(), 0x0, 1, &err), MM_ERR_NOT_FOUND); // x86 pointer at level 1
    EXPECT_EQ(pt_unmap(x.table(), 0x1000, 0, &err), MM_OK);
}

TEST(PtProtect, RewritesAttributesKeepsAddressEverySize)
{
    for (unsigned f = 0; f < PT_FORMAT_COUNT; f++) {
        pt_format fmt = (pt_format)f;
        const pt_format_info *info = pt_format_get(fmt);
        for (unsigned level = 0; level < info->levels; level++) {
            if (!(info->leaf_levels & (1u << level)))
                continue;
            SCOPED_TRACE(std::string(info->name) + " level " + std::to_string(level));
            Space s(fmt);
            uint64_t va = test_vas(fmt, level)[1];
            uint64_t pa = 5 * page_size(level);
            uint32_t first = is_x86(fmt) ? MM_PERM_W | PT_ATTR_PAT | PT_ATTR_PCD : MM_PERM_R | MM_PERM_W;
            uint32_t second = is_x86(fmt) ? MM_PERM_X | MM_PERM_U | MM_PERM_G : MM_PERM_X | MM_PERM_U | MM_PERM_G;
            s.map(va, pa, level, first);
            mm_error err{};
            ASSERT_EQ(pt_protect(s.table(), va + page_size(level) / 2, second, &err), MM_OK) << err.msg;
            EXPECT_EQ(s.pte(va, level), pt_encode_leaf(fmt, level, pa, second));
            walk_result r = s.walk(va + 0x18, MM_ACCESS_IFETCH, MM_PRIV_USER);
            ASSERT_EQ(r.fault, MM_FAULT_NONE) << describe(r);
            EXPECT_EQ(r.pa, pa + 0x18);
            EXPECT_TRUE(r.perm & MM_PERM_G);
        }
    }
}

TEST(PtProtect, ErrorsAndAttributeChecks)
{
    Space s(PT_SV48);
    mm_error err{};
    EXPECT_EQ(pt_protect(s.table(), 0x1000, MM_PERM_R, &err), MM_ERR_NOT_FOUND);
    EXPECT_EQ(pt_protect(s.table(), 1ull << 50, MM_PERM_R, &err), MM_ERR_INVALID);
    s.map(0x1000, 0x1000, 0, MM_PERM_R);
    EXPECT_EQ(pt_protect(s.table(), 0x2000, MM_PERM_R, &err), MM_ERR_NOT_FOUND);
    EXPECT_EQ(pt_protect(s.table(), 0x1000, MM_PERM_W, &err), MM_ERR_INVALID);
    EXPECT_EQ(pt_protect(s.table(), 0x1000, MM_PERM_R | PT_ATTR_NAPOT, &err), MM_ERR_INVALID);
    EXPECT_EQ(s.pte(0x1000, 0), pt_encode_leaf(PT_SV48, 0, 0x1000, MM_PERM_R));
    // A pointer at level 0 ends the search (no leaf) rather than descending further.
    s.set_pte(0x1000, 0, pt_encode_table(PT_SV48, 0x3000));
    EXPECT_EQ(pt_protect(s.table(), 0x1000, MM_PERM_R, &err), MM_ERR_NOT_FOUND);
    // A pointer outside memory is not followed.
    Space small(PT_SV39, 32, 1ull << 20);
    small.map(0x1000, 0x1000, 0, MM_PERM_R);
    small.set_pte(0x1000, 1, pt_encode_table(PT_SV39, 1ull << 40));
    EXPECT_EQ(pt_protect(small.table(), 0x1000, MM_PERM_R, &err), MM_ERR_NOT_FOUND);
    EXPECT_EQ(pt_map(small.table(), 0x2000, 0x2000, 0, MM_PERM_R, &err), MM_ERR_INVALID);
    EXPECT_NE(std::string(err.msg).find("outside physical memory"), std::string::npos) << err.msg;
}

TEST(PtProtect, X86LargePatBitIsNotAddress)
{
    Space s(PT_X86_64_4LEVEL);
    s.map(0x40000000, 0x80000000, 2, MM_PERM_W | PT_ATTR_PAT);
    EXPECT_TRUE(s.pte(0x40000000, 2) & PT_X86_PAT_LARGE);
    mm_error err{};
    ASSERT_EQ(pt_protect(s.table(), 0x40000000, MM_PERM_W, &err), MM_OK);
    EXPECT_EQ(s.pte(0x40000000, 2), pt_encode_leaf(PT_X86_64_4LEVEL, 2, 0x80000000, MM_PERM_W));
    s.map(0x1000, 0x3000, 0, MM_PERM_W | PT_ATTR_PAT); // 4K PAT is bit 7, not bit 12
    ASSERT_EQ(pt_protect(s.table(), 0x1000, MM_PERM_X, &err), MM_OK);
    EXPECT_EQ(s.pte(0x1000, 0), 0x3001ull);
}

TEST(PtNapot, MapsUnmapsProtectsTheWholeGroup)
{
    Space s(PT_SV39);
    s.ctx.svnapot = true;
    const uint64_t va = 0x7ffe0000, pa = 0x123450000;
    s.map(va, pa, 0, MM_PERM_R | MM_PERM_W | MM_PERM_A | MM_PERM_D | PT_ATTR_NAPOT);
    uint64_t word = pt_encode_leaf(PT_SV39, 0, pa, MM_PERM_R | MM_PERM_W | MM_PERM_A | MM_PERM_D | PT_ATTR_NAPOT);
    for (unsigned i = 0; i < 16; i++)
        EXPECT_EQ(s.pte(va + i * 4096ull, 0), word) << i;
    EXPECT_EQ(s.pte(va - 4096, 0), 0u);
    EXPECT_EQ(s.pte(va + 16 * 4096ull, 0), 0u);
    walk_result r = s.walk(va + 0xabcd, MM_ACCESS_STORE, MM_PRIV_SUPERVISOR);
    ASSERT_EQ(r.fault, MM_FAULT_NONE) << describe(r);
    EXPECT_EQ(r.pa, pa + 0xabcd);

    mm_error err{};
    ASSERT_EQ(pt_protect(s.table(), va + 0x5000, MM_PERM_R | PT_ATTR_NAPOT, &err), MM_OK) << err.msg;
    for (unsigned i = 0; i < 16; i++)
        EXPECT_EQ(s.pte(va + i * 4096ull, 0), pt_encode_leaf(PT_SV39, 0, pa, MM_PERM_R | PT_ATTR_NAPOT)) << i;
    EXPECT_EQ(pt_protect(s.table(), va, MM_PERM_R, &err), MM_ERR_INVALID);

    // A partial overlap with an existing group is refused.
    EXPECT_EQ(pt_map(s.table(), va + 0xf000, 0x5000, 0, MM_PERM_R, &err), MM_ERR_EXISTS);
    s.map(va + 0x10000 + 0x3000, 0x5000, 0, MM_PERM_R);
    EXPECT_EQ(pt_map(s.table(), va + 0x10000, 0x40000, 0, MM_PERM_R | PT_ATTR_NAPOT, &err), MM_ERR_EXISTS);
    EXPECT_EQ(s.pte(va + 0x10000, 0), 0u);

    ASSERT_EQ(pt_unmap(s.table(), va + 0x7000, 0, &err), MM_OK) << err.msg;
    for (unsigned i = 0; i < 16; i++)
        EXPECT_EQ(s.pte(va + i * 4096ull, 0), 0u) << i;
    EXPECT_NE(s.pte(va + 0x13000, 0), 0u);
}

TEST(PtPteAddr, PathLookupAndErrors)
{
    Space s(PT_X86_64_5LEVEL);
    uint64_t va = 0xff5a5a5a5a5a5000ull; // canonical for 57 bits
    s.map(va, 0x1000, 0, MM_PERM_W);
    uint64_t a4 = s.pte_addr(va, 4);
    EXPECT_EQ(a4, pt_root(s.table()) + ((va >> 48) & 511) * 8);
    for (unsigned l = 0; l < 4; l++) {
        uint64_t table = pt_decode_pa(PT_X86_64_5LEVEL, s.pte(va, l + 1));
        EXPECT_EQ(s.pte_addr(va, l), table + ((va >> (12 + 9 * l)) & 511) * 8) << l;
    }
    mm_error err{};
    uint64_t out = 0;
    EXPECT_EQ(pt_pte_addr(s.table(), va, 5, &out, &err), MM_ERR_INVALID);
    EXPECT_EQ(pt_pte_addr(s.table(), 0x0100000000000000ull, 0, &out, &err), MM_ERR_INVALID);
    EXPECT_EQ(pt_pte_addr(s.table(), 0x1000, 0, &out, &err), MM_ERR_NOT_FOUND);
    EXPECT_EQ(pt_pte_addr(s.table(), 0x1000, 4, &out, &err), MM_OK);
    s.map(0x40000000, 0x40000000, 2, MM_PERM_W);
    EXPECT_EQ(pt_pte_addr(s.table(), 0x40000000, 1, &out, &err), MM_ERR_NOT_FOUND);
    EXPECT_NE(std::string(err.msg).find("1G page at level 2"), std::string::npos) << err.msg;
}

} // namespace
