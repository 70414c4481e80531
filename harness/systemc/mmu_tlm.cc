// mmu_tlm.cc — the TLM-2.0 adapter around a back-end (mmu_tlm.h): turns
// transactions into back-end operations and the back-end's accept and
// completion cycles into annotated delays (LT) or phases at those times
// (AT), and forwards translated transactions to memory.
#include "mmu_tlm.h"

#include <algorithm>

namespace mmulab_sc {

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

tlm::tlm_response_status fault_status(mm_fault fault)
{
    switch (fault) {
    case MM_FAULT_NONE:
        return tlm::TLM_OK_RESPONSE;
    case MM_FAULT_PERM_READ:
    case MM_FAULT_PERM_WRITE:
    case MM_FAULT_PERM_EXEC:
    case MM_FAULT_PERM_USER:
    case MM_FAULT_PERM_SUPERVISOR:
    case MM_FAULT_ACCESSED_CLEAR:
    case MM_FAULT_DIRTY_CLEAR:
        return tlm::TLM_COMMAND_ERROR_RESPONSE;
    default:
        return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    }
}

std::string Backend::set_context(const walk_ctx &ctx)
{
    mm_error err{};
    return mmu_set_context(model(), &ctx, &err) ? std::string(err.msg) : std::string();
}

int Backend::issue_into(mmu *m, const Pending &op, mm_error *err)
{
    const MmuExtension &ext = *op.ext;
    if (ext.op == MmuExtension::kFlush) {
        mmu_flush f = ext.flush;
        f.cycle = op.issue_cycle;
        return mmu_flush_issue(m, &f, err);
    }
    mmu_request req{};
    req.id = op.id;
    req.cycle = op.issue_cycle;
    req.va = op.va;
    req.asid = ext.asid;
    req.access = (uint8_t)ext.access;
    req.priv = (uint8_t)ext.priv;
    return mmu_issue(m, &req, err);
}

Mmu::Mmu(const sc_core::sc_module_name &name, Backend &backend, uint16_t default_asid)
    : sc_core::sc_module(name), target("target"), memory("memory"), backend_(backend),
      default_asid_(default_asid), arrivals_("arrivals"), end_req_("end_req"),
      translated_("translated"), memory_done_("memory_done")
{
    target.register_b_transport(this, &Mmu::b_transport);
    target.register_nb_transport_fw(this, &Mmu::nb_transport_fw);
    memory.register_nb_transport_bw(this, &Mmu::nb_transport_bw);
    backend_.attach(this);
    SC_HAS_PROCESS(Mmu);
    SC_THREAD(arrivals_thread);
    SC_THREAD(end_req_thread);
    SC_THREAD(translated_thread);
    SC_THREAD(memory_done_thread);
    SC_METHOD(memory_free);
    sensitive << memory_free_event_;
    dont_initialize();
    SC_METHOD(response_channel_free);
    sensitive << response_free_event_;
    dont_initialize();
}

Mmu::~Mmu() = default;

Pending *Mmu::start(tlm::tlm_generic_payload &trans, const sc_time &arrival, bool lt, bool in_fw)
{
    Pending *op;
    if (free_.empty()) {
        pool_.push_back(std::make_unique<Pending>());
        op = pool_.back().get();
    } else {
        op = free_.back();
        free_.pop_back();
    }
    op->trans = &trans;
    op->ext = trans.get_extension<MmuExtension>();
    if (!op->ext) {
        op->own_ext = MmuExtension();
        op->own_ext.asid = default_asid_;
        op->own_ext.access = trans.is_write() ? MM_ACCESS_STORE : MM_ACCESS_LOAD;
        op->ext = &op->own_ext;
    }
    op->ext->response = mmu_response{};
    op->ext->accept_cycle = 0;
    op->ext->refused.clear();
    op->va = trans.get_address();
    // one port: operations are taken in arrival order, never before the last one's cycle
    op->issue_cycle = std::max(clock().issue_cycle(arrival), last_issue_cycle_);
    last_issue_cycle_ = op->issue_cycle;
    op->id = 0;
    op->lt = lt;
    op->accepted = op->answered = false;
    trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    if (!lt)
        by_trans_[&trans] = op;
    in_begin_req_ = in_fw ? op : nullptr;
    backend_.submit(op);
    in_begin_req_ = nullptr;
    return op;
}

void Mmu::finish(Pending *op)
{
    tlm::tlm_generic_payload *trans = op->trans;
    if (!op->lt) {
        by_trans_.erase(trans);
        if (trans->has_mm())
            trans->release();
    }
    op->trans = nullptr;
    free_.push_back(op);
}

// ---- what the back-end says

void Mmu::accepted(Pending *op, uint64_t accept_cycle)
{
    op->ext->accept_cycle = accept_cycle;
    op->accepted = true;
    if (op->lt) {
        if (op->finished())
            op->done.notify();
        return;
    }
    if (op == in_begin_req_)
        return;  // nb_transport_fw answers with END_REQ itself
    sc_time at = clock().time_of(accept_cycle), now = sc_core::sc_time_stamp();
    if (at < now)
        SC_REPORT_ERROR("mmulab/mmu", "the back-end reported an accept cycle already past");
    // a flush is done when it is taken: its response goes out then
    if (op->ext->op == MmuExtension::kFlush)
        translated_.notify(*op, at > now ? at - now : SC_ZERO_TIME);
    else
        end_req_.notify(*op, at > now ? at - now : SC_ZERO_TIME);
}

void Mmu::answered(Pending *op, const mmu_response &r)
{
    op->ext->response = r;
    op->answered = true;
    if (op->lt) {
        op->done.notify();
        return;
    }
    sc_time at = clock().time_of(r.completion_cycle), now = sc_core::sc_time_stamp();
    if (at < now)
        SC_REPORT_ERROR("mmulab/mmu", "the back-end answered after the completion cycle had begun");
    translated_.notify(*op, at > now ? at - now : SC_ZERO_TIME);
}

void Mmu::refused(Pending *op, const std::string &why)
{
    op->ext->refused = why;
    op->accepted = op->answered = true;
    if (op->lt) {
        op->done.notify();
        return;
    }
    if (op != in_begin_req_)
        translated_.notify(*op, SC_ZERO_TIME);
}

// ---- loosely timed

void Mmu::b_transport(tlm::tlm_generic_payload &trans, sc_time &delay)
{
    if (!backend_.timeless()) {
        // the back-end is clocked: the request must reach it in its cycle
        wait(delay);
        delay = SC_ZERO_TIME;
    }
    sc_time now = sc_core::sc_time_stamp();
    Pending *op = start(trans, now + delay, true, false);
    if (!op->finished() && !backend_.finish_now(op))
        while (!op->finished())
            wait(op->done);
    MmuExtension &ext = *op->ext;
    now = sc_core::sc_time_stamp();
    if (!ext.refused.empty()) {
        trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    } else {
        uint64_t end = ext.op == MmuExtension::kFlush ? ext.accept_cycle : ext.response.completion_cycle;
        sc_time at = clock().time_of(end);
        delay = at > now ? at - now : SC_ZERO_TIME;
        if (ext.op == MmuExtension::kFlush) {
            trans.set_response_status(tlm::TLM_OK_RESPONSE);
        } else if (ext.response.fault != MM_FAULT_NONE) {
            trans.set_response_status(fault_status((mm_fault)ext.response.fault));
        } else {
            trans.set_address(ext.response.pa);
            memory->b_transport(trans, delay);
            trans.set_address(op->va);
        }
    }
    finish(op);
}

// ---- approximately timed

tlm::tlm_sync_enum Mmu::nb_transport_fw(tlm::tlm_generic_payload &trans, tlm::tlm_phase &phase,
                                        sc_time &delay)
{
    if (phase == tlm::END_RESP) {
        if (delay > SC_ZERO_TIME)
            response_free_event_.notify(delay);
        else
            response_channel_free();
        return tlm::TLM_COMPLETED;
    }
    if (phase != tlm::BEGIN_REQ) {
        SC_REPORT_ERROR("mmulab/mmu", "nb_transport_fw: a phase the base protocol does not send here");
        return tlm::TLM_COMPLETED;
    }
    if (trans.has_mm())
        trans.acquire();
    if (delay > SC_ZERO_TIME) {
        arrivals_.notify(trans, delay);
        return tlm::TLM_ACCEPTED;
    }
    sc_time now = sc_core::sc_time_stamp();
    Pending *op = start(trans, now, false, true);
    if (!op->accepted)
        return tlm::TLM_ACCEPTED;
    if (!op->ext->refused.empty() || op->ext->op == MmuExtension::kFlush) {
        // finished as it was taken
        if (op->ext->refused.empty()) {
            trans.set_response_status(tlm::TLM_OK_RESPONSE);
            sc_time at = clock().time_of(op->ext->accept_cycle);
            delay = at > now ? at - now : SC_ZERO_TIME;
        } else {
            trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        }
        finish(op);
        return tlm::TLM_COMPLETED;
    }
    sc_time at = clock().time_of(op->ext->accept_cycle);
    phase = tlm::END_REQ;
    delay = at > now ? at - now : SC_ZERO_TIME;
    return tlm::TLM_UPDATED;
}

void Mmu::arrivals_thread()
{
    for (;;) {
        wait(arrivals_.get_event());
        while (tlm::tlm_generic_payload *trans = arrivals_.get_next_transaction()) {
            start(*trans, sc_core::sc_time_stamp(), false, false);
        }
    }
}

void Mmu::end_req_thread()
{
    for (;;) {
        wait(end_req_.get_event());
        while (Pending *op = end_req_.get_next_transaction()) {
            tlm::tlm_phase phase = tlm::END_REQ;
            sc_time delay = SC_ZERO_TIME;
            target->nb_transport_bw(*op->trans, phase, delay);
        }
    }
}

void Mmu::translated_thread()
{
    for (;;) {
        wait(translated_.get_event());
        while (Pending *op = translated_.get_next_transaction()) {
            MmuExtension &ext = *op->ext;
            if (!ext.refused.empty()) {
                op->trans->set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
                respond(op);
            } else if (ext.op == MmuExtension::kFlush) {
                op->trans->set_response_status(tlm::TLM_OK_RESPONSE);
                respond(op);
            } else if (ext.response.fault != MM_FAULT_NONE) {
                op->trans->set_response_status(fault_status((mm_fault)ext.response.fault));
                respond(op);
            } else {
                to_memory(op);
            }
        }
    }
}

void Mmu::to_memory(Pending *op)
{
    if (memory_sent_) {
        memory_queue_.push_back(op);
        return;
    }
    tlm::tlm_generic_payload &trans = *op->trans;
    trans.set_address(op->ext->response.pa);
    tlm::tlm_phase phase = tlm::BEGIN_REQ;
    sc_time delay = SC_ZERO_TIME;
    memory_sent_ = op;
    tlm::tlm_sync_enum status = memory->nb_transport_fw(trans, phase, delay);
    if (status == tlm::TLM_ACCEPTED)
        return;  // END_REQ or BEGIN_RESP comes on the backward path
    if (status == tlm::TLM_UPDATED && phase == tlm::END_REQ) {
        memory_end_req(op, delay);
        return;
    }
    // BEGIN_RESP at once, or completed: ends the request phase too
    memory_end_req(op, delay);
    memory_done_.notify(*op, delay);
}

void Mmu::memory_end_req(Pending *op, const sc_time &delay)
{
    if (memory_sent_ != op)
        return;
    if (delay > SC_ZERO_TIME) {
        memory_free_event_.notify(delay);
        return;
    }
    memory_free();
}

void Mmu::memory_free()
{
    memory_sent_ = nullptr;
    if (!memory_queue_.empty()) {
        Pending *next = memory_queue_.front();
        memory_queue_.pop_front();
        to_memory(next);
    }
}

tlm::tlm_sync_enum Mmu::nb_transport_bw(tlm::tlm_generic_payload &trans, tlm::tlm_phase &phase,
                                        sc_time &delay)
{
    auto it = by_trans_.find(&trans);
    if (it == by_trans_.end()) {
        SC_REPORT_ERROR("mmulab/mmu", "memory answered a transaction the MMU did not send");
        return tlm::TLM_COMPLETED;
    }
    if (phase == tlm::END_REQ) {
        memory_end_req(it->second, delay);
        return tlm::TLM_ACCEPTED;
    }
    if (phase == tlm::BEGIN_RESP) {
        // BEGIN_RESP ends the request phase too, if END_REQ never came
        memory_end_req(it->second, delay);
        memory_done_.notify(*it->second, delay);
        return tlm::TLM_COMPLETED;
    }
    SC_REPORT_ERROR("mmulab/mmu", "nb_transport_bw: a phase the base protocol does not send here");
    return tlm::TLM_COMPLETED;
}

void Mmu::memory_done_thread()
{
    for (;;) {
        wait(memory_done_.get_event());
        while (Pending *op = memory_done_.get_next_transaction()) {
            op->trans->set_address(op->va);
            respond(op);
        }
    }
}

void Mmu::respond(Pending *op)
{
    if (responding_) {
        response_queue_.push_back(op);
        return;
    }
    tlm::tlm_phase phase = tlm::BEGIN_RESP;
    sc_time delay = SC_ZERO_TIME;
    responding_ = op;
    tlm::tlm_sync_enum status = target->nb_transport_bw(*op->trans, phase, delay);
    if (status == tlm::TLM_ACCEPTED)
        return;  // until END_RESP on the forward path
    if (delay > SC_ZERO_TIME)
        response_free_event_.notify(delay);
    else
        response_channel_free();
}

void Mmu::response_channel_free()
{
    if (responding_) {
        finish(responding_);
        responding_ = nullptr;
    }
    if (!response_queue_.empty()) {
        Pending *next = response_queue_.front();
        response_queue_.pop_front();
        respond(next);
    }
}

}  // namespace mmulab_sc
