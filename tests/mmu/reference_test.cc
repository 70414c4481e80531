// reference_test.cc — the MMU's TLB behaviour against an independent
// reference written here: two true-LRU set-associative TLBs (non-inclusive
// L1 and L2), requests spaced so that every fill lands before the next
// request. Catches replacement, promotion and hit-memo mistakes.
#include <list>
#include <random>
#include <vector>

#include "mmu_fixture.h"

using mmutest::Rig;
using mmutest::small_config;

namespace {

class LruTlb {
  public:
    LruTlb(unsigned sets, unsigned ways) : sets_(sets), ways_(ways), lists_(sets) {}
    bool lookup(uint64_t vpn)
    {
        auto &l = lists_[vpn % sets_];
        for (auto it = l.begin(); it != l.end(); ++it)
            if (*it == vpn) {
                l.erase(it);
                l.push_front(vpn);
                return true;
            }
        return false;
    }
    void insert(uint64_t vpn)
    {
        auto &l = lists_[vpn % sets_];
        for (auto it = l.begin(); it != l.end(); ++it)
            if (*it == vpn) {
                l.erase(it);
                break;
            }
        if (l.size() == ways_)
            l.pop_back();
        l.push_front(vpn);
    }

  private:
    unsigned sets_, ways_;
    std::vector<std::list<uint64_t>> lists_;
};

TEST(Reference, TwoLevelLruMatchesAnIndependentModel)
{
    mmu_config c = small_config();
    c.tlbs[1].tlb.n_arrays = 1;  // l1dtlb: 4K only, 16 x 4
    c.tlbs[2].tlb.arrays[0].level_mask = 1u;
    Rig rig(c);
    const uint64_t base = 0x50000000;
    const unsigned pages = 200;
    for (unsigned i = 0; i < pages; i++)
        rig.map(1, base + (uint64_t)i * 0x1000);
    LruTlb l1(4, 4), l2(16, 4);
    std::mt19937_64 rng(11);
    std::vector<uint8_t> expected;
    uint64_t page = 0;
    for (unsigned i = 0; i < 20000; i++) {
        // half the time the same page again: exercises the hit memo
        if (rng() % 2)
            page = rng() % pages;
        uint64_t vpn = (base >> 12) + page;
        rig.issue((uint64_t)i * 1000, base + page * 0x1000 + (rng() & 0xff8));
        if (l1.lookup(vpn)) {
            expected.push_back(1);
        } else if (l2.lookup(vpn)) {
            expected.push_back(2);
            l1.insert(vpn);
        } else {
            expected.push_back(MMU_HIT_WALK);
            l1.insert(vpn);
            l2.insert(vpn);
        }
    }
    mmu_drain(rig.m());
    ASSERT_EQ(rig.responses_.size(), expected.size());
    unsigned l2_hits = 0;
    for (size_t i = 0; i < expected.size(); i++) {
        ASSERT_EQ(rig.responses_[i].hit, expected[i]) << "request " << i;
        l2_hits += expected[i] == 2;
    }
    EXPECT_GT(l2_hits, 100u);  // the stream really exercises both levels
}

}  // namespace
