/*
 * cmd_sweep_grid_json.c — the small JSON reader of `mmulab sweep SPEC`: a
 * tree of values that keeps number tokens exactly as written (so the CSV
 * repeats the report's digits), plus whole-file read and atomic write.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep_grid.h"

#define MAX_DEPTH 64

typedef struct {
    const char *text, *at;
    char *msg;
    size_t msg_len;
    bool failed;
} parser;

static void fail(parser *p, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = true;
    unsigned line = 1;
    for (const char *c = p->text; c < p->at; c++)
        line += *c == '\n';
    char what[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(p->msg, p->msg_len, "line %u: %s", line, what);
}

static void skip_space(parser *p)
{
    while (*p->at == ' ' || *p->at == '\t' || *p->at == '\n' || *p->at == '\r')
        p->at++;
}

static sg_json *new_value(parser *p, sg_json_type type)
{
    sg_json *v = calloc(1, sizeof *v);
    if (!v)
        fail(p, "out of memory");
    else
        v->type = type;
    return v;
}

static char *copy_span(parser *p, const char *from, size_t len)
{
    char *s = malloc(len + 1);
    if (!s) {
        fail(p, "out of memory");
        return NULL;
    }
    memcpy(s, from, len);
    s[len] = '\0';
    return s;
}

static int hex4(const char *s, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return -1;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *out, unsigned cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A string token at p->at (the opening quote); the decoded text is never
 * longer than the token, so one buffer of the token's length suffices. */
static char *parse_string(parser *p)
{
    const char *end = p->at + 1;
    while (*end && *end != '"')
        end += (*end == '\\' && end[1]) ? 2 : 1;
    if (*end != '"') {
        fail(p, "unterminated string");
        return NULL;
    }
    char *out = malloc((size_t)(end - p->at) + 1);
    if (!out) {
        fail(p, "out of memory");
        return NULL;
    }
    size_t n = 0;
    for (const char *c = p->at + 1; c < end; c++) {
        if ((unsigned char)*c < 0x20) {
            p->at = c;
            fail(p, "control character in a string");
            free(out);
            return NULL;
        }
        if (*c != '\\') {
            out[n++] = *c;
            continue;
        }
        c++;
        switch (*c) {
        case '"': case '\\': case '/': out[n++] = *c; break;
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (end - c < 5 || hex4(c + 1, &cp)) {
                p->at = c;
                fail(p, "bad \\u escape");
                free(out);
                return NULL;
            }
            c += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && end - c >= 7 && c[1] == '\\' && c[2] == 'u' &&
                !hex4(c + 3, &lo) && lo >= 0xDC00 && lo < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                c += 6;
            }
            n += put_utf8(out + n, cp);
            break;
        }
        default:
            p->at = c;
            fail(p, "bad escape \\%c", *c);
            free(out);
            return NULL;
        }
    }
    out[n] = '\0';
    p->at = end + 1;
    return out;
}

static size_t digits(const char *s)
{
    size_t n = 0;
    while (s[n] >= '0' && s[n] <= '9')
        n++;
    return n;
}

static sg_json *parse_value(parser *p, unsigned depth);

static int add_item(parser *p, sg_json *parent, sg_json *item)
{
    sg_json **grown = realloc(parent->items, (parent->n_items + 1) * sizeof *grown);
    if (!grown) {
        fail(p, "out of memory");
        return -1;
    }
    parent->items = grown;
    parent->items[parent->n_items++] = item;
    return 0;
}

static sg_json *parse_container(parser *p, unsigned depth, bool object)
{
    sg_json *v = new_value(p, object ? SG_OBJECT : SG_ARRAY);
    if (!v)
        return NULL;
    char close = object ? '}' : ']';
    p->at++;
    skip_space(p);
    if (*p->at == close) {
        p->at++;
        return v;
    }
    for (;;) {
        char *key = NULL;
        skip_space(p);
        if (object) {
            if (*p->at != '"') {
                fail(p, "expected a member name in quotes");
                break;
            }
            if (!(key = parse_string(p)))
                break;
            skip_space(p);
            if (*p->at != ':') {
                fail(p, "expected ':' after \"%s\"", key);
                free(key);
                break;
            }
            p->at++;
        }
        sg_json *item = parse_value(p, depth + 1);
        if (!item || add_item(p, v, item)) {
            free(key);
            sg_json_free(item);
            break;
        }
        item->key = key;
        skip_space(p);
        if (*p->at == ',') {
            p->at++;
            continue;
        }
        if (*p->at == close) {
            p->at++;
            return v;
        }
        fail(p, "expected ',' or '%c'", close);
        break;
    }
    sg_json_free(v);
    return NULL;
}

static sg_json *parse_value(parser *p, unsigned depth)
{
    skip_space(p);
    if (depth > MAX_DEPTH) {
        fail(p, "nested deeper than %d", MAX_DEPTH);
        return NULL;
    }
    char c = *p->at;
    if (c == '{' || c == '[')
        return parse_container(p, depth, c == '{');
    if (c == '"') {
        char *s = parse_string(p);
        sg_json *v = s ? new_value(p, SG_STRING) : NULL;
        if (!v) {
            free(s);
            return NULL;
        }
        v->text = s;
        return v;
    }
    static const char *const words[] = {"null", "true", "false"};
    for (int w = 0; w < 3; w++) {
        size_t len = strlen(words[w]);
        if (!strncmp(p->at, words[w], len)) {
            sg_json *v = new_value(p, w == 0 ? SG_NULL : SG_BOOL);
            if (v && w && !(v->text = copy_span(p, words[w], len))) {
                sg_json_free(v);
                return NULL;
            }
            p->at += len;
            return v;
        }
    }
    const char *start = p->at, *s = p->at;
    if (*s == '-')
        s++;
    size_t int_digits = digits(s);
    if (!int_digits || (s[0] == '0' && int_digits > 1)) {
        fail(p, *s ? "unexpected character '%c'" : "unexpected end of document", *s);
        return NULL;
    }
    s += int_digits;
    if (*s == '.') {
        size_t frac = digits(s + 1);
        if (!frac) {
            p->at = s;
            fail(p, "digits expected after '.'");
            return NULL;
        }
        s += 1 + frac;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        size_t exp = digits(s);
        if (!exp) {
            p->at = s;
            fail(p, "digits expected in the exponent");
            return NULL;
        }
        s += exp;
    }
    sg_json *v = new_value(p, SG_NUMBER);
    if (v && !(v->text = copy_span(p, start, (size_t)(s - start)))) {
        sg_json_free(v);
        return NULL;
    }
    p->at = s;
    return v;
}

sg_json *sg_json_parse(const char *text, char *msg, size_t msg_len)
{
    parser p = {text, text, msg, msg_len, false};
    sg_json *v = parse_value(&p, 0);
    if (v) {
        skip_space(&p);
        if (*p.at) {
            fail(&p, "text after the end of the document");
            sg_json_free(v);
            v = NULL;
        }
    }
    return v;
}

void sg_json_free(sg_json *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n_items; i++)
        sg_json_free(v->items[i]);
    free(v->items);
    free(v->text);
    free(v->key);
    free(v);
}

const sg_json *sg_json_get(const sg_json *obj, const char *key)
{
    if (!obj || obj->type != SG_OBJECT)
        return NULL;
    for (size_t i = 0; i < obj->n_items; i++)
        if (!strcmp(obj->items[i]->key, key))
            return obj->items[i];
    return NULL;
}

