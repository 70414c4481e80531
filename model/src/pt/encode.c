/*
 * encode.c — the exact architectural PTE words: leaves and table pointers
 * for x86-64 and RISC-V, and the address a PTE word holds.
 */
#include "mmulab/pt.h"

#include "pt/pte.h"

static uint64_t x86_leaf(unsigned level, uint64_t pa, uint32_t attrs)
{
    uint64_t pte = PT_X86_P | (pa & PT_X86_ADDR_MASK);
    if (attrs & MM_PERM_W)
        pte |= PT_X86_RW;
    if (attrs & MM_PERM_U)
        pte |= PT_X86_US;
    if (attrs & PT_ATTR_PWT)
        pte |= PT_X86_PWT;
    if (attrs & PT_ATTR_PCD)
        pte |= PT_X86_PCD;
    if (attrs & MM_PERM_A)
        pte |= PT_X86_A;
    if (attrs & MM_PERM_D)
        pte |= PT_X86_D;
    if (attrs & MM_PERM_G)
        pte |= PT_X86_G;
    if (level > 0)
        pte |= PT_X86_PS;
    /* PAT moves to bit 12 in a large leaf because bit 7 is PS there. */
    if (attrs & PT_ATTR_PAT)
        pte |= level > 0 ? PT_X86_PAT_LARGE : PT_X86_PS;
    if (!(attrs & MM_PERM_X))
        pte |= PT_X86_XD;
    return pte;
}

static uint64_t rv_leaf(uint64_t pa, uint32_t attrs)
{
    uint64_t ppn = pa >> MM_PAGE_SHIFT;
    uint64_t pte = PT_RV_V;
    if (attrs & MM_PERM_R)
        pte |= PT_RV_R;
    if (attrs & MM_PERM_W)
        pte |= PT_RV_W;
    if (attrs & MM_PERM_X)
        pte |= PT_RV_X;
    if (attrs & MM_PERM_U)
        pte |= PT_RV_U;
    if (attrs & MM_PERM_G)
        pte |= PT_RV_G;
    if (attrs & MM_PERM_A)
        pte |= PT_RV_A;
    if (attrs & MM_PERM_D)
        pte |= PT_RV_D;
    if (attrs & PT_ATTR_NAPOT) {
        /* Svnapot encodes the 64 KiB size in ppn[3:0] = 0b1000. */
        ppn = (ppn & ~0xfull) | PTE_RV_NAPOT_PPN_BITS;
        pte |= PT_RV_N;
    }
    if (attrs & PT_ATTR_PBMT_NC)
        pte |= 1ull << PT_RV_PBMT_SHIFT;
    if (attrs & PT_ATTR_PBMT_IO)
        pte |= 2ull << PT_RV_PBMT_SHIFT;
    return pte | ((ppn << PT_RV_PPN_SHIFT) & PT_RV_PPN_MASK);
}

uint64_t pt_encode_leaf(pt_format format, unsigned level, uint64_t pa, uint32_t attrs)
{
    if ((unsigned)format >= PT_FORMAT_COUNT)
        return 0;
    return pte_format_is_x86(format) ? x86_leaf(level, pa, attrs) : rv_leaf(pa, attrs);
}

uint64_t pt_encode_table(pt_format format, uint64_t table_pa)
{
    if ((unsigned)format >= PT_FORMAT_COUNT)
        return 0;
    if (pte_format_is_x86(format))
        return PT_X86_P | PT_X86_RW | PT_X86_US | PT_X86_A | (table_pa & PT_X86_ADDR_MASK);
    return PT_RV_V | (((table_pa >> MM_PAGE_SHIFT) << PT_RV_PPN_SHIFT) & PT_RV_PPN_MASK);
}

/* x86: the 51:12 field as stored. Without the level a 4 KiB leaf with
 * PAT (bit 7) cannot be told from a large leaf (PS, bit 7), so the PAT
 * bit 12 of a large leaf is left in; align to the page size to drop it.
 * RISC-V: PPN << 12, with the Svnapot size bits cleared when N is set. */
uint64_t pt_decode_pa(pt_format format, uint64_t pte)
{
    if ((unsigned)format >= PT_FORMAT_COUNT)
        return 0;
    bool is_x86 = pte_format_is_x86(format);
    return is_x86 ? pte & PT_X86_ADDR_MASK : pte_leaf_base(false, 0, pte);
}
