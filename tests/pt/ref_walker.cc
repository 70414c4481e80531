// ref_walker.cc — the reference walker (see ref_walker.h). Written to read
// like the specifications: bit fields by (hi, lo) position, the x86 access
// rights as a decision table, and RISC-V as the numbered steps of §4.3.2.
#include "pt/ref_walker.h"

#include <utility>

namespace refwalk {
namespace {

uint64_t field(uint64_t x, unsigned hi, unsigned lo)
{
    unsigned width = hi - lo + 1;
    uint64_t mask = width >= 64 ? ~0ull : (1ull << width) - 1;
    return (x >> lo) & mask;
}

bool bit(uint64_t x, unsigned n) { return (x >> n) & 1; }

bool sign_extended(uint64_t va, unsigned width)
{
    int64_t s = static_cast<int64_t>(va << (64 - width)) >> (64 - width);
    return static_cast<uint64_t>(s) == va;
}

// Reads through the walk's own A/D updates, as hardware would on a table
// that points back into itself.
class WalkMemory {
  public:
    WalkMemory(const ReadWord &read, Outcome &out) : read_(read), out_(out) {}
    bool load(uint64_t pa, int level, uint64_t *value)
    {
        auto it = written_.find(pa);
        bool ok = it != written_.end() ? (*value = it->second, true) : read_(pa, value);
        if (!ok)
            *value = 0;
        out_.accesses.push_back({pa, *value, static_cast<unsigned>(level), false});
        return ok;
    }
    void store(uint64_t pa, int level, uint64_t value)
    {
        written_[pa] = value;
        out_.accesses.push_back({pa, value, static_cast<unsigned>(level), true});
    }

  private:
    const ReadWord &read_;
    Outcome &out_;
    std::map<uint64_t, uint64_t> written_;
};

Outcome stop(Outcome o, mm_fault f, int level, uint64_t entry)
{
    o.fault = f;
    o.level = level;
    o.leaf_pte = entry;
    o.pa = 0;
    o.perm = 0;
    return o;
}

// ---------------------------------------------------------------- x86-64

Outcome x86(const walk_ctx &ctx, const ReadWord &read, uint64_t va, mm_access access, mm_priv priv,
            const walk_start *start)
{
    const int levels = ctx.format == PT_X86_64_5LEVEL ? 5 : 4;
    const unsigned maxphyaddr = ctx.pa_bits;
    Outcome o;
    int lvl = levels - 1;
    uint64_t table = ctx.root_pa;
    // Rights as the SDM phrases them: R/W and U/S must be 1 in every entry,
    // XD must be 0 in every entry.
    bool rw = true, us = true, xd = false;
    if (start && start->level < static_cast<unsigned>(levels)) {
        lvl = static_cast<int>(start->level);
        table = start->table_pa;
        rw = start->perm & MM_PERM_W;
        us = start->perm & MM_PERM_U;
        xd = !(start->perm & MM_PERM_X);
    }
    table = field(table, 63, 12) << 12;
    o.start_level = lvl;
    if (!sign_extended(va, levels == 5 ? 57 : 48))
        return stop(o, MM_FAULT_NON_CANONICAL, lvl, 0);

    WalkMemory memory(read, o);
    for (;; lvl--) {
        uint64_t entry_pa = table + field(va, 12 + 9 * lvl + 8, 12 + 9 * lvl) * 8;
        uint64_t e;
        if (!memory.load(entry_pa, lvl, &e))
            return stop(o, MM_FAULT_BUS_ERROR, lvl, 0);
        if (!bit(e, 0))
            return stop(o, MM_FAULT_NOT_PRESENT, lvl, e);
        bool maps_page = lvl == 0 || bit(e, 7);
        bool reserved = (maxphyaddr < 52 && field(e, 51, maxphyaddr) != 0) || (!ctx.nxe && bit(e, 63)) ||
                        (lvl >= 3 && bit(e, 7)) || (lvl == 2 && maps_page && field(e, 29, 13) != 0) ||
                        (lvl == 1 && maps_page && field(e, 20, 13) != 0);
        if (reserved)
            return stop(o, MM_FAULT_RESERVED, lvl, e);
        rw = rw && bit(e, 1);
        us = us && bit(e, 2);
        if (ctx.nxe)
            xd = xd || bit(e, 63);
        if (!maps_page) {
            if (!bit(e, 5)) {
                e |= 1ull << 5;
                memory.store(entry_pa, lvl, e);
            }
            table = field(e, 51, 12) << 12;
            uint8_t rights = MM_PERM_R | (rw ? MM_PERM_W : 0) | (us ? MM_PERM_U : 0) | (xd ? 0 : MM_PERM_X);
            o.fills[lvl] = {table, rights, false};
            continue;
        }

        const bool user = priv == MM_PRIV_USER;
        const bool fetch = access == MM_ACCESS_IFETCH;
        const bool write = access == MM_ACCESS_STORE;
        const std::pair<bool, mm_fault> rules[] = {
            {user && !us, MM_FAULT_PERM_USER},
            {!user && fetch && us && ctx.smep, MM_FAULT_PERM_SUPERVISOR},
            {!user && !fetch && us && ctx.smap, MM_FAULT_PERM_SUPERVISOR},
            {write && !rw && (user || ctx.wp), MM_FAULT_PERM_WRITE},
            {fetch && xd, MM_FAULT_PERM_EXEC},
        };
        for (const auto &rule : rules)
            if (rule.first)
                return stop(o, rule.second, lvl, e);

        uint64_t after = e | (1ull << 5) | (write ? 1ull << 6 : 0);
        if (after != e)
            memory.store(entry_pa, lvl, after);
        unsigned page_bits = 12 + 9 * lvl;
        o.pa = (field(e, 51, page_bits) << page_bits) | field(va, page_bits - 1, 0);
        o.level = lvl;
        o.leaf_pte = after;
        o.perm = MM_PERM_R | MM_PERM_A | (rw ? MM_PERM_W : 0) | (us ? MM_PERM_U : 0) | (xd ? 0 : MM_PERM_X) |
                 (bit(after, 6) ? MM_PERM_D : 0) | (bit(e, 8) ? MM_PERM_G : 0);
        return o;
    }
}

// ---------------------------------------------------------------- RISC-V

Outcome riscv(const walk_ctx &ctx, const ReadWord &read, uint64_t va, mm_access access, mm_priv priv,
              const walk_start *start)
{
    const int LEVELS = ctx.format == PT_SV39 ? 3 : ctx.format == PT_SV48 ? 4 : 5;
    const uint64_t PAGESIZE = 4096, PTESIZE = 8;
    Outcome o;
    uint64_t vpn[5];
    for (int k = 0; k < 5; k++)
        vpn[k] = field(va, 12 + 9 * k + 8, 12 + 9 * k);

    // Step 1.
    uint64_t a = (ctx.root_pa / PAGESIZE) * PAGESIZE;
    int i = LEVELS - 1;
    bool global = false;
    if (start && start->level < static_cast<unsigned>(LEVELS)) {
        a = (start->table_pa / PAGESIZE) * PAGESIZE;
        i = static_cast<int>(start->level);
        global = start->global;
    }
    o.start_level = i;
    if (!sign_extended(va, 12 + 9 * LEVELS))
        return stop(o, MM_FAULT_NON_CANONICAL, i, 0);

    WalkMemory memory(read, o);
    uint64_t pte = 0, pte_addr = 0;
    int step = 2;
    for (;;) {
        switch (step) {
        case 2: {
            pte_addr = a + vpn[i] * PTESIZE;
            if (!memory.load(pte_addr, i, &pte))
                return stop(o, MM_FAULT_BUS_ERROR, i, 0);
            step = 3;
            break;
        }
        case 3: {
            bool v = bit(pte, 0), r = bit(pte, 1), w = bit(pte, 2);
            uint64_t pbmt = field(pte, 62, 61);
            if (!v)
                return stop(o, MM_FAULT_NOT_PRESENT, i, pte);
            bool reserved = (!r && w) || field(pte, 60, 54) != 0 || (bit(pte, 63) && !ctx.svnapot) ||
                            (pbmt != 0 && !ctx.svpbmt) || pbmt == 3;
            if (reserved)
                return stop(o, MM_FAULT_RESERVED, i, pte);
            step = 4;
            break;
        }
        case 4: {
            if (bit(pte, 1) || bit(pte, 3)) {
                step = 5;
                break;
            }
            // Non-leaf: D, A, U (and N, PBMT) are reserved for future use.
            if (bit(pte, 7) || bit(pte, 6) || bit(pte, 4) || bit(pte, 63) || field(pte, 62, 61) != 0)
                return stop(o, MM_FAULT_RESERVED, i, pte);
            if (i - 1 < 0)
                return stop(o, MM_FAULT_NO_LEAF, i, pte);
            global = global || bit(pte, 5);
            a = field(pte, 53, 10) * PAGESIZE;
            o.fills[i] = {a, MM_PERM_R | MM_PERM_W | MM_PERM_X | MM_PERM_U, global};
            i = i - 1;
            step = 2;
            break;
        }
        case 5: {
            bool r = bit(pte, 1), w = bit(pte, 2), x = bit(pte, 3), u = bit(pte, 4);
            bool smode = priv == MM_PRIV_SUPERVISOR;
            mm_fault f = MM_FAULT_NONE;
            if (!smode && !u)
                f = MM_FAULT_PERM_USER;
            else if (smode && u && (access == MM_ACCESS_IFETCH || !ctx.sum))
                f = MM_FAULT_PERM_SUPERVISOR;
            else if (access == MM_ACCESS_IFETCH && !x)
                f = MM_FAULT_PERM_EXEC;
            else if (access == MM_ACCESS_LOAD && !(r || (ctx.mxr && x)))
                f = MM_FAULT_PERM_READ;
            else if (access == MM_ACCESS_STORE && !w)
                f = MM_FAULT_PERM_WRITE;
            if (f != MM_FAULT_NONE)
                return stop(o, f, i, pte);
            step = 6;
            break;
        }
        case 6: {
            if (i > 0 && field(pte, 10 + 9 * i - 1, 10) != 0)
                return stop(o, MM_FAULT_MISALIGNED_SUPERPAGE, i, pte);
            if (bit(pte, 63) && (i != 0 || field(pte, 13, 10) != 0x8))
                return stop(o, MM_FAULT_RESERVED, i, pte);
            step = 7;
            break;
        }
        case 7: {
            bool store = access == MM_ACCESS_STORE;
            bool a_bit = bit(pte, 6), d_bit = bit(pte, 7);
            if (!a_bit || (store && !d_bit)) {
                if (ctx.ad == WALK_AD_FAULT)
                    return stop(o, a_bit ? MM_FAULT_DIRTY_CLEAR : MM_FAULT_ACCESSED_CLEAR, i, pte);
                pte |= 1ull << 6;
                if (store)
                    pte |= 1ull << 7;
                memory.store(pte_addr, i, pte);
            }
            step = 8;
            break;
        }
        default: { // step 8: pa.pgoff = va.pgoff; superpage and NAPOT bits from the va
            uint64_t ppn = field(pte, 53, 10);
            if (i > 0)
                ppn = (ppn >> (9 * i) << (9 * i)) | field(va, 12 + 9 * i - 1, 12);
            if (bit(pte, 63))
                ppn = (ppn & ~0xfull) | (vpn[0] & 0xf);
            o.pa = ppn * PAGESIZE + field(va, 11, 0);
            o.level = i;
            o.leaf_pte = pte;
            global = global || bit(pte, 5);
            o.perm = (bit(pte, 1) ? MM_PERM_R : 0) | (bit(pte, 2) ? MM_PERM_W : 0) | (bit(pte, 3) ? MM_PERM_X : 0) |
                     (bit(pte, 4) ? MM_PERM_U : 0) | (global ? MM_PERM_G : 0) | (bit(pte, 6) ? MM_PERM_A : 0) |
                     (bit(pte, 7) ? MM_PERM_D : 0);
            return o;
        }
        }
    }
}

} // namespace

Outcome walk(const walk_ctx &ctx, const ReadWord &read, uint64_t va, mm_access access, mm_priv priv,
             const walk_start *start)
{
    bool is_x86 = ctx.format == PT_X86_64_4LEVEL || ctx.format == PT_X86_64_5LEVEL;
    return is_x86 ? x86(ctx, read, va, access, priv, start) : riscv(ctx, read, va, access, priv, start);
}

} // namespace refwalk
