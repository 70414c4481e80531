/* strbuf.c — see strbuf.h. */
#include "mmu/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void sb_init(strbuf *sb)
{
    sb->data = NULL;
    sb->len = sb->cap = 0;
    sb->failed = false;
}

void sb_printf(strbuf *sb, const char *fmt, ...)
{
    if (sb->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = sb->cap - sb->len;
        int n = vsnprintf(sb->data ? sb->data + sb->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) {
            sb->failed = true;
            return;
        }
        if ((size_t)n < room) {
            sb->len += (size_t)n;
            return;
        }
        size_t cap = sb->cap ? sb->cap * 2 : 4096;
        while (cap - sb->len <= (size_t)n)
            cap *= 2;
        char *data = realloc(sb->data, cap);
        if (!data) {
            sb->failed = true;
            return;
        }
        sb->data = data;
        sb->cap = cap;
    }
}

char *sb_finish(strbuf *sb)
{
    if (sb->failed || !sb->data) {
        free(sb->data);
        sb_init(sb);
        return NULL;
    }
    char *s = sb->data;
    sb_init(sb);
    return s;
}
