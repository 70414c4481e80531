/*
 * os_frame.c — user frames: allocation against the budget and the group
 * limits, the reverse map (every PTE that maps a frame), the replacement
 * policies over the PTE accessed bits, eviction to the swap device, huge
 * page splitting, and the swap slots themselves.
 */
#include "os/os_internal.h"

#include <stdlib.h>
#include <string.h>

static uint64_t frames_in(unsigned level)
{
    return 1ull << (9u * level);
}

os_frame *os_frame_of(const os *o, uint64_t pa)
{
    return u64map_get(&o->frames, pa >> MM_PAGE_SHIFT);
}

/* ---- swap slots ---- */

static int slot_alloc(os *o, uint64_t *slot, mm_error *err)
{
    if (o->n_free_slots) {
        *slot = o->free_slots[--o->n_free_slots];
    } else {
        if (o->n_slots >= o->cfg.swap_slots)
            return mm_fail(err, MM_ERR_FULL, "swap device full: all %llu slots in use",
                           (unsigned long long)o->cfg.swap_slots);
        if (!os_grow((void **)&o->slots, &o->cap_slots, o->n_slots + 1, sizeof *o->slots))
            return mm_fail(err, MM_ERR_NOMEM, "os: out of host memory for swap slots");
        *slot = o->n_slots++;
    }
    o->slots[*slot] = (os_slot){0, NULL};
    o->stats.swap_used++;
    return MM_OK;
}

static int slot_write(os *o, uint64_t slot, uint64_t pa, mm_error *err)
{
    if (!o->cfg.keep_content)
        return MM_OK;
    uint64_t *data = malloc(PMEM_FRAME_SIZE);
    if (!data)
        return mm_fail(err, MM_ERR_NOMEM, "os: out of host memory for swap content");
    for (unsigned i = 0; i < PMEM_FRAME_SIZE / 8; i++)
        data[i] = pmem_read64(o->mem, pa + 8u * i);
    o->slots[slot].data = data;
    return MM_OK;
}

void os_slot_read(os *o, uint64_t slot, uint64_t pa)
{
    const uint64_t *data = o->slots[slot].data;
    for (unsigned i = 0; data && i < PMEM_FRAME_SIZE / 8; i++)
        if (data[i])
            pmem_write64(o->mem, pa + 8u * i, data[i]);
}

void os_slot_get(os *o, uint64_t slot)
{
    o->slots[slot].refs++;
}

void os_slot_put(os *o, uint64_t slot)
{
    os_slot *s = &o->slots[slot];
    if (--s->refs)
        return;
    free(s->data);
    s->data = NULL;
    /* Should the list fail to grow, the slot is only lost to reuse. */
    if (os_grow((void **)&o->free_slots, &o->cap_free_slots, o->n_free_slots + 1,
                sizeof *o->free_slots))
        o->free_slots[o->n_free_slots++] = slot;
    o->stats.swap_used--;
}

/* ---- frames and the ring ---- */

static void ring_remove(os *o, os_frame *f)
{
    size_t i = f->ring_index;
    o->ring[i] = o->ring[--o->n_ring];
    o->ring[i]->ring_index = (uint32_t)i;
    if (o->hand > o->n_ring)
        o->hand = 0;
}

static os_frame *frame_new(os *o, uint64_t pa, unsigned level, uint32_t group, mm_error *err)
{
    os_frame *f = calloc(1, sizeof *f);
    if (!f || !os_grow((void **)&o->ring, &o->cap_ring, o->n_ring + 1, sizeof *o->ring) ||
        !u64map_put(&o->frames, pa >> MM_PAGE_SHIFT, f)) {
        free(f);
        return mm_fail(err, MM_ERR_NOMEM, "os: out of host memory for frame records"), NULL;
    }
    f->pa = pa;
    f->level = (uint8_t)level;
    f->group = group;
    f->swap_slot = OS_NO_SLOT;
    f->ring_index = (uint32_t)o->n_ring;
    o->ring[o->n_ring++] = f;
    return f;
}

static void frame_release(os *o, os_frame *f)
{
    uint64_t n = frames_in(f->level);
    o->groups[f->group].used -= n;
    o->stats.frames_used -= n;
    ring_remove(o, f);
    u64map_remove(&o->frames, f->pa >> MM_PAGE_SHIFT);
    for (uint64_t i = 0; i < n; i++)
        pmem_free_frame(o->mem, f->pa + i * PMEM_FRAME_SIZE);
    if (f->swap_slot != OS_NO_SLOT)
        os_slot_put(o, f->swap_slot);
    free(f->mappers);
    free(f);
}

int os_frame_add_mapper(os *o, os_frame *f, uint32_t pid, uint64_t va, mm_error *err)
{
    size_t cap = f->cap_mappers;
    if (!os_grow((void **)&f->mappers, &cap, f->n_mappers + 1u, sizeof *f->mappers))
        return mm_fail(err, MM_ERR_NOMEM, "os: out of host memory for a reverse map");
    f->cap_mappers = (uint32_t)cap;
    f->mappers[f->n_mappers++] = (os_mapper){pid, va};
    os_proc_get(o, pid)->rss += frames_in(f->level);
    return MM_OK;
}

void os_frame_drop_mapper(os *o, os_frame *f, uint32_t pid, uint64_t va)
{
    for (uint32_t i = 0; i < f->n_mappers; i++) {
        if (f->mappers[i].pid == pid && f->mappers[i].va == va) {
            f->mappers[i] = f->mappers[--f->n_mappers];
            os_proc_get(o, pid)->rss -= frames_in(f->level);
            break;
        }
    }
    if (f->n_mappers == 0)
        frame_release(o, f);
}

void os_frame_copy(os *o, uint64_t dst_pa, uint64_t src_pa)
{
    for (unsigned i = 0; i < PMEM_FRAME_SIZE / 8; i++) {
        uint64_t word = pmem_read64(o->mem, src_pa + 8u * i);
        if (word)
            pmem_write64(o->mem, dst_pa + 8u * i, word);
    }
}

/* ---- replacement ---- */

/* Whether any PTE mapping f has its accessed bit set; clears them all.
 * Like Linux on x86 the OS does not flush the TLB for this: a cached
 * translation only delays the next A update. */
static bool frame_referenced(os *o, os_frame *f)
{
    bool referenced = false;
    for (uint32_t i = 0; i < f->n_mappers; i++) {
        unsigned level;
        uint64_t pte_pa;
        os_proc *p = os_proc_get(o, f->mappers[i].pid);
        if (!os_find_leaf(o, p, f->mappers[i].va, &level, &pte_pa))
            continue;
        uint64_t pte = pmem_read64(o->mem, pte_pa);
        if (os_pte_accessed(o, pte)) {
            referenced = true;
            pmem_write64(o->mem, pte_pa, os_pte_clear_accessed(o, pte));
        }
    }
    return referenced;
}

static bool candidate(const os_frame *f, uint32_t group)
{
    return !f->pinned && (group == OS_NO_GROUP || f->group == group);
}

static os_frame *pick_clock(os *o, uint32_t group)
{
    for (size_t steps = 2 * o->n_ring + 1; steps-- && o->n_ring;) {
        if (o->hand >= o->n_ring)
            o->hand = 0;
        os_frame *f = o->ring[o->hand++];
        if (candidate(f, group) && !frame_referenced(o, f))
            return f;
    }
    return NULL;
}

static os_frame *pick_aging(os *o, uint32_t group)
{
    os_frame *best = NULL;
    size_t best_index = 0;
    for (size_t k = 0; k < o->n_ring; k++) {
        size_t i = (o->hand + k) % o->n_ring;
        os_frame *f = o->ring[i];
        if (!candidate(f, group))
            continue;
        f->age = (uint8_t)((f->age >> 1) | (frame_referenced(o, f) ? 0x80u : 0u));
        if (!best || f->age < best->age) {
            best = f;
            best_index = i;
        }
    }
    o->hand = best_index + 1;
    return best;
}

/* Writes f out (unless its swap copy is still valid), turns every PTE that
 * mapped it into the slot's swap entry and frees it. */
static int evict_frame(os *o, os_frame *f, uint64_t *cycles, uint32_t *swap_outs, mm_error *err)
{
    bool dirty = false;
    for (uint32_t i = 0; i < f->n_mappers; i++) {
        unsigned level;
        uint64_t pte_pa;
        os_proc *p = os_proc_get(o, f->mappers[i].pid);
        if (!os_find_leaf(o, p, f->mappers[i].va, &level, &pte_pa))
            return mm_fail(err, MM_ERR_INVALID, "os: frame 0x%llx lost its mapping in pid %u",
                           (unsigned long long)f->pa, f->mappers[i].pid);
        dirty |= os_pte_dirty(o, pmem_read64(o->mem, pte_pa));
    }
    uint64_t slot = 0;
    if (f->swap_slot != OS_NO_SLOT && !dirty) {
        slot = f->swap_slot;
        o->slots[slot].refs += f->n_mappers - 1u; /* the frame's own reference passes on */
        o->stats.swap_out_skipped++;
    } else {
        int rc = slot_alloc(o, &slot, err);
        if (rc == MM_OK)
            rc = slot_write(o, slot, f->pa, err);
        if (rc != MM_OK)
            return rc;
        if (f->swap_slot != OS_NO_SLOT)
            os_slot_put(o, f->swap_slot);
        o->slots[slot].refs = f->n_mappers;
        *cycles += o->cfg.swap_out_cycles;
        ++*swap_outs;
        o->stats.swap_outs++;
    }
    f->swap_slot = OS_NO_SLOT;
    for (uint32_t i = 0; i < f->n_mappers; i++) {
        os_proc *p = os_proc_get(o, f->mappers[i].pid);
        unsigned level;
        uint64_t pte_pa;
        os_find_leaf(o, p, f->mappers[i].va, &level, &pte_pa);
        pmem_write64(o->mem, pte_pa, os_pte_from_slot(slot));
        p->rss--;
        *cycles += o->cfg.shootdown_cycles;
        int rc = os_note_shootdown(o, p, f->mappers[i].va, 0, err);
        if (rc != MM_OK)
            return rc;
    }
    f->n_mappers = 0;
    frame_release(o, f);
    return MM_OK;
}

int os_reclaim_one(os *o, uint32_t group, uint64_t *cycles, uint32_t *swap_outs, mm_error *err)
{
    os_frame *f = o->cfg.repl == OS_REPL_AGING ? pick_aging(o, group) : pick_clock(o, group);
    if (!f) {
        if (group == OS_NO_GROUP)
            return mm_fail(err, MM_ERR_FULL, "out of memory: %llu frames in use, none reclaimable",
                           (unsigned long long)o->stats.frames_used);
        return mm_fail(err, MM_ERR_FULL, "out of memory in group %u: %llu frames in use, none reclaimable",
                       group, (unsigned long long)o->groups[group].used);
    }
    /* Reclaim splits a huge victim and evicts its first 4 KiB piece. */
    while (f->level > 0) {
        int rc = os_frame_split(o, f, cycles, err);
        if (rc != MM_OK)
            return rc;
    }
    return evict_frame(o, f, cycles, swap_outs, err);
}

int os_frame_alloc(os *o, uint32_t group, unsigned level, os_frame **out, uint64_t *cycles,
                   uint32_t *swap_outs, mm_error *err)
{
    uint64_t need = frames_in(level);
    os_group *g = &o->groups[group];
    if ((g->limit && need > g->limit) || need > o->cfg.budget_frames)
        return mm_fail(err, MM_ERR_FULL, "a %llu-frame page exceeds the limit of group %u",
                       (unsigned long long)need, group);
    int rc = MM_OK;
    while (rc == MM_OK && g->limit && g->used + need > g->limit)
        rc = os_reclaim_one(o, group, cycles, swap_outs, err);
    while (rc == MM_OK && o->stats.frames_used + need > o->cfg.budget_frames)
        rc = os_reclaim_one(o, OS_NO_GROUP, cycles, swap_outs, err);
    if (rc != MM_OK)
        return rc;
    uint64_t pa = 0;
    rc = pmem_alloc_frames(o->mem, 9u * level, &pa, err);
    /* Page tables share physical memory with user frames: when they have
     * filled it, reclaim makes room as it does for the budget. */
    while (rc == MM_ERR_FULL && level == 0) {
        rc = os_reclaim_one(o, OS_NO_GROUP, cycles, swap_outs, err);
        if (rc != MM_OK)
            return rc;
        rc = pmem_alloc_frames(o->mem, 0, &pa, err);
    }
    if (rc != MM_OK)
        return rc;
    os_frame *f = frame_new(o, pa, level, group, err);
    if (!f) {
        for (uint64_t i = 0; i < need; i++)
            pmem_free_frame(o->mem, pa + i * PMEM_FRAME_SIZE);
        return MM_ERR_NOMEM;
    }
    g->used += need;
    o->stats.frames_used += need;
    *out = f;
    return MM_OK;
}

/* Splits a huge frame into 512 frames of the next size down, in every
 * page table that maps it, keeping each PTE's rights and A/D bits. */
int os_frame_split(os *o, os_frame *f, uint64_t *cycles, mm_error *err)
{
    unsigned level = f->level, child = level - 1u;
    uint64_t piece = os_page_size(child);
    os_frame *pieces[512];
    pieces[0] = f;
    for (unsigned k = 1; k < 512; k++) {
        pieces[k] = frame_new(o, f->pa + k * piece, child, f->group, err);
        size_t cap = 0;
        bool grown = pieces[k] && os_grow((void **)&pieces[k]->mappers, &cap, f->n_mappers,
                                          sizeof *f->mappers);
        if (!grown) {
            for (unsigned j = pieces[k] ? k : k - 1; j >= 1; j--) {
                ring_remove(o, pieces[j]);
                u64map_remove(&o->frames, pieces[j]->pa >> MM_PAGE_SHIFT);
                free(pieces[j]->mappers);
                free(pieces[j]);
            }
            return mm_fail(err, MM_ERR_NOMEM, "os: out of host memory splitting a huge page");
        }
        pieces[k]->cap_mappers = (uint32_t)cap;
        pieces[k]->age = f->age;
    }
    for (uint32_t m = 0; m < f->n_mappers; m++) {
        os_proc *p = os_proc_get(o, f->mappers[m].pid);
        uint64_t va = f->mappers[m].va, pte_pa;
        unsigned found;
        if (!os_find_leaf(o, p, va, &found, &pte_pa) || found != level)
            return mm_fail(err, MM_ERR_INVALID, "os: huge frame 0x%llx lost its mapping in pid %u",
                           (unsigned long long)f->pa, p->pid);
        uint64_t pte = pmem_read64(o->mem, pte_pa);
        const os_region *r = os_region_find(p, va);
        uint32_t attrs = os_leaf_attrs(o, r ? r->prot : MM_PERM_R, os_pte_writable(o, pte),
                                       os_pte_accessed(o, pte), os_pte_dirty(o, pte));
        int rc = pt_unmap(p->table, va, level, err);
        for (unsigned k = 0; rc == MM_OK && k < 512; k++)
            rc = pt_map(p->table, va + k * piece, f->pa + k * piece, child, attrs, err);
        if (rc == MM_OK)
            rc = os_note_shootdown(o, p, va, level, err);
        if (rc != MM_OK)
            return rc;
        *cycles += o->cfg.shootdown_cycles;
        for (unsigned k = 1; k < 512; k++) {
            os_frame *c = pieces[k];
            c->mappers[c->n_mappers++] = (os_mapper){p->pid, va + k * piece};
        }
    }
    f->level = (uint8_t)child;
    o->stats.thp_splits++;
    return MM_OK;
}
