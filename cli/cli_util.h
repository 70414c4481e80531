/* cli_util.h — small file helpers shared by the command-line tools
 * (cmd_util.c): atomic writes, whole-file reads, CSV field quoting and JSON
 * strings. */
#ifndef MMULAB_CLI_UTIL_H
#define MMULAB_CLI_UTIL_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Writes len bytes of text to path.tmp, then renames it to path, so an
 * interrupted run never leaves a half-written path. 0, or -1 with errno. */
int cli_write_atomically(const char *path, const char *text, size_t len);

/* The whole file in a NUL-terminated buffer (the caller frees it), or
 * NULL with errno set. */
char *cli_read_file(const char *path);

/* Writes s as one CSV field, quoted (RFC 4180) when it holds a comma,
 * quote or line break. */
void cli_put_csv_field(FILE *f, const char *s);

/* Writes s as a JSON string: quotes, backslashes and control characters
 * escaped; other bytes as they are (the names, paths and --set text the
 * reports carry). */
void cli_put_json_string(FILE *f, const char *s);

#ifdef __cplusplus
}
#endif
#endif
