// trace_initiator.cc — the trace-driven initiator (trace_initiator.h).
#include "trace_initiator.h"

#include <cstring>

namespace mmulab_sc {

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

TraceInitiator::TraceInitiator(const sc_core::sc_module_name &name, sim *machine,
                               trace_reader *reader, uint64_t max_records, Style style,
                               const Clock &clock)
    : sc_core::sc_module(name), socket("socket"), machine_(machine), reader_(reader),
      max_records_(max_records), style_(style), clock_(clock)
{
    socket.register_nb_transport_bw(this, &TraceInitiator::nb_transport_bw);
    SC_HAS_PROCESS(TraceInitiator);
    SC_THREAD(run);
    // the machine's walks and the trace decoder run on this thread's stack
    set_stack_size(16u << 20);
}

TraceInitiator::~TraceInitiator()
{
    for (Slot *s : all_) {
        s->trans.clear_extension(&s->ext);  // a member, not the payload's to delete
        delete s;
    }
}

void TraceInitiator::run()
{
    sim_port port{port_request, port_flush, this};
    sim_set_port(machine_, &port);
    std::vector<trace_record> batch(4096);
    uint64_t records = 0;
    mm_error err{};
    for (;;) {
        size_t want = batch.size();
        if (max_records_ && max_records_ - records < want)
            want = (size_t)(max_records_ - records);
        long n = want ? trace_read(reader_, batch.data(), want, &err) : 0;
        if (n < 0) {
            error_ = err.msg;
            break;
        }
        if (n == 0)
            break;
        if (sim_feed(machine_, batch.data(), (size_t)n, &err)) {
            error_ = err.msg;
            break;
        }
        records += (uint64_t)n;
    }
    while (outstanding_)
        wait(answered_);
    sim_set_port(machine_, nullptr);
    sim_finish(machine_);
    done_ = true;
    sc_core::sc_stop();
}

TraceInitiator::Slot *TraceInitiator::take_slot()
{
    if (free_.empty()) {
        Slot *s = new Slot();
        s->trans.set_mm(this);
        s->trans.set_extension(&s->ext);
        all_.push_back(s);
        free_.push_back(s);
    }
    Slot *s = free_.back();
    free_.pop_back();
    s->trans.acquire();
    return s;
}

void TraceInitiator::free(tlm::tlm_generic_payload *trans)
{
    for (Slot *s : all_)
        if (&s->trans == trans) {
            free_.push_back(s);
            return;
        }
}

int TraceInitiator::port_request(void *opaque, const mmu_request *req, uint64_t *accepted,
                                 mm_error *err)
{
    auto *self = static_cast<TraceInitiator *>(opaque);
    Slot *s = self->take_slot();
    tlm::tlm_generic_payload &t = s->trans;
    // traces carry addresses, not data: one byte read or written
    std::memset(s->data, 0, sizeof s->data);
    t.set_command(req->access == MM_ACCESS_STORE ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    t.set_address(req->va);
    t.set_data_ptr(s->data);
    t.set_data_length(1);
    t.set_streaming_width(1);
    t.set_byte_enable_ptr(nullptr);
    t.set_dmi_allowed(false);
    s->ext.op = MmuExtension::kTranslate;
    s->ext.asid = req->asid;
    s->ext.access = (mm_access)req->access;
    s->ext.priv = (mm_priv)req->priv;
    s->translation = true;
    s->record = Record{};
    int rc = self->send(s, req->cycle, err);
    *accepted = s->ext.accept_cycle;
    return rc;
}

int TraceInitiator::port_flush(void *opaque, const mmu_flush *flush, mm_error *err)
{
    auto *self = static_cast<TraceInitiator *>(opaque);
    Slot *s = self->take_slot();
    tlm::tlm_generic_payload &t = s->trans;
    t.set_command(tlm::TLM_IGNORE_COMMAND);
    t.set_address(flush->va);
    t.set_data_ptr(s->data);
    t.set_data_length(0);
    t.set_streaming_width(0);
    t.set_byte_enable_ptr(nullptr);
    s->ext.op = MmuExtension::kFlush;
    s->ext.flush = *flush;
    s->translation = false;
    self->flushes_++;
    return self->send(s, flush->cycle, err);
}

// Sends one operation in its issue cycle; returns when the MMU's port has
// taken it (so the machine's next issue waits for a stalled port).
int TraceInitiator::send(Slot *s, uint64_t cycle, mm_error *err)
{
    sc_time at = clock_.time_of(cycle), now = sc_core::sc_time_stamp();
    if (at > now)
        wait(at - now);
    else if (at < now)
        late_++;
    tlm::tlm_generic_payload &t = s->trans;
    Record *rec = s->translation ? &s->record : nullptr;
    if (rec)
        rec->begin = sc_core::sc_time_stamp();
    if (style_ == Style::kLooselyTimed) {
        sc_time delay = SC_ZERO_TIME;
        socket->b_transport(t, delay);
        if (rec) {
            rec->end_req = rec->begin;
            answered(s, sc_core::sc_time_stamp() + delay);
        }
        if (!s->ext.refused.empty()) {
            int rc = mm_fail(err, MM_ERR_INVALID, "%s", s->ext.refused.c_str());
            t.release();
            return rc;
        }
        t.release();
        return MM_OK;
    }
    outstanding_++;
    tlm::tlm_phase phase = tlm::BEGIN_REQ;
    sc_time delay = SC_ZERO_TIME;
    waiting_end_req_ = s;
    tlm::tlm_sync_enum status = socket->nb_transport_fw(t, phase, delay);
    if (status == tlm::TLM_UPDATED && phase == tlm::END_REQ) {
        if (rec)
            rec->end_req = sc_core::sc_time_stamp() + delay;
        if (delay > SC_ZERO_TIME)
            wait(delay);
        waiting_end_req_ = nullptr;
    } else if (status == tlm::TLM_COMPLETED) {
        if (rec)
            rec->end_req = sc_core::sc_time_stamp() + delay;
        if (delay > SC_ZERO_TIME)
            wait(delay);
        waiting_end_req_ = nullptr;
        answered(s, sc_core::sc_time_stamp());
    } else {
        while (waiting_end_req_ == s)
            wait(end_req_);  // nb_transport_bw notes the time
    }
    if (!s->ext.refused.empty())
        return mm_fail(err, MM_ERR_INVALID, "%s", s->ext.refused.c_str());
    return MM_OK;
}

tlm::tlm_sync_enum TraceInitiator::nb_transport_bw(tlm::tlm_generic_payload &trans,
                                                   tlm::tlm_phase &phase, sc_time &delay)
{
    Slot *s = nullptr;
    for (Slot *c : all_)
        if (&c->trans == &trans)
            s = c;
    if (!s) {
        SC_REPORT_ERROR("mmulab/initiator", "a phase for a transaction this initiator did not send");
        return tlm::TLM_COMPLETED;
    }
    if (phase == tlm::END_REQ || phase == tlm::BEGIN_RESP) {
        // BEGIN_RESP ends the request phase too
        if (waiting_end_req_ == s) {
            waiting_end_req_ = nullptr;
            if (s->translation)
                s->record.end_req = sc_core::sc_time_stamp() + delay;
            end_req_.notify();
        }
    }
    if (phase == tlm::END_REQ)
        return tlm::TLM_ACCEPTED;
    if (phase == tlm::BEGIN_RESP) {
        answered(s, sc_core::sc_time_stamp() + delay);
        return tlm::TLM_COMPLETED;
    }
    SC_REPORT_ERROR("mmulab/initiator", "nb_transport_bw: unexpected phase");
    return tlm::TLM_COMPLETED;
}

void TraceInitiator::answered(Slot *s, const sc_time &at)
{
    if (s->translation) {
        Record &rec = s->record;
        rec.response = s->ext.response;
        rec.accept_cycle = s->ext.accept_cycle;
        rec.status = s->trans.get_response_status();
        rec.end = at;
        translations_++;
        if (on_record)
            on_record(rec);
    }
    if (style_ == Style::kApproximatelyTimed) {
        outstanding_--;
        answered_.notify();
        s->trans.release();
    }
}

}  // namespace mmulab_sc
