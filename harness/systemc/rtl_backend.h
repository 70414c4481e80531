// rtl_backend.h — the Verilated RTL (rtl/mmu_top.sv, `verilator --sc`, one
// build: the first shape of rtl/generated/shapes.txt) as the MMU's
// back-end, clocked by an sc_clock. The RTL translates and times every
// operation; its page-table memory port is served as the lockstep
// cross-check serves it (harness/model_side.h): a C model takes the same
// operations, and each PTE access of the RTL's walks gets the value and the
// memory-latency model's answer of the model's matching access — after a
// check that the RTL asked for the same address, kind and cycle. Every RTL
// response is compared with the model's on the way; a difference is an
// SC_REPORT_ERROR naming the request and the fields.
//
// Timing: the clock's rising edge is in the middle of each cycle, so an
// operation that arrives when its cycle begins is driven into the RTL a
// quarter cycle later and taken at that edge; the request port's ready and
// the response lanes are registers, read when the next cycle begins, so
// END_REQ and answers fall on the cycle boundaries the model back-end uses.
#ifndef MMULAB_SYSTEMC_RTL_BACKEND_H
#define MMULAB_SYSTEMC_RTL_BACKEND_H

#include <memory>
#include <string>

#include "mmu_tlm.h"
#include "mmulab/config.h"
#include "mmulab/pmem.h"

namespace mmulab_sc {

struct RtlBackendOptions {
    uint64_t x_seed = 1;        // seeds the values registers hold before reset
    unsigned perturb_fill = 0;  // self-test of the checks: the RTL's walker fills this many
                                // cycles later than the model's; the run must then fail
};

class RtlBackend : public Backend {
public:
    // The RTL build linked in (its name in rtl/generated/shapes.txt).
    static const char *build_name();
    // Whether cfg can run on that build: "" or a one-line reason naming the
    // key (another geometry, a feature the RTL does not build, a request port
    // that takes more than one operation per cycle, the OS layer).
    static std::string check_config(const mmu_config &cfg);

    using Options = RtlBackendOptions;
    // Its own C model and physical memory (memory()) for page tables.
    RtlBackend(const sc_core::sc_module_name &name, const mmu_config &cfg,
               const sc_core::sc_time &period, const Options &options = Options());
    // The C model of a machine that feeds it (sim_mmu): borrowed.
    RtlBackend(const sc_core::sc_module_name &name, mmu *borrowed, const sc_core::sc_time &period,
               const Options &options = Options());
    ~RtlBackend() override;

    mmu *model() override;
    pmem *memory();
    const char *kind() const override { return "rtl"; }
    void submit(Pending *op) override;
    bool finish_now(Pending *) override { return false; }
    bool timeless() const override { return false; }
    std::string set_context(const walk_ctx &ctx) override;
    // RTL responses checked against the C model so far.
    uint64_t compared() const;

    struct Impl;

private:
    void build(const mmu_config &cfg, const Options &options);

    pmem *mem_ = nullptr;
    mmu *mmu_ = nullptr;
    bool owned_ = false;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mmulab_sc

#endif
