// result.h — what one lockstep run is asked to do and what it found.
#ifndef MMULAB_HARNESS_RESULT_H
#define MMULAB_HARNESS_RESULT_H

#include <cstdint>
#include <string>

namespace cosim {

struct RunOptions {
    std::string wave_path;   // FST waveform; empty: none
    uint64_t wave_from = 0;  // first cycle dumped
    unsigned history = 24;   // events of recent history in a divergence report
    uint64_t x_seed = 1;     // seed of the values registers hold before reset
    std::string rtl_coverage_path;  // Verilator line/toggle coverage data (coverage builds)
};

struct RunResult {
    enum Status { kAgree = 0, kDivergence = 1, kInputError = 2 };
    Status status = kAgree;
    std::string message;
    uint64_t divergence_cycle = 0;
    uint64_t compared = 0, cycles = 0;
    // statistics recomputed from the RTL's responses, checked against the model's
    uint64_t walks = 0, merged = 0, pte_reads = 0, pte_writes = 0, faults = 0;
    uint64_t translation_cycles = 0, last_completion = 0;
    uint64_t fault_retries = 0, fault_cycles = 0;  // the handler's answers the RTL acted on
    uint64_t shootdowns = 0;  // OS shootdowns driven into the RTL
    // functional coverage, counted on the RTL side (docs/rtl.md)
    uint64_t cov_tlb_hits[16] = {0};
    uint64_t cov_pwc_hits[8] = {0};      // walks by walk-cache level they started from
    uint64_t cov_faults[16] = {0};       // responses by mm_fault
    uint64_t cov_page_sizes[8] = {0};    // translations by page size
    uint64_t cov_flush_in_walk = 0;      // flushes taken while a walk was under way
    uint64_t cov_port_stalls = 0;        // cycles a request waited for a walk slot
    uint64_t cov_merged = 0;
    uint64_t cov_pa_above_memory = 0;    // translations to 2^52 and above (RISC-V)
    uint64_t cov_walks_overlapping = 0;  // cycles with PTE accesses of two walks outstanding
    uint64_t cov_walks_same_cycle = 0;   // cycles in which two walks answered
    bool ok() const { return status == kAgree; }
};

}  // namespace cosim

#endif
