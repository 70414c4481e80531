/*
 * config_values.c — typed reads of JSON values for the schema: integers,
 * booleans, enums, strings, sizes, and the one-line errors that name the
 * key path (with a "did you mean" for misspelt keys).
 */
#include "config/cfg_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *const cfg_page_size_names[MM_MAX_LEVELS + 1] = {"4K", "2M", "1G", "512G", "256T", NULL};
const char *const cfg_ad_names[] = {"hardware", "fault", NULL};
const char *const cfg_issue_names[] = {"open", "blocking", NULL};
const char *const cfg_inclusion_names[] = {"non-inclusive", "inclusive", "exclusive", NULL};
const char *const cfg_pwc_design_names[] = {"none", "split", "unified", "pte", NULL};
const char *const cfg_alloc_names[] = {"sequential", "random", NULL};
const char *const cfg_memlat_model_names[] = {"fixed", "cache", "random", NULL};
const char *const cfg_access_names[] = {"ifetch", "load", "store", NULL};
const char *const cfg_repl_names[] = {"lru", "plru", "fifo", "random", NULL};

void cfg_blame(cfg_ctx *ctx, const char *path)
{
    if (ctx->n_blame < CFG_MAX_BLAME)
        snprintf(ctx->blame[ctx->n_blame++], CFG_PATH_LEN, "%s", path);
}

int cfg_fail(cfg_ctx *ctx, const char *path, const char *fmt, ...)
{
    char text[sizeof ctx->err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    cfg_blame(ctx, path);
    return mm_fail(ctx->err, MM_ERR_CONFIG, "%s: %s", path, text);
}

/* Appends text to the path in out (length *n), cutting at CFG_PATH_LEN - 1
 * so a long path still gives a one-line message. */
static void path_append(char *out, size_t *n, const char *text)
{
    while (*text && *n + 1 < CFG_PATH_LEN)
        out[(*n)++] = *text++;
    out[*n] = '\0';
}

void cfg_key_path(char *out, const char *prefix, const char *key)
{
    size_t n = 0;
    out[0] = '\0';
    path_append(out, &n, prefix);
    if (prefix[0] != '\0')
        path_append(out, &n, ".");
    path_append(out, &n, key);
}

void cfg_index_path(char *out, const char *prefix, unsigned index)
{
    char digits[16];
    snprintf(digits, sizeof digits, "%u", index);
    cfg_key_path(out, prefix, digits);
}

const char *cfg_type_name(const cJSON *item)
{
    if (cJSON_IsString(item))
        return "a string";
    if (cJSON_IsNumber(item))
        return "a number";
    if (cJSON_IsBool(item))
        return "a boolean";
    if (cJSON_IsArray(item))
        return "an array";
    if (cJSON_IsObject(item))
        return "an object";
    return "null";
}

int cfg_lookup_name(const char *const *names, const char *name)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

/* Edit distance, capped: enough to suggest "entries" for "entriez". */
static unsigned edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned row[CFG_PATH_LEN + 1];
    if (la > CFG_PATH_LEN || lb > CFG_PATH_LEN)
        return ~0u;
    for (size_t j = 0; j <= lb; j++)
        row[j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        unsigned diag = row[0];
        row[0] = (unsigned)i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned up = row[j];
            unsigned best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static const char *closest(const char *key, const char *const *lists[2])
{
    const char *best = NULL;
    unsigned best_d = 3; /* suggest only near misses */
    for (int l = 0; l < 2; l++)
        for (size_t i = 0; lists[l] && lists[l][i]; i++) {
            unsigned d = edit_distance(key, lists[l][i]);
            if (d < best_d) {
                best_d = d;
                best = lists[l][i];
            }
        }
    return best;
}

const cJSON *cfg_obj_item(const cfg_obj *o, const char *key)
{
    return o->json ? cJSON_GetObjectItemCaseSensitive(o->json, key) : NULL;
}

int cfg_obj_child(const cfg_obj *o, const char *key, cfg_obj *out)
{
    const cJSON *item = cfg_obj_item(o, key);
    out->ctx = o->ctx;
    out->json = NULL;
    cfg_key_path(out->path, o->path, key);
    if (item && !cJSON_IsObject(item))
        return cfg_fail(o->ctx, out->path, "expected an object, got %s", cfg_type_name(item));
    out->json = item;
    return MM_OK;
}

int cfg_unknown_key(cfg_ctx *ctx, const char *path, const char *key, const char *const *allowed,
                    const char *const *extra)
{
    const char *const *lists[2] = {allowed, extra};
    const char *hint = closest(key, lists);
    cfg_blame(ctx, path);
    if (hint)
        return mm_fail(ctx->err, MM_ERR_CONFIG, "unknown key \"%s\" (did you mean \"%s\"?)", path,
                       hint);
    return mm_fail(ctx->err, MM_ERR_CONFIG, "unknown key \"%s\"", path);
}

int cfg_obj_check_keys(const cfg_obj *o, const char *const *allowed, const char *const *extra)
{
    const cJSON *item;
    if (!o->json)
        return MM_OK;
    cJSON_ArrayForEach(item, o->json)
    {
        if (cfg_lookup_name(allowed, item->string) >= 0 ||
            (extra && cfg_lookup_name(extra, item->string) >= 0))
            continue;
        char path[CFG_PATH_LEN];
        cfg_key_path(path, o->path, item->string);
        return cfg_unknown_key(o->ctx, path, item->string, allowed, extra);
    }
    return MM_OK;
}

/* Shows a number the way the user wrote it: integers without a fraction. */
static void format_number(char *out, size_t cap, double v)
{
    if (v > -9e18 && v < 9e18 && v == (double)(long long)v)
        snprintf(out, cap, "%lld", (long long)v);
    else
        snprintf(out, cap, "%g", v);
}

int cfg_read_uint(const cfg_obj *o, const char *key, uint64_t dflt, uint64_t min, uint64_t max,
                  uint64_t *out)
{
    const cJSON *item = cfg_obj_item(o, key);
    char path[CFG_PATH_LEN];
    cfg_key_path(path, o->path, key);
    if (!item) {
        if (dflt == CFG_REQUIRED)
            return cfg_fail(o->ctx, path, "required key missing (an integer)");
        *out = dflt;
        return MM_OK;
    }
    if (!cJSON_IsNumber(item))
        return cfg_fail(o->ctx, path, "expected an integer, got %s", cfg_type_name(item));
    double v = item->valuedouble;
    char shown[48];
    format_number(shown, sizeof shown, v);
    if (v != v || v < 0 || v > (double)CFG_MAX_INT || v != (double)(uint64_t)v) {
        if (v >= 0 && v <= (double)CFG_MAX_INT)
            return cfg_fail(o->ctx, path, "expected an integer, got %s", shown);
        return cfg_fail(o->ctx, path, "%s is out of range %llu..%llu", shown,
                        (unsigned long long)min, (unsigned long long)max);
    }
    uint64_t u = (uint64_t)v;
    if (u < min || u > max)
        return cfg_fail(o->ctx, path, "%s is out of range %llu..%llu", shown,
                        (unsigned long long)min, (unsigned long long)max);
    *out = u;
    return MM_OK;
}

int cfg_read_u32(const cfg_obj *o, const char *key, uint64_t dflt, uint64_t min, uint64_t max,
                 uint32_t *out)
{
    uint64_t v = 0;
    int rc = cfg_read_uint(o, key, dflt, min, max > UINT32_MAX ? UINT32_MAX : max, &v);
    if (rc == MM_OK)
        *out = (uint32_t)v;
    return rc;
}

int cfg_read_bool(const cfg_obj *o, const char *key, bool dflt, bool *out)
{
    const cJSON *item = cfg_obj_item(o, key);
    if (!item) {
        *out = dflt;
        return MM_OK;
    }
    if (!cJSON_IsBool(item)) {
        char path[CFG_PATH_LEN];
        cfg_key_path(path, o->path, key);
        return cfg_fail(o->ctx, path, "expected a boolean, got %s", cfg_type_name(item));
    }
    *out = cJSON_IsTrue(item);
    return MM_OK;
}

static void join_names(char *out, size_t cap, const char *const *names)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; names[i] && used < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? ", " : "", names[i]);
}

int cfg_read_enum(const cfg_obj *o, const char *key, const char *const *names, int dflt, int *out)
{
    const cJSON *item = cfg_obj_item(o, key);
    char path[CFG_PATH_LEN];
    cfg_key_path(path, o->path, key);
    if (!item) {
        *out = dflt;
        return MM_OK;
    }
    if (!cJSON_IsString(item))
        return cfg_fail(o->ctx, path, "expected a string, got %s", cfg_type_name(item));
    int i = cfg_lookup_name(names, item->valuestring);
    if (i < 0) {
        char list[160];
        join_names(list, sizeof list, names);
        return cfg_fail(o->ctx, path, "\"%s\" is not one of %s", item->valuestring, list);
    }
    *out = i;
    return MM_OK;
}

int cfg_read_string(const cfg_obj *o, const char *key, const char *dflt, char *out, size_t cap)
{
    const cJSON *item = cfg_obj_item(o, key);
    char path[CFG_PATH_LEN];
    cfg_key_path(path, o->path, key);
    const char *s = dflt;
    if (item) {
        if (!cJSON_IsString(item))
            return cfg_fail(o->ctx, path, "expected a string, got %s", cfg_type_name(item));
        s = item->valuestring;
    }
    size_t len = strlen(s);
    if (len == 0)
        return cfg_fail(o->ctx, path, "must not be empty");
    if (len >= cap)
        return cfg_fail(o->ctx, path, "\"%s\" is longer than %zu characters", s, cap - 1);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return cfg_fail(o->ctx, path, "contains a control character");
    memcpy(out, s, len + 1);
    return MM_OK;
}

static const struct {
    const char *suffix;
    unsigned shift;
} size_units[] = {{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}};

/* "N" or "N<unit>", N decimal; false on anything else or overflow. */
static bool parse_size(const char *s, uint64_t *out)
{
    uint64_t n = 0;
    const char *p = s;
    if (*p < '0' || *p > '9')
        return false;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (n > (CFG_MAX_INT - 9) / 10)
            return false;
        n = n * 10 + (uint64_t)(*p - '0');
    }
    if (*p == '\0') {
        *out = n;
        return true;
    }
    for (size_t i = 0; i < sizeof size_units / sizeof size_units[0]; i++) {
        if (strcmp(p, size_units[i].suffix) == 0) {
            if (n > (CFG_MAX_INT >> size_units[i].shift))
                return false;
            *out = n << size_units[i].shift;
            return true;
        }
    }
    return false;
}

void cfg_format_size(char *out, size_t cap, uint64_t bytes)
{
    for (size_t i = 0; i < sizeof size_units / sizeof size_units[0]; i++) {
        uint64_t unit = UINT64_C(1) << size_units[i].shift;
        if (bytes != 0 && bytes % unit == 0) {
            snprintf(out, cap, "%llu%s", (unsigned long long)(bytes / unit), size_units[i].suffix);
            return;
        }
    }
    snprintf(out, cap, "%llu", (unsigned long long)bytes);
}

int cfg_read_size(const cfg_obj *o, const char *key, uint64_t dflt, uint64_t min, uint64_t max,
                  uint64_t *out)
{
    const cJSON *item = cfg_obj_item(o, key);
    char path[CFG_PATH_LEN];
    cfg_key_path(path, o->path, key);
    if (!item || cJSON_IsNumber(item))
        return cfg_read_uint(o, key, dflt, min, max, out);
    if (!cJSON_IsString(item))
        return cfg_fail(o->ctx, path, "expected a size (an integer or a string like \"16GiB\"), got %s",
                        cfg_type_name(item));
    uint64_t v;
    if (!parse_size(item->valuestring, &v))
        return cfg_fail(o->ctx, path,
                        "\"%s\" is not a size (bytes, or a number followed by KiB, MiB, GiB or TiB)",
                        item->valuestring);
    if (v < min || v > max) {
        char lo[32], hi[32];
        cfg_format_size(lo, sizeof lo, min);
        cfg_format_size(hi, sizeof hi, max);
        return cfg_fail(o->ctx, path, "%s is out of range %s..%s", item->valuestring, lo, hi);
    }
    *out = v;
    return MM_OK;
}

int cfg_read_array(const cfg_obj *o, const char *key, bool required, const cJSON **out)
{
    const cJSON *item = cfg_obj_item(o, key);
    char path[CFG_PATH_LEN];
    cfg_key_path(path, o->path, key);
    *out = NULL;
    if (!item) {
        if (required)
            return cfg_fail(o->ctx, path, "required key missing (an array)");
        return MM_OK;
    }
    if (!cJSON_IsArray(item))
        return cfg_fail(o->ctx, path, "expected an array, got %s", cfg_type_name(item));
    *out = item;
    return MM_OK;
}

int cfg_item_string(cfg_ctx *ctx, const cJSON *item, const char *path, const char **out)
{
    if (!cJSON_IsString(item))
        return cfg_fail(ctx, path, "expected a string, got %s", cfg_type_name(item));
    *out = item->valuestring;
    return MM_OK;
}
