/*
 * memlat.c — latency of one PTE memory access (memlat.h): a fixed cost, a
 * deterministic true-LRU cache hierarchy in front of DRAM, or a seeded
 * uniform draw. memlat_access runs once per PTE read, so it allocates
 * nothing, indexes sets with masks, keeps a set's state small (a
 * simulated 8 MiB LLC costs 640 KiB of host memory) and examines a set's
 * ways several at a time, without a branch per way.
 */
#include "base/bits.h"
#include "config/cfg_internal.h"

#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Bounds beyond the schema's: a level of at most 2^22 lines keeps a
 * hierarchy within a few tens of MiB of host memory: a way costs a 4-byte
 * tag and a 1-byte rank, each set's rounded up to whole groups (below). */
#define MEMLAT_MAX_WAYS 64u
#define MEMLAT_MAX_LINES (1u << 22)
#define XORSHIFT_MULT UINT64_C(0x2545F4914F6CDD1D)
#define XORSHIFT_ZERO_SEED UINT64_C(0x9E3779B97F4A7C15)
#define HOST_LINE 64u

/* A set's tags are stored in groups of TAG_GROUP, its ranks in groups of
 * RANK_GROUP (one 16-byte vector each); the ways that pad a set to whole
 * groups hold TAG_INVALID and RANK_PAD, which no probe can mistake for a
 * way. */
#define TAG_GROUP 4u
#define RANK_GROUP 16u
#define RANK_PAD 0x7fu

/* A way's 32-bit tag word: 0 marks an invalid way, TAG_WIDE a tag too
 * large for 32 bits, kept whole in the level's wide[] array (only
 * physical addresses beyond 2^44 or so need it); any other value is the
 * tag + 1. */
#define TAG_INVALID 0u
#define TAG_WIDE UINT32_MAX

/*
 * One level. For an access to line L the set is L & set_mask and the tag
 * L >> set_bits. Per way: a tag word (see TAG_*) and a rank, the way's
 * place in the set's recency order (0: most recently used). The ranks of
 * a set are always a permutation of 0..n_ways-1: a touch (every hit and
 * every fill) moves the way to rank 0 and ages every way that was more
 * recent by one, so once every way has been filled the way of rank
 * n_ways-1 is the least recently used one, the way the smallest last-touch
 * time would pick. Before that, a fill takes the lowest invalid way.
 */
typedef struct {
    uint32_t *tag;   /* sets * tag_stride */
    uint8_t *rank;   /* sets * rank_stride */
    uint64_t *wide;  /* sets * tag_stride: the tag of each TAG_WIDE way */
    uint64_t set_mask;
    unsigned set_bits;
    uint32_t n_ways;
    uint32_t tag_stride;  /* n_ways rounded up to whole TAG_GROUPs */
    uint32_t rank_stride; /* n_ways rounded up to whole RANK_GROUPs */
    uint64_t way_mask;    /* bit w set for every real way w */
    uint32_t hit_cycles;
} memlat_cache;

struct memlat {
    memlat_kind kind;
    uint32_t fixed_cycles;
    unsigned line_shift;
    unsigned n_levels;
    memlat_cache levels[MEMLAT_MAX_LEVELS];
    uint32_t dram_cycles;
    uint32_t min_cycles;
    uint64_t span;  /* max - min + 1 */
    uint64_t rng;   /* xorshift64* state, never 0 */
    memlat_stats stats;
};

static bool is_pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

static int check_cycles(cfg_ctx *ctx, const char *path, uint32_t v)
{
    if (v < 1 || v > CFG_MAX_CYCLES)
        return cfg_fail(ctx, path, "%u is out of range 1..%u cycles", v, CFG_MAX_CYCLES);
    return MM_OK;
}

static int check_level(const memlat_config *cfg, unsigned i, cfg_ctx *ctx)
{
    const memlat_level *l = &cfg->levels[i];
    char base[CFG_PATH_LEN], path[CFG_PATH_LEN], size[32];
    cfg_index_path(base, "memory_latency.levels", i);
    cfg_format_size(size, sizeof size, l->size_bytes);
    if (memchr(l->name, '\0', sizeof l->name) == NULL || l->name[0] == '\0') {
        cfg_key_path(path, base, "name");
        return cfg_fail(ctx, path, "must be 1..%zu characters", sizeof l->name - 1);
    }
    cfg_key_path(path, base, "ways");
    if (l->ways < 1 || l->ways > MEMLAT_MAX_WAYS)
        return cfg_fail(ctx, path, "%u is out of range 1..%u", l->ways, MEMLAT_MAX_WAYS);
    char wpath[CFG_PATH_LEN];
    memcpy(wpath, path, sizeof wpath);
    cfg_key_path(path, base, "latency");
    int rc = check_cycles(ctx, path, l->hit_cycles);
    if (rc != MM_OK)
        return rc;
    cfg_key_path(path, base, "size");
    uint64_t set_bytes = (uint64_t)cfg->line_bytes * l->ways;
    uint64_t sets = l->size_bytes / set_bytes;
    bool whole = l->size_bytes != 0 && l->size_bytes % set_bytes == 0;
    bool pow2_sets = whole && is_pow2(sets);
    bool fits = l->size_bytes / cfg->line_bytes <= MEMLAT_MAX_LINES;
    if (whole && pow2_sets && fits)
        return MM_OK;
    cfg_blame(ctx, wpath);
    cfg_blame(ctx, "memory_latency.line_bytes");
    if (!whole)
        return cfg_fail(ctx, path, "%s is not a whole number of sets of %u ways x %u-byte lines",
                        size, l->ways, cfg->line_bytes);
    if (!pow2_sets)
        return cfg_fail(ctx, path, "%s / (%u ways x %u-byte lines) = %llu sets, not a power of two",
                        size, l->ways, cfg->line_bytes, (unsigned long long)sets);
    return cfg_fail(ctx, path, "%s holds more than %u lines of %u bytes", size, MEMLAT_MAX_LINES,
                    cfg->line_bytes);
}

int memlat_check(const memlat_config *cfg, cfg_ctx *ctx)
{
    switch (cfg->kind) {
    case MEMLAT_FIXED:
        return check_cycles(ctx, "memory_latency.latency", cfg->fixed_cycles);
    case MEMLAT_CACHE:
        if (!is_pow2(cfg->line_bytes) || cfg->line_bytes < 8 || cfg->line_bytes > 4096)
            return cfg_fail(ctx, "memory_latency.line_bytes",
                            "%u is not a power of two in 8..4096", cfg->line_bytes);
        if (cfg->n_levels < 1 || cfg->n_levels > MEMLAT_MAX_LEVELS)
            return cfg_fail(ctx, "memory_latency.levels", "%u levels; the cache model needs 1..%d",
                            cfg->n_levels, MEMLAT_MAX_LEVELS);
        for (unsigned i = 0; i < cfg->n_levels; i++) {
            int rc = check_level(cfg, i, ctx);
            if (rc != MM_OK)
                return rc;
        }
        return check_cycles(ctx, "memory_latency.dram_latency", cfg->dram_cycles);
    case MEMLAT_RANDOM: {
        int rc = check_cycles(ctx, "memory_latency.min", cfg->min_cycles);
        if (rc != MM_OK)
            return rc;
        if (cfg->max_cycles < cfg->min_cycles || cfg->max_cycles > CFG_MAX_CYCLES) {
            cfg_blame(ctx, "memory_latency.min");
            return cfg_fail(ctx, "memory_latency.max", "%u is out of range %u (min)..%u",
                            cfg->max_cycles, cfg->min_cycles, CFG_MAX_CYCLES);
        }
        return MM_OK;
    }
    }
    return cfg_fail(ctx, "memory_latency.model", "unknown model %d (fixed, cache, random)",
                    (int)cfg->kind);
}

/* Host-line-aligned storage of n elements of size bytes, every byte set to fill. */
static void *alloc_lines(size_t n, size_t size, int fill)
{
    size_t bytes = (n * size + HOST_LINE - 1) / HOST_LINE * HOST_LINE;
    void *p = aligned_alloc(HOST_LINE, bytes);
    if (p)
        memset(p, fill, bytes);
    return p;
}

static bool build_level(memlat_cache *c, const memlat_level *l, uint32_t line_bytes)
{
    size_t sets = (size_t)(l->size_bytes / line_bytes / l->ways);
    c->set_mask = sets - 1;
    while ((1ull << c->set_bits) <= c->set_mask)
        c->set_bits++;
    c->n_ways = l->ways;
    c->hit_cycles = l->hit_cycles;
    c->tag_stride = (l->ways + TAG_GROUP - 1) / TAG_GROUP * TAG_GROUP;
    c->rank_stride = (l->ways + RANK_GROUP - 1) / RANK_GROUP * RANK_GROUP;
    c->way_mask = l->ways == 64 ? ~0ull : (1ull << l->ways) - 1;
    c->tag = alloc_lines(sets * c->tag_stride, sizeof *c->tag, 0);
    c->rank = alloc_lines(sets * c->rank_stride, sizeof *c->rank, RANK_PAD);
    /* Untouched unless a tag needs it: large callocs stay unbacked. */
    c->wide = calloc(sets * c->tag_stride, sizeof *c->wide);
    if (!c->tag || !c->rank || !c->wide)
        return false;
    for (size_t s = 0; s < sets; s++)
        for (uint32_t w = 0; w < l->ways; w++)
            c->rank[s * c->rank_stride + w] = (uint8_t)w;
    return true;
}

memlat *memlat_create(const memlat_config *cfg, mm_error *err)
{
    cfg_ctx ctx = {.err = err};
    if (!cfg) {
        mm_fail(err, MM_ERR_INVALID, "memlat_create: no config");
        return NULL;
    }
    if (memlat_check(cfg, &ctx) != MM_OK)
        return NULL;
    memlat *m = calloc(1, sizeof *m);
    if (!m) {
        mm_fail(err, MM_ERR_NOMEM, "memory_latency: out of memory");
        return NULL;
    }
    m->kind = cfg->kind;
    m->fixed_cycles = cfg->fixed_cycles;
    m->dram_cycles = cfg->dram_cycles;
    m->min_cycles = cfg->min_cycles;
    m->span = (uint64_t)cfg->max_cycles - cfg->min_cycles + 1;
    m->rng = cfg->seed ? cfg->seed : XORSHIFT_ZERO_SEED;
    if (m->kind == MEMLAT_CACHE) {
        while ((1u << m->line_shift) < cfg->line_bytes)
            m->line_shift++;
        m->n_levels = cfg->n_levels;
        for (unsigned i = 0; i < cfg->n_levels; i++) {
            if (!build_level(&m->levels[i], &cfg->levels[i], cfg->line_bytes)) {
                memlat_destroy(m);
                mm_fail(err, MM_ERR_NOMEM, "memory_latency.levels.%u: out of memory", i);
                return NULL;
            }
        }
    }
    return m;
}

void memlat_destroy(memlat *m)
{
    if (!m)
        return;
    for (unsigned i = 0; i < MEMLAT_MAX_LEVELS; i++) {
        free(m->levels[i].tag);
        free(m->levels[i].rank);
        free(m->levels[i].wide);
    }
    free(m);
}


/* Bit w of *equal: tags[w] == want; of *invalid: tags[w] is TAG_INVALID;
 * over the set's tag_stride ways (padding included). */
static inline void match_tags(const uint32_t *tags, uint32_t stride, uint32_t want, uint64_t *equal,
                              uint64_t *invalid)
{
    uint64_t eq = 0, inv = 0;
#if defined(__SSE2__)
    __m128i wanted = _mm_set1_epi32((int)want), zero = _mm_setzero_si128();
    for (uint32_t g = 0; g < stride; g += TAG_GROUP) {
        __m128i t = _mm_load_si128((const __m128i *)(const void *)(tags + g));
        eq |= (uint64_t)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(t, wanted))) << g;
        inv |= (uint64_t)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(t, zero))) << g;
    }
#else
    for (uint32_t w = 0; w < stride; w++) {
        eq |= (uint64_t)(tags[w] == want) << w;
        inv |= (uint64_t)(tags[w] == TAG_INVALID) << w;
    }
#endif
    *equal = eq;
    *invalid = inv;
}

/* The way of rank `value` (the ranks of a set hold each value once). */
static inline uint32_t find_rank(const uint8_t *rank, uint32_t stride, uint8_t value)
{
#if defined(__SSE2__)
    __m128i wanted = _mm_set1_epi8((char)value);
    for (uint32_t g = 0; g < stride; g += RANK_GROUP) {
        __m128i r = _mm_load_si128((const __m128i *)(const void *)(rank + g));
        unsigned hit = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(r, wanted));
        if (hit)
            return g + mm_lowest_set_bit(hit);
    }
    return 0;
#else
    const uint8_t *at = memchr(rank, value, stride);
    return at ? (uint32_t)(at - rank) : 0;
#endif
}

/* Makes way w the most recently used: every way more recent ages by one. */
static inline void touch(uint8_t *rank, uint32_t stride, uint32_t w)
{
    uint8_t was = rank[w];
#if defined(__SSE2__)
    __m128i limit = _mm_set1_epi8((char)was);
    for (uint32_t g = 0; g < stride; g += RANK_GROUP) {
        __m128i *at = (__m128i *)(void *)(rank + g);
        __m128i r = _mm_load_si128(at);
        /* ranks and RANK_PAD are below 128, so a signed compare is exact;
         * subtracting the all-ones lanes adds one */
        _mm_store_si128(at, _mm_sub_epi8(r, _mm_cmpgt_epi8(limit, r)));
    }
#else
    for (uint32_t i = 0; i < stride; i++)
        rank[i] = (uint8_t)(rank[i] + (rank[i] < was));
#endif
    rank[w] = 0;
}

/* Looks the line up in one level and makes it the set's most recently
 * used line, filling it on a miss; true on a hit. */
static bool access_level(memlat_cache *c, uint64_t line)
{
    uint64_t set = line & c->set_mask;
    uint64_t tag = line >> c->set_bits;
    uint32_t *tags = c->tag + set * c->tag_stride;
    uint8_t *rank = c->rank + set * c->rank_stride;
    bool wide = tag >= (uint64_t)TAG_WIDE - 1u;
    uint32_t want = wide ? TAG_WIDE : (uint32_t)tag + 1u;
    uint64_t equal, invalid;
    match_tags(tags, c->tag_stride, want, &equal, &invalid);
    equal &= c->way_mask;
    if (wide) {
        const uint64_t *wides = c->wide + set * c->tag_stride;
        for (uint64_t e = equal; e; e &= e - 1)
            if (wides[mm_lowest_set_bit(e)] != tag)
                equal &= ~(e & -e);
    }
    if (equal) {
        touch(rank, c->rank_stride, mm_lowest_set_bit(equal));
        return true;
    }
    invalid &= c->way_mask;
    uint32_t way = invalid ? mm_lowest_set_bit(invalid)
                           : find_rank(rank, c->rank_stride, (uint8_t)(c->n_ways - 1));
    tags[way] = want;
    if (wide)
        c->wide[set * c->tag_stride + way] = tag;
    touch(rank, c->rank_stride, way);
    return false;
}

/* Probes every level in order until one holds the line; every level
 * probed is left with the line most recent (filled where it missed). */
static uint32_t cache_access(memlat *m, uint64_t pa)
{
    uint64_t line = pa >> m->line_shift;
    for (unsigned i = 0; i < m->n_levels; i++) {
        if (access_level(&m->levels[i], line)) {
            m->stats.hits[i]++;
            return m->levels[i].hit_cycles;
        }
    }
    m->stats.dram++;
    return m->dram_cycles;
}

uint32_t memlat_access(memlat *m, uint64_t pa, bool is_write, uint64_t cycle)
{
    /* Write-allocate with no dirty state: a PTE write costs what a read
     * does, and the latency does not depend on the cycle. */
    (void)is_write;
    (void)cycle;
    m->stats.accesses++;
    switch (m->kind) {
    case MEMLAT_CACHE:
        return cache_access(m, pa);
    case MEMLAT_RANDOM: {
        uint64_t x = m->rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        m->rng = x;
        uint64_t r = x * XORSHIFT_MULT;
        return m->min_cycles + (uint32_t)(((r >> 32) * m->span) >> 32);
    }
    case MEMLAT_FIXED:
        break;
    }
    return m->fixed_cycles;
}

const memlat_stats *memlat_get_stats(const memlat *m)
{
    return &m->stats;
}
