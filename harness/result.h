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
    bool ok() const { return status == kAgree; }
};

}  // namespace cosim

#endif
