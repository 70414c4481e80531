// shape.h — one RTL build (a set of elaboration-time parameters, package
// mmu_cfg_pkg) linked into the harness. Every config whose generated
// package equals a build's can be cross-checked on that build.
#ifndef MMULAB_HARNESS_SHAPE_H
#define MMULAB_HARNESS_SHAPE_H

#include "model_side.h"
#include "result.h"

namespace cosim {

struct Shape {
    const char *name;
    const char *package;     // the text of its mmu_cfg_pkg.sv
    unsigned hit_lanes, walkers, merge_slots;
    RunResult (*run)(ModelSide &model, const cfg_rtl_inputs &inputs, const RunOptions &opt);
    bool rtl_coverage;       // Verilated with --coverage (mmulab-cosim-cov)
};

// Every build linked in; count in *n.
const Shape *shapes(unsigned *n);

}  // namespace cosim

#endif
