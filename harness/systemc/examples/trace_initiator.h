// trace_initiator.h — a trace-driven initiator: a machine (sim.h) reads the
// trace — pages mapped at first touch, processes, mmap/munmap, flushes,
// issue cycles from the instruction counts — and every translation request
// and flush it makes goes out as a transaction on the socket at its issue
// cycle (sim_set_port), LT or AT. The machine's MMU is the one the MMU
// component's back-end wraps, so the run is `mmulab run`'s, through TLM.
#ifndef MMULAB_SYSTEMC_EXAMPLES_TRACE_INITIATOR_H
#define MMULAB_SYSTEMC_EXAMPLES_TRACE_INITIATOR_H

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "mmu_tlm.h"
#include "mmulab/sim.h"
#include "mmulab/trace.h"

namespace mmulab_sc {

class TraceInitiator : public sc_core::sc_module, private tlm::tlm_mm_interface {
public:
    enum class Style { kLooselyTimed, kApproximatelyTimed };
    // What the socket showed of one translation.
    struct Record {
        mmu_response response;        // as the MmuExtension carried it back
        uint64_t accept_cycle;
        tlm::tlm_response_status status;
        sc_core::sc_time begin;       // BEGIN_REQ (LT: the b_transport call)
        sc_core::sc_time end_req;     // END_REQ (LT: the call's time)
        sc_core::sc_time end;         // BEGIN_RESP (LT: the call's time + annotated delay)
    };

    tlm_utils::simple_initiator_socket<TraceInitiator> socket;

    // The machine and reader stay the caller's; max_records 0: all.
    TraceInitiator(const sc_core::sc_module_name &name, sim *machine, trace_reader *reader,
                   uint64_t max_records, Style style, const Clock &clock);
    ~TraceInitiator() override;

    // Called with each translation as its response comes back.
    std::function<void(const Record &)> on_record;

    bool done() const { return done_; }
    const std::string &error() const { return error_; }
    uint64_t translations() const { return translations_; }
    uint64_t flushes() const { return flushes_; }
    // requests sent after their issue cycle had begun (the socket held them up)
    uint64_t late() const { return late_; }

private:
    struct Slot {
        tlm::tlm_generic_payload trans;
        MmuExtension ext;
        unsigned char data[8];
        bool translation;
        Record record;
    };

    void run();
    static int port_request(void *opaque, const mmu_request *req, uint64_t *accepted, mm_error *err);
    static int port_flush(void *opaque, const mmu_flush *flush, mm_error *err);
    Slot *take_slot();
    void free(tlm::tlm_generic_payload *trans) override;
    int send(Slot *slot, uint64_t cycle, mm_error *err);
    tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload &trans, tlm::tlm_phase &phase,
                                       sc_core::sc_time &delay);
    void answered(Slot *slot, const sc_core::sc_time &at);

    sim *machine_;
    trace_reader *reader_;
    uint64_t max_records_;
    Style style_;
    const Clock &clock_;
    std::vector<Slot *> all_, free_;
    Slot *waiting_end_req_ = nullptr;
    sc_core::sc_event end_req_, answered_;
    uint64_t outstanding_ = 0, translations_ = 0, flushes_ = 0, late_ = 0;
    bool done_ = false;
    std::string error_;
};

}  // namespace mmulab_sc

#endif
