// model_backend.h — the C model as the MMU's back-end: each operation is an
// mmu_issue / mmu_flush_issue at its issue cycle; the model's response, with
// its completion cycle, is the answer. The model runs walks lazily (a walk
// is timed when time reaches its start), so while answers are owed the
// back-end advances the model one cycle at a time with SystemC time — never
// past the current cycle, so later requests see exactly the state they
// would in `mmulab run`.
#ifndef MMULAB_SYSTEMC_MODEL_BACKEND_H
#define MMULAB_SYSTEMC_MODEL_BACKEND_H

#include <unordered_map>

#include "mmu_tlm.h"
#include "mmulab/config.h"
#include "mmulab/pmem.h"

namespace mmulab_sc {

class ModelBackend : public Backend {
public:
    // An MMU of its own, with its own physical memory (memory()) for page
    // tables, built from cfg. A config the model rejects is an SC_REPORT_ERROR.
    ModelBackend(const sc_core::sc_module_name &name, const mmu_config &cfg,
                 const sc_core::sc_time &period);
    // The MMU of a machine that feeds it (sim_mmu): borrowed, not owned.
    ModelBackend(const sc_core::sc_module_name &name, mmu *borrowed, const sc_core::sc_time &period);
    ~ModelBackend() override;

    mmu *model() override { return mmu_; }
    pmem *memory() { return mem_; }  // null when the MMU is borrowed
    const char *kind() const override { return "model"; }
    void submit(Pending *op) override;
    bool finish_now(Pending *op) override;
    bool timeless() const override { return true; }

private:
    static void on_response(void *opaque, const mmu_response *r);
    void ticker();
    void init();

    pmem *mem_ = nullptr;
    mmu *mmu_ = nullptr;
    bool owned_ = false;
    uint64_t next_id_ = 0;
    std::unordered_map<uint64_t, Pending *> owed_;  // request id -> operation not yet answered
    sc_core::sc_event work_;
};

}  // namespace mmulab_sc

#endif
