/*
 * image.h — an address-space image: the memory map of a real process as
 * the kernel held it (regions with their permissions, and the physical
 * frame and page size behind every present page), so a simulated machine
 * can start from the real frame layout (sim_load_image in sim.h). The
 * command line fills one from /proc (`mmulab os import PID`) and keeps it
 * in a file (docs/image-format.md); the harness may build one itself.
 */
#ifndef MMULAB_IMAGE_H
#define MMULAB_IMAGE_H

#include "mmulab/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SIM_IMAGE_VERSION 1u
#define SIM_IMAGE_DESCRIPTION_MAX 1024u

/* sim_image_region.flags */
enum {
    SIM_IMAGE_REGION_SHARED = 1u << 0,  /* MAP_SHARED ("s" in maps) */
    SIM_IMAGE_REGION_HUGETLB = 1u << 1, /* hugetlbfs memory */
    SIM_IMAGE_REGION_NOT_READ = 1u << 2 /* outside the user half (vsyscall): pages not read */
};

/* sim_image_mapping.flags: what pagemap and kpageflags said of the page */
enum {
    SIM_IMAGE_PAGE_FILE = 1u << 0,       /* a file page or shared anonymous memory */
    SIM_IMAGE_PAGE_EXCLUSIVE = 1u << 1,  /* mapped by this process only */
    SIM_IMAGE_PAGE_SOFT_DIRTY = 1u << 2,
    SIM_IMAGE_PAGE_THP = 1u << 3,        /* part of a transparent huge page */
    SIM_IMAGE_PAGE_HUGETLB = 1u << 4     /* part of a hugetlbfs page */
};

typedef struct {
    uint64_t start, end;      /* [start, end), 4 KiB aligned */
    uint64_t offset;          /* file offset of start (maps column 3) */
    uint64_t inode;
    uint64_t pages_present;   /* 4 KiB pages with a frame */
    uint64_t pages_swapped;   /* 4 KiB pages on a swap device */
    uint32_t prot;            /* MM_PERM_R / W / X */
    uint32_t flags;           /* SIM_IMAGE_REGION_* */
    char *name;               /* path, "[heap]", "[stack]", ...; "" for anonymous memory */
} sim_image_region;

typedef struct {
    uint64_t va, pa;          /* both aligned to the page size */
    uint8_t level;            /* 0: 4 KiB, 1: 2 MiB, 2: 1 GiB */
    uint8_t perm;             /* MM_PERM_R / W / X / U */
    uint8_t flags;            /* SIM_IMAGE_PAGE_* */
} sim_image_mapping;

typedef struct {
    uint64_t va;
    uint64_t swap;            /* pagemap bits 54:0: swap type in 4:0, offset in 54:5 */
} sim_image_swapped;

typedef struct {
    uint32_t source_pid;      /* the process imported */
    uint64_t created;         /* Unix time of the import */
    char description[SIM_IMAGE_DESCRIPTION_MAX]; /* free text: command, kernel */
    sim_image_region *regions;    /* ascending, disjoint */
    size_t n_regions;
    sim_image_mapping *mappings;  /* ascending va, disjoint, inside the regions */
    size_t n_mappings;
    sim_image_swapped *swapped;   /* ascending va */
    size_t n_swapped;
} sim_image;

#ifdef __cplusplus
}
#endif
#endif
