// mmu_tlm.h — mmulab's MMU as a SystemC / TLM-2.0 component (docs/systemc.md).
// Mmu takes virtual-address transactions on its target socket, translates
// them through a back-end — the C model (ModelBackend) or the Verilated RTL
// (RtlBackend) — and sends the successful ones on to memory, at their
// physical address, through its initiator socket. Loosely-timed
// (b_transport, the translation's latency annotated) and approximately-timed
// (nb_transport: END_REQ when the request port takes the request, BEGIN_RESP
// when the translation and the memory access are done) initiators are both
// served. A fault comes back as an error response with the cause in the
// MmuExtension. Semantics and timing are the back-end's; this adapts them.
#ifndef MMULAB_SYSTEMC_MMU_TLM_H
#define MMULAB_SYSTEMC_MMU_TLM_H

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/peq_with_get.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "mmulab/mmu.h"

namespace mmulab_sc {

// Model cycles on the SystemC time axis: cycle c starts at origin + c *
// period. The origin leaves room for the RTL's reset, and both back-ends
// use it so their times can be compared. A transaction arriving inside a
// cycle is issued in the next one.
class Clock {
public:
    static constexpr unsigned kResetCycles = 2;
    explicit Clock(const sc_core::sc_time &period) : period_(period), origin_(period * kResetCycles) {}
    const sc_core::sc_time &period() const { return period_; }
    const sc_core::sc_time &origin() const { return origin_; }
    sc_core::sc_time time_of(uint64_t cycle) const
    {
        return sc_core::sc_time::from_value(origin_.value() + period_.value() * cycle);
    }
    // The cycle a transaction arriving at t is issued in (rounded up).
    uint64_t issue_cycle(const sc_core::sc_time &t) const
    {
        if (t <= origin_)
            return 0;
        uint64_t c = cycles_since_origin(t);
        return time_of(c) < t ? c + 1 : c;
    }
    // The cycle under way at t (rounded down).
    uint64_t cycle_at(const sc_core::sc_time &t) const
    {
        return t <= origin_ ? 0 : cycles_since_origin(t);
    }

private:
    uint64_t cycles_since_origin(const sc_core::sc_time &t) const
    {
        return (t - origin_).value() / period_.value();
    }
    sc_core::sc_time period_, origin_;
};

// Carried by a transaction through the MMU. The initiator fills the first
// group (without the extension: a read is a load, a write a store, in the
// MMU's default address space, user mode); the MMU fills the rest.
class MmuExtension : public tlm::tlm_extension<MmuExtension> {
public:
    enum Op : uint8_t { kTranslate = 0, kFlush = 1 };
    Op op = kTranslate;
    uint16_t asid = 0;
    mm_access access = MM_ACCESS_LOAD;
    mm_priv priv = MM_PRIV_USER;
    mmu_flush flush{};          // kFlush: what to invalidate (its cycle comes from the time)

    // Answered by the MMU: the model's response record (pa, page size level,
    // fault cause, hit TLB or walk, issue and completion cycles, ...), the
    // cycle the request port took the operation, and why the MMU refused
    // it (an unknown address space, ...; the response status is then
    // TLM_GENERIC_ERROR_RESPONSE).
    mmu_response response{};
    uint64_t accept_cycle = 0;
    std::string refused;

    tlm::tlm_extension_base *clone() const override { return new MmuExtension(*this); }
    void copy_from(const tlm::tlm_extension_base &other) override
    {
        *this = static_cast<const MmuExtension &>(other);
    }
};

// The response status of a translation that faulted: the page is not
// there (or the address is not one) -> address error; the page is there
// but forbids this access -> command error.
tlm::tlm_response_status fault_status(mm_fault fault);

// One operation inside the MMU, from arrival to its last phase.
struct Pending {
    tlm::tlm_generic_payload *trans = nullptr;
    MmuExtension *ext = nullptr;
    MmuExtension own_ext;       // used when the transaction carries none
    uint64_t issue_cycle = 0;
    uint64_t id = 0;            // the back-end's request id
    uint64_t va = 0;
    bool lt = false;            // a b_transport call waits for it
    bool accepted = false, answered = false;
    sc_core::sc_event done;     // LT on a back-end that takes time: accepted (a flush) or answered
    bool finished() const { return answered || (accepted && ext->op == MmuExtension::kFlush); }
};

// What a back-end tells the MMU about an operation. accepted() may come
// before or after answered(), but never after the accept cycle has begun;
// answered() never after the completion cycle has begun.
class BackendSink {
public:
    virtual ~BackendSink() = default;
    virtual void accepted(Pending *op, uint64_t accept_cycle) = 0;
    virtual void answered(Pending *op, const mmu_response &r) = 0;
    virtual void refused(Pending *op, const std::string &why) = 0;
};

// A back-end: the thing that translates. Both kinds are sc_modules built
// before the Mmu and handed to it.
class Backend : public sc_core::sc_module {
public:
    Backend(const sc_core::sc_module_name &name, const sc_core::sc_time &period)
        : sc_core::sc_module(name), clock_(period) {}
    const Clock &clock() const { return clock_; }
    // The C model: the MMU that translates (model back-end), or the one whose
    // walks serve the RTL's page-table memory port (RTL back-end). Page
    // tables live in its physical memory; its statistics make the report.
    virtual mmu *model() = 0;
    virtual const char *kind() const = 0;
    // Registers (or replaces) an address space, as mmu_set_context; the
    // error message, or "".
    virtual std::string set_context(const walk_ctx &ctx);
    // Whether an operation can be finished without SystemC time passing
    // (finish_now); if not, b_transport first waits out its delay.
    virtual bool timeless() const = 0;
    // The operation arrived in its issue cycle (op->issue_cycle).
    virtual void submit(Pending *op) = 0;
    // LT: finish op without letting SystemC time pass, if this back-end can
    // (the C model runs to completion); false: wait for answered().
    virtual bool finish_now(Pending *op) = 0;

    void attach(BackendSink *sink) { sink_ = sink; }

protected:
    // Issues op into the C model m at op's issue cycle: a flush, or a
    // request with id op.id. The model's status, err set on failure.
    static int issue_into(mmu *m, const Pending &op, mm_error *err);

    BackendSink *sink_ = nullptr;
    Clock clock_;
};

class Mmu : public sc_core::sc_module, private BackendSink {
public:
    tlm_utils::simple_target_socket<Mmu> target;      // virtual addresses in
    tlm_utils::simple_initiator_socket<Mmu> memory;   // physical addresses out

    Mmu(const sc_core::sc_module_name &name, Backend &backend, uint16_t default_asid = 1);
    ~Mmu() override;

    Backend &backend() { return backend_; }
    const Clock &clock() const { return backend_.clock(); }
    std::string set_context(const walk_ctx &ctx) { return backend_.set_context(ctx); }

private:
    // target socket
    void b_transport(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay);
    tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload &trans, tlm::tlm_phase &phase,
                                       sc_core::sc_time &delay);
    // initiator socket
    tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload &trans, tlm::tlm_phase &phase,
                                       sc_core::sc_time &delay);

    // in_fw: inside nb_transport_fw, which returns the accept itself
    Pending *start(tlm::tlm_generic_payload &trans, const sc_core::sc_time &arrival, bool lt,
                   bool in_fw);
    void finish(Pending *op);
    void accepted(Pending *op, uint64_t accept_cycle) override;
    void answered(Pending *op, const mmu_response &r) override;
    void refused(Pending *op, const std::string &why) override;

    // AT: the phases the MMU sends, at their times
    void arrivals_thread();
    void end_req_thread();
    void translated_thread();
    void memory_done_thread();
    void to_memory(Pending *op);
    void memory_end_req(Pending *op, const sc_core::sc_time &delay);
    void memory_free();
    void respond(Pending *op);
    void response_channel_free();

    Backend &backend_;
    uint16_t default_asid_;
    tlm_utils::peq_with_get<tlm::tlm_generic_payload> arrivals_;
    tlm_utils::peq_with_get<Pending> end_req_, translated_, memory_done_;
    std::unordered_map<tlm::tlm_generic_payload *, Pending *> by_trans_;
    std::vector<std::unique_ptr<Pending>> pool_;
    std::vector<Pending *> free_;
    Pending *in_begin_req_ = nullptr;   // the op a nb_transport_fw call is starting
    uint64_t last_issue_cycle_ = 0;
    Pending *memory_sent_ = nullptr;    // its BEGIN_REQ to memory awaits END_REQ
    std::deque<Pending *> memory_queue_;
    Pending *responding_ = nullptr;     // its BEGIN_RESP upstream awaits END_RESP
    std::deque<Pending *> response_queue_;
    sc_core::sc_event memory_free_event_, response_free_event_;
};

}  // namespace mmulab_sc

#endif
