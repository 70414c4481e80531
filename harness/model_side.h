// model_side.h — the C model's half of the lockstep cross-check: it runs the
// trace through the model (sim) a little ahead of the RTL and keeps, in the
// order the model produced them, every input the MMU took (requests,
// flushes, contexts), every PTE memory access of every walk (address,
// value, issue cycle, latency) and every response. The RTL driver replays
// the inputs, serves its PTE port from the accesses and checks its
// responses against the model's.
#ifndef MMULAB_HARNESS_MODEL_SIDE_H
#define MMULAB_HARNESS_MODEL_SIDE_H

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "mmulab/config.h"
#include "mmulab/mmu.h"
#include "mmulab/sim.h"
#include "mmulab/trace.h"

namespace cosim {

struct Op {
    mmu_event_kind kind;      // REQUEST, FLUSH or CONTEXT
    uint64_t cycle;           // model's accept / effect cycle
    mmu_request req;
    mmu_flush flush;
    walk_ctx ctx;
};

struct PteAccess {
    uint64_t pa, value, cycle;
    uint32_t latency;
    uint8_t level, is_write, error;
};

// What the fault handler (the OS layer) decided about a faulting walk.
// An OS shootdown the handler made: the mapping of va in address space asid
struct Shootdown {
    uint16_t asid;
    uint64_t va;
};

struct FaultDecision {
    uint64_t cycle, cost;
    uint8_t fault;
    bool retry;
    std::vector<Shootdown> shootdowns;  // made while deciding, in order
};

// Where the model's inputs come from: a trace through sim, or the random
// stimulus generator (random_feeder.cc).
class Feeder {
public:
    virtual ~Feeder() = default;
    // Pushes more work into the model; false when there is no more.
    virtual bool feed(std::string &error) = 0;
    virtual mmu *model_mmu() = 0;
    virtual std::string describe_position() const = 0;
};

class ModelSide {
public:
    explicit ModelSide(Feeder *feeder) : feeder_(feeder) {}
    void attach(mmu *m);      // installs the event and response observers

    // Runs the model further; false when it has nothing more to give.
    bool more(std::string &error);
    bool done() const { return done_; }

    std::deque<Op> ops;
    std::unordered_map<uint64_t, std::deque<PteAccess>> pte;
    std::unordered_map<uint64_t, std::deque<FaultDecision>> faults;  // by request id
    std::unordered_map<uint64_t, mmu_response> responses;
    uint64_t responses_total = 0;
    std::string unsupported;  // an event the RTL cross-check does not handle yet
    std::vector<Shootdown> shootdowns_pending;  // made by the handler call under way

    static void on_event(void *opaque, const mmu_event *e);
    static void on_response(void *opaque, const mmu_response *r);

private:
    Feeder *feeder_;
    bool done_ = false;
};

// A trace through the simulated machine, as `mmulab run` does.
class TraceFeeder : public Feeder {
public:
    TraceFeeder() = default;
    ~TraceFeeder() override;
    bool open(const mmu_config &cfg, const std::string &path, uint64_t max_records,
              std::string &error);
    bool feed(std::string &error) override;
    mmu *model_mmu() override { return sim_mmu(sim_); }
    std::string describe_position() const override;
    sim *machine() { return sim_; }

private:
    sim *sim_ = nullptr;
    trace_reader *reader_ = nullptr;
    std::string path_;
    uint64_t max_records_ = 0, records_ = 0;
    bool finished_ = false;
    std::vector<trace_record> batch_;
};

}  // namespace cosim

#endif
