// os_import_test.cc — importing a real process (issue 4, item 8): a live
// helper process is imported with `mmulab os import`, and the model, started
// from the image, must translate every imported page to the frame that
// /proc/PID/pagemap reports, with 2 MiB pages where the kernel used a THP.
// Also: the image file's reader on damaged files (one-line errors naming the
// file and the offset), sim_load_image on images a machine cannot hold, the
// huge-page split on a partial munmap, pmem's frame reservation, and the OS
// part of `mmulab run`'s report (item 9). Live checks need root and skip
// without it, or when pagemap hides frame numbers (containers).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "mmulab/pmem.h"
#include "mmulab/sim.h"
#include "os_image.h"

namespace {

constexpr uint64_t kPage = 4096;
constexpr uint64_t kPfnMask = (1ull << 55) - 1;
constexpr uint64_t kPresent = 1ull << 63;
constexpr uint64_t kKpfHead = 1ull << 15;
constexpr uint64_t kKpfThp = 1ull << 22;
constexpr uint32_t kNobody = 65534;

// ---- helpers ----

struct Command {
    int status;
    std::string out; // stdout and stderr
};

Command run_cli(const std::string &args)
{
    std::string cmd = std::string(MMULAB_CLI) + " " + args + " 2>&1";
    FILE *p = popen(cmd.c_str(), "r");
    Command r{-1, ""};
    if (!p)
        return r;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        r.out.append(buf, n);
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

size_t lines(const std::string &s)
{
    return (size_t)std::count(s.begin(), s.end(), '\n');
}

std::string temp_path(const std::string &name)
{
    return testing::TempDir() + "os_import_" + std::to_string(getpid()) + "_" + name;
}

std::string slurp(const std::string &path)
{
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

void spit(const std::string &path, const std::string &data)
{
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(data.data(), (std::streamsize)data.size());
}

std::string gzip(const std::string &data)
{
    z_stream zs{};
    EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    std::string out(deflateBound(&zs, data.size()), '\0');
    zs.next_in = (Bytef *)data.data();
    zs.avail_in = (uInt)data.size();
    zs.next_out = (Bytef *)&out[0];
    zs.avail_out = (uInt)out.size();
    EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

uint64_t read_u64(const std::string &path, uint64_t index, bool *ok)
{
    int fd = open(path.c_str(), O_RDONLY);
    uint64_t v = 0;
    *ok = fd >= 0 && pread(fd, &v, 8, (off_t)(index * 8)) == 8;
    if (fd >= 0)
        close(fd);
    return v;
}

// Present pages of pid's user half: vpn -> pagemap entry.
std::map<uint64_t, uint64_t> present_pages(int pid)
{
    std::map<uint64_t, uint64_t> pages;
    std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
    int fd = open(("/proc/" + std::to_string(pid) + "/pagemap").c_str(), O_RDONLY);
    std::string line;
    while (fd >= 0 && std::getline(maps, line)) {
        unsigned long long start, end;
        if (sscanf(line.c_str(), "%llx-%llx", &start, &end) != 2 || (start >> 63))
            continue;
        std::vector<uint64_t> e((end - start) / kPage);
        ssize_t got = pread(fd, e.data(), e.size() * 8, (off_t)(start / kPage * 8));
        for (size_t i = 0; got > 0 && i < (size_t)got / 8; i++)
            if (e[i] & kPresent)
                pages[start / kPage + i] = e[i];
    }
    if (fd >= 0)
        close(fd);
    return pages;
}

// Empty when this machine lets us read real frame numbers, else why not.
std::string import_skip_reason()
{
    if (geteuid() != 0)
        return "not root: /proc/PID/pagemap shows frame numbers to root only";
    static volatile char probe[8192];
    probe[4096] = 1;
    bool ok;
    uint64_t e = read_u64("/proc/self/pagemap", (uint64_t)(uintptr_t)&probe[4096] / kPage, &ok);
    if (!ok || !(e & kPresent) || (e & kPfnMask) == 0)
        return "/proc/self/pagemap gives no frame numbers here (a container or user namespace)";
    return "";
}

// The helper process: started by the constructor, killed by the destructor.
class Target {
  public:
    explicit Target(uint32_t uid = 0)
    {
        int fds[2];
        if (pipe(fds))
            return;
        pid_ = fork();
        if (pid_ == 0) {
            dup2(fds[1], 1);
            close(fds[0]);
            close(fds[1]);
            if (uid && (setgid(uid) || setuid(uid)))
                _exit(127);
            prctl(PR_SET_PDEATHSIG, SIGKILL); // no orphan if the test dies
            if (getppid() == 1)
                _exit(127);
            execl(IMPORT_TARGET, "import_target", (char *)nullptr);
            _exit(127);
        }
        close(fds[1]);
        FILE *f = fdopen(fds[0], "r");
        char line[256];
        while (f && fgets(line, sizeof line, f)) {
            unsigned long a;
            unsigned n;
            int p;
            if (sscanf(line, "pid %d", &p) == 1)
                pid = p;
            else if (sscanf(line, "small %lx %u", &a, &n) == 2)
                small = a, small_pages = n;
            else if (sscanf(line, "sparse %lx %u", &a, &n) == 2)
                sparse = a, sparse_pages = n;
            else if (sscanf(line, "huge %lx %u", &a, &n) == 2)
                huge = a, huge_bytes = n;
            else if (sscanf(line, "ro %lx", &a) == 1)
                ro = a;
            else if (sscanf(line, "hugetlb %lx", &a) == 1)
                hugetlb = a;
            else if (!strcmp(line, "ready\n")) {
                ok = pid == pid_;
                break;
            }
        }
        if (f)
            fclose(f);
    }
    ~Target()
    {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }
    Target(const Target &) = delete;
    Target &operator=(const Target &) = delete;

    bool ok = false;
    int pid = 0;
    uint64_t small = 0, sparse = 0, huge = 0, ro = 0, hugetlb = 0;
    unsigned small_pages = 0, sparse_pages = 0, huge_bytes = 0;

  private:
    pid_t pid_ = -1;
};

uint64_t level_bytes(unsigned level)
{
    return 1ull << (12 + 9 * level);
}

// The image mapping covering va, or nullptr.
const sim_image_mapping *find_mapping(const sim_image &img, uint64_t va)
{
    const sim_image_mapping *m = std::upper_bound(
        img.mappings, img.mappings + img.n_mappings, va,
        [](uint64_t v, const sim_image_mapping &x) { return v < x.va; });
    if (m == img.mappings)
        return nullptr;
    --m;
    return va < m->va + level_bytes(m->level) ? m : nullptr;
}

mmu_config config(const char *preset = "skylake", std::vector<std::string> sets = {})
{
    mmu_config c;
    mm_error err{};
    std::vector<const char *> p;
    for (auto &s : sets)
        p.push_back(s.c_str());
    EXPECT_EQ(cfg_load(preset, nullptr, p.data(), p.size(), &c, &err), MM_OK) << err.msg;
    return c;
}

trace_record mem_access(uint64_t va, mm_access a = MM_ACCESS_LOAD, uint32_t pid = 1)
{
    trace_record r{};
    r.kind = TRACE_ACCESS;
    r.access = (uint8_t)a;
    r.size = 8;
    r.va = va;
    r.pid = pid;
    r.instructions = 1;
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

// A sim with a response recorder and the frames its walks read.
class Machine {
  public:
    explicit Machine(const mmu_config &c)
    {
        mm_error err{};
        s = sim_create(&c, &err);
        EXPECT_NE(s, nullptr) << err.msg;
        if (!s)
            return;
        sim_set_response_fn(s, on_response, this);
        mmu_set_event_fn(sim_mmu(s), on_event, this);
    }
    ~Machine() { sim_destroy(s); }
    Machine(const Machine &) = delete;
    Machine &operator=(const Machine &) = delete;

    int feed(const std::vector<trace_record> &v, mm_error *err)
    {
        int rc = sim_feed(s, v.data(), v.size(), err);
        sim_finish(s);
        // responses arrive in completion order; tests read them in request order
        std::stable_sort(responses.begin(), responses.end(),
                         [](const mmu_response &a, const mmu_response &b) { return a.id < b.id; });
        return rc;
    }
    // The last response for va's page.
    const mmu_response *at(uint64_t va) const
    {
        auto it = last.find(va & ~(kPage - 1));
        return it == last.end() ? nullptr : &it->second;
    }

    sim *s = nullptr;
    std::map<uint64_t, mmu_response> last;
    std::vector<mmu_response> responses;
    std::set<uint64_t> pte_frames;

  private:
    static void on_response(void *opaque, const mmu_response *r)
    {
        auto *m = static_cast<Machine *>(opaque);
        m->responses.push_back(*r);
        m->last[r->va & ~(kPage - 1)] = *r;
    }
    static void on_event(void *opaque, const mmu_event *e)
    {
        if (e->kind == MMU_EVENT_PTE)
            static_cast<Machine *>(opaque)->pte_frames.insert(e->pa & ~(kPage - 1));
    }
};

// ---- a live process ----

class OsImportLive : public testing::Test {
  protected:
    void SetUp() override
    {
        std::string why = import_skip_reason();
        if (!why.empty())
            GTEST_SKIP() << why;
        target = std::make_unique<Target>();
        ASSERT_TRUE(target->ok) << "the helper " << IMPORT_TARGET << " did not start";
        before = present_pages(target->pid);
        path = temp_path("live.mmas.gz");
        Command r = run_cli("os import " + std::to_string(target->pid) + " -o " + path);
        ASSERT_EQ(r.status, 0) << r.out;
        summary = r.out;
        mm_error err{};
        ASSERT_EQ(os_image_read(path.c_str(), &img, &err), MM_OK) << err.msg;
        after = present_pages(target->pid);
    }
    void TearDown() override
    {
        os_image_free(&img);
        if (!path.empty())
            remove(path.c_str());
    }
    // The pagemap entry of a page present with one frame before and after
    // the import, else 0 (the kernel moved or dropped it meanwhile).
    uint64_t stable(uint64_t vpn) const
    {
        auto b = before.find(vpn), a = after.find(vpn);
        return b != before.end() && a != after.end() && b->second == a->second ? a->second : 0;
    }
    const sim_image_region *region_at(uint64_t va) const
    {
        for (size_t i = 0; i < img.n_regions; i++)
            if (img.regions[i].start <= va && va < img.regions[i].end)
                return &img.regions[i];
        return nullptr;
    }

    std::unique_ptr<Target> target;
    std::map<uint64_t, uint64_t> before, after;
    std::string path, summary;
    sim_image img{};
};

TEST_F(OsImportLive, SummaryIsOneLineWithTheCounts)
{
    EXPECT_EQ(lines(summary), 1u) << summary;
    std::string comm = slurp("/proc/" + std::to_string(target->pid) + "/comm");
    comm.resize(comm.size() - 1); // the kernel's name: the file name, cut to 15 characters
    EXPECT_NE(summary.find("mmulab os import: pid " + std::to_string(target->pid) + " (" + comm +
                           "): "),
              std::string::npos)
        << summary;
    EXPECT_NE(summary.find("regions"), std::string::npos);
    EXPECT_NE(summary.find("pages present"), std::string::npos);
    EXPECT_NE(summary.find("swapped"), std::string::npos);
    EXPECT_NE(summary.find("not present -> " + path), std::string::npos) << summary;
    EXPECT_EQ(img.source_pid, (uint32_t)target->pid);
    EXPECT_EQ(std::string(img.description).rfind("pid " + std::to_string(target->pid) + " (" + comm +
                                                  ") on Linux ", 0),
              0u)
        << img.description;
}

TEST_F(OsImportLive, ImageHoldsTheFramesPagemapReports)
{
    size_t checked = 0;
    for (const auto &[vpn, entry] : after) {
        if (stable(vpn) == 0)
            continue;
        const sim_image_mapping *m = find_mapping(img, vpn * kPage);
        ASSERT_NE(m, nullptr) << "present page 0x" << std::hex << vpn * kPage << " not imported";
        EXPECT_EQ(m->pa + (vpn * kPage - m->va), (entry & kPfnMask) * kPage)
            << "page 0x" << std::hex << vpn * kPage;
        checked++;
    }
    // every imported page was present, with the image's frame, around the import
    for (size_t i = 0; i < img.n_mappings; i++) {
        const sim_image_mapping &m = img.mappings[i];
        for (uint64_t off = 0; off < level_bytes(m.level); off += kPage) {
            uint64_t vpn = (m.va + off) / kPage, pfn = (m.pa + off) / kPage;
            auto b = before.find(vpn), a = after.find(vpn);
            bool seen = (b != before.end() && (b->second & kPfnMask) == pfn) ||
                        (a != after.end() && (a->second & kPfnMask) == pfn);
            EXPECT_TRUE(seen) << "imported page 0x" << std::hex << m.va + off;
        }
    }
    // the helper's own pages: touched ones present, the others not (the
    // sparse region has more present ranges than one PAGEMAP_SCAN returns)
    for (auto [base, pages] : {std::pair<uint64_t, unsigned>{target->small, target->small_pages},
                               {target->sparse, target->sparse_pages}}) {
        ASSERT_GT(pages, 0u);
        for (unsigned i = 0; i < pages; i++) {
            uint64_t va = base + i * kPage;
            if (i % 2 == 0) {
                ASSERT_NE(stable(va / kPage), 0u) << i;
                EXPECT_NE(find_mapping(img, va), nullptr) << std::hex << va;
            } else {
                EXPECT_EQ(find_mapping(img, va), nullptr) << std::hex << va;
            }
        }
    }
    size_t sparse_mapped = 0;
    for (size_t i = 0; i < img.n_mappings; i++)
        sparse_mapped += img.mappings[i].va >= target->sparse &&
                         img.mappings[i].va < target->sparse + target->sparse_pages * kPage;
    EXPECT_EQ(sparse_mapped, target->sparse_pages / 2u);
    const sim_image_region *small = region_at(target->small);
    ASSERT_NE(small, nullptr);
    EXPECT_EQ(small->prot, (uint32_t)(MM_PERM_R | MM_PERM_W));
    EXPECT_GE(small->pages_present, target->small_pages / 2);
    const sim_image_region *ro = region_at(target->ro);
    ASSERT_NE(ro, nullptr);
    EXPECT_EQ(ro->prot, (uint32_t)MM_PERM_R);
    const sim_image_mapping *ro_map = find_mapping(img, target->ro);
    ASSERT_NE(ro_map, nullptr);
    EXPECT_EQ(ro_map->perm, MM_PERM_R | MM_PERM_U);
    for (uint64_t off = 0; off < target->huge_bytes; off += kPage)
        ASSERT_NE(find_mapping(img, target->huge + off), nullptr) << off;
    EXPECT_GT(checked, (size_t)target->small_pages / 2 + target->sparse_pages / 2 +
                           target->huge_bytes / kPage);
}

TEST_F(OsImportLive, ModelTranslatesImportedPagesToTheRealFrames)
{
    Machine m(config());
    ASSERT_NE(m.s, nullptr);
    mm_error err{};
    ASSERT_EQ(sim_load_image(m.s, &img, SIM_IMAGE_FIRST_PROCESS, &err), MM_OK) << err.msg;
    std::vector<trace_record> recs;
    std::set<uint64_t> image_frames;
    for (size_t i = 0; i < img.n_mappings; i++) {
        const sim_image_mapping &mp = img.mappings[i];
        for (uint64_t off = 0; off < level_bytes(mp.level); off += kPage) {
            image_frames.insert(mp.pa + off);
            if (mp.perm & (MM_PERM_R | MM_PERM_X))
                recs.push_back(mem_access(mp.va + off + 8));
        }
    }
    ASSERT_FALSE(recs.empty());
    ASSERT_EQ(m.feed(recs, &err), MM_OK) << err.msg;
    ASSERT_EQ(m.responses.size(), recs.size());
    size_t against_pagemap = 0, walks = 0;
    for (const mmu_response &r : m.responses) {
        const sim_image_mapping *mp = find_mapping(img, r.va);
        ASSERT_NE(mp, nullptr);
        ASSERT_EQ(r.fault, MM_FAULT_NONE) << std::hex << r.va;
        EXPECT_EQ(r.pa, mp->pa + (r.va - mp->va)) << std::hex << r.va;
        EXPECT_EQ(r.level, mp->level) << std::hex << r.va;
        uint64_t entry = stable(r.va / kPage);
        if (entry) {
            EXPECT_EQ(r.pa / kPage, entry & kPfnMask) << "model vs pagemap at " << std::hex << r.va;
            against_pagemap++;
        }
        walks += r.hit == MMU_HIT_WALK;
    }
    EXPECT_GT(against_pagemap, recs.size() / 2);
    EXPECT_GT(walks, 0u);
    // nothing was mapped at first touch, and no page table sits in an image frame
    EXPECT_EQ(sim_get_stats(m.s)->pages_mapped, 0u);
    for (uint64_t f : m.pte_frames)
        EXPECT_EQ(image_frames.count(f), 0u) << "page table in image frame 0x" << std::hex << f;
    const sim_image_stats *st = sim_get_image_stats(m.s);
    EXPECT_TRUE(st->applied);
    EXPECT_EQ(st->pid, 1u);
    EXPECT_EQ(st->source_pid, (uint32_t)target->pid);
    EXPECT_EQ(st->mappings[0] + st->mappings[1] + st->mappings[2] + st->skipped, img.n_mappings);
}

TEST_F(OsImportLive, ThpRegionBecomes2MMappings)
{
    size_t thp = 0;
    Machine m(config());
    ASSERT_NE(m.s, nullptr);
    mm_error err{};
    ASSERT_EQ(sim_load_image(m.s, &img, SIM_IMAGE_FIRST_PROCESS, &err), MM_OK) << err.msg;
    std::vector<uint64_t> chunks;
    for (uint64_t off = 0; off < target->huge_bytes; off += 2u << 20) {
        uint64_t va = target->huge + off, pfn = stable(va / kPage) & kPfnMask;
        bool ok;
        uint64_t flags = pfn ? read_u64("/proc/kpageflags", pfn, &ok) : 0;
        bool contiguous = pfn && pfn % 512 == 0;
        for (uint64_t k = 1; contiguous && k < 512; k++)
            contiguous = (stable(va / kPage + k) & kPfnMask) == pfn + k;
        if (!(flags & kKpfThp) || !(flags & kKpfHead) || !contiguous)
            continue;
        thp++;
        const sim_image_mapping *mp = find_mapping(img, va);
        ASSERT_NE(mp, nullptr);
        EXPECT_EQ(mp->va, va);
        EXPECT_EQ(mp->level, 1u) << "a THP imported as " << (unsigned)mp->level;
        EXPECT_EQ(mp->pa, pfn * kPage);
        EXPECT_TRUE(mp->flags & SIM_IMAGE_PAGE_THP);
        chunks.push_back(va);
    }
    if (thp == 0)
        GTEST_SKIP() << "the kernel gave the madvise(MADV_HUGEPAGE) region no THP";
    std::vector<trace_record> recs;
    for (uint64_t va : chunks)
        recs.push_back(mem_access(va + 0x12345 * 8));
    ASSERT_EQ(m.feed(recs, &err), MM_OK) << err.msg;
    for (uint64_t va : chunks) {
        const mmu_response *r = m.at(va + 0x12345 * 8);
        ASSERT_NE(r, nullptr);
        EXPECT_EQ(r->level, 1u);
        EXPECT_EQ(r->pa, find_mapping(img, va)->pa + 0x12345 * 8);
    }
    EXPECT_EQ(sim_get_image_stats(m.s)->mappings[1] >= thp, true);
}

TEST_F(OsImportLive, HugetlbPageBecomesA2MMapping)
{
    if (!target->hugetlb)
        GTEST_SKIP() << "no hugetlbfs page for the helper (vm.nr_hugepages is 0)";
    const sim_image_mapping *mp = find_mapping(img, target->hugetlb);
    ASSERT_NE(mp, nullptr);
    EXPECT_EQ(mp->va, target->hugetlb);
    EXPECT_EQ(mp->level, 1u);
    EXPECT_TRUE(mp->flags & SIM_IMAGE_PAGE_HUGETLB);
    EXPECT_EQ(mp->pa, (stable(target->hugetlb / kPage) & kPfnMask) * kPage);
    const sim_image_region *r = region_at(target->hugetlb);
    ASSERT_NE(r, nullptr);
    EXPECT_TRUE(r->flags & SIM_IMAGE_REGION_HUGETLB) << r->name;
}

// --read-all reads every pagemap entry: the same image as the ranges
// PAGEMAP_SCAN reports (the helper sleeps: its memory does not change).
TEST_F(OsImportLive, ReadingEveryEntryGivesTheSameImage)
{
    std::string all = temp_path("all.mmas.gz");
    Command r = run_cli("os import --read-all " + std::to_string(target->pid) + " -o " + all);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(r.out, summary.substr(0, summary.find(" -> ")) + " -> " + all + "\n");
    sim_image other{};
    mm_error err{};
    ASSERT_EQ(os_image_read(all.c_str(), &other, &err), MM_OK) << err.msg;
    ASSERT_EQ(other.n_regions, img.n_regions);
    for (size_t i = 0; i < img.n_regions; i++) {
        EXPECT_EQ(other.regions[i].start, img.regions[i].start);
        EXPECT_EQ(other.regions[i].pages_present, img.regions[i].pages_present) << i;
        EXPECT_STREQ(other.regions[i].name, img.regions[i].name);
    }
    ASSERT_EQ(other.n_mappings, img.n_mappings);
    for (size_t i = 0; i < img.n_mappings; i++) {
        EXPECT_EQ(other.mappings[i].va, img.mappings[i].va) << i;
        EXPECT_EQ(other.mappings[i].pa, img.mappings[i].pa) << i;
        EXPECT_EQ(other.mappings[i].level, img.mappings[i].level) << i;
    }
    os_image_free(&other);
    remove(all.c_str());
}

TEST_F(OsImportLive, WithoutOutWritesPidDotMmasInTheCurrentDirectory)
{
    std::string dir = temp_path("cwd");
    ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
    std::string pid = std::to_string(target->pid);
    std::string cmd = "cd " + dir + " && " + MMULAB_CLI + " os import " + pid + " 2>&1";
    FILE *p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    char buf[512] = "";
    size_t n = fread(buf, 1, sizeof buf - 1, p);
    buf[n] = '\0';
    EXPECT_EQ(pclose(p), 0) << buf;
    EXPECT_NE(std::string(buf).find(" -> " + pid + ".mmas.gz\n"), std::string::npos) << buf;
    std::string file = dir + "/" + pid + ".mmas.gz";
    sim_image again{};
    mm_error err{};
    EXPECT_EQ(os_image_read(file.c_str(), &again, &err), MM_OK) << err.msg;
    os_image_free(&again);
    remove(file.c_str());
    rmdir(dir.c_str());
}

TEST_F(OsImportLive, InfoPrintsTheImage)
{
    Command r = run_cli("os info " + path);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("address-space image version 1 of pid " + std::to_string(target->pid)),
              std::string::npos)
        << r.out;
    EXPECT_EQ(lines(r.out), 3 + img.n_regions) << r.out;
    EXPECT_NE(r.out.find("[stack]"), std::string::npos);
}

// A trace over the helper's pages, written with the trace writer.
std::string write_trace(const std::string &name, const std::vector<trace_record> &recs)
{
    std::string p = temp_path(name);
    trace_header h{};
    h.version = TRACE_VERSION;
    h.format_hint = 0xff;
    mm_error err{};
    trace_writer *w = trace_writer_open(p.c_str(), &h, TRACE_ZLIB, 0, &err);
    EXPECT_NE(w, nullptr) << err.msg;
    for (const trace_record &r : recs)
        EXPECT_EQ(trace_write(w, &r, &err), MM_OK) << err.msg;
    EXPECT_EQ(trace_writer_close(w, &err), MM_OK) << err.msg;
    return p;
}

TEST_F(OsImportLive, RunStartsTheTraceFromTheImage)
{
    std::vector<trace_record> recs;
    for (unsigned i = 0; i < target->small_pages; i++)
        recs.push_back(mem_access(target->small + i * kPage, MM_ACCESS_LOAD, 0));
    for (uint64_t off = 0; off < target->huge_bytes; off += 64 * kPage)
        recs.push_back(mem_access(target->huge + off, MM_ACCESS_STORE, 0));
    std::string trace = write_trace("live.mmt.gz", recs);
    Command r = run_cli("run --no-progress --image " + path + " " + trace);
    ASSERT_EQ(r.status, 0) << r.out;
    std::string expect = "image: " + path + " (pid " + std::to_string(target->pid) + ") -> process 0:";
    EXPECT_NE(r.out.find(expect), std::string::npos) << r.out;
    // the odd small pages were not present: mapped at first touch
    EXPECT_NE(r.out.find(std::to_string(target->small_pages / 2) + " pages mapped"),
              std::string::npos)
        << r.out;
    Command j = run_cli("run --no-progress --json --image " + path + " " + trace);
    ASSERT_EQ(j.status, 0) << j.out;
    EXPECT_NE(j.out.find("\"image\": {\"source_pid\": " + std::to_string(target->pid) +
                         ", \"pid\": 0, \"applied\": true"),
              std::string::npos)
        << j.out;
    Command os = run_cli("run --no-progress --set os.enabled=true --image " + path + " " + trace);
    EXPECT_EQ(os.status, 2) << os.out;
    EXPECT_EQ(lines(os.out), 1u) << os.out;
    EXPECT_NE(os.out.find("os.enabled=false"), std::string::npos) << os.out;
    Command other = run_cli("run --no-progress --image " + path + " --image-pid 42 " + trace);
    EXPECT_EQ(other.status, 0) << other.out;
    EXPECT_NE(other.out.find("has no process 42"), std::string::npos) << other.out;
    EXPECT_NE(other.out.find("not used: no process 42"), std::string::npos) << other.out;
    remove(trace.c_str());
}

// Unprivileged: a process of the same user gives frame numbers 0, another
// user's process cannot be read at all. Needs root to become nobody.
TEST(OsImportUnprivileged, SaysWhatIsMissing)
{
    std::string why = import_skip_reason();
    if (!why.empty())
        GTEST_SKIP() << why;
    Target nobody(kNobody);
    if (!nobody.ok)
        GTEST_SKIP() << "cannot start the helper as uid " << kNobody;
    auto import_as_nobody = [](int pid) {
        std::string out = "/tmp/os_import_nobody_" + std::to_string(getpid()) + ".mmas.gz";
        // a coverage build writes its counters beside the objects, where
        // nobody may not write: GCOV_PREFIX sends them to a scratch directory
        // (other builds ignore it), so stderr holds only the command's line
        std::string gcov = "/tmp/os_import_nobody_gcov_" + std::to_string(getpid());
        std::string cmd = "GCOV_PREFIX=" + gcov + " setpriv --reuid=" + std::to_string(kNobody) +
                          " --regid=" + std::to_string(kNobody) + " --clear-groups " +
                          MMULAB_CLI + " os import " + std::to_string(pid) + " -o " + out +
                          " 2>&1";
        FILE *p = popen(cmd.c_str(), "r");
        Command r{-1, ""};
        char buf[1024];
        size_t n;
        while (p && (n = fread(buf, 1, sizeof buf, p)) > 0)
            r.out.append(buf, n);
        int st = p ? pclose(p) : -1;
        r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        remove(out.c_str());
        if (system(("rm -rf " + gcov).c_str()) != 0)
            ADD_FAILURE() << "cannot remove " << gcov;
        return r;
    };
    Command same = import_as_nobody(nobody.pid);
    if (same.status == 127 || same.out.find("setpriv") != std::string::npos)
        GTEST_SKIP() << "setpriv is not available: " << same.out;
    EXPECT_EQ(same.status, 1) << same.out;
    EXPECT_EQ(lines(same.out), 1u) << same.out;
    EXPECT_NE(same.out.find("frame number 0"), std::string::npos) << same.out;
    EXPECT_NE(same.out.find("/proc/" + std::to_string(nobody.pid) + "/pagemap"), std::string::npos);
    Command other = import_as_nobody(getpid());
    EXPECT_EQ(other.status, 1) << other.out;
    EXPECT_EQ(lines(other.out), 1u) << other.out;
    EXPECT_NE(other.out.find("permission denied"), std::string::npos) << other.out;
    EXPECT_NE(other.out.find("/proc/" + std::to_string(getpid())), std::string::npos);
}

// ---- the command line, without a live import ----

TEST(OsImportCli, NoSuchPidIsOneLineNamingThePid)
{
    std::ifstream f("/proc/sys/kernel/pid_max");
    long pid_max = 0;
    f >> pid_max;
    ASSERT_GT(pid_max, 0);
    // pids are below pid_max: this one cannot exist
    Command r = run_cli("os import " + std::to_string(pid_max) + " -o " + temp_path("none"));
    EXPECT_EQ(r.status, 1) << r.out;
    EXPECT_EQ(lines(r.out), 1u) << r.out;
    EXPECT_NE(r.out.find("no process with pid " + std::to_string(pid_max)), std::string::npos)
        << r.out;
    EXPECT_NE(access(temp_path("none").c_str(), F_OK), 0) << "no file after a failed import";
}

TEST(OsImportCli, BadArgumentsAreUsageErrors)
{
    for (const char *args : {"os import abc", "os import 0", "os import -5", "os import 12x",
                             "os import", "os import 1 2", "os frobnicate", "os", "os info"}) {
        Command r = run_cli(args);
        EXPECT_EQ(r.status, 2) << args << ": " << r.out;
    }
    Command h = run_cli("os --help");
    EXPECT_EQ(h.status, 0);
    EXPECT_NE(h.out.find("mmulab os import PID [-o FILE] [--read-all]"), std::string::npos) << h.out;
    Command pid_only = run_cli("run --image-pid 3 x.mmt");
    EXPECT_EQ(pid_only.status, 2);
    EXPECT_NE(pid_only.out.find("--image-pid needs --image"), std::string::npos);
    Command workload = run_cli("run --image x.mmas.gz");
    EXPECT_EQ(workload.status, 2);
    EXPECT_NE(workload.out.find("--image needs a TRACE"), std::string::npos);
}

// ---- the image file ----

// A small image with every kind of record, and its hand-computed layout:
// header 46 + 4 ("demo") = 50; regions at 50 (52 + 13), 115 (52), 167 (52);
// mappings at 219 + 19 i; the swapped page at 314; the CRC at 330; 334 bytes.
struct Demo {
    std::vector<sim_image_region> regions;
    std::vector<sim_image_mapping> maps;
    std::vector<sim_image_swapped> swapped;
    std::string names[3] = {"/usr/bin/demo", "", ""};
    sim_image img{};
    Demo()
    {
        regions = {{0x400000, 0x402000, 0, 77, 2, 0, MM_PERM_R | MM_PERM_X, 0, nullptr},
                   {0x40000000, 0x40600000, 0, 0, 513, 1, MM_PERM_R | MM_PERM_W, 0, nullptr},
                   {0x8000000000, 0x8040000000, 0, 0, 262144, 0, MM_PERM_R | MM_PERM_W,
                    SIM_IMAGE_REGION_HUGETLB, nullptr}};
        for (int i = 0; i < 3; i++)
            regions[i].name = &names[i][0];
        const uint8_t rx = MM_PERM_R | MM_PERM_X | MM_PERM_U, rw = MM_PERM_R | MM_PERM_W | MM_PERM_U;
        maps = {{0x400000, 0x1234000, 0, rx, SIM_IMAGE_PAGE_FILE},
                {0x401000, 0x1235000, 0, rx, SIM_IMAGE_PAGE_FILE},
                {0x40000000, 0x2000, 0, rw, SIM_IMAGE_PAGE_EXCLUSIVE},
                {0x40200000, 0x600000, 1, rw, SIM_IMAGE_PAGE_THP},
                {0x8000000000, 0x40000000, 2, rw, SIM_IMAGE_PAGE_HUGETLB}};
        swapped = {{0x40001000, 0x1234}};
        img.source_pid = 4242;
        img.created = 1700000000;
        snprintf(img.description, sizeof img.description, "demo");
        img.regions = regions.data();
        img.n_regions = regions.size();
        img.mappings = maps.data();
        img.n_mappings = maps.size();
        img.swapped = swapped.data();
        img.n_swapped = swapped.size();
    }
    std::string raw() const
    {
        unsigned char *data = nullptr;
        size_t len = 0;
        mm_error err{};
        EXPECT_EQ(os_image_encode(&img, &data, &len, &err), MM_OK) << err.msg;
        std::string s((const char *)data, len);
        free(data);
        return s;
    }
};

void reseal(std::string &raw)
{
    uint32_t crc = (uint32_t)crc32(0L, (const Bytef *)raw.data(), (uInt)(raw.size() - 4));
    for (int i = 0; i < 4; i++)
        raw[raw.size() - 4 + i] = (char)(crc >> (8 * i));
}

void put_le(std::string &raw, size_t at, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        raw[at + i] = (char)(v >> (8 * i));
}

std::string decode_error(const std::string &raw)
{
    sim_image img{};
    mm_error err{};
    int rc = os_image_decode(raw.data(), raw.size(), "demo.img", &img, &err);
    if (rc == MM_OK) {
        os_image_free(&img);
        return "";
    }
    EXPECT_EQ(img.n_regions, 0u) << "a failed decode leaves the image empty";
    EXPECT_EQ(rc, MM_ERR_FORMAT);
    return err.msg;
}

TEST(OsImageFile, RoundTripKeepsEveryField)
{
    Demo d;
    std::string raw = d.raw();
    EXPECT_EQ(raw.size(), 334u);
    EXPECT_EQ(raw.substr(0, 8), "MMULABAS");
    std::string path = temp_path("demo.mmas.gz");
    mm_error err{};
    ASSERT_EQ(os_image_write(path.c_str(), &d.img, &err), MM_OK) << err.msg;
    EXPECT_NE(access((path + ".tmp").c_str(), F_OK), 0);
    sim_image back{};
    ASSERT_EQ(os_image_read(path.c_str(), &back, &err), MM_OK) << err.msg;
    EXPECT_EQ(back.source_pid, 4242u);
    EXPECT_EQ(back.created, 1700000000u);
    EXPECT_STREQ(back.description, "demo");
    ASSERT_EQ(back.n_regions, 3u);
    for (size_t i = 0; i < 3; i++) {
        EXPECT_EQ(back.regions[i].start, d.regions[i].start);
        EXPECT_EQ(back.regions[i].end, d.regions[i].end);
        EXPECT_EQ(back.regions[i].inode, d.regions[i].inode);
        EXPECT_EQ(back.regions[i].pages_present, d.regions[i].pages_present);
        EXPECT_EQ(back.regions[i].pages_swapped, d.regions[i].pages_swapped);
        EXPECT_EQ(back.regions[i].prot, d.regions[i].prot);
        EXPECT_EQ(back.regions[i].flags, d.regions[i].flags);
        EXPECT_EQ(std::string(back.regions[i].name), d.names[i]);
    }
    ASSERT_EQ(back.n_mappings, 5u);
    for (size_t i = 0; i < 5; i++) {
        EXPECT_EQ(back.mappings[i].va, d.maps[i].va);
        EXPECT_EQ(back.mappings[i].pa, d.maps[i].pa);
        EXPECT_EQ(back.mappings[i].level, d.maps[i].level);
        EXPECT_EQ(back.mappings[i].perm, d.maps[i].perm);
        EXPECT_EQ(back.mappings[i].flags, d.maps[i].flags);
    }
    ASSERT_EQ(back.n_swapped, 1u);
    EXPECT_EQ(back.swapped[0].va, 0x40001000u);
    EXPECT_EQ(back.swapped[0].swap, 0x1234u);
    os_image_free(&back);
    EXPECT_EQ(back.regions, nullptr);
    // zcat reads it: a plain gzip stream of the raw bytes
    std::string file = slurp(path);
    EXPECT_EQ((unsigned char)file[0], 0x1f);
    EXPECT_EQ((unsigned char)file[1], 0x8b);
    remove(path.c_str());
}

TEST(OsImageFile, DecodeNamesTheByteOfEachError)
{
    Demo d;
    const std::string good = d.raw();
    EXPECT_EQ(decode_error(good), "");
    struct Case {
        const char *what;
        size_t at;
        uint64_t value;
        unsigned bytes;
        const char *expect;
    } cases[] = {
        {"magic", 0, 'X', 1, "demo.img: byte 0: not an mmulab address-space image (bad magic)"},
        {"version", 8, 2, 2, "demo.img: byte 8: version 2 is not one this mmulab reads (1)"},
        {"version 0", 8, 0, 2, "demo.img: byte 8: version 0"},
        {"flags", 10, 1, 2, "demo.img: byte 10: unknown flags 0x1"},
        {"description", 44, 2000, 2, "demo.img: byte 44: description of 2000 bytes"},
        {"description NUL", 47, 0, 1, "demo.img: byte 46: NUL byte in the description"},
        {"counts", 28, 1000000, 8, "demo.img: byte 24: counts of 3 regions, 1000000 mappings"},
        {"region order", 115, 0x400000, 8,
         "demo.img: byte 115: region 1 starts at 0x400000, inside or before region 0"},
        {"region end", 58, 0x400000, 8, "demo.img: byte 50: region 0 [0x400000, 0x400000) is empty"},
        {"region pages", 147, 514, 8, "demo.img: byte 219: region 1 counts 514 present and 1 "
                                      "swapped pages, its records 513 and 1"},
        {"region too full", 82, 3, 8, "demo.img: byte 82: region 0: 3 present and 0 swapped pages "
                                      "in 2 pages"},
        {"region prot", 98, 0x10, 1, "demo.img: byte 98: region 0: unknown protection bits 0x10"},
        {"region flags", 99, 0x80, 1, "demo.img: byte 99: region 0: unknown flags 0x80"},
        {"name NUL", 102, 0, 1, "demo.img: byte 102: region 0: NUL byte in the name"},
        {"name length", 100, 60000, 2, "demo.img: byte 100: region 0: name of 60000 bytes"},
        {"mapping overlap", 238, 0x400000, 8,
         "demo.img: byte 238: mapping 1 (va 0x400000) overlaps or precedes mapping 0"},
        {"mapping alignment", 265, 0x2001, 8,
         "demo.img: byte 257: mapping 2 (va 0x40000000, pa 0x2001): not aligned"},
        {"mapping pa", 265, 1ull << 52, 8, "demo.img: byte 257: mapping 2 (va 0x40000000, pa "
                                           "0x10000000000000): not aligned to its page or beyond"},
        {"mapping region", 257, 0x3f000000, 8,
         "demo.img: byte 257: mapping 2 (va 0x3f000000) lies in no region"},
        {"mapping level", 292, 3, 1, "demo.img: byte 292: mapping 3: level 3 (0, 1 or 2)"},
        {"mapping perm", 293, 0x40, 1, "demo.img: byte 293: mapping 3: unknown permission bits 0x40"},
        {"mapping flags", 294, 0x20, 1, "demo.img: byte 294: mapping 3: unknown flags 0x20"},
        {"swapped alignment", 314, 0x40001008, 8, "demo.img: byte 314: swapped page 0 (va "
                                                  "0x40001008): not 4 KiB aligned"},
        {"swapped region", 314, 0x40700000, 8,
         "demo.img: byte 314: swapped page 0 (va 0x40700000) lies in no region"},
        {"swap entry", 322, 1ull << 55, 8, "demo.img: byte 314: swapped page 0 (va 0x40001000): "
                                           "not 4 KiB aligned, not ascending, or a swap entry"},
    };
    for (const Case &c : cases) {
        std::string raw = good;
        put_le(raw, c.at, c.value, c.bytes);
        reseal(raw);
        std::string msg = decode_error(raw);
        EXPECT_EQ(msg.compare(0, strlen(c.expect), c.expect), 0) << c.what << ": " << msg;
        EXPECT_EQ(msg.find('\n'), std::string::npos);
    }
    // the CRC catches what the checks cannot: a changed description byte
    std::string raw = good;
    raw[46] = 'D';
    EXPECT_EQ(decode_error(raw).compare(0, 41, "demo.img: byte 330: CRC-32 mismatch (stor"), 0)
        << decode_error(raw);
    raw = good + "x";
    reseal(raw);
    EXPECT_EQ(decode_error(raw), "demo.img: byte 334: 1 bytes after the trailer");
    // truncation anywhere is named where the stream ends
    EXPECT_EQ(decode_error(good.substr(0, 100)),
              "demo.img: byte 24: counts of 3 regions, 5 mappings, 1 swapped pages do not fit in "
              "the 50 bytes that follow");
    EXPECT_EQ(decode_error(good.substr(0, 48)),
              "demo.img: byte 46: truncated in the description (the stream ends at byte 48)");
    EXPECT_EQ(decode_error(good.substr(0, 20)),
              "demo.img: byte 16: truncated in the header (the stream ends at byte 20)");
    EXPECT_EQ(decode_error(good.substr(0, 300)),
              "demo.img: byte 295: truncated in the mappings (the stream ends at byte 300)");
    EXPECT_EQ(decode_error(good.substr(0, 320)),
              "demo.img: byte 314: truncated in the swapped pages (the stream ends at byte 320)");
    EXPECT_EQ(decode_error(good.substr(0, 332)),
              "demo.img: byte 330: truncated in the trailer (the stream ends at byte 332)");
    for (size_t len = 0; len < good.size(); len++)
        EXPECT_NE(decode_error(good.substr(0, len)), "") << len;
}

TEST(OsImageFile, DamagedFilesAreOneLineNamingTheFileAndOffset)
{
    Demo d;
    std::string path = temp_path("damaged.mmas.gz");
    mm_error err{};
    ASSERT_EQ(os_image_write(path.c_str(), &d.img, &err), MM_OK) << err.msg;
    const std::string good = slurp(path);
    sim_image img{};
    auto read_error = [&](const std::string &bytes) {
        spit(path, bytes);
        mm_error e{};
        int rc = os_image_read(path.c_str(), &img, &e);
        EXPECT_EQ(img.n_regions, 0u);
        return rc == MM_OK ? std::string() : std::string(e.msg);
    };
    std::string half = good.substr(0, good.size() / 2);
    EXPECT_EQ(read_error(half), path + ": compressed byte " + std::to_string(half.size()) +
                                    ": truncated (the gzip stream ends early)");
    std::string flipped = good;
    flipped[good.size() / 2] ^= 0x55;
    std::string msg = read_error(flipped);
    EXPECT_EQ(msg.compare(0, path.size() + 18, path + ": compressed byte "), 0) << msg;
    EXPECT_NE(msg.find("corrupt gzip stream"), std::string::npos) << msg;
    EXPECT_EQ(read_error(good + "x"), path + ": compressed byte " + std::to_string(good.size()) +
                                          ": trailing bytes after the gzip stream");
    EXPECT_EQ(read_error(""), path + ": empty file (not an address-space image)");
    EXPECT_EQ(read_error("hello"), path + ": byte 0: not an address-space image (no gzip magic)");
    EXPECT_EQ(read_error(gzip("hello, world")),
              path + ": byte 0: not an mmulab address-space image (bad magic)");
    std::string raw = d.raw();
    raw[46] = 'D';
    EXPECT_EQ(read_error(gzip(raw)).rfind(path + ": byte 330: CRC-32 mismatch", 0), 0u);
    // the command line shows the same one line
    spit(path, half);
    Command info = run_cli("os info " + path);
    EXPECT_EQ(info.status, 1);
    EXPECT_EQ(info.out, "mmulab os info: " + path + ": compressed byte " +
                            std::to_string(half.size()) + ": truncated (the gzip stream ends early)\n");
    Command run = run_cli("run --no-progress --image " + path + " x.mmt");
    EXPECT_EQ(run.status, 1);
    EXPECT_EQ(lines(run.out), 1u) << run.out;
    EXPECT_NE(run.out.find(path + ": compressed byte"), std::string::npos) << run.out;
    remove(path.c_str());
    mm_error e{};
    EXPECT_EQ(os_image_read(path.c_str(), &img, &e), MM_ERR_IO);
    EXPECT_EQ(std::string(e.msg).rfind(path + ": cannot open: ", 0), 0u) << e.msg;
}

// Big enough that the buffers grow: 200 000 pages, with frames in order
// (compresses well: the reader's buffer grows) and scattered (compresses
// badly: the writer's buffer grows).
TEST(OsImageFile, LargeImagesRoundTrip)
{
    for (bool scattered : {false, true}) {
        const size_t n = 200000;
        std::vector<sim_image_mapping> maps(n);
        uint64_t x = 88172645463325252ull;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            uint64_t frame = scattered ? (x & 0xffffffu) : i;
            maps[i] = {0x10000000 + i * kPage, frame * kPage, 0,
                       MM_PERM_R | MM_PERM_W | MM_PERM_U, (uint8_t)(scattered ? x >> 40 & 7 : 0)};
        }
        std::string name = "big";
        sim_image_region region = {0x10000000, 0x10000000 + n * kPage, 0, 0, n, 0,
                                   MM_PERM_R | MM_PERM_W, 0, &name[0]};
        sim_image img{};
        img.regions = &region;
        img.n_regions = 1;
        img.mappings = maps.data();
        img.n_mappings = n;
        std::string path = temp_path("big.mmas.gz");
        mm_error err{};
        ASSERT_EQ(os_image_write(path.c_str(), &img, &err), MM_OK) << err.msg;
        sim_image back{};
        ASSERT_EQ(os_image_read(path.c_str(), &back, &err), MM_OK) << err.msg;
        ASSERT_EQ(back.n_mappings, n);
        for (size_t i = 0; i < n; i += 997) {
            EXPECT_EQ(back.mappings[i].pa, maps[i].pa) << i;
            EXPECT_EQ(back.mappings[i].flags, maps[i].flags) << i;
        }
        os_image_free(&back);
        remove(path.c_str());
    }
}

TEST(OsImageFile, WriterRefusesWhatTheReaderWouldReject)
{
    Demo d;
    std::swap(d.maps[0], d.maps[1]); // descending mappings
    mm_error err{};
    std::string path = temp_path("refused.mmas.gz");
    EXPECT_EQ(os_image_write(path.c_str(), &d.img, &err), MM_ERR_FORMAT);
    EXPECT_NE(std::string(err.msg).find("mapping 1 (va 0x400000) overlaps or precedes"),
              std::string::npos)
        << err.msg;
    EXPECT_NE(access(path.c_str(), F_OK), 0);
    Demo long_name;
    std::string name(5000, 'n');
    long_name.regions[0].name = &name[0];
    EXPECT_EQ(os_image_write(path.c_str(), &long_name.img, &err), MM_ERR_INVALID);
    EXPECT_NE(std::string(err.msg).find("region 0: name of 5000 bytes"), std::string::npos);
    Demo no_nul;
    memset(no_nul.img.description, 'd', sizeof no_nul.img.description);
    EXPECT_EQ(os_image_write(path.c_str(), &no_nul.img, &err), MM_ERR_INVALID);
    EXPECT_NE(std::string(err.msg).find("description is not a string of at most 1023 bytes"),
              std::string::npos);
    Demo no_dir;
    EXPECT_EQ(os_image_write("/nonexistent-dir/x.mmas.gz", &no_dir.img, &err), MM_ERR_IO);
    EXPECT_NE(std::string(err.msg).find("/nonexistent-dir/x.mmas.gz: cannot write"),
              std::string::npos);
}

// ---- sim_load_image on synthetic images ----

// Page tables and first-touch pages come from the lowest free frames
// (sequential allocator), so image frames at 0x1000 and 0x400000.. are in
// the allocator's way: it must pass over them.
struct Synthetic {
    std::vector<sim_image_region> regions;
    std::vector<sim_image_mapping> maps;
    sim_image img{};
    Synthetic()
    {
        const uint8_t rw = MM_PERM_R | MM_PERM_W | MM_PERM_U;
        regions = {{0x40000000, 0x40400000, 0, 0, 513, 0, MM_PERM_R | MM_PERM_W, 0, nullptr},
                   {0x40400000, 0x40401000, 0, 0, 1, 0, 0, 0, nullptr}};
        maps = {{0x40000000, 0x400000, 1, rw, SIM_IMAGE_PAGE_THP},
                {0x40200000, 0x1000, 0, rw, 0},
                {0x40400000, 0x3000, 0, MM_PERM_U, 0}}; // PROT_NONE: not mapped
        rebuild();
    }
    void rebuild()
    {
        img.source_pid = 99;
        img.regions = regions.data();
        img.n_regions = regions.size();
        img.mappings = maps.data();
        img.n_mappings = maps.size();
    }
};

TEST(SimImage, PagesTranslateToTheImageFramesAndNothingElseLandsOnThem)
{
    Synthetic syn;
    Machine m(config());
    mm_error err{};
    ASSERT_EQ(sim_load_image(m.s, &syn.img, SIM_IMAGE_FIRST_PROCESS, &err), MM_OK) << err.msg;
    const sim_image_stats *st = sim_get_image_stats(m.s);
    EXPECT_TRUE(st->loaded);
    EXPECT_FALSE(st->applied);
    EXPECT_EQ(st->frames_reserved, 513u);
    EXPECT_EQ(st->skipped, 1u);
    std::vector<trace_record> recs = {event(TRACE_CONTEXT_SWITCH, 5)};
    for (uint64_t k = 0; k < 512; k += 37)
        recs.push_back(mem_access(0x40000000 + k * kPage + 16, MM_ACCESS_STORE));
    recs.push_back(mem_access(0x40200000));
    for (uint64_t k = 0; k < 40; k++) // first touches outside the image
        recs.push_back(mem_access(0x50000000 + k * kPage));
    recs.push_back(mem_access(0x40400000)); // the PROT_NONE page: first touch
    ASSERT_EQ(m.feed(recs, &err), MM_OK) << err.msg;
    EXPECT_TRUE(st->applied);
    EXPECT_EQ(st->pid, 5u);
    EXPECT_EQ(st->mappings[0], 1u);
    EXPECT_EQ(st->mappings[1], 1u);
    EXPECT_EQ(st->pages, 513u);
    for (uint64_t k = 0; k < 512; k += 37) {
        const mmu_response *r = m.at(0x40000000 + k * kPage);
        ASSERT_NE(r, nullptr);
        EXPECT_EQ(r->fault, MM_FAULT_NONE);
        EXPECT_EQ(r->pa, 0x400000 + k * kPage + 16);
        EXPECT_EQ(r->level, 1u);
    }
    EXPECT_EQ(m.at(0x40200000)->pa, 0x1000u);
    EXPECT_EQ(m.at(0x40200000)->level, 0u);
    auto image_frame = [](uint64_t pa) { return pa == 0x1000 || (pa >= 0x400000 && pa < 0x600000); };
    for (uint64_t k = 0; k < 40; k++) {
        const mmu_response *r = m.at(0x50000000 + k * kPage);
        ASSERT_NE(r, nullptr);
        EXPECT_FALSE(image_frame(r->pa)) << std::hex << r->pa;
    }
    EXPECT_FALSE(image_frame(m.at(0x40400000)->pa));
    EXPECT_NE(m.at(0x40400000)->pa, 0x3000u);
    EXPECT_FALSE(m.pte_frames.empty());
    for (uint64_t f : m.pte_frames)
        EXPECT_FALSE(image_frame(f)) << "page table in image frame 0x" << std::hex << f;
    EXPECT_EQ(sim_get_stats(m.s)->pages_mapped, 41u);
    sim_process_info info[4];
    ASSERT_EQ(sim_list_processes(m.s, info, 4), 1u);
    EXPECT_EQ(info[0].pid, 5u);
    EXPECT_EQ(info[0].resident, 513u + 41u);
    char *json = sim_report_json(m.s, "synthetic");
    ASSERT_NE(json, nullptr);
    EXPECT_NE(std::string(json).find("\"image\": {\"source_pid\": 99, \"pid\": 5, \"applied\": "
                                     "true, \"mappings\": {\"4K\": 1, \"2M\": 1, \"1G\": 0}, "
                                     "\"pages\": 513, \"skipped\": 1, \"frames_reserved\": 513}"),
              std::string::npos)
        << json;
    free(json);
}

TEST(SimImage, PartialMunmapAndMprotectSplitTheHugePage)
{
    Synthetic syn;
    Machine m(config());
    mm_error err{};
    ASSERT_EQ(sim_load_image(m.s, &syn.img, SIM_IMAGE_FIRST_PROCESS, &err), MM_OK) << err.msg;
    // the first walk completes before the page table changes under it
    ASSERT_EQ(m.feed({mem_access(0x40000000)}, &err), MM_OK) << err.msg;
    std::vector<trace_record> recs = {
        event(TRACE_MUNMAP, 1, 0x40001000, kPage),
        mem_access(0x40000000 + 8),
        mem_access(0x40001000),
        mem_access(0x40003000),
        mem_access(0x401ff000),
        event(TRACE_MPROTECT, 1, 0x40100000, kPage, TRACE_PROT_READ),
        mem_access(0x40100000, MM_ACCESS_STORE),
        mem_access(0x40101000, MM_ACCESS_STORE),
    };
    ASSERT_EQ(m.feed(recs, &err), MM_OK) << err.msg;
    ASSERT_EQ(m.responses.size(), 7u);
    EXPECT_EQ(m.responses[0].level, 1u);
    EXPECT_EQ(m.responses[1].pa, 0x400008u);
    EXPECT_EQ(m.responses[1].level, 0u) << "split into 4 KiB pages";
    EXPECT_NE(m.responses[2].pa, 0x401000u) << "the unmapped page comes back at a new frame";
    EXPECT_FALSE(m.responses[2].pa >= 0x400000 && m.responses[2].pa < 0x600000);
    EXPECT_EQ(m.responses[3].pa, 0x403000u);
    EXPECT_EQ(m.responses[4].pa, 0x5ff000u);
    EXPECT_EQ(m.responses[5].fault, MM_FAULT_PERM_WRITE) << "made read-only";
    EXPECT_EQ(m.responses[6].fault, MM_FAULT_NONE);
    EXPECT_EQ(m.responses[6].pa, 0x501000u);
    EXPECT_EQ(sim_get_stats(m.s)->pages_mapped, 1u);
}

TEST(SimImage, WholeHugePageUnmapAndExitKeepImageFramesReserved)
{
    Synthetic syn;
    Machine m(config());
    mm_error err{};
    ASSERT_EQ(sim_load_image(m.s, &syn.img, SIM_IMAGE_FIRST_PROCESS, &err), MM_OK) << err.msg;
    ASSERT_EQ(m.feed({mem_access(0x40000000)}, &err), MM_OK) << err.msg;
    std::vector<trace_record> recs = {event(TRACE_MUNMAP, 1, 0x40000000, 2u << 20),
                                      mem_access(0x40000000),
                                      event(TRACE_EXIT, 1),
                                      event(TRACE_CONTEXT_SWITCH, 2)};
    for (uint64_t k = 0; k < 600; k++)
        recs.push_back(mem_access(0x60000000 + k * kPage, MM_ACCESS_LOAD, 2));
    ASSERT_EQ(m.feed(recs, &err), MM_OK) << err.msg;
    EXPECT_EQ(m.responses[0].pa, 0x400000u);
    EXPECT_EQ(m.responses[1].level, 0u);
    EXPECT_FALSE(m.responses[1].pa >= 0x400000 && m.responses[1].pa < 0x600000);
    for (size_t i = 2; i < m.responses.size(); i++) {
        uint64_t pa = m.responses[i].pa;
        EXPECT_FALSE(pa == 0x1000 || (pa >= 0x400000 && pa < 0x600000))
            << "a reserved image frame 0x" << std::hex << pa << " was handed out again";
    }
}

TEST(SimImage, ImageForANamedProcess)
{
    Synthetic syn;
    Machine m(config());
    mm_error err{};
    ASSERT_EQ(sim_load_image(m.s, &syn.img, 7, &err), MM_OK) << err.msg;
    std::vector<trace_record> recs = {event(TRACE_CONTEXT_SWITCH, 1), mem_access(0x40200000),
                                      event(TRACE_CONTEXT_SWITCH, 7), mem_access(0x40200000)};
    ASSERT_EQ(m.feed(recs, &err), MM_OK) << err.msg;
    ASSERT_EQ(m.responses.size(), 2u);
    EXPECT_NE(m.responses[0].pa, 0x1000u) << "process 1 is not the image's";
    EXPECT_EQ(m.responses[1].pa, 0x1000u);
    EXPECT_EQ(sim_get_image_stats(m.s)->pid, 7u);

    Machine never(config());
    ASSERT_EQ(sim_load_image(never.s, &syn.img, 9, &err), MM_OK) << err.msg;
    ASSERT_EQ(never.feed({mem_access(0x40200000)}, &err), MM_OK) << err.msg;
    EXPECT_FALSE(sim_get_image_stats(never.s)->applied);
    char *json = sim_report_json(never.s, "x");
    EXPECT_NE(std::string(json).find("\"pid\": 9, \"applied\": false"), std::string::npos) << json;
    free(json);
}

std::string load_error(Synthetic &syn, const mmu_config &c, int expect_rc)
{
    Machine m(c);
    mm_error err{};
    EXPECT_EQ(sim_load_image(m.s, &syn.img, SIM_IMAGE_FIRST_PROCESS, &err), expect_rc);
    return err.msg;
}

TEST(SimImage, RejectsWhatTheMachineCannotHold)
{
    {
        Synthetic syn;
        syn.maps[0].level = 3;
        EXPECT_EQ(load_error(syn, config(), MM_ERR_INVALID),
                  "image mapping 0 (va 0x40000000): level 3 is not a page size of x86-64-4level");
    }
    {
        Synthetic syn;
        syn.maps[0].pa = 0x401000;
        EXPECT_EQ(load_error(syn, config(), MM_ERR_INVALID),
                  "image mapping 0 (va 0x40000000, pa 0x401000): not aligned to its 2048 KiB page");
    }
    {
        Synthetic syn;
        syn.maps[1].va = 0x40100000; // inside the 2 MiB page
        EXPECT_EQ(load_error(syn, config(), MM_ERR_INVALID),
                  "image mapping 1 (va 0x40100000): overlaps or precedes mapping 0 (va 0x40000000)");
    }
    {
        Synthetic syn;
        syn.maps[2].va = 0x800000000000;
        EXPECT_EQ(load_error(syn, config(), MM_ERR_INVALID),
                  "image mapping 2 (va 0x800000000000): outside the 47-bit user half of "
                  "x86-64-4level");
    }
    {
        Synthetic syn;
        syn.maps[1].va = 0x7fff00000000;
        syn.maps[2].va = 0x7fff00001000;
        EXPECT_EQ(load_error(syn, config("rocket-sv39"), MM_ERR_INVALID),
                  "image mapping 1 (va 0x7fff00000000): outside the 38-bit user half of sv39");
    }
    {
        Synthetic syn;
        syn.maps[1].pa = 1ull << 46;
        EXPECT_EQ(load_error(syn, config("skylake", {"pa_bits=46"}), MM_ERR_INVALID),
                  "image mapping 1 (va 0x40200000): frame 0x400000000000 is beyond the 46-bit "
                  "physical address width");
    }
    {
        Synthetic syn;
        syn.regions[0].end = 0x40000800;
        EXPECT_EQ(load_error(syn, config(), MM_ERR_INVALID),
                  "image region 0 [0x40000000, 0x40000800): empty or not 4 KiB aligned");
    }
    {
        Synthetic syn;
        std::string msg = load_error(syn, config("skylake", {"os.enabled=true"}), MM_ERR_CONFIG);
        EXPECT_NE(msg.find("os.enabled=false"), std::string::npos) << msg;
    }
    Synthetic syn;
    Machine m(config());
    mm_error err{};
    ASSERT_EQ(m.feed({mem_access(0x1000)}, &err), MM_OK);
    EXPECT_EQ(sim_load_image(m.s, &syn.img, 1, &err), MM_ERR_INVALID);
    EXPECT_STREQ(err.msg, "sim_load_image: one image, before the first record");
    Machine twice(config());
    ASSERT_EQ(sim_load_image(twice.s, &syn.img, 1, &err), MM_OK) << err.msg;
    EXPECT_EQ(sim_load_image(twice.s, &syn.img, 1, &err), MM_ERR_INVALID);
}

TEST(SimImage, ImageWithA1GPageAndAFrameShareMapsOnce)
{
    const uint8_t rw = MM_PERM_R | MM_PERM_W | MM_PERM_U;
    std::vector<sim_image_region> regions = {
        {0x8000000000, 0x8040002000, 0, 0, 262146, 0, MM_PERM_R | MM_PERM_W, 0, nullptr}};
    // two pages on one frame (the zero page): reserved once
    std::vector<sim_image_mapping> maps = {{0x8000000000, 0x40000000, 2, rw, 0},
                                           {0x8040000000, 0x7000, 0, MM_PERM_R | MM_PERM_U, 0},
                                           {0x8040001000, 0x7000, 0, MM_PERM_R | MM_PERM_U, 0}};
    sim_image img{};
    img.regions = regions.data();
    img.n_regions = 1;
    img.mappings = maps.data();
    img.n_mappings = maps.size();
    Machine m(config());
    mm_error err{};
    ASSERT_EQ(sim_load_image(m.s, &img, SIM_IMAGE_FIRST_PROCESS, &err), MM_OK) << err.msg;
    EXPECT_EQ(sim_get_image_stats(m.s)->frames_reserved, 262144u + 1u);
    ASSERT_EQ(m.feed({mem_access(0x8000000000 + 0x3456789), mem_access(0x8040000010), mem_access(0x8040001020),
                      mem_access(0x8040001020, MM_ACCESS_STORE)},
                     &err),
              MM_OK)
        << err.msg;
    EXPECT_EQ(m.responses[0].pa, 0x40000000u + 0x3456789u);
    EXPECT_EQ(m.responses[0].level, 2u);
    EXPECT_EQ(m.responses[1].pa, 0x7010u);
    EXPECT_EQ(m.responses[2].pa, 0x7020u);
    EXPECT_EQ(m.responses[3].fault, MM_FAULT_PERM_WRITE) << "the image's rights, not the region's";
    EXPECT_EQ(sim_get_image_stats(m.s)->pages, 262146u);
}

// ---- pmem's reservation ----

pmem *small_pmem(pmem_alloc_policy policy, uint64_t frames)
{
    pmem_config c{};
    c.size_bytes = frames * kPage;
    c.pa_bits = 40;
    c.policy = policy;
    c.seed = 3;
    mm_error err{};
    pmem *p = pmem_create(&c, &err);
    EXPECT_NE(p, nullptr) << err.msg;
    return p;
}

TEST(PmemReserve, SequentialAllocatorPassesOverReservedFrames)
{
    pmem *p = small_pmem(PMEM_ALLOC_SEQUENTIAL, 2048);
    mm_error err{};
    for (uint64_t f : {0, 1, 3})
        ASSERT_EQ(pmem_reserve_frame(p, f * kPage, &err), MM_OK);
    EXPECT_EQ(pmem_reserve_frame(p, 3 * kPage + 8, &err), MM_ERR_EXISTS);
    EXPECT_NE(std::string(err.msg).find("frame at 0x3000 is allocated already"), std::string::npos);
    EXPECT_EQ(pmem_reserve_frame(p, 5000 * kPage, &err), MM_OK) << "beyond the memory: nothing to do";
    EXPECT_EQ(pmem_frames_allocated(p), 3u);
    uint64_t pa;
    std::vector<uint64_t> got;
    for (int i = 0; i < 3; i++) {
        ASSERT_EQ(pmem_alloc_frame(p, &pa, &err), MM_OK);
        got.push_back(pa / kPage);
    }
    EXPECT_EQ(got, (std::vector<uint64_t>{2, 4, 5}));
    // a freed frame reserved while it waits in the free heap is not reused
    pmem_free_frame(p, 4 * kPage);
    ASSERT_EQ(pmem_reserve_frame(p, 4 * kPage, &err), MM_OK);
    ASSERT_EQ(pmem_alloc_frame(p, &pa, &err), MM_OK);
    EXPECT_EQ(pa, 6 * kPage);
    // a 2 MiB run with a reserved frame in it is passed over
    ASSERT_EQ(pmem_reserve_frame(p, 600 * kPage, &err), MM_OK);
    ASSERT_EQ(pmem_alloc_frames(p, 9, &pa, &err), MM_OK);
    EXPECT_EQ(pa, 1024 * kPage);
    // the frames skipped on the way are still handed out, the reserved one never
    std::set<uint64_t> rest;
    while (pmem_alloc_frame(p, &pa, &err) == MM_OK)
        rest.insert(pa / kPage);
    EXPECT_EQ(err.code, MM_ERR_FULL);
    for (uint64_t f : {0, 1, 3, 4, 600})
        EXPECT_EQ(rest.count(f), 0u) << f;
    EXPECT_EQ(rest.size(), 2048u - 5u - 512u - 3u); // 5 reserved, 2 MiB, frames 2, 5, 6
    // freeing a reserved frame returns it
    pmem_free_frame(p, 600 * kPage);
    ASSERT_EQ(pmem_alloc_frame(p, &pa, &err), MM_OK);
    EXPECT_EQ(pa, 600 * kPage);
    pmem_destroy(p);
}

TEST(PmemReserve, RandomAllocatorPassesOverReservedFrames)
{
    pmem *p = small_pmem(PMEM_ALLOC_RANDOM, 64);
    mm_error err{};
    for (uint64_t f = 0; f < 64; f++)
        if (f % 8)
            ASSERT_EQ(pmem_reserve_frame(p, f * kPage, &err), MM_OK);
    std::set<uint64_t> got;
    uint64_t pa;
    while (pmem_alloc_frame(p, &pa, &err) == MM_OK)
        got.insert(pa / kPage);
    EXPECT_EQ(got, (std::set<uint64_t>{0, 8, 16, 24, 32, 40, 48, 56}));
    pmem_destroy(p);
}

// ---- item 9: the OS layer in `mmulab run`'s table ----

TEST(RunReport, OsRunShowsFaultCyclesAndResidentSets)
{
    std::vector<trace_record> recs = {event(TRACE_CONTEXT_SWITCH, 3)};
    for (uint64_t k = 0; k < 5; k++)
        recs.push_back(mem_access(0x10000000 + k * kPage, MM_ACCESS_STORE, 3));
    recs.push_back(event(TRACE_CONTEXT_SWITCH, 8));
    for (uint64_t k = 0; k < 2; k++)
        recs.push_back(mem_access(0x20000000 + k * kPage, MM_ACCESS_LOAD, 8));
    std::string trace = write_trace("os.mmt.gz", recs);
    Command r = run_cli("run --no-progress --set os.enabled=true " + trace);
    ASSERT_EQ(r.status, 0) << r.out;
    // 7 minor faults of 1000 + 250 (zeroing) cycles, and 2 segfaults of 1000: the first
    // touch of each process's 1 GiB chunk, which the run then maps (docs/os-model.md)
    EXPECT_NE(r.out.find("os faults: minor 7, major 0, cow 0 (0 copies), segv 2, spurious 0; "
                         "fault cycles 10750 (1194.4 per fault)\n"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("resident set (4 KiB frames):  pid 3 5  pid 8 2\n"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("os memory: 7 frames in use"), std::string::npos) << r.out;
    Command plain = run_cli("run --no-progress " + trace);
    ASSERT_EQ(plain.status, 0) << plain.out;
    EXPECT_EQ(plain.out.find("os faults"), std::string::npos) << "only with os.enabled";
    remove(trace.c_str());
}

}  // namespace
