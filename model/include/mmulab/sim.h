/*
 * sim.h — a whole simulated machine driven by trace records: physical
 * memory, the MMU, and one address space per process, with the rules that
 * turn a trace into timed translation requests (docs/architecture.md,
 * "Running a trace"):
 *   - issue cycles follow the instruction counts (core.issue "open"),
 *     never earlier than the MMU's request port accepted the previous
 *     request (a core stalls with a stalled port), or also wait for the
 *     previous translation to complete ("blocking");
 *   - an access whose bytes cross a page boundary translates both pages;
 *   - a page is mapped the first time it is touched (4 KiB, a fresh frame,
 *     the permissions of its mmap'ed region, else read/write/execute), so
 *     a trace never faults for want of a mapping;
 *   - context switches, fork, exit, mmap/munmap/mprotect and TLB flushes in
 *     the trace act on the address spaces and the MMU.
 * The command line, the SystemC wrapper and the cosimulation all run traces
 * through this one module.
 */
#ifndef MMULAB_SIM_H
#define MMULAB_SIM_H

#include "mmulab/config.h"
#include "mmulab/image.h"
#include "mmulab/mmu.h"
#include "mmulab/os.h"
#include "mmulab/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint64_t records;        /* trace records consumed */
    uint64_t accesses;       /* access records */
    uint64_t instructions;   /* sum of the access records' instruction counts */
    uint64_t translations;   /* requests issued (a page-crossing access issues two) */
    uint64_t page_crossings; /* accesses that touched two pages */
    uint64_t pages_mapped;   /* pages mapped on first touch */
    uint64_t processes;      /* address spaces created */
    uint64_t events[TRACE_KIND_COUNT];
    uint64_t last_cycle;     /* issue cycle of the last request */
} sim_stats;

typedef struct sim sim;

sim *sim_create(const mmu_config *cfg, mm_error *err);
void sim_destroy(sim *s);

/* Feeds records in trace order. Errors (out of simulated memory, an event
 * naming an unknown process) name the record index. */
int sim_feed(sim *s, const trace_record *recs, size_t n, mm_error *err);
/* Completes every translation still in flight. */
void sim_finish(sim *s);

const sim_stats *sim_get_stats(const sim *s);
mmu *sim_mmu(sim *s);
/* Optional observer of every response (cosimulation, tests). */
void sim_set_response_fn(sim *s, mmu_response_fn fn, void *opaque);

/* Where the machine sends its translation requests and flushes instead of
 * straight into its MMU: the SystemC platform (harness/systemc/) routes
 * them through a TLM socket to a component that wraps sim_mmu(s). When a
 * function returns MM_OK it has issued the operation into sim_mmu(s) at
 * its cycle; request stores in *accepted the cycle the request port took
 * it (mmu_port_cycle after a direct issue), which the machine's next issue
 * cycle never precedes. Results equal those of a direct run. */
typedef struct {
    int (*request)(void *opaque, const mmu_request *req, uint64_t *accepted, mm_error *err);
    int (*flush)(void *opaque, const mmu_flush *flush, mm_error *err);
    void *opaque;
} sim_port;

/* Installs port (copied; NULL: straight into the MMU, the default). */
void sim_set_port(sim *s, const sim_port *port);

/* ---- starting from a real process's memory (docs/os-model.md, "Importing
 * a real process") ---- */
#define SIM_IMAGE_FIRST_PROCESS UINT32_MAX

typedef struct {
    bool loaded;              /* sim_load_image succeeded */
    bool applied;             /* the process exists and its page table holds the image */
    uint32_t source_pid;      /* the pid the image was imported from */
    uint32_t pid;             /* the trace pid it is for, or SIM_IMAGE_FIRST_PROCESS */
    uint64_t mappings[3];     /* mappings built, by level: 4 KiB, 2 MiB, 1 GiB */
    uint64_t pages;           /* 4 KiB pages they cover */
    uint64_t skipped;         /* mappings without any access right (PROT_NONE): not built */
    uint64_t frames_reserved; /* frames taken out of the allocator */
} sim_image_stats;

/* Starts trace process pid (SIM_IMAGE_FIRST_PROCESS: the first process the
 * trace names) from an address-space image: when that process is created,
 * its page table maps every image page to the image's frame with the
 * image's page size, and the image's regions give the permissions of the
 * pages it first-touches. The image's frames are reserved at once, so page
 * tables and first-touch pages never land on them. Call it before the first
 * sim_feed; img may be freed on return. MM_ERR_INVALID names the mapping that
 * the machine cannot hold (page size, alignment, overlap, outside the
 * format's user half, frame beyond the physical address width);
 * MM_ERR_CONFIG with os.enabled (the OS layer owns every frame it maps). */
int sim_load_image(sim *s, const sim_image *img, uint32_t pid, mm_error *err);
const sim_image_stats *sim_get_image_stats(const sim *s);

/* The OS layer under the machine (os.enabled), else NULL. */
const os *sim_os(const sim *s);

typedef struct {
    uint32_t pid;       /* the trace's pid */
    uint16_t asid;
    uint64_t resident;  /* 4 KiB frames mapped: os_resident with the OS layer, else the
                           pages mapped at first touch or from an image */
} sim_process_info;

/* Fills up to max entries of out with the processes, ascending pid, and
 * returns how many there are. */
size_t sim_list_processes(const sim *s, sim_process_info *out, size_t max);

/* The report: mmu_report_json plus a "run" section (records, instructions,
 * MPKI per TLB and access type, page crossings, pages mapped); the caller
 * frees it. label names the trace. */
char *sim_report_json(const sim *s, const char *label);

#ifdef __cplusplus
}
#endif
#endif
