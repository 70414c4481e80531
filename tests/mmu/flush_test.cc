// flush_test.cc — what each flush removes (TLBs and walk caches), the
// dropped fill of a walk in flight, and ASID isolation.
#include "mmu_fixture.h"

using mmutest::Rig;
using mmutest::small_config;

namespace {

constexpr uint64_t kPage = 0x10000000;

mmu_flush make_flush(mmu_flush_kind kind, uint64_t cycle, uint16_t asid = 0, uint64_t va = 0)
{
    mmu_flush f{};
    f.kind = kind;
    f.cycle = cycle;
    f.asid = asid;
    f.va = va;
    return f;
}

TEST(Flush, FlushDuringWalkDropsItsFill)
{
    Rig rig(small_config());
    rig.map(1, kPage);
    rig.issue(0, kPage);  // completes at 48
    rig.flush(make_flush(MMU_FLUSH_ALL, 10));
    rig.issue(100, kPage);
    EXPECT_EQ(rig.response(0).completion_cycle, 48u);  // the response is unchanged
    mmu_response again = rig.response(1);
    EXPECT_EQ(again.hit, MMU_HIT_WALK);
    EXPECT_EQ(again.pwc_level, 0u);  // walk-cache fills were dropped too
    EXPECT_EQ(again.completion_cycle, 106u + 1 + 40 + 1);
    EXPECT_EQ(rig.stats().fills_dropped, 1u);
}

TEST(Flush, FlushAfterCompletionRemovesTheEntries)
{
    Rig rig(small_config());
    rig.map(1, kPage);
    rig.issue(0, kPage);
    rig.flush(make_flush(MMU_FLUSH_ALL, 60));
    rig.issue(100, kPage);
    EXPECT_EQ(rig.response(1).hit, MMU_HIT_WALK);
    EXPECT_EQ(rig.stats().fills_dropped, 0u);
}

TEST(Flush, WalkWaitingAtTheFlushIsNotDropped)
{
    Rig rig(small_config());
    rig.map(1, kPage);
    rig.map(1, 0x40000000);
    rig.issue(0, kPage);       // walks 6..48
    rig.issue(1, 0x40000000);  // waits for the walker until 48
    rig.flush(make_flush(MMU_FLUSH_ALL, 20));
    rig.issue(200, 0x40000000);
    EXPECT_EQ(rig.response(2).hit, 1u);  // its walk started after the flush
    EXPECT_EQ(rig.stats().fills_dropped, 1u);
}

TEST(Isolation, TwoAsidsAtOneVaNeverShareATranslation)
{
    Rig rig(small_config());
    uint64_t pa1 = rig.map(1, kPage);
    uint64_t pa2 = rig.map(2, kPage);
    ASSERT_NE(pa1, pa2);
    rig.issue(0, kPage + 8, 1);
    rig.issue(100, kPage + 8, 2);
    rig.issue(200, kPage + 8, 1);
    rig.issue(300, kPage + 8, 2);
    EXPECT_EQ(rig.response(0).pa, pa1 + 8);
    mmu_response r2 = rig.response(1);
    EXPECT_EQ(r2.hit, MMU_HIT_WALK);
    EXPECT_EQ(r2.pwc_level, 0u);  // walk caches are ASID-tagged too
    EXPECT_EQ(r2.pa, pa2 + 8);
    EXPECT_EQ(rig.response(2).pa, pa1 + 8);
    EXPECT_EQ(rig.response(2).hit, 1u);
    EXPECT_EQ(rig.response(3).pa, pa2 + 8);
    EXPECT_EQ(rig.response(3).hit, 1u);
}

TEST(Isolation, GlobalPageIsSharedAndSurvivesAsidFlush)
{
    Rig rig(small_config());
    const uint64_t kernel = 0xffff800000000000ull;
    mm_error err{};
    uint64_t pa = 0;
    ASSERT_EQ(pmem_alloc_frame(rig.mem(), &pa, &err), MM_OK);
    const uint32_t attrs = MM_PERM_R | MM_PERM_W | MM_PERM_G | MM_PERM_A | MM_PERM_D;
    rig.map_to(1, kernel, pa, 0, attrs);
    rig.map_to(2, kernel, pa, 0, attrs);
    rig.issue(0, kernel, 1, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR);
    rig.issue(100, kernel, 2, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR);
    rig.flush(make_flush(MMU_FLUSH_ASID, 150, 1));
    rig.issue(200, kernel, 1, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR);
    rig.flush(make_flush(MMU_FLUSH_X86_INVLPG, 250, 1, kernel));
    rig.issue(300, kernel, 2, MM_ACCESS_LOAD, MM_PRIV_SUPERVISOR);
    EXPECT_EQ(rig.response(1).hit, 1u);
    EXPECT_EQ(rig.response(1).pa, pa);
    EXPECT_EQ(rig.response(2).hit, 1u);           // global kept by the ASID flush
    EXPECT_EQ(rig.response(3).hit, MMU_HIT_WALK); // INVLPG removes global entries for va
    // a user access to the supervisor page faults from the TLB entry
    rig.issue(400, kernel, 2, MM_ACCESS_LOAD, MM_PRIV_USER);
    EXPECT_EQ(rig.response(4).fault, MM_FAULT_PERM_USER);
    EXPECT_EQ(rig.response(4).hit, 1u);
}

TEST(Flush, AsidAndVaFormsAreSelective)
{
    Rig rig(small_config());
    rig.map(1, kPage);
    rig.map(1, kPage + 0x1000);
    rig.map(2, kPage);
    rig.issue(0, kPage, 1);
    rig.issue(100, kPage + 0x1000, 1);
    rig.issue(200, kPage, 2);
    rig.flush(make_flush(MMU_FLUSH_ASID_VA, 300, 1, kPage));
    rig.issue(400, kPage, 1);           // removed
    rig.issue(500, kPage + 0x1000, 1);  // other va kept
    rig.issue(600, kPage, 2);           // other asid kept
    EXPECT_EQ(rig.response(3).hit, MMU_HIT_WALK);
    EXPECT_EQ(rig.response(4).hit, 1u);
    EXPECT_EQ(rig.response(5).hit, 1u);
    rig.flush(make_flush(MMU_FLUSH_VA, 700, 0, kPage));
    rig.issue(800, kPage, 2);  // VA form reaches every asid
    rig.issue(900, kPage + 0x1000, 1);
    EXPECT_EQ(rig.response(6).hit, MMU_HIT_WALK);
    EXPECT_EQ(rig.response(7).hit, 1u);
    rig.flush(make_flush(MMU_FLUSH_ASID, 1000, 1));
    rig.issue(1100, kPage + 0x1000, 1);
    rig.issue(1200, kPage, 2);
    EXPECT_EQ(rig.response(8).hit, MMU_HIT_WALK);
    EXPECT_EQ(rig.response(8).pwc_level, 0u);  // the ASID's walk-cache entries went too
    EXPECT_EQ(rig.response(9).hit, 1u);
}

TEST(Flush, Cr3WriteHonoursTheNoFlushBit)
{
    Rig rig(small_config());
    rig.map(1, kPage);
    rig.issue(0, kPage, 1);
    walk_ctx ctx;
    mmu_context_defaults(rig.m(), &ctx, pt_root(rig.space(1)), 1);
    mmu_flush f = make_flush(MMU_FLUSH_X86_CR3, 100);
    f.cr3 = pt_root(rig.space(1)) | 1u | PT_X86_CR3_NOFLUSH;
    rig.flush(f);
    rig.issue(200, kPage, 1);
    EXPECT_EQ(rig.response(1).hit, 1u);
    f.cycle = 300;
    f.cr3 = pt_root(rig.space(1)) | 1u;
    rig.flush(f);
    rig.issue(400, kPage, 1);
    EXPECT_EQ(rig.response(2).hit, MMU_HIT_WALK);
    EXPECT_EQ(rig.response(2).pwc_level, 0u);
}

TEST(Flush, InvpcidTypes)
{
    Rig rig(small_config());
    rig.map(1, kPage);
    rig.map(2, kPage);
    rig.issue(0, kPage, 1);
    rig.issue(100, kPage, 2);
    mmu_flush f = make_flush(MMU_FLUSH_X86_INVPCID, 200, 1, kPage);
    f.invpcid_type = 0;
    rig.flush(f);
    rig.issue(300, kPage, 1);
    rig.issue(400, kPage, 2);
    EXPECT_EQ(rig.response(2).hit, MMU_HIT_WALK);
    EXPECT_EQ(rig.response(3).hit, 1u);
    f.cycle = 500;
    f.invpcid_type = 2;
    rig.flush(f);
    rig.issue(600, kPage, 2);
    EXPECT_EQ(rig.response(4).hit, MMU_HIT_WALK);
    f.cycle = 700;
    f.invpcid_type = 9;
    mm_error err{};
    EXPECT_EQ(mmu_flush_issue(rig.m(), &f, &err), MM_ERR_INVALID);
}

mmu_config riscv_config()
{
    mmu_config c = small_config();
    c.format = PT_SV39;
    c.pa_bits = 52;
    c.mem.pa_bits = 52;
    c.pwc.geom.levels = 3;
    c.pwc.geom.level[3] = {0, 0};
    return c;
}

uint32_t rv_attrs()
{
    return MM_PERM_R | MM_PERM_W | MM_PERM_U | MM_PERM_A | MM_PERM_D;
}

TEST(Flush, SfenceVmaFourCases)
{
    Rig rig(riscv_config());
    rig.map(1, kPage, 0, rv_attrs());
    rig.map(1, kPage + 0x1000, 0, rv_attrs());
    rig.map(2, kPage, 0, rv_attrs());
    rig.issue(0, kPage, 1);
    rig.issue(100, kPage + 0x1000, 1);
    rig.issue(200, kPage, 2);
    // rs1 = va, rs2 = asid: leaf of va in asid 1 only; walk cache stays
    mmu_flush f = make_flush(MMU_FLUSH_RV_SFENCE_VMA, 300, 1, kPage);
    f.has_va = f.has_asid = true;
    rig.flush(f);
    rig.issue(400, kPage, 1);
    rig.issue(500, kPage, 2);
    EXPECT_EQ(rig.response(3).hit, MMU_HIT_WALK);
    EXPECT_EQ(rig.response(3).pwc_level, 1u);  // non-leaf entries survive
    EXPECT_EQ(rig.response(4).hit, 1u);
    // rs1 = va, rs2 = x0: va in every asid
    f.cycle = 600;
    f.has_asid = false;
    rig.flush(f);
    rig.issue(700, kPage, 2);
    rig.issue(800, kPage + 0x1000, 1);
    EXPECT_EQ(rig.response(5).hit, MMU_HIT_WALK);
    EXPECT_EQ(rig.response(5).pwc_level, 1u);
    EXPECT_EQ(rig.response(6).hit, 1u);
    // rs1 = x0, rs2 = asid: everything of asid 1, walk cache included
    f.cycle = 900;
    f.has_va = false;
    f.has_asid = true;
    rig.flush(f);
    rig.issue(1000, kPage + 0x1000, 1);
    rig.issue(1100, kPage, 2);
    EXPECT_EQ(rig.response(7).hit, MMU_HIT_WALK);
    EXPECT_EQ(rig.response(7).pwc_level, 0u);
    EXPECT_EQ(rig.response(8).hit, 1u);
    // rs1 = x0, rs2 = x0: everything
    f.cycle = 1200;
    f.has_asid = false;
    rig.flush(f);
    rig.issue(1300, kPage, 2);
    EXPECT_EQ(rig.response(9).hit, MMU_HIT_WALK);
    EXPECT_EQ(rig.response(9).pwc_level, 0u);
}

}  // namespace
