// sweep_grid_test.cc — unit tests of the pieces of `mmulab sweep SPEC`
// (cli/sweep_grid.h): the JSON reader, SPEC checking, point expansion and
// ids, and results.csv. check.sh tests the command end to end.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_util.h"
#include "sweep_grid.h"

namespace {

std::string parse_error(const char *text)
{
    char msg[256] = "";
    sg_json *v = sg_json_parse(text, msg, sizeof msg);
    EXPECT_EQ(v, nullptr) << text;
    sg_json_free(v);
    return msg;
}

TEST(SweepGridJson, KeepsNumberTokensAndDecodesStrings)
{
    char msg[256];
    sg_json *v = sg_json_parse(
        " {\"a\": [1, -0.500000, 2e+3, true, false, null],\n"
        "  \"s\": \"q\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u20ac\\ud83d\\ude00\", \"o\": {}} ",
        msg, sizeof msg);
    ASSERT_NE(v, nullptr) << msg;
    ASSERT_EQ(v->type, SG_OBJECT);
    const sg_json *a = sg_json_get(v, "a");
    ASSERT_NE(a, nullptr);
    ASSERT_EQ(a->n_items, 6u);
    EXPECT_STREQ(a->items[0]->text, "1");
    EXPECT_STREQ(a->items[1]->text, "-0.500000");  // not reformatted
    EXPECT_STREQ(a->items[2]->text, "2e+3");
    EXPECT_EQ(a->items[3]->type, SG_BOOL);
    EXPECT_STREQ(a->items[3]->text, "true");
    EXPECT_STREQ(a->items[4]->text, "false");
    EXPECT_EQ(a->items[5]->type, SG_NULL);
    const sg_json *s = sg_json_get(v, "s");
    ASSERT_NE(s, nullptr);
    EXPECT_STREQ(s->text, "q\"\\/\b\f\n\r\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    EXPECT_EQ(sg_json_get(v, "o")->n_items, 0u);
    EXPECT_EQ(sg_json_get(v, "missing"), nullptr);
    EXPECT_EQ(sg_json_get(a, "a"), nullptr);  // not an object
    sg_json_free(v);
}

TEST(SweepGridJson, SyntaxErrorsNameTheLine)
{
    EXPECT_EQ(parse_error("{\"a\": 1,\n \"b\": [1, 2,]}"), "line 2: unexpected character ']'");
    EXPECT_EQ(parse_error("[1 2]"), "line 1: expected ',' or ']'");
    EXPECT_EQ(parse_error("{\"a\" 1}"), "line 1: expected ':' after \"a\"");
    EXPECT_EQ(parse_error("{1: 2}"), "line 1: expected a member name in quotes");
    EXPECT_EQ(parse_error("\"abc"), "line 1: unterminated string");
    EXPECT_EQ(parse_error("\"a\tb\""), "line 1: control character in a string");
    EXPECT_EQ(parse_error("\"\\x\""), "line 1: bad escape \\x");
    EXPECT_EQ(parse_error("\"\\u12g4\""), "line 1: bad \\u escape");
    EXPECT_EQ(parse_error("01"), "line 1: unexpected character '0'");
    EXPECT_EQ(parse_error("1."), "line 1: digits expected after '.'");
    EXPECT_EQ(parse_error("1e"), "line 1: digits expected in the exponent");
    EXPECT_EQ(parse_error(""), "line 1: unexpected end of document");
    EXPECT_EQ(parse_error("{} x"), "line 1: text after the end of the document");
    EXPECT_EQ(parse_error(std::string(100, '[').c_str()), "line 1: nested deeper than 64");
}

class TempDir : public ::testing::Test {
protected:
    void SetUp() override
    {
        char tmpl[] = "/tmp/sweep_grid_test.XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override
    {
        std::string cmd = "rm -rf '" + dir_ + "'";
        ASSERT_EQ(std::system(cmd.c_str()), 0);
    }
    std::string write(const std::string &name, const std::string &text)
    {
        std::string path = dir_ + "/" + name;
        std::ofstream(path) << text;
        return path;
    }
    std::string load_error(const std::string &spec_text)
    {
        std::string path = write("spec.json", spec_text);
        sg_spec spec;
        char msg[512] = "";
        EXPECT_NE(sg_spec_load(path.c_str(), &spec, msg, sizeof msg), 0) << spec_text;
        std::string m = msg;
        EXPECT_EQ(m.rfind(path + ": ", 0), 0u) << m;
        return m.substr(path.size() + 2);
    }
    std::string dir_;
};

using SweepGridSpec = TempDir;

TEST_F(SweepGridSpec, LoadsListsScalarsAndGlobs)
{
    write("b.mmt", "x");
    write("a.mmt", "x");
    write("c.txt", "x");
    std::string spec_text = "{\"name\": \"s1\", \"presets\": [\"skylake\", \"zen2\"],"
                            " \"configs\": \"my.json\","
                            " \"grid\": {\"l2tlb.entries\": [512, 1024], \"pwc.design\": \"pte\","
                            "          \"walker.x\": [true]},"
                            " \"traces\": [\"" + dir_ + "/*.mmt\", \"" + dir_ + "/a.mmt\"]}";
    std::string path = write("spec.json", spec_text);
    sg_spec spec;
    char msg[512];
    ASSERT_EQ(sg_spec_load(path.c_str(), &spec, msg, sizeof msg), 0) << msg;
    EXPECT_STREQ(spec.name, "s1");
    EXPECT_STREQ(spec.out_dir, "results/s1");
    ASSERT_EQ(spec.n_presets, 2u);
    EXPECT_STREQ(spec.presets[1], "zen2");
    ASSERT_EQ(spec.n_configs, 1u);
    EXPECT_STREQ(spec.configs[0], "my.json");
    ASSERT_EQ(spec.n_grid, 3u);
    EXPECT_STREQ(spec.grid[0].key, "l2tlb.entries");
    ASSERT_EQ(spec.grid[0].n_values, 2u);
    EXPECT_STREQ(spec.grid[0].values[1], "1024");
    ASSERT_EQ(spec.grid[1].n_values, 1u);
    EXPECT_STREQ(spec.grid[1].values[0], "pte");
    EXPECT_STREQ(spec.grid[2].values[0], "true");
    // the glob's matches sorted, the repeated a.mmt dropped
    ASSERT_EQ(spec.n_traces, 2u);
    EXPECT_EQ(std::string(spec.traces[0]), dir_ + "/a.mmt");
    EXPECT_EQ(std::string(spec.traces[1]), dir_ + "/b.mmt");
    sg_spec_free(&spec);
}

TEST_F(SweepGridSpec, AbsentPresetsAndConfigsAreOneEmptyEntry)
{
    write("t.mmt", "x");
    std::string path =
        write("spec.json", "{\"name\": \"n\", \"traces\": \"" + dir_ + "/t.mmt\", \"out\": \"o/p\"}");
    sg_spec spec;
    char msg[512];
    ASSERT_EQ(sg_spec_load(path.c_str(), &spec, msg, sizeof msg), 0) << msg;
    EXPECT_STREQ(spec.out_dir, "o/p");
    ASSERT_EQ(spec.n_presets, 1u);
    EXPECT_EQ(spec.presets[0], nullptr);
    ASSERT_EQ(spec.n_configs, 1u);
    EXPECT_EQ(spec.configs[0], nullptr);
    EXPECT_EQ(spec.n_grid, 0u);
    size_t n = 0;
    sg_point *points = sg_points_make(&spec, &n);
    ASSERT_NE(points, nullptr);
    ASSERT_EQ(n, 1u);
    EXPECT_EQ(std::string(points[0].id).rfind("default_t-", 0), 0u) << points[0].id;
    char **argv = sg_point_argv(&spec, &points[0]);
    ASSERT_NE(argv, nullptr);
    std::vector<std::string> args;
    for (char **a = argv; *a; a++)
        args.push_back(*a);
    EXPECT_EQ(args, (std::vector<std::string>{"run", "--json", "--no-progress", dir_ + "/t.mmt"}));
    sg_argv_free(argv);
    sg_points_free(points, n);
    sg_spec_free(&spec);
}

TEST_F(SweepGridSpec, RejectsBadSpecsWithOneLine)
{
    write("t.mmt", "x");
    std::string t = "\"traces\": \"" + dir_ + "/t.mmt\"";
    EXPECT_EQ(load_error("[1]"), "the SPEC must be a JSON object");
    EXPECT_EQ(load_error("{\"name\": \"n\", \"trace\": 1}"),
              "unknown key \"trace\" (known: name, presets, configs, grid, traces, out)");
    EXPECT_EQ(load_error("{\"name\": \"n\", \"name\": \"m\", " + t + "}"), "key \"name\" appears twice");
    EXPECT_EQ(load_error("{" + t + "}").rfind("\"name\" is required", 0), 0u);
    EXPECT_EQ(load_error("{\"name\": \"a/b\", " + t + "}").rfind("\"name\" is required", 0), 0u);
    EXPECT_EQ(load_error("{\"name\": \"..\", " + t + "}").rfind("\"name\" is required", 0), 0u);
    EXPECT_EQ(load_error("{\"name\": \"n\"}"), "\"traces\" is required: a list of trace paths or globs");
    EXPECT_EQ(load_error("{\"name\": \"n\", \"presets\": [], " + t + "}"), "\"presets\" is an empty list");
    EXPECT_EQ(load_error("{\"name\": \"n\", \"presets\": [\"a\", 1], " + t + "}"),
              "\"presets\" must be a non-empty string or a list of them");
    EXPECT_EQ(load_error("{\"name\": \"n\", \"configs\": [\"a\", \"a\"], " + t + "}"),
              "\"configs\" lists \"a\" twice");
    EXPECT_EQ(load_error("{\"name\": \"n\", \"grid\": [1], " + t + "}"),
              "\"grid\" must be an object of KEY: [VALUE, ...]");
    EXPECT_EQ(load_error("{\"name\": \"n\", \"grid\": {\"a\": []}, " + t + "}"),
              "grid key \"a\" has no values");
    EXPECT_EQ(load_error("{\"name\": \"n\", \"grid\": {\"a\": [1, 1]}, " + t + "}"),
              "grid key \"a\" lists 1 twice");
    EXPECT_EQ(load_error("{\"name\": \"n\", \"grid\": {\"a\": [{}]}, " + t + "}"),
              "grid key \"a\": values must be strings, numbers or booleans");
    EXPECT_EQ(load_error("{\"name\": \"n\", \"grid\": {\"a\": 1, \"a\": 2}, " + t + "}"),
              "grid key \"a\" appears twice");
    EXPECT_EQ(load_error("{\"name\": \"n\", \"grid\": {\"a=b\": 1}, " + t + "}"),
              "grid key \"a=b\" is not a config key");
    EXPECT_EQ(load_error("{\"name\": \"n\", \"traces\": \"" + dir_ + "/none*.mmt\"}"),
              "traces: \"" + dir_ + "/none*.mmt\" matches no file");
    EXPECT_EQ(load_error("{\"name\": \"n\", " + t + ", \"out\": \"\"}"), "\"out\" must be a directory path");
    EXPECT_EQ(load_error("{\"name\": \"n\",\n\n " + t + ",}"), "line 3: expected a member name in quotes");

    sg_spec spec;
    char msg[512];
    EXPECT_NE(sg_spec_load((dir_ + "/absent.json").c_str(), &spec, msg, sizeof msg), 0);
    EXPECT_EQ(std::string(msg), dir_ + "/absent.json: cannot read the SPEC");
}

class SweepGridPoints : public TempDir {
protected:
    void load(const std::string &grid)
    {
        write("x.mmt", "x");
        std::string path = write("spec.json",
                                 "{\"name\": \"n\", \"presets\": [\"p1\", \"p2\"], \"grid\": " + grid +
                                     ", \"traces\": [\"" + dir_ + "/x.mmt\"]}");
        char msg[512];
        ASSERT_EQ(sg_spec_load(path.c_str(), &spec_, msg, sizeof msg), 0) << msg;
        points_ = sg_points_make(&spec_, &n_);
        ASSERT_NE(points_, nullptr);
    }
    void TearDown() override
    {
        sg_points_free(points_, n_);
        sg_spec_free(&spec_);
        TempDir::TearDown();
    }
    std::string args(size_t i)
    {
        char **argv = sg_point_argv(&spec_, &points_[i]);
        std::string s;
        for (char **a = argv; a && *a; a++)
            s += (s.empty() ? "" : " ") + std::string(*a);
        sg_argv_free(argv);
        return s;
    }
    sg_spec spec_{};
    sg_point *points_ = nullptr;
    size_t n_ = 0;
};

TEST_F(SweepGridPoints, ProductInSpecOrderLastKeyFastest)
{
    load("{\"b\": [1, 2], \"a\": [\"x\", \"y z\"]}");
    ASSERT_EQ(n_, 8u);
    std::string tr = " " + dir_ + "/x.mmt";
    EXPECT_EQ(args(0), "run --json --no-progress --preset p1 --set b=1 --set a=x" + tr);
    EXPECT_EQ(args(1), "run --json --no-progress --preset p1 --set b=1 --set a=y z" + tr);
    EXPECT_EQ(args(2), "run --json --no-progress --preset p1 --set b=2 --set a=x" + tr);
    EXPECT_EQ(args(7), "run --json --no-progress --preset p2 --set b=2 --set a=y z" + tr);
    // readable stems: values in key order (a before b), unsafe characters as '-'
    EXPECT_EQ(std::string(points_[1].id).substr(0, 11), "p1_y-z_1_x-") << points_[1].id;
    for (size_t i = 0; i < n_; i++)
        for (size_t j = i + 1; j < n_; j++)
            EXPECT_STRNE(points_[i].id, points_[j].id);
}

TEST_F(SweepGridPoints, IdsDoNotDependOnGridKeyOrderOrOtherPoints)
{
    load("{\"b\": [1, 2], \"a\": [\"x\"]}");
    std::vector<std::string> before;
    for (size_t i = 0; i < n_; i++)
        before.push_back(points_[i].id);
    sg_points_free(points_, n_);
    sg_spec_free(&spec_);
    points_ = nullptr;
    n_ = 0;
    load("{\"a\": [\"x\", \"w\"], \"b\": [2, 1, 3]}");
    ASSERT_EQ(n_, 12u);
    // p1/a=x/b=1 was point 0 and is point 1 now
    EXPECT_EQ(before[0], points_[1].id);
    EXPECT_EQ(before[1], points_[0].id);
    EXPECT_EQ(before[3], points_[6].id);  // p2, a=x, b=2
}

TEST_F(SweepGridPoints, TraceNamedLikeAnOptionIsMadeAPath)
{
    write("-y.mmt", "x");
    std::string path = write("spec.json", "{\"name\": \"n\", \"traces\": \"-y.mmt\"}");
    ASSERT_EQ(chdir(dir_.c_str()), 0);
    char msg[512];
    ASSERT_EQ(sg_spec_load(path.c_str(), &spec_, msg, sizeof msg), 0) << msg;
    points_ = sg_points_make(&spec_, &n_);
    ASSERT_EQ(n_, 1u);
    EXPECT_EQ(args(0), "run --json --no-progress ./-y.mmt");
    ASSERT_EQ(chdir("/"), 0);
}

using SweepGridCsv = SweepGridPoints;

TEST_F(SweepGridCsv, FlattensReportsIntoTidyRows)
{
    load("{\"k\": [\"v,1\", 2]}");
    // two presets x two values x one trace; the reports differ in shape
    const char *report_a =
        "{\"report_version\": 1, \"run\": {\"label\": \"t\", \"instructions\": 10,"
        " \"mpki\": {\"l1dtlb\": {\"load\": 1.500000}}},"
        " \"config\": {\"name\": \"ignored\"},"
        " \"tlbs\": [{\"name\": \"l1dtlb\", \"level\": 1, \"load\": {\"misses\": 3}}],"
        " \"walks\": {\"latency\": {\"p50\": 60, \"percentiles\": [3, 60, 90]},"
        " \"walks_by_pte_reads\": [4, 5]},"
        " \"walk_cache\": {\"design\": \"split\", \"levels\": [{\"level\": 2, \"hit_rate\": 0.250000}]}}";
    const char *report_b =
        "{\"run\": {\"instructions\": 20}, \"tlbs\": [{\"name\": \"dtlb\", \"level\": 1,"
        " \"load\": {\"misses\": 7}}], \"note\": \"a \\\"q\\\"\"}";
    std::string points_dir = dir_ + "/points";
    ASSERT_EQ(system(("mkdir -p '" + points_dir + "'").c_str()), 0);
    for (size_t i = 0; i < n_; i++)
        write(std::string("points/") + points_[i].id + ".json", i == 2 ? report_b : report_a);
    std::string out = dir_ + "/results.csv";
    char msg[512];
    ASSERT_EQ(sg_csv_write(&spec_, points_, n_, points_dir.c_str(), out.c_str(), msg, sizeof msg), 0)
        << msg;
    std::ifstream f(out);
    std::stringstream ss;
    ss << f.rdbuf();
    std::string tr = dir_ + "/x.mmt";
    EXPECT_EQ(ss.str(),
              "preset,k,trace,point,instructions,l1dtlb.load.mpki,l1dtlb.level,l1dtlb.load.misses,"
              "walks.latency.p50,walks.walks_by_pte_reads.0,walks.walks_by_pte_reads.1,"
              "walk_cache.design,walk_cache.levels.l2.hit_rate,dtlb.level,dtlb.load.misses,note\n"
              "p1,\"v,1\"," + tr + "," + points_[0].id + ",10,1.500000,1,3,60,4,5,split,0.250000,,,\n"
              "p1,2," + tr + "," + points_[1].id + ",10,1.500000,1,3,60,4,5,split,0.250000,,,\n"
              "p2,\"v,1\"," + tr + "," + points_[2].id + ",20,,,,,,,,,1,7,\"a \"\"q\"\"\"\n"
              "p2,2," + tr + "," + points_[3].id + ",10,1.500000,1,3,60,4,5,split,0.250000,,,\n");
    EXPECT_NE(access((out + ".tmp").c_str(), F_OK), 0);

    // a missing or broken point file is an error naming it
    write(std::string("points/") + points_[1].id + ".json", "{\"a\": }");
    EXPECT_NE(sg_csv_write(&spec_, points_, n_, points_dir.c_str(), out.c_str(), msg, sizeof msg), 0);
    EXPECT_NE(std::string(msg).find(std::string(points_[1].id) + ".json: line 1: "), std::string::npos)
        << msg;
    write(std::string("points/") + points_[1].id + ".json", "[1]");
    EXPECT_NE(sg_csv_write(&spec_, points_, n_, points_dir.c_str(), out.c_str(), msg, sizeof msg), 0);
    EXPECT_NE(std::string(msg).find("not a report object"), std::string::npos) << msg;
    remove((points_dir + "/" + points_[1].id + ".json").c_str());
    EXPECT_NE(sg_csv_write(&spec_, points_, n_, points_dir.c_str(), out.c_str(), msg, sizeof msg), 0);
    EXPECT_NE(std::string(msg).find("No such file"), std::string::npos) << msg;
    // an unwritable output
    write(std::string("points/") + points_[1].id + ".json", report_a);
    std::string bad_out = dir_ + "/no-dir/results.csv";
    EXPECT_NE(sg_csv_write(&spec_, points_, n_, points_dir.c_str(), bad_out.c_str(), msg, sizeof msg), 0);
    EXPECT_NE(std::string(msg).find("cannot write " + bad_out), std::string::npos) << msg;
}

TEST_F(SweepGridCsv, WriteAtomicallyAndReadFileRoundTrip)
{
    std::string path = dir_ + "/f.txt";
    std::string big(200000, 'z');
    ASSERT_EQ(cli_write_atomically(path.c_str(), big.data(), big.size()), 0);
    char *back = cli_read_file(path.c_str());
    ASSERT_NE(back, nullptr);
    EXPECT_EQ(std::string(back), big);
    free(back);
    EXPECT_EQ(cli_read_file((dir_ + "/absent").c_str()), nullptr);
    EXPECT_NE(cli_write_atomically((dir_ + "/no/such/dir").c_str(), "x", 1), 0);
}

}  // namespace
