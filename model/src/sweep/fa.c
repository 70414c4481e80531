/*
 * fa.c — every size of a fully associative true-LRU TLB in one pass
 * (sweep.h, docs/sweeps.md): the LRU stack distance of each reference,
 * counted exactly up to max_entries.
 *
 * Only the pages an LRU TLB of max_entries entries would hold ("resident"
 * pages) are tracked: a page deeper than that misses at every size. Each
 * resident page owns one "position", the time of its last reference, in a
 * window of `positions` times; a bitmap marks the owned positions, so the
 * depth of a page is the number of marks at or above its position. A
 * Fenwick tree over the bitmap's words (only the words below the one being
 * filled, the "open" word) answers that count in O(log(positions / 64)).
 * When the window is used up, the resident pages are renumbered 0..n-1 in
 * order (compaction, O(positions / 64 + n), once per >= 3 max_entries
 * references). The least recent resident page, the one a miss evicts when
 * the largest TLB is full, is the lowest mark, found by a cursor that only
 * moves up between compactions.
 */
#include "mmulab/sweep.h"

#include <stdlib.h>
#include <string.h>

#include "base/u64map.h"

struct sweep_fa {
    uint32_t max_entries;
    uint32_t resident;     /* pages held by the largest TLB: slots in use */
    uint64_t references;
    uint64_t repeats;      /* references to the previous reference's page: depth 1 */
    uint64_t *hits_at;     /* [max_entries + 1]: references at LRU depth d (repeats apart) */
    u64map where;          /* key -> slot + 1 of a resident page */
    uint64_t *slot_key;    /* [max_entries] */
    uint32_t *slot_pos;    /* [max_entries]: the slot's position */
    uint32_t *pos_slot;    /* [positions]: the slot owning a marked position */
    uint64_t *marks;       /* [words]: owned positions */
    uint32_t *tree;        /* [words + 1]: Fenwick tree (1-based) of the marks per word,
                              covering words 0 .. open_word - 1 */
    uint32_t positions;
    uint32_t words;
    uint32_t next_pos;     /* the position the next referenced page takes */
    uint32_t open_word;    /* the word next_pos is in, not yet in the tree */
    uint32_t oldest;       /* no mark below this position */
    uint64_t last_key;
    bool has_last;
};

static inline uint32_t lowest_bit_index(uint64_t x)
{
    return (uint32_t)__builtin_ctzll(x);
}

static inline uint32_t ones(uint64_t x)
{
    return (uint32_t)__builtin_popcountll(x);
}

sweep_fa *sweep_fa_create(uint32_t max_entries, mm_error *err)
{
    if (max_entries == 0 || max_entries > SWEEP_FA_MAX_ENTRIES)
        return mm_fail(err, MM_ERR_INVALID, "sweep: max_entries %u is outside 1..%u", max_entries,
                       SWEEP_FA_MAX_ENTRIES),
               NULL;
    sweep_fa *f = calloc(1, sizeof *f);
    if (!f)
        return mm_fail(err, MM_ERR_NOMEM, "sweep: out of host memory"), NULL;
    f->max_entries = max_entries;
    /* four times the resident pages: compaction every >= 3 max_entries references */
    uint32_t want = max_entries < 32u ? 128u : 4u * max_entries;
    f->words = (want + 63u) / 64u;
    f->positions = f->words * 64u;
    f->hits_at = calloc((size_t)max_entries + 1u, sizeof *f->hits_at);
    f->slot_key = calloc(max_entries, sizeof *f->slot_key);
    f->slot_pos = calloc(max_entries, sizeof *f->slot_pos);
    f->pos_slot = calloc(f->positions, sizeof *f->pos_slot);
    f->marks = calloc(f->words, sizeof *f->marks);
    f->tree = calloc((size_t)f->words + 1u, sizeof *f->tree);
    /* at most max_entries keys in >= 2 max_entries slots: the map never grows */
    bool map_ok = u64map_init(&f->where, 2u * (size_t)max_entries);
    if (!map_ok || !f->hits_at || !f->slot_key || !f->slot_pos || !f->pos_slot || !f->marks ||
        !f->tree) {
        sweep_fa_destroy(f);
        return mm_fail(err, MM_ERR_NOMEM, "sweep: out of host memory for %u entries", max_entries),
               NULL;
    }
    return f;
}

void sweep_fa_destroy(sweep_fa *f)
{
    if (!f)
        return;
    u64map_free(&f->where);
    free(f->hits_at);
    free(f->slot_key);
    free(f->slot_pos);
    free(f->pos_slot);
    free(f->marks);
    free(f->tree);
    free(f);
}

/* Marks in the first `word_count` words (all of them below open_word). */
static inline uint32_t tree_prefix(const uint32_t *tree, uint32_t word_count)
{
    uint32_t n = 0;
    for (uint32_t i = word_count; i; i &= i - 1u)
        n += tree[i];
    return n;
}

static inline void tree_add(uint32_t *tree, uint32_t words, uint32_t word, uint32_t delta)
{
    for (uint32_t i = word + 1u; i <= words; i += i & (0u - i))
        tree[i] += delta; /* delta may be -1 mod 2^32 */
}

/* Marks below pos: resident pages referenced less recently than pos's. */
static inline uint32_t marks_below(const sweep_fa *f, uint32_t pos)
{
    uint32_t word = pos >> 6;
    uint64_t below = (1ull << (pos & 63u)) - 1u;
    return tree_prefix(f->tree, word) + ones(f->marks[word] & below);
}

static inline void unmark(sweep_fa *f, uint32_t pos)
{
    uint32_t word = pos >> 6;
    f->marks[word] &= ~(1ull << (pos & 63u));
    if (word < f->open_word)
        tree_add(f->tree, f->words, word, (uint32_t)-1);
}

/* Renumbers the marked positions 0..n-1 keeping their order. A mark moves
 * only down (to n <= its position), after every lower one was read. */
static void compact(sweep_fa *f)
{
    uint32_t n = 0;
    for (uint32_t word = 0; word <= f->open_word && word < f->words; word++) {
        for (uint64_t bits = f->marks[word]; bits; bits &= bits - 1u) {
            uint32_t slot = f->pos_slot[word * 64u + lowest_bit_index(bits)];
            f->pos_slot[n] = slot;
            f->slot_pos[slot] = n++;
        }
    }
    uint32_t full = n >> 6;
    memset(f->marks, 0, (size_t)f->words * sizeof *f->marks);
    for (uint32_t word = 0; word < full; word++)
        f->marks[word] = ~0ull;
    if (n & 63u)
        f->marks[full] = (1ull << (n & 63u)) - 1u;
    /* the tree covers the full words, 64 marks each: built bottom-up in O(words) */
    memset(f->tree, 0, ((size_t)f->words + 1u) * sizeof *f->tree);
    for (uint32_t i = 1; i <= f->words; i++) {
        if (i - 1u < full)
            f->tree[i] += 64u;
        uint32_t parent = i + (i & (0u - i));
        if (parent <= f->words)
            f->tree[parent] += f->tree[i];
    }
    f->open_word = full;
    f->next_pos = n;
    f->oldest = 0;
}

/* Gives slot the newest position. */
static inline void place(sweep_fa *f, uint32_t slot)
{
    if (f->next_pos == f->positions)
        compact(f);
    uint32_t pos = f->next_pos++;
    uint32_t word = pos >> 6;
    if (word != f->open_word) {
        /* the previous word is complete: it joins the tree */
        tree_add(f->tree, f->words, f->open_word, ones(f->marks[f->open_word]));
        f->open_word = word;
    }
    f->marks[word] |= 1ull << (pos & 63u);
    f->pos_slot[pos] = slot;
    f->slot_pos[slot] = pos;
}

/* The least recently referenced resident page's position (there is one). */
static inline uint32_t oldest_mark(sweep_fa *f)
{
    uint32_t word = f->oldest >> 6;
    uint64_t bits = f->marks[word] & (~0ull << (f->oldest & 63u));
    while (!bits)
        bits = f->marks[++word];
    return word * 64u + lowest_bit_index(bits);
}

void sweep_fa_reference(sweep_fa *f, uint64_t key)
{
    f->references++;
    if (key == f->last_key && f->has_last) {
        /* depth 1, and the recency order does not change */
        f->repeats++;
        return;
    }
    f->last_key = key;
    f->has_last = true;
    void *found = u64map_get(&f->where, key);
    uint32_t slot;
    if (found) {
        slot = (uint32_t)((uintptr_t)found - 1u);
        uint32_t pos = f->slot_pos[slot];
        f->hits_at[f->resident - marks_below(f, pos)]++;
        unmark(f, pos);
    } else {
        if (f->resident < f->max_entries) {
            slot = f->resident++;
        } else {
            uint32_t pos = oldest_mark(f);
            slot = f->pos_slot[pos];
            f->oldest = pos + 1u;
            unmark(f, pos);
            u64map_remove(&f->where, f->slot_key[slot]);
        }
        f->slot_key[slot] = key;
        /* cannot fail: the map was sized never to grow */
        (void)u64map_put(&f->where, key, (void *)(uintptr_t)(slot + 1u));
    }
    place(f, slot);
}

uint64_t sweep_fa_references(const sweep_fa *f)
{
    return f->references;
}

uint32_t sweep_fa_max_entries(const sweep_fa *f)
{
    return f->max_entries;
}

uint64_t sweep_fa_misses(const sweep_fa *f, uint32_t entries)
{
    if (entries == 0 || entries > f->max_entries)
        return UINT64_MAX;
    uint64_t hits = f->repeats;
    for (uint32_t d = 1; d <= entries; d++)
        hits += f->hits_at[d];
    return f->references - hits;
}

int sweep_fa_miss_curve(const sweep_fa *f, uint64_t *misses, uint32_t n, mm_error *err)
{
    if (n > f->max_entries)
        return mm_fail(err, MM_ERR_INVALID, "sweep: a curve of %u sizes exceeds max_entries %u", n,
                       f->max_entries);
    uint64_t hits = f->repeats;
    for (uint32_t d = 1; d <= n; d++) {
        hits += f->hits_at[d];
        misses[d - 1u] = f->references - hits;
    }
    return MM_OK;
}
