// model_backend.cc — the C model back-end (model_backend.h).
#include "model_backend.h"

namespace mmulab_sc {

ModelBackend::ModelBackend(const sc_core::sc_module_name &name, const mmu_config &cfg,
                           const sc_core::sc_time &period)
    : Backend(name, period), owned_(true)
{
    mm_error err{};
    mem_ = pmem_create(&cfg.mem, &err);
    mmu_ = mem_ ? mmu_create(&cfg, mem_, &err) : nullptr;
    if (!mmu_)
        SC_REPORT_ERROR("mmulab/model", err.msg);
    init();
}

ModelBackend::ModelBackend(const sc_core::sc_module_name &name, mmu *borrowed,
                           const sc_core::sc_time &period)
    : Backend(name, period), mmu_(borrowed)
{
    init();
}

void ModelBackend::init()
{
    if (mmu_)
        mmu_set_response_fn(mmu_, on_response, this);
    SC_HAS_PROCESS(ModelBackend);
    SC_THREAD(ticker);
}

ModelBackend::~ModelBackend()
{
    if (mmu_)
        mmu_set_response_fn(mmu_, nullptr, nullptr);
    if (owned_) {
        mmu_destroy(mmu_);
        pmem_destroy(mem_);
    }
}

void ModelBackend::on_response(void *opaque, const mmu_response *r)
{
    auto *self = static_cast<ModelBackend *>(opaque);
    auto it = self->owed_.find(r->id);
    if (it == self->owed_.end())
        return;  // a request someone issued to the model directly
    Pending *op = it->second;
    self->owed_.erase(it);
    self->sink_->answered(op, *r);
}

void ModelBackend::submit(Pending *op)
{
    mm_error err{};
    bool request = op->ext->op != MmuExtension::kFlush;
    if (request) {
        // a hit answers inside mmu_issue, before the accept is known here
        op->id = next_id_++;
        owed_[op->id] = op;
    }
    if (issue_into(mmu_, *op, &err)) {
        if (request)
            owed_.erase(op->id);
        sink_->refused(op, err.msg);
        return;
    }
    sink_->accepted(op, mmu_port_cycle(mmu_));
    if (!owed_.empty())
        work_.notify();
}

bool ModelBackend::finish_now(Pending *)
{
    mmu_drain(mmu_);
    return true;
}

void ModelBackend::ticker()
{
    for (;;) {
        if (owed_.empty()) {
            wait(work_);
            continue;
        }
        // to the next cycle boundary, then run the model's events of that cycle
        uint64_t next = clock_.cycle_at(sc_core::sc_time_stamp()) + 1;
        sc_core::sc_time at = clock_.time_of(next), now = sc_core::sc_time_stamp();
        if (now < clock_.origin())
            next = 0, at = clock_.origin();
        if (at > now)
            wait(at - now);
        mmu_advance(mmu_, next);
    }
}

}  // namespace mmulab_sc
