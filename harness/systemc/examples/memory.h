// memory.h — the example platform's memory: a TLM-2.0 target with a fixed
// latency in cycles, LT (the latency annotated) and AT (END_REQ at once,
// BEGIN_RESP after the latency). It keeps the bytes written, page by page.
#ifndef MMULAB_SYSTEMC_EXAMPLES_MEMORY_H
#define MMULAB_SYSTEMC_EXAMPLES_MEMORY_H

#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/peq_with_get.h>
#include <tlm_utils/simple_target_socket.h>

namespace mmulab_sc {

class Memory : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<Memory> socket;

    Memory(const sc_core::sc_module_name &name, const sc_core::sc_time &latency);
    uint64_t accesses() const { return accesses_; }
    uint64_t last_address() const { return last_address_; }
    const sc_core::sc_time &latency() const { return latency_; }

private:
    void b_transport(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay);
    tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload &trans, tlm::tlm_phase &phase,
                                       sc_core::sc_time &delay);
    void access(tlm::tlm_generic_payload &trans);
    void respond_thread();

    sc_core::sc_time latency_;
    std::unordered_map<uint64_t, std::vector<unsigned char>> pages_;
    tlm_utils::peq_with_get<tlm::tlm_generic_payload> due_;
    std::deque<tlm::tlm_generic_payload *> ready_;
    bool responding_ = false;  // a BEGIN_RESP awaits its END_RESP
    sc_core::sc_event end_resp_;
    uint64_t accesses_ = 0, last_address_ = 0;
};

}  // namespace mmulab_sc

#endif
