/*
 * config.c — cfg_load: choose the base preset, read and merge the config
 * file over it, apply the --set overrides, then validate; and name, in
 * every error, the source (preset, file or --set) that wrote the key at
 * fault. Also the preset list and TLB lookup by name.
 */
#include "config/cfg_internal.h"
#include "config/presets.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#define CFG_DEFAULT_PRESET "skylake"
#define CFG_MAX_PRESETS 64
#define CFG_MAX_FILE_BYTES (16u << 20)
#define CFG_LABEL_LEN 400 /* "--set " and the whole override */

/* Source numbers in the provenance record: the base preset, the file,
 * then one per --set in order (later sources win). */
enum { SOURCE_BASE = 0, SOURCE_FILE = 1, SOURCE_FIRST_SET = 2 };

/* The names table is built once from the generated cfg_presets[] (whose
 * length only the build knows) and never changes afterwards. */
static const char *preset_names[CFG_MAX_PRESETS + 1];
static once_flag preset_names_once = ONCE_FLAG_INIT;

static void fill_preset_names(void)
{
    for (size_t i = 0; i < CFG_MAX_PRESETS && cfg_presets[i].name; i++)
        preset_names[i] = cfg_presets[i].name;
}

const char *const *cfg_preset_names(void)
{
    call_once(&preset_names_once, fill_preset_names);
    return preset_names;
}

static const cfg_preset *find_preset(const char *name)
{
    for (size_t i = 0; cfg_presets[i].name; i++)
        if (strcmp(cfg_presets[i].name, name) == 0)
            return &cfg_presets[i];
    return NULL;
}

static int unknown_preset(mm_error *err, const char *where, const char *name)
{
    char known[160] = "";
    size_t used = 0;
    for (size_t i = 0; cfg_presets[i].name && used < sizeof known; i++)
        used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "",
                                 cfg_presets[i].name);
    return mm_fail(err, MM_ERR_CONFIG, "%sunknown preset \"%s\" (known: %s)", where, name, known);
}

int cfg_find_tlb(const mmu_config *cfg, const char *name)
{
    if (!cfg || !name)
        return -1;
    for (unsigned i = 0; i < cfg->n_tlbs && i < CFG_MAX_TLBS; i++)
        if (strcmp(cfg->tlbs[i].name, name) == 0)
            return (int)i;
    return -1;
}

void cfg_fix_names(mmu_config *cfg)
{
    for (unsigned i = 0; i < CFG_MAX_TLBS; i++)
        cfg->tlbs[i].tlb.name = i < cfg->n_tlbs ? cfg->tlbs[i].name : NULL;
}

/* Rewrites err's message as "label: message". */
static void prefix_error(mm_error *err, const char *label)
{
    if (!err)
        return;
    char joined[2 * sizeof err->msg];
    size_t n = strlen(label);
    if (n > sizeof err->msg - 3)
        n = sizeof err->msg - 3;
    memcpy(joined, label, n);
    joined[n] = ':';
    joined[n + 1] = ' ';
    memcpy(joined + n + 2, err->msg, sizeof err->msg);
    /* the message may be cut to fit; a one-line error stays one line */
    memcpy(err->msg, joined, sizeof err->msg - 1);
    err->msg[sizeof err->msg - 1] = '\0';
}

static int syntax_error(mm_error *err, const char *label, const char *text, const char *at)
{
    size_t offset = at ? (size_t)(at - text) : 0;
    unsigned line = 1, column = 1;
    for (size_t i = 0; i < offset; i++) {
        if (text[i] == '\n') {
            line++;
            column = 1;
        } else {
            column++;
        }
    }
    return mm_fail(err, MM_ERR_FORMAT, "%s: JSON syntax error near line %u, column %u (byte %zu)",
                   label, line, column, offset);
}

static int read_file(const char *path, char **text_out, size_t *len_out, mm_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return mm_fail(err, MM_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    size_t len = 0, cap = 4096;
    char *text = malloc(cap);
    int rc = text ? MM_OK : mm_fail(err, MM_ERR_NOMEM, "%s: out of memory", path);
    while (rc == MM_OK) {
        if (len + 1 == cap) {
            char *bigger = cap < CFG_MAX_FILE_BYTES ? realloc(text, 2 * cap) : NULL;
            if (!bigger) {
                rc = cap < CFG_MAX_FILE_BYTES
                         ? mm_fail(err, MM_ERR_NOMEM, "%s: out of memory", path)
                         : mm_fail(err, MM_ERR_IO, "%s: larger than %u bytes", path,
                                   CFG_MAX_FILE_BYTES);
                break;
            }
            text = bigger;
            cap *= 2;
        }
        size_t got = fread(text + len, 1, cap - 1 - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f))
                rc = mm_fail(err, MM_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
            break;
        }
    }
    fclose(f);
    if (rc != MM_OK) {
        free(text);
        return rc;
    }
    text[len] = '\0';
    *text_out = text;
    *len_out = len;
    return MM_OK;
}

static int parse_file(const char *path, cJSON **out, mm_error *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc = read_file(path, &text, &len, err);
    if (rc != MM_OK)
        return rc;
    if (strlen(text) != len) {
        rc = mm_fail(err, MM_ERR_FORMAT, "%s: NUL byte at byte %zu", path, strlen(text));
    } else {
        const char *end = NULL;
        *out = cJSON_ParseWithLengthOpts(text, len + 1, &end, true);
        if (!*out)
            rc = syntax_error(err, path, text, end);
        else if (!cJSON_IsObject(*out))
            rc = mm_fail(err, MM_ERR_CONFIG, "%s: expected a JSON object at the top level, got %s",
                         path, cfg_type_name(*out));
    }
    free(text);
    return rc;
}

/* The config's default name when the file gives none: its base name
 * without ".json". */
static void file_stem(char *out, size_t cap, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    if (len > 5 && strcmp(base + len - 5, ".json") == 0)
        len -= 5;
    if (len >= cap)
        len = cap - 1;
    memcpy(out, base, len);
    out[len] = '\0';
}

/* Picks the base preset: the argument, else the file's "extends" (null:
 * none, every key from its default), else skylake. */
static int choose_base(const char *preset, const char *file, cJSON *file_doc,
                       const cfg_preset **base, mm_error *err)
{
    *base = NULL;
    const char *name = preset;
    const cJSON *extends = file_doc ? cJSON_GetObjectItemCaseSensitive(file_doc, "extends") : NULL;
    if (!name && extends) {
        if (cJSON_IsNull(extends))
            return MM_OK;
        if (!cJSON_IsString(extends))
            return mm_fail(err, MM_ERR_CONFIG,
                           "%s: extends: expected a preset name or null, got %s", file,
                           cfg_type_name(extends));
        *base = find_preset(extends->valuestring);
        if (!*base) {
            char where[CFG_PATH_LEN + 16];
            snprintf(where, sizeof where, "%s: extends: ", file);
            return unknown_preset(err, where, extends->valuestring);
        }
        return MM_OK;
    }
    if (!name)
        name = CFG_DEFAULT_PRESET;
    *base = find_preset(name);
    return *base ? MM_OK : unknown_preset(err, "", name);
}

static int merge_file(cJSON *root, cJSON *file_doc, const char *file, cfg_prov *prov,
                      mm_error *err)
{
    cJSON_DeleteItemFromObjectCaseSensitive(file_doc, "extends");
    int rc = cfg_merge(root, file_doc, "", SOURCE_FILE, prov, err);
    if (rc != MM_OK) {
        prefix_error(err, file);
        return rc;
    }
    if (cJSON_GetObjectItemCaseSensitive(file_doc, "name"))
        return MM_OK;
    char stem[sizeof ((mmu_config *)0)->name];
    file_stem(stem, sizeof stem, file);
    cJSON *name = cJSON_CreateObject();
    if (!name || !cJSON_AddStringToObject(name, "name", stem)) {
        cJSON_Delete(name);
        return mm_fail(err, MM_ERR_NOMEM, "%s: out of memory", file);
    }
    rc = cfg_merge(root, name, "", SOURCE_FILE, prov, err);
    cJSON_Delete(name);
    return rc;
}

/* Layers base, file and sets into root; errors carry their source. */
static int build_document(const cfg_preset *base, const char *file, cJSON *file_doc,
                          const char *const *sets, size_t n_sets, cJSON *root, cfg_prov *prov,
                          mm_error *err)
{
    int rc;
    if (base) {
        char label[CFG_LABEL_LEN];
        snprintf(label, sizeof label, "preset %s", base->name);
        const char *end = NULL;
        cJSON *doc = cJSON_ParseWithOpts(base->json, &end, true);
        if (!doc)
            return syntax_error(err, label, base->json, end);
        rc = cJSON_IsObject(doc) ? cfg_merge(root, doc, "", SOURCE_BASE, prov, err)
                                 : mm_fail(err, MM_ERR_CONFIG, "not a JSON object");
        cJSON_Delete(doc);
        if (rc != MM_OK) {
            prefix_error(err, label);
            return rc;
        }
    }
    if (file_doc && (rc = merge_file(root, file_doc, file, prov, err)) != MM_OK)
        return rc;
    for (size_t i = 0; i < n_sets; i++) {
        if (!sets[i])
            return mm_fail(err, MM_ERR_INVALID, "cfg_load: set %zu is NULL", i);
        rc = cfg_apply_set(root, sets[i], SOURCE_FIRST_SET + (unsigned)i, prov, err);
        if (rc != MM_OK) {
            char label[CFG_LABEL_LEN];
            snprintf(label, sizeof label, "--set %s", sets[i]);
            prefix_error(err, label);
            return rc;
        }
    }
    return MM_OK;
}

static void source_label(char *out, size_t cap, unsigned source, const cfg_preset *base,
                         const char *file, const char *const *sets)
{
    if (source >= SOURCE_FIRST_SET)
        snprintf(out, cap, "--set %s", sets[source - SOURCE_FIRST_SET]);
    else if (source == SOURCE_FILE || !base)
        snprintf(out, cap, "%s", file ? file : "config");
    else
        snprintf(out, cap, "preset %s", base->name);
}

int cfg_load(const char *preset, const char *file, const char *const *sets, size_t n_sets,
             mmu_config *out, mm_error *err)
{
    if (!out)
        return mm_fail(err, MM_ERR_INVALID, "cfg_load: no output config");
    memset(out, 0, sizeof *out);
    if (n_sets && !sets)
        return mm_fail(err, MM_ERR_INVALID, "cfg_load: %zu sets but no array", n_sets);

    cJSON *file_doc = NULL;
    cJSON *root = cJSON_CreateObject();
    cfg_prov prov = {0};
    const cfg_preset *base = NULL;
    int rc = root ? MM_OK : mm_fail(err, MM_ERR_NOMEM, "cfg_load: out of memory");
    if (rc == MM_OK && file)
        rc = parse_file(file, &file_doc, err);
    if (rc == MM_OK)
        rc = choose_base(preset, file, file_doc, &base, err);
    if (rc == MM_OK)
        rc = build_document(base, file, file_doc, sets, n_sets, root, &prov, err);
    if (rc == MM_OK) {
        cfg_ctx ctx = {.err = err};
        rc = cfg_convert(root, out, &ctx);
        if (rc != MM_OK) {
            char label[CFG_LABEL_LEN];
            source_label(label, sizeof label, cfg_prov_blame(&prov, &ctx), base, file, sets);
            prefix_error(err, label);
        }
    }
    cJSON_Delete(file_doc);
    cJSON_Delete(root);
    cfg_prov_free(&prov);
    if (rc != MM_OK) {
        memset(out, 0, sizeof *out);
        return rc;
    }
    cfg_fix_names(out);
    return MM_OK;
}
