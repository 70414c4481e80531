/*
 * config_schema.c — the top level of the schema (docs/config.md): which
 * keys exist, the architectural switches, physical memory, the walkers and
 * the seed; TLBs and caches are read by config_tlbs.c and config_caches.c.
 * Validation and conversion are one pass: a value is checked where it is
 * read, so no rule exists twice.
 */
#include "config/cfg_internal.h"

#include <string.h>

static const char *const top_keys[] = {"name",   "format", "ad",     "pa_bits",        "x86",
                                       "riscv",  "memory", "tlbs",   "pwc",            "walker",
                                       "memory_latency",   "core",   "os",     "seed",           NULL};

/* Top-level keys must be schema keys or TLB names. A stray object is most
 * likely a TLB dropped from "tlbs" (objects merge, so it stays behind). */
static int check_top_keys(const cfg_obj *top, const char *const *tlb_names)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, top->json)
    {
        if (cfg_lookup_name(top_keys, item->string) >= 0 ||
            cfg_lookup_name(tlb_names, item->string) >= 0)
            continue;
        if (cJSON_IsObject(item)) {
            cfg_blame(top->ctx, item->string);
            cfg_blame(top->ctx, "tlbs");
            return mm_fail(top->ctx->err, MM_ERR_CONFIG,
                           "unknown key \"%s\": not a schema key and not named in \"tlbs\" "
                           "(drop the object with %s=null)",
                           item->string, item->string);
        }
        return cfg_unknown_key(top->ctx, item->string, item->string, top_keys, tlb_names);
    }
    return MM_OK;
}

static int read_arch(const cfg_obj *top, mmu_config *out, const pt_format_info **fmt_out)
{
    const char *format_names[PT_FORMAT_COUNT + 1];
    for (unsigned i = 0; i < PT_FORMAT_COUNT; i++)
        format_names[i] = pt_format_get((pt_format)i)->name;
    format_names[PT_FORMAT_COUNT] = NULL;

    int format = 0, ad = 0, rc;
    if ((rc = cfg_read_enum(top, "format", format_names, PT_X86_64_4LEVEL, &format)) != MM_OK)
        return rc;
    out->format = (pt_format)format;
    const pt_format_info *fmt = pt_format_get(out->format);
    *fmt_out = fmt;

    if ((rc = cfg_read_enum(top, "ad", cfg_ad_names, WALK_AD_HARDWARE, &ad)) != MM_OK)
        return rc;
    out->ad = (walk_ad_mode)ad;
    if (out->ad == WALK_AD_FAULT && fmt->is_x86) {
        cfg_blame(top->ctx, "format");
        return cfg_fail(top->ctx, "ad",
                        "\"fault\" (Svade) is RISC-V only; %s sets A/D bits in hardware",
                        fmt->name);
    }
    uint64_t pa_bits;
    if ((rc = cfg_read_uint(top, "pa_bits", fmt->is_x86 ? 46 : 52, 32, PMEM_MAX_PA_BITS,
                            &pa_bits)) != MM_OK)
        return rc;
    out->pa_bits = (unsigned)pa_bits;

    static const char *const x86_keys[] = {"nxe", "wp", "smep", "smap", NULL};
    static const char *const riscv_keys[] = {"sum", "mxr", "svnapot", "svpbmt", NULL};
    cfg_obj x86, riscv;
    if ((rc = cfg_obj_child(top, "x86", &x86)) != MM_OK ||
        (rc = cfg_obj_check_keys(&x86, x86_keys, NULL)) != MM_OK ||
        (rc = cfg_read_bool(&x86, "nxe", true, &out->nxe)) != MM_OK ||
        (rc = cfg_read_bool(&x86, "wp", true, &out->wp)) != MM_OK ||
        (rc = cfg_read_bool(&x86, "smep", false, &out->smep)) != MM_OK ||
        (rc = cfg_read_bool(&x86, "smap", false, &out->smap)) != MM_OK)
        return rc;
    if ((rc = cfg_obj_child(top, "riscv", &riscv)) != MM_OK ||
        (rc = cfg_obj_check_keys(&riscv, riscv_keys, NULL)) != MM_OK ||
        (rc = cfg_read_bool(&riscv, "sum", false, &out->sum)) != MM_OK ||
        (rc = cfg_read_bool(&riscv, "mxr", false, &out->mxr)) != MM_OK ||
        (rc = cfg_read_bool(&riscv, "svnapot", false, &out->svnapot)) != MM_OK ||
        (rc = cfg_read_bool(&riscv, "svpbmt", false, &out->svpbmt)) != MM_OK)
        return rc;
    return MM_OK;
}

static int read_memory(const cfg_obj *top, const pt_format_info *fmt, mmu_config *out)
{
    static const char *const keys[] = {"size", "pa_bits", "base", "alloc", "seed", NULL};
    cfg_obj mem;
    uint64_t pa_bits;
    int alloc = 0, rc;
    pmem_config *m = &out->mem;
    if ((rc = cfg_obj_child(top, "memory", &mem)) != MM_OK ||
        (rc = cfg_obj_check_keys(&mem, keys, NULL)) != MM_OK ||
        (rc = cfg_read_uint(&mem, "pa_bits", PMEM_MAX_PA_BITS, 32, PMEM_MAX_PA_BITS, &pa_bits)) !=
            MM_OK ||
        (rc = cfg_read_size(&mem, "size", UINT64_C(16) << 30, PMEM_FRAME_SIZE,
                            UINT64_C(1) << PMEM_MAX_PA_BITS, &m->size_bytes)) != MM_OK ||
        (rc = cfg_read_size(&mem, "base", 0, 0, UINT64_C(1) << PMEM_MAX_PA_BITS, &m->base)) !=
            MM_OK ||
        (rc = cfg_read_enum(&mem, "alloc", cfg_alloc_names, PMEM_ALLOC_SEQUENTIAL, &alloc)) !=
            MM_OK ||
        (rc = cfg_read_uint(&mem, "seed", 1, 0, CFG_MAX_INT, &m->seed)) != MM_OK)
        return rc;
    m->pa_bits = (unsigned)pa_bits;
    m->policy = (pmem_alloc_policy)alloc;

    char size[32], limit[32];
    cfg_format_size(size, sizeof size, m->size_bytes);
    if (m->size_bytes % PMEM_FRAME_SIZE)
        return cfg_fail(top->ctx, "memory.size", "%s is not a whole number of 4 KiB frames", size);
    if (m->size_bytes > UINT64_C(1) << m->pa_bits) {
        cfg_format_size(limit, sizeof limit, UINT64_C(1) << m->pa_bits);
        cfg_blame(top->ctx, "memory.pa_bits");
        return cfg_fail(top->ctx, "memory.size", "%s does not fit in memory.pa_bits %u (%s)", size,
                        m->pa_bits, limit);
    }
    if (fmt->is_x86 && m->size_bytes > UINT64_C(1) << out->pa_bits) {
        cfg_format_size(limit, sizeof limit, UINT64_C(1) << out->pa_bits);
        cfg_blame(top->ctx, "pa_bits");
        return cfg_fail(top->ctx, "memory.size",
                        "%s is above the %u-bit MAXPHYADDR (pa_bits) of %s (%s)", size,
                        out->pa_bits, fmt->name, limit);
    }
    if (m->base % PMEM_FRAME_SIZE)
        return cfg_fail(top->ctx, "memory.base", "%llu is not a multiple of 4 KiB",
                        (unsigned long long)m->base);
    if (m->base >= m->size_bytes) {
        cfg_blame(top->ctx, "memory.size");
        return cfg_fail(top->ctx, "memory.base", "must be below memory.size (%s)", size);
    }
    return MM_OK;
}

static int read_walker(const cfg_obj *top, mmu_config *out)
{
    static const char *const keys[] = {"count", "queue", "step_cycles", "fill_cycles", "merge",
                                       "merge_slots", NULL};
    cfg_obj w;
    uint64_t count, queue;
    int rc;
    if ((rc = cfg_obj_child(top, "walker", &w)) != MM_OK ||
        (rc = cfg_obj_check_keys(&w, keys, NULL)) != MM_OK ||
        (rc = cfg_read_uint(&w, "count", 1, 1, 16, &count)) != MM_OK ||
        (rc = cfg_read_uint(&w, "queue", 8, 0, 64, &queue)) != MM_OK ||
        (rc = cfg_read_u32(&w, "step_cycles", 0, 0, CFG_MAX_CYCLES, &out->walker.step_cycles)) !=
            MM_OK ||
        (rc = cfg_read_u32(&w, "fill_cycles", 1, 0, CFG_MAX_CYCLES, &out->walker.fill_cycles)) !=
            MM_OK ||
        (rc = cfg_read_bool(&w, "merge", true, &out->walker.merge)) != MM_OK ||
        (rc = cfg_read_u32(&w, "merge_slots", 0, 0, CFG_MAX_MERGE_SLOTS, &out->walker.merge_slots)) !=
            MM_OK)
        return rc;
    out->walker.count = (unsigned)count;
    out->walker.queue = (unsigned)queue;
    return MM_OK;
}

static int read_core(const cfg_obj *top, mmu_config *out)
{
    static const char *const keys[] = {"issue", "cycles_per_instruction", "port_ops_per_cycle", NULL};
    cfg_obj c;
    int issue = 0, rc;
    if ((rc = cfg_obj_child(top, "core", &c)) != MM_OK ||
        (rc = cfg_obj_check_keys(&c, keys, NULL)) != MM_OK ||
        (rc = cfg_read_enum(&c, "issue", cfg_issue_names, CFG_ISSUE_OPEN, &issue)) != MM_OK ||
        (rc = cfg_read_u32(&c, "cycles_per_instruction", 1, 1, CFG_MAX_CYCLES,
                           &out->core.cycles_per_instruction)) != MM_OK ||
        (rc = cfg_read_u32(&c, "port_ops_per_cycle", 0, 0, 1, &out->core.port_ops_per_cycle)) !=
            MM_OK)
        return rc;
    out->core.issue = (cfg_issue)issue;
    return MM_OK;
}

static int read_os(const cfg_obj *top, mmu_config *out)
{
    static const char *const keys[] = {"enabled",       "budget",          "swap",
                                       "replacement",   "thp",             "minor_cycles",
                                       "zero_cycles",   "major_cycles",    "swap_out_cycles",
                                       "cow_cycles",    "shootdown_cycles", "content",
                                       NULL};
    static const char *const repl_names[] = {"clock", "aging", NULL};
    static const char *const thp_names[] = {"never", "always", "on_request", NULL};
    cfg_os *o = &out->os;
    cfg_obj c;
    int policy = 0, thp = 0, rc;
    if ((rc = cfg_obj_child(top, "os", &c)) != MM_OK ||
        (rc = cfg_obj_check_keys(&c, keys, NULL)) != MM_OK ||
        (rc = cfg_read_bool(&c, "enabled", false, &o->enabled)) != MM_OK ||
        (rc = cfg_read_size(&c, "budget", 0, 0, out->mem.size_bytes, &o->budget_bytes)) != MM_OK ||
        (rc = cfg_read_size(&c, "swap", 4ull << 30, 0, 1ull << 52, &o->swap_bytes)) != MM_OK ||
        (rc = cfg_read_enum(&c, "replacement", repl_names, 0, &policy)) != MM_OK ||
        (rc = cfg_read_enum(&c, "thp", thp_names, 0, &thp)) != MM_OK ||
        (rc = cfg_read_u32(&c, "minor_cycles", 1000, 0, CFG_MAX_CYCLES, &o->minor_cycles)) != MM_OK ||
        (rc = cfg_read_u32(&c, "zero_cycles", 250, 0, CFG_MAX_CYCLES, &o->zero_cycles)) != MM_OK ||
        (rc = cfg_read_u32(&c, "major_cycles", 100000, 0, CFG_MAX_CYCLES, &o->major_cycles)) !=
            MM_OK ||
        (rc = cfg_read_u32(&c, "swap_out_cycles", 20000, 0, CFG_MAX_CYCLES,
                           &o->swap_out_cycles)) != MM_OK ||
        (rc = cfg_read_u32(&c, "cow_cycles", 2000, 0, CFG_MAX_CYCLES, &o->cow_cycles)) != MM_OK ||
        (rc = cfg_read_u32(&c, "shootdown_cycles", 500, 0, CFG_MAX_CYCLES,
                           &o->shootdown_cycles)) != MM_OK ||
        (rc = cfg_read_bool(&c, "content", true, &o->content)) != MM_OK)
        return rc;
    o->replacement = (unsigned)policy;
    o->thp = (unsigned)thp;
    if (o->budget_bytes % 4096)
        return cfg_fail(c.ctx, "os.budget", "must be a multiple of 4 KiB");
    return MM_OK;
}

int cfg_convert(const cJSON *root, mmu_config *out, cfg_ctx *ctx)
{
    memset(out, 0, sizeof *out);
    cfg_obj top = {ctx, root, ""};

    int rc = cfg_read_tlb_names(&top, top_keys, out);
    if (rc != MM_OK)
        return rc;
    const char *tlb_names[CFG_MAX_TLBS + 1];
    for (unsigned i = 0; i < out->n_tlbs; i++)
        tlb_names[i] = out->tlbs[i].name;
    tlb_names[out->n_tlbs] = NULL;

    const pt_format_info *fmt = NULL;
    if ((rc = check_top_keys(&top, tlb_names)) != MM_OK ||
        (rc = cfg_read_string(&top, "name", "config", out->name, sizeof out->name)) != MM_OK ||
        (rc = read_arch(&top, out, &fmt)) != MM_OK || (rc = read_memory(&top, fmt, out)) != MM_OK ||
        (rc = cfg_convert_tlbs(&top, fmt, out)) != MM_OK ||
        (rc = cfg_convert_pwc(&top, fmt, out)) != MM_OK || (rc = read_walker(&top, out)) != MM_OK ||
        (rc = cfg_convert_memlat(&top, out)) != MM_OK || (rc = read_core(&top, out)) != MM_OK ||
        (rc = read_os(&top, out)) != MM_OK ||
        (rc = cfg_read_uint(&top, "seed", 1, 0, CFG_MAX_INT, &out->seed)) != MM_OK)
        return rc;
    return MM_OK;
}
