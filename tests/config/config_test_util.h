// config_test_util.h — helpers shared by the config tests: load a config
// from a preset, a file and --set strings, and write temporary files.
#ifndef MMULAB_TESTS_CONFIG_TEST_UTIL_H
#define MMULAB_TESTS_CONFIG_TEST_UTIL_H

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "mmulab/config.h"

struct Loaded {
    int rc = MM_OK;
    mmu_config cfg{};
    mm_error err{};
    std::string msg() const { return err.msg; }
};

inline Loaded load(const char *preset, const char *file = nullptr,
                   const std::vector<std::string> &sets = {})
{
    std::vector<const char *> ptrs;
    for (const std::string &s : sets)
        ptrs.push_back(s.c_str());
    Loaded l;
    l.rc = cfg_load(preset, file, ptrs.data(), ptrs.size(), &l.cfg, &l.err);
    return l;
}

inline Loaded load_sets(const std::vector<std::string> &sets)
{
    return load(nullptr, nullptr, sets);
}

// A file in the temp directory, removed when the object goes away.
class TempFile {
  public:
    explicit TempFile(const std::string &text, const std::string &stem = "cfg")
    {
        static std::atomic<unsigned> counter{0};
        path_ = (std::filesystem::temp_directory_path() /
                 (stem + "-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + ".json"))
                    .string();
        std::ofstream(path_, std::ios::binary) << text;
    }
    ~TempFile() { std::remove(path_.c_str()); }
    TempFile(const TempFile &) = delete;
    TempFile &operator=(const TempFile &) = delete;
    const char *path() const { return path_.c_str(); }

  private:
    std::string path_;
};

inline std::string to_json(const mmu_config &cfg)
{
    char *text = cfg_to_json(&cfg);
    std::string s = text ? text : "";
    free(text);
    return s;
}

#endif
