/*
 * presets.h — the compiled-in presets: configs/presets/NAME.json embedded
 * by cmake/embed_presets.cmake as a NULL-name-terminated table, so a
 * binary needs no data files and the JSON stays the one source of truth.
 */
#ifndef MMULAB_CONFIG_PRESETS_H
#define MMULAB_CONFIG_PRESETS_H

typedef struct {
    const char *name; /* file name without .json, e.g. "skylake" */
    const char *json; /* the file's bytes, NUL-terminated */
} cfg_preset;

extern const cfg_preset cfg_presets[];

#endif
