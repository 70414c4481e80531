/*
 * memlat.c — latency of one PTE memory access (memlat.h): a fixed cost, a
 * deterministic true-LRU cache hierarchy in front of DRAM, or a seeded
 * uniform draw. memlat_access runs once per PTE read, so it allocates
 * nothing and indexes sets with masks.
 */
#include "config/cfg_internal.h"

#include <stdlib.h>
#include <string.h>

/* Bounds beyond the schema's: a level of at most 2^22 lines keeps a
 * hierarchy within a few tens of MiB of host memory. */
#define MEMLAT_MAX_WAYS 64u
#define MEMLAT_MAX_LINES (1u << 22)
#define XORSHIFT_MULT UINT64_C(0x2545F4914F6CDD1D)
#define XORSHIFT_ZERO_SEED UINT64_C(0x9E3779B97F4A7C15)

typedef struct {
    uint64_t line;  /* line number + 1; 0 marks an invalid way */
    uint64_t stamp; /* time of the last touch; the smallest is LRU */
} memlat_way;

typedef struct {
    memlat_way *ways;  /* sets * n_ways, a set's ways contiguous */
    uint64_t set_mask;
    uint32_t n_ways;
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
    uint64_t clock; /* LRU time: one tick per access */
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
            const memlat_level *l = &cfg->levels[i];
            uint64_t lines = l->size_bytes / cfg->line_bytes;
            memlat_cache *c = &m->levels[i];
            c->ways = calloc(lines, sizeof *c->ways);
            if (!c->ways) {
                memlat_destroy(m);
                mm_fail(err, MM_ERR_NOMEM, "memory_latency.levels.%u: out of memory", i);
                return NULL;
            }
            c->set_mask = lines / l->ways - 1;
            c->n_ways = l->ways;
            c->hit_cycles = l->hit_cycles;
        }
    }
    return m;
}

void memlat_destroy(memlat *m)
{
    if (!m)
        return;
    for (unsigned i = 0; i < MEMLAT_MAX_LEVELS; i++)
        free(m->levels[i].ways);
    free(m);
}

/* Probes every level in order; fills each level missed above the one that
 * hit (or all, from DRAM). Invalid ways carry stamp 0, so the first
 * invalid way wins the victim scan before any valid one. */
static uint32_t cache_access(memlat *m, uint64_t pa)
{
    uint64_t line = (pa >> m->line_shift) + 1;
    uint64_t now = ++m->clock;
    memlat_way *victim[MEMLAT_MAX_LEVELS];
    uint32_t latency = m->dram_cycles;
    unsigned missed = 0;
    for (; missed < m->n_levels; missed++) {
        memlat_cache *c = &m->levels[missed];
        memlat_way *set = c->ways + ((line - 1) & c->set_mask) * c->n_ways;
        memlat_way *v = set;
        memlat_way *hit = NULL;
        for (uint32_t w = 0; w < c->n_ways; w++) {
            if (set[w].line == line) {
                hit = &set[w];
                break;
            }
            if (set[w].stamp < v->stamp)
                v = &set[w];
        }
        if (hit) {
            hit->stamp = now;
            m->stats.hits[missed]++;
            latency = c->hit_cycles;
            break;
        }
        victim[missed] = v;
    }
    if (missed == m->n_levels)
        m->stats.dram++;
    for (unsigned i = 0; i < missed; i++) {
        victim[i]->line = line;
        victim[i]->stamp = now;
    }
    return latency;
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
