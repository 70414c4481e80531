/*
 * os_region.c — a process's regions (its vm areas): a sorted array of
 * disjoint [start, end) ranges with their protection and flags. mmap
 * inserts, munmap and mprotect carve, the fault handler looks up.
 */
#include "os/os_internal.h"

#include <stdlib.h>
#include <string.h>

const os_region *os_region_find(const os_proc *p, uint64_t va)
{
    size_t lo = 0, hi = p->n_regions;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const os_region *r = &p->regions[mid];
        if (va < r->start)
            hi = mid;
        else if (va >= r->end)
            lo = mid + 1;
        else
            return r;
    }
    return NULL;
}

bool os_region_overlaps(const os_proc *p, uint64_t start, uint64_t end)
{
    for (size_t i = 0; i < p->n_regions; i++)
        if (p->regions[i].start < end && start < p->regions[i].end)
            return true;
    return false;
}

bool os_region_covers(const os_proc *p, uint64_t start, uint64_t end)
{
    uint64_t at = start;
    for (size_t i = 0; i < p->n_regions && at < end; i++) {
        const os_region *r = &p->regions[i];
        if (r->end <= at)
            continue;
        if (r->start > at)
            return false;
        at = r->end;
    }
    return at >= end;
}

int os_region_insert(os_proc *p, uint64_t start, uint64_t end, uint32_t prot, uint32_t flags)
{
    if (!os_grow((void **)&p->regions, &p->cap_regions, p->n_regions + 1, sizeof *p->regions))
        return MM_ERR_NOMEM;
    size_t at = 0;
    while (at < p->n_regions && p->regions[at].start < start)
        at++;
    memmove(&p->regions[at + 1], &p->regions[at], (p->n_regions - at) * sizeof *p->regions);
    p->regions[at] = (os_region){start, end, prot, flags};
    p->n_regions++;
    return MM_OK;
}

bool os_region_carve(os_proc *p, uint64_t start, uint64_t end, bool remove, uint32_t prot)
{
    /* Each region overlapping the range yields at most three pieces. */
    size_t cap = p->n_regions * 3 + 1;
    os_region *out = malloc(cap * sizeof *out);
    if (!out)
        return false;
    size_t n = 0;
    for (size_t i = 0; i < p->n_regions; i++) {
        os_region r = p->regions[i];
        if (r.end <= start || r.start >= end) {
            out[n++] = r;
            continue;
        }
        if (r.start < start)
            out[n++] = (os_region){r.start, start, r.prot, r.flags};
        if (!remove) {
            uint64_t lo = r.start > start ? r.start : start;
            uint64_t hi = r.end < end ? r.end : end;
            out[n++] = (os_region){lo, hi, prot, r.flags};
        }
        if (r.end > end)
            out[n++] = (os_region){end, r.end, r.prot, r.flags};
    }
    free(p->regions);
    p->regions = out;
    p->n_regions = n;
    p->cap_regions = cap;
    return true;
}
