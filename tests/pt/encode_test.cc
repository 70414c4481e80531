// encode_test.cc — the format table, and the PTE encoders and pt_decode_pa
// against words worked out by hand from the Intel SDM and RISC-V
// privileged-spec bit layouts.
#include <gtest/gtest.h>

#include <string>

#include "mmulab/pt.h"

namespace {

TEST(PtFormat, TableAndNames)
{
    const char *names[] = {"x86-64-4level", "x86-64-5level", "sv39", "sv48", "sv57"};
    const unsigned levels[] = {4, 5, 3, 4, 5}, va_bits[] = {48, 57, 39, 48, 57};
    for (unsigned f = 0; f < PT_FORMAT_COUNT; f++) {
        const pt_format_info *info = pt_format_get((pt_format)f);
        ASSERT_NE(info, nullptr);
        EXPECT_STREQ(info->name, names[f]);
        EXPECT_EQ(info->levels, levels[f]);
        EXPECT_EQ(info->va_bits, va_bits[f]);
        EXPECT_EQ(info->va_bits, 12 + 9 * info->levels);
        pt_format parsed = PT_FORMAT_COUNT;
        EXPECT_EQ(pt_format_parse(names[f], &parsed, "mmu.format", nullptr), MM_OK);
        EXPECT_EQ(parsed, (pt_format)f);
    }
    EXPECT_EQ(pt_format_get(PT_FORMAT_COUNT), nullptr);
    mm_error err{};
    pt_format parsed = PT_SV39;
    EXPECT_EQ(pt_format_parse("sv64", &parsed, "mmu.format", &err), MM_ERR_CONFIG);
    EXPECT_EQ(parsed, PT_SV39);
    EXPECT_NE(std::string(err.msg).find("mmu.format"), std::string::npos) << err.msg;
}

struct EncodeCase {
    const char *name;
    pt_format format;
    unsigned level;
    uint64_t pa;
    uint32_t attrs;
    uint64_t expect;
};

// P=0x1 RW=0x2 US=0x4 PWT=0x8 PCD=0x10 A=0x20 D=0x40 PS/PAT4K=0x80 G=0x100 PATlarge=0x1000 XD=1<<63
// V=0x1 R=0x2 W=0x4 X=0x8 U=0x10 G=0x20 A=0x40 D=0x80 PPN<<10 PBMT<<61 N=1<<63
const EncodeCase kLeafCases[] = {
    {"x86_4k_rwxuadg", PT_X86_64_4LEVEL, 0, 0x12345000, MM_PERM_R | MM_PERM_W | MM_PERM_U | MM_PERM_X | MM_PERM_A | MM_PERM_D | MM_PERM_G,
     0x0000000012345167ull},
    {"x86_4k_ro_nx_pwt_pcd_pat", PT_X86_64_4LEVEL, 0, 0xabcdef000, MM_PERM_R | PT_ATTR_PWT | PT_ATTR_PCD | PT_ATTR_PAT,
     0x8000000abcdef099ull},
    {"x86_4k_top_address", PT_X86_64_5LEVEL, 0, 0x000ffffffffff000ull, MM_PERM_X, 0x000ffffffffff001ull},
    {"x86_2m_w_x_pat", PT_X86_64_4LEVEL, 1, 0x40000000, MM_PERM_W | MM_PERM_X | PT_ATTR_PAT, 0x0000000040001083ull},
    {"x86_2m_plain_nx", PT_X86_64_5LEVEL, 1, 0x7fe00000, 0, 0x800000007fe00081ull},
    {"x86_1g_user_global_accessed_nx", PT_X86_64_4LEVEL, 2, 0xfc0000000ull, MM_PERM_U | MM_PERM_G | MM_PERM_A,
     0x8000000fc00001a5ull},
    {"x86_1g_dirty_pcd", PT_X86_64_5LEVEL, 2, 0x40000000, MM_PERM_X | MM_PERM_D | PT_ATTR_PCD, 0x00000000400000d1ull},
    {"sv39_4k_rwxad", PT_SV39, 0, 0x80200000, MM_PERM_R | MM_PERM_W | MM_PERM_X | MM_PERM_A | MM_PERM_D,
     0x00000000200800cfull},
    {"sv39_2m_x_only", PT_SV39, 1, 0x80200000, MM_PERM_X, 0x0000000020080009ull},
    {"sv39_1g_ru", PT_SV39, 2, 0xc0000000, MM_PERM_R | MM_PERM_U, 0x0000000030000013ull},
    {"sv48_512g_rug", PT_SV48, 3, 0x8000000000ull, MM_PERM_R | MM_PERM_U | MM_PERM_G, 0x0000002000000033ull},
    {"sv57_256t_x", PT_SV57, 4, 1ull << 48, MM_PERM_X, 0x0000400000000009ull},
    {"sv39_napot_rw", PT_SV39, 0, 0x10000, MM_PERM_R | MM_PERM_W | PT_ATTR_NAPOT, 0x8000000000006007ull},
    {"sv39_napot_size_bits_replace_pa_bits", PT_SV39, 0, 0x1f000, MM_PERM_R | MM_PERM_W | PT_ATTR_NAPOT,
     0x8000000000006007ull},
    {"sv48_2m_pbmt_nc", PT_SV48, 1, 0x200000, MM_PERM_R | PT_ATTR_PBMT_NC, 0x2000000000080003ull},
    {"sv57_1g_pbmt_io_rwad", PT_SV57, 2, 0x40000000, MM_PERM_R | MM_PERM_W | MM_PERM_A | MM_PERM_D | PT_ATTR_PBMT_IO,
     0x40000000100000c7ull},
    {"sv48_4k_top_ppn", PT_SV48, 0, (1ull << 56) - 4096, MM_PERM_R, 0x003ffffffffffc03ull},
    {"sv39_4k_x86_attrs_ignored", PT_SV39, 0, 0x3000, MM_PERM_R | PT_ATTR_PAT | PT_ATTR_PWT, 0x0000000000000c03ull},
};

class EncodeLeaf : public testing::TestWithParam<EncodeCase> {};

TEST_P(EncodeLeaf, ExactWord)
{
    const EncodeCase &c = GetParam();
    EXPECT_EQ(pt_encode_leaf(c.format, c.level, c.pa, c.attrs), c.expect)
        << std::hex << "got 0x" << pt_encode_leaf(c.format, c.level, c.pa, c.attrs);
}

INSTANTIATE_TEST_SUITE_P(AllFormats, EncodeLeaf, testing::ValuesIn(kLeafCases),
                         [](const testing::TestParamInfo<EncodeCase> &i) { return std::string(i.param.name); });

TEST(EncodeTable, X86PointerIsPresentWritableUserAccessed)
{
    EXPECT_EQ(pt_encode_table(PT_X86_64_4LEVEL, 0x5000), 0x5027ull);
    EXPECT_EQ(pt_encode_table(PT_X86_64_5LEVEL, 0x000ffffffffff000ull), 0x000ffffffffff027ull);
}

TEST(EncodeTable, RiscvPointerIsValidOnly)
{
    EXPECT_EQ(pt_encode_table(PT_SV39, 0x87654000), 0x21d95001ull);
    EXPECT_EQ(pt_encode_table(PT_SV48, 0x1000), 0x401ull);
    EXPECT_EQ(pt_encode_table(PT_SV57, (1ull << 56) - 4096), 0x003ffffffffffc01ull);
}

TEST(EncodeTable, BadFormatGivesZero)
{
    EXPECT_EQ(pt_encode_table(PT_FORMAT_COUNT, 0x1000), 0u);
    EXPECT_EQ(pt_encode_leaf(PT_FORMAT_COUNT, 0, 0x1000, MM_PERM_R), 0u);
    EXPECT_EQ(pt_decode_pa(PT_FORMAT_COUNT, 0x1001), 0u);
}

TEST(DecodePa, InvertsEncoders)
{
    EXPECT_EQ(pt_decode_pa(PT_X86_64_4LEVEL, 0x8000000abcdef099ull), 0xabcdef000ull);
    EXPECT_EQ(pt_decode_pa(PT_X86_64_4LEVEL, 0x5027), 0x5000ull);
    // The large-page PAT bit sits in the address field: documented to be left in.
    EXPECT_EQ(pt_decode_pa(PT_X86_64_4LEVEL, 0x0000000040001083ull), 0x40001000ull);
    EXPECT_EQ(pt_decode_pa(PT_X86_64_4LEVEL, 0x0000000040000083ull), 0x40000000ull);
    EXPECT_EQ(pt_decode_pa(PT_SV39, 0x21d95001), 0x87654000ull);
    EXPECT_EQ(pt_decode_pa(PT_SV39, 0x00000000200800cfull), 0x80200000ull);
    EXPECT_EQ(pt_decode_pa(PT_SV48, 0x2000000000080003ull), 0x200000ull); // PBMT is not address
    EXPECT_EQ(pt_decode_pa(PT_SV39, 0x8000000000006007ull), 0x10000ull);  // NAPOT size bits dropped
    EXPECT_EQ(pt_decode_pa(PT_SV48, 0x003ffffffffffc03ull), (1ull << 56) - 4096);
    // RISC-V reserved bits 60:54 never leak into the address.
    EXPECT_EQ(pt_decode_pa(PT_SV57, 0x1fc0000000000401ull), 0x1000ull);

    for (unsigned f = 0; f < PT_FORMAT_COUNT; f++) {
        const pt_format_info *info = pt_format_get((pt_format)f);
        for (unsigned level = 0; level < info->levels; level++) {
            if (!(info->leaf_levels & (1u << level)))
                continue;
            uint64_t pa = 0x5ull << (12 + 9 * level);
            EXPECT_EQ(pt_decode_pa((pt_format)f, pt_encode_leaf((pt_format)f, level, pa, MM_PERM_R)), pa)
                << info->name << " level " << level;
        }
    }
}

} // namespace
