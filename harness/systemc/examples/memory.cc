// memory.cc — the example platform's memory (memory.h).
#include "memory.h"

#include <cstring>

namespace mmulab_sc {

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

Memory::Memory(const sc_core::sc_module_name &name, const sc_time &latency)
    : sc_core::sc_module(name), socket("socket"), latency_(latency), due_("due")
{
    socket.register_b_transport(this, &Memory::b_transport);
    socket.register_nb_transport_fw(this, &Memory::nb_transport_fw);
    SC_HAS_PROCESS(Memory);
    SC_THREAD(respond_thread);
}

void Memory::access(tlm::tlm_generic_payload &trans)
{
    constexpr uint64_t kPage = 4096;
    uint64_t addr = trans.get_address();
    unsigned char *data = trans.get_data_ptr();
    unsigned length = trans.get_data_length();
    accesses_++;
    last_address_ = addr;
    if (trans.get_byte_enable_ptr() || trans.get_streaming_width() < length) {
        trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    for (unsigned i = 0; i < length; i++) {
        uint64_t a = addr + i;
        std::vector<unsigned char> &page = pages_[a / kPage];
        if (page.empty())
            page.assign(kPage, 0);
        if (trans.is_write())
            page[a % kPage] = data[i];
        else if (trans.is_read())
            data[i] = page[a % kPage];
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

void Memory::b_transport(tlm::tlm_generic_payload &trans, sc_time &delay)
{
    access(trans);
    delay += latency_;
}

tlm::tlm_sync_enum Memory::nb_transport_fw(tlm::tlm_generic_payload &trans, tlm::tlm_phase &phase,
                                           sc_time &delay)
{
    if (phase == tlm::END_RESP) {
        responding_ = false;
        end_resp_.notify();
        return tlm::TLM_COMPLETED;
    }
    if (phase != tlm::BEGIN_REQ) {
        SC_REPORT_ERROR("mmulab/memory", "nb_transport_fw: unexpected phase");
        return tlm::TLM_COMPLETED;
    }
    if (trans.has_mm())
        trans.acquire();
    access(trans);
    due_.notify(trans, delay + latency_);
    phase = tlm::END_REQ;
    return tlm::TLM_UPDATED;
}

void Memory::respond_thread()
{
    for (;;) {
        wait(due_.get_event());
        while (tlm::tlm_generic_payload *trans = due_.get_next_transaction())
            ready_.push_back(trans);
        while (!ready_.empty()) {
            // one response in flight at a time (the base protocol's exclusion rule)
            while (responding_)
                wait(end_resp_);
            tlm::tlm_generic_payload *trans = ready_.front();
            ready_.pop_front();
            tlm::tlm_phase phase = tlm::BEGIN_RESP;
            sc_time delay = SC_ZERO_TIME;
            tlm::tlm_sync_enum status = socket->nb_transport_bw(*trans, phase, delay);
            if (status == tlm::TLM_ACCEPTED)
                responding_ = true;
            if (trans->has_mm())
                trans->release();
        }
    }
}

}  // namespace mmulab_sc
