// cosim_main.cc — `mmulab cosim`: loads the config as `mmulab run` does,
// finds the RTL build whose parameters the config generates, runs every
// trace through the C model and the RTL in lockstep and prints the
// agreement line (translations compared, mismatches). On the first
// divergence it prints the report, optionally reruns with an FST waveform of
// the window before it, and exits 1. Exit 2: bad usage, config or input.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "mmulab/pt.h"
#include "cli_args.h"
#include "model_side.h"
#include "random_feeder.h"
#include "rtl_io.h"
#include "shape.h"

namespace {

struct Args {
    const char *preset = nullptr, *config_file = nullptr;
    std::vector<std::string> sets;
    std::vector<std::string> traces;
    uint64_t max_records = 0;
    std::string wave;
    uint64_t wave_window = 2000;
    uint64_t history = 24;
    bool have_random = false;
    uint64_t random_seed = 1, random_requests = 100000;
    bool random_config = false;
    bool random_faults = false;
    bool perturb = false;
    bool coverage = false;
    bool model_only = false;
    std::string rtl_coverage;
    std::string csv;
};

void usage(FILE *f)
{
    fprintf(f,
            "usage: mmulab cosim [--preset NAME | --config FILE] [--set KEY=VALUE]... [options] TRACE...\n"
            "       mmulab cosim [--preset NAME | --config FILE] [--set KEY=VALUE]... --random SEED\n"
            "                    [--requests N] [options]\n"
            "Runs the RTL MMU (rtl/, Verilated) and the C model in lockstep and compares every\n"
            "translation and its completion cycle (docs/rtl.md).\n"
            "  --max-records N   stop each trace after N records\n"
            "  --random SEED     constrained-random stimulus instead of a trace: random page\n"
            "                    tables (legal and illegal PTEs, every page size), ASIDs and\n"
            "                    flushes, reproducible from SEED\n"
            "  --requests N      requests of a --random run (default 100000)\n"
            "  --random-config   also draw the run-time parameters from the seed: TLB and\n"
            "                    walk-cache latencies, walker step/fill cycles, merging,\n"
            "                    the memory-latency model, RISC-V A/D mode, the inclusion\n"
            "                    policy of every TLB below level 1 (printed)\n"
            "  --random-faults   a stand-in OS in the --random stimulus: a fault handler that\n"
            "                    retries some faulting walks after a drawn cost and makes\n"
            "                    up to two shootdowns of drawn translations per fault\n"
            "  --coverage        print the functional-coverage table of each run (and the\n"
            "                    model's TLB evictions)\n"
            "  --model-only      run only the model side, as the harness feeds it (the\n"
            "                    baseline of bench/cosim.sh)\n"
            "  --perturb-rtl     self-test of the checker: give the RTL a walker fill latency\n"
            "                    one cycle longer than the model's; the run must diverge\n"
            "  --wave FILE       on a divergence, rerun and write an FST waveform of the window\n"
            "                    before it to FILE\n"
            "  --wave-window N   cycles of waveform before the divergence (default 2000)\n"
            "  --history N       events of recent history in a divergence report (default 24)\n"
            "  --csv FILE        write one CSV row per run: the agreement and every statistic\n"
            "                    of both sides (docs/rtl.md; scripts/plot.py draws it)\n"
            "  --rtl-coverage F  write Verilator line/toggle coverage of rtl/ to F (only the\n"
            "                    coverage build, mmulab-cosim-cov; verilator_coverage reads it)\n"
            "The request port takes one request or flush per cycle, so core.port_ops_per_cycle\n"
            "is set to 1 for both sides.\n");
}

int parse(int argc, char **argv, Args &a)
{
    for (int i = 1; i < argc; i++) {
        std::string o = argv[i];
        if (o == "--help" || o == "-h") {
            usage(stdout);
            exit(0);
        }
        if (o == "--random-config" || o == "--perturb-rtl" || o == "--coverage" || o == "--model-only" ||
            o == "--random-faults") {
            (o == "--perturb-rtl"   ? a.perturb
             : o == "--coverage"    ? a.coverage
             : o == "--model-only"  ? a.model_only
             : o == "--random-faults" ? a.random_faults
                                      : a.random_config) = true;
            continue;
        }
        if (o.rfind("--", 0) != 0) {
            a.traces.push_back(o);
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "mmulab cosim: %s needs a value (or is unknown); see --help\n", o.c_str());
            return 2;
        }
        const char *v = argv[++i];
        uint64_t n = 0;
        if (o == "--preset") {
            a.preset = v;
        } else if (o == "--config") {
            a.config_file = v;
        } else if (o == "--set") {
            a.sets.push_back(v);
        } else if (o == "--wave") {
            a.wave = v;
        } else if (o == "--csv") {
            a.csv = v;
        } else if (o == "--rtl-coverage") {
            a.rtl_coverage = v;
        } else if (o == "--max-records" || o == "--wave-window" || o == "--random" || o == "--history" ||
                   o == "--requests") {
            if (!harness_parse_u64(v, &n)) {
                fprintf(stderr, "mmulab cosim: %s: \"%s\" is not a non-negative number\n", o.c_str(), v);
                return 2;
            }
            if (o == "--max-records")
                a.max_records = n;
            else if (o == "--wave-window")
                a.wave_window = n;
            else if (o == "--history")
                a.history = n;
            else if (o == "--random")
                a.have_random = true, a.random_seed = n;
            else
                a.random_requests = n;
        } else {
            fprintf(stderr, "mmulab cosim: unknown option %s; see --help\n", o.c_str());
            return 2;
        }
    }
    if (a.traces.empty() && !a.have_random) {
        fprintf(stderr, "mmulab cosim: no trace given (or --random SEED); see --help\n");
        return 2;
    }
    return 0;
}

// Run-time parameters drawn from the seed (--random-config): everything the
// RTL takes as a configuration input, so the build stays the same.
std::vector<std::string> random_config(const mmu_config &base, uint64_t seed,
                                       const std::vector<std::string> &user_sets)
{
    uint64_t x = seed * 0xD1B54A32D192ED03ull + 0x8BB84B93962EACC9ull;
    auto draw = [&x](uint64_t n) {
        x ^= x >> 31;
        x *= 0x7FB5D329728EA185ull;
        x ^= x >> 27;
        x *= 0x81DADEF4BC2DD44Dull;
        x ^= x >> 33;
        return x % n;
    };
    std::vector<std::string> sets;
    for (unsigned i = 0; i < base.n_tlbs; i++)
        sets.push_back(std::string(base.tlbs[i].name) + ".latency=" + std::to_string(1 + draw(4)));
    if (base.pwc.geom.design == PWC_SPLIT) {
        for (unsigned level = 1; level < MM_MAX_LEVELS; level++)
            if (base.pwc.geom.level[level].entries)
                sets.push_back("pwc.levels." + std::to_string(level) +
                               ".latency=" + std::to_string(1 + draw(3)));
    } else if (base.pwc.geom.design != PWC_NONE) {
        sets.push_back("pwc.latency=" + std::to_string(1 + draw(3)));
    }
    sets.push_back("walker.step_cycles=" + std::to_string(draw(3)));
    sets.push_back("walker.fill_cycles=" + std::to_string(1 + draw(3)));
    sets.push_back(std::string("walker.merge=") + (draw(4) ? "true" : "false"));
    switch (draw(3)) {
    case 0:
        sets.push_back("memory_latency.model=fixed");
        sets.push_back("memory_latency.latency=" + std::to_string(1 + draw(40)));
        break;
    case 1: {
        uint64_t lo = 1 + draw(5);
        sets.push_back("memory_latency.model=random");
        sets.push_back("memory_latency.min=" + std::to_string(lo));
        sets.push_back("memory_latency.max=" + std::to_string(lo + draw(60)));
        sets.push_back("memory_latency.seed=" + std::to_string(seed));
        break;
    }
    default:
        break;  // the preset's own model (a cache hierarchy in every preset)
    }
    if (!pt_format_get(base.format)->is_x86)
        sets.push_back(std::string("ad=") + (draw(2) ? "fault" : "hardware"));
    // drawn last, so every draw above is what it was before inclusion was an
    // input; a policy the user set stays. The RTL moves victims between two
    // levels (config_rtl.c): a deeper hierarchy stays non-inclusive.
    static const char *const inclusion[] = {"non-inclusive", "inclusive", "exclusive"};
    unsigned deepest = 0;
    for (unsigned i = 0; i < base.n_tlbs; i++)
        deepest = base.tlbs[i].level > deepest ? base.tlbs[i].level : deepest;
    for (unsigned i = 0; i < base.n_tlbs && deepest == 2; i++) {
        if (base.tlbs[i].level < 2)
            continue;
        std::string key = std::string(base.tlbs[i].name) + ".inclusion=";
        bool user = false;
        for (const auto &u : user_sets)
            user = user || u.rfind(key, 0) == 0;
        if (!user)
            sets.push_back(key + inclusion[draw(3)]);
    }
    return sets;
}

const cosim::Shape *find_shape(const mmu_config &cfg, std::string &error)
{
    mm_error err{};
    char *pkg = cfg_rtl_package(&cfg, &err);
    if (!pkg) {
        error = err.msg;
        return nullptr;
    }
    std::string body = cosim::package_body(pkg);
    free(pkg);
    unsigned n = 0;
    const cosim::Shape *all = cosim::shapes(&n);
    std::string names;
    for (unsigned i = 0; i < n; i++) {
        if (cosim::package_body(all[i].package) == body)
            return &all[i];
        names += (names.empty() ? "" : ", ") + std::string(all[i].name);
    }
    error = "no RTL build has this config's geometry (builds: " + names +
            "); write its parameters with `mmulab rtl-params ... -o rtl/generated/NAME/mmu_cfg_pkg.sv`, "
            "add NAME to rtl/generated/shapes.txt and rebuild (docs/rtl.md)";
    return nullptr;
}

void print_coverage(const mmu_config &cfg, const cosim::RunResult &r)
{
    printf("functional coverage (RTL side):\n");
    for (unsigned i = 0; i < cfg.n_tlbs; i++)
        printf("  %-28s %12llu\n", (std::string("hits in ") + cfg.tlbs[i].name).c_str(),
               (unsigned long long)r.cov_tlb_hits[i]);
    printf("  %-28s %12llu\n", "walks", (unsigned long long)r.walks);
    for (unsigned level = 1; level < MM_MAX_LEVELS; level++)
        if (r.cov_pwc_hits[level])
            printf("  %-28s %12llu\n", ("walks from walk-cache level " + std::to_string(level)).c_str(),
                   (unsigned long long)r.cov_pwc_hits[level]);
    printf("  %-28s %12llu\n", "merged requests", (unsigned long long)r.cov_merged);
    static const char *const sizes[] = {"4K", "2M", "1G", "512G", "256T"};
    for (unsigned level = 0; level < MM_MAX_LEVELS; level++)
        printf("  %-28s %12llu\n", (std::string("translations of ") + sizes[level] + " pages").c_str(),
               (unsigned long long)r.cov_page_sizes[level]);
    for (unsigned f = 1; f < MM_FAULT_COUNT; f++)
        printf("  %-28s %12llu\n", (std::string("fault ") + mm_fault_name((mm_fault)f)).c_str(),
               (unsigned long long)r.cov_faults[f]);
    printf("  %-28s %12llu\n", "translations above 2^52", (unsigned long long)r.cov_pa_above_memory);
    printf("  %-28s %12llu\n", "flushes during a walk", (unsigned long long)r.cov_flush_in_walk);
    printf("  %-28s %12llu\n", "cycles the port stalled", (unsigned long long)r.cov_port_stalls);
    printf("  %-28s %12llu\n", "walks retried after a fault", (unsigned long long)r.fault_retries);
    printf("  %-28s %12llu\n", "OS shootdowns", (unsigned long long)r.shootdowns);
    if (cfg.walker.count > 1) {
        printf("  %-28s %12llu\n", "cycles two walks overlapped", (unsigned long long)r.cov_walks_overlapping);
        printf("  %-28s %12llu\n", "cycles two walks answered", (unsigned long long)r.cov_walks_same_cycle);
    }
}

// What the RTL cannot report by itself: the entries each TLB evicted, from
// the model that agreed with it (under inclusion, the victims it moved).
void print_model_evictions(const mmu_config &cfg, const mmu_stats *s)
{
    printf("model side:\n");
    for (unsigned i = 0; i < cfg.n_tlbs; i++)
        printf("  %-28s %12llu\n", (std::string("evictions in ") + cfg.tlbs[i].name).c_str(),
               (unsigned long long)s->tlb[i].evictions);
}

// The model's statistics against those recomputed from the RTL's answers.
struct StatPair {
    const char *name;
    uint64_t model, rtl;
};

// The statistics both sides keep: the model's counters and the same figures
// recomputed from the RTL's responses.
std::vector<StatPair> stat_pairs(const mmu_stats *s, const cosim::RunResult &r)
{
    uint64_t requests = 0, faults = 0;
    for (unsigned a = 0; a < MM_ACCESS_COUNT; a++)
        requests += s->requests[a];
    for (unsigned f = 1; f < MM_FAULT_COUNT; f++)
        faults += s->faults[f];
    return {
        {"requests", requests, r.compared},
        {"walks", s->walks, r.walks},
        {"walks_merged", s->walks_merged, r.merged},
        {"pte_reads", s->pte_reads, r.pte_reads},
        {"pte_writes", s->pte_writes, r.pte_writes},
        {"faults", faults, r.faults},
        {"translation_cycles", s->translation_cycles, r.translation_cycles},
        {"last_completion_cycle", s->last_completion_cycle, r.last_completion},
    };
}

std::string compare_stats(const mmu_stats *s, const cosim::RunResult &r)
{
    std::vector<StatPair> rows = stat_pairs(s, r);
    rows.push_back({"fault_retries", s->fault_retries, r.fault_retries});
    rows.push_back({"fault_cycles", s->fault_cycles, r.fault_cycles});
    rows.push_back({"shootdowns", s->shootdowns, r.shootdowns});
    for (const auto &row : rows)
        if (row.model != row.rtl)
            return std::string("statistics differ: ") + row.name + " model " +
                   std::to_string(row.model) + ", RTL " + std::to_string(row.rtl);
    return "";
}

std::string csv_field(const std::string &v)
{
    if (v.find_first_of(",\"\n") == std::string::npos)
        return v;
    std::string q = "\"";
    for (char c : v)
        q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

// --csv: one row per run, written whole at the end through a temporary file
// and rename(), so a reader never sees half a table.
bool write_agreement_csv(const std::string &path, const std::vector<std::string> &rows,
                         std::string &error)
{
    std::string header = "shape,config,trace,max_records,agree,compared,mismatches,cycles";
    for (const char *n : {"requests", "walks", "walks_merged", "pte_reads", "pte_writes", "faults",
                          "translation_cycles", "last_completion_cycle"})
        header += std::string(",model.") + n + ",rtl." + n;
    std::string tmp = path + ".tmp." + std::to_string(getpid());
    FILE *f = fopen(tmp.c_str(), "w");
    bool ok = f && fprintf(f, "%s\n", header.c_str()) >= 0;
    for (const auto &row : rows)
        ok = ok && fprintf(f, "%s\n", row.c_str()) >= 0;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok || rename(tmp.c_str(), path.c_str()) != 0) {
        error = path + ": " + strerror(errno);
        remove(tmp.c_str());
        return false;
    }
    return true;
}

}  // namespace

int main(int argc, char **argv)
{
    Args a;
    int rc = parse(argc, argv, a);
    if (rc)
        return rc;
    std::vector<const char *> sets;
    for (const auto &s : a.sets)
        sets.push_back(s.c_str());
    sets.push_back("core.port_ops_per_cycle=1");
    mmu_config cfg;
    mm_error err{};
    if (cfg_load(a.preset, a.config_file, sets.data(), sets.size(), &cfg, &err)) {
        fprintf(stderr, "mmulab cosim: %s\n", err.msg);
        return 2;
    }
    std::vector<std::string> drawn;
    if (a.random_config) {
        drawn = random_config(cfg, a.random_seed, a.sets);
        std::string line;
        for (const auto &d : drawn) {
            sets.push_back(d.c_str());
            line += " --set " + d;
        }
        printf("cosim config (seed %llu):%s\n", (unsigned long long)a.random_seed, line.c_str());
        if (cfg_load(a.preset, a.config_file, sets.data(), sets.size(), &cfg, &err)) {
            fprintf(stderr, "mmulab cosim: %s\n", err.msg);
            return 2;
        }
    }
    cfg_rtl_inputs inputs;
    if (cfg_rtl_inputs_get(&cfg, &inputs, &err)) {
        fprintf(stderr, "mmulab cosim: %s\n", err.msg);
        return 2;
    }
    std::string error;
    const cosim::Shape *shape = find_shape(cfg, error);
    if (!shape) {
        fprintf(stderr, "mmulab cosim: %s\n", error.c_str());
        return 2;
    }
    if (!a.rtl_coverage.empty() && !shape->rtl_coverage) {
        fprintf(stderr, "mmulab cosim: --rtl-coverage needs the coverage build (mmulab-cosim-cov)\n");
        return 2;
    }
    cfg_rtl_inputs rtl_inputs = inputs;
    if (a.perturb)
        rtl_inputs.fill_cycles++;

    std::vector<std::string> jobs = a.traces;
    if (a.have_random)
        jobs.push_back("");
    int status = 0;
    std::string config_line;
    if (a.preset)
        config_line += std::string("--preset ") + a.preset;
    if (a.config_file)
        config_line += std::string(config_line.empty() ? "" : " ") + "--config " + a.config_file;
    for (size_t i = 0; i < a.sets.size(); i++)
        config_line += (config_line.empty() ? "--set " : " --set ") + a.sets[i];
    for (const auto &d : drawn)
        config_line += (config_line.empty() ? "--set " : " --set ") + d;
    std::vector<std::string> csv_rows;
    for (const auto &trace : jobs) {
        std::string label = trace.empty() ? "random seed " + std::to_string(a.random_seed) : trace;
        auto run_once = [&](const cosim::RunOptions &opt, const mmu_stats **stats_out,
                            std::unique_ptr<cosim::Feeder> &feeder) -> cosim::RunResult {
            cosim::RunResult bad;
            bad.status = cosim::RunResult::kInputError;
            std::string e;
            if (trace.empty()) {
                auto rf = std::make_unique<cosim::RandomFeeder>();
                if (!rf->open(cfg, a.random_seed, a.random_requests, a.random_faults, e)) {
                    bad.message = e;
                    return bad;
                }
                feeder = std::move(rf);
            } else {
                auto tf = std::make_unique<cosim::TraceFeeder>();
                if (!tf->open(cfg, trace, a.max_records, e)) {
                    bad.message = e;
                    return bad;
                }
                feeder = std::move(tf);
            }
            cosim::ModelSide model(feeder.get());
            model.attach(feeder->model_mmu());
            mmu_set_response_fn(feeder->model_mmu(), cosim::ModelSide::on_response, &model);
            cosim::RunResult r = shape->run(model, rtl_inputs, opt);
            *stats_out = mmu_get_stats(feeder->model_mmu());
            if (r.ok()) {
                std::string diff = compare_stats(*stats_out, r);
                if (!diff.empty()) {
                    r.status = cosim::RunResult::kDivergence;
                    r.message = diff;
                }
            }
            return r;
        };
        if (a.model_only) {
            std::unique_ptr<cosim::TraceFeeder> tf = std::make_unique<cosim::TraceFeeder>();
            std::string e;
            if (trace.empty() || !tf->open(cfg, trace, a.max_records, e)) {
                fprintf(stderr, "mmulab cosim: --model-only needs a trace%s%s\n", e.empty() ? "" : ": ",
                        e.c_str());
                return 2;
            }
            cosim::ModelSide model(tf.get());
            model.attach(tf->model_mmu());
            mmu_set_response_fn(tf->model_mmu(), cosim::ModelSide::on_response, &model);
            auto m0 = std::chrono::steady_clock::now();
            uint64_t answered = 0;
            while (model.more(e) && e.empty()) {
                answered += model.responses.size();
                model.responses.clear();
                model.ops.clear();
                model.pte.clear();
            }
            answered += model.responses.size();
            double ms = std::chrono::duration<double>(std::chrono::steady_clock::now() - m0).count();
            printf("model alone: %s: %llu translations, %.2f M requests/s\n", label.c_str(),
                   (unsigned long long)answered, ms > 0 ? answered / ms / 1e6 : 0.0);
            continue;
        }
        auto t0 = std::chrono::steady_clock::now();
        const mmu_stats *stats = nullptr;
        std::unique_ptr<cosim::Feeder> feeder;
        cosim::RunOptions first;
        first.history = (unsigned)a.history;
        first.x_seed = a.random_seed;
        first.rtl_coverage_path = a.rtl_coverage;
        cosim::RunResult r = run_once(first, &stats, feeder);
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (r.status == cosim::RunResult::kInputError) {
            fprintf(stderr, "mmulab cosim: %s: %s\n", label.c_str(), r.message.c_str());
            return 2;
        }
        printf("cosim %s: %s: %llu translations compared, %d mismatches, %llu cycles, "
               "%.2f M requests/s, %.2f M cycles/s (RTL build \"%s\")\n",
               r.ok() ? "agree" : "DIVERGED", label.c_str(), (unsigned long long)r.compared,
               r.ok() ? 0 : 1, (unsigned long long)r.cycles, secs > 0 ? r.compared / secs / 1e6 : 0.0,
               secs > 0 ? r.cycles / secs / 1e6 : 0.0, shape->name);
        if (a.coverage) {
            print_coverage(cfg, r);
            print_model_evictions(cfg, stats);
        }
        if (!a.csv.empty()) {
            std::string row = csv_field(shape->name) + "," + csv_field(config_line) + "," +
                              csv_field(label) + "," + std::to_string(a.max_records) + "," +
                              (r.ok() ? "1" : "0") + "," + std::to_string(r.compared) + "," +
                              (r.ok() ? "0" : "1") + "," + std::to_string(r.cycles);
            for (const auto &p : stat_pairs(stats, r))
                row += "," + std::to_string(p.model) + "," + std::to_string(p.rtl);
            csv_rows.push_back(row);
        }
        if (!r.ok()) {
            fprintf(stderr, "%s\n", r.message.c_str());
            if (!a.wave.empty()) {
                cosim::RunOptions opt;
                opt.wave_path = a.wave;
                opt.history = (unsigned)a.history;
                opt.x_seed = a.random_seed;
                opt.wave_from = r.divergence_cycle > a.wave_window ? r.divergence_cycle - a.wave_window : 0;
                std::unique_ptr<cosim::Feeder> again;
                run_once(opt, &stats, again);
                fprintf(stderr, "waveform of cycles %llu..%llu: %s\n",
                        (unsigned long long)opt.wave_from, (unsigned long long)r.divergence_cycle,
                        a.wave.c_str());
            }
            status = 1;
            break;
        }
    }
    std::string csv_error;
    if (!a.csv.empty() && !write_agreement_csv(a.csv, csv_rows, csv_error)) {
        fprintf(stderr, "mmulab cosim: %s\n", csv_error.c_str());
        return 2;
    }
    return status;
}
