/*
 * cmd_trace.h — shared by the `mmulab trace` subcommand files: exit
 * codes, option value parsing, the description recorded in trace
 * headers, and reading any supported input format into a sink.
 */
#ifndef MMULAB_CMD_TRACE_H
#define MMULAB_CMD_TRACE_H

#include <stdio.h>

#include "convert.h"

#define CMD_TRACE_OK 0
#define CMD_TRACE_FAILED 1
#define CMD_TRACE_USAGE 2

int cmd_trace_convert(int argc, char **argv);
int cmd_trace_gen(int argc, char **argv);
int cmd_trace_stat(int argc, char **argv);

/* A non-negative integer, decimal or 0x hex, with an optional K, M or G
 * (binary) suffix. */
bool cmd_trace_parse_u64(const char *s, uint64_t *out);
bool cmd_trace_parse_double(const char *s, double *out);

/* Prints "mmulab trace SUB: <message>" on stderr and returns status. */
int cmd_trace_fail(const char *sub, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* The header description: text (if any) and the command line that made
 * the trace, cut to fit TRACE_DESCRIPTION_MAX. */
void cmd_trace_description(char out[TRACE_DESCRIPTION_MAX], const char *text, const char *sub,
                           int argc, char **argv);

/* Picks the input format (from, else sniffed) and streams the input into
 * sink. A native input's header is returned through header_out when it
 * is not NULL. */
int cmd_trace_read_input(const char *path, const char *from, const trace_convert_options *opt,
                         const trace_record_sink *sink, trace_format *format_out,
                         trace_convert_stats *stats, trace_header *header_out, mm_error *err);

#endif
