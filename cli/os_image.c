/*
 * os_image.c — the address-space image file (os_image.h,
 * docs/image-format.md): a gzip stream holding a little-endian header, the
 * regions, the mappings, the swapped pages and a CRC-32 of everything
 * before it. The reader checks every field and names the byte offset of
 * the first one that is wrong; the writer reads its own output back before
 * it replaces the file.
 */
#define _POSIX_C_SOURCE 200809L /* strnlen */
#include "os_image.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cli_util.h"

#define REGION_BYTES 52u   /* without its name */
#define MAPPING_BYTES 19u
#define SWAPPED_BYTES 16u
#define TRAILER_BYTES 4u
#define NAME_MAX_BYTES 4096u
#define PA_LIMIT (1ull << 52)
#define SWAP_LIMIT (1ull << 55)

/* ---- encoding ---- */

typedef struct {
    unsigned char *buf;
    size_t len, cap;
    bool failed;
} bytes;

static void put(bytes *b, const void *src, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *p = realloc(b->buf, cap);
        if (!p) {
            b->failed = true;
            return;
        }
        b->buf = p;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, src, n);
    b->len += n;
}

static void put_le(bytes *b, uint64_t v, unsigned n)
{
    unsigned char le[8];
    for (unsigned i = 0; i < n; i++)
        le[i] = (unsigned char)(v >> (8 * i));
    put(b, le, n);
}

int os_image_encode(const sim_image *img, unsigned char **data, size_t *len, mm_error *err)
{
    size_t desc = strnlen(img->description, SIM_IMAGE_DESCRIPTION_MAX);
    if (desc == SIM_IMAGE_DESCRIPTION_MAX)
        return mm_fail(err, MM_ERR_INVALID, "image: the description is not a string of at most "
                                            "%u bytes", SIM_IMAGE_DESCRIPTION_MAX - 1);
    if (img->n_regions > UINT32_MAX)
        return mm_fail(err, MM_ERR_INVALID, "image: %zu regions (at most %u)", img->n_regions,
                       UINT32_MAX);
    bytes b = {0};
    put(&b, OS_IMAGE_MAGIC, 8);
    put_le(&b, SIM_IMAGE_VERSION, 2);
    put_le(&b, 0, 2);
    put_le(&b, img->source_pid, 4);
    put_le(&b, img->created, 8);
    put_le(&b, img->n_regions, 4);
    put_le(&b, img->n_mappings, 8);
    put_le(&b, img->n_swapped, 8);
    put_le(&b, desc, 2);
    put(&b, img->description, desc);
    for (size_t i = 0; i < img->n_regions; i++) {
        const sim_image_region *r = &img->regions[i];
        size_t name = r->name ? strlen(r->name) : 0;
        if (name > NAME_MAX_BYTES) {
            free(b.buf);
            return mm_fail(err, MM_ERR_INVALID, "image: region %zu: name of %zu bytes (at most %u)",
                           i, name, NAME_MAX_BYTES);
        }
        put_le(&b, r->start, 8);
        put_le(&b, r->end, 8);
        put_le(&b, r->offset, 8);
        put_le(&b, r->inode, 8);
        put_le(&b, r->pages_present, 8);
        put_le(&b, r->pages_swapped, 8);
        put_le(&b, r->prot, 1);
        put_le(&b, r->flags, 1);
        put_le(&b, name, 2);
        put(&b, r->name, name);
    }
    for (size_t i = 0; i < img->n_mappings; i++) {
        const sim_image_mapping *m = &img->mappings[i];
        put_le(&b, m->va, 8);
        put_le(&b, m->pa, 8);
        put_le(&b, m->level, 1);
        put_le(&b, m->perm, 1);
        put_le(&b, m->flags, 1);
    }
    for (size_t i = 0; i < img->n_swapped; i++) {
        put_le(&b, img->swapped[i].va, 8);
        put_le(&b, img->swapped[i].swap, 8);
    }
    uLong crc = crc32(0L, Z_NULL, 0);
    /* crc32 takes uInt lengths: feed large streams in pieces */
    for (size_t off = 0; !b.failed && off < b.len;) {
        size_t n = b.len - off > (1u << 30) ? (1u << 30) : b.len - off;
        crc = crc32(crc, b.buf + off, (uInt)n);
        off += n;
    }
    put_le(&b, crc, 4);
    if (b.failed) {
        free(b.buf);
        return mm_fail(err, MM_ERR_NOMEM, "image: out of host memory");
    }
    *data = b.buf;
    *len = b.len;
    return MM_OK;
}

/* ---- decoding ---- */

typedef struct {
    const unsigned char *p;
    size_t len, off;
    const char *name;
    mm_error *err;
} cursor;

/* A format error at byte `at` of the stream: "NAME: byte AT: what". */
static int bad(cursor *c, size_t at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int bad(cursor *c, size_t at, const char *fmt, ...)
{
    char what[240];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return mm_fail(c->err, MM_ERR_FORMAT, "%s: byte %zu: %s", c->name, at, what);
}

/* Reads n little-endian bytes; false (with the message) when the stream
 * ends first. */
static bool get_le(cursor *c, unsigned n, uint64_t *v, const char *field)
{
    if (c->len - c->off < n) {
        bad(c, c->off, "truncated in the %s (the stream ends at byte %zu)", field, c->len);
        return false;
    }
    uint64_t x = 0;
    for (unsigned i = 0; i < n; i++)
        x |= (uint64_t)c->p[c->off + i] << (8 * i);
    c->off += n;
    *v = x;
    return true;
}

static int decode_header(cursor *c, sim_image *img, uint64_t counts[3])
{
    if (c->len < 8 || memcmp(c->p, OS_IMAGE_MAGIC, 8))
        return bad(c, 0, "not an mmulab address-space image (bad magic)");
    c->off = 8;
    uint64_t version, flags, pid, created, desc;
    if (!get_le(c, 2, &version, "header") || !get_le(c, 2, &flags, "header") ||
        !get_le(c, 4, &pid, "header") || !get_le(c, 8, &created, "header") ||
        !get_le(c, 4, &counts[0], "header") || !get_le(c, 8, &counts[1], "header") ||
        !get_le(c, 8, &counts[2], "header") || !get_le(c, 2, &desc, "header"))
        return MM_ERR_FORMAT;
    if (version == 0 || version > SIM_IMAGE_VERSION)
        return bad(c, 8, "version %llu is not one this mmulab reads (1)", (unsigned long long)version);
    if (flags)
        return bad(c, 10, "unknown flags 0x%llx", (unsigned long long)flags);
    if (desc >= SIM_IMAGE_DESCRIPTION_MAX)
        return bad(c, 44, "description of %llu bytes (at most %u)", (unsigned long long)desc,
                   SIM_IMAGE_DESCRIPTION_MAX - 1);
    if (c->len - c->off < desc)
        return bad(c, c->off, "truncated in the description (the stream ends at byte %zu)", c->len);
    if (memchr(c->p + c->off, 0, (size_t)desc))
        return bad(c, c->off, "NUL byte in the description");
    memcpy(img->description, c->p + c->off, (size_t)desc);
    img->description[desc] = '\0';
    c->off += (size_t)desc;
    img->source_pid = (uint32_t)pid;
    img->created = created;
    /* every record takes bytes: counts the rest cannot hold are corrupt */
    size_t left = c->len - c->off;
    if (counts[0] > left / REGION_BYTES || counts[1] > left / MAPPING_BYTES ||
        counts[2] > left / SWAPPED_BYTES)
        return bad(c, 24, "counts of %llu regions, %llu mappings, %llu swapped pages do not fit in "
                   "the %zu bytes that follow", (unsigned long long)counts[0],
                   (unsigned long long)counts[1], (unsigned long long)counts[2], left);
    return MM_OK;
}

static int decode_regions(cursor *c, sim_image *img, size_t n)
{
    img->regions = calloc(n ? n : 1, sizeof *img->regions);
    if (!img->regions)
        return mm_fail(c->err, MM_ERR_NOMEM, "%s: out of host memory", c->name);
    for (size_t i = 0; i < n; i++) {
        sim_image_region *r = &img->regions[i];
        size_t at = c->off;
        uint64_t prot, flags, name;
        if (!get_le(c, 8, &r->start, "regions") || !get_le(c, 8, &r->end, "regions") ||
            !get_le(c, 8, &r->offset, "regions") || !get_le(c, 8, &r->inode, "regions") ||
            !get_le(c, 8, &r->pages_present, "regions") ||
            !get_le(c, 8, &r->pages_swapped, "regions") || !get_le(c, 1, &prot, "regions") ||
            !get_le(c, 1, &flags, "regions") || !get_le(c, 2, &name, "regions"))
            return MM_ERR_FORMAT;
        img->n_regions = i + 1;
        if (r->start >= r->end || ((r->start | r->end) & 0xfff))
            return bad(c, at, "region %zu [0x%llx, 0x%llx) is empty or not 4 KiB aligned", i,
                       (unsigned long long)r->start, (unsigned long long)r->end);
        if (i && r->start < img->regions[i - 1].end)
            return bad(c, at, "region %zu starts at 0x%llx, inside or before region %zu", i,
                       (unsigned long long)r->start, i - 1);
        uint64_t pages = (r->end - r->start) >> 12;
        if (r->pages_present > pages || r->pages_swapped > pages - r->pages_present)
            return bad(c, at + 32, "region %zu: %llu present and %llu swapped pages in %llu pages", i,
                       (unsigned long long)r->pages_present,
                       (unsigned long long)r->pages_swapped, (unsigned long long)pages);
        if (prot & ~(uint64_t)(MM_PERM_R | MM_PERM_W | MM_PERM_X))
            return bad(c, at + 48, "region %zu: unknown protection bits 0x%llx", i,
                       (unsigned long long)prot);
        if (flags & ~(uint64_t)(SIM_IMAGE_REGION_SHARED | SIM_IMAGE_REGION_HUGETLB |
                                SIM_IMAGE_REGION_NOT_READ))
            return bad(c, at + 49, "region %zu: unknown flags 0x%llx", i, (unsigned long long)flags);
        if (name > NAME_MAX_BYTES || c->len - c->off < name)
            return bad(c, at + 50, "region %zu: name of %llu bytes (at most %u, and within the "
                       "stream)", i, (unsigned long long)name, NAME_MAX_BYTES);
        if (memchr(c->p + c->off, 0, (size_t)name))
            return bad(c, c->off, "region %zu: NUL byte in the name", i);
        r->prot = (uint32_t)prot;
        r->flags = (uint32_t)flags;
        r->name = malloc((size_t)name + 1);
        if (!r->name)
            return mm_fail(c->err, MM_ERR_NOMEM, "%s: out of host memory", c->name);
        memcpy(r->name, c->p + c->off, (size_t)name);
        r->name[name] = '\0';
        c->off += (size_t)name;
    }
    return MM_OK;
}

/* Advances *region to the region holding [va, va + size); false if none
 * does (the records are in ascending order, so the search only moves on). */
static bool find_region(const sim_image *img, size_t *region, uint64_t va, uint64_t size)
{
    while (*region < img->n_regions && img->regions[*region].end <= va)
        (*region)++;
    return *region < img->n_regions && img->regions[*region].start <= va &&
           size <= img->regions[*region].end - va;
}

static int decode_mappings(cursor *c, sim_image *img, size_t n, uint64_t *covered)
{
    img->mappings = calloc(n ? n : 1, sizeof *img->mappings);
    if (!img->mappings)
        return mm_fail(c->err, MM_ERR_NOMEM, "%s: out of host memory", c->name);
    size_t region = 0;
    uint64_t next_va = 0; /* the first va the next mapping may start at */
    for (size_t i = 0; i < n; i++) {
        sim_image_mapping *m = &img->mappings[i];
        size_t at = c->off;
        uint64_t level, perm, flags;
        if (!get_le(c, 8, &m->va, "mappings") || !get_le(c, 8, &m->pa, "mappings") ||
            !get_le(c, 1, &level, "mappings") || !get_le(c, 1, &perm, "mappings") ||
            !get_le(c, 1, &flags, "mappings"))
            return MM_ERR_FORMAT;
        img->n_mappings = i + 1;
        if (level > 2)
            return bad(c, at + 16, "mapping %zu: level %llu (0, 1 or 2)", i,
                       (unsigned long long)level);
        uint64_t size = 1ull << MM_LEVEL_SHIFT(level);
        if ((m->va | m->pa) & (size - 1) || m->pa >= PA_LIMIT || size > PA_LIMIT - m->pa)
            return bad(c, at, "mapping %zu (va 0x%llx, pa 0x%llx): not aligned to its page or "
                       "beyond 52-bit physical addresses", i, (unsigned long long)m->va,
                       (unsigned long long)m->pa);
        if (i && m->va < next_va)
            return bad(c, at, "mapping %zu (va 0x%llx) overlaps or precedes mapping %zu", i,
                       (unsigned long long)m->va, i - 1);
        if (!find_region(img, &region, m->va, size))
            return bad(c, at, "mapping %zu (va 0x%llx) lies in no region", i,
                       (unsigned long long)m->va);
        if (perm & ~(uint64_t)(MM_PERM_R | MM_PERM_W | MM_PERM_X | MM_PERM_U))
            return bad(c, at + 17, "mapping %zu: unknown permission bits 0x%llx", i,
                       (unsigned long long)perm);
        if (flags >= (uint64_t)SIM_IMAGE_PAGE_HUGETLB << 1)
            return bad(c, at + 18, "mapping %zu: unknown flags 0x%llx", i, (unsigned long long)flags);
        m->level = (uint8_t)level;
        m->perm = (uint8_t)perm;
        m->flags = (uint8_t)flags;
        next_va = m->va + size;
        covered[region] += size >> 12;
    }
    return MM_OK;
}

static int decode_swapped(cursor *c, sim_image *img, size_t n, uint64_t *covered)
{
    img->swapped = calloc(n ? n : 1, sizeof *img->swapped);
    if (!img->swapped)
        return mm_fail(c->err, MM_ERR_NOMEM, "%s: out of host memory", c->name);
    size_t region = 0;
    for (size_t i = 0; i < n; i++) {
        sim_image_swapped *w = &img->swapped[i];
        size_t at = c->off;
        if (!get_le(c, 8, &w->va, "swapped pages") || !get_le(c, 8, &w->swap, "swapped pages"))
            return MM_ERR_FORMAT;
        img->n_swapped = i + 1;
        if ((w->va & 0xfff) || (i && w->va <= img->swapped[i - 1].va) || w->swap >= SWAP_LIMIT)
            return bad(c, at, "swapped page %zu (va 0x%llx): not 4 KiB aligned, not ascending, or "
                       "a swap entry beyond 55 bits", i, (unsigned long long)w->va);
        if (!find_region(img, &region, w->va, 4096))
            return bad(c, at, "swapped page %zu (va 0x%llx) lies in no region", i,
                       (unsigned long long)w->va);
        covered[region]++;
    }
    return MM_OK;
}

static int decode_body(cursor *c, sim_image *img)
{
    uint64_t counts[3];
    int rc = decode_header(c, img, counts);
    if (rc != MM_OK)
        return rc;
    size_t n = (size_t)counts[0];
    /* pages the mappings and swap entries put in each region */
    uint64_t *present = calloc(n ? n : 1, sizeof *present);
    uint64_t *swapped = calloc(n ? n : 1, sizeof *swapped);
    if (!present || !swapped)
        rc = mm_fail(c->err, MM_ERR_NOMEM, "%s: out of host memory", c->name);
    if (rc == MM_OK)
        rc = decode_regions(c, img, n);
    size_t mappings_at = c->off;
    if (rc == MM_OK)
        rc = decode_mappings(c, img, (size_t)counts[1], present);
    if (rc == MM_OK)
        rc = decode_swapped(c, img, (size_t)counts[2], swapped);
    for (size_t i = 0; rc == MM_OK && i < n; i++)
        if (present[i] != img->regions[i].pages_present ||
            swapped[i] != img->regions[i].pages_swapped)
            rc = bad(c, mappings_at, "region %zu counts %llu present and %llu swapped pages, its "
                     "records %llu and %llu", i,
                     (unsigned long long)img->regions[i].pages_present,
                     (unsigned long long)img->regions[i].pages_swapped,
                     (unsigned long long)present[i], (unsigned long long)swapped[i]);
    free(present);
    free(swapped);
    return rc;
}

int os_image_decode(const void *data, size_t len, const char *name, sim_image *img, mm_error *err)
{
    memset(img, 0, sizeof *img);
    cursor c = {data, len, 0, name, err};
    int rc = decode_body(&c, img);
    uint64_t stored;
    if (rc == MM_OK && get_le(&c, 4, &stored, "trailer")) {
        uLong crc = crc32(0L, Z_NULL, 0);
        for (size_t off = 0; off < len - TRAILER_BYTES;) {
            size_t n = len - TRAILER_BYTES - off > (1u << 30) ? (1u << 30) : len - TRAILER_BYTES - off;
            crc = crc32(crc, c.p + off, (uInt)n);
            off += n;
        }
        if (c.off != len)
            rc = bad(&c, c.off, "%zu bytes after the trailer", len - c.off);
        else if ((uint32_t)crc != (uint32_t)stored)
            rc = bad(&c, len - TRAILER_BYTES, "CRC-32 mismatch (stored %08llx, computed %08lx)",
                     (unsigned long long)stored, (unsigned long)(uint32_t)crc);
    } else if (rc == MM_OK) {
        rc = MM_ERR_FORMAT;
    }
    if (rc != MM_OK)
        os_image_free(img);
    return rc;
}

void os_image_free(sim_image *img)
{
    for (size_t i = 0; img->regions && i < img->n_regions; i++)
        free(img->regions[i].name);
    free(img->regions);
    free(img->mappings);
    free(img->swapped);
    memset(img, 0, sizeof *img);
}

/* ---- files ---- */

int os_image_write(const char *path, const sim_image *img, mm_error *err)
{
    unsigned char *raw = NULL;
    size_t len = 0;
    int rc = os_image_encode(img, &raw, &len, err);
    if (rc != MM_OK)
        return rc;
    sim_image check;
    rc = os_image_decode(raw, len, path, &check, err);
    os_image_free(&check);
    if (rc != MM_OK) {
        free(raw);
        return rc;
    }
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    /* windowBits 15 + 16: a gzip wrapper, so zcat reads the file */
    if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(raw);
        return mm_fail(err, MM_ERR_NOMEM, "%s: cannot start the zlib compressor", path);
    }
    size_t cap = len / 2 + 4096, out_len = 0;
    unsigned char *out = malloc(cap);
    int zrc = Z_OK;
    zs.next_in = raw;
    size_t in_left = len;
    while (out && zrc != Z_STREAM_END) {
        if (out_len == cap) {
            unsigned char *bigger = realloc(out, cap * 2);
            if (!bigger)
                break;
            out = bigger;
            cap *= 2;
        }
        uInt in_chunk = in_left > (1u << 30) ? (1u << 30) : (uInt)in_left;
        uInt out_chunk = cap - out_len > (1u << 30) ? (1u << 30) : (uInt)(cap - out_len);
        zs.avail_in = in_chunk;
        zs.next_out = out + out_len;
        zs.avail_out = out_chunk;
        zrc = deflate(&zs, in_chunk == in_left ? Z_FINISH : Z_NO_FLUSH);
        in_left -= in_chunk - zs.avail_in;
        out_len += out_chunk - zs.avail_out;
        if (zrc != Z_OK && zrc != Z_STREAM_END && zrc != Z_BUF_ERROR)
            break;
    }
    deflateEnd(&zs);
    free(raw);
    if (zrc != Z_STREAM_END) {
        free(out);
        return mm_fail(err, MM_ERR_NOMEM, "%s: out of host memory compressing the image", path);
    }
    rc = cli_write_atomically(path, (const char *)out, out_len)
             ? mm_fail(err, MM_ERR_IO, "%s: cannot write: %s", path, strerror(errno))
             : MM_OK;
    free(out);
    return rc;
}

static int read_file(const char *path, unsigned char **data, size_t *len, mm_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return mm_fail(err, MM_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1u << 16, n = 0;
    unsigned char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            unsigned char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    bool failed = ferror(f);
    fclose(f);
    if (!buf)
        return mm_fail(err, MM_ERR_NOMEM, "%s: out of host memory", path);
    if (failed) {
        free(buf);
        return mm_fail(err, MM_ERR_IO, "%s: read error", path);
    }
    *data = buf;
    *len = n;
    return MM_OK;
}

/* Inflates the one gzip member that must fill the whole file. */
static int gunzip(const char *path, const unsigned char *in, size_t in_len, unsigned char **out,
                  size_t *out_len, mm_error *err)
{
    if (in_len == 0)
        return mm_fail(err, MM_ERR_FORMAT, "%s: empty file (not an address-space image)", path);
    if (in_len < 2 || in[0] != 0x1f || in[1] != 0x8b)
        return mm_fail(err, MM_ERR_FORMAT, "%s: byte 0: not an address-space image (no gzip "
                                           "magic)", path);
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 15 + 16) != Z_OK)
        return mm_fail(err, MM_ERR_NOMEM, "%s: cannot start the zlib decompressor", path);
    size_t cap = in_len * 4 + 4096, n = 0, used = 0;
    unsigned char *buf = malloc(cap);
    int zrc = Z_OK, rc = MM_OK;
    while (buf && zrc != Z_STREAM_END) {
        if (n == cap) {
            unsigned char *bigger = realloc(buf, cap * 2);
            if (!bigger)
                break;
            buf = bigger;
            cap *= 2;
        }
        uInt in_chunk = in_len - used > (1u << 30) ? (1u << 30) : (uInt)(in_len - used);
        uInt out_chunk = cap - n > (1u << 30) ? (1u << 30) : (uInt)(cap - n);
        zs.next_in = (unsigned char *)(uintptr_t)(in + used);
        zs.avail_in = in_chunk;
        zs.next_out = buf + n;
        zs.avail_out = out_chunk;
        zrc = inflate(&zs, Z_NO_FLUSH);
        used += in_chunk - zs.avail_in;
        n += out_chunk - zs.avail_out;
        if (zrc == Z_DATA_ERROR || zrc == Z_NEED_DICT) {
            rc = mm_fail(err, MM_ERR_FORMAT, "%s: compressed byte %zu: corrupt gzip stream (%s)",
                         path, used, zs.msg ? zs.msg : "bad data");
            break;
        }
        if (zrc != Z_OK && zrc != Z_STREAM_END && zrc != Z_BUF_ERROR)
            break; /* Z_MEM_ERROR */
        if (zrc != Z_STREAM_END && used == in_len && zs.avail_out) {
            rc = mm_fail(err, MM_ERR_FORMAT, "%s: compressed byte %zu: truncated (the gzip stream "
                         "ends early)", path, in_len);
            break;
        }
    }
    inflateEnd(&zs);
    if (rc == MM_OK && (!buf || zrc != Z_STREAM_END))
        rc = mm_fail(err, MM_ERR_NOMEM, "%s: out of host memory decompressing", path);
    if (rc == MM_OK && used != in_len)
        rc = mm_fail(err, MM_ERR_FORMAT, "%s: compressed byte %zu: trailing bytes after the gzip "
                     "stream", path, used);
    if (rc != MM_OK) {
        free(buf);
        return rc;
    }
    *out = buf;
    *out_len = n;
    return MM_OK;
}

int os_image_read(const char *path, sim_image *img, mm_error *err)
{
    memset(img, 0, sizeof *img);
    unsigned char *file = NULL, *raw = NULL;
    size_t file_len = 0, raw_len = 0;
    int rc = read_file(path, &file, &file_len, err);
    if (rc == MM_OK)
        rc = gunzip(path, file, file_len, &raw, &raw_len, err);
    free(file);
    if (rc == MM_OK)
        rc = os_image_decode(raw, raw_len, path, img, err);
    free(raw);
    return rc;
}
