/* os_image.h — the address-space image file (docs/image-format.md): written
 * by `mmulab os import`, read by `mmulab run --image` and `mmulab os info`
 * (os_image.c). The structs are the model's (mmulab/image.h). */
#ifndef MMULAB_OS_IMAGE_H
#define MMULAB_OS_IMAGE_H

#include "mmulab/image.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OS_IMAGE_MAGIC "MMULABAS"

/* The uncompressed stream of img (header, regions, mappings, swapped pages,
 * CRC-32); the caller frees *data. MM_ERR_INVALID names what img breaks. */
int os_image_encode(const sim_image *img, unsigned char **data, size_t *len, mm_error *err);
/* Checks and decodes an uncompressed stream into *img (the caller frees
 * it with os_image_free); errors name `name` and the byte offset. */
int os_image_decode(const void *data, size_t len, const char *name, sim_image *img,
                    mm_error *err);

/* Writes img to path as a gzip stream, atomically (path.tmp, renamed). */
int os_image_write(const char *path, const sim_image *img, mm_error *err);
/* Reads an image file; errors are one line naming path and the offset
 * (compressed for a damaged gzip stream, else in the uncompressed stream). */
int os_image_read(const char *path, sim_image *img, mm_error *err);

/* Frees what os_image_decode/os_image_read allocated and empties img. */
void os_image_free(sim_image *img);

#ifdef __cplusplus
}
#endif
#endif
