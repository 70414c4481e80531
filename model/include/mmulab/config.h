/*
 * config.h — the one configuration schema of the model (docs/config.md):
 * JSON documents, named presets (configs/presets/NAME.json, compiled in),
 * and dotted-path overrides (`--set l2tlb.entries=2048`). Everything that
 * reads a config — model, RTL parameter generator, harness — goes through
 * cfg_load, so there is no second copy of the rules.
 */
#ifndef MMULAB_CONFIG_H
#define MMULAB_CONFIG_H

#include "mmulab/common.h"
#include "mmulab/memlat.h"
#include "mmulab/pmem.h"
#include "mmulab/pt.h"
#include "mmulab/pwc.h"
#include "mmulab/tlb.h"
#include "mmulab/walk.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CFG_MAX_TLBS 8
#define CFG_NAME_LEN 32
#define CFG_MAX_MERGE_SLOTS 64

typedef enum {
    CFG_NON_INCLUSIVE = 0, /* fills go to every level; evictions are independent */
    CFG_INCLUSIVE = 1,     /* evicting from this level back-invalidates the levels above */
    CFG_EXCLUSIVE = 2      /* walks fill the levels above only; their victims move here;
                              a hit here moves the entry up */
} cfg_inclusion;

typedef struct {
    char name[CFG_NAME_LEN];   /* the JSON key, e.g. "l1dtlb" */
    unsigned level;            /* 1 = looked up first */
    uint32_t serves;           /* bit (1 << mm_access) per access type served */
    uint32_t latency;          /* hit latency in cycles, >= 1 */
    cfg_inclusion inclusion;   /* relation to the levels above it */
    tlb_config tlb;            /* tlb.name points at name[] above after cfg_load */
} cfg_tlb;

typedef struct {
    pwc_config geom;
    /* lookup latency in cycles: split per level (latency[L]), unified and
     * pte designs use latency[0] */
    uint32_t latency[MM_MAX_LEVELS];
} cfg_pwc;

typedef struct {
    unsigned count;         /* walks in flight at once, 1..16 */
    unsigned queue;         /* walks waiting for a walker, 0..64 */
    uint32_t step_cycles;   /* fixed cost added to every PTE access */
    uint32_t fill_cycles;   /* from the last PTE access to the response */
    bool merge;             /* a miss on a page already being walked joins that walk */
    uint32_t merge_slots;   /* merged requests waiting for their answer at once; 0: any
                               number. A miss that finds them all taken walks on its own */
} cfg_walker;

/* How a trace drives the MMU (docs/config.md, "core"). */
typedef enum {
    CFG_ISSUE_OPEN = 0,     /* issue cycles follow the instruction count; translations overlap */
    CFG_ISSUE_BLOCKING = 1  /* each access issues after the previous one completes (in-order core
                               stalled by every translation) */
} cfg_issue;

typedef struct {
    cfg_issue issue;
    uint32_t cycles_per_instruction; /* issue cycle advance per retired instruction, >= 1 */
    uint32_t port_ops_per_cycle;     /* requests + flushes the MMU port takes per cycle; 0: any
                                        number (1: the RTL's port, used by the cosimulation) */
} cfg_core;

/* The OS layer under a trace (docs/config.md, "os"; model/include/mmulab/os.h). */
typedef struct {
    bool enabled;              /* false: pages are mapped at first touch, no faults */
    uint64_t budget_bytes;     /* memory the OS may give to user pages; 0: memory.size / 2 */
    uint64_t swap_bytes;       /* swap device capacity */
    unsigned replacement;      /* 0 clock, 1 aging */
    unsigned thp;              /* 0 never, 1 always, 2 on request */
    uint32_t minor_cycles, zero_cycles, major_cycles, swap_out_cycles, cow_cycles,
        shootdown_cycles;
    bool content;              /* the swap device keeps page contents (checks that swap and
                                  copy-on-write preserve every byte); false: timing only */
} cfg_os;

typedef struct {
    char name[64];          /* preset or file the config came from */
    pt_format format;
    walk_ad_mode ad;
    unsigned pa_bits;       /* MAXPHYADDR for x86 reserved-bit checks */
    bool nxe, wp, smep, smap, sum, mxr, svnapot, svpbmt;
    pmem_config mem;
    unsigned n_tlbs;
    cfg_tlb tlbs[CFG_MAX_TLBS];
    cfg_pwc pwc;
    cfg_walker walker;
    memlat_config memlat;
    cfg_core core;
    cfg_os os;
    uint64_t seed;
} mmu_config;

/* Names of the compiled-in presets, NULL-terminated. */
const char *const *cfg_preset_names(void);

/* Builds a config: start from preset (or the file's "extends" preset, or
 * the "skylake" preset when neither is given), overlay the JSON file if
 * file is non-NULL, then apply each "key.path=value" in sets (value is
 * parsed as JSON, else taken as a string), then validate. Every error is
 * one line naming the key (and the file). */
int cfg_load(const char *preset, const char *file, const char *const *sets, size_t n_sets,
             mmu_config *out, mm_error *err);

/* Canonical JSON of the effective config (keys in schema order), for
 * reports; caller frees with free(). Byte-identical for equal configs. */
char *cfg_to_json(const mmu_config *cfg);

/* The RTL's view of a config (docs/rtl.md). The configuration inputs the
 * RTL takes at run time; TLB latencies and inclusion policies in lookup
 * order (level, then config order). MM_ERR_CONFIG naming the key when the
 * config uses a feature the RTL does not build. */
typedef struct {
    uint8_t tlb_latency[4];
    uint8_t tlb_inclusion[4];   /* cfg_inclusion values */
    uint8_t pwc_probe_cycles;   /* translation caches: cycles before the first PTE read */
    uint8_t pte_cache_cycles;   /* page-table cache: cycles per probe; 0 without one */
    uint8_t step_cycles, fill_cycles;
    bool merge;
} cfg_rtl_inputs;
int cfg_rtl_inputs_get(const mmu_config *cfg, cfg_rtl_inputs *out, mm_error *err);
/* The elaboration-time parameters: the text of package mmu_cfg_pkg; NULL
 * with err set as above. The caller frees it. */
char *cfg_rtl_package(const mmu_config *cfg, mm_error *err);
/* Walk-cache timing of docs/timing.md §5, used by the model and the RTL:
 * translation-cache probe cycles before a walk's first PTE access, and
 * page-table-cache cycles per probe (0 without one). */
uint32_t cfg_pwc_probe_cycles(const mmu_config *cfg);
uint32_t cfg_pte_cache_cycles(const mmu_config *cfg);

/* Index of the TLB named name, or -1. */
int cfg_find_tlb(const mmu_config *cfg, const char *name);

/* Re-points every tlbs[i].tlb.name at tlbs[i].name (NULL past n_tlbs).
 * cfg_load does this for the config it fills; call it on a copy made by
 * value (struct assignment, memcpy), whose pointers still point into the
 * original. */
void cfg_fix_names(mmu_config *cfg);

#ifdef __cplusplus
}
#endif
#endif
