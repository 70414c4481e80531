/*
 * input_internal.h — the inside of a trace_input, shared by the buffer
 * layer (input.c) and the decompressors (input_decode.c). Raw input
 * (file bytes or caller memory) flows through an optional gzip or xz
 * decoder into one decoded buffer that peek, read and line hand out.
 */
#ifndef MMULAB_INPUT_INTERNAL_H
#define MMULAB_INPUT_INTERNAL_H

#include <stdio.h>

#include <lzma.h>
#include <zlib.h>

#include "convert.h"

#define INPUT_RAW_BYTES (64u * 1024u)
#define INPUT_BUF_BYTES (256u * 1024u)
/* xz streams needing more than this to decode are refused, so a crafted
 * header cannot make the reader allocate gigabytes. xz -9 needs 65 MiB. */
#define INPUT_XZ_MEMLIMIT (256ull << 20)

struct trace_input {
    char *name;
    trace_input_codec compression;

    /* raw input: a file (owned unless it is stdin) or caller memory */
    FILE *file;
    bool owns_file;
    const uint8_t *raw;      /* INPUT_RAW_BYTES of raw_store, or the caller's memory */
    uint8_t *raw_store;
    size_t raw_pos, raw_len;
    bool raw_eof;            /* nothing more to read into raw */
    uint64_t raw_base;       /* raw bytes discarded before raw[0] */

    /* decoders */
    z_stream gz;
    bool gz_live;            /* inflateInit2 done */
    bool gz_member_done;     /* between two gzip members (or at the end) */
    lzma_stream xz;
    bool xz_live;
    bool xz_done;

    /* decoded bytes: [pos, len) not consumed yet */
    uint8_t *buf;
    size_t pos, len;
    bool eof;                /* the decoder has nothing more */
    uint64_t offset;         /* decoded bytes consumed */

    uint64_t line_number;
    char long_line[TRACE_LINE_MAX]; /* the kept head of an over-long line */
};

/* Makes at least want raw bytes available unless the input ends first;
 * returns the number available or a negative mm_status. */
long input_raw_ensure(trace_input *src, size_t want, mm_error *err);

/* Sets up the decoder for src->compression. */
int input_decoder_init(trace_input *src, mm_error *err);
void input_decoder_end(trace_input *src);
/* Appends decoded bytes to buf[len..cap); returns how many (0: the end of
 * the input) or a negative mm_status. */
long input_decode(trace_input *src, mm_error *err);

#endif
