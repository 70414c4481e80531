/*
 * sim.c — a machine driven by trace records (sim.h): address spaces per
 * process with pages mapped at first touch, issue cycles from instruction
 * counts, page-crossing accesses split in two, and the trace's events
 * applied to the address spaces and the MMU. A process may start from an
 * address-space image (sim_image.c).
 */
#include "mmulab/sim.h"

#include <stdlib.h>
#include <string.h>

#include "mmulab/os.h"

#include "base/u64map.h"
#include "mmu/strbuf.h"
#include "sim/sim_image.h"

#define SIM_MAX_ASID 4095u
#define SIM_SEEN_SLOTS 4096u
#define PAGE 4096ull

typedef struct {
    uint64_t start, end; /* [start, end) */
    uint32_t prot;
} region;

typedef struct {
    uint32_t pid;
    uint16_t asid;
    uint32_t os_pid;     /* the OS layer's process, when it runs */
    pt *table;           /* first-touch mode only: the OS owns its tables */
    u64map pages;        /* vpn -> frame | SIM_PAGE_* (sim_image.h): pages mapped so far */
    region *regions;
    size_t n_regions, cap_regions;
} process;

struct sim {
    mmu_config cfg;
    pmem *mem;
    mmu *mmu;
    u64map procs;        /* pid + 1 -> process* */
    process *current;
    uint16_t next_asid;
    uint64_t cycle;
    uint64_t next_id;
    /* (asid, vpn) keys known to be mapped: a direct-mapped filter in front
     * of the per-process page maps; cleared when pages are unmapped */
    uint64_t seen[SIM_SEEN_SLOTS];
    sim_stats stats;
    /* the OS layer (cfg.os.enabled): demand paging through the MMU's fault hook */
    os *os;
    process *by_asid[SIM_MAX_ASID + 1];
    mm_error os_err;     /* an OS failure inside the fault hook, reported by sim_feed */
    /* per access type, the last page found mapped: most accesses touch
     * the page their stream touched last */
    const void *last_proc[MM_ACCESS_COUNT];
    uint64_t last_vpn[MM_ACCESS_COUNT];
    sim_image_state image; /* sim_load_image */
    sim_port port;         /* sim_set_port; request NULL: the MMU directly */
};

/* The MMU's fault hook: the OS resolves the fault (allocating, swapping in
 * or copying a page, possibly evicting others), the evicted mappings are
 * shot down, and the access is retried after the fault's cost. An address
 * outside every region gets a 1 GiB anonymous region first: traces from
 * unmodified programs carry no mmap records. */
static mmu_fault_action on_fault(void *opaque, const mmu_request *req, mm_fault cause, uint64_t cycle)
{
    sim *s = opaque;
    mmu_fault_action none = {false, 0};
    process *p = req->asid <= SIM_MAX_ASID ? s->by_asid[req->asid] : NULL;
    (void)cycle;
    if (!p || s->os_err.code)
        return none;
    os_fault_result res;
    mm_error err = {0};
    if (os_handle_fault(s->os, p->os_pid, req->va, (mm_access)req->access, cause, &res, &err)) {
        s->os_err = err;
        return none;
    }
    if (!res.resolved && res.segv == OS_SEGV_MAPERR) {
        const uint64_t chunk = 1ull << 30;
        if (os_mmap(s->os, p->os_pid, req->va & ~(chunk - 1), chunk,
                    MM_PERM_R | MM_PERM_W | MM_PERM_X, 0, &err) ||
            os_handle_fault(s->os, p->os_pid, req->va, (mm_access)req->access, cause, &res, &err)) {
            s->os_err = err;
            return none;
        }
    }
    for (size_t i = 0; i < res.n_shootdowns; i++)
        mmu_shootdown(s->mmu, res.shootdowns[i].asid, res.shootdowns[i].va);
    return (mmu_fault_action){res.resolved, res.cycles};
}

static int create_os(sim *s, mm_error *err)
{
    const cfg_os *c = &s->cfg.os;
    os_config oc;
    os_config_init(&oc);
    uint64_t budget = c->budget_bytes ? c->budget_bytes : s->cfg.mem.size_bytes / 2;
    oc.budget_frames = budget / 4096;
    oc.swap_slots = c->swap_bytes / 4096;
    oc.repl = (os_repl_policy)c->replacement;
    oc.thp = (os_thp_policy)c->thp;
    oc.minor_cycles = c->minor_cycles;
    oc.zero_cycles = c->zero_cycles;
    oc.major_cycles = c->major_cycles;
    oc.swap_out_cycles = c->swap_out_cycles;
    oc.cow_cycles = c->cow_cycles;
    oc.shootdown_cycles = c->shootdown_cycles;
    oc.keep_content = c->content;
    s->os = os_create(&oc, s->mem, s->cfg.format, err);
    if (!s->os)
        return err ? err->code : MM_ERR_NOMEM;
    mmu_set_fault_fn(s->mmu, on_fault, s);
    return MM_OK;
}

sim *sim_create(const mmu_config *cfg, mm_error *err)
{
    sim *s = calloc(1, sizeof *s);
    if (!s)
        return mm_fail(err, MM_ERR_NOMEM, "sim: out of host memory"), NULL;
    s->cfg = *cfg;
    cfg_fix_names(&s->cfg);
    s->next_asid = 1;
    if (!u64map_init(&s->procs, 16)) {
        free(s);
        return mm_fail(err, MM_ERR_NOMEM, "sim: out of host memory"), NULL;
    }
    s->mem = pmem_create(&s->cfg.mem, err);
    s->mmu = s->mem ? mmu_create(&s->cfg, s->mem, err) : NULL;
    if (!s->mmu || (s->cfg.os.enabled && create_os(s, err))) {
        sim_destroy(s);
        return NULL;
    }
    return s;
}

static void free_process(process *p)
{
    if (p->table)
        pt_destroy(p->table);
    u64map_free(&p->pages);
    free(p->regions);
    free(p);
}

void sim_destroy(sim *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->procs.cap; i++)
        if (s->procs.vals && s->procs.vals[i])
            free_process(s->procs.vals[i]);
    u64map_free(&s->procs);
    sim_image_release(&s->image);
    os_destroy(s->os);
    mmu_destroy(s->mmu);
    pmem_destroy(s->mem);
    free(s);
}

void sim_set_response_fn(sim *s, mmu_response_fn fn, void *opaque)
{
    mmu_set_response_fn(s->mmu, fn, opaque);
}

void sim_set_port(sim *s, const sim_port *port)
{
    if (port)
        s->port = *port;
    else
        memset(&s->port, 0, sizeof s->port);
}

mmu *sim_mmu(sim *s)
{
    return s->mmu;
}

const sim_stats *sim_get_stats(const sim *s)
{
    return &s->stats;
}

static process *find_process(sim *s, uint32_t pid)
{
    return u64map_get(&s->procs, (uint64_t)pid + 1);
}

static int take_image(sim *s, process *p, mm_error *err);

static process *get_process(sim *s, uint32_t pid, mm_error *err)
{
    process *p = find_process(s, pid);
    if (p)
        return p;
    if (s->next_asid > SIM_MAX_ASID)
        return mm_fail(err, MM_ERR_INVALID, "process %u: more than %u address spaces", pid,
                       SIM_MAX_ASID),
               NULL;
    p = calloc(1, sizeof *p);
    if (!p || !u64map_init(&p->pages, 64)) {
        free(p);
        return mm_fail(err, MM_ERR_NOMEM, "sim: out of host memory"), NULL;
    }
    p->pid = pid;
    uint64_t root;
    if (s->os) {
        if (os_process_create(s->os, 0, &p->os_pid, err)) {
            free_process(p);
            return NULL;
        }
        p->asid = os_asid(s->os, p->os_pid);
        root = os_root(s->os, p->os_pid);
    } else {
        p->asid = s->next_asid++;
        p->table = pt_create(s->cfg.format, s->mem, err);
        root = p->table ? pt_root(p->table) : 0;
    }
    walk_ctx ctx;
    if ((!s->os && !p->table) || p->asid > SIM_MAX_ASID ||
        !u64map_put(&s->procs, (uint64_t)pid + 1, p)) {
        free_process(p);
        return mm_fail(err, MM_ERR_NOMEM, "process %u: cannot create its address space", pid), NULL;
    }
    s->by_asid[p->asid] = p;
    mmu_context_defaults(s->mmu, &ctx, root, p->asid);
    if (mmu_set_context(s->mmu, &ctx, err)) {
        u64map_remove(&s->procs, (uint64_t)pid + 1);
        free_process(p);
        return NULL;
    }
    s->stats.processes++;
    if (s->image.pending &&
        (s->image.stats.pid == SIM_IMAGE_FIRST_PROCESS || s->image.stats.pid == pid) &&
        take_image(s, p, err))
        return NULL;
    return p;
}

/* Page attributes for a first touch: the region's protection, else all. */
static uint32_t page_attrs(const process *p, uint64_t va)
{
    uint32_t prot = TRACE_PROT_READ | TRACE_PROT_WRITE | TRACE_PROT_EXEC;
    for (size_t i = p->n_regions; i-- > 0;) {
        if (va >= p->regions[i].start && va < p->regions[i].end) {
            prot = p->regions[i].prot;
            break;
        }
    }
    uint32_t attrs = MM_PERM_R | MM_PERM_U | MM_PERM_A | MM_PERM_D;
    if (prot & TRACE_PROT_WRITE)
        attrs |= MM_PERM_W;
    if (prot & TRACE_PROT_EXEC)
        attrs |= MM_PERM_X;
    return attrs;
}

static inline size_t seen_slot(uint64_t key)
{
    return (size_t)(u64map_hash(key) & (SIM_SEEN_SLOTS - 1));
}

static int ensure_mapped(sim *s, process *p, uint64_t va, mm_access access, mm_error *err)
{
    uint64_t vpn = va >> 12;
    if (vpn == s->last_vpn[access] && p == s->last_proc[access])
        return MM_OK;
    uint64_t key = ((uint64_t)p->asid << 52) ^ vpn ^ (1ull << 63);
    size_t slot = seen_slot(key);
    if (s->seen[slot] == key) {
        s->last_vpn[access] = vpn;
        s->last_proc[access] = p;
        return MM_OK;
    }
    if (!u64map_get(&p->pages, vpn)) {
        uint64_t pa;
        int rc = pmem_alloc_frame(s->mem, &pa, err);
        if (rc == MM_OK)
            rc = pt_map(p->table, vpn << 12, pa, 0, page_attrs(p, va), err);
        if (rc != MM_OK)
            return rc;
        if (!u64map_put(&p->pages, vpn, (void *)(uintptr_t)(pa | SIM_PAGE_MAPPED)))
            return mm_fail(err, MM_ERR_NOMEM, "sim: out of host memory");
        s->stats.pages_mapped++;
    }
    s->seen[slot] = key;
    s->last_vpn[access] = vpn;
    s->last_proc[access] = p;
    return MM_OK;
}

static int issue_one(sim *s, process *p, uint64_t va, mm_access access, mm_error *err)
{
    int rc = s->os ? MM_OK : ensure_mapped(s, p, va, access, err);
    if (rc != MM_OK)
        return rc;
    if (s->cfg.core.issue == CFG_ISSUE_BLOCKING) {
        /* everything before has completed (drained below) */
        uint64_t done = mmu_get_stats(s->mmu)->last_completion_cycle;
        if (done > s->cycle)
            s->cycle = done;
    }
    mmu_request req;
    req.id = s->next_id++;
    req.cycle = s->cycle;
    req.va = va;
    req.asid = p->asid;
    req.access = (uint8_t)access;
    req.priv = MM_PRIV_USER;
    uint64_t accepted;
    if (s->port.request) {
        rc = s->port.request(s->port.opaque, &req, &accepted, err);
    } else {
        rc = mmu_issue(s->mmu, &req, err);
        accepted = mmu_port_cycle(s->mmu);
    }
    if (rc != MM_OK)
        return rc;
    /* the core stalls with a stalled request port: it issues no earlier */
    if (accepted > s->cycle)
        s->cycle = accepted;
    if (s->cfg.core.issue == CFG_ISSUE_BLOCKING)
        mmu_drain(s->mmu);
    s->stats.translations++;
    s->stats.last_cycle = req.cycle;
    return MM_OK;
}

static int do_access(sim *s, const trace_record *r, mm_error *err)
{
    if (!s->current && !(s->current = get_process(s, r->pid, err)))
        return err ? err->code : MM_ERR_NOMEM;
    s->stats.accesses++;
    s->stats.instructions += r->instructions;
    s->cycle += r->instructions * s->cfg.core.cycles_per_instruction;
    if (r->access >= MM_ACCESS_COUNT)
        return mm_fail(err, MM_ERR_FORMAT, "access type %u is not ifetch/load/store", r->access);
    int rc = issue_one(s, s->current, r->va, (mm_access)r->access, err);
    uint64_t last = r->va + (r->size ? r->size - 1u : 0u);
    if (rc == MM_OK && (last >> 12) != (r->va >> 12) && last > r->va) {
        /* the bytes spill into the next page: a second translation */
        s->stats.page_crossings++;
        rc = issue_one(s, s->current, last & ~(PAGE - 1), (mm_access)r->access, err);
    }
    return rc;
}

static int flush_at(sim *s, mmu_flush *f, mm_error *err)
{
    f->cycle = s->cycle;
    if (s->port.flush)
        return s->port.flush(s->port.opaque, f, err);
    return mmu_flush_issue(s->mmu, f, err);
}

static void drop_page(sim *s, process *p, uint64_t vpn)
{
    uint64_t v = (uint64_t)(uintptr_t)u64map_remove(&p->pages, vpn);
    unsigned level = sim_page_level(v);
    if (level) {
        /* a whole image huge page: split_edges split the ones a range cuts */
        uint64_t n = 1ull << (9u * level), first = vpn & ~(n - 1);
        pt_unmap(p->table, first << 12, level, NULL);
        for (uint64_t k = 0; k < n; k++)
            u64map_remove(&p->pages, first + k);
        return;
    }
    if (!v)
        return;
    pt_unmap(p->table, vpn << 12, 0, NULL);
    if (!(v & SIM_PAGE_IMAGE)) /* an image frame stays reserved */
        pmem_free_frame(s->mem, v & SIM_PAGE_FRAME_MASK);
}

/* An image huge page that the pages [first, last] only partly cover is
 * split into 4 KiB pages first, as Linux splits a huge page on a partial
 * munmap or mprotect. */
static int split_edges(process *p, uint64_t first, uint64_t last, mm_error *err)
{
    const uint64_t edges[2] = {first, last + 1};
    for (unsigned i = 0; i < 2; i++) {
        uint64_t v = (uint64_t)(uintptr_t)u64map_get(&p->pages, edges[i]);
        uint64_t n = 1ull << (9u * sim_page_level(v));
        /* the huge page holding this edge continues on the other side of it */
        if (n > 1 && (edges[i] & (n - 1)) &&
            sim_image_split(p->table, &p->pages, edges[i] << 12, page_attrs(p, edges[i] << 12), err))
            return err ? err->code : MM_ERR_NOMEM;
    }
    return MM_OK;
}

/* Drops the mapped pages of [start, end) from p (page table, frames) and
 * flushes p's translations. A range wider than the pages mapped is handled
 * by visiting the mapped pages rather than the range. */
static int unmap_range(sim *s, process *p, uint64_t start, uint64_t end, mm_error *err)
{
    uint64_t first = start >> 12, last = (end - 1) >> 12;
    size_t before = p->pages.count;
    if (before == 0 || end <= start)
        return MM_OK;
    if (split_edges(p, first, last, err))
        return err ? err->code : MM_ERR_NOMEM;
    if (last - first >= before) {
        uint64_t *victims = malloc(before * sizeof *victims);
        if (!victims)
            return mm_fail(err, MM_ERR_NOMEM, "sim: out of host memory");
        size_t n = 0;
        for (size_t i = 0; i < p->pages.cap; i++)
            if (p->pages.vals[i] && p->pages.keys[i] >= first && p->pages.keys[i] <= last)
                victims[n++] = p->pages.keys[i];
        for (size_t i = 0; i < n; i++)
            drop_page(s, p, victims[i]);
        free(victims);
    } else {
        for (uint64_t vpn = first; vpn <= last; vpn++)
            drop_page(s, p, vpn);
    }
    memset(s->seen, 0, sizeof s->seen);
    memset(s->last_proc, 0, sizeof s->last_proc);
    if (p->pages.count == before)
        return MM_OK;
    mmu_flush f = {0};
    f.kind = MMU_FLUSH_ASID;
    f.asid = p->asid;
    return flush_at(s, &f, err);
}

static int add_region(process *p, uint64_t start, uint64_t end, uint32_t prot, mm_error *err)
{
    if (p->n_regions == p->cap_regions) {
        size_t cap = p->cap_regions ? p->cap_regions * 2 : 8;
        region *r = realloc(p->regions, cap * sizeof *r);
        if (!r)
            return mm_fail(err, MM_ERR_NOMEM, "sim: out of host memory");
        p->regions = r;
        p->cap_regions = cap;
    }
    p->regions[p->n_regions++] = (region){start, end, prot};
    return MM_OK;
}

/* The pending image becomes p's: its mappings in p's page table, its
 * regions p's regions. */
static int take_image(sim *s, process *p, mm_error *err)
{
    int rc = sim_image_apply(&s->image, p->table, &p->pages, err);
    for (size_t i = 0; rc == MM_OK && i < s->image.n_regions; i++) {
        const sim_image_region *r = &s->image.regions[i];
        uint32_t prot = ((r->prot & MM_PERM_R) ? TRACE_PROT_READ : 0u) |
                        ((r->prot & MM_PERM_W) ? TRACE_PROT_WRITE : 0u) |
                        ((r->prot & MM_PERM_X) ? TRACE_PROT_EXEC : 0u);
        rc = add_region(p, r->start, r->end, prot, err);
    }
    s->image.stats.pid = p->pid;
    sim_image_release(&s->image);
    return rc;
}

int sim_load_image(sim *s, const sim_image *img, uint32_t pid, mm_error *err)
{
    if (s->os)
        return mm_fail(err, MM_ERR_CONFIG, "an address-space image needs os.enabled=false: the OS "
                                           "layer owns every frame it maps");
    if (s->image.stats.loaded || s->stats.records || s->stats.processes)
        return mm_fail(err, MM_ERR_INVALID, "sim_load_image: one image, before the first record");
    return sim_image_prepare(&s->image, img, pid, &s->cfg, s->mem, err);
}

const sim_image_stats *sim_get_image_stats(const sim *s)
{
    return &s->image.stats;
}

const os *sim_os(const sim *s)
{
    return s->os;
}

static int by_pid(const void *a, const void *b)
{
    uint32_t x = ((const sim_process_info *)a)->pid, y = ((const sim_process_info *)b)->pid;
    return (x > y) - (x < y);
}

size_t sim_list_processes(const sim *s, sim_process_info *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < s->procs.cap; i++) {
        const process *p = s->procs.vals ? s->procs.vals[i] : NULL;
        if (!p)
            continue;
        if (n < max)
            out[n] = (sim_process_info){p->pid, p->asid,
                                        s->os ? os_resident(s->os, p->os_pid) : p->pages.count};
        n++;
    }
    if (n && max)
        qsort(out, n < max ? n : max, sizeof *out, by_pid);
    return n;
}

/* Removes [start, end) from p's regions, splitting those that straddle it. */
static int cut_regions(process *p, uint64_t start, uint64_t end, mm_error *err)
{
    size_t n = p->n_regions;
    for (size_t i = 0; i < n; i++) {
        region r = p->regions[i];
        if (r.end <= start || r.start >= end)
            continue;
        p->regions[i].end = r.start < start ? start : r.start;
        if (r.end > end && add_region(p, end, r.end, r.prot, err))
            return err ? err->code : MM_ERR_NOMEM;
    }
    return MM_OK;
}

static int reprotect(sim *s, process *p, uint64_t start, uint64_t end, uint32_t prot, mm_error *err)
{
    int rc = end > start ? split_edges(p, start >> 12, (end - 1) >> 12, err) : MM_OK;
    if (rc == MM_OK)
        rc = cut_regions(p, start, end, err);
    if (rc == MM_OK)
        rc = add_region(p, start, end, prot, err);
    if (rc != MM_OK)
        return rc;
    uint64_t changed = 0;
    for (size_t i = 0; i < p->pages.cap; i++) {
        uint64_t va = p->pages.keys[i] << 12;
        if (!p->pages.vals[i] || va < (start & ~(PAGE - 1)) || va >= end)
            continue;
        pt_protect(p->table, va, page_attrs(p, va), NULL);
        changed++;
    }
    if (!changed)
        return MM_OK;
    mmu_flush f = {0};
    f.kind = MMU_FLUSH_ASID;
    f.asid = p->asid;
    return flush_at(s, &f, err);
}

static uint32_t os_prot(uint32_t trace_prot)
{
    /* the OS layer wants R in every mapping, as x86 does */
    return MM_PERM_R | ((trace_prot & TRACE_PROT_WRITE) ? MM_PERM_W : 0u) |
           ((trace_prot & TRACE_PROT_EXEC) ? MM_PERM_X : 0u);
}

static int flush_asid(sim *s, uint16_t asid, mm_error *err)
{
    mmu_flush f = {0};
    f.kind = MMU_FLUSH_ASID;
    f.asid = asid;
    return flush_at(s, &f, err);
}

/* The trace's process events handed to the OS layer. */
static int do_os_event(sim *s, const trace_record *r, mm_error *err)
{
    process *p = r->kind == TRACE_CONTEXT_SWITCH || r->kind == TRACE_FLUSH || r->kind == TRACE_MARKER
                     ? NULL
                     : get_process(s, r->pid, err);
    if (!p && r->kind != TRACE_CONTEXT_SWITCH && r->kind != TRACE_FLUSH && r->kind != TRACE_MARKER)
        return err ? err->code : MM_ERR_NOMEM;
    int rc;
    switch (r->kind) {
    case TRACE_MMAP:
        /* replaces whatever was there, like mmap(MAP_FIXED) */
        rc = os_munmap(s->os, p->os_pid, r->va, r->length, err);
        if (rc == MM_OK || rc == MM_ERR_NOT_FOUND)
            rc = os_mmap(s->os, p->os_pid, r->va, r->length, os_prot(r->prot),
                         (r->prot & TRACE_MAP_HUGE) ? OS_MAP_HUGE : 0u, err);
        return rc == MM_OK ? flush_asid(s, p->asid, err) : rc;
    case TRACE_MUNMAP:
        /* unmapping nothing is no error, as in Linux */
        rc = os_munmap(s->os, p->os_pid, r->va, r->length, err);
        return rc == MM_OK || rc == MM_ERR_NOT_FOUND ? flush_asid(s, p->asid, err) : rc;
    case TRACE_MPROTECT:
        rc = os_mprotect(s->os, p->os_pid, r->va, r->length, os_prot(r->prot), err);
        return rc == MM_OK ? flush_asid(s, p->asid, err) : rc;
    case TRACE_FORK: {
        if (find_process(s, r->child))
            return mm_fail(err, MM_ERR_FORMAT, "fork: process %u exists already", r->child);
        process *c = calloc(1, sizeof *c);
        if (!c || !u64map_init(&c->pages, 16)) {
            free(c);
            return mm_fail(err, MM_ERR_NOMEM, "sim: out of host memory");
        }
        c->pid = r->child;
        if ((rc = os_fork(s->os, p->os_pid, &c->os_pid, err)) != MM_OK) {
            free_process(c);
            return rc;
        }
        c->asid = os_asid(s->os, c->os_pid);
        if (c->asid > SIM_MAX_ASID || !u64map_put(&s->procs, (uint64_t)c->pid + 1, c)) {
            free_process(c);
            return mm_fail(err, MM_ERR_NOMEM, "fork: cannot register process %u", r->child);
        }
        s->by_asid[c->asid] = c;
        s->stats.processes++;
        walk_ctx ctx;
        mmu_context_defaults(s->mmu, &ctx, os_root(s->os, c->os_pid), c->asid);
        if ((rc = mmu_set_context(s->mmu, &ctx, err)) != MM_OK)
            return rc;
        /* the parent's pages became read-only (copy-on-write) */
        return flush_asid(s, p->asid, err);
    }
    case TRACE_EXIT:
        if ((rc = os_exit(s->os, p->os_pid, err)) != MM_OK)
            return rc;
        if (s->current == p)
            s->current = NULL;
        s->by_asid[p->asid] = NULL;
        u64map_remove(&s->procs, (uint64_t)p->pid + 1);
        rc = flush_asid(s, p->asid, err);
        free_process(p);
        return rc;
    default:
        return MM_OK;
    }
}

static int do_event(sim *s, const trace_record *r, mm_error *err)
{
    process *p;
    mmu_flush f = {0};
    if (s->os && r->kind != TRACE_CONTEXT_SWITCH && r->kind != TRACE_FLUSH &&
        r->kind != TRACE_MARKER)
        return do_os_event(s, r, err);
    switch (r->kind) {
    case TRACE_CONTEXT_SWITCH:
        if (!(p = get_process(s, r->pid, err)))
            return err ? err->code : MM_ERR_NOMEM;
        s->current = p;
        return MM_OK;
    case TRACE_FORK: {
        process *parent = get_process(s, r->pid, err);
        process *child = parent ? get_process(s, r->child, err) : NULL;
        if (!child)
            return err ? err->code : MM_ERR_NOMEM;
        /* the child inherits the layout; its pages are mapped as it touches
         * them (copy-on-write sharing is the OS layer's) */
        for (size_t i = 0; i < parent->n_regions; i++)
            if (add_region(child, parent->regions[i].start, parent->regions[i].end,
                           parent->regions[i].prot, err))
                return err ? err->code : MM_ERR_NOMEM;
        return MM_OK;
    }
    case TRACE_EXIT:
        if (!(p = find_process(s, r->pid)))
            return mm_fail(err, MM_ERR_FORMAT, "exit of unknown process %u", r->pid);
        if (unmap_range(s, p, 0, UINT64_MAX, err))
            return err ? err->code : MM_ERR_NOMEM;
        if (s->current == p)
            s->current = NULL;
        return MM_OK;
    case TRACE_MMAP:
        if (!(p = get_process(s, r->pid, err)))
            return err ? err->code : MM_ERR_NOMEM;
        return add_region(p, r->va, r->va + r->length, r->prot, err);
    case TRACE_MUNMAP:
        if (!(p = get_process(s, r->pid, err)))
            return err ? err->code : MM_ERR_NOMEM;
        if (cut_regions(p, r->va, r->va + r->length, err))
            return err ? err->code : MM_ERR_NOMEM;
        return unmap_range(s, p, r->va, r->va + r->length, err);
    case TRACE_MPROTECT:
        if (!(p = get_process(s, r->pid, err)))
            return err ? err->code : MM_ERR_NOMEM;
        return reprotect(s, p, r->va, r->va + r->length, r->prot, err);
    case TRACE_FLUSH:
        p = find_process(s, r->pid);
        f.kind = (mmu_flush_kind)r->flush_kind;
        f.asid = p ? p->asid : r->asid;
        f.va = r->va;
        f.has_va = r->flush_flags & 1u;
        f.has_asid = (r->flush_flags >> 1) & 1u;
        f.invpcid_type = (r->flush_flags >> 2) & 3u;
        if (f.kind == MMU_FLUSH_X86_CR3 && p)
            f.cr3 = pt_root(p->table) | p->asid | ((r->flush_flags & 16u) ? PT_X86_CR3_NOFLUSH : 0);
        return flush_at(s, &f, err);
    case TRACE_MARKER:
        return MM_OK;
    default:
        return mm_fail(err, MM_ERR_FORMAT, "unknown record kind %u", (unsigned)r->kind);
    }
}

/* The common access in one piece: mapped page, no page crossing, a repeat
 * hit the MMU can take without a request (mmu_issue_repeat_hit). */
static bool fast_access(sim *s, const trace_record *r)
{
    process *p = s->current;
    unsigned a = r->access;
    if (!p || a >= MM_ACCESS_COUNT || s->cfg.core.issue != CFG_ISSUE_OPEN || s->port.request ||
        (r->va >> 12) != s->last_vpn[a] || p != s->last_proc[a] ||
        (r->va & (PAGE - 1)) + (r->size ? r->size : 1u) > PAGE)
        return false;
    uint64_t cycle = s->cycle + r->instructions * s->cfg.core.cycles_per_instruction;
    if (!mmu_issue_repeat_hit(s->mmu, cycle, r->va, p->asid, (mm_access)a, MM_PRIV_USER))
        return false;
    s->cycle = mmu_port_cycle(s->mmu); /* the cycle, or later if the port was behind */
    s->stats.accesses++;
    s->stats.instructions += r->instructions;
    s->stats.translations++;
    s->stats.last_cycle = cycle;
    return true;
}

int sim_feed(sim *s, const trace_record *recs, size_t n, mm_error *err)
{
    for (size_t i = 0; i < n; i++) {
        const trace_record *r = &recs[i];
        if (r->kind == TRACE_ACCESS && fast_access(s, r)) {
            s->stats.events[TRACE_ACCESS]++;
            s->stats.records++;
            continue;
        }
        int rc = r->kind == TRACE_ACCESS ? do_access(s, r, err) : do_event(s, r, err);
        if (rc == MM_OK && s->os_err.code) {
            rc = s->os_err.code;
            if (err)
                *err = s->os_err;
        }
        if (rc != MM_OK) {
            if (err) {
                char msg[sizeof err->msg];
                memcpy(msg, err->msg, sizeof msg);
                mm_fail(err, rc, "record %llu: %.280s", (unsigned long long)s->stats.records, msg);
            }
            return rc;
        }
        if ((unsigned)r->kind < TRACE_KIND_COUNT)
            s->stats.events[r->kind]++;
        s->stats.records++;
    }
    return MM_OK;
}

void sim_finish(sim *s)
{
    mmu_drain(s->mmu);
}

static double per_kilo(uint64_t n, uint64_t instructions)
{
    return instructions ? 1000.0 * (double)n / (double)instructions : 0.0;
}

char *sim_report_json(const sim *s, const char *label)
{
    static const char *const kinds[TRACE_KIND_COUNT] = {
        "access", "context_switch", "fork", "exit", "mmap", "munmap", "mprotect", "flush", "marker"};
    const sim_stats *st = &s->stats;
    const mmu_stats *ms = mmu_get_stats(s->mmu);
    const mmu_config *cfg = mmu_get_config(s->mmu);
    strbuf sb;
    sb_init(&sb);
    sb_printf(&sb, "{\"label\": \"");
    for (const char *c = label ? label : ""; *c; c++) {
        if (*c == '"' || *c == '\\')
            sb_printf(&sb, "\\%c", *c);
        else if ((unsigned char)*c < 0x20)
            sb_printf(&sb, "\\u%04x", (unsigned char)*c);
        else
            sb_printf(&sb, "%c", *c);
    }
    sb_printf(&sb,
              "\", \"records\": %llu, \"accesses\": %llu, \"instructions\": %llu, "
              "\"translations\": %llu, \"page_crossings\": %llu, \"pages_mapped\": %llu, "
              "\"processes\": %llu, \"last_issue_cycle\": %llu,\n    \"events\": {",
              (unsigned long long)st->records, (unsigned long long)st->accesses,
              (unsigned long long)st->instructions, (unsigned long long)st->translations,
              (unsigned long long)st->page_crossings, (unsigned long long)st->pages_mapped,
              (unsigned long long)st->processes, (unsigned long long)st->last_cycle);
    for (unsigned k = 1; k < TRACE_KIND_COUNT; k++)
        sb_printf(&sb, "%s\"%s\": %llu", k > 1 ? ", " : "", kinds[k],
                  (unsigned long long)st->events[k]);
    sb_printf(&sb, "},\n    \"mpki\": {");
    for (unsigned i = 0; i < cfg->n_tlbs; i++) {
        uint64_t total = 0;
        sb_printf(&sb, "%s\"%s\": {", i ? ", " : "", cfg->tlbs[i].name);
        for (unsigned a = 0; a < MM_ACCESS_COUNT; a++) {
            sb_printf(&sb, "\"%s\": %.6f, ", mm_access_name((mm_access)a),
                      per_kilo(ms->tlb[i].misses[a], st->instructions));
            total += ms->tlb[i].misses[a];
        }
        sb_printf(&sb, "\"total\": %.6f}", per_kilo(total, st->instructions));
    }
    sb_printf(&sb, "},\n    \"walks_per_kilo_instruction\": %.6f",
              per_kilo(ms->walks, st->instructions));
    const sim_image_stats *im = &s->image.stats;
    if (im->loaded) {
        sb_printf(&sb, ",\n    \"image\": {\"source_pid\": %u, \"pid\": ", im->source_pid);
        if (im->pid == SIM_IMAGE_FIRST_PROCESS)
            sb_printf(&sb, "null");
        else
            sb_printf(&sb, "%u", im->pid);
        sb_printf(&sb,
                  ", \"applied\": %s, \"mappings\": {\"4K\": %llu, \"2M\": %llu, \"1G\": %llu}, "
                  "\"pages\": %llu, \"skipped\": %llu, \"frames_reserved\": %llu}",
                  im->applied ? "true" : "false", (unsigned long long)im->mappings[0],
                  (unsigned long long)im->mappings[1], (unsigned long long)im->mappings[2],
                  (unsigned long long)im->pages, (unsigned long long)im->skipped,
                  (unsigned long long)im->frames_reserved);
    }
    if (s->os) {
        char *os_json = os_stats_json(s->os);
        sb_printf(&sb, ",\n    \"os\": %s", os_json ? os_json : "null");
        free(os_json);
    }
    sb_printf(&sb, "}");
    char *run = sb_finish(&sb);
    if (!run)
        return NULL;
    char *report = mmu_report_json_with(s->mmu, "run", run);
    free(run);
    return report;
}
