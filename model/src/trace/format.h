/*
 * format.h — the encoding rules the trace reader and writer share: magic,
 * tag layout, size and instruction codes, varint/zigzag coding and the
 * address predictor. docs/trace-format.md is the normative description;
 * a change here is a format change and needs a new TRACE_VERSION.
 */
#ifndef MMULAB_TRACE_FORMAT_H
#define MMULAB_TRACE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define TRACE_MAGIC "MMULABTR"
#define TRACE_MAGIC_LEN 8u
/* magic, version u16, flags u16, format_hint u8 */
#define TRACE_HEADER_FIXED (TRACE_MAGIC_LEN + 5u)
/* the fixed part, a 2-byte length varint, the longest description */
#define TRACE_HEADER_MAX (TRACE_HEADER_FIXED + 2u + 1023u)

/* Longest span one record decode may read, counting varints that run to
 * the 10-byte limit before being rejected: the MMAP event is
 * tag + 4 varints = 41. The reader keeps this many readable (zero) bytes
 * after the data it holds, so decoding never checks bounds per byte. */
#define TRACE_RECORD_MAX 64u
#define TRACE_VARINT_MAX 10u

/* Access tag: bits 0-1 access (0 ifetch, 1 load, 2 store), bits 2-4 size
 * code, bits 5-6 instructions code, bit 7 "VA equals the prediction". A
 * tag whose low two bits are 3 is an event: tag = kind << 2 | 3, with the
 * END trailer in the kind-0 slot. */
#define TRACE_TAG_EVENT 3u
#define TRACE_SIZE_SHIFT 2u
#define TRACE_SIZE_EXPLICIT 7u    /* size code: a varint size follows */
#define TRACE_INSN_SHIFT 5u
#define TRACE_INSN_EXPLICIT 2u    /* instructions code: a varint follows */
#define TRACE_TAG_PREDICTED 0x80u /* no VA delta follows */
#define TRACE_TAG_END 0x03u
#define TRACE_EVENT_TAG(kind) ((uint8_t)(((unsigned)(kind) << 2) | TRACE_TAG_EVENT))

/* Size code of an access size: c for 1 << c (c < 7), else explicit. */
static inline unsigned trace_size_code(unsigned size)
{
    switch (size) {
    case 1: return 0;
    case 2: return 1;
    case 4: return 2;
    case 8: return 3;
    case 16: return 4;
    case 32: return 5;
    case 64: return 6;
    default: return TRACE_SIZE_EXPLICIT;
    }
}

static inline uint64_t trace_zigzag(uint64_t delta)
{
    return (delta << 1) ^ (uint64_t)(-(int64_t)(delta >> 63));
}

static inline uint64_t trace_unzigzag(uint64_t z)
{
    return (z >> 1) ^ (uint64_t)(-(int64_t)(z & 1));
}

/* Appends v as an LEB128 varint; returns the byte after it. */
static inline uint8_t *trace_put_varint(uint8_t *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

/* Reads a varint of at most 10 bytes whose value fits 64 bits; NULL if it
 * is longer or overflows. Never reads more than TRACE_VARINT_MAX bytes. */
static inline const uint8_t *trace_get_varint(const uint8_t *p, uint64_t *v)
{
    uint64_t b = *p++;
    if (b < 0x80) {
        *v = b;
        return p;
    }
    uint64_t value = b & 0x7f;
    unsigned shift = 7;
    for (;;) {
        b = *p++;
        value |= (b & 0x7f) << shift;
        if (b < 0x80)
            break;
        shift += 7;
        if (shift > 63)
            return NULL;
    }
    if (shift == 63 && b > 1)
        return NULL;
    *v = value;
    return p;
}

static inline void trace_put_u16le(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void trace_put_u32le(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t trace_get_u32le(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Address prediction, run identically by writer and reader. An ifetch is
 * predicted to follow the previous one (its VA plus its size); a load or
 * store to reuse the VA the same instruction touched last, the
 * instruction being the latest ifetch VA, hashed into a table. On Valgrind
 * lackey traces the per-instruction table halves the compressed size
 * compared with one shared data stream (docs/trace-format.md). */
#define TRACE_PC_SLOTS 4096u

typedef struct {
    uint64_t ifetch_next;             /* VA right after the last ifetch */
    uint64_t pc;                      /* VA of the last ifetch */
    uint64_t data[TRACE_PC_SLOTS];    /* last load/store VA per hashed pc */
} trace_predictor;

static inline uint64_t *trace_predict_slot(trace_predictor *pr, unsigned access)
{
    if (access == 0)
        return &pr->ifetch_next;
    return &pr->data[(pr->pc ^ (pr->pc >> 12)) & (TRACE_PC_SLOTS - 1)];
}

/* Records the actual VA in the slot trace_predict_slot returned. */
static inline void trace_predict_update(trace_predictor *pr, uint64_t *slot, unsigned access,
                                        uint64_t va, uint64_t size)
{
    if (access == 0) {
        pr->ifetch_next = va + size;
        pr->pc = va;
    } else {
        *slot = va;
    }
}

#endif
