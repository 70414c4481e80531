/*
 * pt.h — page-table formats and the builder that writes real page tables
 * into simulated physical memory: x86-64 4-level and 5-level (LA57) and
 * RISC-V Sv39/Sv48/Sv57, with their architectural bit layouts.
 */
#ifndef MMULAB_PT_H
#define MMULAB_PT_H

#include "mmulab/common.h"
#include "mmulab/pmem.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    PT_X86_64_4LEVEL = 0,
    PT_X86_64_5LEVEL = 1,
    PT_SV39 = 2,
    PT_SV48 = 3,
    PT_SV57 = 4,
    PT_FORMAT_COUNT
} pt_format;

typedef struct {
    const char *name;        /* "x86-64-4level", "x86-64-5level", "sv39", "sv48", "sv57" */
    unsigned levels;         /* 4, 5, 3, 4, 5 */
    unsigned va_bits;        /* 48, 57, 39, 48, 57 */
    bool is_x86;
    uint32_t leaf_levels;    /* bit i set: level i may hold a leaf (x86: 0..2; RISC-V: all) */
} pt_format_info;

const pt_format_info *pt_format_get(pt_format format);
/* Accepts the names above; MM_ERR_CONFIG naming `what` otherwise. */
int pt_format_parse(const char *name, pt_format *out, const char *what, mm_error *err);

/* x86-64 PTE bits. */
#define PT_X86_P (1ull << 0)
#define PT_X86_RW (1ull << 1)
#define PT_X86_US (1ull << 2)
#define PT_X86_PWT (1ull << 3)
#define PT_X86_PCD (1ull << 4)
#define PT_X86_A (1ull << 5)
#define PT_X86_D (1ull << 6)
#define PT_X86_PS (1ull << 7)
#define PT_X86_G (1ull << 8)
#define PT_X86_PAT_LARGE (1ull << 12) /* PAT bit of a 2M/1G leaf */
#define PT_X86_XD (1ull << 63)
#define PT_X86_ADDR_MASK 0x000ffffffffff000ull /* bits 51:12 */
#define PT_X86_CR3_PCID_MASK 0xfffull
#define PT_X86_CR3_NOFLUSH (1ull << 63)

/* RISC-V PTE bits. */
#define PT_RV_V (1ull << 0)
#define PT_RV_R (1ull << 1)
#define PT_RV_W (1ull << 2)
#define PT_RV_X (1ull << 3)
#define PT_RV_U (1ull << 4)
#define PT_RV_G (1ull << 5)
#define PT_RV_A (1ull << 6)
#define PT_RV_D (1ull << 7)
#define PT_RV_PPN_SHIFT 10
#define PT_RV_PPN_MASK 0x003ffffffffffc00ull /* bits 53:10 */
#define PT_RV_RESERVED_MASK 0x1fc0000000000000ull /* bits 60:54 */
#define PT_RV_PBMT_SHIFT 61
#define PT_RV_PBMT_MASK (3ull << 61)
#define PT_RV_N (1ull << 63)

/* Format-independent leaf attributes for the builder (MM_PERM_* for
 * R/W/X/U/G/A/D plus these). x86 always maps readable pages; X clear
 * means XD set. */
enum {
    PT_ATTR_PWT = 1u << 8,   /* x86 */
    PT_ATTR_PCD = 1u << 9,   /* x86 */
    PT_ATTR_PAT = 1u << 10,  /* x86 */
    PT_ATTR_PBMT_NC = 1u << 11, /* RISC-V Svpbmt: PBMT=1 */
    PT_ATTR_PBMT_IO = 1u << 12, /* RISC-V Svpbmt: PBMT=2 */
    PT_ATTR_NAPOT = 1u << 13    /* RISC-V Svnapot: N=1 (64 KiB, level 0 only) */
};

/* Encoders: the exact PTE word for a leaf of `level` mapping pa, and for a
 * pointer to the next-level table. Non-leaf x86 entries are P|RW|US|A;
 * non-leaf RISC-V entries are V only. */
uint64_t pt_encode_leaf(pt_format format, unsigned level, uint64_t pa, uint32_t attrs);
uint64_t pt_encode_table(pt_format format, uint64_t table_pa);
/* Physical address held in a PTE (table base or page base), format rules. */
uint64_t pt_decode_pa(pt_format format, uint64_t pte);

typedef struct pt pt; /* one address space's page table */

/* Allocates a zeroed root table from mem. The pt does not own mem. */
pt *pt_create(pt_format format, pmem *mem, mm_error *err);
void pt_destroy(pt *table); /* frees the host object; frames stay allocated */
pt_format pt_get_format(const pt *table);
uint64_t pt_root(const pt *table); /* physical address of the root table */
pmem *pt_mem(const pt *table);

/* Maps the page of `level` at va (aligned to that size) to pa (aligned),
 * allocating intermediate tables. MM_ERR_INVALID for a level the format
 * cannot hold as a leaf or misaligned va/pa; MM_ERR_EXISTS when a mapping
 * of any size already covers part of the range. */
int pt_map(pt *table, uint64_t va, uint64_t pa, unsigned level, uint32_t attrs, mm_error *err);
/* Removes the leaf of `level` at va; MM_ERR_NOT_FOUND if absent. */
int pt_unmap(pt *table, uint64_t va, unsigned level, mm_error *err);
/* Rewrites the attributes of the leaf that maps va (any size). */
int pt_protect(pt *table, uint64_t va, uint32_t attrs, mm_error *err);
/* Physical address of the PTE at `level` on the path of va (the tables down
 * to that level must exist): lets tests and the OS layer read or corrupt
 * any entry. MM_ERR_NOT_FOUND when a table on the path is missing. */
int pt_pte_addr(const pt *table, uint64_t va, unsigned level, uint64_t *pte_pa, mm_error *err);

#ifdef __cplusplus
}
#endif
#endif
