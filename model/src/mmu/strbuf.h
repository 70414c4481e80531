/* strbuf.h — a growable string for building reports; a failed growth
 * latches `failed` and later appends are ignored. */
#ifndef MMULAB_STRBUF_H
#define MMULAB_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *data;
    size_t len, cap;
    bool failed;
} strbuf;

void sb_init(strbuf *sb);
void sb_printf(strbuf *sb, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Returns the string (caller frees) or NULL if any growth failed. */
char *sb_finish(strbuf *sb);

#endif
