/*
 * walk_ctx.c — what surrounds a walk: the default translation context of
 * each format, the canonical-address rule, and the walk_mem adapter that
 * reads page tables straight from simulated physical memory.
 */
#include "mmulab/walk.h"

#include "pt/pte.h"

#define X86_DEFAULT_PA_BITS 46u
#define RV_DEFAULT_PA_BITS 52u

void walk_ctx_init(walk_ctx *ctx, pt_format format, uint64_t root_pa, uint16_t asid)
{
    bool is_x86 = pte_format_is_x86(format);
    *ctx = (walk_ctx){
        .format = format,
        .root_pa = root_pa,
        .asid = asid,
        .pa_bits = is_x86 ? X86_DEFAULT_PA_BITS : RV_DEFAULT_PA_BITS,
        .ad = WALK_AD_HARDWARE,
        .nxe = true,
        .wp = true,
    };
}

/* Both rules say the same thing: the address sign-extends bit va_bits-1,
 * so everything from that bit up is all zeros or all ones. */
bool walk_va_canonical(pt_format format, uint64_t va)
{
    const pt_format_info *info = pt_format_get(format);
    if (!info)
        return false;
    uint64_t upper = va >> (info->va_bits - 1);
    return upper == 0 || upper == (UINT64_MAX >> (info->va_bits - 1));
}

static bool pmem_read_pte(void *opaque, uint64_t pa, unsigned level, uint64_t *value)
{
    (void)level;
    pmem *mem = opaque;
    if (!pmem_valid_pa(mem, pa))
        return false;
    *value = pmem_read64(mem, pa);
    return true;
}

static void pmem_write_pte(void *opaque, uint64_t pa, unsigned level, uint64_t value)
{
    (void)level;
    pmem *mem = opaque;
    /* The walker only writes entries it has just read, so pa is valid;
     * the check keeps a misbehaving caller from reaching pmem's contract. */
    if (pmem_valid_pa(mem, pa))
        pmem_write64(mem, pa, value);
}

void walk_mem_from_pmem(walk_mem *out, pmem *mem)
{
    out->read_pte = pmem_read_pte;
    out->write_pte = pmem_write_pte;
    out->opaque = mem;
}
