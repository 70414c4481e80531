/*
 * pte.h — bit-level facts about PTEs shared by the builder and the walker:
 * where a va's entry sits in a table, how large a level's page is, and how
 * each format tells a leaf from a table pointer and finds the address a
 * PTE holds.
 */
#ifndef MMULAB_PT_PTE_H
#define MMULAB_PT_PTE_H

#include "mmulab/pt.h"

#define PTE_INDEX_MASK 511u
#define PTE_RV_NAPOT_MASK 0xffffull /* a 64 KiB Svnapot range */
#define PTE_RV_NAPOT_PPN_BITS 0x8ull /* ppn[3:0] of a 64 KiB Svnapot leaf */
#define PTE_RV_NAPOT_GROUP 16u       /* 4 KiB PTEs that make up one 64 KiB range */
#define PTE_X86_LARGE_RSVD_1 0x00000000001fe000ull /* 2M leaf: bits 20:13 */
#define PTE_X86_LARGE_RSVD_2 0x000000003fffe000ull /* 1G leaf: bits 29:13 */

static inline bool pte_format_is_x86(pt_format format)
{
    return format == PT_X86_64_4LEVEL || format == PT_X86_64_5LEVEL;
}

/* Bytes covered by one entry of `level`, minus one. */
static inline uint64_t pte_page_mask(unsigned level)
{
    return (1ull << MM_LEVEL_SHIFT(level)) - 1;
}

/* Byte offset of va's entry inside a table of `level`. */
static inline uint64_t pte_slot_offset(uint64_t va, unsigned level)
{
    return ((va >> MM_LEVEL_SHIFT(level)) & PTE_INDEX_MASK) << 3;
}

/* P and V are both bit 0. */
static inline bool pte_present(uint64_t pte)
{
    return (pte & 1u) != 0;
}

/* A present entry that maps memory rather than pointing to a table. x86
 * PS is a leaf marker only at levels 1 and 2 (above it is reserved, and
 * at level 0 bit 7 is PAT). */
static inline bool pte_is_leaf(bool is_x86, unsigned level, uint64_t pte)
{
    if (is_x86)
        return level == 0 || (level <= 2 && (pte & PT_X86_PS));
    return (pte & (PT_RV_R | PT_RV_X)) != 0;
}

/* Base of the next-level table a pointer entry holds. */
static inline uint64_t pte_table_base(bool is_x86, uint64_t pte)
{
    return is_x86 ? pte & PT_X86_ADDR_MASK : (pte & PT_RV_PPN_MASK) << (MM_PAGE_SHIFT - PT_RV_PPN_SHIFT);
}

/* Base of the page a leaf of `level` maps: the large-page PAT bit (x86)
 * and the Svnapot size bits (RISC-V) are not address bits. */
static inline uint64_t pte_leaf_base(bool is_x86, unsigned level, uint64_t pte)
{
    if (is_x86)
        return pte & PT_X86_ADDR_MASK & ~pte_page_mask(level);
    uint64_t base = (pte & PT_RV_PPN_MASK) << (MM_PAGE_SHIFT - PT_RV_PPN_SHIFT);
    return (pte & PT_RV_N) ? base & ~PTE_RV_NAPOT_MASK : base;
}

#endif
