/*
 * pmem.c — sparse physical memory: frames materialise on first write and
 * live in a hash map keyed by frame number. Their contents sit in large
 * slabs (2 MiB, huge pages where the host offers them), so the page-table
 * pages a walk reads are dense in host memory, and a direct-mapped cache of
 * frame -> contents in front of the map makes most lookups one compare.
 * The allocator tracks which frames are handed out (or reserved) in a
 * frame_set, and keeps freed frames in a min-heap so the sequential policy
 * always returns the lowest free frame.
 */
#define _DEFAULT_SOURCE /* madvise */
#include "mmulab/pmem.h"

#include <stdlib.h>
#include <string.h>

#if defined(__has_include)
#if __has_include(<sys/mman.h>)
#include <sys/mman.h>
#endif
#endif

#include "base/frame_set.h"
#include "base/u64map.h"

#define FRAME_WORDS (PMEM_FRAME_SIZE / 8u)
/* The first slab is small so a memory that holds a handful of frames stays
 * small; later slabs are one 2 MiB huge page each. */
#define FIRST_SLAB_FRAMES 32u
#define SLAB_FRAMES 512u
#define SLAB_ALIGN ((size_t)SLAB_FRAMES * PMEM_FRAME_SIZE)
/* The frame cache holds 4 entries per materialised frame, between these bounds. */
#define FRAME_CACHE_MIN_BITS 8u
#define FRAME_CACHE_MAX_BITS 16u
#define NO_FRAME UINT64_MAX

/* One frame-cache entry: data is the frame's contents, or NULL when the
 * frame is known not to be materialised (reads as zero). */
typedef struct {
    uint64_t frame;
    uint64_t *data;
} frame_cache_entry;

struct pmem {
    pmem_config cfg;
    frame_cache_entry *cache;        /* 2^cache_bits entries */
    unsigned cache_bits;
    u64map frames;                   /* frame number -> contents (512 words in a slab) */
    uint64_t **slabs;                /* every slab, for pmem_destroy */
    size_t n_slabs, slabs_cap;
    uint64_t *slab_next;             /* unused frames of the newest slab start here */
    size_t slab_left;                /* ... and this many remain */
    uint64_t *free_contents;         /* dropped frames' storage; word 0 links to the next */
    frame_set allocated;
    uint64_t first_frame, end_frame; /* allocatable range [first, end) */
    uint64_t next_frame;             /* sequential: never-used frames start here */
    uint64_t *free_heap;             /* sequential: freed frames, min-heap */
    size_t free_count, free_cap;
    uint64_t rng;                    /* random: xorshift64* state */
};

static size_t cache_index(const pmem *mem, uint64_t frame)
{
    return (size_t)((frame * 0x9e3779b97f4a7c15ull) >> (64u - mem->cache_bits));
}

static bool cache_resize(pmem *mem, unsigned bits)
{
    frame_cache_entry *cache = malloc(((size_t)1 << bits) * sizeof *cache);
    if (!cache)
        return false;
    for (size_t i = 0; i < (size_t)1 << bits; i++)
        cache[i] = (frame_cache_entry){NO_FRAME, NULL};
    free(mem->cache);
    mem->cache = cache;
    mem->cache_bits = bits;
    return true;
}

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
    mem->first_frame = cfg->base / PMEM_FRAME_SIZE;
    mem->end_frame = cfg->size_bytes / PMEM_FRAME_SIZE;
    mem->next_frame = mem->first_frame;
    mem->rng = cfg->seed ? cfg->seed : 0x9e3779b97f4a7c15ull;
    if (!u64map_init(&mem->frames, 1024) || !frame_set_init(&mem->allocated, mem->end_frame) ||
        !cache_resize(mem, FRAME_CACHE_MIN_BITS)) {
        pmem_destroy(mem);
        return mm_fail(err, MM_ERR_NOMEM, "pmem: out of host memory"), NULL;
    }
    return mem;
}

void pmem_destroy(pmem *mem)
{
    if (!mem)
        return;
    for (size_t i = 0; i < mem->n_slabs; i++)
        free(mem->slabs[i]);
    free(mem->slabs);
    free(mem->cache);
    u64map_free(&mem->frames);
    frame_set_free(&mem->allocated);
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

/* Storage for one more frame's contents, not zeroed; NULL when the host
 * is out of memory. */
static uint64_t *take_contents(pmem *mem)
{
    if (mem->free_contents) {
        uint64_t *data = mem->free_contents;
        mem->free_contents = (uint64_t *)(uintptr_t)data[0];
        return data;
    }
    if (!mem->slab_left) {
        if (mem->n_slabs == mem->slabs_cap) {
            size_t cap = mem->slabs_cap ? 2 * mem->slabs_cap : 16;
            uint64_t **slabs = realloc(mem->slabs, cap * sizeof *slabs);
            if (!slabs)
                return NULL;
            mem->slabs = slabs;
            mem->slabs_cap = cap;
        }
        size_t frames = mem->n_slabs ? SLAB_FRAMES : FIRST_SLAB_FRAMES;
        size_t bytes = frames * PMEM_FRAME_SIZE;
        uint64_t *slab = aligned_alloc(frames == SLAB_FRAMES ? SLAB_ALIGN : PMEM_FRAME_SIZE, bytes);
        if (!slab)
            return NULL;
#ifdef MADV_HUGEPAGE
        /* A hint: page-table pages then share a few host TLB entries. */
        if (frames == SLAB_FRAMES)
            (void)madvise(slab, bytes, MADV_HUGEPAGE);
#endif
        mem->slabs[mem->n_slabs++] = slab;
        mem->slab_next = slab;
        mem->slab_left = frames;
    }
    uint64_t *data = mem->slab_next;
    mem->slab_next += FRAME_WORDS;
    mem->slab_left--;
    return data;
}

static void give_back_contents(pmem *mem, uint64_t *data)
{
    data[0] = (uint64_t)(uintptr_t)mem->free_contents;
    mem->free_contents = data;
}

/* Keeps the cache at about four entries per materialised frame, so frames
 * that are read together rarely share an entry. */
static void cache_fit(pmem *mem)
{
    unsigned bits = mem->cache_bits;
    while (bits < FRAME_CACHE_MAX_BITS && ((size_t)1 << bits) < 4 * mem->frames.count)
        bits++;
    if (bits != mem->cache_bits)
        (void)cache_resize(mem, bits); /* on failure the smaller cache stays correct */
}

/* A frame the cache does not know: the map decides, and the cache learns
 * the answer (present or not). */
static uint64_t *lookup_frame(pmem *mem, uint64_t frame)
{
    uint64_t *data = u64map_get(&mem->frames, frame);
    mem->cache[cache_index(mem, frame)] = (frame_cache_entry){frame, data};
    return data;
}

static uint64_t *materialise(pmem *mem, uint64_t frame)
{
    uint64_t *data = take_contents(mem);
    if (!data)
        return NULL;
    if (!u64map_put(&mem->frames, frame, data)) {
        give_back_contents(mem, data);
        return NULL;
    }
    memset(data, 0, PMEM_FRAME_SIZE);
    cache_fit(mem);
    mem->cache[cache_index(mem, frame)] = (frame_cache_entry){frame, data};
    return data;
}

uint64_t pmem_read64(pmem *mem, uint64_t pa)
{
    uint64_t frame = pa >> 12;
    const frame_cache_entry *hit = &mem->cache[cache_index(mem, frame)];
    const uint64_t *data = hit->frame == frame ? hit->data : lookup_frame(mem, frame);
    return data ? data[(pa & 0xfff) >> 3] : 0;
}

void pmem_prefetch64(pmem *mem, uint64_t pa)
{
    uint64_t frame = pa >> 12;
    const frame_cache_entry *hit = &mem->cache[cache_index(mem, frame)];
    const uint64_t *data = hit->frame == frame ? hit->data : lookup_frame(mem, frame);
#if defined(__GNUC__)
    if (data)
        __builtin_prefetch(&data[(pa & 0xfff) >> 3]);
#else
    (void)data;
#endif
}

void pmem_write64(pmem *mem, uint64_t pa, uint64_t value)
{
    uint64_t frame = pa >> 12;
    const frame_cache_entry *hit = &mem->cache[cache_index(mem, frame)];
    uint64_t *data = hit->frame == frame ? hit->data : lookup_frame(mem, frame);
    /* Writing zero to a never-written frame changes nothing observable;
     * a host allocation failure degrades to the same (documented). */
    if (!data && value != 0)
        data = materialise(mem, frame);
    if (data)
        data[(pa & 0xfff) >> 3] = value;
}

static void drop_contents(pmem *mem, uint64_t frame)
{
    uint64_t *data = u64map_remove(&mem->frames, frame);
    if (!data)
        return;
    give_back_contents(mem, data);
    frame_cache_entry *entry = &mem->cache[cache_index(mem, frame)];
    if (entry->frame == frame)
        entry->data = NULL;
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
        /* the heap may hold frames reserved after they were freed: dropped here */
        while (order == 0 && frame == UINT64_MAX && mem->free_count) {
            uint64_t f = heap_pop(mem);
            if (frame_set_range_free(&mem->allocated, f, 1))
                frame = f;
        }
        if (frame == UINT64_MAX) {
            uint64_t f = (mem->next_frame + count - 1) & ~(count - 1);
            /* runs holding a reserved frame (pmem_reserve_frame) are passed over */
            while (f + count <= mem->end_frame && !frame_set_range_free(&mem->allocated, f, count))
                f += count;
            if (f + count <= mem->end_frame) {
                frame = f;
                /* free frames skipped for alignment go to the free heap */
                for (uint64_t s = mem->next_frame; s < f; s++)
                    if (frame_set_range_free(&mem->allocated, s, 1))
                        heap_push(mem, s);
                mem->next_frame = f + count;
            } else {
                /* scan the freed frames for an aligned free run */
                for (f = (mem->first_frame + count - 1) & ~(count - 1); f + count <= mem->end_frame;
                     f += count)
                    if (frame_set_range_free(&mem->allocated, f, count))
                        break;
                if (f + count > mem->end_frame)
                    return mm_fail(err, MM_ERR_FULL,
                                   "physical memory full: no free aligned run of %llu frames",
                                   (unsigned long long)count);
                frame = f;
                if (f + count > mem->next_frame) {
                    for (uint64_t s = mem->next_frame; s < f; s++)
                        if (frame_set_range_free(&mem->allocated, s, 1))
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
            if (frame_set_range_free(&mem->allocated, f, count)) {
                frame = f;
                break;
            }
        }
        if (frame == UINT64_MAX)
            return mm_fail(err, MM_ERR_FULL, "physical memory full: no free aligned run of %llu frames",
                           (unsigned long long)count);
    }
    for (uint64_t f = frame; f < frame + count; f++) {
        if (!frame_set_add(&mem->allocated, f))
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
    if (!frame_set_remove(&mem->allocated, frame))
        return;
    drop_contents(mem, frame);
    if (mem->cfg.policy == PMEM_ALLOC_SEQUENTIAL)
        heap_push(mem, frame);
}

int pmem_reserve_frame(pmem *mem, uint64_t pa, mm_error *err)
{
    uint64_t frame = pa >> 12;
    if (frame < mem->first_frame || frame >= mem->end_frame)
        return MM_OK; /* never handed out anyway */
    if (!frame_set_range_free(&mem->allocated, frame, 1))
        return mm_fail(err, MM_ERR_EXISTS, "pmem: frame at 0x%llx is allocated already",
                       (unsigned long long)(frame << 12));
    if (!frame_set_add(&mem->allocated, frame))
        return mm_fail(err, MM_ERR_NOMEM, "pmem: out of host memory");
    return MM_OK;
}

uint64_t pmem_frames_allocated(const pmem *mem)
{
    return mem->allocated.count;
}

uint64_t pmem_frames_materialised(const pmem *mem)
{
    return mem->frames.count;
}
