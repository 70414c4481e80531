// ref_walker.h — an independent reference page walker for the property test,
// written from the Intel SDM vol. 3 ch. 4 and the RISC-V privileged spec 1.12
// §4.3.2 step list, sharing no code with the model's walker.
#ifndef MMULAB_TESTS_PT_REF_WALKER_H
#define MMULAB_TESTS_PT_REF_WALKER_H

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "mmulab/walk.h"

namespace refwalk {

struct Access {
    uint64_t pa;
    uint64_t value;
    unsigned level;
    bool write;
    bool operator==(const Access &o) const
    {
        return pa == o.pa && value == o.value && level == o.level && write == o.write;
    }
};

// What a walk cache may keep of one non-leaf level the walk went through.
struct Fill {
    uint64_t next_table;
    uint8_t perm;
    bool global;
};

struct Outcome {
    mm_fault fault = MM_FAULT_NONE;
    uint64_t pa = 0;
    int level = 0;          // level of the leaf, or of the entry that faulted
    uint8_t perm = 0;
    uint64_t leaf_pte = 0;  // as in memory after the walk; as read when faulting
    int start_level = 0;
    std::vector<Access> accesses;
    std::map<int, Fill> fills;
};

// Reads the 8-byte word at pa; false: no memory there (access fault).
using ReadWord = std::function<bool(uint64_t pa, uint64_t *value)>;

// Pure: A/D updates are reported in accesses, not written to memory.
Outcome walk(const walk_ctx &ctx, const ReadWord &read, uint64_t va, mm_access access, mm_priv priv,
             const walk_start *start);

} // namespace refwalk

#endif
