/*
 * trace.h — the native mmulab trace: a streaming writer and reader for
 * compressed memory-access traces (docs/trace-format.md is the byte-level
 * definition; this header and model/src/trace/ are its only
 * implementation). A trace is a gzip stream (so `zcat` works) or a zstd
 * frame, told apart by their magic bytes, never by file name. Inside: a
 * versioned header, delta/varint-coded records, and a trailer holding the
 * record count and a CRC-32 of everything before it, so truncation and
 * corruption are detected.
 */
#ifndef MMULAB_TRACE_H
#define MMULAB_TRACE_H

#include "mmulab/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TRACE_VERSION 1u
#define TRACE_DESCRIPTION_MAX 1024u

typedef enum {
    TRACE_ACCESS = 0,          /* a memory access by the current process */
    TRACE_CONTEXT_SWITCH = 1,  /* pid becomes the current process */
    TRACE_FORK = 2,            /* pid forks child (child starts as a copy) */
    TRACE_EXIT = 3,            /* pid exits */
    TRACE_MMAP = 4,            /* pid maps [va, va + length) with prot */
    TRACE_MUNMAP = 5,          /* pid unmaps [va, va + length) */
    TRACE_MPROTECT = 6,        /* pid changes prot of [va, va + length) */
    TRACE_FLUSH = 7,           /* a TLB flush: flush_kind (mmu_flush_kind), asid, va, flags */
    TRACE_MARKER = 8,          /* a numbered point of interest (phase, region of interest) */
    TRACE_KIND_COUNT
} trace_kind;

/* prot bits of TRACE_MMAP / TRACE_MPROTECT */
enum {
    TRACE_PROT_READ = 1u << 0,
    TRACE_PROT_WRITE = 1u << 1,
    TRACE_PROT_EXEC = 1u << 2,
    TRACE_MAP_HUGE = 1u << 8   /* madvise(MADV_HUGEPAGE)-like advice */
};

typedef struct {
    trace_kind kind;
    uint8_t access;         /* TRACE_ACCESS: mm_access */
    uint16_t size;          /* TRACE_ACCESS: bytes accessed, >= 1 */
    uint32_t pid;           /* the process concerned (TRACE_ACCESS: the current one) */
    uint32_t child;         /* TRACE_FORK */
    uint64_t va;            /* access address; region start; flush address */
    uint64_t length;        /* region length in bytes */
    uint32_t prot;          /* TRACE_PROT_* */
    uint64_t instructions;  /* TRACE_ACCESS: instructions retired since the previous access */
    uint8_t flush_kind;     /* TRACE_FLUSH: mmu_flush_kind */
    uint8_t flush_flags;    /* TRACE_FLUSH: bit 0 has_va, bit 1 has_asid (SFENCE.VMA),
                               bits 2-3 INVPCID type */
    uint16_t asid;          /* TRACE_FLUSH */
    uint64_t marker;        /* TRACE_MARKER */
} trace_record;

typedef enum {
    TRACE_ZLIB = 0,  /* gzip member, deflate */
    TRACE_ZSTD = 1
} trace_compression;

typedef struct {
    uint16_t version;        /* TRACE_VERSION when written */
    uint16_t flags;          /* reserved, 0 */
    uint8_t format_hint;     /* pt_format the trace was captured on, 0xff: unknown */
    char description[TRACE_DESCRIPTION_MAX]; /* free text, e.g. the capture command */
} trace_header;

/* ---- writing ---- */
typedef struct trace_writer trace_writer;

/* Writes to path.tmp and renames to path on a successful close, so a
 * partly written trace never has the final name. level: 1..9 (zlib) or
 * 1..19 (zstd); 0 picks the default. */
trace_writer *trace_writer_open(const char *path, const trace_header *header,
                                trace_compression compression, int level, mm_error *err);
int trace_write(trace_writer *w, const trace_record *rec, mm_error *err);
/* Writes the trailer, closes and renames. */
int trace_writer_close(trace_writer *w, mm_error *err);
/* Closes and deletes the temporary file (an interrupted conversion). */
void trace_writer_abort(trace_writer *w);
uint64_t trace_writer_records(const trace_writer *w);

/* ---- reading ---- */
typedef struct trace_reader trace_reader;

/* Opens a native trace; "-" reads standard input. Errors name the file. */
trace_reader *trace_reader_open(const char *path, mm_error *err);
/* Reads a trace held in memory (tests, fuzzing, embedded traces); data
 * must stay valid until the reader is closed. name labels the errors. */
trace_reader *trace_reader_open_buffer(const void *data, size_t len, const char *name,
                                       mm_error *err);
const trace_header *trace_reader_header(const trace_reader *r);
trace_compression trace_reader_compression(const trace_reader *r);
/* Reads up to max records into out. Returns the number read (> 0), 0 at
 * the verified end of the trace, or a negative mm_status with a one-line
 * message naming the file, the byte offset in the uncompressed stream and
 * the record index (truncation, CRC mismatch, bad record, I/O error). */
long trace_read(trace_reader *r, trace_record *out, size_t max, mm_error *err);
uint64_t trace_reader_records(const trace_reader *r);     /* records returned so far */
uint64_t trace_reader_bytes_in(const trace_reader *r);    /* compressed bytes consumed */
uint64_t trace_reader_file_size(const trace_reader *r);   /* 0 if unknown (a pipe) */
void trace_reader_close(trace_reader *r);

#ifdef __cplusplus
}
#endif
#endif
