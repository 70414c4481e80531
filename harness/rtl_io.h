// rtl_io.h — what every harness that drives mmu_top shares (the lockstep
// driver, the SystemC RTL back-end): the layout of its context port (ctx_i,
// the CTX layout of rtl/mmu_pkg.sv), and how the RTL's PTE accesses and
// responses are checked against the model's and described in a report.
#ifndef MMULAB_HARNESS_RTL_IO_H
#define MMULAB_HARNESS_RTL_IO_H

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>

#include "model_side.h"
#include "mmulab/walk.h"

namespace cosim {

// Field widths of mmu_pkg (rtl/mmu_pkg.sv)
constexpr unsigned kPaW = 56, kMemPaW = 52, kLevelW = 3, kPteW = 64;

struct PortField {
    unsigned lsb, width;
    uint64_t value;
};

inline std::array<PortField, 12> ctx_fields(const walk_ctx &c)
{
    return {{{0, 3, (uint64_t)c.format},
             {3, kMemPaW, c.root_pa},
             {55, 7, c.pa_bits},
             {62, 1, c.ad == WALK_AD_FAULT},
             {63, 1, c.nxe},
             {64, 1, c.wp},
             {65, 1, c.smep},
             {66, 1, c.smap},
             {67, 1, c.sum},
             {68, 1, c.mxr},
             {69, 1, c.svnapot},
             {70, 1, c.svpbmt}}};
}

// The per-TLB configuration inputs, one field per TLB in lookup order:
// cfg_tlb_latency_i (8 bits each) and cfg_tlb_inclusion_i (2 bits each).
inline uint32_t tlb_latency_port(const cfg_rtl_inputs &in)
{
    uint32_t v = 0;
    for (unsigned k = 0; k < 4; k++)
        v |= (uint32_t)in.tlb_latency[k] << (8 * k);
    return v;
}
inline uint32_t tlb_inclusion_port(const cfg_rtl_inputs &in)
{
    uint32_t v = 0;
    for (unsigned k = 0; k < 4; k++)
        v |= (uint32_t)(in.tlb_inclusion[k] & 3u) << (2 * k);
    return v;
}

inline std::string hex(uint64_t v)
{
    char b[24];
    snprintf(b, sizeof b, "%llx", (unsigned long long)v);
    return b;
}

inline std::string describe(const mmu_response &r)
{
    std::ostringstream o;
    o << "pa 0x" << hex(r.pa) << " level " << (int)r.level << " fault "
      << mm_fault_name((mm_fault)r.fault) << " hit "
      << (r.hit == MMU_HIT_WALK ? std::string("walk") : "tlb" + std::to_string(r.hit))
      << " pwc_level " << (int)r.pwc_level << " pte_reads " << (int)r.pte_reads
      << " pte_writes " << (int)r.pte_writes << (r.merged ? " merged" : "") << " completion "
      << r.completion_cycle;
    return o.str();
}

// Every field the RTL answers with, and the completion cycle.
inline bool same_response(const mmu_response &model, const mmu_response &rtl)
{
    return model.pa == rtl.pa && model.level == rtl.level && model.fault == rtl.fault &&
           model.hit == rtl.hit && model.pwc_level == rtl.pwc_level &&
           model.pte_reads == rtl.pte_reads && model.pte_writes == rtl.pte_writes &&
           model.merged == rtl.merged && model.completion_cycle == rtl.completion_cycle;
}

// The two answers to one request, for a divergence report.
inline std::string describe_difference(const mmu_response &model, const mmu_response &rtl)
{
    std::ostringstream o;
    o << "request " << rtl.id << " va 0x" << hex(model.va) << " asid " << model.asid << " "
      << mm_access_name((mm_access)model.access) << " issued at cycle " << model.issue_cycle
      << "\n  model: " << describe(model) << "\n  RTL:   " << describe(rtl);
    return o.str();
}

inline std::string describe_pte(bool write, uint64_t pa, unsigned level, uint64_t value)
{
    return std::string(write ? "write" : "read") + " pa 0x" + hex(pa) + " level " +
           std::to_string(level) + (write ? " value 0x" + hex(value) : "");
}

// The RTL's PTE access of `cycle` is the model's access a: same address,
// kind, level, value written and issue cycle.
inline bool pte_matches(const PteAccess &a, bool write, uint64_t pa, unsigned level, uint64_t value,
                        uint64_t cycle)
{
    return a.pa == pa && (bool)a.is_write == write && a.level == level &&
           (!write || a.value == value) && a.cycle == cycle;
}

inline std::string describe_pte_difference(uint64_t id, const PteAccess &a, bool write, uint64_t pa,
                                           unsigned level, uint64_t value, uint64_t cycle)
{
    return "PTE access of request " + std::to_string(id) + ": RTL " +
           describe_pte(write, pa, level, value) + " at cycle " + std::to_string(cycle) +
           "; model " + describe_pte(a.is_write, a.pa, a.level, a.value) + " at cycle " +
           std::to_string(a.cycle);
}

// The bounded RTL resources overflow_o says ran out.
inline std::string overflow_text(uint64_t bits)
{
    static const char *const what[] = {"a free hit lane", "a context slot for the ASID",
                                       "a TLB fill port"};
    std::string lacking;
    for (unsigned b = 0; b < 3; b++)
        if ((bits >> b) & 1u)
            lacking += (lacking.empty() ? "" : ", ") + std::string(what[b]);
    return "the RTL ran out of a bounded resource: " + lacking;
}

// The part of a generated package that describes the build: from the
// `package` line on (the comment above it names the config it came from).
inline std::string package_body(const char *text)
{
    const char *p = strstr(text, "package mmu_cfg_pkg;");
    return p ? std::string(p) : std::string(text);
}

}  // namespace cosim

#endif
