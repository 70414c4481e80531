/*
 * config_merge.c — layering of config sources: the deep merge of a file
 * over a preset, `--set key.path=value` overrides, and the provenance
 * record (which source last wrote which key) used to name the source of
 * an error found later by validation.
 */
#include "config/cfg_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cfg_prov_free(cfg_prov *p)
{
    free(p->recs);
    p->recs = NULL;
    p->n = p->cap = 0;
}

static int prov_add(cfg_prov *p, const char *path, unsigned source, mm_error *err)
{
    /* The base is what every other source overrides: a key nobody else
     * wrote is blamed on it by default, so it needs no records (and its
     * records would shadow the override that really caused an error). */
    if (source == 0)
        return MM_OK;
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 64;
        cfg_prov_rec *recs = realloc(p->recs, cap * sizeof *recs);
        if (!recs)
            return mm_fail(err, MM_ERR_NOMEM, "out of memory recording config keys");
        p->recs = recs;
        p->cap = cap;
    }
    snprintf(p->recs[p->n].path, CFG_PATH_LEN, "%s", path);
    p->recs[p->n++].source = source;
    return MM_OK;
}

/* Records every leaf under item (scalars, arrays and empty objects). */
static int prov_add_tree(cfg_prov *p, const cJSON *item, const char *path, unsigned source,
                         mm_error *err)
{
    if (!cJSON_IsObject(item) || !item->child)
        return prov_add(p, path, source, err);
    const cJSON *child;
    cJSON_ArrayForEach(child, item)
    {
        char sub[CFG_PATH_LEN];
        cfg_key_path(sub, path, child->string);
        int rc = prov_add_tree(p, child, sub, source, err);
        if (rc != MM_OK)
            return rc;
    }
    return MM_OK;
}

/* a is b, or one of them lies inside the other (on a key boundary). */
static bool paths_related(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t n = la < lb ? la : lb;
    if (strncmp(a, b, n) != 0)
        return false;
    if (la == lb)
        return true;
    return (la > lb ? a[n] : b[n]) == '.';
}

unsigned cfg_prov_blame(const cfg_prov *p, const cfg_ctx *ctx)
{
    unsigned best = 0;
    for (unsigned b = 0; b < ctx->n_blame; b++) {
        char path[CFG_PATH_LEN];
        snprintf(path, sizeof path, "%s", ctx->blame[b]);
        for (;;) {
            bool found = false;
            for (size_t i = 0; i < p->n; i++) {
                if (paths_related(p->recs[i].path, path)) {
                    found = true;
                    if (p->recs[i].source > best)
                        best = p->recs[i].source;
                }
            }
            char *dot = strrchr(path, '.');
            if (found || !dot)
                break;
            *dot = '\0';
        }
    }
    return best;
}

static bool has_duplicate_key(const cJSON *item)
{
    for (const cJSON *other = item->next; other; other = other->next)
        if (strcmp(other->string, item->string) == 0)
            return true;
    return false;
}

/* Stores a copy of value under key in dst, merging into an existing object. */
static int assign_key(cJSON *dst, const char *key, const cJSON *value, const char *path,
                      unsigned source, cfg_prov *p, mm_error *err)
{
    cJSON *existing = cJSON_GetObjectItemCaseSensitive(dst, key);
    if (cJSON_IsNull(value)) {
        cJSON_DeleteItemFromObjectCaseSensitive(dst, key);
        return prov_add(p, path, source, err);
    }
    if (cJSON_IsObject(existing) && cJSON_IsObject(value))
        return cfg_merge(existing, value, path, source, p, err);
    cJSON *copy = cJSON_Duplicate(value, true);
    if (!copy)
        return mm_fail(err, MM_ERR_NOMEM, "out of memory merging \"%s\"", path);
    cJSON_bool ok = existing ? cJSON_ReplaceItemInObjectCaseSensitive(dst, key, copy)
                             : cJSON_AddItemToObject(dst, key, copy);
    if (!ok) {
        cJSON_Delete(copy);
        return mm_fail(err, MM_ERR_NOMEM, "out of memory merging \"%s\"", path);
    }
    return prov_add_tree(p, copy, path, source, err);
}

int cfg_merge(cJSON *dst, const cJSON *src, const char *path, unsigned source, cfg_prov *p,
              mm_error *err)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, src)
    {
        char sub[CFG_PATH_LEN];
        cfg_key_path(sub, path, item->string);
        if (has_duplicate_key(item))
            return mm_fail(err, MM_ERR_CONFIG, "duplicate key \"%s\"", sub);
        int rc = assign_key(dst, item->string, item, sub, source, p, err);
        if (rc != MM_OK)
            return rc;
    }
    if (!src->child)
        return prov_add(p, path, source, err);
    return MM_OK;
}

/* A decimal array index without sign or leading zeros, below 2^31. */
static bool parse_index(const char *s, int *out)
{
    long v = 0;
    if (s[0] < '0' || s[0] > '9' || (s[0] == '0' && s[1] != '\0'))
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 100000000)
            return false;
        v = v * 10 + (*s - '0');
    }
    *out = (int)v;
    return true;
}

/* Stores value at index of array (== size appends; null deletes). */
static int assign_index(cJSON *array, int index, const cJSON *value, const char *path,
                        unsigned source, cfg_prov *p, mm_error *err)
{
    int size = cJSON_GetArraySize(array);
    cJSON *existing = cJSON_GetArrayItem(array, index);
    if (index > size || (index == size && cJSON_IsNull(value)))
        return mm_fail(err, MM_ERR_CONFIG, "\"%s\": index %d is out of range (%d elements)", path,
                       index, size);
    if (cJSON_IsNull(value)) {
        cJSON_DeleteItemFromArray(array, index);
        return prov_add(p, path, source, err);
    }
    if (cJSON_IsObject(existing) && cJSON_IsObject(value))
        return cfg_merge(existing, value, path, source, p, err);
    cJSON *copy = cJSON_Duplicate(value, true);
    if (!copy)
        return mm_fail(err, MM_ERR_NOMEM, "out of memory setting \"%s\"", path);
    cJSON_bool ok = existing ? cJSON_ReplaceItemInArray(array, index, copy)
                             : cJSON_AddItemToArray(array, copy);
    if (!ok) {
        cJSON_Delete(copy);
        return mm_fail(err, MM_ERR_NOMEM, "out of memory setting \"%s\"", path);
    }
    return prov_add_tree(p, copy, path, source, err);
}

/* The container a non-final component names, created as an object when
 * missing (or when appending at index == size). Fails when the path runs
 * past the end of an array. */
static int descend(cJSON *node, const char *comp, const char *path, cJSON **out, mm_error *err)
{
    if (cJSON_IsObject(node)) {
        cJSON *child = cJSON_GetObjectItemCaseSensitive(node, comp);
        if (!child && !(child = cJSON_AddObjectToObject(node, comp)))
            return mm_fail(err, MM_ERR_NOMEM, "out of memory setting \"%s\"", path);
        *out = child;
        return MM_OK;
    }
    int index, size = cJSON_GetArraySize(node);
    if (!parse_index(comp, &index))
        return mm_fail(err, MM_ERR_CONFIG, "\"%s\": \"%s\" is not an array index", path, comp);
    if (index < size) {
        *out = cJSON_GetArrayItem(node, index);
        return MM_OK;
    }
    if (index > size)
        return mm_fail(err, MM_ERR_CONFIG, "\"%s\": index %d is out of range (%d elements)", path,
                       index, size);
    cJSON *child = cJSON_CreateObject();
    if (!child || !cJSON_AddItemToArray(node, child)) {
        cJSON_Delete(child);
        return mm_fail(err, MM_ERR_NOMEM, "out of memory setting \"%s\"", path);
    }
    *out = child;
    return MM_OK;
}

/* The --set value: JSON when it parses as JSON, else the text as a string. */
static cJSON *parse_set_value(const char *text)
{
    const char *end = NULL;
    cJSON *value = cJSON_ParseWithOpts(text, &end, true);
    return value ? value : cJSON_CreateString(text);
}

int cfg_apply_set(cJSON *root, const char *set, unsigned source, cfg_prov *p, mm_error *err)
{
    const char *eq = strchr(set, '=');
    if (!eq)
        return mm_fail(err, MM_ERR_CONFIG, "expected key.path=value");
    size_t key_len = (size_t)(eq - set);
    if (key_len >= CFG_PATH_LEN)
        return mm_fail(err, MM_ERR_CONFIG, "key path longer than %d characters", CFG_PATH_LEN - 1);
    char key[CFG_PATH_LEN];
    memcpy(key, set, key_len);
    key[key_len] = '\0';
    if (key_len == 0 || key[0] == '.' || key[key_len - 1] == '.' || strstr(key, ".."))
        return mm_fail(err, MM_ERR_CONFIG, "\"%s\" is not a key path (keys joined by dots)", key);
    if (strcmp(key, "extends") == 0 || strncmp(key, "extends.", 8) == 0)
        return mm_fail(err, MM_ERR_CONFIG,
                       "\"extends\" is only read from a config file; choose the preset instead");

    cJSON *value = parse_set_value(eq + 1);
    if (!value)
        return mm_fail(err, MM_ERR_NOMEM, "out of memory parsing the value of \"%s\"", key);

    char done[CFG_PATH_LEN] = ""; /* the part of the path walked so far */
    cJSON *node = root;
    char *comp = key;
    int rc = MM_OK;
    for (;;) {
        char *dot = strchr(comp, '.');
        if (dot)
            *dot = '\0';
        char here[CFG_PATH_LEN];
        cfg_key_path(here, done, comp);
        if (!cJSON_IsObject(node) && !cJSON_IsArray(node)) {
            rc = mm_fail(err, MM_ERR_CONFIG, "\"%s\" is %s, it has no key \"%s\"", done,
                         cfg_type_name(node), comp);
            break;
        }
        if (!dot) {
            if (cJSON_IsObject(node)) {
                rc = assign_key(node, comp, value, here, source, p, err);
            } else {
                int index;
                if (!parse_index(comp, &index))
                    rc = mm_fail(err, MM_ERR_CONFIG, "\"%s\": \"%s\" is not an array index", here,
                                 comp);
                else
                    rc = assign_index(node, index, value, here, source, p, err);
            }
            break;
        }
        rc = descend(node, comp, here, &node, err);
        if (rc != MM_OK)
            break;
        memcpy(done, here, sizeof done);
        comp = dot + 1;
    }
    cJSON_Delete(value);
    return rc;
}
