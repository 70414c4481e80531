/*
 * frame_set.h — internal to pmem.c: the set of frames the allocator has
 * handed out. A bitmap over [0, end_frame) when the allocatable range is
 * small enough for one (every real memory size: 1 TiB needs 32 MiB of
 * bits, and calloc leaves untouched parts of it unbacked); a hash map for
 * the huge sparse ranges a 52-bit memory allows. The bitmap makes the
 * allocator's per-frame bookkeeping a bit operation and lets the search for
 * an aligned free run test 64 frames per word.
 */
#ifndef MMULAB_FRAME_SET_H
#define MMULAB_FRAME_SET_H

#include <stdlib.h>

#include "base/u64map.h"

/* Largest frame count kept as a bitmap (2^28 bits = 32 MiB: 1 TiB of memory). */
#define FRAME_SET_MAX_BITMAP_FRAMES (1ull << 28)
#define FRAME_SET_MARK ((void *)1)

typedef struct {
    uint64_t *bits; /* bit f % 64 of word f / 64: frame f allocated; NULL: use map */
    u64map map;     /* frame number -> FRAME_SET_MARK, when bits is NULL */
    uint64_t end;   /* frames at or above end are never in the set */
    uint64_t count;
} frame_set;

static inline bool frame_set_init(frame_set *s, uint64_t end_frame)
{
    s->count = 0;
    s->end = end_frame;
    s->bits = NULL;
    s->map = (u64map){0};
    if (end_frame <= FRAME_SET_MAX_BITMAP_FRAMES) {
        s->bits = calloc((size_t)((end_frame + 63u) / 64u), sizeof *s->bits);
        return s->bits != NULL;
    }
    return u64map_init(&s->map, 1024);
}

static inline void frame_set_free(frame_set *s)
{
    free(s->bits);
    s->bits = NULL;
    u64map_free(&s->map);
}

/* Adds a frame below end; false only when the map could not grow. */
static inline bool frame_set_add(frame_set *s, uint64_t frame)
{
    if (s->bits) {
        uint64_t bit = 1ull << (frame % 64u);
        s->count += (s->bits[frame / 64u] & bit) == 0;
        s->bits[frame / 64u] |= bit;
        return true;
    }
    if (!u64map_put(&s->map, frame, FRAME_SET_MARK))
        return false;
    s->count = s->map.count;
    return true;
}

/* Removes frame; false when it was not in the set. */
static inline bool frame_set_remove(frame_set *s, uint64_t frame)
{
    if (frame >= s->end)
        return false;
    if (s->bits) {
        uint64_t bit = 1ull << (frame % 64u);
        if (!(s->bits[frame / 64u] & bit))
            return false;
        s->bits[frame / 64u] &= ~bit;
        s->count--;
        return true;
    }
    if (!u64map_remove(&s->map, frame))
        return false;
    s->count = s->map.count;
    return true;
}

/* True when no frame of [frame, frame + count) is in the set. The run lies
 * below end, count is a power of two and frame a multiple of it (the
 * allocator's runs are naturally aligned), so in the bitmap the run is
 * part of one word or a number of whole words. */
static inline bool frame_set_range_free(const frame_set *s, uint64_t frame, uint64_t count)
{
    if (!s->bits) {
        for (uint64_t f = frame; f < frame + count; f++)
            if (u64map_get(&s->map, f))
                return false;
        return true;
    }
    if (count < 64u) {
        uint64_t run = ((1ull << count) - 1u) << (frame % 64u);
        return (s->bits[frame / 64u] & run) == 0;
    }
    for (uint64_t word = frame / 64u; word < (frame + count) / 64u; word++)
        if (s->bits[word])
            return false;
    return true;
}

#endif
