/*
 * sim_image.c — an address-space image in a simulated machine: checking it
 * against the machine, reserving its frames in pmem, building its mappings
 * (real frame numbers, real page sizes) into a process's page table, and
 * splitting one of its huge pages when a trace unmaps or reprotects part.
 */
#include "sim/sim_image.h"

#include <stdlib.h>
#include <string.h>

static uint64_t level_bytes(unsigned level)
{
    return 1ull << MM_LEVEL_SHIFT(level);
}

/* Leaf attributes of an image page: readable, A and D set as at first
 * touch (a walk of an imported page writes no A/D bit), the image's rights. */
static uint32_t mapping_attrs(const sim_image_mapping *m)
{
    return MM_PERM_R | MM_PERM_A | MM_PERM_D |
           (m->perm & (MM_PERM_W | MM_PERM_X | MM_PERM_U | MM_PERM_G));
}

static int check_mapping(const sim_image_mapping *m, size_t i, const sim_image_mapping *prev,
                         const mmu_config *cfg, const pmem *mem, mm_error *err)
{
    const pt_format_info *info = pt_format_get(cfg->format);
    unsigned long long va = m->va, pa = m->pa;
    if (m->level > 2 || !(info->leaf_levels & (1u << m->level)))
        return mm_fail(err, MM_ERR_INVALID, "image mapping %zu (va 0x%llx): level %u is not a page "
                       "size of %s", i, va, m->level, info->name);
    uint64_t size = level_bytes(m->level);
    if ((m->va | m->pa) & (size - 1))
        return mm_fail(err, MM_ERR_INVALID, "image mapping %zu (va 0x%llx, pa 0x%llx): not aligned "
                       "to its %llu KiB page", i, va, pa, (unsigned long long)(size >> 10));
    uint64_t user_end = 1ull << (info->va_bits - 1);
    if (m->va >= user_end || size > user_end - m->va)
        return mm_fail(err, MM_ERR_INVALID, "image mapping %zu (va 0x%llx): outside the %u-bit "
                       "user half of %s", i, va, info->va_bits - 1, info->name);
    if (prev && m->va < prev->va + level_bytes(prev->level))
        return mm_fail(err, MM_ERR_INVALID, "image mapping %zu (va 0x%llx): overlaps or precedes "
                       "mapping %zu (va 0x%llx)", i, va, i - 1, (unsigned long long)prev->va);
    uint64_t last = m->pa + (size - 1);
    unsigned pa_bits = pmem_pa_bits(mem);
    if (info->is_x86 && cfg->pa_bits < pa_bits)
        pa_bits = cfg->pa_bits; /* MAXPHYADDR: higher bits are reserved in a PTE */
    if (last < m->pa || (last >> pa_bits) != 0)
        return mm_fail(err, MM_ERR_INVALID, "image mapping %zu (va 0x%llx): frame 0x%llx is beyond "
                       "the %u-bit physical address width", i, va, pa, pa_bits);
    return MM_OK;
}

static int reserve_frames(const sim_image_mapping *m, size_t i, pmem *mem, mm_error *err)
{
    uint64_t size = level_bytes(m->level);
    for (uint64_t off = 0; off < size; off += PMEM_FRAME_SIZE) {
        mm_error e = {0};
        int rc = pmem_reserve_frame(mem, m->pa + off, &e);
        /* a frame mapped at several addresses (the zero page, KSM, a file
         * mapped twice) is reserved by its first mapping */
        if (rc != MM_OK && rc != MM_ERR_EXISTS)
            return mm_fail(err, rc, "image mapping %zu (va 0x%llx): %s", i,
                           (unsigned long long)m->va, e.msg);
    }
    return MM_OK;
}

static int copy_regions(sim_image_state *st, const sim_image *img, const pt_format_info *info,
                        mm_error *err)
{
    uint64_t user_end = 1ull << (info->va_bits - 1);
    st->regions = calloc(img->n_regions ? img->n_regions : 1, sizeof *st->regions);
    if (!st->regions)
        return mm_fail(err, MM_ERR_NOMEM, "sim: out of host memory for the image");
    for (size_t i = 0; i < img->n_regions; i++) {
        const sim_image_region *r = &img->regions[i];
        if (r->start >= r->end || ((r->start | r->end) & (PMEM_FRAME_SIZE - 1)))
            return mm_fail(err, MM_ERR_INVALID, "image region %zu [0x%llx, 0x%llx): empty or not "
                           "4 KiB aligned", i, (unsigned long long)r->start,
                           (unsigned long long)r->end);
        if ((r->flags & SIM_IMAGE_REGION_NOT_READ) || r->end > user_end)
            continue; /* the process can never touch it */
        st->regions[st->n_regions] = *r;
        st->regions[st->n_regions++].name = NULL;
    }
    return MM_OK;
}

int sim_image_prepare(sim_image_state *st, const sim_image *img, uint32_t pid,
                      const mmu_config *cfg, pmem *mem, mm_error *err)
{
    const pt_format_info *info = pt_format_get(cfg->format);
    sim_image_release(st);
    memset(&st->stats, 0, sizeof st->stats);
    st->maps = malloc((img->n_mappings ? img->n_mappings : 1) * sizeof *st->maps);
    if (!st->maps)
        return mm_fail(err, MM_ERR_NOMEM, "sim: out of host memory for the image");
    int rc = copy_regions(st, img, info, err);
    const sim_image_mapping *prev = NULL;
    for (size_t i = 0; rc == MM_OK && i < img->n_mappings; i++) {
        const sim_image_mapping *m = &img->mappings[i];
        rc = check_mapping(m, i, prev, cfg, mem, err);
        prev = m;
        if (rc != MM_OK)
            break;
        if (!(m->perm & (MM_PERM_R | MM_PERM_X))) {
            st->stats.skipped++; /* PROT_NONE: a present page no access may use */
            continue;
        }
        st->maps[st->n_maps++] = *m;
    }
    uint64_t before = pmem_frames_allocated(mem);
    for (size_t i = 0; rc == MM_OK && i < st->n_maps; i++)
        rc = reserve_frames(&st->maps[i], i, mem, err);
    st->stats.frames_reserved = pmem_frames_allocated(mem) - before;
    if (rc != MM_OK) {
        sim_image_release(st);
        return rc;
    }
    st->pending = true;
    st->stats.loaded = true;
    st->stats.source_pid = img->source_pid;
    st->stats.pid = pid;
    return MM_OK;
}

int sim_image_apply(sim_image_state *st, pt *table, u64map *pages, mm_error *err)
{
    for (size_t i = 0; i < st->n_maps; i++) {
        const sim_image_mapping *m = &st->maps[i];
        mm_error e = {0};
        int rc = pt_map(table, m->va, m->pa, m->level, mapping_attrs(m), &e);
        if (rc != MM_OK)
            return mm_fail(err, rc, "image mapping %zu: %s", i, e.msg);
        uint64_t n = level_bytes(m->level) >> MM_PAGE_SHIFT;
        uint64_t tag = SIM_PAGE_MAPPED | SIM_PAGE_IMAGE | ((uint64_t)m->level << SIM_PAGE_LEVEL_SHIFT);
        for (uint64_t k = 0; k < n; k++)
            if (!u64map_put(pages, (m->va >> MM_PAGE_SHIFT) + k,
                            (void *)(uintptr_t)((m->pa + (k << MM_PAGE_SHIFT)) | tag)))
                return mm_fail(err, MM_ERR_NOMEM, "sim: out of host memory for the image");
        st->stats.mappings[m->level]++;
        st->stats.pages += n;
    }
    st->pending = false;
    st->stats.applied = true;
    return MM_OK;
}

int sim_image_split(pt *table, u64map *pages, uint64_t va, uint32_t attrs, mm_error *err)
{
    uint64_t vpn = va >> MM_PAGE_SHIFT;
    uint64_t v = (uint64_t)(uintptr_t)u64map_get(pages, vpn);
    unsigned level = sim_page_level(v);
    if (!v || level == 0)
        return MM_OK;
    uint64_t n = level_bytes(level) >> MM_PAGE_SHIFT;
    uint64_t first = vpn & ~(n - 1);
    uint64_t base_pa = (v & SIM_PAGE_FRAME_MASK) - ((vpn - first) << MM_PAGE_SHIFT);
    int rc = pt_unmap(table, first << MM_PAGE_SHIFT, level, err);
    uint64_t tag = SIM_PAGE_MAPPED | SIM_PAGE_IMAGE;
    for (uint64_t k = 0; rc == MM_OK && k < n; k++) {
        uint64_t pa = base_pa + (k << MM_PAGE_SHIFT);
        rc = pt_map(table, (first + k) << MM_PAGE_SHIFT, pa, 0, attrs, err);
        if (rc == MM_OK && !u64map_put(pages, first + k, (void *)(uintptr_t)(pa | tag)))
            rc = mm_fail(err, MM_ERR_NOMEM, "sim: out of host memory");
    }
    return rc;
}

void sim_image_release(sim_image_state *st)
{
    free(st->maps);
    free(st->regions);
    st->maps = NULL;
    st->regions = NULL;
    st->n_maps = st->n_regions = 0;
}
