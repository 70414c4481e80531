/*
 * sim_image.h — internal to the sim module: an address-space image
 * between sim_load_image and the creation of the process that receives
 * it, and the encoding of a process's page map that sim.c and
 * sim_image.c share.
 */
#ifndef MMULAB_SIM_IMAGE_H
#define MMULAB_SIM_IMAGE_H

#include "base/u64map.h"
#include "mmulab/sim.h"

/* A process's page map, vpn -> value: the 4 KiB frame behind the page |
 * SIM_PAGE_MAPPED, | SIM_PAGE_IMAGE when the frame came from an image (the
 * allocator never handed it out, so unmapping does not free it), and the
 * level of the leaf that maps the page in the bits at SIM_PAGE_LEVEL_SHIFT
 * (every 4 KiB page of a huge image page has its own entry). */
#define SIM_PAGE_MAPPED 1ull
#define SIM_PAGE_IMAGE 2ull
#define SIM_PAGE_LEVEL_SHIFT 2u
#define SIM_PAGE_FRAME_MASK (~0xfffull)

static inline unsigned sim_page_level(uint64_t value)
{
    return (unsigned)(value >> SIM_PAGE_LEVEL_SHIFT) & 3u;
}

typedef struct {
    sim_image_mapping *maps;   /* the mappings to build, checked */
    size_t n_maps;
    sim_image_region *regions; /* the user regions, names dropped */
    size_t n_regions;
    bool pending;              /* loaded, its process not created yet */
    sim_image_stats stats;
} sim_image_state;

/* Checks the image against the machine (page sizes of the format, the
 * user half of its address space, the physical address width), copies
 * what the process will need and reserves every frame the image maps. */
int sim_image_prepare(sim_image_state *st, const sim_image *img, uint32_t pid,
                      const mmu_config *cfg, pmem *mem, mm_error *err);
/* Writes the mappings into table and records their pages in pages. */
int sim_image_apply(sim_image_state *st, pt *table, u64map *pages, mm_error *err);
/* Splits the image huge page holding va into 4 KiB leaves with attrs, the
 * same frames (a no-op when va's leaf is 4 KiB or va is not mapped). */
int sim_image_split(pt *table, u64map *pages, uint64_t va, uint32_t attrs, mm_error *err);
/* Frees the copies; the stats stay. */
void sim_image_release(sim_image_state *st);

#endif
