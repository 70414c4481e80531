// sweep_test_util.h — what the sweep tests compare against: a textbook LRU
// TLB simulated one configuration at a time (hash map + recency list), a
// set-associative one built from it, the model's own TLB driven the way the
// MMU drives it, and seeded synthetic reference streams.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <list>
#include <random>
#include <unordered_map>
#include <vector>

#include "mmulab/sweep.h"
#include "mmulab/tlb.h"

namespace sweep_test {

using Keys = std::vector<uint64_t>;

// One fully associative true-LRU TLB of `entries` entries.
class LruTlb {
  public:
    explicit LruTlb(size_t entries) : entries_(entries) {}
    // True on a hit; a miss fills, evicting the least recently used page.
    bool Access(uint64_t key)
    {
        auto it = where_.find(key);
        if (it != where_.end()) {
            order_.splice(order_.begin(), order_, it->second);
            return true;
        }
        order_.push_front(key);
        where_[key] = order_.begin();
        if (order_.size() > entries_) {
            where_.erase(order_.back());
            order_.pop_back();
        }
        return false;
    }

  private:
    size_t entries_;
    std::list<uint64_t> order_;  // most recent first
    std::unordered_map<uint64_t, std::list<uint64_t>::iterator> where_;
};

// sets x ways, set = key % sets (bit selection), true LRU in each set.
class SetAssocTlb {
  public:
    SetAssocTlb(uint32_t sets, uint32_t ways) : mask_(sets - 1u), sets_(sets, LruTlb(ways)) {}
    bool Access(uint64_t key) { return sets_[key & mask_].Access(key); }

  private:
    uint64_t mask_;
    std::vector<LruTlb> sets_;
};

inline uint64_t FaMisses(const Keys &keys, size_t entries)
{
    LruTlb t(entries);
    uint64_t misses = 0;
    for (uint64_t k : keys)
        misses += !t.Access(k);
    return misses;
}

inline uint64_t SaMisses(const Keys &keys, uint32_t sets, uint32_t ways)
{
    SetAssocTlb t(sets, ways);
    uint64_t misses = 0;
    for (uint64_t k : keys)
        misses += !t.Access(k);
    return misses;
}

// The model TLB (tlb.h) with one array of `entries` entries in `ways` ways,
// true LRU, holding pages of one size; a key is (asid << 52) | page number,
// as the sweep forms it. A miss inserts the translation, as a walk would.
class ModelTlb {
  public:
    ModelTlb(uint32_t entries, uint32_t ways, unsigned level = 0) : level_(level)
    {
        tlb_config c{};
        c.name = "sweep_ref";
        c.n_arrays = 1;
        c.arrays[0] = tlb_array_config{entries, ways, 1u << level};
        c.replacement = REPL_LRU;
        c.lfsr_seed = REPL_LFSR_DEFAULT_SEED;
        mm_error err{};
        t_ = tlb_create(&c, &err);
        EXPECT_NE(t_, nullptr) << err.msg;
    }
    ~ModelTlb() { tlb_destroy(t_); }
    ModelTlb(const ModelTlb &) = delete;
    ModelTlb &operator=(const ModelTlb &) = delete;
    bool Access(uint64_t key)
    {
        uint64_t page = key & ((1ull << 52) - 1u);
        uint16_t asid = static_cast<uint16_t>(key >> 52);
        tlb_entry e{};
        if (tlb_lookup(t_, page << MM_LEVEL_SHIFT(level_), asid, &e, nullptr))
            return true;
        e = tlb_entry{page, page + 7u, asid, static_cast<uint8_t>(level_), MM_PERM_R};
        tlb_insert(t_, &e, nullptr);
        return false;
    }
    uint64_t Misses(const Keys &keys)
    {
        uint64_t misses = 0;
        for (uint64_t k : keys)
            misses += !Access(k);
        return misses;
    }

  private:
    unsigned level_;
    tlb *t_ = nullptr;
};

inline uint64_t Key(uint64_t asid, uint64_t page)
{
    return (asid << 52) | page;
}

// Uniformly random pages 0..pages-1 of one process.
inline Keys Uniform(size_t n, uint64_t pages, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    Keys k(n);
    for (auto &x : k)
        x = Key(1, rng() % pages);
    return k;
}

// rounds passes over pages 0..length-1 in order (LRU's worst case).
inline Keys Cyclic(size_t rounds, uint64_t length)
{
    Keys k;
    for (size_t r = 0; r < rounds; r++)
        for (uint64_t p = 0; p < length; p++)
            k.push_back(Key(1, p));
    return k;
}

// A skewed mix: hot pages (cubed uniform), sequential runs with each page
// repeated 1..4 times, strides of 2^j pages (set conflicts), and three
// processes sharing page numbers.
inline Keys Structured(size_t n, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    Keys k;
    uint64_t seq = 1000;
    while (k.size() < n) {
        uint64_t asid = 1 + rng() % 3;
        switch (rng() % 4) {
        case 0:
            for (int i = 0; i < 16; i++) {
                double x = u(rng);
                k.push_back(Key(asid, static_cast<uint64_t>(600.0 * x * x * x)));
            }
            break;
        case 1:
            for (int i = 0; i < 12; i++, seq++)
                for (uint64_t rep = 1 + rng() % 4; rep; rep--)
                    k.push_back(Key(asid, seq % 5000));
            break;
        case 2: {
            uint64_t stride = 1ull << (rng() % 8), base = rng() % 64;
            for (uint64_t i = 0; i < 10; i++)
                k.push_back(Key(asid, base + i * stride));
            break;
        }
        default:
            for (int i = 0; i < 8; i++)
                k.push_back(Key(asid, rng() % 200));
            break;
        }
    }
    k.resize(n);
    return k;
}

}  // namespace sweep_test
