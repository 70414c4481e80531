// random_feeder.cc — the constrained-random stimulus of random_feeder.h.
#include "random_feeder.h"

#include <cstring>

namespace cosim {

namespace {
constexpr unsigned kSpaces = 6;
constexpr unsigned kRegions = 4;            // VA regions per space: walk caches get shared prefixes
constexpr unsigned kLeavesPerRegion = 48;
}  // namespace

RandomFeeder::~RandomFeeder()
{
    for (auto &s : spaces_)
        pt_destroy(s.table);
    if (mmu_)
        mmu_destroy(mmu_);
    if (mem_)
        pmem_destroy(mem_);
}

uint64_t RandomFeeder::next()
{
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1Dull;
}

bool RandomFeeder::open(const mmu_config &cfg, uint64_t seed, uint64_t requests, bool faults,
                        std::string &error)
{
    cfg_ = cfg;
    cfg_fix_names(&cfg_);
    state_ = seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
    if (!state_)
        state_ = 1;
    requests_ = requests;
    mm_error err{};
    mem_ = pmem_create(&cfg_.mem, &err);
    if (!mem_) {
        error = err.msg;
        return false;
    }
    mmu_ = mmu_create(&cfg_, mem_, &err);
    if (!mmu_) {
        error = err.msg;
        return false;
    }
    if (faults)
        mmu_set_fault_fn(mmu_, on_fault, this);
    return true;
}

// The stand-in OS: the page tables stay as they are (a retried walk may
// fault again), but the decision, its cost and the shootdowns are drawn
// from the seed; a shootdown names a translation the TLBs likely hold (a
// mapped page of some space) or the faulting page itself.
mmu_fault_action RandomFeeder::on_fault(void *opaque, const mmu_request *req, mm_fault cause,
                                        uint64_t cycle)
{
    auto *self = static_cast<RandomFeeder *>(opaque);
    (void)cause;
    (void)cycle;
    unsigned shootdowns = (unsigned)self->below(3);
    for (unsigned k = 0; k < shootdowns; k++) {
        if (self->below(4) == 0) {
            mmu_shootdown(self->mmu_, req->asid, req->va);
        } else {
            const Space &s = self->spaces_[self->below(self->spaces_.size())];
            mmu_shootdown(self->mmu_, s.asid, self->pick_va(s));
        }
    }
    bool retry = self->below(3) == 0;
    return mmu_fault_action{retry, retry ? self->below(40) : 0};
}

// Leaves of every size the format holds, in a few regions, with random
// rights and A/D bits.
bool RandomFeeder::build_space(Space &s, std::string &error)
{
    mm_error err{};
    s.table = pt_create(cfg_.format, mem_, &err);
    if (!s.table) {
        error = err.msg;
        return false;
    }
    const pt_format_info *fi = pt_format_get(cfg_.format);
    unsigned top_shift = fi->va_bits - 1;
    // superpages point anywhere aligned below MAXPHYADDR (x86) and the
    // memory's width; their frames need not exist
    unsigned pa_bits = pmem_pa_bits(mem_);
    if (fi->is_x86 && cfg_.pa_bits < pa_bits)
        pa_bits = cfg_.pa_bits;
    for (unsigned region = 0; region < kRegions; region++) {
        // user half, 1 GiB aligned, below the top of the canonical range;
        // the last region is one 1 GiB page where the format has them
        uint64_t base = (below(1ull << (top_shift - 30)) << 30);
        bool giant = region == kRegions - 1 && (fi->leaf_levels & 4u);
        for (unsigned k = 0; k < (giant ? 1 : kLeavesPerRegion); k++) {
            unsigned level = giant ? 2 : 0;
            if (!giant && below(100) < 10 && (fi->leaf_levels & 2u))
                level = 1;
            uint64_t size = 1ull << MM_LEVEL_SHIFT(level);
            uint64_t va = base + below((1ull << 30) / size) * size;
            uint64_t pa;
            if (level == 0) {
                if (pmem_alloc_frame(mem_, &pa, &err))
                    continue;
            } else {
                pa = below(1ull << (pa_bits - 1 - MM_LEVEL_SHIFT(level))) << MM_LEVEL_SHIFT(level);
                // RISC-V's 44-bit PPN reaches 56-bit addresses, above any memory
                if (!fi->is_x86 && below(4) == 0)
                    pa |= 1ull << (52 + below(4));
            }
            uint32_t attrs = MM_PERM_R;
            if (below(4))
                attrs |= MM_PERM_W;
            if (below(3) == 0)
                attrs |= MM_PERM_X;
            if (below(5))
                attrs |= MM_PERM_U;
            if (below(12) == 0)
                attrs |= MM_PERM_G;
            if (below(6))
                attrs |= MM_PERM_A;
            if (below(3))
                attrs |= MM_PERM_D;
            if (!fi->is_x86 && !(attrs & (MM_PERM_R | MM_PERM_X)))
                attrs |= MM_PERM_R;
            if (pt_map(s.table, va, pa, level, attrs, &err) == MM_OK)
                s.pages.push_back(va);
        }
    }
    corrupt(s);
    return true;
}

// Illegal entries: a few PTEs on the paths of mapped pages get a fault-
// provoking bit pattern written raw.
void RandomFeeder::corrupt(Space &s)
{
    const pt_format_info *fi = pt_format_get(cfg_.format);
    unsigned n = (unsigned)(s.pages.size() / 10);
    for (unsigned i = 0; i < n; i++) {
        uint64_t va = s.pages[below(s.pages.size())];
        // mostly leaves: an upper entry poisons a whole region
        unsigned level = below(8) ? (unsigned)below(2) : (unsigned)below(fi->levels);
        uint64_t pte_pa;
        mm_error err{};
        if (pt_pte_addr(s.table, va, level, &pte_pa, &err) != MM_OK)
            continue;
        uint64_t pte = pmem_read64(mem_, pte_pa);
        switch (below(6)) {
        case 0:  // not present / invalid
            pte &= ~1ull;
            break;
        case 1:  // a reserved bit
            pte |= fi->is_x86 ? (1ull << 51) : (1ull << 55);
            break;
        case 2:  // x86: PS where it is reserved or a huge leaf's low bits; RISC-V: W without R
            pte |= fi->is_x86 ? PT_X86_PS : PT_RV_W;
            if (!fi->is_x86)
                pte &= ~PT_RV_R;
            break;
        case 3:  // misaligned superpage / odd address bits
            pte |= fi->is_x86 ? (1ull << 13) : (1ull << 10);
            break;
        case 4:  // a table outside physical memory (below MAXPHYADDR: a bus error);
                 // RISC-V also above 2^52 (PPN bit 43), which a walk cache keeps whole
            if (fi->is_x86)
                pte = (pte & ~PT_X86_ADDR_MASK) | (0x3full << 39);
            else
                pte = (pte & ~PT_RV_PPN_MASK) | (below(2) ? (0xffull << 38) : (1ull << 53));
            break;
        default:  // A/D cleared
            pte &= fi->is_x86 ? ~(PT_X86_A | PT_X86_D) : ~(PT_RV_A | PT_RV_D);
            break;
        }
        pmem_write64(mem_, pte_pa, pte);
    }
}

uint64_t RandomFeeder::pick_va(const Space &s)
{
    const pt_format_info *fi = pt_format_get(cfg_.format);
    uint64_t r = below(100);
    if (r < 60 && !s.pages.empty()) {
        // a small hot set, so the TLBs hit and the walk caches matter
        uint64_t va = s.pages[below(s.pages.size() < 24 ? s.pages.size() : 24)];
        return va + below(4096);
    }
    r = below(100);
    if (r < 2) {  // non-canonical
        return (1ull << (fi->va_bits + 1)) | below(1ull << 30);
    }
    if (r < 8 || s.pages.empty())  // somewhere near, most likely unmapped
        return below(1ull << (fi->va_bits - 1));
    uint64_t va = s.pages[below(s.pages.size())];
    // a page inside the leaf (superpages cover many 4 KiB pages)
    return va + (below(8) << 12) + below(4096);
}

bool RandomFeeder::issue_flush(std::string &error)
{
    mmu_flush f{};
    const pt_format_info *fi = pt_format_get(cfg_.format);
    const Space &s = spaces_[below(spaces_.size())];
    f.cycle = cycle_;
    f.asid = s.asid;
    f.va = pick_va(s);
    uint64_t r = below(fi->is_x86 ? 8 : 5);
    if (r < 4) {
        f.kind = (mmu_flush_kind)r;
    } else if (fi->is_x86) {
        f.kind = (mmu_flush_kind)(r == 4 ? MMU_FLUSH_X86_INVLPG : r == 5 ? MMU_FLUSH_X86_CR3 : MMU_FLUSH_X86_INVPCID);
        f.invpcid_type = (uint8_t)below(4);
        f.cr3 = pt_root(s.table) | s.asid | (below(2) ? PT_X86_CR3_NOFLUSH : 0);
    } else {
        f.kind = MMU_FLUSH_RV_SFENCE_VMA;
        f.has_va = below(2);
        f.has_asid = below(2);
    }
    mm_error err{};
    if (mmu_flush_issue(mmu_, &f, &err)) {
        error = err.msg;
        return false;
    }
    cycle_ = mmu_port_cycle(mmu_);
    return true;
}

bool RandomFeeder::feed(std::string &error)
{
    if (finished_)
        return false;
    if (spaces_.empty()) {
        // the RTL's context port takes one address space per cycle: the
        // first request comes after every context is written
        cycle_ = 2 * kSpaces;
        spaces_.resize(kSpaces);
        for (unsigned i = 0; i < kSpaces; i++) {
            Space &s = spaces_[i];
            s.asid = (uint16_t)(1 + i * 7);
            if (!build_space(s, error))
                return false;
            walk_ctx ctx;
            mmu_context_defaults(mmu_, &ctx, pt_root(s.table), s.asid);
            ctx.smep = below(2);
            ctx.smap = below(2);
            ctx.wp = below(4) != 0;
            ctx.sum = below(2);
            ctx.mxr = below(2);
            mm_error err{};
            if (mmu_set_context(mmu_, &ctx, &err)) {
                error = err.msg;
                return false;
            }
        }
        return true;
    }
    for (unsigned k = 0; k < 64 && issued_ < requests_; k++, issued_++) {
        cycle_ += below(4) == 0 ? below(6) : 0;
        if (below(150) == 0) {
            // a page-table change, then the flush that announces it
            Space &s = spaces_[below(spaces_.size())];
            if (!s.pages.empty() && below(2)) {
                uint64_t va = s.pages[below(s.pages.size())];
                mm_error err{};
                pt_protect(s.table, va, MM_PERM_R | MM_PERM_U | MM_PERM_A | (below(2) ? MM_PERM_W : 0), &err);
            }
            if (!issue_flush(error))
                return false;
            continue;
        }
        const Space &s = spaces_[below(4) ? below(2) : below(spaces_.size())];
        mmu_request req{};
        req.id = ++id_;
        req.cycle = cycle_;
        req.va = pick_va(s);
        req.asid = s.asid;
        req.access = (uint8_t)below(3);
        req.priv = below(8) == 0 ? MM_PRIV_SUPERVISOR : MM_PRIV_USER;
        mm_error err{};
        if (mmu_issue(mmu_, &req, &err)) {
            error = err.msg;
            return false;
        }
        cycle_ = mmu_port_cycle(mmu_);
    }
    if (issued_ >= requests_) {
        mmu_drain(mmu_);
        finished_ = true;
        return false;
    }
    return true;
}

std::string RandomFeeder::describe_position() const
{
    return "random request " + std::to_string(issued_);
}

}  // namespace cosim
