/*
 * common.h — vocabulary shared by every part of mmulab: access types,
 * privilege, page sizes, permission bits, fault causes and the error
 * record. The RTL package mirrors these enums value for value; keep the
 * numbering stable and append only.
 */
#ifndef MMULAB_COMMON_H
#define MMULAB_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Page-table levels are numbered from the leaf: level 0 maps 4 KiB pages,
 * level i maps 2^(12 + 9 i) bytes. The root of a 4-level table is level 3. */
#define MM_MAX_LEVELS 5
#define MM_PAGE_SHIFT 12
#define MM_LEVEL_SHIFT(level) (12u + 9u * (unsigned)(level))

typedef enum {
    MM_ACCESS_IFETCH = 0,
    MM_ACCESS_LOAD = 1,
    MM_ACCESS_STORE = 2,
    MM_ACCESS_COUNT
} mm_access;

typedef enum {
    MM_PRIV_USER = 0,
    MM_PRIV_SUPERVISOR = 1
} mm_priv;

/* Effective permissions of a translation, format-independent. For x86 the
 * walker accumulates RW/US (AND) and XD (OR) into W, U and X. */
enum {
    MM_PERM_R = 1u << 0,
    MM_PERM_W = 1u << 1,
    MM_PERM_X = 1u << 2,
    MM_PERM_U = 1u << 3,
    MM_PERM_G = 1u << 4, /* global: matches every ASID */
    MM_PERM_A = 1u << 5, /* accessed bit of the leaf as cached */
    MM_PERM_D = 1u << 6  /* dirty bit of the leaf as cached */
};

/* Why a translation failed. One enum for C and RTL (rtl/mmu_pkg.sv). */
typedef enum {
    MM_FAULT_NONE = 0,
    MM_FAULT_NOT_PRESENT = 1,       /* x86 P=0; RISC-V V=0 */
    MM_FAULT_PERM_READ = 2,         /* RISC-V: R=0 (and not MXR with X=1) */
    MM_FAULT_PERM_WRITE = 3,        /* W/RW clear on a store (x86: CR0.WP rules) */
    MM_FAULT_PERM_EXEC = 4,         /* XD set / X clear on an ifetch */
    MM_FAULT_PERM_USER = 5,         /* user access to a supervisor page */
    MM_FAULT_PERM_SUPERVISOR = 6,   /* supervisor access to a user page (SUM=0, SMEP, SMAP) */
    MM_FAULT_RESERVED = 7,          /* reserved bit or reserved encoding in a PTE */
    MM_FAULT_MISALIGNED_SUPERPAGE = 8, /* RISC-V superpage leaf with low PPN bits set */
    MM_FAULT_NON_CANONICAL = 9,     /* x86 #GP; RISC-V page fault */
    MM_FAULT_ACCESSED_CLEAR = 10,   /* Svade: leaf A=0 */
    MM_FAULT_DIRTY_CLEAR = 11,      /* Svade: store to a leaf with D=0 */
    MM_FAULT_NO_LEAF = 12,          /* RISC-V: pointer PTE at level 0 */
    MM_FAULT_BUS_ERROR = 13,        /* PTE address outside physical memory (access fault) */
    MM_FAULT_COUNT
} mm_fault;

const char *mm_fault_name(mm_fault fault);
const char *mm_access_name(mm_access access);

/* Error codes returned by every fallible call; the message says which
 * key, file, offset or argument was wrong, in one line. */
typedef enum {
    MM_OK = 0,
    MM_ERR_INVALID = -1,  /* bad argument or impossible geometry */
    MM_ERR_CONFIG = -2,   /* config key unknown, wrong type, out of range */
    MM_ERR_NOMEM = -3,    /* host allocation failed */
    MM_ERR_FULL = -4,     /* simulated physical memory exhausted */
    MM_ERR_IO = -5,       /* file could not be read or written */
    MM_ERR_FORMAT = -6,   /* malformed input */
    MM_ERR_EXISTS = -7,   /* mapping already present */
    MM_ERR_NOT_FOUND = -8 /* no such mapping */
} mm_status;

typedef struct {
    int code;
    char msg[320];
} mm_error;

/* Records code and a printf-style message in err (which may be NULL) and
 * returns code, so callers write `return mm_fail(err, MM_ERR_X, ...)`. */
int mm_fail(mm_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#ifdef __cplusplus
}
#endif
#endif
