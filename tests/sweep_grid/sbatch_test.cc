// sbatch_test.cc — unit tests of the text side of `mmulab sweep --backend
// slurm` (cli/cmd_sweep_grid_sbatch.c): array.sbatch, and reading what
// sbatch and squeue print. slurm.sh runs the backend on a real cluster.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "sweep_grid.h"

namespace {

sg_sbatch plain_job()
{
    sg_sbatch b{};
    b.job_name = "mmulab-tiny";
    b.n_tasks = 4;
    b.work_dir = "/home/ann/study";
    b.log_dir = "/home/ann/study/results/tiny/slurm/logs";
    b.mmulab = "/opt/mmulab/bin/mmulab";
    b.points_list = "/home/ann/study/results/tiny/slurm/points.txt";
    b.spec_path = "tiny.json";
    return b;
}

std::string script_of(const sg_sbatch &b)
{
    char msg[512] = "";
    char *text = sg_sbatch_script(&b, msg, sizeof msg);
    EXPECT_NE(text, nullptr) << msg;
    std::string s = text ? text : "";
    free(text);
    return s;
}

std::string refusal(const sg_sbatch &b)
{
    char msg[512] = "";
    char *text = sg_sbatch_script(&b, msg, sizeof msg);
    EXPECT_EQ(text, nullptr);
    free(text);
    return msg;
}

const char kHeader[] =
    "#!/bin/sh\n"
    "# array.sbatch, written by `mmulab sweep --backend slurm` (docs/sweeps-grid.md).\n"
    "# Array task I runs the point named on line I+1 of the points list, exactly\n"
    "# as `mmulab sweep` runs a point locally, and leaves OUT/points/<id>.json.\n";

TEST(SweepGridSbatch, PlainScriptLineByLine)
{
    EXPECT_EQ(script_of(plain_job()),
              std::string(kHeader) +
                  "#SBATCH --job-name=mmulab-tiny\n"
                  "#SBATCH --array=0-3\n"
                  "#SBATCH --ntasks=1\n"
                  "#SBATCH --cpus-per-task=1\n"
                  "#SBATCH --chdir=\"/home/ann/study\"\n"
                  "#SBATCH --output=\"/home/ann/study/results/tiny/slurm/logs/%A_%a.out\"\n"
                  "exec '/opt/mmulab/bin/mmulab' sweep --slurm-task "
                  "'/home/ann/study/results/tiny/slurm/points.txt' 'tiny.json'\n");
}

TEST(SweepGridSbatch, ThrottlePartitionTimeAndAwkwardPaths)
{
    sg_sbatch b = plain_job();
    b.n_tasks = 1;
    b.max_parallel = 8;
    b.partition = "short,long";
    b.time_limit = "01:30:00";
    b.work_dir = "/data/ann's 100% study";
    b.log_dir = "/data/ann's 100% study/out/slurm/logs";
    b.spec_path = "my spec's.json";
    EXPECT_EQ(script_of(b),
              std::string(kHeader) +
                  "#SBATCH --job-name=mmulab-tiny\n"
                  "#SBATCH --array=0-0%8\n"
                  "#SBATCH --ntasks=1\n"
                  "#SBATCH --cpus-per-task=1\n"
                  // --chdir has no file name patterns: '%' stays single
                  "#SBATCH --chdir=\"/data/ann's 100% study\"\n"
                  "#SBATCH --output=\"/data/ann's 100%% study/out/slurm/logs/%A_%a.out\"\n"
                  "#SBATCH --partition=short,long\n"
                  "#SBATCH --time=01:30:00\n"
                  "exec '/opt/mmulab/bin/mmulab' sweep --slurm-task "
                  "'/home/ann/study/results/tiny/slurm/points.txt' 'my spec'\\''s.json'\n");
}

TEST(SweepGridSbatch, LongNamesAndPathsFit)
{
    sg_sbatch b = plain_job();
    std::string name = "mmulab-" + std::string(500, 'n');
    std::string dir = "/" + std::string(3000, 'd');
    b.job_name = name.c_str();
    b.work_dir = dir.c_str();
    std::string s = script_of(b);
    EXPECT_NE(s.find("#SBATCH --job-name=" + name + "\n"), std::string::npos);
    EXPECT_NE(s.find("#SBATCH --chdir=\"" + dir + "\"\n"), std::string::npos);
}

TEST(SweepGridSbatch, ShellRunsTheExecLineWithTheExactWords)
{
    char tmpl[] = "/tmp/sbatch_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    std::string dir = tmpl;
    sg_sbatch b = plain_job();
    b.mmulab = "/bin/echo";  // prints the words it gets, one space apart
    b.points_list = "/x/it's a list";
    b.spec_path = "a  b'\"$HOME`c`.json";
    std::ofstream(dir + "/array.sbatch") << script_of(b);
    std::string cmd = "sh '" + dir + "/array.sbatch' > '" + dir + "/out.txt'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    std::ifstream in(dir + "/out.txt");
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "sweep --slurm-task /x/it's a list a  b'\"$HOME`c`.json");
    ASSERT_EQ(std::system(("rm -rf '" + dir + "'").c_str()), 0);
}

TEST(SweepGridSbatch, RefusesPathsAnSbatchLineCannotCarry)
{
    sg_sbatch b = plain_job();
    b.work_dir = "/home/\"quoted\"";
    EXPECT_EQ(refusal(b), "chdir cannot go on an #SBATCH line (it holds a '\"', '\\' or line "
                          "break): /home/\"quoted\"");
    b = plain_job();
    b.log_dir = "/home/back\\slash/logs";
    EXPECT_NE(refusal(b).find("output cannot go on an #SBATCH line"), std::string::npos);
    b = plain_job();
    b.log_dir = "/home/two\nlines";
    EXPECT_NE(refusal(b).find("output cannot go on an #SBATCH line"), std::string::npos);
}

TEST(SweepGridSbatch, SlurmWords)
{
    EXPECT_TRUE(sg_slurm_word_ok("debug"));
    EXPECT_TRUE(sg_slurm_word_ok("gpu-a100,cpu_long"));
    EXPECT_TRUE(sg_slurm_word_ok("1-12:00:00"));
    EXPECT_TRUE(sg_slurm_word_ok("UNLIMITED"));
    EXPECT_FALSE(sg_slurm_word_ok(""));
    EXPECT_FALSE(sg_slurm_word_ok("a b"));
    EXPECT_FALSE(sg_slurm_word_ok("a\n#SBATCH --mem=1"));
    EXPECT_FALSE(sg_slurm_word_ok("\"x\""));
    EXPECT_FALSE(sg_slurm_word_ok("x;rm"));
}

TEST(SweepGridSbatch, JobIdOfParsableOutput)
{
    EXPECT_EQ(sg_sbatch_job_id("4242\n"), 4242ul);
    EXPECT_EQ(sg_sbatch_job_id("17;cluster-b\n"), 17ul);
    EXPECT_EQ(sg_sbatch_job_id("9"), 9ul);
    EXPECT_EQ(sg_sbatch_job_id(" 9\r\n"), 9ul);
    EXPECT_EQ(sg_sbatch_job_id(""), 0ul);
    EXPECT_EQ(sg_sbatch_job_id("Submitted batch job 12\n"), 0ul);
    EXPECT_EQ(sg_sbatch_job_id("12x\n"), 0ul);
    EXPECT_EQ(sg_sbatch_job_id("99999999999999999999999999\n"), 0ul);
}

TEST(SweepGridSbatch, SqueueStatesCounted)
{
    size_t pending = 9, running = 9, other = 9;
    sg_squeue_count("PENDING\nRUNNING\n  RUNNING \nCOMPLETING\n\nPENDING\r\nCONFIGURING", &pending,
                    &running, &other);
    EXPECT_EQ(pending, 2u);
    EXPECT_EQ(running, 2u);
    EXPECT_EQ(other, 2u);
    sg_squeue_count("", &pending, &running, &other);
    EXPECT_EQ(pending + running + other, 0u);
    sg_squeue_count("PENDINGX\nRUN\n", &pending, &running, &other);
    EXPECT_EQ(pending, 0u);
    EXPECT_EQ(running, 0u);
    EXPECT_EQ(other, 2u);
}

TEST(SweepGridSbatch, ToolMessagesOnOneLine)
{
    char out[256];
    sg_tool_message(
        "sbatch: error: invalid partition specified: nope\n"
        "sbatch: error: Batch job submission failed: Invalid partition name specified\n",
        out, sizeof out);
    EXPECT_STREQ(out, "invalid partition specified: nope; Batch job submission failed: Invalid "
                      "partition name specified");
    sg_tool_message("slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n",
                    out, sizeof out);
    EXPECT_STREQ(out, "Unable to contact slurm controller (connect failure)");
    sg_tool_message("\n\nplain words\r\n", out, sizeof out);
    EXPECT_STREQ(out, "plain words");
    sg_tool_message(nullptr, out, sizeof out);
    EXPECT_STREQ(out, "");
    char small[12];
    sg_tool_message("sbatch: error: a very long message\nand another line\n", small, sizeof small);
    EXPECT_STREQ(small, "a very long");
}

}  // namespace
