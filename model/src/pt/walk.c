/*
 * walk.c — the architectural page walk: x86-64 per Intel SDM vol. 3 ch. 4
 * (4- and 5-level paging, hardware A/D) and RISC-V Sv39/48/57 per the
 * privileged spec 1.12 §4.3.2 with Svnapot, Svpbmt, Svade and Svadu. It
 * records every PTE read and A/D write in order, and what a walk cache
 * may keep of each non-leaf level it consumed.
 *
 * On a fault, leaf_level is the level whose entry faulted (the start level
 * for a non-canonical va), leaf_pte that entry as read (0 when nothing
 * could be read), and pa and perm are 0.
 */
#include "mmulab/walk.h"

#include "pt/pte.h"

#define PERM_RWXU (MM_PERM_R | MM_PERM_W | MM_PERM_X | MM_PERM_U)

static inline void record(walk_result *r, uint64_t pa, uint64_t value, unsigned level, bool write)
{
    walk_access *a = &r->accesses[r->n_accesses++];
    a->pa = pa;
    a->value = value;
    a->level = (uint8_t)level;
    a->is_write = write;
}

static inline void fail(walk_result *r, mm_fault fault, unsigned level, uint64_t pte)
{
    r->fault = fault;
    r->leaf_level = level;
    r->leaf_pte = pte;
    r->pa = 0;
    r->perm = 0;
    r->fillable[level] = false;
}

/* The leaf rights check of SDM 4.6 on accumulated rights; EFLAGS.AC is
 * taken as 0, so SMAP blocks every supervisor data access to user pages. */
static mm_fault x86_perm_fault(const walk_ctx *ctx, unsigned perm, mm_access access, mm_priv priv)
{
    if (priv == MM_PRIV_USER) {
        if (!(perm & MM_PERM_U))
            return MM_FAULT_PERM_USER;
    } else if (perm & MM_PERM_U) {
        if (access == MM_ACCESS_IFETCH ? ctx->smep : ctx->smap)
            return MM_FAULT_PERM_SUPERVISOR;
    }
    if (access == MM_ACCESS_STORE && !(perm & MM_PERM_W) && (priv == MM_PRIV_USER || ctx->wp))
        return MM_FAULT_PERM_WRITE;
    if (access == MM_ACCESS_IFETCH && !(perm & MM_PERM_X))
        return MM_FAULT_PERM_EXEC;
    return MM_FAULT_NONE;
}

/* Step 5 of §4.3.2: the leaf's R/W/X/U against privilege, SUM and MXR.
 * S-mode never executes from a user page, whatever SUM says. */
static mm_fault rv_perm_fault(const walk_ctx *ctx, unsigned perm, mm_access access, mm_priv priv)
{
    if (priv == MM_PRIV_USER) {
        if (!(perm & MM_PERM_U))
            return MM_FAULT_PERM_USER;
    } else if (perm & MM_PERM_U) {
        if (access == MM_ACCESS_IFETCH || !ctx->sum)
            return MM_FAULT_PERM_SUPERVISOR;
    }
    switch (access) {
    case MM_ACCESS_IFETCH:
        return (perm & MM_PERM_X) ? MM_FAULT_NONE : MM_FAULT_PERM_EXEC;
    case MM_ACCESS_LOAD:
        return (perm & MM_PERM_R) || (ctx->mxr && (perm & MM_PERM_X)) ? MM_FAULT_NONE
                                                                        : MM_FAULT_PERM_READ;
    case MM_ACCESS_STORE:
        return (perm & MM_PERM_W) ? MM_FAULT_NONE : MM_FAULT_PERM_WRITE;
    default:
        return MM_FAULT_NONE;
    }
}

mm_fault walk_check_perm(const walk_ctx *ctx, uint8_t perm, mm_access access, mm_priv priv)
{
    mm_fault fault = pte_format_is_x86(ctx->format) ? x86_perm_fault(ctx, perm, access, priv)
                                                    : rv_perm_fault(ctx, perm, access, priv);
    if (fault != MM_FAULT_NONE)
        return fault;
    if (!(perm & MM_PERM_A))
        return MM_FAULT_ACCESSED_CLEAR;
    if (access == MM_ACCESS_STORE && !(perm & MM_PERM_D))
        return MM_FAULT_DIRTY_CLEAR;
    return MM_FAULT_NONE;
}

/* Address bits 51:pa_bits are reserved in every x86 entry (SDM 4.5). */
static uint64_t x86_reserved_addr_bits(unsigned pa_bits)
{
    return pa_bits >= 52 ? 0 : PT_X86_ADDR_MASK & ~((1ull << pa_bits) - 1);
}

/* What every format does first at a level: the read is recorded, and a
 * bus error (ok false) ends the walk. The cursor is left done; a step that
 * goes down a level reopens it. */
static inline bool take_pte(walk_cursor *cur, uint64_t va, bool ok, uint64_t pte, walk_result *r,
                            uint64_t *pte_pa)
{
    *pte_pa = cur->table + pte_slot_offset(va, cur->level);
    cur->done = true;
    if (!ok) {
        record(r, *pte_pa, 0, cur->level, false);
        fail(r, MM_FAULT_BUS_ERROR, cur->level, 0);
        return false;
    }
    record(r, *pte_pa, pte, cur->level, false);
    return true;
}

/* One level of the x86 walk: the entry `pte` read at the cursor (ok false:
 * the read was a bus error). Leaves the cursor on the next level, or done. */
static inline void step_x86(const walk_ctx *ctx, const walk_mem *mem, uint64_t va,
                            mm_access access, mm_priv priv, walk_cursor *cur, bool ok,
                            uint64_t pte, walk_result *r)
{
    const uint64_t reserved = x86_reserved_addr_bits(ctx->pa_bits) | (ctx->nxe ? 0 : PT_X86_XD);
    const uint64_t xd = ctx->nxe ? PT_X86_XD : 0;
    unsigned level = cur->level;
    unsigned perm = cur->perm;
    uint64_t pte_pa;
    if (!take_pte(cur, va, ok, pte, r, &pte_pa))
        return;
    if (!(pte & PT_X86_P)) {
        fail(r, MM_FAULT_NOT_PRESENT, level, pte);
        return;
    }
    bool leaf = level == 0 || (pte & PT_X86_PS);
    uint64_t leaf_reserved = level == 1 ? PTE_X86_LARGE_RSVD_1
                             : level == 2 ? PTE_X86_LARGE_RSVD_2
                                          : 0;
    if ((pte & reserved) || (leaf && level >= 3) || (leaf && (pte & leaf_reserved))) {
        fail(r, MM_FAULT_RESERVED, level, pte);
        return;
    }
    if (!(pte & PT_X86_RW))
        perm &= ~(unsigned)MM_PERM_W;
    if (!(pte & PT_X86_US))
        perm &= ~(unsigned)MM_PERM_U;
    if (pte & xd)
        perm &= ~(unsigned)MM_PERM_X;
    if (leaf) {
        mm_fault fault = x86_perm_fault(ctx, perm, access, priv);
        if (fault != MM_FAULT_NONE) {
            fail(r, fault, level, pte);
            return;
        }
        uint64_t updated = pte | PT_X86_A | (access == MM_ACCESS_STORE ? PT_X86_D : 0);
        if (updated != pte) {
            mem->write_pte(mem->opaque, pte_pa, level, updated);
            record(r, pte_pa, updated, level, true);
        }
        uint64_t mask = pte_page_mask(level);
        r->fault = MM_FAULT_NONE;
        r->pa = pte_leaf_base(true, level, pte) | (va & mask);
        r->leaf_level = level;
        r->leaf_pte = updated;
        r->perm = (uint8_t)(perm | MM_PERM_A | ((updated & PT_X86_D) ? MM_PERM_D : 0) |
                            ((updated & PT_X86_G) ? MM_PERM_G : 0));
        r->fillable[level] = false;
        return;
    }
    /* The processor sets A in each paging-structure entry it uses,
     * before it knows whether the walk will fault further down. */
    if (!(pte & PT_X86_A)) {
        pte |= PT_X86_A;
        mem->write_pte(mem->opaque, pte_pa, level, pte);
        record(r, pte_pa, pte, level, true);
    }
    uint64_t table = pte & PT_X86_ADDR_MASK;
    r->next_table[level] = table;
    r->perm_after[level] = (uint8_t)perm;
    r->global_after[level] = false; /* x86 G is meaningful in leaves only */
    r->fillable[level] = true;
    cur->table = table;
    cur->perm = perm;
    cur->level = level - 1;
    cur->done = false;
}

/* Entries §4.3.1 and the Svnapot/Svpbmt chapters reserve in every PTE. */
static uint64_t rv_reserved_bits(const walk_ctx *ctx)
{
    return PT_RV_RESERVED_MASK | (ctx->svnapot ? 0 : PT_RV_N) | (ctx->svpbmt ? 0 : PT_RV_PBMT_MASK);
}

static void rv_leaf(const walk_ctx *ctx, const walk_mem *mem, uint64_t va, mm_access access,
                    mm_priv priv, unsigned level, uint64_t pte_pa, uint64_t pte, bool global,
                    walk_result *r)
{
    unsigned perm = ((pte & PT_RV_R) ? MM_PERM_R : 0) | ((pte & PT_RV_W) ? MM_PERM_W : 0) |
                    ((pte & PT_RV_X) ? MM_PERM_X : 0) | ((pte & PT_RV_U) ? MM_PERM_U : 0);
    mm_fault fault = rv_perm_fault(ctx, perm, access, priv);
    uint64_t ppn = (pte & PT_RV_PPN_MASK) >> PT_RV_PPN_SHIFT;
    if (fault == MM_FAULT_NONE && level > 0 && (ppn & ((1ull << (9 * level)) - 1)))
        fault = MM_FAULT_MISALIGNED_SUPERPAGE;
    if (fault == MM_FAULT_NONE && (pte & PT_RV_N) && (level != 0 || (ppn & 0xf) != PTE_RV_NAPOT_PPN_BITS))
        fault = MM_FAULT_RESERVED;
    bool store = access == MM_ACCESS_STORE;
    uint64_t updated = pte;
    if (fault == MM_FAULT_NONE) {
        if (ctx->ad == WALK_AD_FAULT) {
            if (!(pte & PT_RV_A))
                fault = MM_FAULT_ACCESSED_CLEAR;
            else if (store && !(pte & PT_RV_D))
                fault = MM_FAULT_DIRTY_CLEAR;
        } else {
            updated = pte | PT_RV_A | (store ? PT_RV_D : 0);
        }
    }
    if (fault != MM_FAULT_NONE) {
        fail(r, fault, level, pte);
        return;
    }
    if (updated != pte) {
        mem->write_pte(mem->opaque, pte_pa, level, updated);
        record(r, pte_pa, updated, level, true);
    }
    uint64_t mask = (pte & PT_RV_N) ? PTE_RV_NAPOT_MASK : pte_page_mask(level);
    r->fault = MM_FAULT_NONE;
    r->pa = (pte_leaf_base(false, level, pte) & ~mask) | (va & mask);
    r->leaf_level = level;
    r->leaf_pte = updated;
    r->perm = (uint8_t)(perm | (global ? MM_PERM_G : 0) | ((updated & PT_RV_A) ? MM_PERM_A : 0) |
                        ((updated & PT_RV_D) ? MM_PERM_D : 0));
    r->fillable[level] = false;
}

/* One level of the RISC-V walk, as step_x86. */
static inline void step_rv(const walk_ctx *ctx, const walk_mem *mem, uint64_t va,
                           mm_access access, mm_priv priv, walk_cursor *cur, bool ok,
                           uint64_t pte, walk_result *r)
{
    const uint64_t reserved = rv_reserved_bits(ctx);
    /* D, A and U are reserved in pointers (§4.3.1), as are N and PBMT. */
    const uint64_t pointer_reserved = PT_RV_D | PT_RV_A | PT_RV_U | PT_RV_N | PT_RV_PBMT_MASK;
    unsigned level = cur->level;
    uint64_t pte_pa;
    if (!take_pte(cur, va, ok, pte, r, &pte_pa))
        return;
    if (!(pte & PT_RV_V)) {
        fail(r, MM_FAULT_NOT_PRESENT, level, pte);
        return;
    }
    if ((pte & (PT_RV_R | PT_RV_W)) == PT_RV_W || (pte & reserved) ||
        (pte & PT_RV_PBMT_MASK) == PT_RV_PBMT_MASK) {
        fail(r, MM_FAULT_RESERVED, level, pte);
        return;
    }
    bool global = cur->global || (pte & PT_RV_G);
    if (pte & (PT_RV_R | PT_RV_X)) {
        rv_leaf(ctx, mem, va, access, priv, level, pte_pa, pte, global, r);
        return;
    }
    if (pte & pointer_reserved) {
        fail(r, MM_FAULT_RESERVED, level, pte);
        return;
    }
    if (level == 0) {
        fail(r, MM_FAULT_NO_LEAF, level, pte);
        return;
    }
    uint64_t table = pte_table_base(false, pte);
    r->next_table[level] = table;
    r->perm_after[level] = PERM_RWXU; /* RISC-V pointers restrict nothing */
    r->global_after[level] = global;
    r->fillable[level] = true;
    cur->table = table;
    cur->global = global;
    cur->level = level - 1;
    cur->done = false;
}

void walk_begin(const walk_ctx *ctx, uint64_t va, const walk_start *start, walk_cursor *cur,
                walk_result *result)
{
    const pt_format_info *info = pt_format_get(ctx->format);
    unsigned levels = info ? info->levels : 1;
    /* A start outside the format's levels cannot come from a walk cache of
     * this format; walking from the root is the safe reading of it. */
    bool resume = start && start->level < levels;
    cur->level = resume ? start->level : levels - 1;
    cur->table = (resume ? start->table_pa : ctx->root_pa) & ~pte_page_mask(0);
    cur->x86 = pte_format_is_x86(ctx->format);
    cur->perm = cur->x86 && resume ? (start->perm & PERM_RWXU) | MM_PERM_R : PERM_RWXU;
    cur->global = !cur->x86 && resume && start->global;
    cur->done = false;
    result->start_level = cur->level;
    result->n_accesses = 0;
    result->fault = MM_FAULT_NONE; /* while the walk runs: a stepped walk's reader looks */
    if (!walk_va_canonical(ctx->format, va)) {
        fail(result, MM_FAULT_NON_CANONICAL, cur->level, 0);
        cur->done = true;
    }
}

uint64_t walk_next_pte_pa(const walk_cursor *cur, uint64_t va)
{
    return cur->table + pte_slot_offset(va, cur->level);
}

void walk_step(const walk_ctx *ctx, const walk_mem *mem, uint64_t va, mm_access access,
               mm_priv priv, walk_cursor *cur, bool ok, uint64_t pte, walk_result *result)
{
    if (cur->x86)
        step_x86(ctx, mem, va, access, priv, cur, ok, pte, result);
    else
        step_rv(ctx, mem, va, access, priv, cur, ok, pte, result);
}

void walk_run(const walk_ctx *ctx, const walk_mem *mem, uint64_t va, mm_access access,
              mm_priv priv, const walk_start *start, walk_result *result)
{
    walk_cursor cur;
    walk_begin(ctx, va, start, &cur, result);
    while (!cur.done) {
        uint64_t pte = 0;
        unsigned level = cur.level;
        bool ok = mem->read_pte(mem->opaque, walk_next_pte_pa(&cur, va), level, &pte);
        if (cur.x86)
            step_x86(ctx, mem, va, access, priv, &cur, ok, pte, result);
        else
            step_rv(ctx, mem, va, access, priv, &cur, ok, pte, result);
    }
}
