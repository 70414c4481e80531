/*
 * cfg_internal.h — what the files of the config module share: the
 * validation context (error plus the key paths to blame), typed readers
 * over cJSON objects, the name tables of the schema's enums, provenance
 * of merged keys, and the memory-latency geometry check.
 */
#ifndef MMULAB_CFG_INTERNAL_H
#define MMULAB_CFG_INTERNAL_H

#include <cjson/cJSON.h>

#include "mmulab/config.h"

#define CFG_PATH_LEN 128
#define CFG_MAX_BLAME 12
#define CFG_MAX_CYCLES 1000000u
#define CFG_MAX_ENTRIES (1u << 20)
/* Largest integer a JSON number (an IEEE double) holds exactly. */
#define CFG_MAX_INT ((UINT64_C(1) << 53) - 1)
/* Default for a reader meaning "the key must be present". */
#define CFG_REQUIRED UINT64_MAX

/* One validation pass. Each failure records the key paths it concerns so
 * cfg_load can name the source (preset, file or --set) that wrote them. */
typedef struct {
    mm_error *err;
    unsigned n_blame;
    char blame[CFG_MAX_BLAME][CFG_PATH_LEN];
} cfg_ctx;

/* A JSON object being read and its dotted key path ("" at the top). A NULL
 * json is an absent object: every key takes its default. */
typedef struct {
    cfg_ctx *ctx;
    const cJSON *json;
    char path[CFG_PATH_LEN];
} cfg_obj;

/* Name tables, indexed by the enum value, NULL-terminated. */
extern const char *const cfg_page_size_names[MM_MAX_LEVELS + 1];
extern const char *const cfg_ad_names[];
extern const char *const cfg_issue_names[];
extern const char *const cfg_inclusion_names[];
extern const char *const cfg_pwc_design_names[];
extern const char *const cfg_alloc_names[];
extern const char *const cfg_memlat_model_names[];
extern const char *const cfg_access_names[];
extern const char *const cfg_repl_names[];

/* --- errors (config_values.c) --- */
void cfg_blame(cfg_ctx *ctx, const char *path);
/* "path: message"; blames path; returns MM_ERR_CONFIG. */
int cfg_fail(cfg_ctx *ctx, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* out = prefix.key (or key at the top), truncated to CFG_PATH_LEN. */
void cfg_key_path(char *out, const char *prefix, const char *key);
void cfg_index_path(char *out, const char *prefix, unsigned index);
/* "a string", "an object", ...: what the reader found instead. */
const char *cfg_type_name(const cJSON *item);
/* Index of name in a NULL-terminated table, or -1. */
int cfg_lookup_name(const char *const *names, const char *name);

/* --- typed readers (config_values.c); each fails naming o.path.key --- */
const cJSON *cfg_obj_item(const cfg_obj *o, const char *key);
/* Child object; absent -> out->json NULL (every key takes its default). */
int cfg_obj_child(const cfg_obj *o, const char *key, cfg_obj *out);
/* Every key of o must be in the NULL-terminated allowed list (or, when
 * extra is non-NULL, in that list too). */
int cfg_obj_check_keys(const cfg_obj *o, const char *const *allowed, const char *const *extra);
/* The unknown-key error for path, suggesting the nearest allowed key. */
int cfg_unknown_key(cfg_ctx *ctx, const char *path, const char *key, const char *const *allowed,
                    const char *const *extra);
/* An integer in min..max; dflt when absent (CFG_REQUIRED: must be present). */
int cfg_read_uint(const cfg_obj *o, const char *key, uint64_t dflt, uint64_t min, uint64_t max,
                  uint64_t *out);
int cfg_read_u32(const cfg_obj *o, const char *key, uint64_t dflt, uint64_t min, uint64_t max,
                 uint32_t *out);
int cfg_read_bool(const cfg_obj *o, const char *key, bool dflt, bool *out);
/* One of the NULL-terminated names, as its index. */
int cfg_read_enum(const cfg_obj *o, const char *key, const char *const *names, int dflt, int *out);
/* Fails when the string is empty, holds a control character or does not
 * fit cap. */
int cfg_read_string(const cfg_obj *o, const char *key, const char *dflt, char *out, size_t cap);
/* Bytes: a JSON integer or a string "N", "NKiB", "NMiB", "NGiB", "NTiB". */
int cfg_read_size(const cfg_obj *o, const char *key, uint64_t dflt, uint64_t min, uint64_t max,
                  uint64_t *out);
/* The array at key (absent -> *out NULL unless required). */
int cfg_read_array(const cfg_obj *o, const char *key, bool required, const cJSON **out);
/* A string element of an array, path = array path + index. */
int cfg_item_string(cfg_ctx *ctx, const cJSON *item, const char *path, const char **out);
/* Writes a size the way cfg_read_size reads it back: "16GiB", or plain bytes. */
void cfg_format_size(char *out, size_t cap, uint64_t bytes);

/* --- geometry shared by TLB arrays and walk caches (config_tlbs.c) --- */
/* Reads entries (dflt, or CFG_REQUIRED) and ways (default: entries, i.e.
 * fully associative) of o and checks sets are a power of two, and that
 * policy can handle the ways. zero_ok allows entries = ways = 0 (level not
 * cached). repl_path is blamed with the ways for a PLRU conflict. */
int cfg_read_geometry(const cfg_obj *o, uint64_t dflt_entries, bool zero_ok, repl_policy policy,
                      const char *repl_path, uint32_t *entries, uint32_t *ways);

/* --- conversion of a merged document --- */
/* config_schema.c: the whole document (an object) into out, zeroed first. */
int cfg_convert(const cJSON *root, mmu_config *out, cfg_ctx *ctx);
/* config_tlbs.c: the "tlbs" list into out->n_tlbs and out->tlbs[].name,
 * so the top level can accept those names as keys; then the TLB objects
 * and the rules of the hierarchy. */
int cfg_read_tlb_names(const cfg_obj *top, const char *const *schema_keys, mmu_config *out);
int cfg_convert_tlbs(const cfg_obj *top, const pt_format_info *fmt, mmu_config *out);
/* config_caches.c: "pwc" and "memory_latency". */
int cfg_convert_pwc(const cfg_obj *top, const pt_format_info *fmt, mmu_config *out);
int cfg_convert_memlat(const cfg_obj *top, mmu_config *out);

/* --- memory-latency geometry (memlat.c), errors name memory_latency.* --- */
int memlat_check(const memlat_config *cfg, cfg_ctx *ctx);

/* --- provenance: which source last wrote which key (config_merge.c) --- */
typedef struct {
    char path[CFG_PATH_LEN];
    unsigned source;
} cfg_prov_rec;

typedef struct {
    cfg_prov_rec *recs;
    size_t n, cap;
} cfg_prov;

void cfg_prov_free(cfg_prov *p);
/* The latest source that wrote a blamed path, an ancestor or a descendant
 * of it (widening to the parent when none did); 0 when none. */
unsigned cfg_prov_blame(const cfg_prov *p, const cfg_ctx *ctx);
/* Deep-merges src (an object) into dst: objects key by key, arrays and
 * scalars replace, null deletes. path names src's position; source 0 (the
 * base preset) leaves no records. Fails (message without a source) on a
 * duplicate key in src or when memory runs out. */
int cfg_merge(cJSON *dst, const cJSON *src, const char *path, unsigned source, cfg_prov *p,
              mm_error *err);
/* Applies one "key.path=value" to root. */
int cfg_apply_set(cJSON *root, const char *set, unsigned source, cfg_prov *p, mm_error *err);

#endif
