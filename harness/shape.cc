// shape.cc — compiled once per RTL build with MMULAB_SHAPE (its name) and
// the Verilated class Vmmu_<name>: the lockstep driver for that build.
#include "lockstep.h"
#include "shape.h"

#define MMULAB_CAT2(a, b) a##b
#define MMULAB_CAT(a, b) MMULAB_CAT2(a, b)
#define MMULAB_VCLASS MMULAB_CAT(Vmmu_, MMULAB_SHAPE)
#include MMULAB_VHEADER

namespace cosim {

RunResult MMULAB_CAT(run_, MMULAB_SHAPE)(ModelSide &model, const cfg_rtl_inputs &inputs,
                                        const RunOptions &opt);

RunResult MMULAB_CAT(run_, MMULAB_SHAPE)(ModelSide &model, const cfg_rtl_inputs &inputs,
                                        const RunOptions &opt)
{
    Lockstep<MMULAB_VCLASS> lockstep(model, inputs, MMULAB_HIT_LANES, MMULAB_WALKERS, MMULAB_MERGE_SLOTS,
                                            opt);
    return lockstep.run();
}

}  // namespace cosim
