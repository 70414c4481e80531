/*
 * pt.c — the page-table builder: one address space's tables written into
 * simulated physical memory with the architectural encodings, so the
 * walker and the MMU read exactly what hardware would. Intermediate
 * tables are allocated on demand and never freed (as most OSes do).
 */
#include "mmulab/pt.h"

#include <stdlib.h>

#include "mmulab/walk.h"
#include "pt/pte.h"

struct pt {
    pt_format format;
    const pt_format_info *info;
    pmem *mem;
    uint64_t root;
};

#define X86_ATTRS (PT_ATTR_PWT | PT_ATTR_PCD | PT_ATTR_PAT)
#define RV_ATTRS (PT_ATTR_PBMT_NC | PT_ATTR_PBMT_IO | PT_ATTR_NAPOT)
#define ALL_ATTRS                                                                            \
    (MM_PERM_R | MM_PERM_W | MM_PERM_X | MM_PERM_U | MM_PERM_G | MM_PERM_A | MM_PERM_D |    \
     X86_ATTRS | RV_ATTRS)

static const char *const size_names[MM_MAX_LEVELS] = {"4K", "2M", "1G", "512G", "256T"};

pt *pt_create(pt_format format, pmem *mem, mm_error *err)
{
    const pt_format_info *info = pt_format_get(format);
    if (!info)
        return mm_fail(err, MM_ERR_INVALID, "pt_create: format %d is not a page-table format",
                       (int)format),
               NULL;
    if (!mem)
        return mm_fail(err, MM_ERR_INVALID, "pt_create: mem is NULL"), NULL;
    pt *table = malloc(sizeof *table);
    if (!table)
        return mm_fail(err, MM_ERR_NOMEM, "pt_create: out of host memory"), NULL;
    if (pmem_alloc_frame(mem, &table->root, err) != MM_OK) {
        free(table);
        return NULL;
    }
    table->format = format;
    table->info = info;
    table->mem = mem;
    return table;
}

void pt_destroy(pt *table)
{
    free(table);
}

pt_format pt_get_format(const pt *table)
{
    return table->format;
}

uint64_t pt_root(const pt *table)
{
    return table->root;
}

pmem *pt_mem(const pt *table)
{
    return table->mem;
}

static int check_level(const pt *table, unsigned level, bool leaf, mm_error *err)
{
    if (level >= table->info->levels)
        return mm_fail(err, MM_ERR_INVALID, "level %u: %s has levels 0..%u", level,
                       table->info->name, table->info->levels - 1);
    if (leaf && !(table->info->leaf_levels & (1u << level)))
        return mm_fail(err, MM_ERR_INVALID, "level %u: %s cannot map a %s page", level,
                       table->info->name, size_names[level]);
    return MM_OK;
}

static int check_va(const pt *table, uint64_t va, mm_error *err)
{
    if (!walk_va_canonical(table->format, va))
        return mm_fail(err, MM_ERR_INVALID, "va 0x%llx is not canonical for %s",
                       (unsigned long long)va, table->info->name);
    return MM_OK;
}

/* Attributes a leaf of `level` may carry in this format. RISC-V leaves
 * need R or X (else the entry is a pointer) and W requires R. */
static int check_attrs(const pt *table, unsigned level, uint32_t attrs, mm_error *err)
{
    const char *name = table->info->name;
    if (attrs & ~(uint32_t)ALL_ATTRS)
        return mm_fail(err, MM_ERR_INVALID, "attrs 0x%x: unknown bits 0x%x", attrs,
                       attrs & ~(uint32_t)ALL_ATTRS);
    if (table->info->is_x86) {
        if (attrs & RV_ATTRS)
            return mm_fail(err, MM_ERR_INVALID, "attrs 0x%x: PBMT/NAPOT are RISC-V attributes, not %s",
                           attrs, name);
        return MM_OK;
    }
    if (attrs & X86_ATTRS)
        return mm_fail(err, MM_ERR_INVALID, "attrs 0x%x: PWT/PCD/PAT are x86 attributes, not %s",
                       attrs, name);
    if (!(attrs & (MM_PERM_R | MM_PERM_X)))
        return mm_fail(err, MM_ERR_INVALID, "attrs 0x%x: a %s leaf needs R or X", attrs, name);
    if ((attrs & MM_PERM_W) && !(attrs & MM_PERM_R))
        return mm_fail(err, MM_ERR_INVALID, "attrs 0x%x: W without R is reserved in %s", attrs, name);
    if ((attrs & PT_ATTR_PBMT_NC) && (attrs & PT_ATTR_PBMT_IO))
        return mm_fail(err, MM_ERR_INVALID, "attrs 0x%x: PBMT_NC and PBMT_IO are exclusive", attrs);
    if ((attrs & PT_ATTR_NAPOT) && level != 0)
        return mm_fail(err, MM_ERR_INVALID, "attrs 0x%x: NAPOT needs a level-0 leaf, not level %u",
                       attrs, level);
    return MM_OK;
}

/* Follows va's path from the root to the table of `level`. With `create`,
 * missing tables are allocated and a leaf on the way is MM_ERR_EXISTS;
 * without, either is MM_ERR_NOT_FOUND. */
static int find_table(const pt *table, uint64_t va, unsigned level, bool create,
                      uint64_t *table_pa, mm_error *err)
{
    bool is_x86 = table->info->is_x86;
    uint64_t base = table->root;
    for (unsigned l = table->info->levels - 1; l > level; l--) {
        uint64_t slot = base + pte_slot_offset(va, l);
        uint64_t pte = pmem_read64(table->mem, slot);
        if (!pte_present(pte)) {
            if (!create)
                return mm_fail(err, MM_ERR_NOT_FOUND, "va 0x%llx: no level-%u table (level-%u entry empty)",
                               (unsigned long long)va, l - 1, l);
            int rc = pmem_alloc_frame(table->mem, &base, err);
            if (rc != MM_OK)
                return rc;
            pmem_write64(table->mem, slot, pt_encode_table(table->format, base));
            continue;
        }
        if (pte_is_leaf(is_x86, l, pte))
            return mm_fail(err, create ? MM_ERR_EXISTS : MM_ERR_NOT_FOUND,
                           "va 0x%llx: a %s page at level %u already maps it",
                           (unsigned long long)va, size_names[l], l);
        base = pte_table_base(is_x86, pte);
        if (!pmem_valid_pa(table->mem, base))
            return mm_fail(err, MM_ERR_INVALID,
                           "va 0x%llx: level-%u entry points to 0x%llx, outside physical memory",
                           (unsigned long long)va, l, (unsigned long long)base);
    }
    *table_pa = base;
    return MM_OK;
}

static uint64_t max_pa(const pt *table)
{
    /* x86 holds address bits 51:12, RISC-V a 44-bit PPN. */
    return table->info->is_x86 ? (1ull << 52) - 1 : (1ull << 56) - 1;
}

int pt_map(pt *table, uint64_t va, uint64_t pa, unsigned level, uint32_t attrs, mm_error *err)
{
    int rc = check_level(table, level, true, err);
    if (rc == MM_OK)
        rc = check_va(table, va, err);
    if (rc == MM_OK)
        rc = check_attrs(table, level, attrs, err);
    if (rc != MM_OK)
        return rc;
    bool napot = (attrs & PT_ATTR_NAPOT) != 0;
    uint64_t span = napot ? PTE_RV_NAPOT_MASK : pte_page_mask(level);
    const char *size = napot ? "64K" : size_names[level];
    if (va & span)
        return mm_fail(err, MM_ERR_INVALID, "va 0x%llx is not aligned to its %s page",
                       (unsigned long long)va, size);
    if (pa & span)
        return mm_fail(err, MM_ERR_INVALID, "pa 0x%llx is not aligned to its %s page",
                       (unsigned long long)pa, size);
    if (pa > max_pa(table))
        return mm_fail(err, MM_ERR_INVALID, "pa 0x%llx does not fit in a %s PTE",
                       (unsigned long long)pa, table->info->name);
    uint64_t base;
    rc = find_table(table, va, level, true, &base, err);
    if (rc != MM_OK)
        return rc;
    unsigned count = napot ? PTE_RV_NAPOT_GROUP : 1;
    uint64_t slot = base + pte_slot_offset(va, level);
    for (unsigned i = 0; i < count; i++)
        if (pte_present(pmem_read64(table->mem, slot + 8u * i)))
            return mm_fail(err, MM_ERR_EXISTS, "va 0x%llx: level-%u entry already present",
                           (unsigned long long)(va + ((uint64_t)i << MM_PAGE_SHIFT)), level);
    uint64_t pte = pt_encode_leaf(table->format, level, pa, attrs);
    for (unsigned i = 0; i < count; i++)
        pmem_write64(table->mem, slot + 8u * i, pte);
    return MM_OK;
}

/* Slot and count of the entries that make up the leaf at slot: the whole
 * aligned group for a 64 KiB Svnapot leaf, else the entry alone. */
static unsigned leaf_group(const pt *table, uint64_t pte, uint64_t *slot)
{
    if (table->info->is_x86 || !(pte & PT_RV_N))
        return 1;
    *slot &= ~(uint64_t)(PTE_RV_NAPOT_GROUP * 8u - 1);
    return PTE_RV_NAPOT_GROUP;
}

int pt_unmap(pt *table, uint64_t va, unsigned level, mm_error *err)
{
    int rc = check_level(table, level, true, err);
    if (rc == MM_OK)
        rc = check_va(table, va, err);
    uint64_t base;
    if (rc == MM_OK)
        rc = find_table(table, va, level, false, &base, err);
    if (rc != MM_OK)
        return rc;
    uint64_t slot = base + pte_slot_offset(va, level);
    uint64_t pte = pmem_read64(table->mem, slot);
    if (!pte_present(pte) || !pte_is_leaf(table->info->is_x86, level, pte))
        return mm_fail(err, MM_ERR_NOT_FOUND, "va 0x%llx: no %s page mapped at level %u",
                       (unsigned long long)va, size_names[level], level);
    unsigned count = leaf_group(table, pte, &slot);
    for (unsigned i = 0; i < count; i++)
        pmem_write64(table->mem, slot + 8u * i, 0);
    return MM_OK;
}

int pt_protect(pt *table, uint64_t va, uint32_t attrs, mm_error *err)
{
    int rc = check_va(table, va, err);
    if (rc != MM_OK)
        return rc;
    bool is_x86 = table->info->is_x86;
    uint64_t base = table->root;
    for (unsigned level = table->info->levels; level-- > 0;) {
        uint64_t slot = base + pte_slot_offset(va, level);
        uint64_t pte = pmem_read64(table->mem, slot);
        if (!pte_present(pte))
            break;
        if (!pte_is_leaf(is_x86, level, pte)) {
            base = pte_table_base(is_x86, pte);
            if (level == 0 || !pmem_valid_pa(table->mem, base))
                break;
            continue;
        }
        rc = check_attrs(table, level, attrs, err);
        if (rc != MM_OK)
            return rc;
        if (!is_x86 && ((pte & PT_RV_N) != 0) != ((attrs & PT_ATTR_NAPOT) != 0))
            return mm_fail(err, MM_ERR_INVALID,
                           "va 0x%llx: protect cannot change NAPOT (split or merge the mapping)",
                           (unsigned long long)va);
        uint64_t updated = pt_encode_leaf(table->format, level, pte_leaf_base(is_x86, level, pte), attrs);
        unsigned count = leaf_group(table, pte, &slot);
        for (unsigned i = 0; i < count; i++)
            pmem_write64(table->mem, slot + 8u * i, updated);
        return MM_OK;
    }
    return mm_fail(err, MM_ERR_NOT_FOUND, "va 0x%llx: not mapped", (unsigned long long)va);
}

int pt_pte_addr(const pt *table, uint64_t va, unsigned level, uint64_t *pte_pa, mm_error *err)
{
    int rc = check_level(table, level, false, err);
    if (rc == MM_OK)
        rc = check_va(table, va, err);
    uint64_t base;
    if (rc == MM_OK)
        rc = find_table(table, va, level, false, &base, err);
    if (rc != MM_OK)
        return rc;
    *pte_pa = base + pte_slot_offset(va, level);
    return MM_OK;
}
