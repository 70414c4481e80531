// walk_common_test.cc — what every format shares: context defaults, canonical
// addresses, bus errors, the cached-permission check, the pmem adapter and
// the walk's access list.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "pt/pt_test_util.h"

namespace {

using namespace pt_test;

TEST(WalkCtx, DefaultsPerFormat)
{
    for (unsigned f = 0; f < PT_FORMAT_COUNT; f++) {
        walk_ctx c;
        memset(&c, 0xa5, sizeof c);
        walk_ctx_init(&c, (pt_format)f, 0x123000, 42);
        EXPECT_EQ(c.format, (pt_format)f);
        EXPECT_EQ(c.root_pa, 0x123000u);
        EXPECT_EQ(c.asid, 42);
        EXPECT_EQ(c.pa_bits, is_x86((pt_format)f) ? 46u : 52u);
        EXPECT_EQ(c.ad, WALK_AD_HARDWARE);
        EXPECT_TRUE(c.nxe);
        EXPECT_TRUE(c.wp);
        EXPECT_FALSE(c.smep || c.smap || c.sum || c.mxr || c.svnapot || c.svpbmt);
    }
}

TEST(WalkCanonical, BoundariesOfEveryFormat)
{
    for (unsigned f = 0; f < PT_FORMAT_COUNT; f++) {
        pt_format fmt = (pt_format)f;
        unsigned b = pt_format_get(fmt)->va_bits;
        SCOPED_TRACE(format_name(fmt));
        EXPECT_TRUE(walk_va_canonical(fmt, 0));
        EXPECT_TRUE(walk_va_canonical(fmt, ~0ull));
        EXPECT_TRUE(walk_va_canonical(fmt, (1ull << (b - 1)) - 1));
        EXPECT_FALSE(walk_va_canonical(fmt, 1ull << (b - 1)));
        EXPECT_TRUE(walk_va_canonical(fmt, ~0ull << (b - 1)));
        EXPECT_FALSE(walk_va_canonical(fmt, (~0ull << (b - 1)) - 1));
        EXPECT_FALSE(walk_va_canonical(fmt, 1ull << 63));
        EXPECT_FALSE(walk_va_canonical(fmt, 1ull << b));
    }
    EXPECT_TRUE(walk_va_canonical(PT_X86_64_4LEVEL, 0x00007fffffffffffull));
    EXPECT_FALSE(walk_va_canonical(PT_X86_64_4LEVEL, 0x0000800000000000ull));
    EXPECT_TRUE(walk_va_canonical(PT_X86_64_5LEVEL, 0x0000800000000000ull));
    EXPECT_TRUE(walk_va_canonical(PT_SV39, 0xffffffc000000000ull));
    EXPECT_FALSE(walk_va_canonical(PT_SV39, 0xffffff8000000000ull - 1));
    EXPECT_FALSE(walk_va_canonical(PT_FORMAT_COUNT, 0));
}

TEST(WalkRun, NonCanonicalReadsNothing)
{
    for (unsigned f = 0; f < PT_FORMAT_COUNT; f++) {
        pt_format fmt = (pt_format)f;
        Space s(fmt);
        unsigned b = pt_format_get(fmt)->va_bits;
        s.map(0, 0x1000, 0, MM_PERM_R | MM_PERM_W);
        walk_result r = s.walk(1ull << (b - 1), MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR);
        EXPECT_EQ(r.fault, MM_FAULT_NON_CANONICAL) << format_name(fmt);
        EXPECT_EQ(r.n_accesses, 0u);
        EXPECT_EQ(r.start_level, pt_format_get(fmt)->levels - 1);
        EXPECT_EQ(r.leaf_level, r.start_level);
        EXPECT_FALSE(r.fillable[r.start_level]);
        EXPECT_EQ(r.pa, 0u);
    }
    walk_ctx c;
    walk_ctx_init(&c, PT_FORMAT_COUNT, 0x1000, 0);
    walk_mem m{};
    walk_result r;
    walk_run(&c, &m, 0, MM_ACCESS_LOAD, MM_PRIV_USER, nullptr, &r); // no memory touched: m has no callbacks
    EXPECT_EQ(r.fault, MM_FAULT_NON_CANONICAL);
}

TEST(WalkRun, BusErrorOnAPointerBeyondPhysicalMemory)
{
    for (unsigned f = 0; f < PT_FORMAT_COUNT; f++) {
        pt_format fmt = (pt_format)f;
        SCOPED_TRACE(format_name(fmt));
        Space s(fmt, 32, 16ull << 20); // 4 GiB of address space
        const unsigned levels = pt_format_get(fmt)->levels;
        const uint64_t va = 0x40201000;
        s.map(va, 0x3000, 0, MM_PERM_R | MM_PERM_W);
        const uint64_t far_table = 1ull << 33;
        s.set_pte(va, levels - 1, pt_encode_table(fmt, far_table));
        walk_result r = s.walk(va, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR);
        EXPECT_EQ(r.fault, MM_FAULT_BUS_ERROR);
        EXPECT_EQ(r.leaf_level, levels - 2);
        ASSERT_EQ(r.n_accesses, 2u) << describe(r);
        EXPECT_EQ(r.accesses[1].pa, far_table + 8 * ((va >> (12 + 9 * (levels - 2))) & 511));
        EXPECT_EQ(r.accesses[1].value, 0u);
        EXPECT_EQ(r.accesses[1].is_write, 0);
        EXPECT_TRUE(r.fillable[levels - 1]); // the pointer itself was fine
        EXPECT_EQ(r.next_table[levels - 1], far_table);
        EXPECT_FALSE(r.fillable[levels - 2]);
        EXPECT_EQ(r.leaf_pte, 0u);

        // A root outside memory fails on the first read.
        s.ctx.root_pa = 1ull << 40;
        r = s.walk(va, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR);
        EXPECT_EQ(r.fault, MM_FAULT_BUS_ERROR);
        EXPECT_EQ(r.leaf_level, levels - 1);
        EXPECT_EQ(r.n_accesses, 1u);
    }
}

TEST(WalkRun, BadStartLevelWalksFromTheRoot)
{
    Space s(PT_SV39);
    s.map(0x5000, 0x7000, 0, MM_PERM_R);
    walk_start st{3, 0xdead000, 0, true};
    walk_result r = s.walk(0x5008, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR, &st);
    ASSERT_EQ(r.fault, MM_FAULT_NONE);
    EXPECT_EQ(r.start_level, 2u);
    EXPECT_EQ(r.pa, 0x7008u);
    EXPECT_FALSE(r.perm & MM_PERM_G);
}

TEST(WalkRun, UnalignedRootAndStartAreTableAligned)
{
    Space s(PT_X86_64_4LEVEL);
    s.map(0x5000, 0x7000, 0, MM_PERM_W);
    s.ctx.root_pa |= 0x018; // PCID bits in a CR3 image
    walk_result r = s.walk(0x5008, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR);
    ASSERT_EQ(r.fault, MM_FAULT_NONE);
    EXPECT_EQ(r.accesses[0].pa, pt_root(s.table()));
    walk_start st{0, (s.pte_addr(0x5000, 0) & ~0xfffull) | 0x7, MM_PERM_W | MM_PERM_X | MM_PERM_U, false};
    r = s.walk(0x5008, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR, &st);
    EXPECT_EQ(r.accesses[0].pa, s.pte_addr(0x5000, 0));
}

TEST(WalkRun, AccessListAddressesPerLevel)
{
    for (unsigned f = 0; f < PT_FORMAT_COUNT; f++) {
        pt_format fmt = (pt_format)f;
        SCOPED_TRACE(format_name(fmt));
        Space s(fmt, 46, 1ull << 30, PMEM_ALLOC_RANDOM, 5 + f);
        const unsigned levels = pt_format_get(fmt)->levels;
        const uint64_t va = ~0ull << (pt_format_get(fmt)->va_bits - 1) | 0x5a5a5a5a5000ull;
        s.map(va, 0x10000, 0, MM_PERM_R | MM_PERM_A | MM_PERM_D);
        walk_result r = s.walk(va + 0x10, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR);
        ASSERT_EQ(r.fault, MM_FAULT_NONE) << describe(r);
        ASSERT_EQ(r.n_accesses, levels);
        uint64_t table = pt_root(s.table());
        for (unsigned i = 0; i < levels; i++) {
            unsigned l = levels - 1 - i;
            uint64_t index = (va >> (12 + 9 * l)) & 511;
            EXPECT_EQ(r.accesses[i].pa, table + 8 * index) << l;
            EXPECT_EQ(r.accesses[i].level, l);
            EXPECT_EQ(r.accesses[i].value, pmem_read64(s.mem(), table + 8 * index));
            if (l > 0) {
                EXPECT_EQ(r.next_table[l], pt_decode_pa(fmt, r.accesses[i].value));
                table = r.next_table[l];
            }
        }
    }
}

struct PermCase {
    pt_format format;
    uint8_t perm;
    mm_access access;
    mm_priv priv;
    bool wp, smep, smap, sum, mxr;
    mm_fault expect;
};

constexpr uint8_t R = MM_PERM_R, W = MM_PERM_W, X = MM_PERM_X, U = MM_PERM_U, A = MM_PERM_A, D = MM_PERM_D,
                  G = MM_PERM_G;
constexpr pt_format X86 = PT_X86_64_4LEVEL, RV = PT_SV48;
constexpr mm_access F = MM_ACCESS_IFETCH, L = MM_ACCESS_LOAD, S = MM_ACCESS_STORE;
constexpr mm_priv US = MM_PRIV_USER, SV = MM_PRIV_SUPERVISOR;

const PermCase kPermCases[] = {
    // format perm access priv wp smep smap sum mxr expect
    {X86, R | W | X | U | A | D | G, S, US, 1, 1, 1, 0, 0, MM_FAULT_NONE},
    {X86, R | W | X | A | D, L, US, 1, 0, 0, 0, 0, MM_FAULT_PERM_USER},
    {X86, R | W | X | U | A | D, F, SV, 1, 1, 0, 0, 0, MM_FAULT_PERM_SUPERVISOR},
    {X86, R | W | X | U | A | D, F, SV, 1, 0, 1, 0, 0, MM_FAULT_NONE},
    {X86, R | W | X | U | A | D, L, SV, 1, 0, 1, 0, 0, MM_FAULT_PERM_SUPERVISOR},
    {X86, R | W | X | U | A | D, L, SV, 1, 1, 0, 0, 0, MM_FAULT_NONE},
    {X86, R | X | A | D, S, SV, 1, 0, 0, 0, 0, MM_FAULT_PERM_WRITE},
    {X86, R | X | A, S, SV, 0, 0, 0, 0, 0, MM_FAULT_DIRTY_CLEAR},
    {X86, R | X | A | D, S, SV, 0, 0, 0, 0, 0, MM_FAULT_NONE},
    {X86, R | X | U | A | D, S, US, 0, 0, 0, 0, 0, MM_FAULT_PERM_WRITE},
    {X86, R | W | A | D, F, SV, 1, 0, 0, 0, 0, MM_FAULT_PERM_EXEC},
    {X86, R | W | U, L, US, 1, 0, 0, 0, 0, MM_FAULT_ACCESSED_CLEAR},
    {X86, R | W | U | A, S, US, 1, 0, 0, 0, 0, MM_FAULT_DIRTY_CLEAR},
    {X86, R | W | U | A, L, US, 1, 0, 0, 0, 0, MM_FAULT_NONE},
    {X86, R | U, S, US, 1, 0, 0, 0, 0, MM_FAULT_PERM_WRITE}, // permission before A/D
    {RV, R | W | X | U | A | D, S, US, 0, 0, 0, 0, 0, MM_FAULT_NONE},
    {RV, R | W | X | A | D, F, US, 0, 0, 0, 0, 0, MM_FAULT_PERM_USER},
    {RV, R | W | X | U | A | D, F, SV, 0, 0, 0, 1, 0, MM_FAULT_PERM_SUPERVISOR},
    {RV, R | W | X | U | A | D, L, SV, 0, 0, 0, 0, 0, MM_FAULT_PERM_SUPERVISOR},
    {RV, R | W | X | U | A | D, S, SV, 0, 0, 0, 1, 0, MM_FAULT_NONE},
    {RV, R | W | A | D, F, SV, 0, 0, 0, 0, 0, MM_FAULT_PERM_EXEC},
    {RV, X | A | D, L, SV, 0, 0, 0, 0, 0, MM_FAULT_PERM_READ},
    {RV, X | A | D, L, SV, 0, 0, 0, 0, 1, MM_FAULT_NONE},
    {RV, R | X | A | D, S, SV, 0, 0, 0, 0, 1, MM_FAULT_PERM_WRITE},
    {RV, R | W | A, S, SV, 0, 0, 0, 0, 0, MM_FAULT_DIRTY_CLEAR},
    {RV, R | W | D, L, SV, 0, 0, 0, 0, 0, MM_FAULT_ACCESSED_CLEAR},
    {RV, R | W, S, SV, 0, 0, 0, 0, 0, MM_FAULT_ACCESSED_CLEAR},
    {RV, R | A, S, SV, 0, 0, 0, 0, 0, MM_FAULT_PERM_WRITE},
    {RV, R | W | X | U | A | D, F, SV, 1, 1, 1, 1, 1, MM_FAULT_PERM_SUPERVISOR}, // x86 flags ignored
    {X86, R | W | X | U | A | D, L, SV, 1, 0, 0, 0, 0, MM_FAULT_NONE},           // SUM is not x86
};

TEST(WalkCheckPerm, TableOfCachedRights)
{
    int i = 0;
    for (const PermCase &c : kPermCases) {
        walk_ctx ctx;
        walk_ctx_init(&ctx, c.format, 0, 0);
        ctx.wp = c.wp;
        ctx.smep = c.smep;
        ctx.smap = c.smap;
        ctx.sum = c.sum;
        ctx.mxr = c.mxr;
        EXPECT_EQ(walk_check_perm(&ctx, c.perm, c.access, c.priv), c.expect) << "row " << i;
        i++;
    }
}

TEST(WalkCheckPerm, OutOfRangeAccessIsNotAPermissionFault)
{
    walk_ctx ctx;
    walk_ctx_init(&ctx, PT_SV39, 0, 0);
    EXPECT_EQ(walk_check_perm(&ctx, MM_PERM_R | MM_PERM_A | MM_PERM_D, (mm_access)7, MM_PRIV_SUPERVISOR),
              MM_FAULT_NONE);
    EXPECT_EQ(walk_check_perm(&ctx, MM_PERM_R, (mm_access)7, MM_PRIV_SUPERVISOR), MM_FAULT_ACCESSED_CLEAR);
}

TEST(WalkCheckPerm, AgreesWithTheWalkerOnEveryLeafPermission)
{
    // Whatever the walker allows, the cached rights it returns allow too.
    for (pt_format fmt : {PT_X86_64_4LEVEL, PT_SV39}) {
        for (uint32_t attrs = 0; attrs < 16; attrs++) {
            uint32_t a = ((attrs & 1) ? MM_PERM_R : 0) | ((attrs & 2) ? MM_PERM_W : 0) |
                         ((attrs & 4) ? MM_PERM_X : 0) | ((attrs & 8) ? MM_PERM_U : 0);
            Space s(fmt);
            mm_error err{};
            if (pt_map(s.table(), 0x1000, 0x2000, 0, a, &err) != MM_OK)
                continue;
            for (int sm = 0; sm < 2; sm++) {
                s.ctx.smap = s.ctx.smep = s.ctx.sum = s.ctx.mxr = sm;
                for (int acc = 0; acc < MM_ACCESS_COUNT; acc++) {
                    for (mm_priv priv : {MM_PRIV_USER, MM_PRIV_SUPERVISOR}) {
                        walk_result r = s.walk(0x1000, (mm_access)acc, priv);
                        if (r.fault != MM_FAULT_NONE)
                            continue;
                        EXPECT_EQ(walk_check_perm(&s.ctx, r.perm, (mm_access)acc, priv), MM_FAULT_NONE);
                    }
                }
            }
        }
    }
}

TEST(WalkMemFromPmem, ReadsWritesAndRefusesAddressesBeyondMemory)
{
    pmem_config cfg{1ull << 20, 36, 0, PMEM_ALLOC_SEQUENTIAL, 0};
    mm_error err{};
    pmem *mem = pmem_create(&cfg, &err);
    ASSERT_NE(mem, nullptr);
    walk_mem m;
    walk_mem_from_pmem(&m, mem);
    EXPECT_EQ(m.opaque, mem);
    m.write_pte(m.opaque, 0x8008, 0, 0x1234);
    uint64_t v = 0;
    EXPECT_TRUE(m.read_pte(m.opaque, 0x8008, 0, &v));
    EXPECT_EQ(v, 0x1234u);
    EXPECT_TRUE(m.read_pte(m.opaque, (1ull << 36) - 8, 2, &v)); // beyond size but within pa_bits
    EXPECT_EQ(v, 0u);
    v = 77;
    EXPECT_FALSE(m.read_pte(m.opaque, 1ull << 36, 1, &v));
    EXPECT_EQ(v, 77u);
    m.write_pte(m.opaque, 1ull << 36, 0, 5); // ignored: no frame materialises for it
    EXPECT_TRUE(m.read_pte(m.opaque, 0, 0, &v));
    EXPECT_EQ(v, 0u);
    EXPECT_EQ(pmem_frames_materialised(mem), 1u);
    pmem_destroy(mem);
}

// The walker must go through walk_mem only: a counting memory sees every access.
struct CountingMem {
    pmem *mem;
    int reads = 0, writes = 0;
    static bool read(void *o, uint64_t pa, unsigned, uint64_t *v)
    {
        auto *c = static_cast<CountingMem *>(o);
        c->reads++;
        *v = pmem_read64(c->mem, pa);
        return true;
    }
    static void write(void *o, uint64_t pa, unsigned, uint64_t v)
    {
        auto *c = static_cast<CountingMem *>(o);
        c->writes++;
        pmem_write64(c->mem, pa, v);
    }
};

TEST(WalkRun, UsesOnlyTheWalkMemCallbacks)
{
    Space s(PT_X86_64_5LEVEL);
    s.map(0x1000, 0x2000, 0, MM_PERM_W);
    for (unsigned l = 1; l < 5; l++)
        s.modify(0x1000, l, 0, PT_X86_A);
    CountingMem cm{s.mem()};
    walk_mem m{CountingMem::read, CountingMem::write, &cm};
    walk_result r;
    walk_run(&s.ctx, &m, 0x1000, MM_ACCESS_STORE, MM_PRIV_SUPERVISOR, nullptr, &r);
    ASSERT_EQ(r.fault, MM_FAULT_NONE);
    EXPECT_EQ(cm.reads, 5);
    EXPECT_EQ(cm.writes, 5);
    EXPECT_EQ((int)r.n_accesses, cm.reads + cm.writes);
}

} // namespace
