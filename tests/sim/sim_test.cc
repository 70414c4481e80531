// sim_test.cc — a machine driven by trace records: first-touch mapping,
// page crossings, processes and their events, issue models and the report.
#include <gtest/gtest.h>

#include <cjson/cJSON.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "mmulab/sim.h"

namespace {

mmu_config config(const char *issue = "open")
{
    mmu_config c;
    mm_error err{};
    std::string set = std::string("core.issue=") + issue;
    const char *sets[] = {set.c_str()};
    EXPECT_EQ(cfg_load("skylake", nullptr, sets, 1, &c, &err), MM_OK) << err.msg;
    return c;
}

trace_record access(uint64_t va, mm_access a = MM_ACCESS_LOAD, uint16_t size = 8,
                    uint64_t instructions = 1)
{
    trace_record r{};
    r.kind = TRACE_ACCESS;
    r.access = (uint8_t)a;
    r.size = size;
    r.va = va;
    r.instructions = instructions;
    return r;
}

trace_record event(trace_kind kind, uint32_t pid, uint64_t va = 0, uint64_t length = 0,
                   uint32_t prot = 0)
{
    trace_record r{};
    r.kind = kind;
    r.pid = pid;
    r.va = va;
    r.length = length;
    r.prot = prot;
    return r;
}

struct Recorder {
    std::vector<mmu_response> responses;
    static void fn(void *opaque, const mmu_response *r)
    {
        static_cast<Recorder *>(opaque)->responses.push_back(*r);
    }
};

class Machine {
  public:
    explicit Machine(const mmu_config &c)
    {
        mm_error err{};
        s_ = sim_create(&c, &err);
        EXPECT_NE(s_, nullptr) << err.msg;
        sim_set_response_fn(s_, Recorder::fn, &rec);
    }
    ~Machine() { sim_destroy(s_); }
    Machine(const Machine &) = delete;
    Machine &operator=(const Machine &) = delete;
    void feed(std::vector<trace_record> v)
    {
        mm_error err{};
        ASSERT_EQ(sim_feed(s_, v.data(), v.size(), &err), MM_OK) << err.msg;
        sim_finish(s_);
        // responses arrive in completion-event order; tests read them by request
        std::stable_sort(rec.responses.begin(), rec.responses.end(),
                         [](const mmu_response &a, const mmu_response &b) { return a.id < b.id; });
    }
    const sim_stats &stats() { return *sim_get_stats(s_); }
    const mmu_stats &mstats() { return *mmu_get_stats(sim_mmu(s_)); }
    sim *s() { return s_; }
    Recorder rec;

  private:
    sim *s_ = nullptr;
};

TEST(Sim, FirstTouchMapsEachPageOnce)
{
    Machine m(config());
    m.feed({access(0x10000), access(0x10008), access(0x11000), access(0x10010, MM_ACCESS_STORE)});
    EXPECT_EQ(m.stats().pages_mapped, 2u);
    EXPECT_EQ(m.stats().translations, 4u);
    EXPECT_EQ(m.stats().instructions, 4u);
    ASSERT_EQ(m.rec.responses.size(), 4u);
    for (const mmu_response &r : m.rec.responses)
        EXPECT_EQ(r.fault, MM_FAULT_NONE);
    EXPECT_EQ(m.rec.responses[0].pa >> 12, m.rec.responses[1].pa >> 12);
    EXPECT_NE(m.rec.responses[0].pa >> 12, m.rec.responses[2].pa >> 12);
}

TEST(Sim, PageCrossingAccessTranslatesBothPages)
{
    Machine m(config());
    m.feed({access(0x20ffc, MM_ACCESS_LOAD, 8), access(0x21ff8, MM_ACCESS_LOAD, 8)});
    EXPECT_EQ(m.stats().page_crossings, 1u);
    EXPECT_EQ(m.stats().translations, 3u);
    ASSERT_EQ(m.rec.responses.size(), 3u);
    EXPECT_EQ(m.rec.responses[1].va, 0x21000u);
}

TEST(Sim, ProcessesAreIsolated)
{
    Machine m(config());
    m.feed({event(TRACE_CONTEXT_SWITCH, 7), access(0x30000), event(TRACE_CONTEXT_SWITCH, 9),
            access(0x30000), event(TRACE_CONTEXT_SWITCH, 7), access(0x30000)});
    ASSERT_EQ(m.rec.responses.size(), 3u);
    EXPECT_NE(m.rec.responses[0].asid, m.rec.responses[1].asid);
    EXPECT_NE(m.rec.responses[0].pa, m.rec.responses[1].pa);
    EXPECT_EQ(m.rec.responses[0].pa, m.rec.responses[2].pa);
    EXPECT_EQ(m.stats().processes, 2u);
}

TEST(Sim, MprotectAndMunmapReachTheTlbs)
{
    // blocking: each walk completes before the next event changes the table
    Machine m(config("blocking"));
    m.feed({event(TRACE_MMAP, 0, 0x40000, 0x2000, TRACE_PROT_READ | TRACE_PROT_WRITE),
            access(0x40000, MM_ACCESS_STORE),
            event(TRACE_MPROTECT, 0, 0x40000, 0x2000, TRACE_PROT_READ),
            access(0x40000, MM_ACCESS_STORE), access(0x40000, MM_ACCESS_LOAD),
            event(TRACE_MUNMAP, 0, 0x40000, 0x2000), access(0x40000, MM_ACCESS_LOAD)});
    ASSERT_EQ(m.rec.responses.size(), 4u);
    EXPECT_EQ(m.rec.responses[0].fault, MM_FAULT_NONE);
    EXPECT_EQ(m.rec.responses[1].fault, MM_FAULT_PERM_WRITE);  // the TLB was flushed: walk
    EXPECT_EQ(m.rec.responses[1].hit, MMU_HIT_WALK);
    EXPECT_EQ(m.rec.responses[2].fault, MM_FAULT_NONE);
    EXPECT_EQ(m.rec.responses[3].hit, MMU_HIT_WALK);  // a fresh page after munmap
    EXPECT_EQ(m.stats().pages_mapped, 2u);
    EXPECT_EQ(m.mstats().flushes, 2u);
}

TEST(Sim, ExitReleasesFramesAndForkInheritsRegions)
{
    // blocking: the child's walk completes before its exit unmaps the page
    Machine m(config("blocking"));
    m.feed({event(TRACE_MMAP, 1, 0x50000, 0x1000, TRACE_PROT_READ), event(TRACE_CONTEXT_SWITCH, 1),
            access(0x50000), access(0x60000)});
    trace_record fork = event(TRACE_FORK, 1);
    fork.child = 2;
    m.feed({fork, event(TRACE_CONTEXT_SWITCH, 2), access(0x50000, MM_ACCESS_STORE),
            event(TRACE_EXIT, 2)});
    ASSERT_GE(m.rec.responses.size(), 3u);
    EXPECT_EQ(m.rec.responses.back().fault, MM_FAULT_PERM_WRITE);  // inherited read-only region
    EXPECT_EQ(m.stats().events[TRACE_EXIT], 1u);
    mm_error err{};
    trace_record bad = event(TRACE_EXIT, 99);
    EXPECT_NE(sim_feed(m.s(), &bad, 1, &err), MM_OK);
    EXPECT_NE(std::string(err.msg).find("unknown process 99"), std::string::npos) << err.msg;
}

TEST(Sim, BlockingIssueNeverOverlapsTranslations)
{
    std::vector<trace_record> recs;
    for (unsigned i = 0; i < 200; i++)
        recs.push_back(access(0x100000 + (uint64_t)(i % 50) * 0x1000, MM_ACCESS_LOAD, 8, 0));
    Machine open(config("open")), blocking(config("blocking"));
    open.feed(recs);
    blocking.feed(recs);
    EXPECT_GT(open.mstats().walks_merged, 0u);  // same-cycle misses joined walks
    EXPECT_EQ(blocking.mstats().walks_merged, 0u);
    EXPECT_EQ(blocking.mstats().walks, 50u);
    for (size_t i = 1; i < blocking.rec.responses.size(); i++)
        EXPECT_GE(blocking.rec.responses[i].issue_cycle,
                  blocking.rec.responses[i - 1].completion_cycle);
}

TEST(Sim, ReportCarriesRunSectionWithMpki)
{
    Machine m(config());
    std::vector<trace_record> recs;
    for (unsigned i = 0; i < 100; i++)
        recs.push_back(access(0x200000 + (uint64_t)i * 0x1000, MM_ACCESS_LOAD, 8, 10));
    m.feed(recs);
    char *json = sim_report_json(m.s(), "unit \"test\"");
    ASSERT_NE(json, nullptr);
    cJSON *doc = cJSON_Parse(json);
    ASSERT_NE(doc, nullptr) << json;
    cJSON *run = cJSON_GetObjectItem(doc, "run");
    ASSERT_NE(run, nullptr);
    EXPECT_STREQ(cJSON_GetObjectItem(run, "label")->valuestring, "unit \"test\"");
    EXPECT_EQ(cJSON_GetObjectItem(run, "instructions")->valuedouble, 1000.0);
    cJSON *l1d = cJSON_GetObjectItem(cJSON_GetObjectItem(run, "mpki"), "l1dtlb");
    // 100 cold misses per 1000 instructions
    EXPECT_DOUBLE_EQ(cJSON_GetObjectItem(l1d, "load")->valuedouble, 100.0);
    cJSON_Delete(doc);
    std::free(json);
}

// With a response callback the MMU never takes its repeat-hit shortcut, so
// this compares the shortcut with the full request path, report for report.
TEST(Sim, RepeatHitShortcutChangesNothing)
{
    std::vector<trace_record> recs;
    uint64_t state = 12345;
    for (unsigned i = 0; i < 200000; i++) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        unsigned pick = (unsigned)(state >> 60);
        uint64_t va;
        mm_access a = MM_ACCESS_LOAD;
        if (pick < 5) {
            va = 0x400000 + ((i * 4) & 0x7fff);  // code, sequential
            a = MM_ACCESS_IFETCH;
        } else if (pick < 12) {
            va = 0x7000000 + ((state >> 20) & 0xff8);  // a hot data page
        } else {
            va = 0x10000000 + ((state >> 16) & 0x3fffff8);  // 64 MiB of scattered pages
            a = (state >> 59) & 1 ? MM_ACCESS_STORE : MM_ACCESS_LOAD;
        }
        recs.push_back(access(va, a, (uint16_t)(1u << ((state >> 40) & 3)), (state >> 50) & 3));
        if (i % 50000 == 49999)
            recs.push_back(event(TRACE_CONTEXT_SWITCH, (i / 50000) % 2));
    }
    auto report = [&](bool listen) {
        Machine m(config());
        if (!listen)
            sim_set_response_fn(m.s(), nullptr, nullptr);
        mm_error err{};
        EXPECT_EQ(sim_feed(m.s(), recs.data(), recs.size(), &err), MM_OK) << err.msg;
        sim_finish(m.s());
        char *json = sim_report_json(m.s(), "x");
        std::string out = json ? json : "";
        std::free(json);
        return out;
    };
    std::string with_callback = report(true), without = report(false);
    ASSERT_FALSE(without.empty());
    EXPECT_EQ(with_callback, without);
}

// A port that issues into the machine's MMU as the machine would, and may
// report a later accept cycle (a slower port in front of the MMU).
struct CountingPort {
    sim *s = nullptr;
    uint64_t extra_accept_cycles = 0;
    std::vector<mmu_request> requests;
    std::vector<uint64_t> accepted;
    uint64_t flushes = 0;
    static int request(void *opaque, const mmu_request *req, uint64_t *accepted, mm_error *err)
    {
        auto *p = static_cast<CountingPort *>(opaque);
        int rc = mmu_issue(sim_mmu(p->s), req, err);
        *accepted = mmu_port_cycle(sim_mmu(p->s)) + p->extra_accept_cycles;
        p->requests.push_back(*req);
        p->accepted.push_back(*accepted);
        return rc;
    }
    static int flush(void *opaque, const mmu_flush *f, mm_error *err)
    {
        auto *p = static_cast<CountingPort *>(opaque);
        p->flushes++;
        return mmu_flush_issue(sim_mmu(p->s), f, err);
    }
    void install(sim *machine)
    {
        s = machine;
        sim_port port{request, flush, this};
        sim_set_port(machine, &port);
    }
};

std::vector<trace_record> port_trace()
{
    std::vector<trace_record> recs;
    recs.push_back(event(TRACE_MMAP, 0, 0x40000, 0x8000, TRACE_PROT_READ | TRACE_PROT_WRITE));
    for (unsigned i = 0; i < 3000; i++)
        recs.push_back(access(0x40000 + (uint64_t)(i * 2654435761u % 0x9000), (mm_access)(i % 3),
                              8, i % 4));
    recs.push_back(event(TRACE_MPROTECT, 0, 0x40000, 0x2000, TRACE_PROT_READ));
    for (unsigned i = 0; i < 100; i++)
        recs.push_back(access(0x40000 + (uint64_t)i * 0x100, MM_ACCESS_STORE));
    recs.push_back(event(TRACE_MUNMAP, 0, 0x42000, 0x1000));
    recs.push_back(access(0x42000));
    return recs;
}

// Through a port that issues as the machine would, every request and
// flush passes the port and the report is the direct run's.
TEST(Sim, PortSeesEveryOperationAndChangesNothing)
{
    std::vector<trace_record> recs = port_trace();
    // the last accesses: repeat hits, once the walks are done, issued in one
    // cycle while a one-operation port is behind
    recs.push_back(access(0x43000, MM_ACCESS_LOAD, 8, 0));
    recs.push_back(access(0x43008, MM_ACCESS_LOAD, 8, 1000));
    recs.push_back(access(0x43010, MM_ACCESS_LOAD, 8, 0));
    recs.push_back(access(0x43018, MM_ACCESS_LOAD, 8, 0));
    for (const char *issue : {"open", "blocking", "open-one-port"}) {
        auto report = [&](CountingPort *port) {
            mmu_config c = config(strcmp(issue, "blocking") ? "open" : "blocking");
            if (!strcmp(issue, "open-one-port"))
                c.core.port_ops_per_cycle = 1;
            Machine m(c);
            sim_set_response_fn(m.s(), nullptr, nullptr);
            if (port)
                port->install(m.s());
            mm_error err{};
            EXPECT_EQ(sim_feed(m.s(), recs.data(), recs.size(), &err), MM_OK) << err.msg;
            sim_finish(m.s());
            if (port) {
                EXPECT_EQ(port->requests.size(), m.stats().translations) << issue;
                EXPECT_EQ(port->flushes, m.mstats().flushes) << issue;
            }
            char *json = sim_report_json(m.s(), "x");
            std::string out = json ? json : "";
            std::free(json);
            return out;
        };
        CountingPort port;
        std::string through_port = report(&port), direct = report(nullptr);
        ASSERT_FALSE(direct.empty());
        EXPECT_GT(port.flushes, 0u);
        EXPECT_EQ(through_port, direct) << issue;
    }
}

// The machine's next issue cycle never precedes the accept cycle its port
// reported, as with a stalled MMU port.
TEST(Sim, PortAcceptCycleHoldsBackTheNextIssue)
{
    std::vector<trace_record> recs = port_trace();
    Machine m(config());
    CountingPort port;
    port.extra_accept_cycles = 7;
    port.install(m.s());
    mm_error err{};
    ASSERT_EQ(sim_feed(m.s(), recs.data(), recs.size(), &err), MM_OK) << err.msg;
    sim_finish(m.s());
    ASSERT_GT(port.requests.size(), 3000u);
    for (size_t i = 1; i < port.requests.size(); i++)
        ASSERT_GE(port.requests[i].cycle, port.accepted[i - 1]) << "request " << i;
}

mmu_config os_config(const char *budget, const char *issue = "open")
{
    mmu_config c;
    mm_error err{};
    std::string b = std::string("os.budget=") + budget;
    std::string i = std::string("core.issue=") + issue;
    const char *sets[] = {"os.enabled=true", b.c_str(), i.c_str()};
    EXPECT_EQ(cfg_load("skylake", nullptr, sets, 3, &c, &err), MM_OK) << err.msg;
    return c;
}

// With the OS layer every first touch is a minor fault resolved through
// the MMU's fault hook; nothing is delivered as a fault.
TEST(SimOs, DemandPagingThroughTheFaultHook)
{
    Machine m(os_config("64MiB"));
    std::vector<trace_record> recs;
    for (unsigned i = 0; i < 64; i++)
        recs.push_back(access(0x200000 + (uint64_t)i * 0x1000, MM_ACCESS_STORE));
    for (unsigned i = 0; i < 64; i++)
        recs.push_back(access(0x200000 + (uint64_t)i * 0x1000, MM_ACCESS_LOAD));
    m.feed(recs);
    const mmu_stats &s = m.mstats();
    uint64_t delivered = 0;
    for (const mmu_response &r : m.rec.responses)
        delivered += r.fault != MM_FAULT_NONE;
    EXPECT_EQ(delivered, 0u);
    EXPECT_GE(s.fault_retries, 64u);  // one minor fault per page at least
    EXPECT_GT(s.fault_cycles, 0u);
    char *json = sim_report_json(m.s(), "os");
    ASSERT_NE(json, nullptr);
    EXPECT_NE(std::string(json).find("\"minor\":64"), std::string::npos) << json;
    std::free(json);
}

// A budget smaller than the footprint swaps: the second pass over the pages
// takes major faults, and still no access fails.
TEST(SimOs, SwapUnderABudgetSmallerThanTheFootprint)
{
    Machine m(os_config("256KiB"));  // 64 frames for 128 pages
    std::vector<trace_record> recs;
    for (unsigned pass = 0; pass < 2; pass++)
        for (unsigned i = 0; i < 128; i++)
            recs.push_back(access(0x400000 + (uint64_t)i * 0x1000, MM_ACCESS_STORE, 8, 100));
    m.feed(recs);
    for (const mmu_response &r : m.rec.responses)
        ASSERT_EQ(r.fault, MM_FAULT_NONE) << "request " << r.id;
    char *json = sim_report_json(m.s(), "swap");
    ASSERT_NE(json, nullptr);
    cJSON *doc = cJSON_Parse(json);
    ASSERT_NE(doc, nullptr);
    cJSON *os = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "run"), "os");
    ASSERT_NE(os, nullptr);
    EXPECT_GT(cJSON_GetObjectItem(cJSON_GetObjectItem(os, "faults"), "major")->valuedouble, 0);
    EXPECT_GT(cJSON_GetObjectItem(cJSON_GetObjectItem(os, "swap"), "outs")->valuedouble, 0);
    cJSON_Delete(doc);
    std::free(json);
}

// os.content keeps page contents for checking; it must not change a cycle.
TEST(SimOs, ContentModeChangesNoTiming)
{
    auto run = [](bool content) {
        mmu_config c = os_config("256KiB");
        c.os.content = content;
        Machine m(c);
        std::vector<trace_record> recs;
        for (unsigned pass = 0; pass < 2; pass++)
            for (unsigned i = 0; i < 128; i++)
                recs.push_back(access(0x400000 + (uint64_t)i * 0x1000, MM_ACCESS_STORE, 8, 100));
        m.feed(recs);
        std::vector<uint64_t> done;
        for (const mmu_response &r : m.rec.responses)
            done.push_back(r.completion_cycle);
        return done;
    };
    std::vector<uint64_t> kept = run(true), timing_only = run(false);
    ASSERT_EQ(kept.size(), 256u);
    EXPECT_EQ(kept, timing_only);
    mmu_config c;
    mm_error err{};
    const char *sets[] = {"os.content=false"};
    ASSERT_EQ(cfg_load("skylake", nullptr, sets, 1, &c, &err), MM_OK) << err.msg;
    EXPECT_FALSE(c.os.content);
    ASSERT_EQ(cfg_load("skylake", nullptr, nullptr, 0, &c, &err), MM_OK) << err.msg;
    EXPECT_TRUE(c.os.content);
}

// fork shares pages copy-on-write: the child's store copies, the parent's
// page is untouched; mprotect and munmap reach the OS; exit retires the
// child.
TEST(SimOs, ForkCopyOnWriteAndRegionEvents)
{
    // blocking: every access completes before the next event changes the OS
    Machine m(os_config("64MiB", "blocking"));
    trace_record fork = event(TRACE_FORK, 1);
    fork.child = 2;
    m.feed({event(TRACE_CONTEXT_SWITCH, 1),
            event(TRACE_MMAP, 1, 0x500000, 0x4000, TRACE_PROT_READ | TRACE_PROT_WRITE),
            access(0x500000, MM_ACCESS_STORE), fork, event(TRACE_CONTEXT_SWITCH, 2),
            access(0x500000, MM_ACCESS_STORE), event(TRACE_CONTEXT_SWITCH, 1),
            access(0x500000, MM_ACCESS_LOAD),
            event(TRACE_MPROTECT, 1, 0x500000, 0x4000, TRACE_PROT_READ),
            access(0x500000, MM_ACCESS_STORE), event(TRACE_MUNMAP, 1, 0x500000, 0x4000),
            access(0x500000, MM_ACCESS_LOAD), event(TRACE_EXIT, 2)});
    ASSERT_EQ(m.rec.responses.size(), 5u);
    const std::vector<mmu_response> &r = m.rec.responses;
    EXPECT_EQ(r[0].fault, MM_FAULT_NONE);
    EXPECT_EQ(r[1].fault, MM_FAULT_NONE);           // the child's write: copied
    EXPECT_NE(r[1].pa >> 12, r[0].pa >> 12);
    EXPECT_EQ(r[2].pa >> 12, r[0].pa >> 12);        // the parent keeps its frame
    EXPECT_EQ(r[3].fault, MM_FAULT_PERM_WRITE);     // read-only now: a real fault
    EXPECT_EQ(r[4].fault, MM_FAULT_NONE);           // unmapped: a fresh anonymous page
    char *json = sim_report_json(m.s(), "fork");
    ASSERT_NE(json, nullptr);
    EXPECT_NE(std::string(json).find("\"cow\":1"), std::string::npos) << json;
    std::free(json);
}

}  // namespace
