/*
 * os_proc.c — the system calls that shape address spaces: fork (copy on
 * write), exit, mmap (a reservation only: overcommit), munmap and
 * mprotect, with the huge-page splits and shootdowns they imply.
 */
#include "os/os_internal.h"

static int check_range(const os *o, const char *call, uint64_t va, uint64_t len, mm_error *err)
{
    uint64_t half = 1ull << (o->info->va_bits - 1);
    if (len == 0 || (va | len) & (PMEM_FRAME_SIZE - 1))
        return mm_fail(err, MM_ERR_INVALID, "%s: va 0x%llx len 0x%llx must be page aligned, len > 0",
                       call, (unsigned long long)va, (unsigned long long)len);
    if (va >= half || len > half - va)
        return mm_fail(err, MM_ERR_INVALID, "%s: [0x%llx, +0x%llx) leaves the user half (0..0x%llx)",
                       call, (unsigned long long)va, (unsigned long long)len,
                       (unsigned long long)half);
    return MM_OK;
}

static int check_prot(const char *call, uint32_t prot, mm_error *err)
{
    if (prot & ~(uint32_t)(MM_PERM_R | MM_PERM_W | MM_PERM_X) || !(prot & MM_PERM_R))
        return mm_fail(err, MM_ERR_INVALID, "%s: prot 0x%x must be R with optional W and X", call,
                       prot);
    return MM_OK;
}

static os_proc *begin(os *o, const char *call, uint32_t pid, mm_error *err)
{
    if (!o)
        return mm_fail(err, MM_ERR_INVALID, "%s: os is NULL", call), NULL;
    o->n_sd = 0;
    os_proc *p = os_proc_get(o, pid);
    if (!p)
        mm_fail(err, MM_ERR_INVALID, "%s: no process %u", call, pid);
    return p;
}

int os_mmap(os *o, uint32_t pid, uint64_t va, uint64_t len, uint32_t prot, uint32_t flags,
            mm_error *err)
{
    os_proc *p = begin(o, "os_mmap", pid, err);
    if (!p)
        return MM_ERR_INVALID;
    int rc = check_range(o, "os_mmap", va, len, err);
    if (rc == MM_OK)
        rc = check_prot("os_mmap", prot, err);
    if (rc != MM_OK)
        return rc;
    if (flags & ~(uint32_t)OS_MAP_HUGE)
        return mm_fail(err, MM_ERR_INVALID, "os_mmap: flags 0x%x has unknown bits", flags);
    if (os_region_overlaps(p, va, va + len))
        return mm_fail(err, MM_ERR_EXISTS, "os_mmap: [0x%llx, +0x%llx) overlaps a region of pid %u",
                       (unsigned long long)va, (unsigned long long)len, pid);
    if (os_region_insert(p, va, va + len, prot, flags) != MM_OK)
        return mm_fail(err, MM_ERR_NOMEM, "os_mmap: out of host memory");
    return MM_OK;
}

/* ---- fork ---- */

static int fork_leaf(os *o, os_proc *parent, uint64_t va, unsigned level, uint64_t pte_pa,
                     uint64_t pte, void *ctx)
{
    os_proc *child = ctx;
    mm_error *err = NULL;
    if (os_pte_is_swap(pte)) {
        uint64_t slot_pa;
        int rc = os_leaf_slot(o, child, va, &slot_pa, err);
        if (rc != MM_OK)
            return rc;
        os_slot_get(o, os_pte_swap_slot(pte));
        pmem_write64(o->mem, slot_pa, pte);
        return MM_OK;
    }
    os_frame *f = os_frame_of(o, pt_decode_pa(o->format, pte));
    if (!f)
        return MM_ERR_INVALID;
    const os_region *r = os_region_find(parent, va);
    uint32_t attrs = os_leaf_attrs(o, r ? r->prot : MM_PERM_R, false, os_pte_accessed(o, pte),
                                   os_pte_dirty(o, pte));
    if (os_pte_writable(o, pte)) {
        pmem_write64(o->mem, pte_pa, pt_encode_leaf(o->format, level, f->pa, attrs));
        int rc = os_note_shootdown(o, parent, va, level, err);
        if (rc != MM_OK)
            return rc;
    }
    int rc = pt_map(child->table, va, f->pa, level, attrs, err);
    if (rc == MM_OK)
        rc = os_frame_add_mapper(o, f, child->pid, va, err);
    return rc;
}

int os_fork(os *o, uint32_t parent, uint32_t *child_out, mm_error *err)
{
    os_proc *p = begin(o, "os_fork", parent, err);
    if (!p)
        return MM_ERR_INVALID;
    if (!child_out)
        return mm_fail(err, MM_ERR_INVALID, "os_fork: child_out is NULL");
    uint32_t pid;
    int rc = os_process_create(o, p->group, &pid, err);
    if (rc != MM_OK)
        return rc;
    p = os_proc_get(o, parent); /* the process table may have moved */
    os_proc *c = os_proc_get(o, pid);
    for (size_t i = 0; rc == MM_OK && i < p->n_regions; i++)
        rc = os_region_insert(c, p->regions[i].start, p->regions[i].end, p->regions[i].prot,
                              p->regions[i].flags);
    if (rc == MM_OK)
        rc = os_scan(o, p, 0, UINT64_MAX, fork_leaf, c);
    if (rc != MM_OK) {
        size_t n_sd = o->n_sd;
        os_exit(o, pid, NULL);
        o->n_sd = n_sd;
        return mm_fail(err, rc, "os_fork: pid %u could not be copied (%s)", parent,
                       rc == MM_ERR_FULL ? "physical memory full" : "out of host memory");
    }
    *child_out = pid;
    return MM_OK;
}

/* ---- exit and munmap ---- */

static int release_leaf(os *o, os_proc *p, uint64_t va, unsigned level, uint64_t pte_pa,
                        uint64_t pte, void *ctx)
{
    bool clear = ctx != NULL;
    if (os_pte_is_swap(pte)) {
        os_slot_put(o, os_pte_swap_slot(pte));
    } else {
        os_frame *f = os_frame_of(o, pt_decode_pa(o->format, pte));
        if (f)
            os_frame_drop_mapper(o, f, p->pid, va);
        if (clear) {
            int rc = os_note_shootdown(o, p, va, level, NULL);
            if (rc != MM_OK)
                return rc;
        }
    }
    if (clear)
        pmem_write64(o->mem, pte_pa, 0);
    return MM_OK;
}

int os_exit(os *o, uint32_t pid, mm_error *err)
{
    os_proc *p = begin(o, "os_exit", pid, err);
    if (!p)
        return MM_ERR_INVALID;
    /* The ASID retires with the process: the MMU flushes it whole, so the
     * pages need no shootdowns of their own. */
    os_scan(o, p, 0, UINT64_MAX, release_leaf, NULL);
    os_free_tables(o, p);
    os_proc_remove(o, p);
    return MM_OK;
}

typedef struct {
    uint64_t start, end;
    os_frame *found;
} straddle_ctx;

static int find_straddler(os *o, os_proc *p, uint64_t va, unsigned level, uint64_t pte_pa,
                          uint64_t pte, void *ctx)
{
    (void)p;
    (void)pte_pa;
    straddle_ctx *s = ctx;
    if (level == 0 || (va >= s->start && va + os_page_size(level) <= s->end))
        return 0;
    s->found = os_frame_of(o, pt_decode_pa(o->format, pte));
    return s->found ? 1 : 0;
}

/* Splits every huge page that crosses an end of [start, end), so the
 * range can be changed page by page. */
static int split_straddlers(os *o, os_proc *p, uint64_t start, uint64_t end, mm_error *err)
{
    for (;;) {
        straddle_ctx s = {start, end, NULL};
        if (!os_scan(o, p, start, end, find_straddler, &s))
            return MM_OK;
        uint64_t cycles = 0;
        int rc = os_frame_split(o, s.found, &cycles, err);
        if (rc != MM_OK)
            return rc;
    }
}

int os_munmap(os *o, uint32_t pid, uint64_t va, uint64_t len, mm_error *err)
{
    os_proc *p = begin(o, "os_munmap", pid, err);
    if (!p)
        return MM_ERR_INVALID;
    int rc = check_range(o, "os_munmap", va, len, err);
    if (rc != MM_OK)
        return rc;
    if (!os_region_overlaps(p, va, va + len))
        return mm_fail(err, MM_ERR_NOT_FOUND, "os_munmap: nothing mapped in [0x%llx, +0x%llx) of pid %u",
                       (unsigned long long)va, (unsigned long long)len, pid);
    rc = split_straddlers(o, p, va, va + len, err);
    if (rc == MM_OK)
        rc = os_scan(o, p, va, va + len, release_leaf, p);
    if (rc == MM_OK && !os_region_carve(p, va, va + len, true, 0))
        rc = mm_fail(err, MM_ERR_NOMEM, "os_munmap: out of host memory");
    if (rc != MM_OK && (!err || err->code != rc))
        return mm_fail(err, rc, "os_munmap: pid %u [0x%llx, +0x%llx) failed", pid,
                       (unsigned long long)va, (unsigned long long)len);
    return rc;
}

/* ---- mprotect ---- */

static int protect_leaf(os *o, os_proc *p, uint64_t va, unsigned level, uint64_t pte_pa,
                        uint64_t pte, void *ctx)
{
    uint32_t prot = *(const uint32_t *)ctx;
    if (os_pte_is_swap(pte))
        return 0; /* swap-in takes the region's rights */
    os_frame *f = os_frame_of(o, pt_decode_pa(o->format, pte));
    if (!f)
        return MM_ERR_INVALID;
    bool writable = f->n_mappers == 1;
    uint64_t updated = pt_encode_leaf(o->format, level, f->pa,
                                      os_leaf_attrs(o, prot, writable, os_pte_accessed(o, pte),
                                                    os_pte_dirty(o, pte)));
    if (updated == pte)
        return 0;
    pmem_write64(o->mem, pte_pa, updated);
    return os_note_shootdown(o, p, va, level, NULL);
}

int os_mprotect(os *o, uint32_t pid, uint64_t va, uint64_t len, uint32_t prot, mm_error *err)
{
    os_proc *p = begin(o, "os_mprotect", pid, err);
    if (!p)
        return MM_ERR_INVALID;
    int rc = check_range(o, "os_mprotect", va, len, err);
    if (rc == MM_OK)
        rc = check_prot("os_mprotect", prot, err);
    if (rc != MM_OK)
        return rc;
    if (!os_region_covers(p, va, va + len))
        return mm_fail(err, MM_ERR_NOT_FOUND, "os_mprotect: [0x%llx, +0x%llx) of pid %u is not all mapped",
                       (unsigned long long)va, (unsigned long long)len, pid);
    rc = split_straddlers(o, p, va, va + len, err);
    if (rc == MM_OK && !os_region_carve(p, va, va + len, false, prot))
        rc = mm_fail(err, MM_ERR_NOMEM, "os_mprotect: out of host memory");
    if (rc == MM_OK && os_scan(o, p, va, va + len, protect_leaf, &prot) != MM_OK)
        rc = mm_fail(err, MM_ERR_NOMEM, "os_mprotect: out of host memory");
    return rc;
}
