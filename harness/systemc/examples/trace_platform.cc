// trace_platform.cc — mmulab-systemc-run: the example virtual platform
// (docs/systemc.md). A trace-driven initiator sends every translation
// request and flush of a trace through the MMU component (C model or RTL
// back-end, LT or AT) to a memory with a fixed latency, then prints the
// report `mmulab run` prints for the same trace and config, and a line of
// what the socket saw. It checks that the socket's timing is the
// back-end's: every translation's delay on the socket equals its
// completion minus issue cycle (plus the memory's latency when it went to
// memory), and their sum the model's translation cycles.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "cli_args.h"
#include "memory.h"
#include "model_backend.h"
#include "mmu_tlm.h"
#include "run_report.h"
#include "trace_initiator.h"
#if MMULAB_SC_HAVE_RTL
#include "rtl_backend.h"
#endif

namespace {

struct Args {
    const char *preset = nullptr, *config_file = nullptr, *trace = nullptr, *log = nullptr;
    std::vector<std::string> sets;
    std::string backend = "model", style = "at";
    uint64_t period_ps = 1000, memory_latency = 20, max_records = 0;
    bool json = false, perturb_rtl = false;
};

void usage(FILE *f)
{
    fprintf(f,
            "usage: mmulab-systemc-run [--preset NAME | --config FILE] [--set KEY=VALUE]...\n"
            "                          [--backend model|rtl] [--style at|lt] [--period-ps N]\n"
            "                          [--memory-latency N] [--max-records N] [--json]\n"
            "                          [--log FILE] TRACE\n"
            "Runs a trace through the SystemC/TLM-2.0 MMU component between a trace-driven\n"
            "initiator and a memory, and prints the report of `mmulab run` for the same\n"
            "trace and config (docs/systemc.md).\n"
            "  --backend model   the C model translates (default)\n"
            "  --backend rtl     the Verilated RTL translates (sets core.port_ops_per_cycle=1;\n"
            "                    the config must have the geometry of the RTL build linked in)\n"
            "  --style at        approximately timed, nb_transport with phases (default)\n"
            "  --style lt        loosely timed, b_transport with annotated delays: an in-order\n"
            "                    core, so the config must have core.issue=blocking\n"
            "  --period-ps N     clock period in picoseconds (default 1000)\n"
            "  --memory-latency N  cycles of the memory behind the MMU (default 20)\n"
            "  --max-records N   stop the trace after N records\n"
            "  --json            the JSON report on stdout (the socket's line on stderr)\n"
            "  --log FILE        one line per translation as the socket saw it, by request id\n"
            "  --perturb-rtl     self-test of the RTL back-end's checks: its walker fills one\n"
            "                    cycle later than the C model's; the run must fail\n"
            "exit status: 0 success, 1 the run failed or the socket disagreed with the model,\n"
            "2 bad command line, config or trace\n");
}

int parse(int argc, char **argv, Args &a)
{
    for (int i = 1; i < argc; i++) {
        std::string o = argv[i];
        if (o == "--help" || o == "-h") {
            usage(stdout);
            return -1;
        }
        if (o == "--json" || o == "--perturb-rtl") {
            (o == "--json" ? a.json : a.perturb_rtl) = true;
            continue;
        }
        if (o.rfind("--", 0) != 0) {
            if (a.trace) {
                fprintf(stderr, "mmulab-systemc-run: one trace per run (%s, %s)\n", a.trace, argv[i]);
                return 2;
            }
            a.trace = argv[i];
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "mmulab-systemc-run: %s needs a value (or is unknown); see --help\n",
                    o.c_str());
            return 2;
        }
        const char *v = argv[++i];
        if (o == "--preset") {
            a.preset = v;
        } else if (o == "--config") {
            a.config_file = v;
        } else if (o == "--set") {
            a.sets.push_back(v);
        } else if (o == "--log") {
            a.log = v;
        } else if (o == "--backend" || o == "--style") {
            std::string value = v;
            bool ok = o == "--backend" ? value == "model" || value == "rtl" : value == "at" || value == "lt";
            if (!ok) {
                fprintf(stderr, "mmulab-systemc-run: %s: \"%s\" is not one of %s\n", o.c_str(), v,
                        o == "--backend" ? "model, rtl" : "at, lt");
                return 2;
            }
            (o == "--backend" ? a.backend : a.style) = value;
        } else if (o == "--period-ps" || o == "--memory-latency" || o == "--max-records") {
            uint64_t n = 0;
            if (!harness_parse_u64(v, &n) || (o == "--period-ps" && n == 0)) {
                fprintf(stderr, "mmulab-systemc-run: %s: \"%s\" is not a %s number\n", o.c_str(), v,
                        o == "--period-ps" ? "positive" : "non-negative");
                return 2;
            }
            (o == "--period-ps" ? a.period_ps : o == "--memory-latency" ? a.memory_latency
                                                                         : a.max_records) = n;
        } else {
            fprintf(stderr, "mmulab-systemc-run: unknown option %s; see --help\n", o.c_str());
            return 2;
        }
    }
    if (!a.trace) {
        fprintf(stderr, "mmulab-systemc-run: no trace given; see --help\n");
        return 2;
    }
    return 0;
}

struct Closer {
    sim *machine = nullptr;
    trace_reader *reader = nullptr;
    ~Closer()
    {
        if (reader)
            trace_reader_close(reader);
        if (machine)
            sim_destroy(machine);
    }
};

const char *status_name(tlm::tlm_response_status s)
{
    switch (s) {
    case tlm::TLM_OK_RESPONSE:
        return "ok";
    case tlm::TLM_ADDRESS_ERROR_RESPONSE:
        return "address_error";
    case tlm::TLM_COMMAND_ERROR_RESPONSE:
        return "command_error";
    case tlm::TLM_GENERIC_ERROR_RESPONSE:
        return "generic_error";
    default:
        return "other_error";
    }
}

// The socket's view of each translation, one line each by request id;
// written to FILE.tmp and renamed.
bool write_log(const char *path, const std::vector<mmulab_sc::TraceInitiator::Record> &records)
{
    std::vector<const mmulab_sc::TraceInitiator::Record *> by_id;
    for (const auto &r : records)
        by_id.push_back(&r);
    std::sort(by_id.begin(), by_id.end(),
              [](const auto *a, const auto *b) { return a->response.id < b->response.id; });
    std::string tmp = std::string(path) + ".tmp";
    FILE *f = fopen(tmp.c_str(), "w");
    if (!f)
        return false;
    fprintf(f, "# id va asid access pa level fault hit pwc_level pte_reads pte_writes merged "
               "issue accept completion end_req_ps response_ps status\n");
    for (const auto *r : by_id) {
        const mmu_response &p = r->response;
        fprintf(f, "%llu 0x%llx %u %s 0x%llx %u %s %s %u %u %u %u %llu %llu %llu %llu %llu %s\n",
                (unsigned long long)p.id, (unsigned long long)p.va, p.asid,
                mm_access_name((mm_access)p.access), (unsigned long long)p.pa, p.level,
                mm_fault_name((mm_fault)p.fault),
                p.hit == MMU_HIT_WALK ? "walk" : ("tlb" + std::to_string(p.hit)).c_str(),
                p.pwc_level, p.pte_reads, p.pte_writes, p.merged, (unsigned long long)p.issue_cycle,
                (unsigned long long)r->accept_cycle, (unsigned long long)p.completion_cycle,
                (unsigned long long)(r->end_req - r->begin).value(),
                (unsigned long long)(r->end - r->begin).value(), status_name(r->status));
    }
    bool ok = fflush(f) == 0 && !ferror(f);
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp.c_str(), path) != 0) {
        remove(tmp.c_str());
        return false;
    }
    return true;
}

}  // namespace

int sc_main(int argc, char **argv)
{
    // sc_stop() at the end of the trace is no news on stdout, where the report goes
    sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    Args a;
    int rc = parse(argc, argv, a);
    if (rc)
        return rc < 0 ? 0 : rc;
    std::vector<const char *> sets;
    for (const auto &s : a.sets)
        sets.push_back(s.c_str());
    if (a.backend == "rtl")
        sets.push_back("core.port_ops_per_cycle=1");
    mmu_config cfg;
    mm_error err{};
    if (cfg_load(a.preset, a.config_file, sets.data(), sets.size(), &cfg, &err)) {
        fprintf(stderr, "mmulab-systemc-run: %s\n", err.msg);
        return 2;
    }
    if (a.style == "lt" && cfg.core.issue != CFG_ISSUE_BLOCKING) {
        fprintf(stderr, "mmulab-systemc-run: --style lt models an in-order core: it needs "
                        "core.issue=blocking (this config has open issue; use --style at)\n");
        return 2;
    }
    if (a.perturb_rtl && a.backend != "rtl") {
        fprintf(stderr, "mmulab-systemc-run: --perturb-rtl needs --backend rtl\n");
        return 2;
    }
    if (a.backend == "rtl") {
#if MMULAB_SC_HAVE_RTL
        std::string why = mmulab_sc::RtlBackend::check_config(cfg);
        if (!why.empty()) {
            fprintf(stderr, "mmulab-systemc-run: --backend rtl: %s\n", why.c_str());
            return 2;
        }
#else
        fprintf(stderr, "mmulab-systemc-run: --backend rtl: this build has no RTL back-end "
                        "(configure with -DMMULAB_RTL=ON)\n");
        return 2;
#endif
    }
    Closer own;
    own.reader = trace_reader_open(a.trace, &err);
    if (!own.reader) {
        fprintf(stderr, "mmulab-systemc-run: %s\n", err.msg);
        return 2;
    }
    own.machine = sim_create(&cfg, &err);
    if (!own.machine) {
        fprintf(stderr, "mmulab-systemc-run: %s\n", err.msg);
        return 2;
    }

    sc_core::sc_time period((double)a.period_ps, sc_core::SC_PS);
    std::unique_ptr<mmulab_sc::Backend> backend;
#if MMULAB_SC_HAVE_RTL
    mmulab_sc::RtlBackend *rtl = nullptr;
    if (a.backend == "rtl") {
        mmulab_sc::RtlBackend::Options options;
        options.perturb_fill = a.perturb_rtl ? 1 : 0;
        auto b = std::make_unique<mmulab_sc::RtlBackend>("rtl", sim_mmu(own.machine), period, options);
        rtl = b.get();
        backend = std::move(b);
    }
#endif
    if (!backend)
        backend = std::make_unique<mmulab_sc::ModelBackend>("model", sim_mmu(own.machine), period);
    mmulab_sc::Mmu mmu("mmu", *backend);
    mmulab_sc::Memory memory("memory", period * (double)a.memory_latency);
    mmulab_sc::TraceInitiator cpu("cpu", own.machine, own.reader, a.max_records,
                                  a.style == "lt" ? mmulab_sc::TraceInitiator::Style::kLooselyTimed
                                                  : mmulab_sc::TraceInitiator::Style::kApproximatelyTimed,
                                  backend->clock());
    cpu.socket.bind(mmu.target);
    mmu.memory.bind(memory.socket);

    // the socket's timing against the back-end's cycles, translation by translation
    uint64_t socket_cycles = 0, off = 0, faults = 0;
    const uint64_t p = period.value(), mem = memory.latency().value();
    std::vector<mmulab_sc::TraceInitiator::Record> logged;
    cpu.on_record = [&](const mmulab_sc::TraceInitiator::Record &r) {
        uint64_t delay = (r.end - r.begin).value();
        bool to_memory = r.response.fault == MM_FAULT_NONE;
        uint64_t translation = delay - (to_memory ? mem : 0);
        faults += !to_memory;
        socket_cycles += translation / p;
        if (translation != (r.response.completion_cycle - r.response.issue_cycle) * p ||
            r.begin != backend->clock().time_of(r.response.issue_cycle))
            off++;
        if (a.log)
            logged.push_back(r);
    };

    try {
        sc_core::sc_start();
    } catch (const sc_core::sc_report &e) {
        fprintf(stderr, "mmulab-systemc-run: %s: %s\n", a.trace, e.get_msg());
        return 1;
    }
    if (!cpu.error().empty()) {
        fprintf(stderr, "mmulab-systemc-run: %s: %s\n", a.trace, cpu.error().c_str());
        return 1;
    }
    if (!cpu.done()) {
        fprintf(stderr, "mmulab-systemc-run: %s: the simulation stopped before the trace ended\n",
                a.trace);
        return 1;
    }

    const mmu_stats *stats = mmu_get_stats(sim_mmu(own.machine));
    uint64_t requests = stats->requests[0] + stats->requests[1] + stats->requests[2];
    std::string kind = std::string(backend->kind()) + " back-end";
#if MMULAB_SC_HAVE_RTL
    if (rtl)
        kind += std::string(" (RTL build ") + mmulab_sc::RtlBackend::build_name() + ")";
#endif
    char line[640];
    snprintf(line, sizeof line,
             "systemc: %s, %s, %llu ps cycle: %llu translations and %llu flushes through the "
             "socket, %llu faults; translation delay on the socket %llu cycles (model: %llu), "
             "%llu off; %llu memory accesses of %llu cycles; %llu late issues",
             kind.c_str(), a.style == "lt" ? "LT" : "AT", (unsigned long long)a.period_ps,
             (unsigned long long)cpu.translations(), (unsigned long long)cpu.flushes(),
             (unsigned long long)faults, (unsigned long long)socket_cycles,
             (unsigned long long)stats->translation_cycles, (unsigned long long)off,
             (unsigned long long)memory.accesses(), (unsigned long long)a.memory_latency,
             (unsigned long long)cpu.late());
    std::string summary = line;
#if MMULAB_SC_HAVE_RTL
    if (rtl)
        summary += "; " + std::to_string(rtl->compared()) + " RTL responses equal to the C model's";
#endif

    if (a.json) {
        char *json = sim_report_json(own.machine, a.trace);
        if (!json) {
            fprintf(stderr, "mmulab-systemc-run: out of memory building the report\n");
            return 1;
        }
        fputs(json, stdout);
        free(json);
        fprintf(stderr, "%s\n", summary.c_str());
    } else {
        run_report_trace(own.machine, a.trace, nullptr);
        printf("%s\n", summary.c_str());
    }
    fflush(stdout);
    if (a.log && !write_log(a.log, logged)) {
        fprintf(stderr, "mmulab-systemc-run: cannot write %s: %s\n", a.log, strerror(errno));
        return 1;
    }
    if (cpu.translations() != requests || socket_cycles != stats->translation_cycles || off ||
        cpu.late()) {
        fprintf(stderr, "mmulab-systemc-run: the socket disagrees with the model: %llu "
                        "translations on the socket, %llu requests in the model; see the line above\n",
                (unsigned long long)cpu.translations(), (unsigned long long)requests);
        return 1;
    }
    return 0;
}
