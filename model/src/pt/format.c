/* format.c — the table of page-table formats and their names. */
#include "mmulab/pt.h"

#include <string.h>

static const pt_format_info formats[PT_FORMAT_COUNT] = {
    [PT_X86_64_4LEVEL] = {"x86-64-4level", 4, 48, true, 0x7},
    [PT_X86_64_5LEVEL] = {"x86-64-5level", 5, 57, true, 0x7},
    [PT_SV39] = {"sv39", 3, 39, false, 0x7},
    [PT_SV48] = {"sv48", 4, 48, false, 0xf},
    [PT_SV57] = {"sv57", 5, 57, false, 0x1f},
};

const pt_format_info *pt_format_get(pt_format format)
{
    return (unsigned)format < PT_FORMAT_COUNT ? &formats[format] : NULL;
}

int pt_format_parse(const char *name, pt_format *out, const char *what, mm_error *err)
{
    for (unsigned i = 0; i < PT_FORMAT_COUNT; i++) {
        if (strcmp(name, formats[i].name) == 0) {
            *out = (pt_format)i;
            return MM_OK;
        }
    }
    return mm_fail(err, MM_ERR_CONFIG,
                   "%s: unknown page-table format \"%s\" (x86-64-4level, x86-64-5level, sv39, "
                   "sv48, sv57)",
                   what, name);
}
