/*
 * convert.h — the trace tool library behind `mmulab trace`: input sources
 * (plain, gzip or xz, told apart by magic bytes), format sniffing,
 * converters from Valgrind lackey, Dinero IV din and ChampSim traces to
 * native records, a din writer, seeded synthetic generators and trace
 * statistics (docs/trace-tools.md). Every converter streams: records go
 * to a sink as they are parsed, never the whole input in memory.
 */
#ifndef MMULAB_CONVERT_H
#define MMULAB_CONVERT_H

#include "mmulab/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- input sources ---- */

typedef enum {
    TRACE_INPUT_PLAIN = 0,
    TRACE_INPUT_GZIP = 1,
    TRACE_INPUT_XZ = 2,
    TRACE_INPUT_ZSTD = 3  /* recognised for sniffing; only native traces use it */
} trace_input_codec;

typedef struct trace_input trace_input;

/* Opens path ("-": standard input) and detects its compression from the
 * first bytes. Errors name the file. */
trace_input *trace_input_open(const char *path, mm_error *err);
/* A source over caller memory (which must outlive the source); name
 * appears in error messages. */
trace_input *trace_input_open_memory(const void *data, size_t len, const char *name,
                                     mm_error *err);
void trace_input_close(trace_input *src);
const char *trace_input_name(const trace_input *src);
trace_input_codec trace_input_compression(const trace_input *src);
/* Decompressed bytes consumed so far: the offset error messages give. */
uint64_t trace_input_offset(const trace_input *src);

/* Makes up to want decompressed bytes visible at *data without consuming
 * them. Returns the number available (< want only at the end of input)
 * or a negative mm_status. */
long trace_input_peek(trace_input *src, size_t want, const uint8_t **data, mm_error *err);
/* Reads up to len decompressed bytes; returns the count (< len only at
 * the end of input) or a negative mm_status. */
long trace_input_read(trace_input *src, void *buf, size_t len, mm_error *err);

/* One text line without its terminator ('\n', and a '\r' before it). */
typedef struct {
    const char *text;
    size_t len;         /* at most TRACE_LINE_MAX; longer lines are cut */
    bool truncated;     /* the line was longer than TRACE_LINE_MAX */
    uint64_t number;    /* 1-based */
    uint64_t offset;    /* decompressed byte offset of its first character */
} trace_line;

#define TRACE_LINE_MAX 4096u

/* Returns 1 with the next line (valid until the next call), 0 at the end
 * of input, or a negative mm_status. */
int trace_input_line(trace_input *src, trace_line *line, mm_error *err);

/* ---- formats and sniffing ---- */

typedef enum {
    TRACE_FORMAT_NATIVE = 0,
    TRACE_FORMAT_LACKEY = 1,
    TRACE_FORMAT_DIN = 2,
    TRACE_FORMAT_CHAMPSIM = 3,
    TRACE_FORMAT_COUNT
} trace_format;

const char *trace_format_name(trace_format format);
/* Accepts the names trace_format_name returns. */
int trace_format_parse(const char *name, trace_format *out, mm_error *err);

/* Guesses the format from the first decompressed bytes without consuming
 * them: native magic (or any zstd frame), lackey-looking or din-looking
 * text, otherwise binary as ChampSim. Empty input is an error. */
int trace_sniff(trace_input *src, trace_format *out, mm_error *err);

/* ---- sinks: where converted records go ---- */

typedef int (*trace_put_fn)(void *ctx, const trace_record *rec, mm_error *err);

typedef struct {
    trace_put_fn put;
    void *ctx;
} trace_record_sink;

/* A sink that writes every record to a native trace writer. */
trace_record_sink trace_record_sink_for_writer(trace_writer *w);

/* ---- converters ---- */

/* A zeroed struct gives the defaults. */
typedef struct {
    uint32_t pid;            /* pid of every access (no input format here carries one) */
    bool no_ifetch;          /* drop instruction fetches; they still count as instructions */
    uint16_t din_size;       /* din lines without a size: 0 means 4, as Dinero IV assumes */
} trace_convert_options;

typedef struct {
    uint64_t units;          /* lines (lackey, din) or input records (ChampSim, native) read */
    uint64_t records;        /* records given to the sink */
    uint64_t skipped;        /* lackey: valgrind and blank lines; din: blank lines, flushes */
    uint64_t instructions;   /* sum of the instructions fields written */
    uint64_t trailing_instructions; /* counted after the last record, so in no record */
} trace_convert_stats;

/* `valgrind --tool=lackey --trace-mem=yes` output: "I  addr,size",
 * " L addr,size", " S addr,size", " M addr,size" (M: one store). Each I
 * is one instruction; a record's instructions field counts the I lines
 * completed since the previous record, so an ifetch carries the
 * instructions before it and a data access the one that issued it. */
int trace_convert_lackey(trace_input *src, const trace_convert_options *opt,
                         const trace_record_sink *sink, trace_convert_stats *stats,
                         mm_error *err);

/* Dinero IV din: "label address [size]" with label 0 read, 1 write, 2
 * ifetch, 4 cache flush (skipped: no effect on translation); label 3
 * (escape, no access type) and anything else is rejected. A third field
 * that is a decimal number is the size; any other text after the address
 * is a comment, as in Dinero. Instructions are counted as for lackey. */
int trace_convert_din(trace_input *src, const trace_convert_options *opt,
                      const trace_record_sink *sink, trace_convert_stats *stats, mm_error *err);

/* ChampSim input_instr records (64 bytes, little endian): per record an
 * ifetch at ip (instructions = 1), a load per nonzero source_memory and
 * a store per nonzero destination_memory, each 8 bytes (ChampSim records
 * no access size). */
#define TRACE_CHAMPSIM_RECORD_BYTES 64u
int trace_convert_champsim(trace_input *src, const trace_convert_options *opt,
                           const trace_record_sink *sink, trace_convert_stats *stats,
                           mm_error *err);

/* Copies a native trace ("-": standard input) record by record and,
 * when header_out is not NULL, returns its header there. */
int trace_convert_native(const char *path, const trace_record_sink *sink,
                         trace_convert_stats *stats, trace_header *header_out, mm_error *err);

/* ---- din output ---- */

typedef struct trace_din_writer trace_din_writer;

/* Writes path.tmp and renames it to path on close ("-": standard output,
 * written directly). Lines are "label address size": Dinero reads the
 * size as a comment, this library reads it back. */
trace_din_writer *trace_din_writer_open(const char *path, mm_error *err);
/* Writes an access; other record kinds have no din form and are counted
 * in trace_din_writer_dropped. */
int trace_din_write(trace_din_writer *w, const trace_record *rec, mm_error *err);
int trace_din_writer_close(trace_din_writer *w, mm_error *err);
void trace_din_writer_abort(trace_din_writer *w);
uint64_t trace_din_writer_dropped(const trace_din_writer *w);
trace_record_sink trace_record_sink_for_din(trace_din_writer *w);

/* ---- synthetic generators ---- */

typedef enum {
    TRACE_GEN_SEQUENTIAL = 0, /* 8-byte steps through the footprint, wrapping */
    TRACE_GEN_STRIDED = 1,    /* steps of stride bytes, wrapping */
    TRACE_GEN_UNIFORM = 2,    /* uniform random 8-byte words */
    TRACE_GEN_ZIPF = 3,       /* zipfian(alpha) over the footprint's 4 KiB pages */
    TRACE_GEN_GUPS = 4,       /* load then store of the same random 8-byte word */
    TRACE_GEN_CHASE = 5,      /* one random cycle through every 64-byte line */
    TRACE_GEN_MIX = 6,        /* several processes, round robin every quantum */
    TRACE_GEN_KIND_COUNT
} trace_gen_kind;

#define TRACE_GEN_MAX_PROCESSES 64u
#define TRACE_GEN_CODE_BASE 0x400000ull   /* instruction fetches: a 64 KiB loop */
#define TRACE_GEN_CODE_BYTES 0x10000ull

typedef struct {
    trace_gen_kind kind;
    uint64_t records;      /* access records (ifetches included); context switches extra */
    uint64_t footprint;    /* bytes of the data region: a multiple of 4 KiB */
    uint64_t seed;
    uint64_t base;         /* first byte of the data region */
    uint64_t stride;       /* TRACE_GEN_STRIDED, >= 1 */
    double alpha;          /* TRACE_GEN_ZIPF, >= 0 */
    double ifetch_ratio;   /* fraction of access records that are ifetches, 0..1 */
    uint64_t quantum;      /* TRACE_GEN_MIX: accesses between context switches */
    unsigned processes;    /* TRACE_GEN_MIX: number of processes (pids 1..processes) */
    trace_gen_kind process_kind[TRACE_GEN_MAX_PROCESSES]; /* TRACE_GEN_MIX */
} trace_gen_params;

/* Fills the defaults: 1 M records, 64 MiB at 0x10000000, seed 1, stride
 * 4096, alpha 0.99, no ifetches, quantum 10000, mix of uniform and zipf. */
void trace_gen_defaults(trace_gen_params *p, trace_gen_kind kind);
const char *trace_gen_kind_name(trace_gen_kind kind);
int trace_gen_kind_parse(const char *name, trace_gen_kind *out, mm_error *err);

typedef struct trace_gen trace_gen;

trace_gen *trace_gen_create(const trace_gen_params *p, mm_error *err);
/* 1 with the next record, 0 when all records have been produced. */
int trace_gen_next(trace_gen *g, trace_record *out);
void trace_gen_destroy(trace_gen *g);
/* Creates a generator and sends all its records to sink. */
int trace_gen_run(const trace_gen_params *p, const trace_record_sink *sink, uint64_t *records_out,
                  mm_error *err);

/* ---- statistics ---- */

#define TRACE_STAT_WINDOW 1000000u  /* accesses per reuse window */
#define TRACE_STAT_PIDS_SHOWN 16u

enum { TRACE_STAT_4K = 0, TRACE_STAT_2M = 1, TRACE_STAT_1G = 2, TRACE_STAT_PAGE_SIZES = 3 };

typedef struct {
    uint64_t records;
    uint64_t by_kind[TRACE_KIND_COUNT];
    uint64_t accesses[MM_ACCESS_COUNT];
    uint64_t access_bytes;
    uint64_t instructions;
    uint64_t processes;                        /* distinct pids in any record */
    uint32_t pids[TRACE_STAT_PIDS_SHOWN];      /* the first ones seen, in order */
    uint64_t pages[TRACE_STAT_PAGE_SIZES];     /* distinct (pid, page) touched */
    uint64_t page_crossings;                   /* accesses spanning two 4 KiB pages */
    /* Reuse: an access whose 4 KiB page is that of the previous access of
     * the same stream (pid and ifetch/data). */
    uint64_t same_page;
    uint64_t same_page_eligible;               /* accesses with a previous one in their stream */
    /* Distinct (pid, 4 KiB page) per window of TRACE_STAT_WINDOW accesses:
     * the mean over the complete windows, or the partial one if none. */
    double pages_per_window;
    uint64_t windows;
} trace_stat_summary;

typedef struct trace_stat trace_stat;

trace_stat *trace_stat_create(mm_error *err);
int trace_stat_add(trace_stat *s, const trace_record *rec, mm_error *err);
void trace_stat_summarize(const trace_stat *s, trace_stat_summary *out);
void trace_stat_destroy(trace_stat *s);
trace_record_sink trace_record_sink_for_stat(trace_stat *s);

#ifdef __cplusplus
}
#endif
#endif
