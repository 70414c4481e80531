// component_test.cc — the SystemC/TLM-2.0 MMU component (harness/systemc/)
// on a scripted initiator: hits, walks, a superpage, faults, a flush, data
// through memory, two requests in one cycle, a transaction without the
// extension and an unknown address space; LT and AT, on the C model
// back-end and (when built) the RTL back-end. One simulation runs every
// bench (SystemC elaborates once per process); the tests then check what
// each socket saw against the C model driven directly with the same
// requests, and against what the page tables say.
#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "memory.h"
#include "mmu_tlm.h"
#include "model_backend.h"
#include "mmulab/pt.h"
#if MMULAB_SC_HAVE_RTL
#include "rtl_backend.h"
#endif

namespace {

using mmulab_sc::MmuExtension;
using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

constexpr uint16_t kAsid = 1;
constexpr unsigned kMemoryLatency = 7;

// The config of the RTL build, so every bench runs the same MMU.
mmu_config bench_config()
{
    mmu_config c;
    mm_error err{};
    const char *sets[] = {"walker.merge_slots=4", "core.port_ops_per_cycle=1"};
    if (cfg_load("rocket-sv39", nullptr, sets, 2, &c, &err))
        ADD_FAILURE() << err.msg;
    return c;
}

// Page tables every bench and the reference build the same way on a fresh
// physical memory, so the frames are the same.
struct Layout {
    uint64_t rw_frame = 0, ro_frame = 0, huge_frame = 0, root = 0;
    static constexpr uint64_t kRw = 0x10000, kRo = 0x11000, kHuge = 0x200000, kHole = 0x400000;
};

Layout build_tables(mmu *m, pmem *mem)
{
    Layout l;
    mm_error err{};
    const mmu_config *cfg = mmu_get_config(m);
    pt *table = pt_create(cfg->format, mem, &err);
    EXPECT_NE(table, nullptr) << err.msg;
    const uint32_t user = MM_PERM_U | MM_PERM_A | MM_PERM_D;
    EXPECT_EQ(pmem_alloc_frame(mem, &l.rw_frame, &err), MM_OK) << err.msg;
    EXPECT_EQ(pmem_alloc_frame(mem, &l.ro_frame, &err), MM_OK) << err.msg;
    EXPECT_EQ(pmem_alloc_frames(mem, 9, &l.huge_frame, &err), MM_OK) << err.msg;
    EXPECT_EQ(pt_map(table, Layout::kRw, l.rw_frame, 0, MM_PERM_R | MM_PERM_W | user, &err), MM_OK)
        << err.msg;
    EXPECT_EQ(pt_map(table, Layout::kRo, l.ro_frame, 0, MM_PERM_R | user, &err), MM_OK) << err.msg;
    EXPECT_EQ(pt_map(table, Layout::kHuge, l.huge_frame, 1, MM_PERM_R | MM_PERM_W | user, &err), MM_OK)
        << err.msg;
    l.root = pt_root(table);
    pt_destroy(table);
    return l;
}

walk_ctx context(mmu *m, const Layout &l)
{
    walk_ctx ctx;
    mmu_context_defaults(m, &ctx, l.root, kAsid);
    return ctx;
}

struct Step {
    enum Kind { kLoad, kStore, kFlush, kPlainRead } kind;
    uint64_t cycle;
    uint64_t va;
    uint16_t asid;
    unsigned char data;  // kStore: the byte written
};

// The script: cycles far enough apart that every walk is done before the
// next step, except the same-cycle pair.
std::vector<Step> script()
{
    return {
        {Step::kLoad, 0, Layout::kRw + 0x10, kAsid, 0},         // 0 cold: a walk
        {Step::kLoad, 1000, Layout::kRw + 0x20, kAsid, 0},      // 1 a TLB hit
        {Step::kStore, 2000, Layout::kRo + 0x8, kAsid, 0},      // 2 a read-only page: fault
        {Step::kLoad, 3000, Layout::kHole, kAsid, 0},           // 3 nothing mapped: fault
        {Step::kLoad, 4000, Layout::kHuge + 0x12345, kAsid, 0}, // 4 a 2 MiB page
        {Step::kFlush, 5000, 0, kAsid, 0},                      // 5 sfence.vma: everything
        {Step::kLoad, 6000, Layout::kRw + 0x30, kAsid, 0},      // 6 walks again
        {Step::kStore, 7000, Layout::kRw + 0x40, kAsid, 0xab},  // 7 data to memory
        {Step::kLoad, 8000, Layout::kRw + 0x40, kAsid, 0},      // 8 ... and back
        {Step::kLoad, 9000, Layout::kRw + 0x50, kAsid, 0},      // 9 two in one cycle:
        {Step::kLoad, 9000, Layout::kRw + 0x58, kAsid, 0},      // 10 the port takes one
        {Step::kPlainRead, 10000, Layout::kRw + 0x60, 0, 0},    // 11 no extension
        {Step::kLoad, 11000, Layout::kRw, 7, 0},                // 12 no address space 7
    };
}

// What one step's transaction showed on the socket.
struct Seen {
    MmuExtension ext;             // the extension as it came back
    tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
    sc_time begin, end_req, end;
    bool end_req_seen = false, answered = false;
    unsigned char data = 0;
};

class ScriptInitiator : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<ScriptInitiator> socket;
    std::vector<Seen> seen;
    bool done = false;

    ScriptInitiator(const sc_core::sc_module_name &name, bool lt, const mmulab_sc::Clock &clock)
        : sc_core::sc_module(name), socket("socket"), lt_(lt), clock_(clock)
    {
        socket.register_nb_transport_bw(this, &ScriptInitiator::nb_transport_bw);
        SC_HAS_PROCESS(ScriptInitiator);
        SC_THREAD(run);
    }

private:
    void run()
    {
        std::vector<Step> steps = script();
        seen.resize(steps.size());
        trans_.resize(steps.size());
        data_.resize(steps.size());
        uint64_t previous_done = 0;
        for (size_t i = 0; i < steps.size(); i++) {
            const Step &s = steps[i];
            // an LT core waits for each translation before its next request
            uint64_t cycle = lt_ && s.cycle < previous_done ? previous_done : s.cycle;
            sc_time at = clock_.time_of(cycle), now = sc_core::sc_time_stamp();
            if (at > now)
                wait(at - now);
            tlm::tlm_generic_payload &t = trans_[i];
            data_[i] = s.data;
            t.set_address(s.va);
            t.set_data_ptr(&data_[i]);
            t.set_data_length(s.kind == Step::kFlush ? 0 : 1);
            t.set_streaming_width(s.kind == Step::kFlush ? 0 : 1);
            t.set_command(s.kind == Step::kStore   ? tlm::TLM_WRITE_COMMAND
                          : s.kind == Step::kFlush ? tlm::TLM_IGNORE_COMMAND
                                                   : tlm::TLM_READ_COMMAND);
            if (s.kind != Step::kPlainRead) {
                auto *ext = new MmuExtension;
                ext->asid = s.asid;
                ext->access = s.kind == Step::kStore ? MM_ACCESS_STORE : MM_ACCESS_LOAD;
                if (s.kind == Step::kFlush) {
                    ext->op = MmuExtension::kFlush;
                    ext->flush.kind = MMU_FLUSH_RV_SFENCE_VMA;
                }
                t.set_extension(ext);  // the payload deletes it
            }
            Seen &w = seen[i];
            w.begin = sc_core::sc_time_stamp();
            if (lt_) {
                sc_time delay = SC_ZERO_TIME;
                socket->b_transport(t, delay);
                w.end_req = w.begin;
                w.end_req_seen = true;
                answered(i, sc_core::sc_time_stamp() + delay);
                if (seen[i].ext.op == MmuExtension::kTranslate && seen[i].ext.refused.empty())
                    previous_done = seen[i].ext.response.completion_cycle;
                continue;
            }
            tlm::tlm_phase phase = tlm::BEGIN_REQ;
            sc_time delay = SC_ZERO_TIME;
            waiting_ = i;
            tlm::tlm_sync_enum status = socket->nb_transport_fw(t, phase, delay);
            if (status == tlm::TLM_UPDATED && phase == tlm::END_REQ) {
                if (delay > SC_ZERO_TIME)
                    wait(delay);
                w.end_req = sc_core::sc_time_stamp();
                w.end_req_seen = true;
            } else if (status == tlm::TLM_COMPLETED) {
                w.end_req = sc_core::sc_time_stamp() + delay;
                w.end_req_seen = true;
                answered(i, sc_core::sc_time_stamp() + delay);
            } else {
                while (!w.end_req_seen)
                    wait(end_req_);
            }
            waiting_ = SIZE_MAX;
        }
        while (answered_count_ < steps.size())
            wait(answered_event_);
        done = true;
    }

    size_t index_of(const tlm::tlm_generic_payload &t) const
    {
        for (size_t i = 0; i < trans_.size(); i++)
            if (&trans_[i] == &t)
                return i;
        return SIZE_MAX;
    }

    tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload &t, tlm::tlm_phase &phase, sc_time &delay)
    {
        size_t i = index_of(t);
        EXPECT_NE(i, SIZE_MAX);
        if (i == SIZE_MAX)
            return tlm::TLM_COMPLETED;
        if (phase == tlm::END_REQ || (phase == tlm::BEGIN_RESP && !seen[i].end_req_seen)) {
            seen[i].end_req = sc_core::sc_time_stamp() + delay;
            seen[i].end_req_seen = true;
            end_req_.notify();
        }
        if (phase == tlm::BEGIN_RESP)
            answered(i, sc_core::sc_time_stamp() + delay);
        return phase == tlm::BEGIN_RESP ? tlm::TLM_COMPLETED : tlm::TLM_ACCEPTED;
    }

    void answered(size_t i, const sc_time &at)
    {
        Seen &w = seen[i];
        EXPECT_FALSE(w.answered) << "step " << i << " answered twice";
        w.answered = true;
        w.end = at;
        w.status = trans_[i].get_response_status();
        w.data = data_[i];
        if (MmuExtension *ext = trans_[i].get_extension<MmuExtension>())
            w.ext = *ext;
        answered_count_++;
        answered_event_.notify();
    }

    bool lt_;
    const mmulab_sc::Clock &clock_;
    std::deque<tlm::tlm_generic_payload> trans_;
    std::vector<unsigned char> data_;
    size_t waiting_ = SIZE_MAX, answered_count_ = 0;
    sc_core::sc_event end_req_, answered_event_;
};

// One platform: initiator -> MMU (a back-end) -> memory.
struct Bench {
    std::string name;
    bool lt;
    std::unique_ptr<mmulab_sc::Backend> backend;
    Layout layout;
    std::unique_ptr<mmulab_sc::Mmu> mmu;
    std::unique_ptr<mmulab_sc::Memory> memory;
    std::unique_ptr<ScriptInitiator> cpu;
};

const sc_time kPeriod(1, sc_core::SC_NS);
std::map<std::string, Bench> *g_benches;

void build_bench(const std::string &name, bool lt, bool rtl)
{
    Bench &b = (*g_benches)[name];
    b.name = name;
    b.lt = lt;
    mmu_config cfg = bench_config();
    pmem *mem = nullptr;
#if MMULAB_SC_HAVE_RTL
    if (rtl) {
        auto backend = std::make_unique<mmulab_sc::RtlBackend>((name + "_rtl").c_str(), cfg, kPeriod);
        mem = backend->memory();
        b.backend = std::move(backend);
    }
#else
    (void)rtl;
#endif
    if (!b.backend) {
        auto backend = std::make_unique<mmulab_sc::ModelBackend>((name + "_model").c_str(), cfg, kPeriod);
        mem = backend->memory();
        b.backend = std::move(backend);
    }
    b.layout = build_tables(b.backend->model(), mem);
    b.mmu = std::make_unique<mmulab_sc::Mmu>((name + "_mmu").c_str(), *b.backend, kAsid);
    EXPECT_EQ(b.mmu->set_context(context(b.backend->model(), b.layout)), "");
    b.memory = std::make_unique<mmulab_sc::Memory>((name + "_memory").c_str(), kPeriod * kMemoryLatency);
    b.cpu = std::make_unique<ScriptInitiator>((name + "_cpu").c_str(), lt, b.backend->clock());
    b.cpu->socket.bind(b.mmu->target);
    b.mmu->memory.bind(b.memory->socket);
}

class Supervisor : public sc_core::sc_module {
public:
    explicit Supervisor(const sc_core::sc_module_name &name) : sc_core::sc_module(name)
    {
        SC_HAS_PROCESS(Supervisor);
        SC_THREAD(run);
    }
    void run()
    {
        // every script ends long before this
        for (int i = 0; i < 200; i++) {
            wait(sc_time(1, sc_core::SC_US));
            bool all = true;
            for (auto &kv : *g_benches)
                all = all && kv.second.cpu->done;
            if (all)
                break;
        }
        sc_core::sc_stop();
    }
};

// The reference: the C model driven directly with the requests the bench
// issued, at the cycles it issued them.
struct Reference {
    std::vector<mmu_response> responses;
    std::vector<uint64_t> accepts;
    std::vector<bool> refused;
};

Reference reference(const Bench &b)
{
    Reference ref;
    mmu_config cfg = bench_config();
    mm_error err{};
    pmem *mem = pmem_create(&cfg.mem, &err);
    mmu *m = mmu_create(&cfg, mem, &err);
    EXPECT_NE(m, nullptr) << err.msg;
    Layout l = build_tables(m, mem);
    walk_ctx ctx = context(m, l);
    EXPECT_EQ(mmu_set_context(m, &ctx, &err), MM_OK) << err.msg;
    std::map<uint64_t, mmu_response> by_id;
    auto record = [](void *o, const mmu_response *r) {
        (*static_cast<std::map<uint64_t, mmu_response> *>(o))[r->id] = *r;
    };
    mmu_set_response_fn(m, record, &by_id);
    std::vector<Step> steps = script();
    std::vector<uint64_t> ids(steps.size(), UINT64_MAX);
    uint64_t next_id = 0;
    for (size_t i = 0; i < steps.size(); i++) {
        const Step &s = steps[i];
        const Seen &w = b.cpu->seen[i];
        bool answered_translation =
            s.kind != Step::kFlush && s.kind != Step::kPlainRead && w.ext.refused.empty();
        uint64_t cycle = answered_translation ? w.ext.response.issue_cycle
                                              : b.backend->clock().issue_cycle(w.begin);
        int rc;
        if (s.kind == Step::kFlush) {
            mmu_flush f{};
            f.kind = MMU_FLUSH_RV_SFENCE_VMA;
            f.cycle = cycle;
            rc = mmu_flush_issue(m, &f, &err);
        } else {
            mmu_request req{};
            req.id = ids[i] = next_id++;
            req.cycle = cycle;
            req.va = s.va;
            req.asid = s.kind == Step::kPlainRead ? kAsid : s.asid;
            req.access = s.kind == Step::kStore ? MM_ACCESS_STORE : MM_ACCESS_LOAD;
            req.priv = MM_PRIV_USER;
            rc = mmu_issue(m, &req, &err);
        }
        ref.refused.push_back(rc != MM_OK);
        ref.accepts.push_back(mmu_port_cycle(m));
    }
    mmu_drain(m);
    for (size_t i = 0; i < steps.size(); i++)
        ref.responses.push_back(by_id.count(ids[i]) ? by_id[ids[i]] : mmu_response{});
    mmu_destroy(m);
    pmem_destroy(mem);
    return ref;
}

class Component : public ::testing::TestWithParam<std::string> {
protected:
    const Bench &bench() const { return g_benches->at(GetParam()); }
    const Seen &seen(size_t i) const { return bench().cpu->seen.at(i); }
    sc_time at(uint64_t cycle) const { return bench().backend->clock().time_of(cycle); }
};

TEST_P(Component, EveryStepWasAnswered)
{
    ASSERT_TRUE(bench().cpu->done);
    for (size_t i = 0; i < script().size(); i++)
        EXPECT_TRUE(seen(i).answered) << "step " << i;
}

TEST_P(Component, TranslationsAreThePageTables)
{
    const Layout &l = bench().layout;
    EXPECT_EQ(seen(0).status, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(seen(0).ext.response.pa, l.rw_frame + 0x10);
    EXPECT_EQ(seen(0).ext.response.level, 0u);
    EXPECT_EQ(seen(0).ext.response.hit, MMU_HIT_WALK);
    EXPECT_EQ(seen(1).ext.response.pa, l.rw_frame + 0x20);
    EXPECT_NE(seen(1).ext.response.hit, MMU_HIT_WALK);
    EXPECT_EQ(seen(4).ext.response.pa, l.huge_frame + 0x12345);
    EXPECT_EQ(seen(4).ext.response.level, 1u);
}

TEST_P(Component, FaultsComeBackAsErrorsWithTheirCause)
{
    EXPECT_EQ(seen(2).ext.response.fault, MM_FAULT_PERM_WRITE);
    EXPECT_EQ(seen(2).status, tlm::TLM_COMMAND_ERROR_RESPONSE);
    EXPECT_EQ(seen(3).ext.response.fault, MM_FAULT_NOT_PRESENT);
    EXPECT_EQ(seen(3).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    // no memory access for either: the ok translations went to memory
    unsigned ok = 0;
    for (size_t i = 0; i < script().size(); i++)
        ok += seen(i).status == tlm::TLM_OK_RESPONSE && script()[i].kind != Step::kFlush;
    EXPECT_EQ(bench().memory->accesses(), ok);
}

TEST_P(Component, FlushMakesTheNextAccessWalk)
{
    EXPECT_EQ(seen(5).status, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(seen(6).ext.response.hit, MMU_HIT_WALK);
    EXPECT_EQ(seen(6).ext.response.pa, bench().layout.rw_frame + 0x30);
}

TEST_P(Component, DataReachesMemoryAtThePhysicalAddress)
{
    EXPECT_EQ(seen(7).status, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(seen(8).status, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(seen(8).data, 0xab);
    // the initiator gets its virtual address back
    EXPECT_EQ(seen(8).ext.response.va, Layout::kRw + 0x40);
}

TEST_P(Component, WithoutTheExtensionTheDefaultAddressSpace)
{
    EXPECT_EQ(seen(11).status, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(bench().memory->last_address() & ~0xfffull, bench().layout.rw_frame);
}

TEST_P(Component, AnUnknownAddressSpaceIsRefused)
{
    EXPECT_EQ(seen(12).status, tlm::TLM_GENERIC_ERROR_RESPONSE);
    EXPECT_NE(seen(12).ext.refused.find("asid 7"), std::string::npos) << seen(12).ext.refused;
}

TEST_P(Component, OneCycleOneOperation)
{
    const Seen &first = seen(9), &second = seen(10);
    if (bench().lt) {
        // an LT core issues the second once the first is done
        EXPECT_GT(second.ext.accept_cycle, first.ext.accept_cycle);
        return;
    }
    EXPECT_EQ(first.begin, second.begin);  // issued in the same cycle
    EXPECT_EQ(second.ext.accept_cycle, first.ext.accept_cycle + 1);
    EXPECT_EQ(second.end_req, at(second.ext.accept_cycle));
}

// Every answer, accept and completion cycle equals the C model's for the
// same requests, and the socket's times are those cycles.
TEST_P(Component, SocketIsTheModel)
{
    Reference ref = reference(bench());
    const sc_time mem = kPeriod * kMemoryLatency;
    const std::vector<Step> steps = script();
    for (size_t i = 0; i < steps.size(); i++) {
        const Seen &w = seen(i);
        const Step &s = steps[i];
        SCOPED_TRACE("step " + std::to_string(i));
        EXPECT_EQ(!w.ext.refused.empty(), (bool)ref.refused[i]);
        if (ref.refused[i])
            continue;
        if (s.kind == Step::kPlainRead)
            continue;  // its extension was the MMU's own
        EXPECT_EQ(w.ext.accept_cycle, ref.accepts[i]);
        if (!bench().lt) {
            EXPECT_EQ(w.end_req, at(ref.accepts[i]));
        }
        if (s.kind == Step::kFlush) {
            EXPECT_EQ(w.end, at(ref.accepts[i]));
            continue;
        }
        const mmu_response &want = ref.responses[i], &got = w.ext.response;
        EXPECT_EQ(got.pa, want.pa);
        EXPECT_EQ(got.level, want.level);
        EXPECT_EQ(got.fault, want.fault);
        EXPECT_EQ(got.hit, want.hit);
        EXPECT_EQ(got.pte_reads, want.pte_reads);
        EXPECT_EQ(got.issue_cycle, want.issue_cycle);
        EXPECT_EQ(got.completion_cycle, want.completion_cycle);
        EXPECT_EQ(w.begin, at(want.issue_cycle));
        EXPECT_EQ(w.end, at(want.completion_cycle) + (want.fault == MM_FAULT_NONE ? mem : SC_ZERO_TIME));
    }
}

std::vector<std::string> bench_names()
{
    std::vector<std::string> names = {"model_at", "model_lt"};
#if MMULAB_SC_HAVE_RTL
    names.push_back("rtl_at");
    names.push_back("rtl_lt");
#endif
    return names;
}

INSTANTIATE_TEST_SUITE_P(Benches, Component, ::testing::ValuesIn(bench_names()),
                         [](const ::testing::TestParamInfo<std::string> &p) { return p.param; });

#if MMULAB_SC_HAVE_RTL
// The two back-ends give the same socket, step for step.
TEST(Backends, RtlAndModelAgree)
{
    for (const char *style : {"at", "lt"}) {
        const Bench &model = g_benches->at(std::string("model_") + style);
        const Bench &rtl = g_benches->at(std::string("rtl_") + style);
        for (size_t i = 0; i < script().size(); i++) {
            SCOPED_TRACE(std::string(style) + " step " + std::to_string(i));
            const Seen &a = model.cpu->seen[i], &b = rtl.cpu->seen[i];
            EXPECT_EQ(a.status, b.status);
            EXPECT_EQ(a.begin, b.begin);
            EXPECT_EQ(a.end, b.end);
            EXPECT_EQ(a.ext.accept_cycle, b.ext.accept_cycle);
            EXPECT_EQ(a.ext.response.pa, b.ext.response.pa);
            EXPECT_EQ(a.ext.response.completion_cycle, b.ext.response.completion_cycle);
        }
    }
}
#endif

}  // namespace

int sc_main(int argc, char **argv)
{
    testing::InitGoogleTest(&argc, argv);
    sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    std::map<std::string, Bench> benches;
    g_benches = &benches;
    if (!::testing::GTEST_FLAG(list_tests)) {
        for (const std::string &name : bench_names())
            build_bench(name, name.find("_lt") != std::string::npos, name.rfind("rtl", 0) == 0);
        Supervisor supervisor("supervisor");
        sc_core::sc_start();
    }
    return RUN_ALL_TESTS();
}
