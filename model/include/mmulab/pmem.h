/*
 * pmem.h — sparse simulated physical memory and its frame allocator.
 * Memory is 4 KiB frames, materialised on first write; unwritten memory
 * reads as zero. Physical addresses have up to 52 bits; the frame
 * allocator hands out frames below `size_bytes`, in order or in a
 * seeded pseudo-random order.
 */
#ifndef MMULAB_PMEM_H
#define MMULAB_PMEM_H

#include "mmulab/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PMEM_FRAME_SIZE 4096u
#define PMEM_MAX_PA_BITS 52u

typedef enum {
    PMEM_ALLOC_SEQUENTIAL = 0, /* lowest free frame first (after base) */
    PMEM_ALLOC_RANDOM = 1      /* seeded: same seed, same frame sequence */
} pmem_alloc_policy;

typedef struct {
    uint64_t size_bytes;   /* allocatable memory, multiple of 4 KiB, ≤ 2^pa_bits */
    unsigned pa_bits;      /* width of a physical address, 32..52 */
    uint64_t base;         /* first allocatable address (frames below are never handed out) */
    pmem_alloc_policy policy;
    uint64_t seed;         /* for PMEM_ALLOC_RANDOM */
} pmem_config;

typedef struct pmem pmem;

pmem *pmem_create(const pmem_config *cfg, mm_error *err);
void pmem_destroy(pmem *mem);

/* True when pa is below 2^pa_bits (an address the memory can hold). */
bool pmem_valid_pa(const pmem *mem, uint64_t pa);
unsigned pmem_pa_bits(const pmem *mem);

/* 8-byte aligned access; pa must be valid (checked by the caller, see
 * pmem_valid_pa). Reads of never-written frames return 0 without
 * materialising them. */
uint64_t pmem_read64(pmem *mem, uint64_t pa);
void pmem_write64(pmem *mem, uint64_t pa, uint64_t value);
/* A host-side hint: start loading the word at pa into the host's caches.
 * Changes nothing the model can observe. */
void pmem_prefetch64(pmem *mem, uint64_t pa);

/* Allocates a zeroed frame; returns MM_ERR_FULL when none is free. */
int pmem_alloc_frame(pmem *mem, uint64_t *pa_out, mm_error *err);
/* Allocates 2^order contiguous, naturally aligned frames (order 9: 2 MiB). */
int pmem_alloc_frames(pmem *mem, unsigned order, uint64_t *pa_out, mm_error *err);
/* Returns a frame to the allocator and drops its contents. */
void pmem_free_frame(pmem *mem, uint64_t pa);
/* Takes the frame holding pa out of the allocator's hands without handing
 * it to anyone, for memory whose layout is given (an imported address
 * space, sim_load_image): the allocator passes over it until
 * pmem_free_frame. A frame outside the allocatable range needs nothing
 * (MM_OK); MM_ERR_EXISTS when the frame is allocated already. */
int pmem_reserve_frame(pmem *mem, uint64_t pa, mm_error *err);

uint64_t pmem_frames_allocated(const pmem *mem);
uint64_t pmem_frames_materialised(const pmem *mem);

#ifdef __cplusplus
}
#endif
#endif
