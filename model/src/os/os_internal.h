/*
 * os_internal.h — the OS layer's private state, shared by its files:
 * frames with their reverse maps, the replacement ring, swap slots,
 * processes with their regions, and the helpers that read and write the
 * leaf PTEs the page tables hold. The page tables are the truth for what
 * is mapped or swapped; the OS keeps only what hardware does not hold.
 */
#ifndef MMULAB_OS_INTERNAL_H
#define MMULAB_OS_INTERNAL_H

#include "base/u64map.h"
#include "mmulab/os.h"

#define OS_NO_SLOT UINT64_MAX
#define OS_NO_GROUP UINT32_MAX
/* A swapped-out page's PTE (level 0 only): present bit clear, this marker
 * bit set, and the slot number in bits 51:12 (docs/os-model.md). */
#define OS_SWAP_MARK (1ull << 1)
#define OS_SWAP_SHIFT 12u
#define OS_SWAP_MAX_SLOTS (1ull << 40)

typedef struct {
    uint32_t pid;
    uint64_t va;
} os_mapper;

/* A resident user page of any size and every PTE that maps it. */
typedef struct {
    uint64_t pa;
    uint64_t swap_slot;  /* a still-valid copy on swap (swap cache), or OS_NO_SLOT */
    uint32_t group;      /* charged to */
    uint32_t ring_index;
    uint8_t level;
    uint8_t age;
    bool pinned;         /* being copied: not a victim */
    os_mapper *mappers;
    uint32_t n_mappers, cap_mappers;
} os_frame;

typedef struct {
    uint64_t start, end; /* [start, end), page aligned */
    uint32_t prot, flags;
} os_region;

typedef struct {
    uint32_t pid;
    uint32_t group;
    uint16_t asid;
    pt *table;
    os_region *regions; /* sorted, disjoint */
    size_t n_regions, cap_regions;
    uint64_t rss;
} os_proc;

typedef struct {
    uint64_t limit; /* 0: unlimited */
    uint64_t used;
} os_group;

typedef struct {
    uint32_t refs;
    uint64_t *data; /* 512 words when keep_content and written */
} os_slot;

struct os {
    os_config cfg;
    pmem *mem;
    pt_format format;
    const pt_format_info *info;
    os_proc **procs; /* index pid - 1; NULL after exit */
    size_t n_procs, cap_procs;
    os_group *groups;
    size_t n_groups, cap_groups;
    u64map frames;   /* pa >> 12 of a frame's base -> os_frame */
    os_frame **ring; /* replacement order */
    size_t n_ring, cap_ring, hand;
    os_slot *slots;
    size_t n_slots, cap_slots;
    uint64_t *free_slots;
    size_t n_free_slots, cap_free_slots;
    os_shootdown *sd;
    size_t n_sd, cap_sd;
    uint16_t next_asid;
    os_stats stats;
};

/* os.c */
os_proc *os_proc_get(const os *o, uint32_t pid);
bool os_grow(void **arr, size_t *cap, size_t need, size_t elem);
int os_note_shootdown(os *o, const os_proc *p, uint64_t va, unsigned level, mm_error *err);
void os_proc_remove(os *o, os_proc *p);

/* os_pte.c: format-specific bits of a leaf. */
uint64_t os_page_size(unsigned level);
uint32_t os_leaf_attrs(const os *o, uint32_t prot, bool writable, bool accessed, bool dirty);
bool os_pte_accessed(const os *o, uint64_t pte);
bool os_pte_dirty(const os *o, uint64_t pte);
bool os_pte_writable(const os *o, uint64_t pte);
uint64_t os_pte_clear_accessed(const os *o, uint64_t pte);
uint64_t os_pte_set_ad(const os *o, uint64_t pte, bool dirty);
bool os_pte_is_swap(uint64_t pte);
uint64_t os_pte_swap_slot(uint64_t pte);
uint64_t os_pte_from_slot(uint64_t slot);
/* The PTE slot of the leaf covering va: finds its level (0 when nothing is
 * mapped and the level-0 table exists). false when no such slot exists. */
bool os_find_leaf(const os *o, const os_proc *p, uint64_t va, unsigned *level, uint64_t *pte_pa);
/* The level-0 PTE slot of va, creating the tables on its path. */
int os_leaf_slot(os *o, os_proc *p, uint64_t va, uint64_t *pte_pa, mm_error *err);

/* A visit of every leaf (present or swapped) in [start, end); a non-zero
 * return stops the walk and is returned. */
typedef int (*os_leaf_fn)(os *o, os_proc *p, uint64_t va, unsigned level, uint64_t pte_pa,
                          uint64_t pte, void *ctx);
int os_scan(os *o, os_proc *p, uint64_t start, uint64_t end, os_leaf_fn fn, void *ctx);
/* Frees every page-table frame of p (after its leaves are gone). */
void os_free_tables(os *o, os_proc *p);

/* os_frame.c */
os_frame *os_frame_of(const os *o, uint64_t pa);
int os_frame_alloc(os *o, uint32_t group, unsigned level, os_frame **out, uint64_t *cycles,
                   uint32_t *swap_outs, mm_error *err);
/* Evicts one victim of group (OS_NO_GROUP: any group) chosen by the policy. */
int os_reclaim_one(os *o, uint32_t group, uint64_t *cycles, uint32_t *swap_outs, mm_error *err);
int os_frame_add_mapper(os *o, os_frame *f, uint32_t pid, uint64_t va, mm_error *err);
/* Drops (pid, va) from f; frees the frame when it was the last mapper. */
void os_frame_drop_mapper(os *o, os_frame *f, uint32_t pid, uint64_t va);
int os_frame_split(os *o, os_frame *f, uint64_t *cycles, mm_error *err);
void os_frame_copy(os *o, uint64_t dst_pa, uint64_t src_pa);
void os_slot_get(os *o, uint64_t slot);
void os_slot_put(os *o, uint64_t slot);
void os_slot_read(os *o, uint64_t slot, uint64_t pa);

/* os_region.c */
const os_region *os_region_find(const os_proc *p, uint64_t va);
/* Replaces [start, end) of the regions it overlaps with prot (remove:
 * cuts it out). Returns false when host memory runs out. */
bool os_region_carve(os_proc *p, uint64_t start, uint64_t end, bool remove, uint32_t prot);
bool os_region_covers(const os_proc *p, uint64_t start, uint64_t end);
bool os_region_overlaps(const os_proc *p, uint64_t start, uint64_t end);
int os_region_insert(os_proc *p, uint64_t start, uint64_t end, uint32_t prot, uint32_t flags);

#endif
