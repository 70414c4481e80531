/*
 * walk.h — the architectural page-table walk of every format: the PTEs it
 * reads, the A/D updates it writes, and every fault the specifications
 * define. The walker is functional only; the MMU engine (mmu.h) times it.
 */
#ifndef MMULAB_WALK_H
#define MMULAB_WALK_H

#include "mmulab/common.h"
#include "mmulab/pt.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    WALK_AD_HARDWARE = 0, /* x86 always; RISC-V Svadu: hardware sets A/D */
    WALK_AD_FAULT = 1     /* RISC-V Svade: A=0, or store with D=0, faults */
} walk_ad_mode;

/* One address space's translation context: what CR3/CR0/CR4/EFER or
 * satp/sstatus/menvcfg contribute to a walk. */
typedef struct {
    pt_format format;
    uint64_t root_pa;   /* CR3 base or satp.PPN << 12 */
    uint16_t asid;      /* PCID or ASID: tags TLB and walk-cache entries */
    unsigned pa_bits;   /* x86 MAXPHYADDR: PTE address bits above it are reserved */
    walk_ad_mode ad;    /* x86 requires WALK_AD_HARDWARE */
    /* x86 */
    bool nxe;           /* EFER.NXE: XD usable (else bit 63 reserved) */
    bool wp;            /* CR0.WP: supervisor writes honour R/W */
    bool smep, smap;    /* CR4.SMEP / CR4.SMAP */
    /* RISC-V */
    bool sum, mxr;      /* sstatus.SUM / sstatus.MXR */
    bool svnapot;       /* N bit allowed */
    bool svpbmt;        /* PBMT field allowed */
} walk_ctx;

/* Fills ctx with the defaults for format: pa_bits 46 for x86 (52 for
 * RISC-V), NXE=1, WP=1, others off, A/D hardware. */
void walk_ctx_init(walk_ctx *ctx, pt_format format, uint64_t root_pa, uint16_t asid);

/* Memory seen by the walker. read_pte returns false for a bus error
 * (address outside physical memory). The MMU engine routes reads through
 * the PTE-address-keyed walk cache here. */
typedef struct {
    bool (*read_pte)(void *opaque, uint64_t pa, unsigned level, uint64_t *value);
    void (*write_pte)(void *opaque, uint64_t pa, unsigned level, uint64_t value);
    void *opaque;
} walk_mem;

/* A walk that starts below a walk-cache hit: the table of `level` lives at
 * table_pa and the levels above contributed `perm` (x86: accumulated
 * W/U/X, R always; RISC-V: ignored) and `global`. */
typedef struct {
    unsigned level;
    uint64_t table_pa;
    uint8_t perm;
    bool global;
} walk_start;

#define WALK_MAX_ACCESSES (2 * MM_MAX_LEVELS + 2)

typedef struct {
    uint64_t pa;      /* physical address of the PTE */
    uint64_t value;   /* value read, or value written */
    uint8_t level;
    uint8_t is_write; /* 1: A/D update (a locked read-modify-write) */
} walk_access;

typedef struct {
    mm_fault fault;
    uint64_t pa;          /* translated address (valid when fault == NONE) */
    unsigned leaf_level;  /* page size: 0 = 4K, 1 = 2M, 2 = 1G, ... */
    uint8_t perm;         /* effective MM_PERM_* (R/W/X/U/G, A/D after update) */
    uint64_t leaf_pte;    /* leaf PTE as it is in memory after the walk */
    unsigned start_level; /* level of the first PTE read */
    unsigned n_accesses;
    walk_access accesses[WALK_MAX_ACCESSES]; /* in program order */
    /* For walk-cache fills: for every non-leaf level L the walk consumed
     * (start_level >= L > leaf_level, or the level where it faulted),
     * next_table[L] is the base of the level L-1 table it pointed to,
     * perm_after[L] the accumulated rights after level L, fillable[L]
     * whether the entry may be cached (present, no reserved bits, and
     * for x86 A=1 after the walk). */
    uint64_t next_table[MM_MAX_LEVELS];
    uint8_t perm_after[MM_MAX_LEVELS];
    bool global_after[MM_MAX_LEVELS];
    bool fillable[MM_MAX_LEVELS];
} walk_result;

/* Walks va for (access, priv). start may be NULL (walk from the root).
 * Always completes: faults are reported in result->fault. */
void walk_run(const walk_ctx *ctx, const walk_mem *mem, uint64_t va, mm_access access,
              mm_priv priv, const walk_start *start, walk_result *result);

/* A walk taken one PTE at a time, for a walker whose page-table-cache
 * probes happen at their own cycles (the engine's `pte` design): begin,
 * then while !done read the PTE at walk_next_pte_pa and hand it to
 * walk_step. walk_run is this loop with mem->read_pte. */
typedef struct {
    unsigned level;   /* of the next PTE read */
    uint64_t table;   /* base of that level's table */
    unsigned perm;    /* x86: rights accumulated above */
    bool global;      /* RISC-V: a pointer above set G */
    bool x86;
    bool done;        /* result is complete */
} walk_cursor;

void walk_begin(const walk_ctx *ctx, uint64_t va, const walk_start *start, walk_cursor *cur,
                walk_result *result);
uint64_t walk_next_pte_pa(const walk_cursor *cur, uint64_t va);
/* Consumes the PTE read at walk_next_pte_pa (ok false: a bus error); may
 * write an A/D update through mem->write_pte (mem->read_pte is not used). */
void walk_step(const walk_ctx *ctx, const walk_mem *mem, uint64_t va, mm_access access,
               mm_priv priv, walk_cursor *cur, bool ok, uint64_t pte, walk_result *result);

/* The permission check applied to a cached translation (a TLB hit):
 * the same rules the walker applies to the leaf. Returns MM_FAULT_NONE,
 * a permission fault, or MM_FAULT_DIRTY_CLEAR / MM_FAULT_ACCESSED_CLEAR
 * when the cached A/D bits require a walk (hardware mode) or fault
 * (Svade). */
mm_fault walk_check_perm(const walk_ctx *ctx, uint8_t perm, mm_access access, mm_priv priv);

/* True when va is canonical for the format (x86: bits 63..va_bits-1 equal;
 * RISC-V: bits 63..va_bits equal bit va_bits-1). */
bool walk_va_canonical(pt_format format, uint64_t va);

/* A walk_mem that reads and writes pmem directly (no walk cache). */
void walk_mem_from_pmem(walk_mem *out, pmem *mem);

#ifdef __cplusplus
}
#endif
#endif
