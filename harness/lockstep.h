// lockstep.h — drives one Verilated mmu_top cycle by cycle beside the C
// model: replays the model's inputs at the cycles the model took them,
// serves the RTL's PTE port with the model's accesses (checking address,
// kind, value written and issue cycle first), and compares every response
// and its completion cycle. Stops at the first divergence with a report.
// A template over the Verilated class, instantiated once per RTL build
// (shape.cc).
#ifndef MMULAB_HARNESS_LOCKSTEP_H
#define MMULAB_HARNESS_LOCKSTEP_H

#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "rtl_io.h"
#include "model_side.h"
#include "result.h"
#include "verilated.h"
#include "verilated_fst_c.h"
#if VM_COVERAGE
#include "verilated_cov.h"
#endif

namespace cosim {

// Bits [lsb, lsb+width) of a Verilated port, width <= 64.
template <class T> inline uint64_t port_bits(const T &v, unsigned lsb, unsigned width)
{
    uint64_t x = (uint64_t)v >> lsb;
    return width >= 64 ? x : x & ((1ull << width) - 1);
}
template <std::size_t N>
inline uint64_t port_bits(const VlWide<N> &v, unsigned lsb, unsigned width)
{
    uint64_t x = 0;
    for (unsigned i = 0; i < width; i++) {
        unsigned b = lsb + i;
        if ((v[b / 32] >> (b % 32)) & 1u)
            x |= 1ull << i;
    }
    return x;
}
template <class T> inline void set_port_bits(T &v, unsigned lsb, unsigned width, uint64_t x)
{
    uint64_t mask = (width >= 64 ? ~0ull : (1ull << width) - 1) << lsb;
    v = (T)(((uint64_t)v & ~mask) | ((x << lsb) & mask));
}
template <std::size_t N>
inline void set_port_bits(VlWide<N> &v, unsigned lsb, unsigned width, uint64_t x)
{
    for (unsigned i = 0; i < width; i++) {
        unsigned b = lsb + i;
        if ((x >> i) & 1u)
            v[b / 32] |= 1u << (b % 32);
        else
            v[b / 32] &= ~(1u << (b % 32));
    }
}

template <class V> class Lockstep {
public:
    Lockstep(ModelSide &model, const cfg_rtl_inputs &inputs, unsigned hit_lanes, unsigned walkers,
             unsigned merge_slots, const RunOptions &opt)
        : model_(model), inputs_(inputs), hit_lanes_(hit_lanes), walkers_(walkers),
          lanes_(hit_lanes + walkers + merge_slots), opt_(opt), mem_pending_(walkers)
    {
        context_ = std::make_unique<VerilatedContext>();
        // every register the reset forgets starts random (--x-initial unique):
        // a missing reset shows up as a divergence, not as a friendly zero
        context_->randReset(2);
        context_->randSeed((int)(opt.x_seed & 0x7fffffff));
        if (!opt.wave_path.empty())
            context_->traceEverOn(true);
        top_ = std::make_unique<V>(context_.get());
        if (!opt.wave_path.empty()) {
            fst_ = std::make_unique<VerilatedFstC>();
            top_->trace(fst_.get(), 99);
            fst_->open(opt.wave_path.c_str());
        }
    }
    ~Lockstep()
    {
        if (fst_)
            fst_->close();
        top_->final();
#if VM_COVERAGE
        if (!opt_.rtl_coverage_path.empty())
            context_->coveragep()->write(opt_.rtl_coverage_path.c_str());
#endif
    }

    // Whether this build counts Verilator line/toggle coverage.
    static constexpr bool kCoverage = VM_COVERAGE != 0;

    RunResult run()
    {
        reset();
        std::string error;
        while (result_.ok()) {
            if (finished())
                break;
            cycle();
            if (t_ - last_progress_ > kHangCycles)
                diverge("the RTL made no progress for " + std::to_string(kHangCycles) + " cycles");
        }
        if (result_.ok())
            check_end();
        result_.cycles = t_;
        return result_;
    }

private:
    static constexpr uint64_t kHangCycles = 2000000;

    struct PendingRsp {
        uint64_t due, data;
        bool error;
    };

    // An asynchronous active-low reset needs a falling edge; two clock edges
    // inside it, then release with the clock low. Cycle 0 follows. The
    // configuration (and idle ports) are latched first (mmu_cosim_top).
    void reset()
    {
        top_->clk_i = 0;
        top_->latch_i = 0;
        top_->rst_ni = 1;
        drive_config();
        idle_ports();
        top_->eval();
        latch();
        top_->latch_i = 0;
        top_->rst_ni = 0;
        top_->eval();
        for (int i = 0; i < 2; i++) {
            top_->clk_i = 1;
            top_->eval();
            top_->clk_i = 0;
            top_->eval();
        }
        top_->rst_ni = 1;
        top_->eval();
    }

    void drive_config()
    {
        top_->cfg_tlb_latency_i = tlb_latency_port(inputs_);
        top_->cfg_tlb_inclusion_i = tlb_inclusion_port(inputs_);
        top_->cfg_pwc_probe_cycles_i = inputs_.pwc_probe_cycles;
        top_->cfg_pte_cache_cycles_i = inputs_.pte_cache_cycles;
        top_->cfg_step_cycles_i = inputs_.step_cycles;
        top_->cfg_fill_cycles_i = inputs_.fill_cycles;
        top_->cfg_merge_i = inputs_.merge;
    }

    bool finished()
    {
        if (!pending_ && model_.ops.empty() && !model_.done())
            need_model();
        return model_.done() && model_.ops.empty() && !pending_ && outstanding_ == 0 &&
               mem_idle();
    }

    bool mem_idle() const
    {
        for (const auto &lane : mem_pending_)
            if (!lane.empty())
                return false;
        return true;
    }

    void need_model()
    {
        std::string error;
        model_.more(error);
        if (!error.empty())
            fail_input(error);
        if (!model_.unsupported.empty())
            fail_input("the cross-check does not handle " + model_.unsupported + " yet");
    }

    void fail_input(const std::string &why)
    {
        if (result_.ok()) {
            result_.status = RunResult::kInputError;
            result_.message = why;
        }
    }

    // Recent history, kept as records and formatted only for a report.
    struct Event {
        enum Kind { kContext, kRequest, kFlush, kPte, kResponse, kFault, kShootdown } kind;
        uint64_t cycle;
        uint64_t id, addr, value;
        uint16_t asid;
        uint8_t a, b, c;
        mmu_response rsp;
    };

    Event &note(typename Event::Kind kind)
    {
        if (history_.size() < opt_.history) {
            history_.emplace_back();
            Event &e = history_.back();
            e.kind = kind;
            e.cycle = t_;
            return e;
        }
        Event &e = history_[history_next_];
        history_next_ = (history_next_ + 1) % history_.size();
        e.kind = kind;
        e.cycle = t_;
        return e;
    }

    std::string format(const Event &e) const
    {
        std::string line = "cycle " + std::to_string(e.cycle) + ": ";
        switch (e.kind) {
        case Event::kContext:
            return line + "context asid " + std::to_string(e.asid) + " root 0x" + hex(e.addr);
        case Event::kRequest:
            return line + "request id " + std::to_string(e.id) + " va 0x" + hex(e.addr) + " asid " +
                   std::to_string(e.asid) + " " + mm_access_name((mm_access)e.a) + " accepted";
        case Event::kFlush:
            return line + "flush kind " + std::to_string(e.a) + " asid " + std::to_string(e.asid) +
                   " va 0x" + hex(e.addr);
        case Event::kPte:
            return line + "PTE " + (e.b ? "write" : "read") + " pa 0x" + hex(e.addr) + " level " +
                   std::to_string(e.a) + (e.b ? " value 0x" + hex(e.value) : "") + " for request " +
                   std::to_string(e.id);
        case Event::kResponse:
            return line + "response id " + std::to_string(e.rsp.id) + ": " + describe(e.rsp);
        case Event::kFault:
            return line + "walk of request " + std::to_string(e.id) + " faulted (" +
                   mm_fault_name((mm_fault)e.a) + "): the handler retries it " + std::to_string(e.value) +
                   " cycles after its completion";
        case Event::kShootdown:
            return line + "the handler, for request " + std::to_string(e.id) + ", shoots down va 0x" +
                   hex(e.addr) + " of asid " + std::to_string(e.asid);
        }
        return line;
    }

    void diverge(const std::string &what)
    {
        if (!result_.ok())
            return;
        result_.status = RunResult::kDivergence;
        result_.divergence_cycle = t_;
        std::ostringstream o;
        o << "first divergence at cycle " << t_ << " after " << result_.compared
          << " translations compared: " << what << "\n  recent history (oldest first):\n";
        for (size_t i = 0; i < history_.size(); i++)
            o << "    " << format(history_[(history_next_ + i) % history_.size()]) << "\n";
        result_.message = o.str();
    }

    void drive_context(const walk_ctx &c)
    {
        top_->ctx_we_i = 1;
        top_->ctx_asid_i = c.asid;
        for (const PortField &f : ctx_fields(c))
            set_port_bits(top_->ctx_i, f.lsb, f.width, f.value);
        Event &e = note(Event::kContext);
        e.asid = c.asid;
        e.addr = c.root_pa;
    }

    void idle_ports()
    {
        top_->req_valid_i = 0;
        top_->flush_valid_i = 0;
        top_->ctx_we_i = 0;
        top_->mem_rsp_valid_i = 0;
        top_->mem_rsp_error_i = 0;
        top_->fault_retry_i = 0;
        top_->sd_valid_i = 0;
    }

    // The inputs set since the last latch reach mmu_top, without a clock edge.
    void latch()
    {
        top_->latch_i = 0;
        top_->eval();
        top_->latch_i = 1;
        top_->eval();
    }

    void cycle()
    {
        idle_ports();

        if (!pending_) {
            if (model_.ops.empty())
                need_model();
            if (!model_.ops.empty() && model_.ops.front().kind == MMU_EVENT_CONTEXT) {
                drive_context(model_.ops.front().ctx);
                model_.ops.pop_front();
                last_progress_ = t_;
                // the operation after it may share the cycle (the context is
                // in force in the cycle it is written)
                if (model_.ops.empty())
                    need_model();
            }
            if (!model_.ops.empty() && model_.ops.front().kind != MMU_EVENT_CONTEXT) {
                op_ = model_.ops.front();
                model_.ops.pop_front();
                pending_ = true;
                uint64_t issue = op_.kind == MMU_EVENT_REQUEST ? op_.req.cycle : op_.flush.cycle;
                uint64_t free_at = took_any_ ? last_take_ + 1 : 0;
                present_from_ = issue > free_at ? issue : free_at;
            }
        }
        bool presenting = pending_ && t_ >= present_from_;
        if (presenting && op_.kind == MMU_EVENT_REQUEST) {
            top_->req_valid_i = 1;
            top_->req_id_i = op_.req.id;
            top_->req_va_i = op_.req.va;
            top_->req_asid_i = op_.req.asid;
            top_->req_access_i = op_.req.access;
            top_->req_priv_i = op_.req.priv;
        } else if (presenting) {
            const mmu_flush &f = op_.flush;
            top_->flush_valid_i = 1;
            top_->flush_kind_i = (uint8_t)f.kind;
            top_->flush_asid_i = f.asid;
            top_->flush_va_i = f.va;
            top_->flush_cr3_pcid_i = (uint16_t)(f.cr3 & 0xfffu);
            top_->flush_cr3_noflush_i = (uint8_t)(f.cr3 >> 63);
            top_->flush_invpcid_type_i = f.invpcid_type & 3u;
            top_->flush_has_va_i = f.has_va;
            top_->flush_has_asid_i = f.has_asid;
        }
        for (unsigned w = 0; w < walkers_; w++) {
            std::deque<PendingRsp> &lane = mem_pending_[w];
            if (!lane.empty() && lane.front().due == t_) {
                set_port_bits(top_->mem_rsp_valid_i, w, 1, 1);
                set_port_bits(top_->mem_rsp_data_i, kPteW * w, kPteW, lane.front().data);
                set_port_bits(top_->mem_rsp_error_i, w, 1, lane.front().error);
                lane.pop_front();
            }
        }
        // one evaluation: the clock edge that ends cycle t-1 (there is none
        // before cycle 0) and cycle t's inputs (mmu_cosim_top)
        top_->latch_i = 1;
        top_->clk_i = t_ > 0;
        top_->eval();
        // the fault handler answers in the cycle it is asked
        if (port_bits(top_->fault_valid_o, 0, walkers_) && answer_faults())
            latch();
        if (fst_ && t_ >= opt_.wave_from)
            fst_->dump(2 * t_);

        if (top_->overflow_o)
            diverge(overflow_text(top_->overflow_o));
        unsigned lanes_waiting = 0;
        for (const auto &lane : mem_pending_)
            lanes_waiting += !lane.empty();
        result_.cov_walks_overlapping += lanes_waiting >= 2;
        uint64_t mem_valid = port_bits(top_->mem_req_valid_o, 0, walkers_);
        for (unsigned w = 0; mem_valid && w < walkers_ && result_.ok(); w++)
            if ((mem_valid >> w) & 1u)
                serve_pte(w);
        check_responses();
        if (presenting) {
            bool taken = op_.kind == MMU_EVENT_FLUSH || top_->req_ready_o;
            if (op_.kind == MMU_EVENT_FLUSH && top_->walk_busy_o)
                result_.cov_flush_in_walk++;
            if (!taken)
                result_.cov_port_stalls++;
            if (taken)
                take_op();
        }

        // both low again, so the next cycle's evaluation sees rising edges;
        // nothing in the design is sensitive to a falling one
        top_->clk_i = 0;
        top_->latch_i = 0;
        top_->eval();
        if (fst_ && t_ >= opt_.wave_from)
            fst_->dump(2 * t_ + 1);
        t_++;
    }

    void take_op()
    {
        pending_ = false;
        took_any_ = true;
        last_take_ = t_;
        last_progress_ = t_;
        if (op_.kind == MMU_EVENT_REQUEST) {
            Event &e = note(Event::kRequest);
            e.id = op_.req.id;
            e.addr = op_.req.va;
            e.asid = op_.req.asid;
            e.a = op_.req.access;
            issue_cycle_[op_.req.id] = op_.req.cycle;
            outstanding_++;
            if (op_.cycle != t_)
                diverge("request id " + std::to_string(op_.req.id) + " accepted by the RTL at cycle " +
                        std::to_string(t_) + ", by the model at cycle " + std::to_string(op_.cycle));
        } else {
            Event &e = note(Event::kFlush);
            e.a = (uint8_t)op_.flush.kind;
            e.asid = op_.flush.asid;
            e.addr = op_.flush.va;
            if (op_.cycle != t_)
                diverge("flush took effect in the RTL at cycle " + std::to_string(t_) +
                        ", in the model at cycle " + std::to_string(op_.cycle));
        }
    }

    // A walk of each lane whose fault_valid_o is up faulted; it completes
    // next cycle, when the model called its fault handler. Answers with the
    // model's decision (retry, and the cost), checked against the cause and
    // cycle; a walk the model answered without the handler is not retried.
    // Whether the inputs changed.
    bool answer_faults()
    {
        uint64_t valid = port_bits(top_->fault_valid_o, 0, walkers_);
        bool changed = false;
        unsigned sd_lanes = 0;  // of 2 per walker (mmu_top's SdLanes)
        for (unsigned w = 0; w < walkers_ && result_.ok(); w++) {
            if (!((valid >> w) & 1u))
                continue;
            uint64_t id = port_bits(top_->fault_id_o, 64 * w, 64);
            unsigned cause = (unsigned)port_bits(top_->fault_cause_o, 4 * w, 4);
            auto it = model_.faults.find(id);
            while ((it == model_.faults.end() || it->second.empty()) &&
                   model_.responses.find(id) == model_.responses.end() && !model_.done() && result_.ok()) {
                need_model();
                it = model_.faults.find(id);
            }
            if (it == model_.faults.end() || it->second.empty())
                continue;
            FaultDecision d = it->second.front();
            it->second.pop_front();
            if (it->second.empty())
                model_.faults.erase(it);
            if (d.cycle != t_ + 1 || d.fault != cause) {
                diverge("the RTL's walk for request " + std::to_string(id) + " faulted (" +
                        mm_fault_name((mm_fault)cause) + ") completing at cycle " + std::to_string(t_ + 1) +
                        "; the model's handler saw " + mm_fault_name((mm_fault)d.fault) + " at cycle " +
                        std::to_string(d.cycle));
                return changed;
            }
            for (const Shootdown &sd : d.shootdowns) {
                if (sd_lanes == 2 * walkers_) {
                    fail_input("more than " + std::to_string(2 * walkers_) +
                               " OS shootdowns in one cycle (the RTL takes two per walker); request " +
                               std::to_string(id) + "'s fault made " + std::to_string(d.shootdowns.size()));
                    return changed;
                }
                set_port_bits(top_->sd_valid_i, sd_lanes, 1, 1);
                set_port_bits(top_->sd_asid_i, 16 * sd_lanes, 16, sd.asid);
                set_port_bits(top_->sd_va_i, 64 * sd_lanes, 64, sd.va);
                sd_lanes++;
                changed = true;
                result_.shootdowns++;
                Event &e = note(Event::kShootdown);
                e.id = id;
                e.asid = sd.asid;
                e.addr = sd.va;
            }
            if (!d.retry)
                continue;
            if (d.cost > 0xffffffffull) {
                fail_input("a fault cost of " + std::to_string(d.cost) +
                           " cycles, above the RTL's 32-bit fault_cycles_i");
                return changed;
            }
            set_port_bits(top_->fault_retry_i, w, 1, 1);
            set_port_bits(top_->fault_cycles_i, 32 * w, 32, d.cost);
            changed = true;
            result_.fault_retries++;
            result_.fault_cycles += d.cost;
            result_.walks++;  // a walk that gives no response of its own
            Event &e = note(Event::kFault);
            e.id = id;
            e.a = (uint8_t)cause;
            e.value = d.cost;
        }
        return changed;
    }

    // The PTE access walker w makes now, served on its lane.
    void serve_pte(unsigned w)
    {
        uint64_t id = port_bits(top_->mem_req_id_o, 64 * w, 64);
        uint64_t pa = port_bits(top_->mem_req_pa_o, 64 * w, 64);
        bool write = port_bits(top_->mem_req_write_o, w, 1);
        unsigned level = (unsigned)port_bits(top_->mem_req_level_o, kLevelW * w, kLevelW);
        uint64_t value = port_bits(top_->mem_req_wdata_o, kPteW * w, kPteW);
        auto it = model_.pte.find(id);
        while ((it == model_.pte.end() || it->second.empty()) && !model_.done() && result_.ok()) {
            need_model();
            it = model_.pte.find(id);
        }
        Event &ev = note(Event::kPte);
        ev.id = id;
        ev.addr = pa;
        ev.value = value;
        ev.a = (uint8_t)level;
        ev.b = write;
        if (it == model_.pte.end() || it->second.empty()) {
            diverge("the RTL's walk for request " + std::to_string(id) + " made a PTE " +
                    describe_pte(write, pa, level, value) + " the model's walk did not make");
            return;
        }
        PteAccess a = it->second.front();
        it->second.pop_front();
        if (it->second.empty())
            model_.pte.erase(it);
        if (!pte_matches(a, write, pa, level, value, t_)) {
            diverge(describe_pte_difference(id, a, write, pa, level, value, t_));
            return;
        }
        mem_pending_[w].push_back(PendingRsp{t_ + a.latency, a.is_write ? 0 : a.value, a.error != 0});
        // counted here, so the walks a fault retry ends (no response) count too
        (write ? result_.pte_writes : result_.pte_reads)++;
        last_progress_ = t_;
    }

    void check_responses()
    {
        uint64_t valid = port_bits(top_->rsp_valid_o, 0, lanes_);
        uint64_t walk_lanes = (valid >> hit_lanes_) & ((1ull << walkers_) - 1);
        result_.cov_walks_same_cycle += (walk_lanes & (walk_lanes - 1)) != 0;
        for (unsigned lane = 0; valid && lane < lanes_; lane++) {
            if (!((valid >> lane) & 1u))
                continue;
            uint64_t id = port_bits(top_->rsp_id_o, 64 * lane, 64);
            mmu_response r{};
            r.id = id;
            r.pa = port_bits(top_->rsp_pa_o, kPaW * lane, kPaW);
            r.level = (uint8_t)port_bits(top_->rsp_level_o, kLevelW * lane, kLevelW);
            r.fault = (uint8_t)port_bits(top_->rsp_fault_o, 4 * lane, 4);
            uint64_t hit = port_bits(top_->rsp_hit_o, 4 * lane, 4);
            r.hit = hit == 0xf ? MMU_HIT_WALK : (uint8_t)hit;
            r.pwc_level = (uint8_t)port_bits(top_->rsp_pwc_level_o, kLevelW * lane, kLevelW);
            r.pte_reads = (uint8_t)port_bits(top_->rsp_pte_reads_o, 8 * lane, 8);
            r.pte_writes = (uint8_t)port_bits(top_->rsp_pte_writes_o, 8 * lane, 8);
            r.merged = (uint8_t)port_bits(top_->rsp_merged_o, lane, 1);
            r.completion_cycle = t_;
            compare(r);
            if (!result_.ok())
                return;
        }
    }

    void compare(const mmu_response &r)
    {
        auto it = model_.responses.find(r.id);
        while (it == model_.responses.end() && !model_.done() && result_.ok()) {
            need_model();
            it = model_.responses.find(r.id);
        }
        note(Event::kResponse).rsp = r;
        if (it == model_.responses.end()) {
            diverge("the RTL answered request " + std::to_string(r.id) +
                    ", which the model has not answered: RTL " + describe(r));
            return;
        }
        const mmu_response &m = it->second;
        if (!same_response(m, r)) {
            diverge(describe_difference(m, r));
            return;
        }
        auto issue = issue_cycle_.find(r.id);
        if (issue != issue_cycle_.end()) {
            result_.translation_cycles += r.completion_cycle - issue->second;
            issue_cycle_.erase(issue);
        }
        if (r.completion_cycle > result_.last_completion)
            result_.last_completion = r.completion_cycle;
        result_.walks += r.hit == MMU_HIT_WALK && !r.merged;
        if (r.hit != MMU_HIT_WALK)
            result_.cov_tlb_hits[r.hit & 15]++;
        else if (!r.merged)
            result_.cov_pwc_hits[r.pwc_level & 7]++;
        result_.cov_faults[r.fault & 15]++;
        if (r.fault == MM_FAULT_NONE)
            result_.cov_page_sizes[r.level & 7]++;
        result_.cov_merged += r.merged;
        result_.cov_pa_above_memory += r.fault == MM_FAULT_NONE && (r.pa >> kMemPaW) != 0;
        result_.merged += r.merged;
        result_.faults += r.fault != MM_FAULT_NONE;
        result_.compared++;
        model_.responses.erase(it);
        outstanding_--;
        last_progress_ = t_;
    }

    void check_end()
    {
        if (!model_.responses.empty()) {
            diverge("the model answered request " + std::to_string(model_.responses.begin()->first) +
                    ", which the RTL never answered");
            return;
        }
        if (!model_.pte.empty())
            diverge("the model's walk for request " + std::to_string(model_.pte.begin()->first) +
                    " made PTE accesses the RTL never made");
        else if (!model_.faults.empty())
            diverge("the model's fault handler decided about the walk of request " +
                    std::to_string(model_.faults.begin()->first) + ", which the RTL never reported");
    }

    ModelSide &model_;
    cfg_rtl_inputs inputs_;
    unsigned hit_lanes_, walkers_, lanes_;
    const RunOptions &opt_;
    std::unique_ptr<VerilatedContext> context_;
    std::unique_ptr<V> top_;
    std::unique_ptr<VerilatedFstC> fst_;
    RunResult result_;
    uint64_t t_ = 0, last_take_ = 0, present_from_ = 0, last_progress_ = 0, outstanding_ = 0;
    bool pending_ = false, took_any_ = false;
    Op op_{};
    std::vector<std::deque<PendingRsp>> mem_pending_;  // per walker lane
    std::vector<Event> history_;
    size_t history_next_ = 0;
    std::unordered_map<uint64_t, uint64_t> issue_cycle_;
};

}  // namespace cosim

#endif
