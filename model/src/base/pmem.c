/*
 * pmem.c — sparse physical memory: frames materialise on first write and
 * live in a hash map keyed by frame number; a one-entry cache makes runs
 * of accesses to one page-table page cheap. The allocator tracks which
 * frames are handed out in a second map, and keeps freed frames in a
 * min-heap so the sequential policy always returns the lowest free frame.
 */
#include "mmulab/pmem.h"

#include <stdlib.h>
#include <string.h>

#include "base/u64map.h"

#define ALLOCATED_MARK ((void *)1)

struct pmem {
    pmem_config cfg;
    u64map frames;       /* frame number -> uint64_t[512] */
    u64map allocated;    /* frame number -> ALLOCATED_MARK */
    uint64_t first_frame, end_frame; /* allocatable range [first, end) */
    uint64_t next_frame;             /* sequential: never-used frames start here */
    uint64_t *free_heap;             /* sequential: freed frames, min-heap */
    size_t free_count, free_cap;
    uint64_t rng;                    /* random: xorshift64* state */
    uint64_t cached_frame;
    uint64_t *cached_data;
};

pmem *pmem_create(const pmem_config *cfg, mm_error *err)
{
    if (cfg->pa_bits < 32 || cfg->pa_bits > PMEM_MAX_PA_BITS)
        return mm_fail(err, MM_ERR_CONFIG, "memory.pa_bits: %u is outside 32..52", cfg->pa_bits),
               NULL;
    if (cfg->size_bytes == 0 || cfg->size_bytes % PMEM_FRAME_SIZE)
        return mm_fail(err, MM_ERR_CONFIG,
                       "memory.size: %llu is not a non-zero multiple of 4 KiB",
                       (unsigned long long)cfg->size_bytes),
               NULL;
    if (cfg->pa_bits < 64 && cfg->size_bytes > (1ull << cfg->pa_bits))
        return mm_fail(err, MM_ERR_CONFIG, "memory.size: %llu bytes do not fit in %u address bits",
                       (unsigned long long)cfg->size_bytes, cfg->pa_bits),
               NULL;
    if (cfg->base % PMEM_FRAME_SIZE || cfg->base >= cfg->size_bytes)
        return mm_fail(err, MM_ERR_CONFIG, "memory.base: %llu must be 4 KiB aligned and below size",
                       (unsigned long long)cfg->base),
               NULL;
    pmem *mem = calloc(1, sizeof *mem);
    if (!mem)
        return mm_fail(err, MM_ERR_NOMEM, "pmem: out of host memory"), NULL;
    mem->cfg = *cfg;
    if (!u64map_init(&mem->frames, 1024) || !u64map_init(&mem->allocated, 1024)) {
        pmem_destroy(mem);
        return mm_fail(err, MM_ERR_NOMEM, "pmem: out of host memory"), NULL;
    }
    mem->first_frame = cfg->base / PMEM_FRAME_SIZE;
    mem->end_frame = cfg->size_bytes / PMEM_FRAME_SIZE;
    mem->next_frame = mem->first_frame;
    mem->rng = cfg->seed ? cfg->seed : 0x9e3779b97f4a7c15ull;
    mem->cached_frame = UINT64_MAX;
    return mem;
}

void pmem_destroy(pmem *mem)
{
    if (!mem)
        return;
    for (size_t i = 0; i < mem->frames.cap; i++)
        if (mem->frames.vals && mem->frames.vals[i])
            free(mem->frames.vals[i]);
    u64map_free(&mem->frames);
    u64map_free(&mem->allocated);
    free(mem->free_heap);
    free(mem);
}

bool pmem_valid_pa(const pmem *mem, uint64_t pa)
{
    return (pa >> mem->cfg.pa_bits) == 0;
}

unsigned pmem_pa_bits(const pmem *mem)
{
    return mem->cfg.pa_bits;
}

static uint64_t *frame_data(pmem *mem, uint64_t frame, bool create)
{
    if (frame == mem->cached_frame)
        return mem->cached_data;
    uint64_t *data = u64map_get(&mem->frames, frame);
    if (!data && create) {
        data = calloc(PMEM_FRAME_SIZE / 8, sizeof *data);
        if (!data || !u64map_put(&mem->frames, frame, data)) {
            free(data);
            return NULL;
        }
    }
    if (data) {
        mem->cached_frame = frame;
        mem->cached_data = data;
    }
    return data;
}

uint64_t pmem_read64(pmem *mem, uint64_t pa)
{
    uint64_t *data = frame_data(mem, pa >> 12, false);
    return data ? data[(pa & 0xfff) >> 3] : 0;
}

void pmem_write64(pmem *mem, uint64_t pa, uint64_t value)
{
    uint64_t *data = frame_data(mem, pa >> 12, value != 0);
    /* Writing zero to a never-written frame changes nothing observable;
     * a host allocation failure degrades to the same (documented). */
    if (data)
        data[(pa & 0xfff) >> 3] = value;
}

static void drop_contents(pmem *mem, uint64_t frame)
{
    uint64_t *data = u64map_remove(&mem->frames, frame);
    if (frame == mem->cached_frame)
        mem->cached_frame = UINT64_MAX;
    free(data);
}

static void heap_push(pmem *mem, uint64_t frame)
{
    if (mem->free_count == mem->free_cap) {
        size_t cap = mem->free_cap ? mem->free_cap * 2 : 64;
        uint64_t *heap = realloc(mem->free_heap, cap * sizeof *heap);
        if (!heap)
            return; /* the frame is leaked to the allocator, never reused */
        mem->free_heap = heap;
        mem->free_cap = cap;
    }
    size_t i = mem->free_count++;
    while (i > 0 && mem->free_heap[(i - 1) / 2] > frame) {
        mem->free_heap[i] = mem->free_heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    mem->free_heap[i] = frame;
}

static uint64_t heap_pop(pmem *mem)
{
    uint64_t top = mem->free_heap[0];
    uint64_t last = mem->free_heap[--mem->free_count];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= mem->free_count)
            break;
        if (c + 1 < mem->free_count && mem->free_heap[c + 1] < mem->free_heap[c])
            c++;
        if (mem->free_heap[c] >= last)
            break;
        mem->free_heap[i] = mem->free_heap[c];
        i = c;
    }
    if (mem->free_count)
        mem->free_heap[i] = last;
    return top;
}

static uint64_t rng_next(pmem *mem)
{
    mem->rng ^= mem->rng >> 12;
    mem->rng ^= mem->rng << 25;
    mem->rng ^= mem->rng >> 27;
    return mem->rng * 0x2545f4914f6cdd1dull;
}

static bool range_free(const pmem *mem, uint64_t frame, uint64_t count)
{
    for (uint64_t f = frame; f < frame + count; f++)
        if (u64map_get(&mem->allocated, f))
            return false;
    return true;
}

int pmem_alloc_frames(pmem *mem, unsigned order, uint64_t *pa_out, mm_error *err)
{
    if (order > 18)
        return mm_fail(err, MM_ERR_INVALID, "pmem: allocation order %u too large", order);
    uint64_t count = 1ull << order;
    uint64_t total = mem->end_frame - mem->first_frame;
    if (mem->allocated.count + count > total)
        return mm_fail(err, MM_ERR_FULL, "physical memory full: %llu of %llu frames allocated",
                       (unsigned long long)mem->allocated.count, (unsigned long long)total);
    uint64_t frame = UINT64_MAX;
    if (mem->cfg.policy == PMEM_ALLOC_SEQUENTIAL) {
        if (order == 0 && mem->free_count) {
            frame = heap_pop(mem);
        } else {
            uint64_t f = (mem->next_frame + count - 1) & ~(count - 1);
            if (f + count <= mem->end_frame) {
                frame = f;
                /* frames skipped for alignment go to the free heap */
                for (uint64_t s = mem->next_frame; s < f; s++)
                    heap_push(mem, s);
                mem->next_frame = f + count;
            } else {
                /* scan the freed frames for an aligned free run */
                for (f = (mem->first_frame + count - 1) & ~(count - 1); f + count <= mem->end_frame;
                     f += count)
                    if (range_free(mem, f, count))
                        break;
                if (f + count > mem->end_frame)
                    return mm_fail(err, MM_ERR_FULL,
                                   "physical memory full: no free aligned run of %llu frames",
                                   (unsigned long long)count);
                frame = f;
                if (f + count > mem->next_frame) {
                    for (uint64_t s = mem->next_frame; s < f; s++)
                        heap_push(mem, s);
                    mem->next_frame = f + count;
                }
                /* rebuild the heap without the frames just taken */
                size_t keep = 0;
                for (size_t i = 0; i < mem->free_count; i++)
                    if (mem->free_heap[i] < f || mem->free_heap[i] >= f + count)
                        mem->free_heap[keep++] = mem->free_heap[i];
                uint64_t *heap = mem->free_heap;
                size_t n = keep;
                mem->free_count = 0;
                for (size_t i = 0; i < n; i++)
                    heap_push(mem, heap[i]);
            }
        }
    } else {
        uint64_t slots = total >> order;
        uint64_t base = (mem->first_frame + count - 1) & ~(count - 1);
        if (base + count > mem->end_frame)
            slots = 0;
        else
            slots = (mem->end_frame - base) >> order;
        uint64_t start = slots ? rng_next(mem) % slots : 0;
        for (uint64_t k = 0; k < slots; k++) {
            uint64_t f = base + (((start + k) % slots) << order);
            if (range_free(mem, f, count)) {
                frame = f;
                break;
            }
        }
        if (frame == UINT64_MAX)
            return mm_fail(err, MM_ERR_FULL, "physical memory full: no free aligned run of %llu frames",
                           (unsigned long long)count);
    }
    for (uint64_t f = frame; f < frame + count; f++) {
        if (!u64map_put(&mem->allocated, f, ALLOCATED_MARK))
            return mm_fail(err, MM_ERR_NOMEM, "pmem: out of host memory");
        drop_contents(mem, f); /* a new frame reads as zero */
    }
    *pa_out = frame << 12;
    return MM_OK;
}

int pmem_alloc_frame(pmem *mem, uint64_t *pa_out, mm_error *err)
{
    return pmem_alloc_frames(mem, 0, pa_out, err);
}

void pmem_free_frame(pmem *mem, uint64_t pa)
{
    uint64_t frame = pa >> 12;
    if (!u64map_remove(&mem->allocated, frame))
        return;
    drop_contents(mem, frame);
    if (mem->cfg.policy == PMEM_ALLOC_SEQUENTIAL)
        heap_push(mem, frame);
}

uint64_t pmem_frames_allocated(const pmem *mem)
{
    return mem->allocated.count;
}

uint64_t pmem_frames_materialised(const pmem *mem)
{
    return mem->frames.count;
}
