// random_feeder.h — constrained-random stimulus for the cross-check: a
// machine of its own (physical memory, the model MMU) with random page
// tables for several ASIDs — every page size the format has, legal and
// illegal PTEs (not present, reserved bits, bad encodings, misaligned
// superpages, A/D clear, user/supervisor mixes, tables outside memory) —
// random translation-context flags per ASID, random requests (mapped,
// unmapped and non-canonical addresses, every access type, both
// privileges) and random flushes of every kind, many landing while walks
// are in flight, with page-table changes before some of them. With
// `faults`, a fault handler stands in for an OS: it retries some faulting
// walks after a random cost and shoots down random translations (up to two
// per fault), so shootdowns land on walks, promotions and merges in flight.
// Reproducible from the seed.
#ifndef MMULAB_HARNESS_RANDOM_FEEDER_H
#define MMULAB_HARNESS_RANDOM_FEEDER_H

#include <cstdint>
#include <string>
#include <vector>

#include "model_side.h"
#include "mmulab/pt.h"

namespace cosim {

class RandomFeeder : public Feeder {
public:
    RandomFeeder() = default;
    ~RandomFeeder() override;
    bool open(const mmu_config &cfg, uint64_t seed, uint64_t requests, bool faults, std::string &error);
    bool feed(std::string &error) override;
    mmu *model_mmu() override { return mmu_; }
    std::string describe_position() const override;

private:
    struct Space {
        pt *table = nullptr;
        uint16_t asid = 0;
        std::vector<uint64_t> pages;   // VAs of mapped leaves (any size), for hits
    };
    uint64_t next();                   // xorshift64*
    uint64_t below(uint64_t n) { return n ? next() % n : 0; }
    bool build_space(Space &s, std::string &error);
    void corrupt(Space &s);
    uint64_t pick_va(const Space &s);
    bool issue_flush(std::string &error);
    static mmu_fault_action on_fault(void *opaque, const mmu_request *req, mm_fault cause,
                                     uint64_t cycle);

    mmu_config cfg_{};
    pmem *mem_ = nullptr;
    mmu *mmu_ = nullptr;
    std::vector<Space> spaces_;
    uint64_t state_ = 1, requests_ = 0, issued_ = 0, cycle_ = 0, id_ = 0;
    bool finished_ = false;
};

}  // namespace cosim

#endif
