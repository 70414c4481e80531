// model_side.cc — collects the model's inputs, PTE accesses and responses
// for the lockstep driver (model_side.h), and feeds a trace through sim.
#include "model_side.h"

#include <cstring>

namespace cosim {

void ModelSide::attach(mmu *m)
{
    mmu_set_event_fn(m, on_event, this);
}

void ModelSide::on_event(void *opaque, const mmu_event *e)
{
    auto *self = static_cast<ModelSide *>(opaque);
    switch (e->kind) {
    case MMU_EVENT_REQUEST: {
        Op op{};
        op.kind = e->kind;
        op.cycle = e->cycle;
        op.req = *e->req;
        self->ops.push_back(op);
        break;
    }
    case MMU_EVENT_FLUSH: {
        Op op{};
        op.kind = e->kind;
        op.cycle = e->cycle;
        op.flush = *e->flush;
        self->ops.push_back(op);
        break;
    }
    case MMU_EVENT_CONTEXT: {
        Op op{};
        op.kind = e->kind;
        op.cycle = e->cycle;
        op.ctx = *e->ctx;
        self->ops.push_back(op);
        break;
    }
    case MMU_EVENT_PTE:
        self->pte[e->req->id].push_back(
            PteAccess{e->pa, e->value, e->cycle, e->latency, e->level, e->is_write, e->error});
        break;
    case MMU_EVENT_FAULT:
        // the handler's shootdowns come (as events) before its decision
        self->faults[e->req->id].push_back(FaultDecision{e->cycle, e->fault_cycles, e->fault, e->retry,
                                                         std::move(self->shootdowns_pending)});
        self->shootdowns_pending.clear();
        break;
    case MMU_EVENT_SHOOTDOWN:
        self->shootdowns_pending.push_back(Shootdown{e->asid, e->va});
        break;
    }
}

void ModelSide::on_response(void *opaque, const mmu_response *r)
{
    auto *self = static_cast<ModelSide *>(opaque);
    self->responses[r->id] = *r;
    self->responses_total++;
}

bool ModelSide::more(std::string &error)
{
    if (done_)
        return false;
    if (!feeder_->feed(error))
        done_ = true;
    return error.empty();
}

TraceFeeder::~TraceFeeder()
{
    if (reader_)
        trace_reader_close(reader_);
    if (sim_)
        sim_destroy(sim_);
}

bool TraceFeeder::open(const mmu_config &cfg, const std::string &path, uint64_t max_records,
                       std::string &error)
{
    mm_error err{};
    path_ = path;
    max_records_ = max_records;
    sim_ = sim_create(&cfg, &err);
    if (!sim_) {
        error = err.msg;
        return false;
    }
    reader_ = trace_reader_open(path.c_str(), &err);
    if (!reader_) {
        error = err.msg;
        return false;
    }
    batch_.resize(256);
    return true;
}

bool TraceFeeder::feed(std::string &error)
{
    if (finished_)
        return false;
    size_t want = batch_.size();
    if (max_records_ && max_records_ - records_ < want)
        want = (size_t)(max_records_ - records_);
    mm_error err{};
    long n = want ? trace_read(reader_, batch_.data(), want, &err) : 0;
    if (n < 0) {
        error = err.msg;
        return false;
    }
    if (n > 0) {
        if (sim_feed(sim_, batch_.data(), (size_t)n, &err)) {
            error = err.msg;
            return false;
        }
        records_ += (uint64_t)n;
        return true;
    }
    sim_finish(sim_);
    finished_ = true;
    return false;
}

std::string TraceFeeder::describe_position() const
{
    return path_ + " record " + std::to_string(records_);
}

}  // namespace cosim
