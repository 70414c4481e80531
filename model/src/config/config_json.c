/*
 * config_json.c — cfg_to_json: the effective config as canonical JSON.
 * Keys in schema order, every key of the selected designs present, two-
 * space indentation, arrays of scalars on one line: equal configs give
 * byte-identical text, and loading the text as a file gives the config
 * back ("extends": null, so no preset shows through).
 */
#include "config/cfg_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *buf;
    size_t len, cap;
    unsigned depth;
    bool first;  /* no member written yet at this depth */
    bool failed; /* out of memory: the result is dropped */
} json_out;

static void put(json_out *w, const char *s, size_t n)
{
    if (w->failed)
        return;
    if (w->len + n + 1 > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        while (w->len + n + 1 > cap)
            cap *= 2;
        char *buf = realloc(w->buf, cap);
        if (!buf) {
            w->failed = true;
            return;
        }
        w->buf = buf;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

static void puts_raw(json_out *w, const char *s)
{
    put(w, s, strlen(s));
}

/* Writes s (at most max bytes of it: names live in fixed arrays) quoted. */
static void put_string_max(json_out *w, const char *s, size_t max)
{
    put(w, "\"", 1);
    for (const char *end = s + max; s < end && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            put(w, esc, 2);
        } else if (c < 0x20) {
            char esc[8];
            snprintf(esc, sizeof esc, "\\u%04x", c);
            puts_raw(w, esc);
        } else {
            put(w, s, 1);
        }
    }
    put(w, "\"", 1);
}

static void put_string(json_out *w, const char *s)
{
    put_string_max(w, s, strlen(s));
}

/* Starts a member: separator, newline, indentation, and the key if any. */
static void member(json_out *w, const char *key)
{
    if (!w->first)
        put(w, ",", 1);
    w->first = false;
    put(w, "\n", 1);
    for (unsigned i = 0; i < w->depth; i++)
        put(w, "  ", 2);
    if (key) {
        put_string(w, key);
        put(w, ": ", 2);
    }
}

static void open_block(json_out *w, const char *key, const char *bracket)
{
    member(w, key);
    puts_raw(w, bracket);
    w->depth++;
    w->first = true;
}

static void close_block(json_out *w, const char *bracket)
{
    w->depth--;
    if (!w->first) {
        put(w, "\n", 1);
        for (unsigned i = 0; i < w->depth; i++)
            put(w, "  ", 2);
    }
    puts_raw(w, bracket);
    w->first = false;
}

static void key_string(json_out *w, const char *key, const char *value)
{
    member(w, key);
    put_string(w, value);
}

static void key_uint(json_out *w, const char *key, uint64_t value)
{
    char text[24];
    snprintf(text, sizeof text, "%llu", (unsigned long long)value);
    member(w, key);
    puts_raw(w, text);
}

static void key_bool(json_out *w, const char *key, bool value)
{
    member(w, key);
    puts_raw(w, value ? "true" : "false");
}

/* "16GiB" when a whole number of KiB, else plain bytes. */
static void key_size(json_out *w, const char *key, uint64_t bytes)
{
    char text[32];
    cfg_format_size(text, sizeof text, bytes);
    member(w, key);
    if (text[strlen(text) - 1] == 'B')
        put_string(w, text);
    else
        puts_raw(w, text);
}

/* The names of the bits set in mask, as a one-line array. */
static void key_name_list(json_out *w, const char *key, const char *const *names, unsigned count,
                          uint32_t mask)
{
    member(w, key);
    put(w, "[", 1);
    bool any = false;
    for (unsigned i = 0; i < count; i++) {
        if (!(mask & (1u << i)))
            continue;
        if (any)
            put(w, ", ", 2);
        put_string(w, names[i]);
        any = true;
    }
    put(w, "]", 1);
}

/* table[index], or "unknown" for a value outside the table. */
static const char *name_of(const char *const *table, unsigned count, unsigned index)
{
    return index < count ? table[index] : "unknown";
}

static void write_arch(json_out *w, const mmu_config *cfg)
{
    const pt_format_info *fmt = pt_format_get(cfg->format);
    member(w, "name");
    put_string_max(w, cfg->name, sizeof cfg->name);
    key_string(w, "format", fmt ? fmt->name : "unknown");
    key_string(w, "ad", name_of(cfg_ad_names, 2, cfg->ad));
    key_uint(w, "pa_bits", cfg->pa_bits);
    open_block(w, "x86", "{");
    key_bool(w, "nxe", cfg->nxe);
    key_bool(w, "wp", cfg->wp);
    key_bool(w, "smep", cfg->smep);
    key_bool(w, "smap", cfg->smap);
    close_block(w, "}");
    open_block(w, "riscv", "{");
    key_bool(w, "sum", cfg->sum);
    key_bool(w, "mxr", cfg->mxr);
    key_bool(w, "svnapot", cfg->svnapot);
    key_bool(w, "svpbmt", cfg->svpbmt);
    close_block(w, "}");
    open_block(w, "memory", "{");
    key_size(w, "size", cfg->mem.size_bytes);
    key_uint(w, "pa_bits", cfg->mem.pa_bits);
    key_size(w, "base", cfg->mem.base);
    key_string(w, "alloc", name_of(cfg_alloc_names, 2, cfg->mem.policy));
    key_uint(w, "seed", cfg->mem.seed);
    close_block(w, "}");
}

static void write_tlb(json_out *w, const cfg_tlb *t)
{
    char tlb_name[CFG_NAME_LEN + 1] = "";
    memcpy(tlb_name, t->name, CFG_NAME_LEN);
    open_block(w, tlb_name, "{");
    key_uint(w, "level", t->level);
    key_name_list(w, "serves", cfg_access_names, MM_ACCESS_COUNT, t->serves);
    key_uint(w, "latency", t->latency);
    key_string(w, "replacement", name_of(cfg_repl_names, REPL_COUNT, t->tlb.replacement));
    key_uint(w, "lfsr_seed", t->tlb.lfsr_seed);
    key_string(w, "inclusion", name_of(cfg_inclusion_names, 3, t->inclusion));
    unsigned n_arrays = t->tlb.n_arrays < TLB_MAX_ARRAYS ? t->tlb.n_arrays : TLB_MAX_ARRAYS;
    const tlb_array_config *main_array = &t->tlb.arrays[0];
    key_uint(w, "entries", main_array->entries);
    key_uint(w, "ways", main_array->ways);
    key_name_list(w, "page_sizes", cfg_page_size_names, MM_MAX_LEVELS, main_array->level_mask);
    open_block(w, "arrays", "{");
    for (unsigned a = 1; a < n_arrays; a++) {
        /* The config keeps no array names; the sizes held name the array
         * uniquely (arrays hold disjoint sizes). */
        const tlb_array_config *ac = &t->tlb.arrays[a];
        char name[32] = "";
        size_t used = 0;
        for (unsigned l = 0; l < MM_MAX_LEVELS; l++)
            if (ac->level_mask & (1u << l))
                used += (size_t)snprintf(name + used, sizeof name - used, "%s%s",
                                         used ? "_" : "", cfg_page_size_names[l]);
        open_block(w, name, "{");
        key_uint(w, "entries", ac->entries);
        key_uint(w, "ways", ac->ways);
        key_name_list(w, "page_sizes", cfg_page_size_names, MM_MAX_LEVELS, ac->level_mask);
        close_block(w, "}");
    }
    close_block(w, "}");
    close_block(w, "}");
}

static void write_pwc(json_out *w, const cfg_pwc *c)
{
    open_block(w, "pwc", "{");
    key_string(w, "design", name_of(cfg_pwc_design_names, 4, c->geom.design));
    key_string(w, "replacement", name_of(cfg_repl_names, REPL_COUNT, c->geom.replacement));
    key_uint(w, "lfsr_seed", c->geom.lfsr_seed);
    if (c->geom.design == PWC_SPLIT) {
        open_block(w, "levels", "{");
        for (unsigned l = 1; l < c->geom.levels && l < MM_MAX_LEVELS; l++) {
            char key[12];
            snprintf(key, sizeof key, "%u", l);
            open_block(w, key, "{");
            key_uint(w, "entries", c->geom.level[l].entries);
            key_uint(w, "ways", c->geom.level[l].ways);
            key_uint(w, "latency", c->latency[l]);
            close_block(w, "}");
        }
        close_block(w, "}");
    } else if (c->geom.design == PWC_UNIFIED || c->geom.design == PWC_PTE) {
        key_uint(w, "entries", c->geom.unified.entries);
        key_uint(w, "ways", c->geom.unified.ways);
        key_uint(w, "latency", c->latency[0]);
    }
    close_block(w, "}");
}

static void write_walker(json_out *w, const cfg_walker *wk)
{
    open_block(w, "walker", "{");
    key_uint(w, "count", wk->count);
    key_uint(w, "queue", wk->queue);
    key_uint(w, "step_cycles", wk->step_cycles);
    key_uint(w, "fill_cycles", wk->fill_cycles);
    key_bool(w, "merge", wk->merge);
    key_uint(w, "merge_slots", wk->merge_slots);
    close_block(w, "}");
}

static void write_core(json_out *w, const cfg_core *c)
{
    open_block(w, "core", "{");
    key_string(w, "issue", name_of(cfg_issue_names, 2, c->issue));
    key_uint(w, "cycles_per_instruction", c->cycles_per_instruction);
    key_uint(w, "port_ops_per_cycle", c->port_ops_per_cycle);
    close_block(w, "}");
}

static void write_os(json_out *w, const cfg_os *o)
{
    static const char *const repl_names[] = {"clock", "aging"};
    static const char *const thp_names[] = {"never", "always", "on_request"};
    open_block(w, "os", "{");
    key_bool(w, "enabled", o->enabled);
    key_size(w, "budget", o->budget_bytes);
    key_size(w, "swap", o->swap_bytes);
    key_string(w, "replacement", name_of(repl_names, 2, o->replacement));
    key_string(w, "thp", name_of(thp_names, 3, o->thp));
    key_uint(w, "minor_cycles", o->minor_cycles);
    key_uint(w, "zero_cycles", o->zero_cycles);
    key_uint(w, "major_cycles", o->major_cycles);
    key_uint(w, "swap_out_cycles", o->swap_out_cycles);
    key_uint(w, "cow_cycles", o->cow_cycles);
    key_uint(w, "shootdown_cycles", o->shootdown_cycles);
    key_bool(w, "content", o->content);
    close_block(w, "}");
}

static void write_memlat(json_out *w, const memlat_config *m)
{
    open_block(w, "memory_latency", "{");
    key_string(w, "model", name_of(cfg_memlat_model_names, 3, m->kind));
    switch (m->kind) {
    case MEMLAT_FIXED:
        key_uint(w, "latency", m->fixed_cycles);
        break;
    case MEMLAT_CACHE:
        key_uint(w, "line_bytes", m->line_bytes);
        open_block(w, "levels", "[");
        for (unsigned i = 0; i < m->n_levels && i < MEMLAT_MAX_LEVELS; i++) {
            const memlat_level *l = &m->levels[i];
            open_block(w, NULL, "{");
            member(w, "name");
            put_string_max(w, l->name, sizeof l->name);
            key_size(w, "size", l->size_bytes);
            key_uint(w, "ways", l->ways);
            key_uint(w, "latency", l->hit_cycles);
            close_block(w, "}");
        }
        close_block(w, "]");
        key_uint(w, "dram_latency", m->dram_cycles);
        break;
    case MEMLAT_RANDOM:
        key_uint(w, "min", m->min_cycles);
        key_uint(w, "max", m->max_cycles);
        key_uint(w, "seed", m->seed);
        break;
    }
    close_block(w, "}");
}

char *cfg_to_json(const mmu_config *cfg)
{
    if (!cfg)
        return NULL;
    json_out w = {.first = true};
    put(&w, "{", 1);
    w.depth = 1;
    member(&w, "extends");
    puts_raw(&w, "null");
    write_arch(&w, cfg);
    unsigned n_tlbs = cfg->n_tlbs < CFG_MAX_TLBS ? cfg->n_tlbs : CFG_MAX_TLBS;
    member(&w, "tlbs");
    put(&w, "[", 1);
    for (unsigned i = 0; i < n_tlbs; i++) {
        if (i)
            put(&w, ", ", 2);
        put_string_max(&w, cfg->tlbs[i].name, CFG_NAME_LEN);
    }
    put(&w, "]", 1);
    for (unsigned i = 0; i < n_tlbs; i++)
        write_tlb(&w, &cfg->tlbs[i]);
    write_pwc(&w, &cfg->pwc);
    write_walker(&w, &cfg->walker);
    write_memlat(&w, &cfg->memlat);
    write_core(&w, &cfg->core);
    write_os(&w, &cfg->os);
    key_uint(&w, "seed", cfg->seed);
    close_block(&w, "}");
    put(&w, "\n", 1);
    if (w.failed) {
        free(w.buf);
        return NULL;
    }
    return w.buf;
}
