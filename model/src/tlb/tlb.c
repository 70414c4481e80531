/*
 * tlb.c — a TLB of set-associative arrays (tlb.h): geometry validation,
 * lookup (the model's hottest path) and insertion. Invalidation lives in
 * tlb_flush.c; the storage layout is described in tlb_internal.h.
 */
#include "tlb/repl_internal.h"
#include "tlb/tlb_internal.h"

#include <stdio.h>
#include <stdlib.h>

static const char *const size_names[MM_MAX_LEVELS] = {"4K", "2M", "1G", "512G", "256T"};

static int check_array(const tlb_config *cfg, const char *name, unsigned index, mm_error *err)
{
    const tlb_array_config *a = &cfg->arrays[index];
    char field[TLB_NAME_LEN + 16];
    snprintf(field, sizeof field, "%s.arrays[%u]", name, index);
    int rc = repl_check_geometry(a->entries, a->ways, cfg->replacement, field, err);
    if (rc != MM_OK)
        return rc;
    if (a->level_mask == 0)
        return mm_fail(err, MM_ERR_CONFIG, "%s.arrays[%u]: no page sizes", name, index);
    if (a->level_mask >> MM_MAX_LEVELS)
        return mm_fail(err, MM_ERR_CONFIG, "%s.arrays[%u]: page-size mask 0x%x has levels above %u", name,
                       index, a->level_mask, MM_MAX_LEVELS - 1);
    for (unsigned prev = 0; prev < index; prev++) {
        uint32_t shared = a->level_mask & cfg->arrays[prev].level_mask;
        if (shared) {
            unsigned level = 0;
            while (!(shared & (1u << level)))
                level++;
            return mm_fail(err, MM_ERR_CONFIG, "%s.arrays[%u]: page size %s also held by arrays[%u]", name,
                           index, size_names[level], prev);
        }
    }
    return MM_OK;
}

static int check_config(const tlb_config *cfg, const char *name, mm_error *err)
{
    if ((unsigned)cfg->replacement >= REPL_COUNT)
        return mm_fail(err, MM_ERR_CONFIG, "%s.replacement: unknown policy %d", name, (int)cfg->replacement);
    if (cfg->n_arrays == 0 || cfg->n_arrays > TLB_MAX_ARRAYS)
        return mm_fail(err, MM_ERR_CONFIG, "%s.arrays: %u arrays, need 1..%u", name, cfg->n_arrays,
                       TLB_MAX_ARRAYS);
    for (unsigned i = 0; i < cfg->n_arrays; i++) {
        int rc = check_array(cfg, name, i, err);
        if (rc != MM_OK)
            return rc;
    }
    return MM_OK;
}

static int build_array(tlb *t, unsigned index, const tlb_config *cfg, mm_error *err)
{
    const tlb_array_config *c = &cfg->arrays[index];
    tlb_array *a = &t->arrays[index];
    a->ways = c->ways;
    a->sets = c->entries / c->ways;
    a->set_mask = a->sets - 1;
    while ((1u << a->set_bits) < a->sets)
        a->set_bits++;
    a->fp_words = (a->ways + 7u) / 8u;
    a->level_mask = c->level_mask;
    a->key = calloc(c->entries, sizeof *a->key);
    a->data = calloc(c->entries, sizeof *a->data);
    a->fp = calloc((size_t)a->sets * a->fp_words, sizeof *a->fp);
    if (!a->key || !a->data || !a->fp)
        return mm_fail(err, MM_ERR_NOMEM, "%s.arrays[%u]: out of memory for %u entries", t->name, index,
                       c->entries);
    a->repl = repl_create(cfg->replacement, a->sets, a->ways, cfg->lfsr_seed, err);
    if (!a->repl)
        return err ? err->code : MM_ERR_NOMEM;
    return MM_OK;
}

tlb *tlb_create(const tlb_config *cfg, mm_error *err)
{
    if (!cfg) {
        mm_fail(err, MM_ERR_INVALID, "tlb_create: no config");
        return NULL;
    }
    const char *name = cfg->name ? cfg->name : "tlb";
    if (check_config(cfg, name, err) != MM_OK)
        return NULL;
    tlb *t = calloc(1, sizeof *t);
    if (!t) {
        mm_fail(err, MM_ERR_NOMEM, "%s: out of memory", name);
        return NULL;
    }
    snprintf(t->name, sizeof t->name, "%s", name);
    t->n_arrays = cfg->n_arrays;
    for (unsigned i = 0; i < cfg->n_arrays; i++) {
        if (build_array(t, i, cfg, err) != MM_OK) {
            tlb_destroy(t);
            return NULL;
        }
    }
    for (unsigned level = 0; level < MM_MAX_LEVELS; level++) {
        t->array_of_level[level] = -1;
        for (unsigned i = 0; i < t->n_arrays; i++) {
            const tlb_array *a = &t->arrays[i];
            if (!(a->level_mask & (1u << level)))
                continue;
            t->array_of_level[level] = (int8_t)i;
            unsigned last_ways = a->ways - 8u * (a->fp_words - 1u);
            uint64_t last_bytes = last_ways == 8 ? ~0ull : (1ull << (8u * last_ways)) - 1u;
            t->probes[t->n_probes++] = (tlb_probe_step){
                .key = a->key,
                .data = a->data,
                .fp = a->fp,
                .repl = a->repl,
                .last_fp_mask = TLB_FP_HIGHS & last_bytes,
                .set_mask = a->set_mask,
                .ways = a->ways,
                .fp_words = a->fp_words,
                .shift = (uint8_t)MM_LEVEL_SHIFT(level),
                .set_bits = (uint8_t)a->set_bits,
                .level = (uint8_t)level,
                .array = (uint8_t)i,
            };
        }
    }
    return t;
}

void tlb_destroy(tlb *t)
{
    if (!t)
        return;
    for (unsigned i = 0; i < t->n_arrays; i++) {
        free(t->arrays[i].key);
        free(t->arrays[i].data);
        free(t->arrays[i].fp);
        repl_destroy(t->arrays[i].repl);
    }
    free(t);
}

/* Where a lookup hit: the probe step, the page's vpn in that step's size,
 * and the way. */
typedef struct {
    const tlb_probe_step *step;
    uint64_t vpn;
    uint32_t set;
    uint32_t way;
} tlb_hit;

/* Fingerprints select the candidate ways eight at a time: a byte of x is
 * zero where the fingerprints agree (the borrow of the subtraction can
 * only flag extra bytes above a real zero byte, never hide one). Each
 * candidate is then checked against the full key and asid, in ascending
 * way order. */
static inline uint64_t fp_candidates(uint64_t fp_word, uint64_t pattern)
{
    uint64_t x = fp_word ^ pattern;
    return (x - TLB_FP_ONES) & ~x & TLB_FP_HIGHS;
}

static inline uint32_t check_candidates(uint64_t candidates, uint32_t first_way, const uint64_t *keys,
                                        const tlb_data *data, uint64_t key, uint16_t asid)
{
    for (; candidates; candidates &= candidates - 1u) {
        uint32_t way = first_way + mm_lowest_set_bit(candidates) / 8u;
        if (keys[way] == key && tlb_asid_matches(data[way].asid_tag, asid))
            return way;
    }
    return UINT32_MAX;
}

/* Sets of more than eight ways: one fingerprint word after another. Kept
 * out of line so the common path (one word) stays small. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static uint32_t match_wide_set(const tlb_probe_step *step, uint64_t vpn, uint32_t set, uint16_t asid)
{
    uint64_t key = tlb_make_key(vpn, step->level);
    uint64_t pattern = tlb_fingerprint(vpn, step->set_bits) * TLB_FP_ONES;
    const uint64_t *fp = step->fp + (size_t)set * step->fp_words;
    const uint64_t *keys = step->key + (size_t)set * step->ways;
    const tlb_data *data = step->data + (size_t)set * step->ways;
    for (uint32_t i = 0; i < step->fp_words; i++) {
        uint64_t candidates = fp_candidates(fp[i], pattern);
        if (i + 1u == step->fp_words)
            candidates &= step->last_fp_mask;
        uint32_t way = check_candidates(candidates, 8u * i, keys, data, key, asid);
        if (way != UINT32_MAX)
            return way;
    }
    return UINT32_MAX;
}

/* The matching way of one probe's set, or UINT32_MAX. */
static inline uint32_t match_way(const tlb_probe_step *step, uint64_t vpn, uint32_t set, uint16_t asid)
{
    if (step->fp_words != 1u)
        return match_wide_set(step, vpn, set, asid);
    uint64_t pattern = tlb_fingerprint(vpn, step->set_bits) * TLB_FP_ONES;
    uint64_t candidates = fp_candidates(step->fp[set], pattern) & step->last_fp_mask;
    size_t first_cell = (size_t)set * step->ways;
    return check_candidates(candidates, 0, step->key + first_cell, step->data + first_cell,
                            tlb_make_key(vpn, step->level), asid);
}

/* The first match over the probe list (smallest page first). */
static inline bool find(const tlb *t, uint64_t va, uint16_t asid, tlb_hit *hit)
{
    const tlb_probe_step *end = t->probes + t->n_probes;
    for (const tlb_probe_step *step = t->probes; step < end; step++) {
        uint64_t vpn = va >> step->shift;
        uint32_t set = (uint32_t)vpn & step->set_mask;
        uint32_t way = match_way(step, vpn, set, asid);
        if (way != UINT32_MAX) {
            *hit = (tlb_hit){step, vpn, set, way};
            return true;
        }
    }
    return false;
}

static inline void copy_entry(const uint64_t *key, const tlb_data *data, size_t cell, tlb_entry *out)
{
    out->vpn = key[cell] >> 8;
    out->ppn = data[cell].ppn;
    out->asid = (uint16_t)data[cell].asid_tag;
    out->level = (uint8_t)tlb_key_level(key[cell]);
    out->perm = data[cell].perm;
}

/* A key holds the vpn whole (a vpn has at most 52 bits), so the hit's
 * entry is rebuilt from the probe without reloading its key. */
static inline void report_hit(const tlb_hit *hit, tlb_entry *out, tlb_slot *slot)
{
    const tlb_probe_step *step = hit->step;
    if (out) {
        const tlb_data *d = &step->data[(size_t)hit->set * step->ways + hit->way];
        out->vpn = hit->vpn;
        out->ppn = d->ppn;
        out->asid = (uint16_t)d->asid_tag;
        out->level = step->level;
        out->perm = d->perm;
    }
    if (slot)
        *slot = (tlb_slot){step->array, hit->set, hit->way};
}

bool tlb_lookup(tlb *t, uint64_t va, uint16_t asid, tlb_entry *out, tlb_slot *slot)
{
    tlb_hit hit;
    if (!find(t, va, asid, &hit))
        return false;
    repl_touch_unchecked(hit.step->repl, hit.set, hit.way);
    report_hit(&hit, out, slot);
    return true;
}

bool tlb_probe(const tlb *t, uint64_t va, uint16_t asid, tlb_entry *out, tlb_slot *slot)
{
    tlb_hit hit;
    if (!find(t, va, asid, &hit))
        return false;
    report_hit(&hit, out, slot);
    return true;
}

bool tlb_holds_level(const tlb *t, unsigned level)
{
    return level < MM_MAX_LEVELS && t->array_of_level[level] >= 0;
}

/* True when every way of the set holds a valid entry for another page,
 * the usual state of a set a fill goes to; one predictable branch per way. */
static inline bool full_of_other_pages(const uint64_t *keys, uint32_t ways, uint64_t key)
{
    for (uint32_t w = 0; w < ways; w++)
        if ((keys[w] == 0) | (keys[w] == key))
            return false;
    return true;
}

/* The lowest way of the set holding the same page as (key, asid, global)
 * (tlb_same_page), else a->ways; *first_invalid gets the lowest way whose
 * key is 0, else a->ways. */
static uint32_t scan_set(const tlb_array *a, size_t first_cell, uint64_t key, uint16_t asid, bool global,
                         uint32_t *first_invalid)
{
    *first_invalid = a->ways;
    for (uint32_t w = 0; w < a->ways; w++) {
        size_t cell = first_cell + w;
        if (!a->key[cell]) {
            if (*first_invalid == a->ways)
                *first_invalid = w;
        } else if (tlb_same_page(a->key[cell], a->data[cell].asid_tag, key, asid, global)) {
            return w;
        }
    }
    return a->ways;
}

/*
 * Insertion: an existing entry for the same page (tlb_same_page, the lowest
 * such way) is rewritten in place and counts as a fill for replacement
 * (LRU/PLRU: most recent; FIFO: newest). That rewrite evicts nothing, so
 * false is returned. Otherwise the victim is the lowest invalid way, or
 * when every way is valid the policy's choice (repl.h); if it held a valid
 * entry that entry is copied to *victim and true is returned.
 */
bool tlb_insert(tlb *t, const tlb_entry *e, tlb_entry *victim)
{
    if (!tlb_holds_level(t, e->level) || !tlb_vpn_fits(e->vpn, e->level))
        return false;
    unsigned index = (unsigned)t->array_of_level[e->level];
    tlb_array *a = &t->arrays[index];
    bool global = (e->perm & MM_PERM_G) != 0;
    uint64_t key = tlb_make_key(e->vpn, e->level);
    uint32_t set = (uint32_t)e->vpn & a->set_mask;
    size_t first_cell = (size_t)set * a->ways;

    uint32_t first_invalid = a->ways;
    uint32_t way = a->ways;
    if (!full_of_other_pages(a->key + first_cell, a->ways, key))
        way = scan_set(a, first_cell, key, e->asid, global, &first_invalid);
    bool evicted = false;
    if (way == a->ways) {
        if (first_invalid < a->ways) {
            way = first_invalid;
            t->valid_count++;
        } else {
            way = repl_victim_full(a->repl, set);
            evicted = true;
            if (victim)
                copy_entry(a->key, a->data, first_cell + way, victim);
        }
    }
    size_t cell = first_cell + way;
    a->key[cell] = key;
    a->data[cell] = (tlb_data){
        .ppn = e->ppn,
        .asid_tag = tlb_make_asid_tag(e->asid, global),
        .perm = e->perm,
    };
    uint64_t *fp = &a->fp[(size_t)set * a->fp_words + way / 8u];
    unsigned shift = 8u * (way % 8u);
    *fp = (*fp & ~(0xffull << shift)) | ((uint64_t)tlb_fingerprint(e->vpn, a->set_bits) << shift);
    repl_fill_unchecked(a->repl, set, way);
    return evicted;
}

uint32_t tlb_valid_count(const tlb *t)
{
    return t->valid_count;
}

const char *tlb_name(const tlb *t)
{
    return t->name;
}
